package sandbox

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

func benchSandbox(b *testing.B) *Sandbox {
	b.Helper()
	sb, err := New(context.Background(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	return sb
}

// BenchmarkHTTPPersonLookup measures GET /api/persons/{pnr} over loopback with keep-alive clients, and
// reports requests per second and the 99th percentile latency.
func BenchmarkHTTPPersonLookup(b *testing.B) {
	sb := benchSandbox(b)
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
	var numbers []string
	for _, p := range sb.Search(Query{Name: "e", Limit: 1000}) {
		numbers = append(numbers, p.Number.String())
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		i := 0
		for pb.Next() {
			t0 := time.Now()
			resp, err := client.Get(srv.URL + "/api/persons/" + numbers[i%len(numbers)])
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			mine = append(mine, time.Since(t0))
			i++
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkDirekteLookup measures CPR Direkte lookups over plain TCP, one connection per lookup as the
// protocol has it, from parallel clients.
func BenchmarkDirekteLookup(b *testing.B) { benchDirekte(b, "OFF4", 1234, "TESTUSER") }

// BenchmarkPRIVLookup is BenchmarkDirekteLookup for a private customer's PRIV lookups:
// scripts/bench-priv.sh prints the ratio of the two.
func BenchmarkPRIVLookup(b *testing.B) { benchDirekte(b, "PRIV", 5678, "PRIVUSER") }

func benchDirekte(b *testing.B, trans string, customer int, user string) {
	sb := benchSandbox(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go direkte.Serve(ctx, ln, sb, 0)
	dial := func(ctx context.Context) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", ln.Addr().String())
	}
	r, err := direkte.Do(ctx, dial, direkte.AppendLogon(nil, direkte.Logon{Transaction: trans, Customer: customer, User: user, Password: "Test1234"}))
	if err != nil || r.Code != direkte.OK {
		b.Fatalf("logon: %v %+v", err, r)
	}
	var numbers []string
	for _, p := range sb.Search(Query{Name: "e", Limit: 1000}) {
		numbers = append(numbers, p.Number.String())
	}
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req := direkte.AppendLookup(nil, direkte.Lookup{Transaction: trans, Customer: customer, AbonType: direkte.AbonNone,
				DataType: direkte.DataPerson, Token: r.Token, User: user, PNR: numbers[i%len(numbers)]})
			resp, err := direkte.Do(ctx, dial, req)
			if err != nil || resp.Code != direkte.OK {
				b.Errorf("lookup: %v %+v", err, resp)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "lookups/s")
}

// BenchmarkExtractDownload measures downloading the status extract over loopback.
func BenchmarkExtractDownload(b *testing.B) {
	sb := benchSandbox(b)
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
	f := sb.Files()[0]
	b.SetBytes(int64(f.Bytes))
	b.ResetTimer()
	for range b.N {
		resp, err := http.Get(srv.URL + "/api/extracts/" + f.Name)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if n != int64(f.Bytes) {
			b.Fatalf("%d bytes, want %d", n, f.Bytes)
		}
	}
}

// BenchmarkSF1520Lookup measures SF1520 PersonLookup (v5, as OS2sofd sends it) over loopback with the
// same clients and persons as BenchmarkHTTPPersonLookup, and reports requests per second:
// scripts/bench-soap.sh prints the ratio of the two.
func BenchmarkSF1520Lookup(b *testing.B) {
	sb := benchSandbox(b)
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
	var bodies [][]byte
	for _, p := range sb.Search(Query{Name: "e", Limit: 1000}) {
		bodies = append(bodies, os2sofd1520(p.Number.String()))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			resp, err := client.Post(srv.URL+SF1520PathV5, "text/xml; charset=utf-8", bytes.NewReader(bodies[i%len(bodies)]))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkDatafordelerLookup measures PersonFullCurrentListComplete by pnr.personnummer.eq, as
// kontrolgruppen looks a person up, with the same clients and persons as BenchmarkHTTPPersonLookup:
// scripts/bench-soap.sh prints the ratio.
func BenchmarkDatafordelerLookup(b *testing.B) {
	sb := benchSandbox(b)
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
	var numbers []string
	for _, p := range sb.Search(Query{Name: "e", Limit: 1000}) {
		numbers = append(numbers, p.Number.String())
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			resp, err := client.Get(srv.URL + "/CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete?pnr.personnummer.eq=" + numbers[i%len(numbers)])
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
