package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gramc/gramc/automaton"
)

// matchResult is the outcome of matching a text byte by byte.
type matchResult struct {
	Match    bool     `json:"match"`
	Offset   int      `json:"offset"`   // bytes accepted before the failure (len(text) on a match)
	Line     int      `json:"line"`     // 1-based line of Offset
	Col      int      `json:"col"`      // 1-based byte column of Offset
	Found    string   `json:"found"`    // the offending byte, or "end of input"
	Expected []string `json:"expected"` // what could come at Offset (empty on a match)
	// RepeatedKey: the byte at Offset closes an object key that repeats
	// an earlier key of the same object (duplicate keys are refused).
	RepeatedKey bool `json:"repeated_key,omitempty"`
}

// matchText runs the byte-level parser over text: Push each byte, then
// CanStop. On failure it reports where and what was expected.
func matchText(p *automaton.Program, text []byte) matchResult {
	ps := automaton.NewParser(p)
	i := 0
	for ; i < len(text); i++ {
		if !ps.Push(text[i]) {
			break
		}
	}
	r := matchResult{Offset: i, Expected: []string{}}
	r.Line, r.Col = lineCol(text, i)
	switch {
	case i == len(text) && ps.CanStop():
		r.Match = true
		return r
	case i == len(text):
		r.Found = "end of input"
	default:
		r.Found = quoteByte(text[i])
		if ps.Distinct() {
			ps.SetDistinct(false)
			if ps.Push(text[i]) {
				r.RepeatedKey = true
				ps.Pop()
			}
			ps.SetDistinct(true)
		}
	}
	next := ps.NextBytes()
	r.Expected = byteRanges(&next)
	if ps.CanStop() {
		r.Expected = append(r.Expected, "end of input")
	}
	return r
}

// describe formats a mismatch as "file:line:col: no match at byte N:
// found X, expected A | B".
func (r *matchResult) describe(file string) string {
	if file == "-" || file == "" {
		file = "<stdin>"
	}
	expected := strings.Join(r.Expected, " | ")
	if expected == "" {
		expected = "nothing"
	}
	if r.RepeatedKey {
		return fmt.Sprintf("%s:%d:%d: no match at byte %d: found %s, which closes a key that repeats an earlier key of the same object", file, r.Line, r.Col, r.Offset, r.Found)
	}
	return fmt.Sprintf("%s:%d:%d: no match at byte %d: found %s, expected %s", file, r.Line, r.Col, r.Offset, r.Found, expected)
}

func lineCol(text []byte, off int) (line, col int) {
	line, col = 1, 1
	for _, b := range text[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// quoteByte writes a byte as a character literal: 'a', '"', '\n', '\xff'.
func quoteByte(b byte) string {
	switch b {
	case '\'':
		return `'\''`
	case '\\':
		return `'\\'`
	case '\n':
		return `'\n'`
	case '\r':
		return `'\r'`
	case '\t':
		return `'\t'`
	}
	if b >= 0x20 && b < 0x7f {
		return "'" + string(rune(b)) + "'"
	}
	return fmt.Sprintf(`'\x%02x'`, b)
}

// byteRanges lists a byte set as compact ranges: '"', '0'-'9', ...
func byteRanges(s *automaton.ByteSet) []string {
	out := []string{}
	for b := 0; b < 256; {
		if !s.Has(byte(b)) {
			b++
			continue
		}
		lo := b
		for b+1 < 256 && s.Has(byte(b+1)) {
			b++
		}
		if lo == b {
			out = append(out, quoteByte(byte(lo)))
		} else {
			out = append(out, quoteByte(byte(lo))+"-"+quoteByte(byte(b)))
		}
		b++
	}
	return out
}

func runCheck(e *env, args []string) int {
	f := newFlags("check", "[--grammar FILE] [--input FILE|-] [--json]", `
Check whether a text matches the grammar, byte by byte. On a mismatch print
the byte offset, line:col, the offending byte and what the grammar expected
there. Exit 0 on a match, 1 on a mismatch, 2 on an error. The input is read
from stdin when --input is omitted or "-".`)
	f.grammarFlag()
	f.tokenizerFlag()
	f.Lookup("tokenizer").Usage = "vocabulary `path` that resolves the grammar's token terminals, if any (default: byte-level)"
	var input string
	f.StringVar(&input, "input", "-", "text `file` to check, or - for stdin")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	g, _, v, code, ok := f.loadBoth(e)
	if !ok {
		return code
	}
	var text []byte
	var err error
	if input == "-" {
		text, err = io.ReadAll(e.stdin)
	} else {
		text, err = os.ReadFile(input)
	}
	if err != nil {
		return e.fail("check", exitUsage, err)
	}
	p, err := programFor(g, v)
	if err != nil {
		return e.fail("check", exitUsage, err)
	}
	r := matchText(p, text)
	if f.json {
		e.writeJSON(r)
	} else if r.Match {
		fmt.Fprintf(e.stdout, "match (%d bytes)\n", len(text))
	} else {
		fmt.Fprintln(e.stdout, r.describe(input))
	}
	if !r.Match {
		return exitNo
	}
	return exitOK
}
