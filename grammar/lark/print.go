package lark

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gramc/gramc/grammar"
)

// Print returns g as text in gramc's Lark dialect: one definition per
// line, the root renamed start. Rules whose names are uppercase, or whose
// bodies have an And or a Not, are written as terminals when their bodies
// are regular (strings, classes, other such terminals, & and ~), renamed
// to uppercase if need be; every other rule is written as a lowercase
// rule, renamed when its name is not a Lark rule name (GBNF's Value
// becomes value, 1st becomes r_1st, a name already taken gets a suffix _2,
// _3 ...).
// Character classes are written as regular expressions /[...]/. No %ignore
// is written: the output means exactly what g means.
//
// For every grammar that Parse returns without %ignore, %import, %json or
// %regex (whose generated rules have mixed-case names), parsing the output
// again yields a grammar Equal to g; otherwise the output parses to an
// equivalent grammar.
//
// Some grammars have no Lark form: a Perm (Lark has no unordered list), an
// And or a Not in a rule that cannot be a terminal, a Bytes literal or token text that is
// not UTF-8, a negative token id, malformed repetition bounds. For those,
// Print returns a best-effort text and the first problem as an
// *grammar.Error, as grammar.Print does.
func Print(g *grammar.Grammar) (string, error) {
	p := &printer{names: printNames(g)}
	for _, r := range g.Rules {
		if r == nil {
			continue
		}
		name := p.names[r.Name]
		p.terminal = kindOf(name) == termName
		p.b.WriteString(name)
		p.b.WriteString(": ")
		p.expr(r.Body, ctxTop)
		p.b.WriteByte('\n')
	}
	if p.err != nil {
		return p.b.String(), p.err
	}
	return p.b.String(), nil
}

var lexableName = regexp.MustCompile(`^[_a-zA-Z][_a-zA-Z0-9]*(?:-[_a-zA-Z0-9]+)*$`)

// printNames maps every rule name of g to its name in the output.
func printNames(g *grammar.Grammar) map[string]string {
	byName := map[string]*grammar.Rule{}
	for _, r := range g.Rules {
		if r != nil {
			byName[r.Name] = r
		}
	}
	// Terminals: uppercase names whose bodies are regular and refer only
	// to other terminals, outside any cycle.
	term := map[string]bool{}
	for name, r := range byName {
		term[name] = name != g.Root && (kindOf(name) == termName && lexableName.MatchString(name) || hasAlgebra(r.Body))
	}
	for changed := true; changed; {
		changed = false
		for name, ok := range term {
			if ok && !terminalBody(byName[name].Body, term) {
				term[name] = false
				changed = true
			}
		}
	}
	for name, ok := range term {
		if ok && reachesItself(name, byName, term) {
			term[name] = false
		}
	}
	out := map[string]string{}
	used := map[string]bool{}
	keep := func(name string) bool {
		if name == g.Root {
			return false
		}
		if term[name] {
			return kindOf(name) == termName && lexableName.MatchString(name)
		}
		return kindOf(name) == ruleName && lexableName.MatchString(name) && name != startRule
	}
	if byName[g.Root] != nil {
		out[g.Root] = startRule
		used[startRule] = true
	}
	for _, r := range g.Rules {
		if r != nil && keep(r.Name) {
			out[r.Name] = r.Name
			used[r.Name] = true
		}
	}
	for _, r := range g.Rules {
		if r == nil || out[r.Name] != "" {
			continue
		}
		base := ruleNameFor(r.Name)
		if term[r.Name] {
			base = strings.ToUpper(base)
		}
		cand := base
		for i := 2; used[cand]; i++ {
			cand = fmt.Sprintf("%s_%d", base, i)
		}
		out[r.Name] = cand
		used[cand] = true
	}
	return out
}

// ruleNameFor derives a lowercase Lark rule name from name.
func ruleNameFor(name string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(name) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_' {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('_')
		}
	}
	s := sb.String()
	if rest := strings.TrimLeft(s, "_"); rest == "" || '0' <= rest[0] && rest[0] <= '9' {
		s = "r_" + s
	}
	return s
}

