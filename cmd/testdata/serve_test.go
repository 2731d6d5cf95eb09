package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/pkg/sftp"
	"github.com/urfave/cli/v2"
	"golang.org/x/crypto/ssh"

	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// syncBuffer is a bytes.Buffer safe to write from the command and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe starts testdata serve, waits for /healthz, logs on over CPR Direkte, and stops it as
// SIGTERM would: exit 0.
func TestServe(t *testing.T) {
	addr, direkteAddr, stop := startServe(t, "--persons", "2000", "--direkte-tls", "127.0.0.1:0")
	if direkteAddr == "" {
		t.Fatal("no CPR Direkte address printed")
	}
	dial := func(ctx context.Context) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", direkteAddr)
	}
	r, err := direkte.Do(context.Background(), dial, direkte.AppendLogon(nil,
		direkte.Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"}))
	if err != nil || r.Code != direkte.OK {
		t.Errorf("CPR Direkte logon: %v, %+v", err, r)
	}
	if _, errOut, c := runCLI(t, "", "healthcheck", "--http", addr); c != exitOK {
		t.Errorf("healthcheck of a running sandbox: exit %d, %s", c, errOut)
	}
	if c, stderr := stop(); c != exitOK || !strings.Contains(stderr, "2000 persons") || !strings.Contains(stderr, "over TLS on 127.0.0.1:") {
		t.Errorf("exit %d, stderr %q", c, stderr)
	}
}

// TestServeServiceplatformen goes through serve's HTTPS and SFTP doors as a municipality's integration
// does: subscribe with SF6002, let a day pass, list and fetch the delta file with its .metadata.
func TestServeServiceplatformen(t *testing.T) {
	addr, _, out, stop := startServeOut(t, "--persons", "2000", "--https", "127.0.0.1:0", "--sftp", "127.0.0.1:0", "--ftps", "127.0.0.1:0", "--ftps-passive", "30100-30109")
	m := regexp.MustCompile(`HTTPS \(SF1520, SF6002\) on ([^\s;]+); SFTP on ([^\s;]+) \(ssh-ed25519 SHA256:.*; FTPS on ([^\s;]+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no HTTPS, SFTP (with the host key) and FTPS addresses in the ready line: %s", out.String())
	}
	httpsAddr, sftpAddr, ftpsAddr := m[1], m[2], m[3]
	fc, err := ftp.Dial(ftpsAddr, ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true}), ftp.DialWithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := fc.Login("1234", "Test1234"); err != nil {
		t.Fatalf("FTPS logon: %v", err)
	}
	if err := fc.Stor("ind/d260101.i900001", strings.NewReader("07900001"+"0101650001"+"               \r\n")); err != nil {
		t.Fatalf("FTPS upload over passive port 30100-30109: %v", err)
	}
	fc.Quit()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	body := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://serviceplatformen.dk/xml/wsdl/soap11/CprSubscriptionService/1/" xmlns:ns1="http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"><soapenv:Body><ns:AddMunicipalityCodeSubscription><ns1:InvocationContext><ns1:ServiceAgreementUUID>579e05e9-1bf3-4670-a2b6-9c99063e5f1a</ns1:ServiceAgreementUUID><ns1:UserSystemUUID>ce062d24-31c0-4abf-92af-66f42c863296</ns1:UserSystemUUID><ns1:UserUUID>1f3e6b87-1ae8-470a-9cba-5d996c135eca</ns1:UserUUID><ns1:ServiceUUID>9cdccc2f-3243-11e2-8fef-d4bed98c5934</ns1:ServiceUUID></ns1:InvocationContext><ns:MunicipalityCode>101</ns:MunicipalityCode></ns:AddMunicipalityCodeSubscription></soapenv:Body></soapenv:Envelope>`
	resp, err := client.Post("https://"+httpsAddr+"/service/CPRSubscription/CPRSubscription/1/", "text/xml; charset=utf-8", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(answer), "<ns3:Result>ADDED</ns3:Result>") {
		t.Fatalf("SF6002 over HTTPS: %d %s", resp.StatusCode, answer)
	}
	if resp, err := http.Post("http://"+addr+"/admin/clock/advance?days=1", "", nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("advance: %v %v", err, resp)
	}
	sc, err := ssh.Dial("tcp", sftpAddr, &ssh.ClientConfig{User: "1234", Auth: []ssh.AuthMethod{ssh.Password("Test1234")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	c, err := sftp.NewClient(sc)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := c.ReadDir("/IN")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{"D260102.L900001.579e05e9-1bf3-4670-a2b6-9c99063e5f1a", "D260102.L900001.579e05e9-1bf3-4670-a2b6-9c99063e5f1a.metadata"}
	if !slices.Equal(got, want) {
		t.Fatalf("/IN holds %v, want %v", got, want)
	}
	f, err := c.Open("/IN/" + want[0])
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil || !bytes.HasPrefix(data, []byte("000")) || !bytes.Contains(data, []byte("\r\n999")) {
		t.Fatalf("delta file: %v, %.60q", err, data)
	}
	if code, stderr := stop(); code != exitOK {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestHealthcheckDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, stderr, code := runCLI(t, "", "healthcheck", "--http", addr); code != exitInvalid || !strings.Contains(stderr, "healthcheck") {
		t.Errorf("healthcheck with nothing listening: exit %d, %q", code, stderr)
	}
}

func TestServeErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"bad address", []string{"serve", "--http", "nowhere:x"}, "--http"},
		{"too many persons", []string{"serve", "--http", "127.0.0.1:0", "--persons", "300000"}, "at most 200000"},
		{"bad framing", []string{"serve", "--framing", "cr"}, "--framing"},
		{"cert without key", []string{"serve", "--tls-cert", "c.pem"}, "go together"},
		{"missing customers file", []string{"serve", "--customers", "/nonexistent.json"}, "--customers"},
		{"bad passive range", []string{"serve", "--ftps-passive", "3000-2000"}, "--ftps-passive"},
		{"client cert without HTTPS", []string{"serve", "--https", "", "--require-client-cert"}, "needs --https"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, tt.want)
			}
		})
	}
}

