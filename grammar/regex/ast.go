package regex

import (
	"fmt"
	"strings"

	"github.com/gramc/gramc/grammar"
)

// Flags are the ECMA-262 flags that change a pattern's language. The u
// flag is always on (JSON Schema's dialect); g, y and d do not change which
// strings match.
type Flags struct {
	IgnoreCase bool // i: compare by simple case folding
	DotAll     bool // s: . matches line terminators too
	Multiline  bool // m: ^ and $ match at line terminators (refused, see doc)
	// Strict refuses the two web-compatibility extensions that Parse
	// otherwise accepts (see the package doc): identity escapes of ASCII
	// punctuation other than the syntax characters and /, and the literal
	// characters ], } and a { that does not start a quantifier.
	Strict bool
}

// Op is the kind of a Node.
type Op uint8

// Node kinds.
const (
	OpEmpty           Op = iota // matches ε
	OpChar                      // one code point Rune; with Fold, any code point in its case-fold orbit
	OpClass                     // one code point in Ranges (flags already applied)
	OpConcat                    // Subs in order
	OpAlternate                 // one of Subs
	OpRepeat                    // Subs[0] Min to Max times (Max = grammar.Unbounded for none); Lazy
	OpGroup                     // capturing group Index (1-based), Name for a named group
	OpBegin                     // ^ (Multiline: at line starts too)
	OpEnd                       // $ (Multiline: at line ends too)
	OpWordBoundary              // \b
	OpNotWordBoundary           // \B
	OpBackref                   // \N (Index) or \k<Name>
	OpLookaround                // (?= ) (?! ) (?<= ) (?<! ): Subs[0]; Behind, Negate
)

// Node is a parsed pattern. Non-capturing groups and modifier groups leave
// no node: flags are resolved while parsing (OpChar.Fold, OpClass.Ranges).
type Node struct {
	Op             Op
	Pos            int // byte offset in the pattern
	Rune           rune
	Fold           bool
	Ranges         []grammar.Range // normalized: sorted, merged, no surrogates
	Subs           []*Node
	Min, Max       int
	Lazy           bool
	Index          int
	Name           string
	Multiline      bool // OpBegin, OpEnd
	Behind, Negate bool // OpLookaround
}

// String returns a compact, regex-like dump of the tree (for tests and
// debugging; not necessarily a valid pattern).
func (n *Node) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *Node) write(b *strings.Builder) {
	switch n.Op {
	case OpEmpty:
		b.WriteString("()")
	case OpChar:
		if n.Fold {
			b.WriteString("(?i)")
		}
		writeRune(b, n.Rune, false)
	case OpClass:
		writeRanges(b, n.Ranges)
	case OpConcat, OpAlternate:
		b.WriteString("(")
		for i, s := range n.Subs {
			if i > 0 && n.Op == OpAlternate {
				b.WriteString("|")
			}
			s.write(b)
		}
		b.WriteString(")")
	case OpRepeat:
		n.Subs[0].write(b)
		switch {
		case n.Min == 0 && n.Max == grammar.Unbounded:
			b.WriteString("*")
		case n.Min == 1 && n.Max == grammar.Unbounded:
			b.WriteString("+")
		case n.Min == 0 && n.Max == 1:
			b.WriteString("?")
		case n.Max == grammar.Unbounded:
			fmt.Fprintf(b, "{%d,}", n.Min)
		case n.Min == n.Max:
			fmt.Fprintf(b, "{%d}", n.Min)
		default:
			fmt.Fprintf(b, "{%d,%d}", n.Min, n.Max)
		}
		if n.Lazy {
			b.WriteString("?")
		}
	case OpGroup:
		if n.Name != "" {
			fmt.Fprintf(b, "(?<%s>", n.Name)
		} else {
			b.WriteString("(")
		}
		n.Subs[0].write(b)
		b.WriteString(")")
	case OpBegin:
		b.WriteString("^")
	case OpEnd:
		b.WriteString("$")
	case OpWordBoundary:
		b.WriteString(`\b`)
	case OpNotWordBoundary:
		b.WriteString(`\B`)
	case OpBackref:
		if n.Name != "" {
			fmt.Fprintf(b, `\k<%s>`, n.Name)
		} else {
			fmt.Fprintf(b, `\%d`, n.Index)
		}
	case OpLookaround:
		b.WriteString("(?")
		if n.Behind {
			b.WriteString("<")
		}
		if n.Negate {
			b.WriteString("!")
		} else {
			b.WriteString("=")
		}
		n.Subs[0].write(b)
		b.WriteString(")")
	}
}

func writeRune(b *strings.Builder, r rune, inClass bool) {
	switch {
	case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r > 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
		if r <= 0xFF {
			fmt.Fprintf(b, `\x%02X`, r)
		} else {
			fmt.Fprintf(b, `\u{%X}`, r)
		}
	case r > 0x7E:
		fmt.Fprintf(b, `\u%04X`, r)
	case strings.ContainsRune(`\^$.*+?()[]{}|/`, r) || inClass && r == '-':
		b.WriteByte('\\')
		b.WriteRune(r)
	default:
		b.WriteRune(r)
	}
}

func writeRanges(b *strings.Builder, rs []grammar.Range) {
	neg := false
	if len(rs) > 0 && rs[0].Lo == 0 && rs[len(rs)-1].Hi == 0x10FFFF {
		neg = true
		rs = complement(rs)
	}
	b.WriteString("[")
	if neg {
		b.WriteString("^")
	}
	for _, r := range rs {
		writeRune(b, r.Lo, true)
		if r.Hi > r.Lo {
			if r.Hi > r.Lo+1 {
				b.WriteString("-")
			}
			writeRune(b, r.Hi, true)
		}
	}
	b.WriteString("]")
}
