// Package cprsandbox is a testcontainers-go module for the cprtestdata sandbox: it starts the sandbox's
// container image from a Go test, waits until /healthz answers, and gives the addresses and the admin
// operations a receiving program's tests need. When the engine has no image of the sandbox and cannot
// pull one, Run builds it from this module's source with the Go toolchain the test runs on (once; make
// image does the same in a checkout), so a project needs go get and Docker, nothing else.
//
//	ctr, err := cprsandbox.Run(ctx, "cprtestdata/sandbox:dev", cprsandbox.WithSeed(7))
//	defer testcontainers.TerminateContainer(ctr)
//
// It follows the official modules' conventions: Run returns the container even with an error, so that
// the caller can clean up; options are testcontainers.ContainerCustomizer values.
package cprsandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/cprtestdata/cprtestdata/sandbox"
)

// The container's ports.
const (
	HTTPPort       = "8080/tcp"
	DirektePort    = "5000/tcp"
	DirekteTLSPort = "5001/tcp"
	HTTPSPort      = "8443/tcp" // Serviceplatformen's SOAP services and the HTTP API over TLS
	SFTPPort       = "2222/tcp" // the customers' delta files
	FTPSPort       = "2121/tcp" // CPR's FTPS; its passive ports 2122-2131 must be published on the same numbers
)

// DefaultImage is the image make image builds.
const DefaultImage = "cprtestdata/sandbox:dev"

// Container is a running sandbox.
type Container struct {
	testcontainers.Container
	adminToken string // sent with the administration calls, when the sandbox has one
	ftpsPort   int    // WithFTPS's control port, published on the same number
}

// Run starts the sandbox image img with the options given and waits until it is healthy. It returns the
// container even when it fails to start, so that the caller can terminate it. An image of ImageRepo
// (DefaultImage, Image()) that the engine neither has nor can pull is built first from this module's
// source with the Go toolchain the caller runs on, once: a project needs go get and Docker, nothing else.
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	if err := ensureImage(ctx, img); err != nil {
		return nil, fmt.Errorf("run cprsandbox: %w", err)
	}
	all := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(HTTPPort, DirektePort, DirekteTLSPort, HTTPSPort, SFTPPort, FTPSPort),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/healthz").WithPort(HTTPPort).WithStartupTimeout(60 * time.Second)),
	}
	all = append(all, opts...)
	ctr, err := testcontainers.Run(ctx, img, all...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr}
	}
	if err != nil {
		return c, fmt.Errorf("run cprsandbox: %w", err)
	}
	info, err := ctr.Inspect(ctx)
	if err != nil {
		return c, fmt.Errorf("run cprsandbox: %w", err)
	}
	for _, e := range info.Config.Env {
		if v, ok := strings.CutPrefix(e, adminTokenEnv+"="); ok {
			c.adminToken = v
		}
		if v, ok := strings.CutPrefix(e, ftpsPublishedEnv+"="); ok {
			c.ftpsPort, _ = strconv.Atoi(v)
		}
	}
	return c, nil
}

const adminTokenEnv = "CPRTESTDATA_ADMIN_TOKEN"

// WithAdminToken makes the sandbox require token as a bearer token on its administration endpoints
// (/admin/*); the Container's helpers send it. A sandbox reachable by others should have one.
func WithAdminToken(token string) testcontainers.CustomizeRequestOption {
	return withEnv(adminTokenEnv, token)
}

func withEnv(k, v string) testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{k: v})
}

// WithSeed sets the population's seed.
func WithSeed(seed uint64) testcontainers.CustomizeRequestOption {
	return withEnv("CPRTESTDATA_SEED", strconv.FormatUint(seed, 10))
}

// WithPersons sets the population's size (at most 200,000).
func WithPersons(n int) testcontainers.CustomizeRequestOption {
	return withEnv("CPRTESTDATA_PERSONS", strconv.Itoa(n))
}