// hasAlgebra reports whether e has an And or a Not, which Lark can write
// only in a terminal.
func hasAlgebra(e grammar.Expr) bool {
	found := false
	grammar.Walk(e, func(x grammar.Expr) bool {
		switch x.(type) {
		case *grammar.And, *grammar.Not:
			found = true
		}
		return !found
	})
	return found
}

// terminalBody reports whether e can be written in a terminal: no tokens
// or permutations, references only to terminals.
func terminalBody(e grammar.Expr, term map[string]bool) bool {
	ok := true
	grammar.Walk(e, func(x grammar.Expr) bool {
		switch x := x.(type) {
		case *grammar.Token, *grammar.Perm:
			ok = false
		case *grammar.Ref:
			ok = ok && term[x.Name]
		}
		return ok
	})
	return ok
}

func reachesItself(name string, byName map[string]*grammar.Rule, term map[string]bool) bool {
	seen := map[string]bool{}
	var stack []string
	push := func(e grammar.Expr) {
		grammar.Walk(e, func(x grammar.Expr) bool {
			if ref, ok := x.(*grammar.Ref); ok && term[ref.Name] && !seen[ref.Name] {
				seen[ref.Name] = true
				stack = append(stack, ref.Name)
			}
			return true
		})
	}
	push(byName[name].Body)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == name {
			return true
		}
		push(byName[n].Body)
	}
	return false
}

// Printing contexts, from loosest to tightest binding.
const (
	ctxTop  = iota // rule body
	ctxAlt         // branch of an Alt: a nested Alt needs parentheses
	ctxConj        // operand of &: Alt and And need them
	ctxItem        // item of a Seq: Seq, Alt and And need them
	ctxOp          // operand of a repetition or ~: everything compound needs them
)

type printer struct {
	b        strings.Builder
	names    map[string]string
	terminal bool // printing a terminal definition
	err      *grammar.Error
}

func (p *printer) fail(pos grammar.Pos, code grammar.ErrorCode, format string, args ...any) {
	if p.err == nil {
		p.err = grammar.Errorf(pos, code, format, args...)
	}
}

func (p *printer) paren(open bool, f func()) {
	if open {
		p.b.WriteByte('(')
	}
	f()
	if open {
		p.b.WriteByte(')')
	}
}

