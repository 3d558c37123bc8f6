package lark

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/regex"
	"github.com/gramc/gramc/grammar/tags"
)

// ParseXGrammar parses a grammar in XGrammar's EBNF dialect (what
// xgrammar.Grammar.from_ebnf accepts and str(grammar) prints), whose start
// rule is root. It is GBNF with these differences and extensions:
//
//   - rule names may contain "." and may not start with a digit; a rule
//     name starts a line; every alternative has at least one element (write
//     "" or () for the empty string);
//   - more escapes: \/ \' \? \a \b \f \v \0 \e in strings and classes, \x
//     with any number of hex digits, and in classes \^ \$ \. \* \+ \? \(
//     \) \[ \] \{ \} \| \/ \- (\d \w \s and the like are refused, as
//     XGrammar refuses them);
//   - repetition {m}, {m,}, {m,n} and the printer's {m, -1} (= {m,}); not
//     {,n};
//   - a lookahead assertion after a rule body, name ::= body (= expr):
//     parsed and dropped (see below);
//   - rule attributes name[capture] and name[capture="x"] (no effect on
//     the language); name[max_tokens=N] is refused;
//   - macros: Token(id, ...) and ExcludeToken(id, ...) (token terminals;
//     ExcludeToken matches any text token but these), Regex("pattern")
//     (ECMA-262, matched in full; json_string=true is refused),
//     TagDispatch(("tag", rule), ..., loop_after_dispatch=bool,
//     excludes=("s", ...)) and TokenTagDispatch((id, rule), ...,
//     loop_after_dispatch=bool, excludes=(id, ...)), built with package
//     tags.
//
// Lookahead assertions: XGrammar attaches (= expr) to a rule to say that
// the text after the rule always starts with expr; its own analyzer
// infers them for the grammars it generates, and its parser uses them
// only to prune. When the assertion holds wherever the rule is used — as
// for every assertion XGrammar infers and prints — it does not change the
// language, and dropping it is exact. An assertion that contradicts its
// context (a rule that may be followed by text not matching expr) makes
// XGrammar's language smaller; gramc, which drops it, accepts the larger
// language of the grammar without it.
func ParseXGrammar(filename string, src []byte) (*grammar.Grammar, error) {
	x := &xparser{builder: builder{file: filename, src: src, names: map[string]bool{}}}
	g := x.parse()
	if len(x.errs) > 0 {
		return nil, x.errs.Err()
	}
	if err := grammar.ValidateFile(g, filename); err != nil {
		return nil, err
	}
	return g, nil
}

var xLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "comment", Pattern: `#[^\n\r]*`},
	{Name: "whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "Define", Pattern: `::=`},
	{Name: "LookOpen", Pattern: `\(=`},
	{Name: "Int", Pattern: `[0-9]+`},
	{Name: "Ident", Pattern: `[a-zA-Z_.\-][a-zA-Z0-9_.\-]*`},
	{Name: "String", Pattern: `"(?:[^"\\\n\r]|\\[^\n\r])*"`},
	{Name: "Class", Pattern: `\[(?:[^\]\\\n\r]|\\[^\n\r])*\]`},
	{Name: "Punct", Pattern: `[(){}|,*+?=]`},
})

type xFile struct {
	Rules []*xRule `parser:"@@*"`
}

type xRule struct {
	Pos       lexer.Position
	Name      string    `parser:"@Ident"`
	Attrs     string    `parser:"@Class?"`
	Body      *xChoices `parser:"'::=' @@"`
	Lookahead *xChoices `parser:"( LookOpen @@ ')' )?"`
}

type xChoices struct {
	Pos  lexer.Position
	Alts []*xSeq `parser:"@@ ( '|' @@ )*"`
}

type xSeq struct {
	Pos   lexer.Position
	Items []*xItem `parser:"@@+"`
}

type xItem struct {
	Pos  lexer.Position
	Elem *xElem  `parser:"@@"`
	Op   *xQuant `parser:"@@?"`
}

type xQuant struct {
	Pos   lexer.Position
	Op    string `parser:"  @('*' | '+' | '?')"`
	Lo    string `parser:"| '{' @Int"`
	Comma bool   `parser:"  ( @','"`
	Hi    string `parser:"    (@Int | @Ident)? )? '}'"`
}

