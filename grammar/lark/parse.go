package lark

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/gramc/gramc/grammar"
)

// Limits on the input that Parse accepts; beyond them it reports
// grammar.ErrTooLarge.
const (
	MaxSize     = 8 << 20   // bytes of source
	MaxDepth    = 1000      // nesting of brackets and operators
	MaxTokens   = 1_000_000 // lexical tokens
	MaxTokenIDs = 1 << 20   // token ids that one <[...]> may list, ranges expanded
)

// ErrUnsupported is the error code of Lark (and llguidance) features that
// gramc refuses rather than approximate: priorities, templates, %declare,
// %override, %extend, lexeme options that change the language, lookarounds
// in regular expressions, imports other than common.
const ErrUnsupported grammar.ErrorCode = "unsupported feature"

// The root rule of every Lark grammar.
const startRule = "start"

// ignoreRule names the generated rule that matches what %ignore allows
// between lexemes. Generated names are mixed-case, which Lark names cannot
// be, so they never collide with the grammar's own.
const ignoreRule = "Ignore_"

// Parse parses a grammar in gramc's Lark dialect (see the package
// documentation) into a grammar whose start rule is "start", and validates
// it with grammar.Validate. On error it returns a nil grammar and either a
// *grammar.Error or a grammar.ErrorList, each formatted
// "file:line:col: message". Parse never panics.
func Parse(filename string, src []byte) (*grammar.Grammar, error) {
	b := &builder{file: filename, src: src, defs: map[string]*def{}, names: map[string]bool{}}
	g := b.parse()
	if len(b.errs) > 0 {
		return nil, b.errs.Err()
	}
	if err := grammar.ValidateFile(g, filename); err != nil {
		return nil, err
	}
	return g, nil
}

// The syntax tree that participle fills in.

type fileNode struct {
	Stmts []*stmtNode `parser:"( @@ | NL )*"`
}

type stmtNode struct {
	Pos    lexer.Position
	Ignore *ignoreNode `parser:"  @@"`
	Import *importNode `parser:"| @@"`
	Option *string     `parser:"| ( '%llguidance' | '%grammar_options' ) @JSON"`
	Def    *defNode    `parser:"| @@"`
}

type ignoreNode struct {
	Pos  lexer.Position
	Body *expsNode `parser:"'%ignore' @@"`
}

type importNode struct {
	Pos      lexer.Position
	Relative bool     `parser:"'%import' @'.'?"`
	Path     []string `parser:"@Name ( '.' @Name )*"`
	Names    []string `parser:"( '(' @Name ( ',' @Name )* ')' )?"`
	Alias    string   `parser:"( '->' @Name )?"`
}

type defNode struct {
	Pos      lexer.Position
	Modifier string     `parser:"@('?' | '!')?"`
	Name     string     `parser:"@Name"`
	Template bool       `parser:"( @'{' ( Name | ',' )* '}' )?"`
	Priority *prioNode  `parser:"@@?"`
	Options  []*optNode `parser:"( '[' ( @@ ( ',' @@ )* )? ']' )?"`
	Body     *expsNode  `parser:"':' @@"`
}

type prioNode struct {
	Pos lexer.Position
	Neg bool   `parser:"'.' @'-'?"`
	N   string `parser:"@Number"`
}

type optNode struct {
	Pos   lexer.Position
	Name  string `parser:"@Name"`
	Value string `parser:"( '=' @( String | Number | Name | Regex ) ( @'.' @Number )? )?"`
}

// expsNode is an alternation; each branch is a sequence, optionally
// intersected with more sequences (&) and followed by a tree alias (->).
type expsNode struct {
	Pos      lexer.Position
	Items    []*itemNode   `parser:"@@*"`
	Ands     []*andNode    `parser:"@@*"`
	Alias    string        `parser:"( '->' @Name )?"`
	Branches []*branchNode `parser:"@@*"`
}

type branchNode struct {
	Pos   lexer.Position
	Items []*itemNode `parser:"'|' @@*"`
	Ands  []*andNode  `parser:"@@*"`
	Alias string      `parser:"( '->' @Name )?"`
}

type andNode struct {
	Pos   lexer.Position
	Items []*itemNode `parser:"'&' @@*"`
}

type itemNode struct {
	Pos  lexer.Position
	Not  bool      `parser:"@'~'?"`
	Atom *atomNode `parser:"@@"`
	Op   *opNode   `parser:"@@?"`
}

type opNode struct {
	Pos lexer.Position
	Op  string `parser:"( @('*' | '+' | '?' | Repeat)"`
	Lo  string `parser:"| '~' @Number"`
	Hi  string `parser:"  ( '..' @Number )? )"`
}