// startServe runs testdata serve with args on free loopback ports until stop, which returns its exit
// code and what it wrote to standard error.
func startServe(t *testing.T, args ...string) (httpAddr, direkteAddr string, stop func() (int, string)) {
	t.Helper()
	httpAddr, direkteAddr, _, stop = startServeOut(t, args...)
	return httpAddr, direkteAddr, stop
}

// startServeOut is startServe that also gives what serve has written to standard error: its ready line
// is there when startServeOut returns.
func startServeOut(t *testing.T, args ...string) (httpAddr, direkteAddr string, stderr *syncBuffer, stop func() (int, string)) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpAddr = ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"testdata", "serve", "--http", httpAddr, "--direkte", "127.0.0.1:0", "--direkte-tls", "", "--sftp", "", "--https", "", "--ftps", ""}, args...),
			strings.NewReader(""), io.Discard, stderr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + httpAddr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case c := <-code:
			t.Fatalf("testdata serve exited %d: %s", c, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no /healthz within 30 s: %v; stderr %s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if m := regexp.MustCompile(`CPR Direkte on ([^\s,;]+)`).FindStringSubmatch(stderr.String()); m != nil {
		direkteAddr = m[1]
	}
	var once sync.Once
	var c int
	stop = func() (int, string) {
		once.Do(func() { cancel(); c = <-code })
		return c, stderr.String()
	}
	t.Cleanup(func() { stop() })
	return httpAddr, direkteAddr, stderr, stop
}

// TestServeShutdown checks SIGTERM's drain: a slow download in flight finishes and serve exits 0; one
// slower than --shutdown-timeout is cut and serve exits 3 saying so; an idle CPR Direkte connection
// does not hold the exit up.
func TestServeShutdown(t *testing.T) {
	download := func(t *testing.T, addr string) (*http.Response, int64) {
		t.Helper()
		resp, err := http.Get("http://" + addr + "/api/extracts/D260101.L900001")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("download: %v %v", err, resp)
		}
		if resp.ContentLength < 20<<20 {
			t.Fatalf("the status extract has %d bytes, too few to outlast the socket buffers", resp.ContentLength)
		}
		return resp, resp.ContentLength
	}
	slowly := func(r io.Reader, chunk int, pause time.Duration) (int64, error) {
		var n int64
		buf := make([]byte, chunk)
		for {
			m, err := io.ReadFull(r, buf)
			n += int64(m)
			if err != nil {
				if err == io.ErrUnexpectedEOF || err == io.EOF {
					err = nil
				}
				return n, err
			}
			time.Sleep(pause)
		}
	}
	t.Run("a slow download finishes", func(t *testing.T) {
		addr, _, stop := startServe(t, "--persons", "20000", "--shutdown-timeout", "60s")
		resp, size := download(t, addr)
		defer resp.Body.Close()
		exited := make(chan int, 1)
		go func() { c, _ := stop(); exited <- c }()
		time.Sleep(100 * time.Millisecond) // the shutdown has begun
		got, err := slowly(resp.Body, 512<<10, 5*time.Millisecond)
		if err != nil || got != size {
			t.Errorf("read %d of %d bytes: %v", got, size, err)
		}
		if c := <-exited; c != exitOK {
			t.Errorf("exit %d after the download finished, want 0", c)
		}
	})
	t.Run("a download slower than the timeout is cut", func(t *testing.T) {
		addr, _, stop := startServe(t, "--persons", "20000", "--shutdown-timeout", "300ms")
		resp, size := download(t, addr)
		defer resp.Body.Close()
		go slowly(resp.Body, 64<<10, 50*time.Millisecond)
		start := time.Now()
		c, stderr := stop()
		if c != exitFailure || !strings.Contains(stderr, "shutdown timeout") {
			t.Errorf("exit %d, %q; want 3 saying the shutdown timeout cut requests", c, stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("exit after %s with a 300ms timeout (download of %d bytes)", d, size)
		}
	})
	t.Run("an idle CPR Direkte connection", func(t *testing.T) {
		_, direkteAddr, stop := startServe(t, "--persons", "300")
		conn, err := net.Dial("tcp", direkteAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.Write([]byte("OFF4,")) // and nothing more
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		if c, stderr := stop(); c != exitOK {
			t.Errorf("exit %d: %s", c, stderr)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("exit took %s with an idle CPR Direkte connection", d)
		}
	})
}

// TestServeListensOnLoopback checks the default addresses: loopback only, outside the container.
func TestServeListensOnLoopback(t *testing.T) {
	for _, f := range serveCommand().Flags {
		sf, ok := f.(*cli.StringFlag)
		if !ok || !slices.Contains([]string{"http", "direkte", "direkte-tls", "sftp", "https", "ftps"}, sf.Name) {
			continue
		}
		if host, _, err := net.SplitHostPort(sf.Value); err != nil || host != "127.0.0.1" {
			t.Errorf("--%s defaults to %q, want a loopback address", sf.Name, sf.Value)
		}
	}
}