type xElem struct {
	Pos   lexer.Position
	Empty bool      `parser:"  @( '(' ')' )"`
	Group *xChoices `parser:"| '(' @@ ')'"`
	Class string    `parser:"| @Class"`
	Str   string    `parser:"| @String"`
	Macro *xMacro   `parser:"| @@"`
	Ref   string    `parser:"| (?! Ident Class? '::=') @Ident"`
}

type xMacro struct {
	Pos  lexer.Position
	Name string  `parser:"@('TagDispatch' | 'Token' | 'ExcludeToken' | 'TokenTagDispatch' | 'Regex')"`
	Args []*xArg `parser:"'(' ( @@ ( ',' @@ )* )? ')'"`
}

type xArg struct {
	Pos   lexer.Position
	Name  string  `parser:"( @Ident '=' )?"`
	Value *xValue `parser:"@@"`
}

type xValue struct {
	Pos   lexer.Position
	Str   *string   `parser:"  @String"`
	Int   *string   `parser:"| @Int"`
	Ident *string   `parser:"| @Ident"`
	Tuple []*xValue `parser:"| '(' ( @@ ( ',' @@ )* ','? )? ')'"`
}

var xParser = participle.MustBuild[xFile](participle.Lexer(xLexer), participle.UseLookahead(3))

type xparser struct {
	builder
	rules map[string]bool
	nDisp int
}

func (x *xparser) parse() *grammar.Grammar {
	if len(x.src) > MaxSize {
		x.errorf(grammar.Pos{File: x.file}, grammar.ErrTooLarge, "source is %d bytes, more than the limit %d", len(x.src), MaxSize)
		return nil
	}
	if !utf8.Valid(x.src) {
		x.errorf(grammar.Pos{File: x.file}, grammar.ErrInvalidUTF8, "source is not valid UTF-8")
		return nil
	}
	if err := x.checkDepth(); err != nil {
		x.errs = append(x.errs, err)
		return nil
	}
	ast, err := runXParser(x.file, string(x.src))
	if err != nil {
		var perr participle.Error
		if errors.As(err, &perr) {
			x.errorf(x.pos(perr.Position()), grammar.ErrSyntax, "%s", perr.Message())
		} else {
			x.errorf(grammar.Pos{File: x.file}, grammar.ErrSyntax, "%v", err)
		}
		return nil
	}
	g := &grammar.Grammar{Root: "root"}
	x.g = g
	x.rules = map[string]bool{}
	for _, r := range ast.Rules {
		if x.rules[r.Name] {
			x.errorf(x.pos(r.Pos), grammar.ErrDuplicateRule, "rule %q defined twice", r.Name)
		}
		x.rules[r.Name] = true
		x.names[r.Name] = true
		if r.Name != "" && '0' <= r.Name[0] && r.Name[0] <= '9' {
			x.errorf(x.pos(r.Pos), grammar.ErrSyntax, "rule name %q starts with a digit", r.Name)
		}
	}
	for _, r := range ast.Rules {
		x.attrs(r)
		body := x.choices(r.Body, 0)
		if r.Lookahead != nil {
			x.choices(r.Lookahead, 0) // checked, then dropped (see ParseXGrammar)
		}
		g.Rules = append(g.Rules, &grammar.Rule{Name: r.Name, Body: body, Pos: x.pos(r.Pos)})
	}
	g.Rules = append(g.Rules, x.extra...)
	return g
}

// checkDepth bounds the nesting of parentheses before the recursive parse.
func (x *xparser) checkDepth() *grammar.Error {
	depth := 0
	inStr, inClass := false, false
	for i := 0; i < len(x.src); i++ {
		c := x.src[i]
		switch {
		case (inStr || inClass) && c == '\\':
			i++
		case inStr:
			inStr = c != '"' && c != '\n'
		case inClass:
			inClass = c != ']' && c != '\n'
		case c == '"':
			inStr = true
		case c == '[':
			inClass = true
		case c == '#':
			for i < len(x.src) && x.src[i] != '\n' {
				i++
			}
		case c == '(':
			if depth++; depth > MaxDepth {
				return grammar.Errorf(grammar.Pos{File: x.file}, grammar.ErrTooLarge, "parentheses nested more than %d deep", MaxDepth)
			}
		case c == ')':
			depth--
		}
	}
	return nil
}

