package cprsandbox_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/pkg/sftp"
	"github.com/testcontainers/testcontainers-go"
	"golang.org/x/crypto/ssh"

	"github.com/cprtestdata/cprtestdata/formats/dataset"
	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox"
	"github.com/cprtestdata/cprtestdata/sandbox/cprsandbox"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// TestMain builds the image from the repository (as make image does) before the tests and examples,
// which start it through the module against the real Docker engine. Without Docker they are skipped with
// the reason; under CI (CI=true) that is a failure.
func TestMain(m *testing.M) {
	if err := buildImage(); err != nil {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "cprsandbox: the container tests cannot run in CI: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("cprsandbox: skipping the container tests and examples: %v\n", err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func buildImage() error {
	if _, err := exec.LookPath("docker"); err != nil {
		return fmt.Errorf("no docker command: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "info").CombinedOutput(); err != nil {
		return fmt.Errorf("no Docker engine answers (docker info: %v): %s", err, firstLine(out))
	}
	// No registry is reachable: the reaper image cannot be pulled, and the engine is local.
	for k, v := range map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true", "TESTCONTAINERS_HOST_OVERRIDE": "localhost"} {
		if os.Getenv(k) == "" {
			os.Setenv(k, v)
		}
	}
	// The same build Run does when the engine has no image, done again here so that the tests run the
	// code of this checkout, whatever image an earlier run left.
	return cprsandbox.BuildImage(ctx, cprsandbox.DefaultImage)
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

func run(t *testing.T, opts ...testcontainers.ContainerCustomizer) *cprsandbox.Container {
	t.Helper()
	start := time.Now()
	ctr, err := cprsandbox.Run(context.Background(), cprsandbox.DefaultImage, opts...)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("container healthy %s after Run was called", time.Since(start).Round(time.Millisecond))
	return ctr
}

func records(t *testing.T, data []byte) []*extract.Record {
	t.Helper()
	var out []*extract.Record
	r := extract.NewReader(bytes.NewReader(data))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// TestReceivingProgramInContainer does across the container boundary what a receiving program does:
// download the status extract, move the clock, fetch and apply the change extracts, look a person up
// over CPR Direkte (TLS) and compare, trigger a fault and see it, snapshot and restore - with an admin
// token, which the Container's helpers send and a bare request lacks.
func TestReceivingProgramInContainer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ctr := run(t, cprsandbox.WithSeed(3), cprsandbox.WithPersons(3000), cprsandbox.WithAdminToken("container-token"))
	base, err := ctr.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Post(base+"/admin/reset", "", nil); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /admin/reset without the token: %v %v, want 401", err, resp)
	} else {
		resp.Body.Close()
	}
	es, err := ctr.Extracts(ctx)
	if err != nil || len(es) != 1 || es[0].Kind != "status" {
		t.Fatalf("extracts at the start: %v, %v", es, err)
	}
	held := extract.NewReceiver()
	apply := func(e cprsandbox.Extract) {
		t.Helper()
		data, err := ctr.Download(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		if err := held.Apply(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
	}
	apply(es[0])
	published, err := ctr.AdvanceClock(ctx, 5)
	if err != nil || len(published) != 5 {
		t.Fatalf("advance: %d published, %v", len(published), err)
	}
	for _, e := range published {
		apply(e)
	}
	if len(held.Numbers()) < 3000 {
		t.Errorf("%d persons held after 5 days", len(held.Numbers()))
	}
	// CPR Direkte over TLS: the person's 001 record is the one held.
	addr, err := ctr.DirekteTLSAddress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dial := func(ctx context.Context) (net.Conn, error) {
		return (&tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true}}).DialContext(ctx, "tcp", addr) // self-signed
	}
	r, err := direkte.Do(ctx, dial, direkte.AppendLogon(nil, direkte.Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"}))
	if err != nil || r.Code != direkte.OK {
		t.Fatalf("logon: %v %+v", err, r)
	}
	if p, err := ctr.Person(ctx, held.Numbers()[0]); err != nil || !strings.Contains(string(p), held.Numbers()[0]) {
		t.Errorf("the person over HTTP: %s, %v", p, err)
	}
	for _, num := range held.Numbers()[:10] {
		recs := held.Records(num)
		resp, err := direkte.Do(ctx, dial, direkte.AppendLookup(nil, direkte.Lookup{Transaction: "OFF4", Customer: 1234,
			Token: r.Token, User: "TESTUSER", PNR: num}))
		if err != nil || resp.Code != direkte.OK {
			t.Fatalf("lookup %s: %v %+v", num, err, resp)
		}
		got := records(t, resp.Data)
		if got[1].Type() != "001" || strings.Join(got[1].Values, "|") != strings.Join(recs[0].Values, "|") {
			t.Errorf("%s: CPR Direkte's 001 differs from the one held", num)
		}
	}
	// A fault: the next change extract counts its records wrong.
	if err := ctr.Fault(ctx, "file", url.Values{"kind": {sandbox.FaultWrongCount}}); err != nil {
		t.Fatal(err)
	}
	published, err = ctr.AdvanceClock(ctx, 1)
	if err != nil || published[0].Fault != sandbox.FaultWrongCount {
		t.Fatalf("the faulty day: %+v, %v", published, err)
	}
	data, _ := ctr.Download(ctx, published[0])
	rep, err := extract.Inspect([]string{published[0].Name}, func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil || rep.Violations == 0 {
		t.Errorf("inspect finds no violation in the faulty file: %v", err)
	}
	// Snapshot, move on, restore.
	id, err := ctr.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ctr.AdvanceClock(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if err := ctr.Restore(ctx, id); err != nil {
		t.Fatal(err)
	}
	if es, _ := ctr.Extracts(ctx); len(es) != 7 {
		t.Errorf("%d extracts after the restore, want 7", len(es))
	}
	if err := ctr.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if es, _ := ctr.Extracts(ctx); len(es) != 1 {
		t.Errorf("%d extracts after the reset", len(es))
	}
}

// TestTwoContainers runs two sandboxes side by side: each keeps its own population and clock.
func TestTwoContainers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sums := make([]string, 2)
	for i, seed := range []uint64{11, 12} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			ctr := run(t, cprsandbox.WithSeed(seed), cprsandbox.WithPersons(1000))
			if _, err := ctr.AdvanceClock(ctx, int(seed)-9); err != nil {
				t.Fatal(err)
			}
			es, err := ctr.Extracts(ctx)
			if err != nil || len(es) != int(seed)-8 {
				t.Fatalf("%d extracts after %d days: %v", len(es), seed-9, err)
			}
			sums[i] = es[0].SHA256
		})
	}
	t.Cleanup(func() {
		if sums[0] != "" && sums[0] == sums[1] {
			t.Error("two seeds served the same status extract")
		}
	})
}

// TestWithDataDirAndCustomers serves a directory testdata generate wrote, with a customer of its own.
func TestWithDataDirAndCustomers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	opts := dataset.Options{Generator: generator.Config{Persons: 1500, Seed: 5, Days: 2}, Formats: []dataset.Format{dataset.FormatFixed}}
	opts.Extract.Framing = extract.LF
	if _, err := dataset.Write(ctx, dir, opts); err != nil {
		t.Fatal(err)
	}
	ctr := run(t, cprsandbox.WithDataDir(dir), cprsandbox.WithCustomers([]sandbox.CustomerConfig{
		{Number: 77, Users: []sandbox.UserConfig{{ID: "BANK", Password: "Bank2026"}}}}))
	es, err := ctr.Extracts(ctx)
	if err != nil || len(es) != 3 {
		t.Fatalf("extracts: %d, %v", len(es), err)
	}
	got, _ := ctr.Download(ctx, es[2])
	want, err := os.ReadFile(filepath.Join(dir, "changes", es[2].Name))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s: served %d bytes, the directory has %d (%v)", es[2].Name, len(got), len(want), err)
	}
	addr, _ := ctr.DirekteAddress(ctx)
	dial := func(ctx context.Context) (net.Conn, error) { return (&net.Dialer{}).DialContext(ctx, "tcp", addr) }
	for _, tt := range []struct {
		logon direkte.Logon
		want  direkte.Code
	}{
		{direkte.Logon{Transaction: "OFF4", Customer: 77, User: "BANK", Password: "Bank2026"}, direkte.OK},
		{direkte.Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"}, direkte.UnknownCustomer},
	} {
		if r, err := direkte.Do(ctx, dial, direkte.AppendLogon(nil, tt.logon)); err != nil || r.Code != tt.want {
			t.Errorf("logon %+v: %v %+v, want %02d", tt.logon, err, r, tt.want)
		}
	}
}

