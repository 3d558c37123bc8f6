package ebnf

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/gramc/gramc/grammar"
)

// Limits on the input that Parse accepts; beyond them it reports
// grammar.ErrTooLarge.
const (
	MaxSize   = 8 << 20   // bytes of source
	MaxDepth  = 1000      // nesting of parentheses and repetition operators
	MaxTokens = 1_000_000 // lexical tokens (names, literals, operators)
)

// Parse parses GBNF source into a grammar whose start rule is "root", and
// validates it with grammar.Validate. On error it returns a nil grammar and
// either a *grammar.Error or a grammar.ErrorList, each error formatted
// "file:line:col: message". Parse never panics.
func Parse(filename string, src []byte) (*grammar.Grammar, error) {
	p := &parser{file: filename, src: src}
	g := p.parse()
	if len(p.errs) > 0 {
		return nil, p.errs.Err()
	}
	if err := grammar.ValidateFile(g, filename); err != nil {
		return nil, err
	}
	return g, nil
}

// The lexer. Rules are tried in order; the first that matches wins.
// Lower-case rules are dropped from the token stream.
var gbnfLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "comment", Pattern: `#[^\n]*`},
	{Name: "whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "Define", Pattern: `::=`},
	{Name: "Ident", Pattern: `[a-zA-Z0-9_-]+`},
	{Name: "String", Pattern: `"(?:[^"\\]|\\(?s:.))*"`},
	{Name: "Class", Pattern: `\[(?:[^\]\\]|\\(?s:.))*\]`},
	{Name: "Repeat", Pattern: `\{[ \t0-9,]*\}`},
	// <[id]>, <[id, "text", ...]> or <text>, optionally negated with "!".
	{Name: "Token", Pattern: `!?<(?:\[(?:[^\]"\n]|"(?:[^"\\\n]|\\.)*")*\]|[^\[>\n][^>\n]*)>`},
	{Name: "Punct", Pattern: `[()|*+?.]`},
})

// The syntax tree that participle fills in.

type fileNode struct {
	Rules []*ruleNode `parser:"@@*"`
}

type ruleNode struct {
	Pos  lexer.Position
	Name string   `parser:"@Ident '::='"`
	Body *altNode `parser:"@@"`
}

// altNode is an alternation; any of its branches may be empty.
type altNode struct {
	Pos      lexer.Position
	First    []*itemNode   `parser:"@@*"`
	Branches []*branchNode `parser:"@@*"`
}

type branchNode struct {
	Pos   lexer.Position
	Items []*itemNode `parser:"'|' @@*"`
}

type itemNode struct {
	Atom *atomNode `parser:"@@"`
	Ops  []*opNode `parser:"@@*"`
}

type opNode struct {
	Pos lexer.Position
	Op  string `parser:"@('*' | '+' | '?' | Repeat)"`
}

type atomNode struct {
	Pos   lexer.Position
	Ref   string   `parser:"  (?! Ident '::=') @Ident"`
	Str   string   `parser:"| @String"`
	Class string   `parser:"| @Class"`
	Any   bool     `parser:"| @'.'"`
	Token string   `parser:"| @Token"`
	Group *altNode `parser:"| '(' @@ ')'"`
}

var gbnfParser = participle.MustBuild[fileNode](participle.Lexer(gbnfLexer))

type parser struct {
	file    string
	src     []byte
	toks    []lexer.Token // from check
	eof     lexer.Token
	errs    grammar.ErrorList
	tooDeep bool
}

func (p *parser) errorf(pos grammar.Pos, code grammar.ErrorCode, format string, args ...any) {
	p.errs = append(p.errs, grammar.Errorf(pos, code, format, args...))
}

func (p *parser) pos(lp lexer.Position) grammar.Pos {
	return grammar.Pos{File: p.file, Line: lp.Line, Column: lp.Column}
}

