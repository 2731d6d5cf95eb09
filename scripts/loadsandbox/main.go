// Command loadsandbox loads a running testdata serve: CLIENTS goroutines for SECONDS, each looping over
// HTTP person lookups and searches, extract listings and ranged downloads, and CPR Direkte lookups. It
// samples the server's memory (VmRSS of PID) every five seconds and fails on any error, or when memory
// keeps growing: the last sample more than half as large again as the first after warm-up.
//
// Usage: go run ./scripts/loadsandbox -http 127.0.0.1:8080 -direkte 127.0.0.1:5000 -pid PID [-clients 200] [-seconds 60]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:8080", "the sandbox's HTTP address")
	direkteAddr := flag.String("direkte", "127.0.0.1:5000", "the sandbox's CPR Direkte address (plain TCP)")
	pid := flag.Int("pid", 0, "the server's process id, for its memory")
	clients := flag.Int("clients", 200, "concurrent clients")
	seconds := flag.Int("seconds", 60, "how long")
	flag.Parse()
	if err := run(*httpAddr, *direkteAddr, *pid, *clients, time.Duration(*seconds)*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, "loadsandbox:", err)
		os.Exit(1)
	}
}

func rss(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	return 0
}

func run(httpAddr, direkteAddr string, pid, clients int, d time.Duration) error {
	base := "http://" + httpAddr
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var persons []struct {
		Number string `json:"pnr"`
	}
	resp, err := client.Get(base + "/api/persons?name=e&limit=1000")
	if err != nil {
		return err
	}
	json.NewDecoder(resp.Body).Decode(&persons)
	resp.Body.Close()
	if len(persons) == 0 {
		return fmt.Errorf("no persons to look up")
	}
	dial := func(ctx context.Context) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", direkteAddr)
	}
	logon, err := direkte.Do(context.Background(), dial, direkte.AppendLogon(nil,
		direkte.Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"}))
	if err != nil || logon.Code != direkte.OK {
		return fmt.Errorf("CPR Direkte logon: %v %+v", err, logon)
	}

	var requests, failures atomic.Int64
	var firstErr atomic.Value
	failed := func(err error) {
		failures.Add(1)
		firstErr.CompareAndSwap(nil, err.Error())
	}
	get := func(path string, hdr string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if hdr != "" {
			req.Header.Set("Range", hdr)
		}
		resp, err := client.Do(req)
		if err != nil {
			failed(err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 206 {
			failed(fmt.Errorf("GET %s: %d", path, resp.StatusCode))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i++ {
				num := persons[i%len(persons)].Number
				switch i % 5 {
				case 0, 1:
					get("/api/persons/"+num, "")
				case 2:
					get("/api/extracts", "")
				case 3:
					get("/api/extracts/"+"D260101.L900001", fmt.Sprintf("bytes=%d-%d", i%100000, i%100000+4095))
				case 4:
					r, err := direkte.Do(context.Background(), dial, direkte.AppendLookup(nil, direkte.Lookup{Transaction: "OFF4",
						Customer: 1234, Token: logon.Token, User: "TESTUSER", PNR: num}))
					if err != nil {
						failed(err)
					} else if r.Code != direkte.OK {
						failed(fmt.Errorf("CPR Direkte lookup %s: %02d", num, r.Code))
					}
				}
				requests.Add(1)
			}
		}()
	}
	var samples []int
	start := time.Now()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for loop := true; loop; {
		select {
		case <-tick.C:
			samples = append(samples, rss(pid))
			fmt.Printf("%3.0f s: %8d requests, %d failed, server %d MB\n", time.Since(start).Seconds(), requests.Load(), failures.Load(), samples[len(samples)-1])
		case <-done:
			loop = false
		}
	}
	elapsed := time.Since(start).Seconds()
	fmt.Printf("%d clients, %.0f s: %d requests (%.0f/s), %d failed; server memory %v MB\n", clients, elapsed,
		requests.Load(), float64(requests.Load())/elapsed, failures.Load(), samples)
	if n := failures.Load(); n > 0 {
		return fmt.Errorf("%d requests failed, the first: %v", n, firstErr.Load())
	}
	if len(samples) >= 4 && samples[1] > 0 && samples[len(samples)-1]*2 > samples[1]*3 {
		return fmt.Errorf("memory grew from %d MB to %d MB", samples[1], samples[len(samples)-1])
	}
	return nil
}
