package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Reader reads records from an extract in any framing. Structural errors (an unknown record type, a
// truncated record) end the reading: every later call returns the same error. A field that does not
// have its format is reported with the record, and reading can go on.
type Reader struct {
	r        *bufio.Reader
	enc      Encoding
	offset   int64
	line     int
	framing  Framing
	trimmed  bool
	detected bool
	err      error
	layoutOf func(string) *Layout
}

// NewReader returns a Reader of ISO-8859-1 records from r.
func NewReader(r io.Reader) *Reader { return NewReaderEncoding(r, Latin1) }

// NewReaderEncoding returns a Reader of records in encoding enc.
func NewReaderEncoding(r io.Reader, enc Encoding) *Reader {
	return NewReaderLayouts(r, enc, LayoutOf)
}

// NewReaderLayouts returns a Reader that takes each record's layout from layoutOf: the records of another
// product of CPR's in the same framing, such as CPR Direkte PRIV's (formats/private).
func NewReaderLayouts(r io.Reader, enc Encoding, layoutOf func(string) *Layout) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), enc: enc, layoutOf: layoutOf}
}

// Framing returns the framing of the records read so far, and whether lines had trailing blanks trimmed.
func (r *Reader) Framing() (Framing, bool) { return r.framing, r.trimmed }

// Read returns the next record, or io.EOF after the last. With a *ParseError whose Field is set, the
// record is returned too and reading can go on.
func (r *Reader) Read() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.read()
	var pe *ParseError
	if err != nil && !(errors.As(err, &pe) && pe.Field != "") {
		r.err = err
	}
	return rec, err
}

func (r *Reader) fail(t string, err error, detail string) error {
	return &ParseError{Offset: r.offset, Line: r.line + 1, Type: t, Err: err, Detail: detail}
}

func (r *Reader) read() (*Record, error) {
	head, err := r.r.Peek(3)
	switch {
	case len(head) == 0 && err == io.EOF:
		return nil, io.EOF
	case len(head) < 3:
		if err == nil || err == io.EOF {
			return nil, r.fail("", ErrTruncated, fmt.Sprintf("%d bytes at the end, too few for a record type", len(head)))
		}
		return nil, fmt.Errorf("read extract: %w", err)
	}
	t := string(head)
	layout := r.layoutOf(t)
	if layout == nil {
		return nil, r.fail("", ErrUnknownType, fmt.Sprintf("%q", printable(head)))
	}
	width := layout.Length // bytes of Length characters: the same in ISO-8859-1
	if r.enc == UTF8 {
		width = 4 * layout.Length
	}
	buf, err := r.r.Peek(width + 2)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read extract: %w", err)
	}
	rec := &Record{Layout: layout, Offset: r.offset, Line: r.line + 1}
	end := r.end(buf, layout.Length) // where Length characters end, or the line end before
	var body []byte
	consumed := 0
	// Look one byte past the record: a trimmed line one character short ends "\r\n" there.
	switch nl := bytes.IndexByte(buf[:min(end+1, len(buf))], '\n'); {
	case nl >= 0:
		crlf := nl > 0 && buf[nl-1] == '\r'
		body = buf[:nl]
		if crlf {
			body = body[:nl-1]
		}
		consumed = nl + 1
		// Shorter than the record: trailing blanks were trimmed.
		r.note(crlf, r.chars(body) < layout.Length)
	case end < len(buf) || r.chars(buf[:end]) == layout.Length:
		body, consumed = buf[:end], end
		switch rest := buf[end:]; {
		case len(rest) >= 1 && rest[0] == '\n':
			consumed++
			r.note(false, false)
		case len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n':
			consumed += 2
			r.note(true, false)
		case !r.detected:
			r.framing, r.detected = Stream, true
		}
	case r.detected && r.framing != Stream:
		// The last line of a trimmed file, without its line end.
		body, consumed = buf, len(buf)
		r.note(r.framing == CRLF, true)
	default:
		return nil, r.fail(t, ErrTruncated, fmt.Sprintf("%d bytes, the record has %d", len(buf), layout.Length))
	}
	text, err := r.decode(body)
	if err != nil {
		return nil, r.fail(t, err, "")
	}
	if n := utf8.RuneCountInString(text); n < layout.Length {
		text += strings.Repeat(" ", layout.Length-n)
	}
	rec.Values = split(layout, text)
	if _, err := r.r.Discard(consumed); err != nil {
		return nil, fmt.Errorf("read extract: %w", err)
	}
	r.offset += int64(consumed)
	r.line++
	for i, f := range layout.Fields {
		if msg := checkField(f, rec.Values[i]); msg != "" {
			return rec, &ParseError{Offset: rec.Offset, Line: rec.Line, Type: t, Field: f.Danish, Err: ErrFieldFormat, Detail: msg}
		}
	}
	return rec, nil
}

// end returns the byte index in buf after n characters, or len(buf) when buf holds fewer.
func (r *Reader) end(buf []byte, n int) int {
	if r.enc != UTF8 {
		return min(n, len(buf))
	}
	i := 0
	for k := 0; k < n && i < len(buf); k++ {
		if buf[i] == '\n' {
			return i + 1 // let the caller see the line end
		}
		_, size := utf8.DecodeRune(buf[i:])
		i += size
	}
	return i
}

// chars returns the number of characters in b.
func (r *Reader) chars(b []byte) int {
	if r.enc == UTF8 {
		return utf8.RuneCount(b)
	}
	return len(b)
}

// note records the framing seen: a line end (crlf or lf) and whether the line was trimmed.
func (r *Reader) note(crlf, trimmed bool) {
	if !r.detected {
		r.framing, r.detected = LF, true
		if crlf {
			r.framing = CRLF
		}
	}
	r.trimmed = r.trimmed || trimmed
}

// decode turns the record's bytes into a string: ISO-8859-1 byte for byte, or UTF-8 as it is.
func (r *Reader) decode(b []byte) (string, error) {
	if r.enc == UTF8 {
		if !utf8.Valid(b) {
			return "", fmt.Errorf("invalid UTF-8")
		}
		return string(b), nil
	}
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b), nil
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs), nil
}

// split cuts a record's text into its fields by character position.
func split(l *Layout, text string) []string {
	vals := make([]string, len(l.Fields))
	if len(text) == l.Length { // ASCII: byte positions are character positions
		for i, f := range l.Fields {
			vals[i] = text[f.Pos-1 : f.Pos-1+f.Len]
		}
		return vals
	}
	rs := []rune(text)
	for i, f := range l.Fields {
		vals[i] = string(rs[f.Pos-1 : f.Pos-1+f.Len])
	}
	return vals
}

func printable(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c < ' ' || c > '~' {
			fmt.Fprintf(&s, "\\x%02x", c)
		} else {
			s.WriteByte(c)
		}
	}
	return s.String()
}
