package grammar

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Print returns g as GBNF text, the format that package ebnf parses: one
// rule per line, "name ::= body". For every grammar that ebnf.Parse returns,
// parsing the output again yields a grammar Equal to g.
//
// Grammars built by hand round-trip when they are in the parser's normal
// form: no Seq or Alt with exactly one element and no Alt without
// alternatives. Those print as an equivalent expression instead (the element
// itself, or "[]" for an empty Alt), which parses to a different but
// equivalent tree.
//
// Some grammars have no GBNF form: GBNF escapes denote code points, so a
// Bytes literal or token text that is not valid UTF-8 cannot be written, nor
// can a rule name outside [a-zA-Z0-9_-]+, a character range beyond
// U+10FFFF, a negative token id or malformed repetition bounds; nor can a
// Perm, whose GBNF expansion would list every order of its members, an And
// or a Not. For those, Print returns a best-effort text and the first such
// problem as an *Error (ErrInvalidUTF8, ErrSyntax, ErrBadClass, ErrBadToken
// or ErrBadRepeat). The best-effort text writes a superset of the language
// of those three: a Perm as its members in any number and order, an And as
// its first item, a Not as its Within.
func Print(g *Grammar) (string, error) {
	var p printer
	for _, r := range g.Rules {
		if r == nil {
			continue
		}
		if !IsRuleName(r.Name) {
			p.fail(r.Pos, ErrSyntax, "rule name %q is not a GBNF identifier", r.Name)
		}
		p.b.WriteString(r.Name)
		p.b.WriteString(" ::= ")
		p.expr(r.Body, ctxTop)
		p.b.WriteByte('\n')
	}
	if p.err != nil {
		return p.b.String(), p.err
	}
	return p.b.String(), nil
}

// String returns g as GBNF text (see Print). When g has no exact GBNF form,
// the text starts with a comment line that says why and is not equivalent
// to g.
func (g *Grammar) String() string {
	s, err := Print(g)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		return "# gramc: cannot print exactly as GBNF: " + msg + "\n" + s
	}
	return s
}

// Format returns e as GBNF text, written as it would appear as a rule body.
// The empty sequence prints as "()". Expressions without a GBNF form are
// printed on a best-effort basis (see Print).
func Format(e Expr) string {
	var p printer
	p.expr(e, ctxTop)
	return p.b.String()
}

// IsRuleName reports whether name is a valid GBNF rule name, [a-zA-Z0-9_-]+.
func IsRuleName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Equal reports whether a and b have the same root and the same rules, in
// the same order, with structurally identical bodies. Positions are ignored,
// and so is the difference between nil and empty slices.
func Equal(a, b *Grammar) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Root != b.Root || len(a.Rules) != len(b.Rules) {
		return false
	}
	for i, ra := range a.Rules {
		rb := b.Rules[i]
		if ra == nil || rb == nil {
			if ra != rb {
				return false
			}
			continue
		}
		if ra.Name != rb.Name || !equalExpr(ra.Body, rb.Body) {
			return false
		}
	}
	return true
}

func equalExpr(a, b Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch a := a.(type) {
	case *Bytes:
		b, ok := b.(*Bytes)
		return ok && bytes.Equal(a.B, b.B)
	case *Class:
		b, ok := b.(*Class)
		if !ok || a.Negated != b.Negated || len(a.Ranges) != len(b.Ranges) {
			return false
		}
		for i := range a.Ranges {
			if a.Ranges[i] != b.Ranges[i] {
				return false
			}
		}
		return true
	case *Seq:
		b, ok := b.(*Seq)
		return ok && equalExprs(a.Items, b.Items)
	case *Alt:
		b, ok := b.(*Alt)
		return ok && equalExprs(a.Alts, b.Alts)
	case *Repeat:
		b, ok := b.(*Repeat)
		return ok && a.Min == b.Min && a.Max == b.Max && equalExpr(a.X, b.X)
	case *Ref:
		b, ok := b.(*Ref)
		return ok && a.Name == b.Name
	case *Perm:
		b, ok := b.(*Perm)
		if !ok || a.Min != b.Min || a.Max != b.Max || len(a.Required) != len(b.Required) ||
			!equalExpr(a.Open, b.Open) || !equalExpr(a.Sep, b.Sep) || !equalExpr(a.Close, b.Close) ||
			!equalExpr(a.Extra, b.Extra) || !equalExprs(a.Items, b.Items) {
			return false
		}
		for i := range a.Required {
			if a.Required[i] != b.Required[i] {
				return false
			}
		}
		return true
	case *And:
		b, ok := b.(*And)
		return ok && equalExprs(a.Items, b.Items)
	case *Not:
		b, ok := b.(*Not)
		return ok && equalExpr(a.X, b.X) && equalExpr(a.Within, b.Within)
	case *Token:
		b, ok := b.(*Token)
		if !ok || a.Negated != b.Negated || len(a.IDs) != len(b.IDs) || len(a.Names) != len(b.Names) {
			return false
		}
		for i := range a.IDs {
			if a.IDs[i] != b.IDs[i] {
				return false
			}
		}
		for i := range a.Names {
			if a.Names[i] != b.Names[i] {
				return false
			}
		}
		return true
	}
	return false
}

