package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// writeFramed writes rec, a record's ISO-8859-1 bytes, to dst as opts frame it: trailing blanks trimmed
// where asked, in the encoding, with the line end. It is the one place a record's framing is decided.
func writeFramed(dst *bufio.Writer, rec []byte, opts WriterOptions) {
	if opts.Trim && opts.Framing != Stream {
		rec = bytes.TrimRight(rec, " ")
	}
	if opts.Encoding == UTF8 {
		for _, c := range rec {
			if c < utf8.RuneSelf {
				dst.WriteByte(c)
			} else {
				dst.WriteRune(rune(c))
			}
		}
	} else {
		dst.Write(rec)
	}
	switch opts.Framing {
	case LF:
		dst.WriteByte('\n')
	case CRLF:
		dst.WriteString("\r\n")
	}
}

// Span is where one record, or a run of records, stands in a file: its first byte and its length,
// framing included.
type Span struct{ Off, Len int64 }

// End is the offset just after the span.
func (s Span) End() int64 { return s.Off + s.Len }

// PersonSpan is the records of one person in a file: contiguous, all with the person's number.
type PersonSpan struct {
	Span
	PNR string
}

// Sections is an extract cut at its parts, as the writers of this package lay a file out: the start
// record, the persons' records (each person's together), the block of 003 records at the end (when
// 003 records are not written with their persons), the end record.
type Sections struct {
	Start, End  Span
	Main, Block Span // the persons' records before the 003 block, and the block
	// Persons and BlockPersons count the persons in each; Listed and BlockListed are the persons after
	// the first ones ReadSections was asked to skip, one by one.
	Persons, BlockPersons int
	Listed, BlockListed   []PersonSpan
	Records               int // between the start and end records, as the end record counts them
}

// ErrSections is wrapped by the errors of ReadSections: the file is not laid out as this package writes.
var ErrSections = errors.New("not an extract as testdata writes it")

// ListAll, as ReadSections' skip, lists every person.
const ListAll = 0

// ListNone, as ReadSections' skip, lists no one: the sections are all a copy needs.
const ListNone = math.MaxInt

// ReadSections reads an extract written with opts (any framing, trimmed or not, either encoding) and
// cuts it into its sections without decoding a field, listing the persons after the first skip of
// the main part and after the first skipBlock of the 003 block; memory grows only with those listed.
// It checks the frame: a start record first, an end record last whose counter holds the records
// between, and the 003 block, when there is one, after every other person record.
func ReadSections(r io.Reader, opts FileOptions, skip, skipBlock int) (*Sections, error) {
	sc := &scanner{r: bufio.NewReaderSize(r, 256<<10), opts: opts.WriterOptions}
	s := &Sections{}
	type part struct {
		span   *Span
		count  *int
		listed *[]PersonSpan
		skip   int
		last   [10]byte // the PNR of the last person
	}
	main := &part{span: &s.Main, count: &s.Persons, listed: &s.Listed, skip: skip}
	block := &part{span: &s.Block, count: &s.BlockPersons, listed: &s.BlockListed, skip: skipBlock}
	var (
		n    int
		last string // the type of the last record read
	)
	for {
		off := sc.off
		rec, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		t, span := string(rec[:3]), Span{off, sc.off - off}
		switch {
		case n == 0 && t != "000":
			return nil, fmt.Errorf("%w: byte %d: record %s first, not the start record 000", ErrSections, off, t)
		case n == 0:
			s.Start = span
		case last == "999":
			return nil, fmt.Errorf("%w: byte %d: record %s after the end record", ErrSections, off, t)
		case t == "999":
			s.End = span
			count, ok := endCount(rec)
			if !ok || count != s.Records {
				return nil, fmt.Errorf("%w: byte %d: the end record counts %q, the file has %d records between", ErrSections, off, rec[:min(len(rec), 23)], s.Records)
			}
		case t == "000":
			return nil, fmt.Errorf("%w: byte %d: a second start record", ErrSections, off)
		default:
			if len(rec) < 13 {
				return nil, fmt.Errorf("%w: byte %d: record %s of %d bytes has no PNR", ErrSections, off, t, len(rec))
			}
			p := main
			if t == "003" && !opts.AddressWithPerson {
				p = block
			} else if s.BlockPersons > 0 {
				return nil, fmt.Errorf("%w: byte %d: record %s of %s after the 003 block", ErrSections, off, t, rec[3:13])
			}
			if *p.count == 0 {
				*p.span = span
			} else if p.span.End() != off {
				return nil, fmt.Errorf("%w: byte %d: record %s of %s apart from the records before it", ErrSections, off, t, rec[3:13])
			} else {
				p.span.Len += span.Len
			}
			if *p.count > 0 && [10]byte(rec[3:13]) == p.last {
				if *p.count > p.skip {
					(*p.listed)[len(*p.listed)-1].Len += span.Len
				}
			} else {
				*p.count++
				p.last = [10]byte(rec[3:13])
				if *p.count > p.skip {
					*p.listed = append(*p.listed, PersonSpan{Span: span, PNR: string(rec[3:13])})
				}
			}
			s.Records++
		}
		n++
		last = t
	}
	if last != "999" {
		return nil, fmt.Errorf("%w: no end record 999 at the end", ErrSections)
	}
	return s, nil
}