func runXParser(file, src string) (ast *xFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			ast, err = nil, fmt.Errorf("internal parser error: %v", r)
		}
	}()
	return xParser.ParseString(file, src)
}

// attrs checks name[...] rule attributes.
func (x *xparser) attrs(r *xRule) {
	if r.Attrs == "" {
		return
	}
	for _, a := range strings.Split(r.Attrs[1:len(r.Attrs)-1], ",") {
		key, _, _ := strings.Cut(strings.TrimSpace(a), "=")
		switch strings.TrimSpace(key) {
		case "capture", "temperature":
		default:
			x.errorf(x.pos(r.Pos), ErrUnsupported, "rule attribute %s is not supported (only capture and temperature, which do not change the language)", strings.TrimSpace(a))
		}
	}
}

func (x *xparser) choices(n *xChoices, depth int) grammar.Expr {
	if depth > MaxDepth {
		if !x.tooDeep {
			x.tooDeep = true
			x.errorf(x.pos(n.Pos), grammar.ErrTooLarge, "expression nested more than %d deep", MaxDepth)
		}
		return &grammar.Seq{}
	}
	if len(n.Alts) == 1 {
		return x.seq(n.Alts[0], depth)
	}
	alt := &grammar.Alt{Pos: x.pos(n.Pos)}
	for _, s := range n.Alts {
		alt.Alts = append(alt.Alts, x.seq(s, depth))
	}
	return alt
}

func (x *xparser) seq(n *xSeq, depth int) grammar.Expr {
	if len(n.Items) == 1 {
		return x.item(n.Items[0], depth)
	}
	s := &grammar.Seq{Pos: x.pos(n.Pos)}
	for _, it := range n.Items {
		s.Items = append(s.Items, x.item(it, depth))
	}
	return s
}

func (x *xparser) item(n *xItem, depth int) grammar.Expr {
	e := x.elem(n.Elem, depth+1)
	if n.Op == nil {
		return e
	}
	rep := &grammar.Repeat{X: e, Pos: x.pos(n.Pos)}
	q := n.Op
	switch {
	case q.Op == "*":
		rep.Max = grammar.Unbounded
	case q.Op == "+":
		rep.Min, rep.Max = 1, grammar.Unbounded
	case q.Op == "?":
		rep.Max = 1
	default:
		lo, err := strconv.Atoi(q.Lo)
		hi := lo
		switch {
		case q.Comma && (q.Hi == "" || q.Hi == "-1"):
			hi = grammar.Unbounded
		case q.Comma && strings.Trim(q.Hi, "0123456789") != "":
			x.errorf(x.pos(q.Pos), grammar.ErrBadRepeat, "bad repetition bound %q", q.Hi)
		case q.Comma:
			var err2 error
			if hi, err2 = strconv.Atoi(q.Hi); err2 != nil {
				err = err2
			}
		}
		switch {
		case err != nil || lo > grammar.MaxRepeatBound || hi > grammar.MaxRepeatBound:
			x.errorf(x.pos(q.Pos), grammar.ErrBadRepeat, "repetition count exceeds the limit %d", grammar.MaxRepeatBound)
		case hi != grammar.Unbounded && hi < lo:
			x.errorf(x.pos(q.Pos), grammar.ErrBadRepeat, "bad repetition {%d,%d}: maximum %d is less than minimum %d", lo, hi, hi, lo)
		default:
			rep.Min, rep.Max = lo, hi
		}
	}
	return rep
}

