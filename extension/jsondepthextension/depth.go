package jsondepthextension

import (
	"fmt"
	"io"
)

// depthScanner follows the nesting of JSON objects in a byte stream without
// decoding it: it only needs to know whether it is inside a string.
type depthScanner struct {
	max      int
	depth    int
	inString bool
	escaped  bool
}

// errTooDeep is returned by scan once an object opens below max.
type errTooDeep struct{ max int }

func (e errTooDeep) Error() string {
	return fmt.Sprintf("request refused: JSON objects nested deeper than %d levels "+
		"(otelhub's persistent queue could not read such a request back)", e.max)
}

// scan consumes p and reports errTooDeep when an object opens deeper than
// max. Arrays are not counted: no OTLP message is encoded as an array, so
// they add no protobuf nesting.
func (s *depthScanner) scan(p []byte) error {
	for _, c := range p {
		if s.inString {
			switch {
			case s.escaped:
				s.escaped = false
			case c == '\\':
				s.escaped = true
			case c == '"':
				s.inString = false
			}
			continue
		}
		switch c {
		case '"':
			s.inString = true
		case '{':
			if s.depth++; s.depth > s.max {
				return errTooDeep{max: s.max}
			}
		case '}':
			s.depth--
		}
	}
	return nil
}

// guardedBody passes a request body through, and fails the read that
// carries the first too-deep object. The OTLP receiver answers a failed
// body read with 400 and the error's text.
type guardedBody struct {
	io.ReadCloser
	scanner depthScanner
	refused func()
	err     error
}

func (b *guardedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.ReadCloser.Read(p)
	if serr := b.scanner.scan(p[:n]); serr != nil {
		b.err = serr
		b.refused()
		return 0, serr
	}
	return n, err
}
