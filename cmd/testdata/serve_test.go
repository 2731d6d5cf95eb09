package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestServe starts testdata serve, waits for /healthz, and stops it as SIGTERM would: exit 0.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"testdata", "serve", "--http", addr, "--persons", "2000",
			"--direkte", "127.0.0.1:0", "--direkte-tls", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no /healthz within 20 s: %v; stderr %s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// CPR Direkte answers on the address it printed, with the default customer.
	m := regexp.MustCompile(`CPR Direkte on (\S+),`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no CPR Direkte address in %q", stderr.String())
	}
	dial := func(ctx context.Context) (net.Conn, error) { return (&net.Dialer{}).DialContext(ctx, "tcp", m[1]) }
	r, err := direkte.Do(context.Background(), dial, direkte.AppendLogon(nil,
		direkte.Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"}))
	if err != nil || r.Code != direkte.OK {
		t.Errorf("CPR Direkte logon: %v, %+v", err, r)
	}
	if _, errOut, c := runCLI(t, "", "healthcheck", "--http", addr); c != exitOK {
		t.Errorf("healthcheck of a running sandbox: exit %d, %s", c, errOut)
	}
	cancel()
	if c := <-code; c != exitOK || !strings.Contains(stderr.String(), "2000 persons") {
		t.Errorf("exit %d, stderr %q", c, stderr.String())
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
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, tt.want)
			}
		})
	}
}