type atomNode struct {
	Pos      lexer.Position
	Group    *expsNode `parser:"  '(' @@ ')'"`
	Optional *expsNode `parser:"| '[' @@ ']'"`
	Str      string    `parser:"| @String"`
	RangeHi  string    `parser:"  ( '..' @String )?"`
	Regex    string    `parser:"| @Regex"`
	Name     string    `parser:"| @Name"`
	Template bool      `parser:"  ( @'{' (~'}')* '}' )?"`
	Token    string    `parser:"| @Token"`
	JSON     string    `parser:"| '%json' @JSON"`
	RegexObj string    `parser:"| '%regex' ( @JSON"`
	RegexLit string    `parser:"  | @Regex )"`
}

var larkParser = participle.MustBuild[fileNode](
	participle.Lexer(definition{}),
	participle.UseLookahead(2),
)

// def is a terminal or rule definition, or an imported terminal.
type def struct {
	name     string
	terminal bool
	node     *defNode // nil for an import
	common   string   // the imported common terminal
	pos      grammar.Pos
}

type builder struct {
	file string
	src  []byte
	errs grammar.ErrorList
	toks []lexer.Token

	defs   map[string]*def
	order  []*def
	ignore []*ignoreNode
	names  map[string]bool // every rule name of the output

	initialSkip bool // allow_initial_skip: %ignore may match before the first lexeme

	g       *grammar.Grammar
	extra   []*grammar.Rule // generated rules (%json, substrings)
	nJSON   int
	nSub    int
	tooDeep bool
}

// ctx is where an expression is built: in a terminal (no %ignore, regular
// operators only) or in a rule.
type ctx struct {
	terminal bool
	def      string // the definition's name, for messages
}

func (b *builder) errorf(pos grammar.Pos, code grammar.ErrorCode, format string, args ...any) {
	b.errs = append(b.errs, grammar.Errorf(pos, code, format, args...))
}

func (b *builder) pos(lp lexer.Position) grammar.Pos {
	return grammar.Pos{File: b.file, Line: lp.Line, Column: lp.Column}
}

func (b *builder) parse() *grammar.Grammar {
	if len(b.src) > MaxSize {
		b.errorf(grammar.Pos{File: b.file}, grammar.ErrTooLarge, "source is %d bytes, more than the limit %d", len(b.src), MaxSize)
		return nil
	}
	if !utf8.Valid(b.src) {
		i := 0
		for i < len(b.src) {
			r, n := utf8.DecodeRune(b.src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		lp := lexer.Position{Line: 1, Column: 1}
		lp.Advance(string(b.src[:i]))
		b.errorf(b.pos(lp), grammar.ErrInvalidUTF8, "invalid UTF-8 byte 0x%02X", b.src[i])
		return nil
	}
	toks, eof, err := lex(b.file, string(b.src))
	if err != nil {
		b.errs = append(b.errs, err.(*grammar.Error))
		return nil
	}
	b.toks = toks
	for _, t := range toks {
		if t.Type == tDirective && !knownDirective(t.Value) {
			b.unknownDirective(t)
			return nil
		}
	}
	peek, err := lexer.Upgrade(&tokenList{toks: toks, eof: eof})
	if err != nil {
		b.errorf(grammar.Pos{File: b.file}, grammar.ErrSyntax, "%v", err)
		return nil
	}
	ast, err := runParser(peek)
	if err != nil {
		b.syntaxError(err)
		return nil
	}
	b.collect(ast)
	if len(b.errs) > 0 {
		return nil
	}
	return b.build()
}

func knownDirective(s string) bool {
	switch s {
	case "%ignore", "%import", "%json", "%regex", "%llguidance", "%grammar_options":
		return true
	}
	return false
}

func (b *builder) unknownDirective(t lexer.Token) {
	pos := b.pos(t.Pos)
	switch t.Value {
	case "%declare":
		b.errorf(pos, ErrUnsupported, "%%declare is not supported: gramc has no external lexer to produce declared terminals")
	case "%override", "%extend":
		b.errorf(pos, ErrUnsupported, "%s is not supported: it modifies imported grammars, and only common terminals can be imported", t.Value)
	default:
		b.errorf(pos, grammar.ErrSyntax, "unknown directive %s (want %%ignore, %%import, %%json, %%regex, %%llguidance or %%grammar_options)", t.Value)
	}
}

// runParser runs participle, turning a panic inside it (there should be
// none) into an error so that Parse never panics.
func runParser(peek *lexer.PeekingLexer) (ast *fileNode, err error) {
	defer func() {
		if r := recover(); r != nil {
			ast, err = nil, fmt.Errorf("internal parser error: %v", r)
		}
	}()
	return larkParser.ParseFromLexer(peek)
}

// syntaxError converts an error from participle.
func (b *builder) syntaxError(err error) {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		tok := ute.Unexpected
		pos := b.pos(tok.Pos)
		i := b.tokenIndex(tok.Pos.Offset)
		var prev lexer.Token
		if i > 0 {
			prev = b.toks[i-1]
		}
		switch {
		case tok.EOF():
			b.errorf(pos, grammar.ErrSyntax, "unexpected end of input")
		case tok.Type == tNL && prev.Type == tDirective:
			b.errorf(pos, grammar.ErrSyntax, "%s needs an argument", prev.Value)
		case tok.Type == tNL:
			b.errorf(pos, grammar.ErrSyntax, "unexpected end of line")
		case tok.Value == ":":
			b.errorf(pos, grammar.ErrSyntax, `unexpected ":": a definition must start a line (name: body)`)
		case isOperator(tok.Value) && i > 0 && (isOperator(prev.Value) || prev.Type == tNumber):
			b.errorf(pos, grammar.ErrSyntax, "only one repetition operator may follow an item: use parentheses, as in (x+)?")
		case isOperator(tok.Value):
			b.errorf(pos, grammar.ErrSyntax, "repetition operator %s must follow an expression", describe(tok.Value))
		case prev.Type == tNL || i == 0:
			b.errorf(pos, grammar.ErrSyntax, "unexpected %s at the start of a line: want a definition (name: body) or a directive", describe(tok.Value))
		case tok.Type == tName && i+1 < len(b.toks) && b.toks[i+1].Value == ":":
			b.errorf(pos, grammar.ErrSyntax, "definition %q must start a line", tok.Value)
		default:
			b.errorf(pos, grammar.ErrSyntax, "unexpected %s", describe(tok.Value))
		}
		return
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		pos := b.pos(perr.Position())
		if strings.HasPrefix(perr.Message(), "too many iterations") {
			b.errorf(pos, grammar.ErrTooLarge, "grammar too large: %s", perr.Message())
			return
		}
		b.errorf(pos, grammar.ErrSyntax, "%s", perr.Message())
		return
	}
	b.errorf(grammar.Pos{File: b.file}, grammar.ErrSyntax, "%v", err)
}

func (b *builder) tokenIndex(off int) int {
	i, ok := slices.BinarySearchFunc(b.toks, off, func(t lexer.Token, off int) int { return cmp.Compare(t.Pos.Offset, off) })
	if !ok {
		return -1
	}
	return i
}

func isOperator(s string) bool {
	return s == "*" || s == "+" || s == "?" || s == "~" || strings.HasPrefix(s, "{") && len(s) > 1
}

// describe quotes a token for an error message, shortening long ones.
func describe(s string) string {
	if s == "\n" {
		return "end of line"
	}
	if utf8.RuneCountInString(s) > 24 {
		s = string([]rune(s)[:20]) + "..."
	}
	return strconv.Quote(s)
}

// Names. Lark rules are lowercase, terminals uppercase; a leading "_" and
// "-" inside (an llguidance extension) are allowed.

type nameKind int

const (
	badName nameKind = iota
	ruleName
	termName
)

func kindOf(name string) nameKind {
	hasLower, hasUpper := false, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		hasLower = hasLower || 'a' <= c && c <= 'z'
		hasUpper = hasUpper || 'A' <= c && c <= 'Z'
	}
	rest := strings.TrimLeft(name, "_")
	switch {
	case rest == "" || hasLower == hasUpper || '0' <= rest[0] && rest[0] <= '9':
		return badName
	case hasLower:
		return ruleName
	}
	return termName
}

