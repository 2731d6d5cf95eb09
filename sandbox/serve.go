package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// Server limits: a slow or greedy client cannot hold the sandbox.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 5 * time.Minute // a large status extract to a slow reader
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 16 << 10
	// DefaultShutdownTimeout is how long Serve lets requests in flight finish when ctx ends.
	DefaultShutdownTimeout = direkte.DefaultShutdownTimeout
)

// ErrShutdownTimeout is returned by Serve (and direkte.Serve) when requests were still in flight at the
// end of the shutdown timeout and were cut.
var ErrShutdownTimeout = direkte.ErrShutdownTimeout

// Serve serves h on ln until ctx ends, then shuts down gracefully: it stops accepting, closes idle
// connections at once, lets requests in flight finish for at most shutdownTimeout (0 means
// DefaultShutdownTimeout) and returns nil, or ErrShutdownTimeout when it had to cut some.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, shutdownTimeout time.Duration) error {
	if shutdownTimeout <= 0 {
		shutdownTimeout = DefaultShutdownTimeout
	}
	srv := &http.Server{Handler: http.MaxBytesHandler(h, 64<<10), ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
		err = fmt.Errorf("HTTP: %w (%s)", ErrShutdownTimeout, shutdownTimeout)
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