func equalExprs(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalExpr(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Printing contexts, from loosest to tightest binding.
const (
	ctxTop  = iota // rule body: nothing needs parentheses
	ctxAlt         // alternative of an Alt: a nested Alt needs parentheses
	ctxItem        // item of a Seq or operand of a Repeat: Seq and Alt need them
)

type printer struct {
	b   strings.Builder
	err *Error
}

func (p *printer) fail(pos Pos, code ErrorCode, format string, args ...any) {
	if p.err == nil {
		p.err = Errorf(pos, code, format, args...)
	}
}

func (p *printer) expr(e Expr, ctx int) {
	switch e := e.(type) {
	case *Alt:
		switch len(e.Alts) {
		case 0:
			p.b.WriteString("[]") // matches nothing, like an empty Alt
			return
		case 1:
			p.expr(e.Alts[0], ctx)
			return
		}
		if ctx != ctxTop {
			p.b.WriteByte('(')
		}
		// "|" is spaced from its neighbours, except from an empty first
		// alternative: "a | b", "| b", "a |", "a | | b".
		for i, x := range e.Alts {
			empty := isEmptySeq(x)
			if i > 0 {
				if i > 1 || !isEmptySeq(e.Alts[0]) {
					p.b.WriteByte(' ')
				}
				p.b.WriteByte('|')
				if !empty {
					p.b.WriteByte(' ')
				}
			}
			if !empty {
				p.expr(x, ctxAlt)
			}
		}
		if ctx != ctxTop {
			p.b.WriteByte(')')
		}
	case *Seq:
		switch len(e.Items) {
		case 0:
			p.b.WriteString("()")
			return
		case 1:
			p.expr(e.Items[0], ctx)
			return
		}
		if ctx == ctxItem {
			p.b.WriteByte('(')
		}
		for i, x := range e.Items {
			if i > 0 {
				p.b.WriteByte(' ')
			}
			p.expr(x, ctxItem)
		}
		if ctx == ctxItem {
			p.b.WriteByte(')')
		}
	case *Repeat:
		p.expr(e.X, ctxItem)
		switch {
		case e.Min < 0 || e.Max < Unbounded || e.Max != Unbounded && e.Max < e.Min:
			p.fail(e.Pos, ErrBadRepeat, "bad repetition bounds {%d,%d}", e.Min, e.Max)
			fmt.Fprintf(&p.b, "{%d,%d}", e.Min, e.Max)
		case e.Min == 0 && e.Max == Unbounded:
			p.b.WriteByte('*')
		case e.Min == 1 && e.Max == Unbounded:
			p.b.WriteByte('+')
		case e.Min == 0 && e.Max == 1:
			p.b.WriteByte('?')
		case e.Max == Unbounded:
			fmt.Fprintf(&p.b, "{%d,}", e.Min)
		case e.Min == e.Max:
			fmt.Fprintf(&p.b, "{%d}", e.Min)
		default:
			fmt.Fprintf(&p.b, "{%d,%d}", e.Min, e.Max)
		}
	case *Bytes:
		p.quote(string(e.B), e.Pos)
	case *Class:
		p.class(e)
	case *Ref:
		if !IsRuleName(e.Name) {
			p.fail(e.Pos, ErrSyntax, "rule name %q is not a GBNF identifier", e.Name)
		}
		p.b.WriteString(e.Name)
	case *Token:
		p.token(e)
	case *Perm:
		p.perm(e, ctx)
	case *And:
		p.fail(e.Pos, ErrSyntax, "an intersection (And) has no GBNF form")
		if len(e.Items) == 0 {
			p.b.WriteString("()")
			return
		}
		p.expr(e.Items[0], ctx)
	case *Not:
		p.fail(e.Pos, ErrSyntax, "a complement (Not) has no GBNF form")
		p.expr(e.Within, ctx)
	case nil:
		p.fail(Pos{}, ErrSyntax, "missing expression")
		p.b.WriteString("()")
	default:
		p.fail(e.Position(), ErrSyntax, "unknown expression type %T", e)
		p.b.WriteString("()")
	}
}

func isEmptySeq(e Expr) bool {
	s, ok := e.(*Seq)
	return ok && len(s.Items) == 0
}

// perm writes the approximation of a Perm described at Print:
// Open (member (Sep member)*)? Close, where member is any item or Extra.
func (p *printer) perm(e *Perm, ctx int) {
	p.fail(e.Pos, ErrSyntax, "a permutation (Perm) has no GBNF form")
	members := append([]Expr(nil), e.Items...)
	if e.Extra != nil {
		members = append(members, e.Extra)
	}
	var member Expr = &Alt{Alts: members}
	list := []Expr{member, &Repeat{X: &Seq{Items: []Expr{e.Sep, member}}, Max: Unbounded}}
	if e.Min == 0 {
		list = []Expr{&Repeat{X: &Seq{Items: list}, Max: 1}}
	}
	p.expr(&Seq{Items: append(append([]Expr{e.Open}, list...), e.Close)}, ctx)
}

// quote writes s as a GBNF string literal.
func (p *printer) quote(s string, pos Pos) {
	p.b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			p.fail(pos, ErrInvalidUTF8, "literal %q is not valid UTF-8 and has no GBNF form", s)
			fmt.Fprintf(&p.b, `\x%02X`, s[i])
			i++
			continue
		}
		i += n
		switch r {
		case '"', '\\':
			p.b.WriteByte('\\')
			p.b.WriteRune(r)
		default:
			p.char(r)
		}
	}
	p.b.WriteByte('"')
}