// collect gathers the definitions, imports and %ignore directives, and
// reports the statements gramc refuses.
func (b *builder) collect(ast *fileNode) {
	for _, st := range ast.Stmts {
		switch {
		case st.Ignore != nil:
			b.ignore = append(b.ignore, st.Ignore)
		case st.Import != nil:
			b.importStmt(st.Import)
		case st.Option != nil:
			b.options(*st.Option, b.pos(st.Pos))
		case st.Def != nil:
			b.defStmt(st.Def)
		}
	}
}

func (b *builder) add(d *def) {
	if prev, ok := b.defs[d.name]; ok {
		what := "rule"
		if d.terminal {
			what = "terminal"
		}
		b.errorf(d.pos, grammar.ErrDuplicateRule, "%s %q defined twice (first at %s)", what, d.name, prev.pos)
		return
	}
	b.defs[d.name] = d
	b.order = append(b.order, d)
	b.names[d.name] = true
}

func (b *builder) defStmt(n *defNode) {
	pos := b.pos(n.Pos)
	kind := kindOf(n.Name)
	switch {
	case kind == badName:
		b.errorf(pos, grammar.ErrSyntax, "bad name %q: rule names are lowercase, terminal names uppercase", n.Name)
		return
	case n.Template:
		b.errorf(pos, ErrUnsupported, "templates (%s{...}) are not supported", n.Name)
		return
	case n.Priority != nil:
		b.errorf(b.pos(n.Priority.Pos), ErrUnsupported, "priorities (%s.%s) are not supported", n.Name, n.Priority.N)
		return
	case n.Modifier != "" && kind == termName:
		b.errorf(pos, grammar.ErrSyntax, "modifier %q applies to rules, not to terminal %s", n.Modifier, n.Name)
		return
	}
	for _, o := range n.Options {
		switch o.Name {
		case "capture", "temperature":
			// No effect on the language.
		default:
			b.errorf(b.pos(o.Pos), ErrUnsupported, "rule option %s is not supported (gramc supports capture and temperature, which do not change the language)", o.Name)
			return
		}
	}
	b.add(&def{name: n.Name, terminal: kind == termName, node: n, pos: pos})
}

