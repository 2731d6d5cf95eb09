// Command testdata makes and checks synthetic Danish CPR test data.
//
// Exit codes: 0 success; 1 a check found invalid input; 2 usage error (unknown command or flag, a malformed
// flag value or argument, a file that cannot be opened); 3 the work failed (for example a write error);
// 130 interrupted (testdata serve shuts down gracefully instead and exits 0).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