func (p *printer) expr(e grammar.Expr, ctx int) {
	switch e := e.(type) {
	case *grammar.Alt:
		switch len(e.Alts) {
		case 0:
			p.b.WriteString("/[]/") // matches nothing
			return
		case 1:
			p.expr(e.Alts[0], ctx)
			return
		}
		p.paren(ctx > ctxTop, func() {
			for i, x := range e.Alts {
				if i > 0 {
					p.b.WriteString(" | ")
				}
				p.expr(x, ctxAlt)
			}
		})
	case *grammar.Seq:
		switch len(e.Items) {
		case 0:
			p.b.WriteString("()")
			return
		case 1:
			p.expr(e.Items[0], ctx)
			return
		}
		p.paren(ctx >= ctxItem, func() {
			for i, x := range e.Items {
				if i > 0 {
					p.b.WriteByte(' ')
				}
				p.expr(x, ctxItem)
			}
		})
	case *grammar.Repeat:
		p.paren(ctx >= ctxOp, func() {
			p.expr(e.X, ctxOp)
			p.repeat(e)
		})
	case *grammar.Bytes:
		p.quote(string(e.B), e.Pos)
	case *grammar.Class:
		p.class(e)
	case *grammar.Ref:
		name, ok := p.names[e.Name]
		if !ok {
			p.fail(e.Pos, grammar.ErrUndefinedRule, "undefined rule %q", e.Name)
			name = ruleNameFor(e.Name)
		}
		p.b.WriteString(name)
	case *grammar.Token:
		p.token(e)
	case *grammar.And:
		if !p.terminal {
			p.fail(e.Pos, grammar.ErrSyntax, "an intersection (And) has a Lark form only in a terminal")
		}
		switch len(e.Items) {
		case 0:
			p.fail(e.Pos, grammar.ErrSyntax, "an intersection (And) of nothing has no Lark form")
			p.b.WriteString("()")
			return
		case 1:
			p.expr(e.Items[0], ctx)
			return
		}
		p.paren(ctx >= ctxConj, func() {
			for i, x := range e.Items {
				if i > 0 {
					p.b.WriteString(" & ")
				}
				p.expr(x, ctxConj)
			}
		})
	case *grammar.Not:
		if !p.terminal {
			p.fail(e.Pos, grammar.ErrSyntax, "a complement (Not) has a Lark form only in a terminal")
		}
		if isAnyString(e.Within) {
			p.paren(ctx >= ctxOp, func() {
				p.b.WriteByte('~')
				if r, ok := e.X.(*grammar.Repeat); ok {
					p.expr(r.X, ctxOp)
					p.repeat(r)
					return
				}
				p.expr(e.X, ctxOp)
			})
			return
		}
		p.paren(ctx >= ctxConj, func() {
			p.expr(e.Within, ctxConj)
			p.b.WriteString(" & ")
			p.expr(&grammar.Not{X: e.X, Within: anyString(e.Pos), Pos: e.Pos}, ctxConj)
		})
	case *grammar.Perm:
		p.fail(e.Pos, grammar.ErrSyntax, "a permutation (Perm) has no Lark form")
		members := append([]grammar.Expr(nil), e.Items...)
		if e.Extra != nil {
			members = append(members, e.Extra)
		}
		var member grammar.Expr = &grammar.Alt{Alts: members}
		list := []grammar.Expr{member, &grammar.Repeat{X: &grammar.Seq{Items: []grammar.Expr{e.Sep, member}}, Max: grammar.Unbounded}}
		if e.Min == 0 {
			list = []grammar.Expr{&grammar.Repeat{X: &grammar.Seq{Items: list}, Max: 1}}
		}
		p.expr(&grammar.Seq{Items: append(append([]grammar.Expr{e.Open}, list...), e.Close)}, ctx)
	case nil:
		p.fail(grammar.Pos{}, grammar.ErrSyntax, "missing expression")
		p.b.WriteString("()")
	default:
		p.fail(e.Position(), grammar.ErrSyntax, "unknown expression type %T", e)
		p.b.WriteString("()")
	}
}

func (p *printer) repeat(e *grammar.Repeat) {
	switch {
	case e.Min < 0 || e.Max < grammar.Unbounded || e.Max != grammar.Unbounded && e.Max < e.Min:
		p.fail(e.Pos, grammar.ErrBadRepeat, "bad repetition bounds {%d,%d}", e.Min, e.Max)
		fmt.Fprintf(&p.b, "{%d,%d}", e.Min, e.Max)
	case e.Min == 0 && e.Max == grammar.Unbounded:
		p.b.WriteByte('*')
	case e.Min == 1 && e.Max == grammar.Unbounded:
		p.b.WriteByte('+')
	case e.Min == 0 && e.Max == 1:
		p.b.WriteByte('?')
	case e.Max == grammar.Unbounded:
		fmt.Fprintf(&p.b, "{%d,}", e.Min)
	case e.Min == e.Max:
		fmt.Fprintf(&p.b, " ~ %d", e.Min)
	default:
		fmt.Fprintf(&p.b, " ~ %d..%d", e.Min, e.Max)
	}
}

// quote writes s as a Lark string literal.
func (p *printer) quote(s string, pos grammar.Pos) {
	p.b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			p.fail(pos, grammar.ErrInvalidUTF8, "literal %q is not valid UTF-8 and has no Lark form", s)
			fmt.Fprintf(&p.b, `\x%02X`, s[i])
			i++
			continue
		}
		i += n
		switch r {
		case '"', '\\':
			p.b.WriteByte('\\')
			p.b.WriteRune(r)
		case '\n':
			p.b.WriteString(`\n`)
		case '\r':
			p.b.WriteString(`\r`)
		case '\t':
			p.b.WriteString(`\t`)
		case '\f':
			p.b.WriteString(`\f`)
		default:
			p.char(r)
		}
	}
	p.b.WriteByte('"')
}

