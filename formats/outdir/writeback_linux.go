package outdir

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing n bytes of f at off to the disk, without waiting for
// it: a file's pages go out while the run goes on, so the Sync at its end waits for little more than the
// last of them instead of for the whole file.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE) // advice only: Sync decides
}
