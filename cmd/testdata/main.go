// Command testdata makes and checks synthetic Danish CPR test data.
//
// Exit codes: 0 success; 1 a check found invalid input; 2 usage error (unknown command or flag, a malformed
// flag value or argument, a file that cannot be opened); 3 the work failed (for example a write error);
// 130 interrupted (testdata serve shuts down gracefully instead and exits 0).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"
)

// interruptGrace is how long a command may take to end after SIGINT or SIGTERM: commands stop their work
// when the context ends and clean up what they made, but a read blocked in the kernel (a FIFO nobody
// writes to, a terminal) cannot be woken, so after this the process exits 130 anyway. A second signal
// ends it at once. testdata serve raises it by its --shutdown-timeout.
var interruptGrace atomic.Int64

func init() { interruptGrace.Store(int64(3 * time.Second)) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal has its default effect: the process ends
		time.Sleep(time.Duration(interruptGrace.Load()))
		fmt.Fprintln(os.Stderr, "testdata: interrupted")
		os.Exit(exitInterrupted)
	}()
	stopProfile := startProfile()
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	os.Exit(code)
}

// startProfile starts the CPU profiler when CPRTESTDATA_CPUPROFILE names a file to write the profile
// to (for go tool pprof), and returns what stops it. It is for finding where a command's time goes
// (scripts/bench-extract.sh PROFILE=1), not a feature, so no flag shows it.
func startProfile() func() {
	name := os.Getenv("CPRTESTDATA_CPUPROFILE")
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdata: CPRTESTDATA_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