func (p *printer) char(r rune) {
	switch {
	case unicode.IsPrint(r):
		p.b.WriteRune(r)
	case r <= 0xFF:
		fmt.Fprintf(&p.b, `\x%02X`, r)
	case r <= 0xFFFF:
		fmt.Fprintf(&p.b, `\u%04X`, r)
	default:
		fmt.Fprintf(&p.b, `\U%08X`, uint32(r))
	}
}

// class writes c as an ECMA-262 regular expression /[...]/.
func (p *printer) class(c *grammar.Class) {
	p.b.WriteString("/[")
	if c.Negated {
		p.b.WriteByte('^')
	}
	for _, rg := range c.Ranges {
		if rg.Lo < 0 || rg.Lo > utf8.MaxRune || rg.Hi < 0 || rg.Hi > utf8.MaxRune || rg.Hi < rg.Lo {
			p.fail(c.Pos, grammar.ErrBadClass, "bad character range %U-%U", rg.Lo, rg.Hi)
			continue
		}
		p.classChar(rg.Lo)
		if rg.Hi != rg.Lo {
			p.b.WriteByte('-')
			p.classChar(rg.Hi)
		}
	}
	p.b.WriteString("]/")
}

func (p *printer) classChar(r rune) {
	switch {
	case strings.ContainsRune(`\]^-[/`, r):
		p.b.WriteByte('\\')
		p.b.WriteRune(r)
	case r == '\n':
		p.b.WriteString(`\n`)
	case r == '\r':
		p.b.WriteString(`\r`)
	case r == '\t':
		p.b.WriteString(`\t`)
	case unicode.IsPrint(r) && r != ' ' || r == ' ':
		p.b.WriteRune(r)
	default:
		fmt.Fprintf(&p.b, `\u{%X}`, r)
	}
}

// token writes t as <text>, or as <[ids, "texts"]> (ranges a-b for runs of
// consecutive ids), <[^...]> when negated, <[*]> for any text token.
func (p *printer) token(t *grammar.Token) {
	for _, id := range t.IDs {
		if id < 0 {
			p.fail(t.Pos, grammar.ErrBadToken, "negative token id %d", id)
		}
	}
	if !t.Negated && len(t.IDs) == 0 && len(t.Names) == 1 && bareTokenText(t.Names[0]) {
		p.b.WriteString(t.Names[0])
		return
	}
	if t.Negated && len(t.IDs) == 0 && len(t.Names) == 0 {
		p.b.WriteString("<[*]>")
		return
	}
	p.b.WriteString("<[")
	if t.Negated {
		p.b.WriteByte('^')
	}
	first := true
	sep := func() {
		if !first {
			p.b.WriteString(",")
		}
		first = false
	}
	for i := 0; i < len(t.IDs); {
		j := i
		for j+1 < len(t.IDs) && t.IDs[j+1] == t.IDs[j]+1 && t.IDs[j] >= 0 {
			j++
		}
		sep()
		if j > i {
			fmt.Fprintf(&p.b, "%d-%d", t.IDs[i], t.IDs[j])
		} else {
			fmt.Fprint(&p.b, t.IDs[i])
		}
		i = j + 1
	}
	for _, name := range t.Names {
		sep()
		if name == "" {
			p.fail(t.Pos, grammar.ErrBadToken, "empty token text")
		}
		p.quote(name, t.Pos)
	}
	p.b.WriteString("]>")
}

// bareTokenText reports whether s can be written as is: "<", then
// characters other than blanks, "<" and ">" (the first not "["), then ">".
func bareTokenText(s string) bool {
	if len(s) < 3 || s[0] != '<' || s[1] == '[' || s[len(s)-1] != '>' || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s[1 : len(s)-1] {
		if r == '<' || r == '>' || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