// TestDockerReportsHealthy checks that Docker's own health check (the image's HEALTHCHECK) reports the
// sandbox healthy within 2 s of the container starting, and that its checks stay out of the journal.
func TestDockerReportsHealthy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ctr := run(t, cprsandbox.WithPersons(1000))
	deadline := time.Now().Add(20 * time.Second)
	for {
		info, err := ctr.Inspect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h := info.State.Health; h != nil && h.Status == "healthy" {
			started, err1 := time.Parse(time.RFC3339Nano, info.State.StartedAt)
			var first time.Time
			for _, l := range h.Log {
				if l.ExitCode == 0 && (first.IsZero() || l.End.Before(first)) {
					first = l.End
				}
			}
			if err1 != nil || first.IsZero() {
				t.Fatalf("started %q, health log %+v", info.State.StartedAt, h.Log)
			}
			if d := first.Sub(started); d > 2*time.Second {
				t.Errorf("Docker reported healthy %s after the start, want within 2 s", d)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not healthy within 20 s: %+v", info.State.Health)
		}
		time.Sleep(100 * time.Millisecond)
	}
	base, err := ctr.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/admin/journal")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var j struct {
		Entries []struct{ Request string } `json:"entries"`
	}
	json.NewDecoder(resp.Body).Decode(&j)
	for _, e := range j.Entries {
		if strings.Contains(e.Request, "/healthz") {
			t.Errorf("a health check in the journal: %q", e.Request)
		}
	}
}