func (p *parser) parse() *grammar.Grammar {
	if len(p.src) > MaxSize {
		p.errorf(grammar.Pos{File: p.file}, grammar.ErrTooLarge, "source is %d bytes, more than the limit %d", len(p.src), MaxSize)
		return nil
	}
	if !utf8.Valid(p.src) {
		i := 0
		for i < len(p.src) {
			r, n := utf8.DecodeRune(p.src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		p.errorf(p.offsetPos(i), grammar.ErrInvalidUTF8, "invalid UTF-8 byte 0x%02X", p.src[i])
		return nil
	}
	src := string(p.src)
	if !p.check(src) {
		return nil
	}
	peek, err := lexer.Upgrade(&tokenList{toks: p.toks, eof: p.eof})
	if err != nil {
		p.syntaxError(err)
		return nil
	}
	ast, err := runParser(peek)
	if err != nil {
		p.syntaxError(err)
		return nil
	}
	g := &grammar.Grammar{Root: "root"}
	for _, r := range ast.Rules {
		g.Rules = append(g.Rules, &grammar.Rule{
			Name: r.Name,
			Body: p.alt(r.Body, 0),
			Pos:  p.pos(r.Pos),
		})
	}
	return g
}

// runParser runs participle. It turns a panic inside participle (there
// should be none) into an error, so that Parse never panics.
func runParser(peek *lexer.PeekingLexer) (ast *fileNode, err error) {
	defer func() {
		if r := recover(); r != nil {
			ast, err = nil, fmt.Errorf("internal parser error: %v", r)
		}
	}()
	return gbnfParser.ParseFromLexer(peek)
}

// offsetPos returns the position of byte offset off in the source. Columns
// count code points, as participle's do.
func (p *parser) offsetPos(off int) grammar.Pos {
	before := p.src[:off]
	line := 1 + strings.Count(string(before), "\n")
	if i := strings.LastIndexByte(string(before), '\n'); i >= 0 {
		before = before[i+1:]
	}
	return grammar.Pos{File: p.file, Line: line, Column: 1 + utf8.RuneCount(before)}
}

// check lexes src before the real parse to report lexical errors precisely
// and to enforce the size limits, so that the recursive parser never sees
// deeply nested input. It reports whether src passed.
func (p *parser) check(src string) bool {
	lex, err := gbnfLexer.LexString(p.file, src)
	if err != nil {
		p.errorf(grammar.Pos{File: p.file}, grammar.ErrSyntax, "%v", err)
		return false
	}
	var open []lexer.Position // unclosed "("
	for n := 0; ; n++ {
		tok, err := lex.Next()
		if err != nil {
			var perr participle.Error
			if errors.As(err, &perr) {
				p.lexError(perr.Position().Offset)
			} else {
				p.errorf(grammar.Pos{File: p.file}, grammar.ErrSyntax, "%v", err)
			}
			return false
		}
		if tok.EOF() {
			p.eof = tok
			break
		}
		if n >= MaxTokens {
			p.errorf(p.pos(tok.Pos), grammar.ErrTooLarge, "grammar has more than %d tokens", MaxTokens)
			return false
		}
		p.toks = append(p.toks, tok)
		switch tok.Value {
		case "(":
			open = append(open, tok.Pos)
			if len(open) > MaxDepth {
				p.errorf(p.pos(tok.Pos), grammar.ErrTooLarge, "parentheses nested more than %d deep", MaxDepth)
				return false
			}
		case ")":
			if len(open) == 0 {
				p.errorf(p.pos(tok.Pos), grammar.ErrSyntax, `unexpected ")" without matching "("`)
				return false
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		p.errorf(p.pos(open[0]), grammar.ErrSyntax, `unclosed "("`)
		return false
	}
	return true
}

// tokenList replays the tokens that check collected.
type tokenList struct {
	toks []lexer.Token
	eof  lexer.Token
}

func (l *tokenList) Next() (lexer.Token, error) {
	if len(l.toks) == 0 {
		return l.eof, nil
	}
	t := l.toks[0]
	l.toks = l.toks[1:]
	return t, nil
}

// lexError reports the input at byte offset off, where no token matches.
func (p *parser) lexError(off int) {
	pos := p.offsetPos(off)
	rest := string(p.src[off:])
	r, _ := utf8.DecodeRuneInString(rest)
	switch {
	case r == '"':
		p.errorf(pos, grammar.ErrSyntax, "unterminated string literal")
	case r == '[':
		p.errorf(pos, grammar.ErrSyntax, "unterminated character class")
	case r == '{':
		p.errorf(pos, grammar.ErrBadRepeat, "malformed repetition: want {m}, {m,}, {m,n} or {,n}")
	case r == '<' || strings.HasPrefix(rest, "!<"):
		p.errorf(pos, grammar.ErrBadToken, "malformed token reference: want <[id]>, <text> or <[id, \"text\", ...]>")
	case r == '!':
		p.errorf(pos, grammar.ErrBadToken, `"!" must be followed by a token reference such as <[id]> or <text>`)
	case r == ':' || r == '=':
		p.errorf(pos, grammar.ErrSyntax, "unexpected %q: rules are defined with \"::=\"", r)
	default:
		p.errorf(pos, grammar.ErrSyntax, "unexpected character %q", r)
	}
}

// syntaxError converts an error from participle.
func (p *parser) syntaxError(err error) {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		tok := ute.Unexpected
		pos := p.pos(tok.Pos)
		i := p.tokenIndex(tok.Pos.Offset)
		switch {
		case tok.EOF():
			p.errorf(pos, grammar.ErrSyntax, "unexpected end of input")
		case tok.Value == "::=":
			p.errorf(pos, grammar.ErrSyntax, `missing rule name before "::="`)
		case i > 0 && strings.Contains(ute.Message(), `(expected "::="`):
			p.errorf(pos, grammar.ErrSyntax, `missing "::=" after rule name %q`, p.toks[i-1].Value)
		case i == 0:
			p.errorf(pos, grammar.ErrSyntax, "unexpected %s: want a rule, name ::= body", describe(tok.Value))
		case i+1 < len(p.toks) && p.toks[i+1].Value == "::=":
			p.errorf(pos, grammar.ErrSyntax, `rule %q defined inside parentheses (missing ")"?)`, tok.Value)
		case isOperator(tok.Value):
			p.errorf(pos, grammar.ErrSyntax, "repetition operator %s must follow an expression", describe(tok.Value))
		default:
			p.errorf(pos, grammar.ErrSyntax, "unexpected %s", describe(tok.Value))
		}
		return
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		pos := p.pos(perr.Position())
		if strings.HasPrefix(perr.Message(), "too many iterations") {
			p.errorf(pos, grammar.ErrTooLarge, "grammar too large: %s", perr.Message())
			return
		}
		p.errorf(pos, grammar.ErrSyntax, "%s", perr.Message())
		return
	}
	p.errorf(grammar.Pos{File: p.file}, grammar.ErrSyntax, "%v", err)
}

// tokenIndex returns the index in p.toks of the token at byte offset off,
// or -1.
func (p *parser) tokenIndex(off int) int {
	i, ok := slices.BinarySearchFunc(p.toks, off, func(t lexer.Token, off int) int { return cmp.Compare(t.Pos.Offset, off) })
	if !ok {
		return -1
	}
	return i
}

func isOperator(s string) bool {
	return s == "*" || s == "+" || s == "?" || strings.HasPrefix(s, "{")
}

// describe quotes a token for an error message, shortening long ones.
func describe(s string) string {
	if utf8.RuneCountInString(s) > 24 {
		s = string([]rune(s)[:20]) + "..."
	}
	return strconv.Quote(s)
}

// Building the grammar from the syntax tree. depth counts the enclosing
// parentheses and repetition operators.

func (p *parser) alt(n *altNode, depth int) grammar.Expr {
	if n == nil {
		return &grammar.Seq{}
	}
	first := p.seq(n.First, p.pos(n.Pos), depth)
	if len(n.Branches) == 0 {
		return first
	}
	alts := []grammar.Expr{first}
	for _, b := range n.Branches {
		alts = append(alts, p.seq(b.Items, p.pos(b.Pos), depth))
	}
	return &grammar.Alt{Alts: alts, Pos: p.pos(n.Pos)}
}

// seq builds a sequence; pos is where an empty one is.
func (p *parser) seq(items []*itemNode, pos grammar.Pos, depth int) grammar.Expr {
	switch len(items) {
	case 0:
		return &grammar.Seq{Pos: pos}
	case 1:
		return p.item(items[0], depth)
	}
	s := &grammar.Seq{}
	for _, it := range items {
		s.Items = append(s.Items, p.item(it, depth))
	}
	s.Pos = s.Items[0].Position()
	return s
}

func (p *parser) item(n *itemNode, depth int) grammar.Expr {
	x := p.atom(n.Atom, depth+len(n.Ops))
	for _, op := range n.Ops {
		rep := &grammar.Repeat{X: x, Pos: p.pos(n.Atom.Pos)}
		switch op.Op {
		case "*":
			rep.Min, rep.Max = 0, grammar.Unbounded
		case "+":
			rep.Min, rep.Max = 1, grammar.Unbounded
		case "?":
			rep.Min, rep.Max = 0, 1
		default:
			rep.Min, rep.Max = p.bounds(op.Op, p.pos(op.Pos))
		}
		x = rep
	}
	return x
}

// bounds parses a repetition {m}, {m,}, {m,n} or {,n} (spaces allowed).
func (p *parser) bounds(s string, pos grammar.Pos) (lo, hi int) {
	bad := func(format string, args ...any) (int, int) {
		p.errorf(pos, grammar.ErrBadRepeat, "bad repetition %s: "+format, append([]any{s}, args...)...)
		return 0, 0
	}
	mstr, nstr, comma := strings.Cut(s[1:len(s)-1], ",")
	m, mok := count(mstr)
	n, nok := count(nstr)
	switch {
	case !mok || !nok:
		return bad("want {m}, {m,}, {m,n} or {,n}")
	case !comma && m < 0:
		return bad("missing count")
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

// count parses a repetition count between spaces: -1 if there is none, and
// math.MaxInt if it overflows.
func count(s string) (n int, ok bool) {
	s = strings.Trim(s, " \t")
	if s == "" {
		return -1, true
	}
	if strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		n = math.MaxInt
	}
	return n, true
}

func (p *parser) atom(n *atomNode, depth int) grammar.Expr {
	pos := p.pos(n.Pos)
	if depth > MaxDepth {
		if !p.tooDeep {
			p.tooDeep = true
			p.errorf(pos, grammar.ErrTooLarge, "expression nested more than %d deep", MaxDepth)
		}
		return &grammar.Seq{Pos: pos}
	}
	switch {
	case n.Ref != "":
		return &grammar.Ref{Name: n.Ref, Pos: pos}
	case n.Str != "":
		return p.str(n.Str, n.Pos)
	case n.Class != "":
		return p.class(n.Class, n.Pos)
	case n.Any:
		return &grammar.Class{Negated: true, Pos: pos}
	case n.Token != "":
		return p.token(n.Token, n.Pos)
	case n.Group != nil:
		x := p.alt(n.Group, depth+1)
		switch x := x.(type) {
		case *grammar.Seq:
			x.Pos = pos
		case *grammar.Alt:
			x.Pos = pos
		}
		return x
	}
	return &grammar.Seq{Pos: pos}
}

// Literals. The helpers below take the token text and its position and
// report errors at the offending character.

// at returns the position of byte i of the token tok that starts at start.
func (p *parser) at(start lexer.Position, tok string, i int) grammar.Pos {
	start.Advance(tok[:i])
	return p.pos(start)
}

// char decodes one character, possibly escaped, at the start of s. It
// returns the code point, its length in bytes, and an error message.
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
	case '\\', '"', '\'', '[', ']':
		return e, 2, ""
	case 'x', 'u', 'U':
		digits := 2
		switch e {
		case 'u':
			digits = 4
		case 'U':
			digits = 8
		}
		hex := s[2:min(len(s), 2+digits)]
		if len(hex) < digits || strings.Trim(hex, "0123456789abcdefABCDEF") != "" {
			return 0, 2, fmt.Sprintf(`escape \%c must be followed by %d hex digits`, e, digits)
		}
		v, _ := strconv.ParseUint(hex, 16, 32)
		if v > utf8.MaxRune {
			return 0, 2 + digits, fmt.Sprintf(`escape \%s is beyond U+10FFFF`, s[1:2+digits])
		}
		return rune(v), 2 + digits, ""
	}
	return 0, 1 + en, fmt.Sprintf("unknown escape sequence %s", strconv.Quote(s[:1+en]))
}

func isSurrogate(r rune) bool { return 0xD800 <= r && r <= 0xDFFF }

// unquote decodes the body of a string literal (between the quotes) that
// starts at byte off of tok.
func (p *parser) unquote(tok string, off, end int, start lexer.Position) (string, bool) {
	var b strings.Builder
	for i := off; i < end; {
		r, n, msg := char(tok[i:end])
		if msg == "" && isSurrogate(r) {
			msg = fmt.Sprintf(`escape %s is a surrogate half, not a character`, tok[i:i+n])
		}
		if msg != "" {
			p.errorf(p.at(start, tok, i), grammar.ErrSyntax, "%s", msg)
			return "", false
		}
		b.WriteRune(r)
		i += n
	}
	return b.String(), true
}

func (p *parser) str(tok string, start lexer.Position) grammar.Expr {
	s, _ := p.unquote(tok, 1, len(tok)-1, start)
	return &grammar.Bytes{B: []byte(s), Pos: p.pos(start)}
}

// class decodes [...] the way llama.cpp does: a character followed by "-"
// and anything but the closing "]" starts a range.
func (p *parser) class(tok string, start lexer.Position) grammar.Expr {
	c := &grammar.Class{Pos: p.pos(start)}
	i, end := 1, len(tok)-1
	if i < end && tok[i] == '^' {
		c.Negated = true
		i++
	}
	for i < end {
		lo, n, msg := char(tok[i:end])
		if msg != "" {
			p.errorf(p.at(start, tok, i), grammar.ErrSyntax, "%s", msg)
			return c
		}
		i += n
		hi := lo
		if i+1 < end && tok[i] == '-' {
			hi, n, msg = char(tok[i+1 : end])
			if msg != "" {
				p.errorf(p.at(start, tok, i+1), grammar.ErrSyntax, "%s", msg)
				return c
			}
			i += 1 + n
		}
		c.Ranges = append(c.Ranges, grammar.Range{Lo: lo, Hi: hi})
	}
	return c
}

// token decodes <[id]>, <text> and the token set <[id, "text", ...]>,
// each optionally preceded by "!".
func (p *parser) token(tok string, start lexer.Position) grammar.Expr {
	t := &grammar.Token{Pos: p.pos(start)}
	i := 0
	if tok[0] == '!' {
		t.Negated = true
		i = 1
	}
	if !strings.HasPrefix(tok[i:], "<[") {
		t.Names = []string{tok[i:]}
		return t
	}
	i += 2
	end := len(tok) - 2 // before "]>"
	skip := func() {
		for i < end && (tok[i] == ' ' || tok[i] == '\t') {
			i++
		}
	}
	bad := func(format string, args ...any) grammar.Expr {
		p.errorf(p.at(start, tok, i), grammar.ErrBadToken, format, args...)
		return t
	}
	skip()
	for i < end {
		switch c := tok[i]; {
		case '0' <= c && c <= '9':
			j := i
			for j < end && '0' <= tok[j] && tok[j] <= '9' {
				j++
			}
			id, err := strconv.ParseInt(tok[i:j], 10, 32)
			if err != nil {
				return bad("token id %s out of range", tok[i:j])
			}
			t.IDs = append(t.IDs, int32(id))
			i = j
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
			name, ok := p.unquote(tok, i+1, j, start)
			if !ok {
				return t
			}
			if name == "" {
				return bad("empty token text")
			}
			t.Names = append(t.Names, name)
			i = j + 1
		default:
			return bad("want a token id or a quoted token text")
		}
		skip()
		if i < end {
			if tok[i] != ',' {
				return bad(`want "," between tokens`)
			}
			i++
			skip()
			if i == end {
				return bad("want a token id or a quoted token text after \",\"")
			}
		}
	}
	return t
}