// WithAsOf sets the start date, YYYY-MM-DD.
func WithAsOf(date string) testcontainers.CustomizeRequestOption {
	return withEnv("CPRTESTDATA_AS_OF", date)
}

// WithScenarios sets scenario quotas: name to instances.
func WithScenarios(quotas map[string]int) testcontainers.CustomizeRequestOption {
	var parts []string
	for name, n := range quotas {
		parts = append(parts, name+"="+strconv.Itoa(n))
	}
	return withEnv("CPRTESTDATA_SCENARIOS", strings.Join(parts, ","))
}

// WithSafeNumbers gives every person a personnummer CPR has not issued (testdata serve --safe-numbers).
func WithSafeNumbers() testcontainers.CustomizeRequestOption {
	return withEnv("CPRTESTDATA_SAFE_NUMBERS", "true")
}

// WithWeekdays publishes change extracts on weekdays only, as CPR delivers.
func WithWeekdays() testcontainers.CustomizeRequestOption {
	return withEnv("CPRTESTDATA_WEEKDAYS", "true")
}

// WithCustomers gives the customers - CPR Direkte users, SFTP passwords and SSH keys, service
// agreements, client certificates - instead of customer 1234 with TESTUSER and Test1234.
func WithCustomers(customers []sandbox.CustomerConfig) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		data, err := json.Marshal(customers)
		if err != nil {
			return fmt.Errorf("customers: %w", err)
		}
		return withFile("/data/customers.json", data, "CPRTESTDATA_CUSTOMERS")(req)
	}
}

// WithMunicipalities makes the default customer 1234 one of an area, as CPR delivers U12170 by
// municipality code: its own extracts (FTPS ud/, /api/customers/1234/extracts) are the area's status
// extract and daily change extracts. It sets the customers as WithCustomers does; give the area in
// CustomerConfig.Municipalities there instead when you give customers.
func WithMunicipalities(codes ...int) testcontainers.CustomizeRequestOption {
	cs := sandbox.DefaultCustomers()
	cs[0].Municipalities = codes
	return WithCustomers(cs)
}

// WithSFTPHostKey gives the SFTP server its host key, a PEM private key as ssh-keygen writes it, for
// clients that pin the host key (without it the sandbox makes keys at start: see Doors).
func WithSFTPHostKey(pem []byte) testcontainers.CustomizeRequestOption {
	return withFile("/data/sftp_host_key", pem, "CPRTESTDATA_SFTP_HOST_KEY")
}

// WithTLSCertificate gives the certificate and key (PEM) of HTTPS and CPR Direkte over TLS, for clients
// that must trust the server (without it the sandbox makes a self-signed one at start).
func WithTLSCertificate(certPEM, keyPEM []byte) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		if err := withFile("/data/tls.crt", certPEM, "CPRTESTDATA_TLS_CERT")(req); err != nil {
			return err
		}
		return withFile("/data/tls.key", keyPEM, "CPRTESTDATA_TLS_KEY")(req)
	}
}

// WithRequireClientCert makes the SOAP services take the caller from its TLS client certificate, whose
// SHA-256 fingerprint a customer lists in ClientCertificates (give them WithCustomers).
func WithRequireClientCert() testcontainers.CustomizeRequestOption {
	return withEnv("CPRTESTDATA_REQUIRE_CLIENT_CERT", "true")
}

func withFile(target string, data []byte, env string) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		if err := testcontainers.WithFiles(testcontainers.ContainerFile{Reader: bytes.NewReader(data),
			ContainerFilePath: target, FileMode: 0o644})(req); err != nil {
			return err
		}
		return withEnv(env, target)(req)
	}
}

// WithDataDir serves a directory made by testdata generate instead of making a population.
func WithDataDir(dir string) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		target := "/data/" + filepath.Base(abs)
		// 0755: the directories must be searchable by the image's user.
		if err := testcontainers.WithFiles(testcontainers.ContainerFile{HostFilePath: abs, ContainerFilePath: target, FileMode: 0o755})(req); err != nil {
			return err
		}
		return withEnv("CPRTESTDATA_DIR", target)(req)
	}
}