func (b *builder) importStmt(n *importNode) {
	pos := b.pos(n.Pos)
	if n.Relative || len(n.Path) == 0 || n.Path[0] != "common" {
		b.errorf(pos, ErrUnsupported, "only %%import common.NAME is supported (the terminals of Lark's common.lark)")
		return
	}
	var names []string
	switch {
	case len(n.Path) == 2 && len(n.Names) == 0:
		names = []string{n.Path[1]}
	case len(n.Path) == 1 && len(n.Names) > 0 && n.Alias == "":
		names = n.Names
	default:
		b.errorf(pos, grammar.ErrSyntax, "bad %%import: want %%import common.NAME, %%import common.NAME -> ALIAS or %%import common (NAME, ...)")
		return
	}
	for _, name := range names {
		if _, ok := commonTerminals[name]; !ok {
			b.errorf(pos, grammar.ErrUndefinedRule, "common has no terminal %s (it has %s)", name, strings.Join(commonNames(), ", "))
			continue
		}
		local := name
		if n.Alias != "" {
			local = n.Alias
			if kindOf(local) != termName {
				b.errorf(pos, grammar.ErrSyntax, "alias %q of a terminal must be uppercase", local)
				continue
			}
		}
		b.add(&def{name: local, terminal: true, common: name, pos: pos})
	}
}

// options reads a %llguidance {...} (or XGrammar's %grammar_options
// {...}) directive: allow_initial_skip lets %ignore match before the first
// lexeme; no_forcing (tokenization policy) and allow_invalid_utf8: false
// change nothing; anything else is refused.
func (b *builder) options(js string, pos grammar.Pos) {
	var obj map[string]json.RawMessage
	if err := strictUnmarshal([]byte(js), &obj); err != nil {
		b.errorf(pos, grammar.ErrSyntax, "%%llguidance: %v", err)
		return
	}
	for k, raw := range obj {
		var v bool
		if err := json.Unmarshal(raw, &v); err != nil {
			b.errorf(pos, grammar.ErrSyntax, "%%llguidance: option %q must be true or false", k)
			continue
		}
		switch {
		case k == "allow_initial_skip":
			b.initialSkip = v
		case k == "no_forcing", k == "allow_invalid_utf8" && !v:
		default:
			b.errorf(pos, ErrUnsupported, "%%llguidance option %q is not supported", k)
		}
	}
}

// build turns the collected definitions into the grammar.
func (b *builder) build() *grammar.Grammar {
	b.g = &grammar.Grammar{Root: startRule}
	if d, ok := b.defs[startRule]; !ok || d.terminal {
		b.errorf(grammar.Pos{File: b.file, Line: 1, Column: 1}, grammar.ErrNoRoot, "missing start rule: a Lark grammar starts at the rule named start")
		return nil
	}
	b.names[ignoreRule] = len(b.ignore) > 0
	for _, d := range b.order {
		r := &grammar.Rule{Name: d.name, Pos: d.pos}
		switch {
		case d.common != "":
			r.Body = commonTerminals[d.common](d.pos)
		default:
			r.Body = b.exps(d.node.Body, ctx{terminal: d.terminal, def: d.name}, 0)
		}
		b.g.Rules = append(b.g.Rules, r)
	}
	if len(b.ignore) > 0 {
		var alts []grammar.Expr
		for _, n := range b.ignore {
			x := b.exps(n.Body, ctx{terminal: true, def: "%ignore"}, 0)
			if s, ok := x.(*grammar.Seq); ok && len(s.Items) == 0 {
				b.errorf(b.pos(n.Pos), grammar.ErrSyntax, "%%ignore needs a terminal, a string or a regular expression")
			}
			alts = append(alts, x)
		}
		pos := b.pos(b.ignore[0].Pos)
		var body grammar.Expr = alts[0]
		if len(alts) > 1 {
			body = &grammar.Alt{Alts: alts, Pos: pos}
		}
		b.g.Rules = append(b.g.Rules, &grammar.Rule{Name: ignoreRule, Pos: pos,
			Body: &grammar.Repeat{X: body, Min: 0, Max: grammar.Unbounded, Pos: pos}})
		if b.initialSkip {
			start := b.g.Rule(startRule)
			start.Body = &grammar.Seq{Items: []grammar.Expr{&grammar.Ref{Name: ignoreRule, Pos: start.Pos}, start.Body}, Pos: start.Pos}
		}
	}
	b.g.Rules = append(b.g.Rules, b.extra...)
	b.checkTerminalCycles()
	return b.g
}

