package vocab

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gramc/gramc/internal/jsonesc"
)

// jsonScanner is a minimal JSON reader for the large parts of a
// tokenizer.json (the vocab object and the merges array), which
// encoding/json decodes several times more slowly. It reads one value at
// a time; small values are handed to encoding/json as raw bytes.
type jsonScanner struct {
	b    []byte
	i    int
	name string // for error messages
}

func (s *jsonScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: offset %d: %s", s.name, s.i, fmt.Sprintf(format, args...))
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) && s.b[s.i] <= ' ' {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (s *jsonScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jsonScanner) expect(c byte) error {
	if s.peek() != c {
		if s.i >= len(s.b) {
			return s.errorf("unexpected end of input, want %q", c)
		}
		return s.errorf("unexpected %q, want %q", s.b[s.i], c)
	}
	s.i++
	return nil
}

// str reads a string and appends its decoded bytes to dst.
func (s *jsonScanner) str(dst []byte) ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return dst, err
	}
	for {
		k := bytes.IndexAny(s.b[s.i:], "\"\\")
		if k < 0 {
			return dst, s.errorf("unterminated string")
		}
		dst = append(dst, s.b[s.i:s.i+k]...)
		s.i += k
		if s.b[s.i] == '"' {
			s.i++
			return dst, nil
		}
		// Escape sequence.
		if s.i+1 >= len(s.b) {
			return dst, s.errorf("unterminated string")
		}
		c := s.b[s.i+1]
		s.i += 2
		if b, ok := jsonesc.Short(c); ok {
			dst = append(dst, b)
			continue
		}
		switch c {
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return dst, s.errorf("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					save := s.i
					s.i += 2
					if r2, ok = s.hex4(); !ok {
						s.i = save
						r2 = -1
					}
					if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
						s.i = save // not a pair: the second escape stands alone
					}
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, s.errorf("bad escape \\%c", c)
		}
	}
}

func (s *jsonScanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	x, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	s.i += 4
	return rune(x), true
}

// integer reads an integer number.
func (s *jsonScanner) integer() (int64, error) {
	s.ws()
	j := s.i
	if j < len(s.b) && s.b[j] == '-' {
		j++
	}
	for j < len(s.b) && '0' <= s.b[j] && s.b[j] <= '9' {
		j++
	}
	x, err := strconv.ParseInt(string(s.b[s.i:j]), 10, 64)
	if err != nil {
		return 0, s.errorf("want an integer")
	}
	s.i = j
	return x, nil
}

// skip reads one value of any kind and returns its raw bytes.
func (s *jsonScanner) skip() ([]byte, error) {
	c := s.peek()
	start := s.i
	switch {
	case c == '"':
		for j := s.i + 1; j < len(s.b); j++ {
			switch s.b[j] {
			case '\\':
				j++
			case '"':
				s.i = j + 1
				return s.b[start:s.i], nil
			}
		}
		return nil, s.errorf("unterminated string")
	case c == '{' || c == '[':
		depth := 0
		for j := s.i; j < len(s.b); j++ {
			switch s.b[j] {
			case '"':
				s.i = j
				if _, err := s.skip(); err != nil {
					return nil, err
				}
				j = s.i - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i = j + 1
					return s.b[start:s.i], nil
				}
			}
		}
		return nil, s.errorf("unterminated %q", c)
	case c == '-' || c == 't' || c == 'f' || c == 'n' || '0' <= c && c <= '9':
		j := s.i
		for j < len(s.b) && bytes.IndexByte([]byte("+-.0123456789eEtruefalsn"), s.b[j]) >= 0 {
			j++
		}
		s.i = j
		return s.b[start:j], nil
	case c == 0:
		return nil, s.errorf("unexpected end of input")
	}
	return nil, s.errorf("unexpected %q", c)
}

// object reads an object, calling fn for each key; fn must read the value.
func (s *jsonScanner) object(fn func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	var key []byte
	for {
		var err error
		if key, err = s.str(key[:0]); err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.errorf("want ',' or '}' in object")
		}
	}
}

// array reads an array, calling fn for each element; fn must read it.
func (s *jsonScanner) array(fn func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.errorf("want ',' or ']' in array")
		}
	}
}