// endCount reads the counter of an end record.
func endCount(rec []byte) (int, bool) {
	l := LayoutOf("999")
	if f := l.Fields[f999Counter]; len(rec) < f.Pos-1+f.Len {
		return 0, false
	}
	n, err := strconv.ParseUint(string(fieldOf(l, rec, f999Counter)), 10, 31)
	return int(n), err == nil
}

// scanner reads records as they stand, framing and all.
type scanner struct {
	r    *bufio.Reader
	opts WriterOptions
	off  int64
	rec  []byte // the record's ISO-8859-1 bytes (without line end), valid until the next call
}

// next reads one record and returns its bytes without the line end; off moves past its framing.
func (sc *scanner) next() ([]byte, error) {
	if sc.opts.Framing != Stream {
		line, err := sc.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return nil, fmt.Errorf("%w: byte %d: a line longer than any record", ErrSections, sc.off)
		}
		if len(line) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		sc.off += int64(len(line))
		body := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(body) < 3 || LayoutOf(string(body[:3])) == nil {
			return nil, fmt.Errorf("%w: byte %d: %q is not a record", ErrSections, sc.off-int64(len(line)), printable(body[:min(len(body), 16)]))
		}
		return body, nil
	}
	head, err := sc.r.Peek(3)
	if len(head) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	l := (*Layout)(nil)
	if len(head) == 3 {
		l = LayoutOf(string(head))
	}
	if l == nil {
		return nil, fmt.Errorf("%w: byte %d: %q is not a record type", ErrSections, sc.off, printable(head))
	}
	width := l.Length
	if sc.opts.Encoding == UTF8 {
		buf, _ := sc.r.Peek(4 * l.Length)
		width = 0
		for k := 0; k < l.Length; k++ {
			if width >= len(buf) {
				return nil, fmt.Errorf("%w: byte %d: record %s cut short", ErrSections, sc.off, l.Type)
			}
			_, size := utf8.DecodeRune(buf[width:])
			width += size
		}
	}
	buf, err := sc.r.Peek(width)
	if err != nil {
		return nil, fmt.Errorf("%w: byte %d: record %s cut short", ErrSections, sc.off, l.Type)
	}
	sc.rec = append(sc.rec[:0], buf...)
	sc.r.Discard(width)
	sc.off += int64(width)
	return sc.rec, nil
}

// Piece is a run of bytes of a source file.
type Piece struct {
	Src io.ReaderAt
	Span
}

// WriteJoined writes an extract to w: the start record start as it stands, the pieces in order (whole
// records, framed as opts say), and an end record counting records, framed as opts say. Pieces of one
// source that follow each other in it are copied as one.
func WriteJoined(w io.Writer, start Piece, pieces []Piece, records int, opts WriterOptions) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	put := func(p Piece) error {
		_, err := io.Copy(bw, io.NewSectionReader(p.Src, p.Off, p.Len))
		return err
	}
	if err := put(start); err != nil {
		return err
	}
	var run *Piece
	for i := range pieces {
		p := pieces[i]
		if p.Len == 0 {
			continue
		}
		if run != nil && run.Src == p.Src && run.End() == p.Off {
			run.Len += p.Len
			continue
		}
		if run != nil {
			if err := put(*run); err != nil {
				return err
			}
		}
		run = &p
	}
	if run != nil {
		if err := put(*run); err != nil {
			return err
		}
	}
	writeFramed(bw, AppendEnd(nil, records), opts)
	return bw.Flush()
}