// checkTerminalCycles reports terminals that refer to themselves: a
// terminal is a regular expression.
func (b *builder) checkTerminalCycles() {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(name string) bool
	visit = func(name string) bool {
		color[name] = grey
		stack = append(stack, name)
		r := b.g.Rule(name)
		cyclic := false
		grammar.Walk(r.Body, func(e grammar.Expr) bool {
			ref, ok := e.(*grammar.Ref)
			if !ok || cyclic {
				return !cyclic
			}
			d, ok := b.defs[ref.Name]
			if !ok || !d.terminal {
				return true
			}
			switch color[ref.Name] {
			case grey:
				i := slices.Index(stack, ref.Name)
				cycle := append(append([]string(nil), stack[i:]...), ref.Name)
				b.errorf(b.defs[ref.Name].pos, grammar.ErrSyntax, "terminal %s is recursive (%s): terminals are regular; make it a rule (lowercase name)", ref.Name, strings.Join(cycle, " → "))
				cyclic = true
			case white:
				cyclic = visit(ref.Name)
			}
			return !cyclic
		})
		stack = stack[:len(stack)-1]
		color[name] = black
		return cyclic
	}
	for _, d := range b.order {
		if d.terminal && color[d.name] == white {
			if visit(d.name) {
				return
			}
		}
	}
}

// Building expressions. depth counts enclosing brackets and operators.

func (b *builder) exps(n *expsNode, c ctx, depth int) grammar.Expr {
	if n == nil {
		return &grammar.Seq{}
	}
	first := b.conj(n.Items, n.Ands, b.pos(n.Pos), c, depth)
	if len(n.Branches) == 0 {
		return first
	}
	alts := []grammar.Expr{first}
	for _, br := range n.Branches {
		alts = append(alts, b.conj(br.Items, br.Ands, b.pos(br.Pos), c, depth))
	}
	return &grammar.Alt{Alts: alts, Pos: b.pos(n.Pos)}
}

func (b *builder) conj(items []*itemNode, ands []*andNode, pos grammar.Pos, c ctx, depth int) grammar.Expr {
	first := b.seq(items, pos, c, depth)
	if len(ands) == 0 {
		return first
	}
	if !c.terminal {
		b.errorf(b.pos(ands[0].Pos), grammar.ErrSyntax, "& (intersection) is only allowed in terminal definitions (uppercase names), not in rule %s", c.def)
		return first
	}
	and := &grammar.And{Items: []grammar.Expr{first}, Pos: first.Position()}
	for _, a := range ands {
		and.Items = append(and.Items, b.seq(a.Items, b.pos(a.Pos), c, depth))
	}
	return and
}

func (b *builder) seq(items []*itemNode, pos grammar.Pos, c ctx, depth int) grammar.Expr {
	switch len(items) {
	case 0:
		return &grammar.Seq{Pos: pos}
	case 1:
		return b.item(items[0], c, depth)
	}
	s := &grammar.Seq{}
	for _, it := range items {
		s.Items = append(s.Items, b.item(it, c, depth))
	}
	s.Pos = s.Items[0].Position()
	return s
}

func (b *builder) item(n *itemNode, c ctx, depth int) grammar.Expr {
	ops := 0
	if n.Op != nil {
		ops++
	}
	if n.Not {
		ops++
	}
	x := b.atom(n.Atom, c, depth+ops)
	pos := b.pos(n.Atom.Pos)
	if n.Op != nil {
		rep := &grammar.Repeat{X: x, Pos: pos}
		switch {
		case n.Op.Op == "*":
			rep.Min, rep.Max = 0, grammar.Unbounded
		case n.Op.Op == "+":
			rep.Min, rep.Max = 1, grammar.Unbounded
		case n.Op.Op == "?":
			rep.Min, rep.Max = 0, 1
		case n.Op.Op != "":
			rep.Min, rep.Max = b.bounds(n.Op.Op, b.pos(n.Op.Pos))
		default:
			rep.Min, rep.Max = b.tilde(n.Op.Lo, n.Op.Hi, b.pos(n.Op.Pos))
		}
		x = rep
	}
	if n.Not {
		if !c.terminal {
			b.errorf(b.pos(n.Pos), grammar.ErrSyntax, "~ (complement) is only allowed in terminal definitions (uppercase names), not in rule %s", c.def)
			return x
		}
		x = &grammar.Not{X: x, Within: anyString(b.pos(n.Pos)), Pos: b.pos(n.Pos)}
	}
	return x
}

// anyString matches every string of code points.
func anyString(pos grammar.Pos) grammar.Expr {
	return &grammar.Repeat{X: &grammar.Class{Negated: true, Pos: pos}, Min: 0, Max: grammar.Unbounded, Pos: pos}
}

// isAnyString reports whether e is anyString.
func isAnyString(e grammar.Expr) bool {
	r, ok := e.(*grammar.Repeat)
	if !ok || r.Min != 0 || r.Max != grammar.Unbounded {
		return false
	}
	c, ok := r.X.(*grammar.Class)
	return ok && c.Negated && len(c.Ranges) == 0
}