// URL returns the base URL of the sandbox's HTTP interface, as http://host:port.
func (c *Container) URL(ctx context.Context) (string, error) {
	return c.PortEndpoint(ctx, HTTPPort, "http")
}

// DirekteAddress returns host:port of CPR Direkte over plain TCP.
func (c *Container) DirekteAddress(ctx context.Context) (string, error) {
	return c.PortEndpoint(ctx, DirektePort, "")
}

// DirekteTLSAddress returns host:port of CPR Direkte over TLS (a self-signed certificate).
func (c *Container) DirekteTLSAddress(ctx context.Context) (string, error) {
	return c.PortEndpoint(ctx, DirekteTLSPort, "")
}

// SFTPAddress returns host:port of the SFTP server: customer 1234 logs on as user 1234 with password
// Test1234 (or the keys and passwords WithCustomers gives) and finds its delta files in IN.
func (c *Container) SFTPAddress(ctx context.Context) (string, error) {
	return c.PortEndpoint(ctx, SFTPPort, "")
}

// FTPSAddress returns host:port of CPR's FTPS control connection. Without WithFTPS, the passive data
// ports are published on random host ports, which a client cannot follow: give WithFTPS to use FTPS
// from outside the container.
func (c *Container) FTPSAddress(ctx context.Context) (string, error) {
	if c.ftpsPort != 0 {
		host, err := c.Host(ctx)
		if err != nil {
			return "", err
		}
		return net.JoinHostPort(host, strconv.Itoa(c.ftpsPort)), nil
	}
	return c.PortEndpoint(ctx, FTPSPort, "")
}

// ftpsPublishedEnv holds WithFTPS's first port in the container's environment, for Run to find (the
// sandbox does not read it).
const ftpsPublishedEnv = "CPRSANDBOX_FTPS_PUBLISHED"

// WithFTPS serves CPR's FTPS on port first and its passive data ports on the ten after it, each
// published on the same port number of the host, as FTP's passive mode needs (the client connects to
// the port the server names). Choose ports free on the host: two containers cannot share them.
func WithFTPS(first int) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		if first < 1024 || first+10 > 65535 {
			return fmt.Errorf("cprsandbox: WithFTPS(%d): want a port from 1024 to 65525", first)
		}
		if err := withEnv("CPRTESTDATA_FTPS", ":"+strconv.Itoa(first))(req); err != nil {
			return err
		}
		if err := withEnv(ftpsPublishedEnv, strconv.Itoa(first))(req); err != nil {
			return err
		}
		if err := withEnv("CPRTESTDATA_FTPS_PASSIVE", fmt.Sprintf("%d-%d", first+1, first+10))(req); err != nil {
			return err
		}
		var ports []string
		for p := first; p <= first+10; p++ {
			ports = append(ports, strconv.Itoa(p)+"/tcp")
		}
		if err := testcontainers.WithExposedPorts(ports...)(req); err != nil {
			return err
		}
		return testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			if hc.PortBindings == nil {
				hc.PortBindings = network.PortMap{}
			}
			for p := first; p <= first+10; p++ {
				port := network.MustParsePort(strconv.Itoa(p) + "/tcp")
				hc.PortBindings[port] = []network.PortBinding{{HostPort: strconv.Itoa(p)}}
			}
		})(req)
	}
}

// SOAPURL returns the HTTPS URL of a Serviceplatformen service path: sandbox.SF1520PathV4,
// sandbox.SF1520PathV5 or sandbox.SF6002Path.
func (c *Container) SOAPURL(ctx context.Context, servicePath string) (string, error) {
	base, err := c.PortEndpoint(ctx, HTTPSPort, "https")
	if err != nil {
		return "", err
	}
	return base + servicePath, nil
}