func (x *xparser) elem(n *xElem, depth int) grammar.Expr {
	pos := x.pos(n.Pos)
	switch {
	case n.Empty:
		return &grammar.Seq{Pos: pos}
	case n.Group != nil:
		return x.choices(n.Group, depth)
	case n.Class != "":
		return x.class(n.Class, n.Pos)
	case n.Str != "":
		s, _ := x.xunquote(n.Str, 1, len(n.Str)-1, n.Pos, false)
		return &grammar.Bytes{B: []byte(s), Pos: pos}
	case n.Macro != nil:
		return x.macro(n.Macro)
	case n.Ref != "":
		if !x.rules[n.Ref] {
			x.errorf(pos, grammar.ErrUndefinedRule, "undefined rule %s", n.Ref)
		}
		return &grammar.Ref{Name: n.Ref, Pos: pos}
	}
	return &grammar.Seq{Pos: pos}
}

// xchar decodes one character of XGrammar's strings and classes.
func xchar(s string, inClass bool) (r rune, n int, literalDash bool, msg string) {
	r, n = utf8.DecodeRuneInString(s)
	if r != '\\' {
		return r, n, false, ""
	}
	if len(s) < 2 {
		return 0, 1, false, `unfinished escape sequence "\"`
	}
	e := s[1]
	switch e {
	case '"', '\\', '/', '\'', '?':
		return rune(e), 2, e == '-', ""
	case 'n':
		return '\n', 2, false, ""
	case 'r':
		return '\r', 2, false, ""
	case 't':
		return '\t', 2, false, ""
	case 'b':
		return '\b', 2, false, ""
	case 'f':
		return '\f', 2, false, ""
	case 'a':
		return '\a', 2, false, ""
	case 'v':
		return '\v', 2, false, ""
	case '0':
		return 0, 2, false, ""
	case 'e':
		return 0x1B, 2, false, ""
	case 'x', 'u', 'U':
		digits := map[byte]int{'u': 4, 'U': 8}[e]
		j := 2
		for j < len(s) && (digits == 0 || j < 2+digits) && strings.IndexByte("0123456789abcdefABCDEF", s[j]) >= 0 {
			j++
		}
		if j == 2 || digits > 0 && j != 2+digits {
			return 0, 2, false, fmt.Sprintf(`escape \%c needs hex digits`, e)
		}
		v, err := strconv.ParseUint(s[2:j], 16, 32)
		if err != nil || v > utf8.MaxRune {
			return 0, j, false, fmt.Sprintf(`escape %s is beyond U+10FFFF`, s[:j])
		}
		return rune(v), j, false, ""
	}
	if inClass && strings.IndexByte(`^$.*+()[]{}|-`, e) >= 0 {
		return rune(e), 2, e == '-', ""
	}
	if inClass && strings.IndexByte("dDsSwW", e) >= 0 {
		return 0, 2, false, fmt.Sprintf(`class escape \%c is not supported (as in XGrammar): write the ranges`, e)
	}
	return 0, 2, false, fmt.Sprintf("unknown escape sequence %s", strconv.Quote(s[:2]))
}

func (x *xparser) xunquote(tok string, off, end int, start lexer.Position, inClass bool) (string, bool) {
	var sb strings.Builder
	for i := off; i < end; {
		r, n, _, msg := xchar(tok[i:end], inClass)
		if msg == "" && 0xD800 <= r && r <= 0xDFFF {
			msg = "a surrogate half is not a character"
		}
		if msg != "" {
			x.errorf(x.at(start, tok, i), grammar.ErrSyntax, "%s", msg)
			return "", false
		}
		sb.WriteRune(r)
		i += n
	}
	return sb.String(), true
}

// class decodes [...]: an unescaped "-" between two characters makes a
// range, elsewhere it is literal.
func (x *xparser) class(tok string, start lexer.Position) grammar.Expr {
	c := &grammar.Class{Pos: x.pos(start)}
	i, end := 1, len(tok)-1
	if i < end && tok[i] == '^' {
		c.Negated = true
		i++
	}
	type elem struct {
		r    rune
		dash bool // an unescaped "-"
		at   int
	}
	var elems []elem
	for i < end {
		if tok[i] == '-' {
			elems = append(elems, elem{'-', true, i})
			i++
			continue
		}
		r, n, _, msg := xchar(tok[i:end], true)
		if msg != "" {
			code := grammar.ErrSyntax
			if strings.Contains(msg, "not supported") {
				code = ErrUnsupported
			}
			x.errorf(x.at(start, tok, i), code, "%s", msg)
			return c
		}
		elems = append(elems, elem{r, false, i})
		i += n
	}
	for k := 0; k < len(elems); k++ {
		lo := elems[k].r
		hi := lo
		if k+2 < len(elems) && elems[k+1].dash {
			hi = elems[k+2].r
			if hi < lo {
				x.errorf(x.at(start, tok, elems[k].at), grammar.ErrBadClass, "bad range %c-%c: %U is after %U", lo, hi, lo, hi)
				return c
			}
			k += 2
		}
		c.Ranges = append(c.Ranges, grammar.Range{Lo: lo, Hi: hi})
	}
	return c
}