// tilde decodes x ~ n and x ~ m..n.
func (b *builder) tilde(lo, hi string, pos grammar.Pos) (int, int) {
	m, err1 := strconv.Atoi(lo)
	n := m
	var err2 error
	if hi != "" {
		n, err2 = strconv.Atoi(hi)
	}
	switch {
	case err1 != nil || err2 != nil || m > grammar.MaxRepeatBound || n > grammar.MaxRepeatBound:
		b.errorf(pos, grammar.ErrBadRepeat, "repetition count exceeds the limit %d", grammar.MaxRepeatBound)
		return 0, 0
	case n < m:
		b.errorf(pos, grammar.ErrBadRepeat, "bad repetition ~ %d..%d: maximum %d is less than minimum %d", m, n, n, m)
		return 0, 0
	}
	return m, n
}

// bounds decodes {n}, {m,}, {m,n} and {,n}.
func (b *builder) bounds(s string, pos grammar.Pos) (lo, hi int) {
	bad := func(format string, args ...any) (int, int) {
		b.errorf(pos, grammar.ErrBadRepeat, "bad repetition %s: "+format, append([]any{s}, args...)...)
		return 0, 0
	}
	mstr, nstr, comma := strings.Cut(s[1:len(s)-1], ",")
	if strings.Contains(nstr, ",") {
		return bad("want {n}, {m,}, {m,n} or {,n}")
	}
	m, mok := count(mstr)
	n, nok := count(nstr)
	switch {
	case !mok || !nok:
		return bad("want {n}, {m,}, {m,n} or {,n}")
	case !comma:
		lo, hi = m, m
	default:
		lo, hi = max(m, 0), n
		if n < 0 {
			hi = grammar.Unbounded
		}
	}
	if lo > grammar.MaxRepeatBound || hi > grammar.MaxRepeatBound {
		return bad("count exceeds the limit %d", grammar.MaxRepeatBound)
	}
	if hi != grammar.Unbounded && hi < lo {
		return bad("maximum %d is less than minimum %d", hi, lo)
	}
	return lo, hi
}

// count parses a repetition count between blanks: -1 if there is none,
// and a huge number if it overflows.
func count(s string) (int, bool) {
	s = strings.Trim(s, " \t")
	if s == "" {
		return -1, true
	}
	if strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		n = grammar.MaxRepeatBound + 1
	}
	return n, true
}

// lexeme wraps an expression that Lark treats as a lexeme (a string, a
// regular expression, a terminal, a special token, %json or %regex) when it
// appears in a rule: what %ignore allows may follow it.
func (b *builder) lexeme(e grammar.Expr, c ctx) grammar.Expr {
	if c.terminal || !b.names[ignoreRule] {
		return e
	}
	return &grammar.Seq{Items: []grammar.Expr{e, &grammar.Ref{Name: ignoreRule, Pos: e.Position()}}, Pos: e.Position()}
}

func (b *builder) atom(n *atomNode, c ctx, depth int) grammar.Expr {
	pos := b.pos(n.Pos)
	if depth > MaxDepth {
		if !b.tooDeep {
			b.tooDeep = true
			b.errorf(pos, grammar.ErrTooLarge, "expression nested more than %d deep", MaxDepth)
		}
		return &grammar.Seq{Pos: pos}
	}
	switch {
	case n.Group != nil:
		x := b.exps(n.Group, c, depth+1)
		switch x := x.(type) {
		case *grammar.Seq:
			x.Pos = pos
		case *grammar.Alt:
			x.Pos = pos
		}
		return x
	case n.Optional != nil:
		return &grammar.Repeat{X: b.exps(n.Optional, c, depth+1), Min: 0, Max: 1, Pos: pos}
	case n.Str != "" && n.RangeHi != "":
		return b.lexeme(b.charRange(n.Str, n.RangeHi, n.Pos), c)
	case n.Str != "":
		return b.lexeme(b.str(n.Str, n.Pos), c)
	case n.Regex != "":
		return b.lexeme(b.regexLit(n.Regex, n.Pos), c)
	case n.Name != "":
		return b.name(n, c)
	case n.Token != "":
		if c.terminal {
			b.errorf(pos, grammar.ErrBadToken, "special token %s cannot be used in terminal %s: tokens are not text; use it in a rule", n.Token, c.def)
			return &grammar.Seq{Pos: pos}
		}
		return b.lexeme(b.token(n.Token, n.Pos), c)
	case n.JSON != "":
		if c.terminal {
			b.errorf(pos, grammar.ErrSyntax, "%%json cannot be used in terminal %s: JSON is not regular; use it in a rule", c.def)
			return &grammar.Seq{Pos: pos}
		}
		return b.lexeme(b.jsonSchema(n.JSON, pos), c)
	case n.RegexObj != "":
		return b.lexeme(b.regexObject(n.RegexObj, pos), c)
	case n.RegexLit != "":
		return b.lexeme(b.regexLit(n.RegexLit, n.Pos), c)
	}
	return &grammar.Seq{Pos: pos}
}

