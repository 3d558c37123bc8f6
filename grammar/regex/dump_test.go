package regex

import (
	"fmt"
	"strings"

	"github.com/gramc/gramc/grammar"
)

// dump writes an IR expression compactly: "lit" for bytes, [a-z] / [^\n]
// for classes ([^] is any code point), (x y) for sequences, (x | y) for
// alternations, x* x+ x? x{n,m} for repetitions, <none> for the empty Alt.
func dump(e grammar.Expr) string {
	var b strings.Builder
	dumpTo(&b, e)
	return b.String()
}

func dumpTo(b *strings.Builder, e grammar.Expr) {
	switch e := e.(type) {
	case *grammar.Bytes:
		fmt.Fprintf(b, "%q", e.B)
	case *grammar.Class:
		b.WriteByte('[')
		if e.Negated {
			b.WriteByte('^')
		}
		for _, r := range e.Ranges {
			dumpRune(b, r.Lo)
			if r.Hi != r.Lo {
				b.WriteByte('-')
				dumpRune(b, r.Hi)
			}
		}
		b.WriteByte(']')
	case *grammar.Seq:
		b.WriteByte('(')
		for i, x := range e.Items {
			if i > 0 {
				b.WriteByte(' ')
			}
			dumpTo(b, x)
		}
		b.WriteByte(')')
	case *grammar.Alt:
		if len(e.Alts) == 0 {
			b.WriteString("<none>")
			return
		}
		b.WriteByte('(')
		for i, x := range e.Alts {
			if i > 0 {
				b.WriteString(" | ")
			}
			dumpTo(b, x)
		}
		b.WriteByte(')')
	case *grammar.Repeat:
		dumpTo(b, e.X)
		switch {
		case e.Min == 0 && e.Max == grammar.Unbounded:
			b.WriteByte('*')
		case e.Min == 1 && e.Max == grammar.Unbounded:
			b.WriteByte('+')
		case e.Min == 0 && e.Max == 1:
			b.WriteByte('?')
		case e.Max == grammar.Unbounded:
			fmt.Fprintf(b, "{%d,}", e.Min)
		case e.Min == e.Max:
			fmt.Fprintf(b, "{%d}", e.Min)
		default:
			fmt.Fprintf(b, "{%d,%d}", e.Min, e.Max)
		}
	default:
		fmt.Fprintf(b, "<%T>", e)
	}
}

func dumpRune(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\t':
		b.WriteString(`\t`)
	case r < 0x20 || r >= 0x7F:
		fmt.Fprintf(b, `\u{%X}`, r)
	case strings.ContainsRune(`\]^-`, r):
		b.WriteByte('\\')
		b.WriteRune(r)
	default:
		b.WriteRune(r)
	}
}
