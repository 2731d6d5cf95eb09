package csvfiles

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/cprtestdata/cprtestdata/formats/tables"
)

// Merge writes to w the table made of the rows of srcs, each a CSV file of one table as Writer and
// WriteEvents write it (a header, then a row per CRLF-ended line: values never hold a line end), in
// the order runs gives: the header once, then the rows, every row of every source taken. It returns
// the rows written and does not close w.
func Merge(w io.Writer, srcs []io.Reader, runs tables.Runs) (int, error) {
	readers := make([]*bufio.Reader, len(srcs))
	var header []byte
	for k, src := range srcs {
		readers[k] = bufio.NewReaderSize(src, 64<<10)
		h, err := readers[k].ReadBytes('\n')
		if err != nil {
			return 0, fmt.Errorf("source %d: no header: %w", k, err)
		}
		if k == 0 {
			header = h
		} else if !bytes.Equal(h, header) {
			return 0, fmt.Errorf("source %d: header %q differs from the first source's", k, bytes.TrimSpace(h))
		}
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.Write(header)
	total := 0
	var err error
	runs(func(k, n int) bool {
		if k < 0 || k >= len(readers) {
			err = fmt.Errorf("no source %d", k)
			return false
		}
		for ; n > 0; n-- {
			line, rerr := readers[k].ReadSlice('\n')
			if errors.Is(rerr, bufio.ErrBufferFull) {
				err = fmt.Errorf("source %d: a row longer than %d bytes", k, readers[k].Size())
				return false
			}
			if rerr != nil {
				err = fmt.Errorf("source %d: %d rows short", k, n)
				return false
			}
			bw.Write(line)
			total++
		}
		return true
	})
	if err != nil {
		return total, err
	}
	for k, r := range readers {
		if _, err := r.Peek(1); err != io.EOF {
			return total, fmt.Errorf("source %d: rows left over", k)
		}
	}
	return total, bw.Flush()
}