// TestMunicipalityInContainer is a municipal integration across the container boundary: subscribe to a
// municipality with SF6002 over HTTPS, move the clock, fetch the day's delta file over SFTP with the
// host key pinned from Doors, apply it on the status extract, and look a delivered person up with SF1520.
func TestMunicipalityInContainer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ctr := run(t, cprsandbox.WithSeed(4), cprsandbox.WithPersons(20000), cprsandbox.WithMunicipalities(101))
	soapURL, err := ctr.SOAPURL(ctx, sandbox.SF6002Path)
	if err != nil {
		t.Fatal(err)
	}
	https := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // self-signed
	const agreement = "579e05e9-1bf3-4670-a2b6-9c99063e5f1a"
	envelope := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
		`<AddMunicipalityCodeSubscription xmlns="http://serviceplatformen.dk/xml/wsdl/soap11/CprSubscriptionService/1/">` +
		`<InvocationContext xmlns="http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"><ServiceAgreementUUID>` + agreement + `</ServiceAgreementUUID>` +
		`<UserSystemUUID>ce062d24-31c0-4abf-92af-66f42c863296</UserSystemUUID><UserUUID>1f3e6b87-1ae8-470a-9cba-5d996c135eca</UserUUID>` +
		`<ServiceUUID>9cdccc2f-3243-11e2-8fef-d4bed98c5934</ServiceUUID></InvocationContext>` +
		`<MunicipalityCode>101</MunicipalityCode></AddMunicipalityCodeSubscription></s:Body></s:Envelope>`
	req, _ := http.NewRequestWithContext(ctx, "POST", soapURL, strings.NewReader(envelope))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `""`)
	resp, err := https.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "<ns3:Result>ADDED</ns3:Result>") {
		t.Fatalf("SF6002: %s", body)
	}
	if _, err := ctr.AdvanceClock(ctx, 3); err != nil {
		t.Fatal(err)
	}
	base, _ := ctr.URL(ctx)
	resp, err = http.Get(base + "/api/customers/1234/extracts")
	if err != nil {
		t.Fatal(err)
	}
	var own []cprsandbox.Extract
	json.NewDecoder(resp.Body).Decode(&own)
	resp.Body.Close()
	if len(own) != 4 || own[0].Kind != "status" || own[3].PreviousProductionDate != own[2].ProductionDate {
		t.Errorf("customer 1234's area series (WithMunicipalities): %+v", own)
	}
	doors, customers, err := ctr.Doors(ctx)
	if err != nil || len(doors.SFTPHostKeys) == 0 || len(customers) != 2 || customers[0].Customer != 1234 || customers[0].Agreements[0] != agreement {
		t.Fatalf("doors: %+v %+v %v", doors, customers, err)
	}
	addr, err := ctr.SFTPAddress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pinned := func(_ string, _ net.Addr, key ssh.PublicKey) error {
		for _, fp := range doors.SFTPHostKeys {
			if strings.HasSuffix(fp, " "+ssh.FingerprintSHA256(key)) {
				return nil
			}
		}
		return fmt.Errorf("host key %s is not one of %v", ssh.FingerprintSHA256(key), doors.SFTPHostKeys)
	}
	sc, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "1234", Auth: []ssh.AuthMethod{ssh.Password("Test1234")}, HostKeyCallback: pinned})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	client, err := sftp.NewClient(sc)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := client.ReadDir("IN")
	if err != nil {
		t.Fatal(err)
	}
	held := extract.NewReceiver()
	es, _ := ctr.Extracts(ctx)
	status, err := ctr.Download(ctx, es[0])
	if err != nil || held.Apply(bytes.NewReader(status)) != nil {
		t.Fatalf("status extract: %v", err)
	}
	var delivered []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".metadata") {
			continue
		}
		f, err := client.Open("IN/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		before := len(held.Numbers())
		if err := held.Apply(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if len(held.Numbers()) < before {
			t.Fatal("the receiver lost persons")
		}
		for _, r := range records(t, data) {
			if r.Type() == "001" {
				delivered = append(delivered, r.Get("PNR"))
			}
		}
	}
	if len(entries) != 6 || len(delivered) == 0 {
		t.Fatalf("IN: %d files, %d persons delivered; want 3 days of delta files with .metadata, and someone", len(entries), len(delivered))
	}
	lookupURL, _ := ctr.SOAPURL(ctx, sandbox.SF1520PathV5)
	n := delivered[0]
	lookup := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><PersonLookupRequest xmlns="http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/">` +
		`<AuthorityContext xmlns="http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/"><MunicipalityCVR>64942212</MunicipalityCVR></AuthorityContext>` +
		`<PNR xmlns="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">` + n + `</PNR></PersonLookupRequest></s:Body></s:Envelope>`
	resp, err = https.Post(lookupURL, "text/xml; charset=utf-8", strings.NewReader(lookup))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	status001, _ := strconv.Atoi(held.Records(n)[0].Get("Status"))
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<personnummer>"+n+"</personnummer>") ||
		!strings.Contains(string(body), fmt.Sprintf("<status><status>%d</status>", status001)) {
		t.Errorf("SF1520 of %s: %d %s", n, resp.StatusCode, body)
	}
}

// TestBatchCustomerInContainer uses CPR's FTPS across the container boundary: WithFTPS publishes the
// control and passive ports on the same numbers, and a batch customer uploads a requisition and fetches
// the extract that answers it.
func TestBatchCustomerInContainer(t *testing.T) {
	ctx := context.Background()
	ctr := run(t, cprsandbox.WithPersons(1000), cprsandbox.WithFTPS(32121))
	addr, err := ctr.FTPSAddress(ctx)
	if err != nil || !strings.HasSuffix(addr, ":32121") {
		t.Fatalf("FTPS address %q: %v", addr, err)
	}
	c, err := ftp.Dial(addr, ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true}), ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Login("1234", "Test1234"); err != nil {
		t.Fatal(err)
	}
	var number string
	es, _ := ctr.Extracts(ctx)
	status, _ := ctr.Download(ctx, es[0])
	for _, r := range records(t, status) {
		if r.Type() == "001" {
			number = r.Get("PNR")
			break
		}
	}
	if err := c.Stor("ind/d260102.i900001", strings.NewReader("07900001"+number+strings.Repeat(" ", 15)+"\r\n")); err != nil {
		t.Fatalf("upload through the published passive ports: %v", err)
	}
	if _, err := ctr.AdvanceClock(ctx, 1); err != nil {
		t.Fatal(err)
	}
	entries, err := c.List("ud")
	if err != nil || len(entries) != 1 {
		t.Fatalf("ud/: %v %v", entries, err)
	}
	r, err := c.Retr("ud/" + entries[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Contains(data, []byte("001"+number)) {
		t.Errorf("the requisitioned person %s is not in %s", number, entries[0].Name)
	}
}