// Macros.

func (x *xparser) macro(m *xMacro) grammar.Expr {
	pos := x.pos(m.Pos)
	bad := func(format string, args ...any) grammar.Expr {
		x.errorf(pos, grammar.ErrSyntax, "%s: "+format, append([]any{m.Name}, args...)...)
		return &grammar.Seq{Pos: pos}
	}
	var pos0 []*xValue
	named := map[string]*xValue{}
	for _, a := range m.Args {
		if a.Name != "" {
			named[a.Name] = a.Value
		} else {
			pos0 = append(pos0, a.Value)
		}
	}
	ids := func(vs []*xValue) ([]int32, bool) {
		var out []int32
		for _, v := range vs {
			if v.Int == nil {
				return nil, false
			}
			id, err := strconv.ParseInt(*v.Int, 10, 32)
			if err != nil {
				return nil, false
			}
			out = append(out, int32(id))
		}
		return out, true
	}
	loop := func() (bool, bool) {
		v, ok := named["loop_after_dispatch"]
		if !ok {
			return true, true
		}
		if v.Ident == nil || *v.Ident != "true" && *v.Ident != "false" {
			return false, false
		}
		return *v.Ident == "true", true
	}
	for k := range named {
		allowed := map[string][]string{
			"TagDispatch": {"loop_after_dispatch", "excludes"}, "TokenTagDispatch": {"loop_after_dispatch", "excludes"},
			"Regex": {"json_string"},
		}[m.Name]
		found := false
		for _, a := range allowed {
			found = found || a == k
		}
		if !found {
			return bad("unknown named argument %s", k)
		}
	}
	switch m.Name {
	case "Token", "ExcludeToken":
		list, ok := ids(pos0)
		if !ok || len(list) == 0 {
			return bad("want one or more non-negative token ids")
		}
		return &grammar.Token{IDs: list, Negated: m.Name == "ExcludeToken", Pos: pos}
	case "Regex":
		if len(pos0) != 1 || pos0[0].Str == nil {
			return bad("want one string argument, the pattern")
		}
		if v, ok := named["json_string"]; ok && (v.Ident == nil || *v.Ident != "false") {
			x.errorf(pos, ErrUnsupported, "Regex: json_string=true is not supported")
			return &grammar.Seq{Pos: pos}
		}
		pattern, ok := x.xunquote(*pos0[0].Str, 1, len(*pos0[0].Str)-1, pos0[0].Pos, false)
		if !ok {
			return &grammar.Seq{Pos: pos}
		}
		e, err := regex.Anchored(pattern, regex.Flags{})
		if err != nil {
			code := grammar.ErrSyntax
			if errors.Is(err, regex.ErrUnsupported) {
				code = ErrUnsupported
			}
			x.errorf(pos, code, "Regex: %v", err)
			return &grammar.Seq{Pos: pos}
		}
		setPos(e, pos)
		return e
	case "TagDispatch", "TokenTagDispatch":
		stop, ok := loop()
		if !ok {
			return bad("loop_after_dispatch must be true or false")
		}
		spec := tags.Spec{Stop: !stop}
		var content []grammar.Expr
		for _, v := range pos0 {
			if len(v.Tuple) != 2 || v.Tuple[1].Ident == nil {
				return bad("each dispatch element must be a pair (trigger, rule)")
			}
			rule := *v.Tuple[1].Ident
			if !x.rules[rule] {
				x.errorf(x.pos(v.Pos), grammar.ErrUndefinedRule, "undefined rule %s", rule)
				return &grammar.Seq{Pos: pos}
			}
			var tg tags.Tag
			switch {
			case m.Name == "TagDispatch" && v.Tuple[0].Str != nil:
				s, ok := x.xunquote(*v.Tuple[0].Str, 1, len(*v.Tuple[0].Str)-1, v.Tuple[0].Pos, false)
				if !ok {
					return &grammar.Seq{Pos: pos}
				}
				tg.Begin.Text = s
			case m.Name == "TokenTagDispatch" && v.Tuple[0].Int != nil:
				id, ok := ids(v.Tuple[:1])
				if !ok {
					return bad("bad token id")
				}
				tg.Begin.Token = &grammar.Token{IDs: id}
			default:
				return bad("bad trigger")
			}
			spec.Tags = append(spec.Tags, tg)
			content = append(content, &grammar.Ref{Name: rule, Pos: pos})
		}
		if ex, ok := named["excludes"]; ok {
			for _, v := range ex.Tuple {
				switch {
				case m.Name == "TagDispatch" && v.Str != nil:
					s, ok := x.xunquote(*v.Str, 1, len(*v.Str)-1, v.Pos, false)
					if !ok {
						return &grammar.Seq{Pos: pos}
					}
					spec.Excludes = append(spec.Excludes, s)
				case m.Name == "TokenTagDispatch" && v.Int != nil:
					if _, ok := ids([]*xValue{v}); !ok {
						return bad("bad token id")
					}
				default:
					return bad("bad excluded string or token")
				}
			}
		}
		if m.Name == "TokenTagDispatch" {
			return x.tokenDispatch(pos0, named, !stop, pos)
		}
		x.nDisp++
		prefix := x.fresh(fmt.Sprintf("TagDispatch%d_", x.nDisp))
		rules, err := tags.Rules(spec, prefix, content)
		if err != nil {
			return bad("%v", err)
		}
		for _, r := range rules {
			r.Pos = pos
			setPos(r.Body, pos)
		}
		x.extra = append(x.extra, rules...)
		return &grammar.Ref{Name: rules[0].Name, Pos: pos}
	}
	return bad("unknown macro")
}

