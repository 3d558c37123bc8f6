package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// jvalue is a JSON value that keeps object keys in document order and
// numbers as written (encoding/json sorts map keys and rewrites numbers).
type jvalue struct {
	kind byte     // '{', '[', '"', '0' (number), 't', 'f', 'n'
	text string   // string value or number literal
	keys []string // object keys, in order
	vals []*jvalue
}

// parseOrdered decodes one JSON value from data.
func parseOrdered(data []byte) (*jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func readValue(dec *json.Decoder) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		v := &jvalue{kind: byte(t)}
		for dec.More() {
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, fmt.Errorf("object key is %T", k)
				}
				v.keys = append(v.keys, key)
			}
			x, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, x)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return v, nil
	case string:
		return &jvalue{kind: '"', text: t}, nil
	case json.Number:
		return &jvalue{kind: '0', text: string(t)}, nil
	case bool:
		if t {
			return &jvalue{kind: 't'}, nil
		}
		return &jvalue{kind: 'f'}, nil
	case nil:
		return &jvalue{kind: 'n'}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// compact writes v without whitespace.
func (v *jvalue) compact() string {
	var b strings.Builder
	v.write(&b, "", -1)
	return b.String()
}

// indent writes v like json.MarshalIndent(v, "", "  ").
func (v *jvalue) indent() string {
	var b strings.Builder
	v.write(&b, "  ", 0)
	return b.String()
}

// write appends v; depth < 0 means compact.
func (v *jvalue) write(b *strings.Builder, unit string, depth int) {
	newline := func(d int) {
		if depth >= 0 {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(unit, d))
		}
	}
	switch v.kind {
	case '{', '[':
		b.WriteByte(v.kind)
		if len(v.vals) == 0 {
			b.WriteByte(v.kind + 2) // '}' and ']' follow '{' and '[' by 2
			return
		}
		next := -1
		if depth >= 0 {
			next = depth + 1
		}
		for i, x := range v.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(depth + 1)
			if v.kind == '{' {
				quoteJSON(b, v.keys[i])
				b.WriteByte(':')
				if depth >= 0 {
					b.WriteByte(' ')
				}
			}
			x.write(b, unit, next)
		}
		newline(depth)
		b.WriteByte(v.kind + 2)
	case '"':
		quoteJSON(b, v.text)
	case '0':
		b.WriteString(v.text)
	case 't':
		b.WriteString("true")
	case 'f':
		b.WriteString("false")
	case 'n':
		b.WriteString("null")
	}
}

// quoteJSON writes s as a JSON string: quote, backslash and control
// characters escaped, everything else as UTF-8.
func quoteJSON(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, n := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r) // invalid UTF-8 becomes U+FFFD
			i += n
			continue
		}
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('"')
}