func (b *builder) name(n *atomNode, c ctx) grammar.Expr {
	pos := b.pos(n.Pos)
	ref := &grammar.Ref{Name: n.Name, Pos: pos}
	kind := kindOf(n.Name)
	d := b.defs[n.Name]
	switch {
	case n.Template:
		b.errorf(pos, ErrUnsupported, "templates (%s{...}) are not supported", n.Name)
	case kind == badName:
		b.errorf(pos, grammar.ErrSyntax, "bad name %q: rule names are lowercase, terminal names uppercase", n.Name)
	case kind == ruleName && c.terminal:
		b.errorf(pos, grammar.ErrSyntax, "terminal %s refers to rule %s: terminals can only use strings, regular expressions and other terminals", c.def, n.Name)
	case d == nil && kind == termName:
		if _, ok := commonTerminals[n.Name]; ok {
			b.errorf(pos, grammar.ErrUndefinedRule, "undefined terminal %s (add %%import common.%s)", n.Name, n.Name)
		} else {
			b.errorf(pos, grammar.ErrUndefinedRule, "undefined terminal %s", n.Name)
		}
	case d == nil:
		b.errorf(pos, grammar.ErrUndefinedRule, "undefined rule %s", n.Name)
	case kind == termName:
		return b.lexeme(ref, c)
	}
	return ref
}

// Literals. Strings take Lark's escapes: \\ \" \n \r \t \f and \xHH,
// \uHHHH, \UHHHHHHHH (code points); a trailing i makes them
// case-insensitive.

// at returns the position of byte i of the token tok that starts at start.
func (b *builder) at(start lexer.Position, tok string, i int) grammar.Pos {
	start.Advance(tok[:i])
	return b.pos(start)
}

// char decodes one character, possibly escaped, at the start of s.
func char(s string) (r rune, n int, msg string) {
	r, n = utf8.DecodeRuneInString(s)
	if r != '\\' {
		return r, n, ""
	}
	if len(s) < 2 {
		return 0, 1, `unfinished escape sequence "\"`
	}
	e, en := utf8.DecodeRuneInString(s[1:])
	switch e {
	case 'n':
		return '\n', 2, ""
	case 'r':
		return '\r', 2, ""
	case 't':
		return '\t', 2, ""
	case 'f':
		return '\f', 2, ""
	case '\\', '"':
		return e, 2, ""
	case 'x', 'u', 'U':
		digits := map[rune]int{'x': 2, 'u': 4, 'U': 8}[e]
		hex := s[2:min(len(s), 2+digits)]
		if len(hex) < digits || strings.Trim(hex, "0123456789abcdefABCDEF") != "" {
			return 0, 2, fmt.Sprintf(`escape \%c must be followed by %d hex digits`, e, digits)
		}
		v, _ := strconv.ParseUint(hex, 16, 32)
		if v > utf8.MaxRune {
			return 0, 2 + digits, fmt.Sprintf(`escape \%s is beyond U+10FFFF`, s[1:2+digits])
		}
		if 0xD800 <= v && v <= 0xDFFF {
			return 0, 2 + digits, fmt.Sprintf(`escape \%s is a surrogate half, not a character`, s[1:2+digits])
		}
		return rune(v), 2 + digits, ""
	}
	return 0, 1 + en, fmt.Sprintf(`unknown escape sequence %s (write \\ for a backslash)`, strconv.Quote(s[:1+en]))
}

// unquote decodes tok[off:end], the body of a string literal.
func (b *builder) unquote(tok string, off, end int, start lexer.Position) (string, bool) {
	var sb strings.Builder
	for i := off; i < end; {
		r, n, msg := char(tok[i:end])
		if msg != "" {
			b.errorf(b.at(start, tok, i), grammar.ErrSyntax, "%s", msg)
			return "", false
		}
		sb.WriteRune(r)
		i += n
	}
	return sb.String(), true
}

func (b *builder) str(tok string, start lexer.Position) grammar.Expr {
	pos := b.pos(start)
	fold := strings.HasSuffix(tok, "i")
	end := len(tok) - 1
	if fold {
		end--
	}
	s, _ := b.unquote(tok, 1, end, start)
	if fold {
		return foldString(s, pos)
	}
	return &grammar.Bytes{B: []byte(s), Pos: pos}
}