// tokenDispatch builds TokenTagDispatch: any text tokens but the triggers
// and the excluded ids, until a trigger token, then its rule; then again
// (loop) or the end.
func (x *xparser) tokenDispatch(pairs []*xValue, named map[string]*xValue, stop bool, pos grammar.Pos) grammar.Expr {
	var triggers []int32
	var sections []grammar.Expr
	free := &grammar.Token{Negated: true, Pos: pos}
	for _, v := range pairs {
		id, _ := strconv.ParseInt(*v.Tuple[0].Int, 10, 32)
		triggers = append(triggers, int32(id))
		free.IDs = append(free.IDs, int32(id))
	}
	if ex, ok := named["excludes"]; ok {
		for _, v := range ex.Tuple {
			id, _ := strconv.ParseInt(*v.Int, 10, 32)
			for _, t := range triggers {
				if t == int32(id) {
					x.errorf(pos, grammar.ErrSyntax, "TokenTagDispatch: token %d is both a trigger and excluded", id)
				}
			}
			free.IDs = append(free.IDs, int32(id))
		}
	}
	freeRun := &grammar.Repeat{X: free, Min: 0, Max: grammar.Unbounded, Pos: pos}
	for i, v := range pairs {
		sections = append(sections, &grammar.Seq{Items: []grammar.Expr{
			grammar.Clone(freeRun), &grammar.Token{IDs: []int32{triggers[i]}, Pos: pos}, &grammar.Ref{Name: *v.Tuple[1].Ident, Pos: pos},
		}, Pos: pos})
	}
	var section grammar.Expr = &grammar.Alt{Alts: sections, Pos: pos}
	if len(sections) == 1 {
		section = sections[0]
	}
	if stop {
		return &grammar.Alt{Alts: []grammar.Expr{grammar.Clone(freeRun), section}, Pos: pos}
	}
	return &grammar.Seq{Items: []grammar.Expr{&grammar.Repeat{X: section, Min: 0, Max: grammar.Unbounded, Pos: pos}, grammar.Clone(freeRun)}, Pos: pos}
}