// char writes r, escaped unless it is printable.
func (p *printer) char(r rune) {
	switch {
	case r == '\n':
		p.b.WriteString(`\n`)
	case r == '\r':
		p.b.WriteString(`\r`)
	case r == '\t':
		p.b.WriteString(`\t`)
	case unicode.IsPrint(r):
		p.b.WriteRune(r)
	case 0 <= r && r <= 0xFF:
		fmt.Fprintf(&p.b, `\x%02X`, r)
	case 0 <= r && r <= 0xFFFF:
		fmt.Fprintf(&p.b, `\u%04X`, r)
	default:
		fmt.Fprintf(&p.b, `\U%08X`, uint32(r))
	}
}

// class writes c as "." or a bracketed class. Inside brackets, "]" and "\"
// are escaped; "-" is written as is only as the first or last character (where
// it cannot form a range) and as \x2D elsewhere; "^" as the first character
// of a non-negated class is written as \x5E.
func (p *printer) class(c *Class) {
	if c.Negated && len(c.Ranges) == 0 {
		p.b.WriteByte('.')
		return
	}
	p.b.WriteByte('[')
	if c.Negated {
		p.b.WriteByte('^')
	}
	last := len(c.Ranges) - 1
	for i, rg := range c.Ranges {
		if rg.Lo < 0 || rg.Lo > utf8.MaxRune || rg.Hi < 0 || rg.Hi > utf8.MaxRune {
			p.fail(c.Pos, ErrBadClass, "bad character range %U-%U", rg.Lo, rg.Hi)
		}
		p.classChar(rg.Lo, i == 0, i == last && rg.Lo == rg.Hi, c.Negated)
		if rg.Lo != rg.Hi {
			p.b.WriteByte('-')
			p.classChar(rg.Hi, false, i == last, c.Negated)
		}
	}
	p.b.WriteByte(']')
}

func (p *printer) classChar(r rune, first, last, negated bool) {
	switch {
	case r == ']' || r == '\\':
		p.b.WriteByte('\\')
		p.b.WriteRune(r)
	case r == '-' && !first && !last:
		p.b.WriteString(`\x2D`)
	case r == '^' && first && !negated:
		p.b.WriteString(`\x5E`)
	default:
		p.char(r)
	}
}

// token writes t as <[id]>, <text>, or the token set <[id, "text", ...]>,
// each preceded by "!" when negated.
func (p *printer) token(t *Token) {
	if t.Negated {
		p.b.WriteByte('!')
	}
	for _, id := range t.IDs {
		if id < 0 {
			p.fail(t.Pos, ErrBadToken, "negative token id %d", id)
		}
	}
	if len(t.IDs) == 0 && len(t.Names) == 1 && isBareTokenText(t.Names[0]) {
		p.b.WriteString(t.Names[0])
		return
	}
	p.b.WriteString("<[")
	for i, id := range t.IDs {
		if i > 0 {
			p.b.WriteString(", ")
		}
		fmt.Fprint(&p.b, id)
	}
	for i, name := range t.Names {
		if i > 0 || len(t.IDs) > 0 {
			p.b.WriteString(", ")
		}
		p.quote(name, t.Pos)
	}
	p.b.WriteString("]>")
}

// isBareTokenText reports whether s can be written as is as a token
// reference: "<", then printable characters other than ">" (the first not
// "["), then ">".
func isBareTokenText(s string) bool {
	if len(s) < 3 || s[0] != '<' || s[1] == '[' || s[len(s)-1] != '>' || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s[1 : len(s)-1] {
		if r == '>' || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