// foldString matches s case-insensitively: each character that has other
// case forms (its unicode.SimpleFold orbit) becomes a class of them.
func foldString(s string, pos grammar.Pos) grammar.Expr {
	var items []grammar.Expr
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			items = append(items, &grammar.Bytes{B: lit, Pos: pos})
			lit = nil
		}
	}
	for _, r := range s {
		orbit := []rune{r}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			orbit = append(orbit, f)
		}
		if len(orbit) == 1 {
			lit = utf8.AppendRune(lit, r)
			continue
		}
		flush()
		c := &grammar.Class{Pos: pos}
		for _, o := range orbit {
			c.Ranges = append(c.Ranges, grammar.Range{Lo: o, Hi: o})
		}
		c.Ranges = grammar.NormalizeRanges(c.Ranges)
		items = append(items, c)
	}
	flush()
	switch len(items) {
	case 0:
		return &grammar.Bytes{Pos: pos}
	case 1:
		return items[0]
	}
	return &grammar.Seq{Items: items, Pos: pos}
}

// charRange decodes "a".."z".
func (b *builder) charRange(lo, hi string, start lexer.Position) grammar.Expr {
	pos := b.pos(start)
	if strings.HasSuffix(lo, "i") || strings.HasSuffix(hi, "i") {
		b.errorf(pos, grammar.ErrBadClass, "a character range cannot be case-insensitive")
		return &grammar.Seq{Pos: pos}
	}
	one := func(tok string) (rune, bool) {
		s, ok := b.unquote(tok, 1, len(tok)-1, start)
		if !ok {
			return 0, false
		}
		if utf8.RuneCountInString(s) != 1 {
			b.errorf(pos, grammar.ErrBadClass, "range bound %s must be one character", tok)
			return 0, false
		}
		r, _ := utf8.DecodeRuneInString(s)
		return r, true
	}
	l, ok1 := one(lo)
	h, ok2 := one(hi)
	if !ok1 || !ok2 {
		return &grammar.Seq{Pos: pos}
	}
	if h < l {
		b.errorf(pos, grammar.ErrBadClass, "bad range %s..%s: %U is after %U", lo, hi, l, h)
		return &grammar.Seq{Pos: pos}
	}
	if l == h {
		return &grammar.Bytes{B: utf8.AppendRune(nil, l), Pos: pos}
	}
	return &grammar.Class{Ranges: grammar.NormalizeRanges([]grammar.Range{{Lo: l, Hi: h}}), Pos: pos}
}

// token decodes <name>, <[ids]>, <[^ids]> and <[*]>. Ids are numbers or
// inclusive ranges n-m; as an extension, quoted token texts may be listed
// too: <[128000, "<|eot_id|>"]>.
func (b *builder) token(tok string, start lexer.Position) grammar.Expr {
	t := &grammar.Token{Pos: b.pos(start)}
	if !strings.HasPrefix(tok, "<[") {
		t.Names = []string{tok}
		return t
	}
	i, end := 2, len(tok)-2
	bad := func(format string, args ...any) grammar.Expr {
		b.errorf(b.at(start, tok, i), grammar.ErrBadToken, format, args...)
		return t
	}
	skip := func() {
		for i < end && (tok[i] == ' ' || tok[i] == '\t') {
			i++
		}
	}
	skip()
	if i < end && tok[i] == '*' {
		i++
		skip()
		if i != end {
			return bad("<[*]> takes nothing else")
		}
		t.Negated = true
		return t
	}
	if i < end && tok[i] == '^' {
		t.Negated = true
		i++
		skip()
	}
	number := func() (int64, bool) {
		j := i
		for j < end && '0' <= tok[j] && tok[j] <= '9' {
			j++
		}
		id, err := strconv.ParseInt(tok[i:j], 10, 32)
		if err != nil {
			return 0, false
		}
		i = j
		return id, true
	}
	total := 0
	for i < end {
		switch c := tok[i]; {
		case '0' <= c && c <= '9':
			lo, ok := number()
			if !ok {
				return bad("token id out of range")
			}
			hi := lo
			skip()
			if i < end && tok[i] == '-' {
				i++
				skip()
				if i >= end || tok[i] < '0' || tok[i] > '9' {
					return bad("want a token id after \"-\"")
				}
				if hi, ok = number(); !ok {
					return bad("token id out of range")
				}
				if hi < lo {
					return bad("bad token range %d-%d", lo, hi)
				}
			}
			total += int(hi - lo + 1)
			if total > MaxTokenIDs {
				return bad("more than %d token ids", MaxTokenIDs)
			}
			for id := lo; id <= hi; id++ {
				t.IDs = append(t.IDs, int32(id))
			}
		case c == '"':
			j := i + 1
			for j < end && tok[j] != '"' {
				if tok[j] == '\\' {
					j++
				}
				j++
			}
			if j >= end {
				return bad("unterminated token text")
			}
			name, ok := b.unquote(tok, i+1, j, start)
			if !ok {
				return t
			}
			if name == "" {
				return bad("empty token text")
			}
			t.Names = append(t.Names, name)
			i = j + 1
		default:
			return bad("want a token id, a range id-id or a quoted token text")
		}
		skip()
		if i < end {
			if tok[i] != ',' {
				return bad(`want "," between tokens`)
			}
			i++
			skip()
			if i == end {
				return bad(`want a token after ","`)
			}
		}
	}
	return t
}