// Doors returns what GET /api/doors says: the addresses inside the container, the SFTP host-key
// fingerprints, and each customer's SFTP user and service agreements.
func (c *Container) Doors(ctx context.Context) (sandbox.Doors, []sandbox.CustomerDoors, error) {
	var out struct {
		Doors     sandbox.Doors           `json:"doors"`
		Customers []sandbox.CustomerDoors `json:"customers"`
	}
	err := c.call(ctx, "GET", "/api/doors", nil, &out)
	return out.Doors, out.Customers, err
}

// call sends a request to the sandbox's HTTP interface and decodes a JSON answer into out (when not nil).
func (c *Container) call(ctx context.Context, method, p string, query url.Values, out any) error {
	base, err := c.URL(ctx)
	if err != nil {
		return err
	}
	u := base + p
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	if c.adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.adminToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, p, resp.Status, strings.TrimSpace(string(body)))
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

// Extract is a published extract as the sandbox lists it.
type Extract struct {
	Name                   string `json:"name"`
	URL                    string `json:"url"`
	Kind                   string `json:"kind"`
	Day                    int    `json:"day"`
	ProductionDate         string `json:"production_date"`
	PreviousProductionDate string `json:"previous_production_date"`
	Bytes                  int    `json:"bytes"`
	Persons                int    `json:"persons"`
	SHA256                 string `json:"sha256"`
	Fault                  string `json:"fault,omitempty"`
}

// Extracts lists the published extracts, oldest first.
func (c *Container) Extracts(ctx context.Context) ([]Extract, error) {
	var out []Extract
	return out, c.call(ctx, "GET", "/api/extracts", nil, &out)
}

// Download returns an extract's bytes.
func (c *Container) Download(ctx context.Context, e Extract) ([]byte, error) {
	base, err := c.URL(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "GET", base+e.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", e.URL, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// AdvanceClock moves the sandbox's clock on days days and returns the change extracts published.
func (c *Container) AdvanceClock(ctx context.Context, days int) ([]Extract, error) {
	var out struct {
		Published []Extract `json:"published"`
	}
	err := c.call(ctx, "POST", "/admin/clock/advance", url.Values{"days": {strconv.Itoa(days)}}, &out)
	return out.Published, err
}

// Reset sets the sandbox back on its start date.
func (c *Container) Reset(ctx context.Context) error {
	return c.call(ctx, "POST", "/admin/reset", nil, nil)
}

// Snapshot keeps the sandbox's state and returns its id.
func (c *Container) Snapshot(ctx context.Context) (int, error) {
	var out struct {
		ID int `json:"id"`
	}
	err := c.call(ctx, "POST", "/admin/snapshot", nil, &out)
	return out.ID, err
}

// Restore goes back to a snapshot.
func (c *Container) Restore(ctx context.Context, id int) error {
	return c.call(ctx, "POST", "/admin/restore", url.Values{"id": {strconv.Itoa(id)}}, nil)
}

// Fault asks for a fault: kind is file, latency, direkte-error, http-error or drop, with its
// parameters (kind=truncated; ms=200, count=3; code=8; status=503) - see the sandbox's admin API.
func (c *Container) Fault(ctx context.Context, kind string, params url.Values) error {
	return c.call(ctx, "POST", path.Join("/admin/faults", kind), params, nil)
}

// ForceEvents asks for count events of kind (death, disappearance, emigration, move, number-change)
// tomorrow, the next day AdvanceClock moves to, each to a different resident adult, and returns them
// with the persons' numbers: for a test of how the receiving program handles them. The extracts already
// published stay as they are.
func (c *Container) ForceEvents(ctx context.Context, kind string, count int) ([]sandbox.ForcedEvent, error) {
	var out struct {
		Events []sandbox.ForcedEvent `json:"events"`
	}
	err := c.call(ctx, "POST", "/admin/events", url.Values{"kind": {kind}, "count": {strconv.Itoa(count)}}, &out)
	return out.Events, err
}

// Person returns a person as they are today, as JSON.
func (c *Container) Person(ctx context.Context, number string) (json.RawMessage, error) {
	var out json.RawMessage
	return out, c.call(ctx, "GET", "/api/persons/"+url.PathEscape(number), nil, &out)
}
