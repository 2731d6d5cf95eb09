// Package soap reads SOAP 1.1 requests as Serviceplatformen's clients send them and writes the answers
// and faults Serviceplatformen gives (serviceplatformen.md §1).
//
// Requests come UTF-8 or ISO-8859-1, with or without an XML declaration, Content-Type or SOAPAction:
// Decode takes each. The body's first element is the operation; its namespace must be the service's.
// Elements inside it are found by local name (Element.Child), since real clients put the
// InvocationContext's children in other namespaces than the schema's.
package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Namespaces.
const (
	EnvelopeNS   = "http://schemas.xmlsoap.org/soap/envelope/"
	Envelope12NS = "http://www.w3.org/2003/05/soap-envelope"
	FaultNS      = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
)

// Limits on a request: Serviceplatformen's requests are a few kilobytes, a few levels deep.
const (
	MaxDepth    = 32
	MaxElements = 10_000
)

// Element is an XML element with its text (the concatenated character data directly inside it).
type Element struct {
	Space, Local string
	Text         string
	Children     []*Element
}

// Child returns the first child with local name local, whatever its namespace, or nil.
func (e *Element) Child(local string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c.Local == local {
			return c
		}
	}
	return nil
}

// ChildText returns the trimmed text of the first child named local, or "".
func (e *Element) ChildText(local string) string {
	if c := e.Child(local); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return ""
}

// All returns the children with local name local.
func (e *Element) All(local string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if c.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// Error is a request that is not a SOAP 1.1 envelope with an operation; Code is the SOAP fault code it
// earns ("soap:Client", or "soap:VersionMismatch" for a SOAP 1.2 envelope).
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func clientError(format string, args ...any) error {
	return &Error{Code: "soap:Client", Msg: fmt.Sprintf(format, args...)}
}

// Decode reads a request envelope and returns the operation: the first element in the Body. Bytes that
// are not UTF-8 are taken as ISO-8859-1, as Serviceplatformen's Python clients send them without saying.
func Decode(body []byte) (*Element, error) {
	if !utf8.Valid(body) {
		body = latin1ToUTF8(body)
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "iso-8859-1", "latin1", "latin-1", "us-ascii":
			return r, nil // already UTF-8: non-UTF-8 bytes were converted above
		}
		return nil, fmt.Errorf("encoding %q: want UTF-8 or ISO-8859-1", charset)
	}
	root, err := parse(d)
	if err != nil {
		return nil, err
	}
	switch {
	case root.Local != "Envelope":
		return nil, clientError("the root element is %s, want a SOAP Envelope", root.Local)
	case root.Space == Envelope12NS:
		return nil, &Error{Code: "soap:VersionMismatch", Msg: "a SOAP 1.2 envelope: this service speaks SOAP 1.1 (" + EnvelopeNS + ")"}
	case root.Space != EnvelopeNS:
		return nil, clientError("the Envelope is in namespace %q, want %s", root.Space, EnvelopeNS)
	}
	var b *Element
	for _, c := range root.Children {
		if c.Local == "Body" && c.Space == EnvelopeNS {
			b = c
		}
	}
	if b == nil || len(b.Children) == 0 {
		return nil, clientError("the Envelope has no Body with an operation")
	}
	return b.Children[0], nil
}

// parse reads the document into a tree, within MaxDepth and MaxElements.
func parse(d *xml.Decoder) (*Element, error) {
	var stack []*Element
	var root *Element
	n := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, clientError("malformed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if n++; n > MaxElements {
				return nil, clientError("more than %d elements", MaxElements)
			}
			if len(stack) == MaxDepth {
				return nil, clientError("elements nested deeper than %d", MaxDepth)
			}
			e := &Element{Space: t.Name.Space, Local: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, e)
			} else if root != nil {
				return nil, clientError("more than one root element")
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, clientError("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, clientError("no XML element")
	}
	return root, nil
}

func latin1ToUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// Writer builds an answer: an envelope with the soap prefix around a body the caller writes.
type Writer struct {
	b bytes.Buffer
}

// NewWriter starts an envelope.
func NewWriter() *Writer {
	w := &Writer{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.b.WriteString(`<soap:Envelope xmlns:soap="` + EnvelopeNS + `"><soap:Body>`)
	return w
}

// Start writes a start tag with the given attributes (name, value pairs).
func (w *Writer) Start(name string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b.WriteString(" " + attrs[i] + `="`)
		xml.EscapeText(&w.b, []byte(attrs[i+1]))
		w.b.WriteByte('"')
	}
	w.b.WriteByte('>')
}

// End writes an end tag.
func (w *Writer) End(name string) {
	w.b.WriteString("</" + name + ">")
}

// Text writes an element holding text.
func (w *Writer) Text(name, text string) {
	w.Start(name)
	xml.EscapeText(&w.b, []byte(text))
	w.End(name)
}

// Bytes ends the envelope and returns it.
func (w *Writer) Bytes() []byte {
	w.b.WriteString("</soap:Body></soap:Envelope>\n")
	return w.b.Bytes()
}

// Fault returns a fault envelope: faultcode, faultstring, and a ServiceplatformFault with one error
// in its detail.
func Fault(code, text, errorCode string) []byte {
	w := &Writer{}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.b.WriteString(`<soap:Envelope xmlns:soap="` + EnvelopeNS + `"><soap:Body><soap:Fault>`)
	w.Text("faultcode", code)
	w.Text("faultstring", text)
	w.b.WriteString(`<detail><spf:ServiceplatformFault xmlns:spf="` + FaultNS + `"><spf:ErrorList><spf:Error>`)
	w.Text("spf:ErrorCode", errorCode)
	w.Text("spf:ErrorText", text)
	w.b.WriteString(`</spf:Error></spf:ErrorList></spf:ServiceplatformFault></detail></soap:Fault></soap:Body></soap:Envelope>` + "\n")
	return w.b.Bytes()
}

// ContentType is the media type of answers, SOAP 1.1's.
const ContentType = "text/xml; charset=utf-8"
