package grammar_test

import (
	"errors"
	"strings"
	"testing"

	. "github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
)

func ref(name string) *Ref { return &Ref{Name: name} }

func seq(items ...Expr) *Seq { return &Seq{Items: items} }

func alt(alts ...Expr) *Alt { return &Alt{Alts: alts} }

func rep(x Expr, min, max int) *Repeat { return &Repeat{X: x, Min: min, Max: max} }

func class(negated bool, rs ...rune) *Class {
	c := &Class{Negated: negated}
	for i := 0; i+1 < len(rs); i += 2 {
		c.Ranges = append(c.Ranges, Range{Lo: rs[i], Hi: rs[i+1]})
	}
	return c
}

var formatTests = []struct {
	e    Expr
	want string
}{
	// Literals.
	{Lit("abc"), `"abc"`},
	{Lit(""), `""`},
	{Lit(`"\`), `"\"\\"`},
	{Lit("\n\r\t"), `"\n\r\t"`},
	{Lit("\x00\x1f\x7f"), `"\x00\x1F\x7F"`},
	{Lit("\u0085\u00a0é"), `"\x85\xA0é"`},
	{Lit("\u2028\ufeff"), `"\u2028\uFEFF"`},
	{Lit("\U000E0001"), `"\U000E0001"`},
	{Lit("日本😀 '[]#"), `"日本😀 '[]#"`},

	// Classes.
	{class(false, 'a', 'z'), `[a-z]`},
	{class(true, 'a', 'z', '0', '0'), `[^a-z0]`},
	{class(true), `.`},
	{class(false), `[]`},
	{class(false, ']', ']', '\\', '\\', '[', '[', '"', '"'), `[\]\\["]`},
	{class(false, '-', '-'), `[-]`},
	{class(false, '-', '-', 'a', 'a'), `[-a]`},
	{class(false, 'a', 'a', '-', '-'), `[a-]`},
	{class(false, 'a', 'a', '-', '-', 'b', 'b'), `[a\x2Db]`},
	{class(false, '-', '/'), `[--/]`},
	{class(false, '!', '-'), `[!--]`},
	{class(false, '!', '-', 'a', 'a'), `[!-\x2Da]`},
	{class(false, '^', '^'), `[\x5E]`},
	{class(false, '^', 'a'), `[\x5E-a]`},
	{class(false, 'a', 'a', '^', '^'), `[a^]`},
	{class(true, '^', '^'), `[^^]`},
	{class(false, '\n', '\n', '\t', '\t', ' ', ' '), `[\n\t ]`},
	{class(false, 0, 0x1f, 0xd800, 0xdfff, 0x10ffff, 0x10ffff), `[\x00-\x1F\uD800-\uDFFF\U0010FFFF]`},

	// Operators and precedence.
	{seq(ref("a"), ref("b")), `a b`},
	{alt(ref("a"), ref("b")), `a | b`},
	{seq(alt(ref("a"), ref("b")), ref("c")), `(a | b) c`},
	{alt(seq(ref("a"), ref("b")), ref("c")), `a b | c`},
	{seq(seq(ref("a"), ref("b")), ref("c")), `(a b) c`},
	{alt(alt(ref("a"), ref("b")), ref("c")), `(a | b) | c`},
	{rep(ref("a"), 0, Unbounded), `a*`},
	{rep(ref("a"), 1, Unbounded), `a+`},
	{rep(ref("a"), 0, 1), `a?`},
	{rep(ref("a"), 3, 3), `a{3}`},
	{rep(ref("a"), 3, Unbounded), `a{3,}`},
	{rep(ref("a"), 0, 5), `a{0,5}`},
	{rep(ref("a"), 2, 5), `a{2,5}`},
	{rep(ref("a"), 0, 0), `a{0}`},
	{rep(rep(ref("a"), 0, Unbounded), 0, 1), `a*?`},
	{rep(seq(ref("a"), ref("b")), 1, Unbounded), `(a b)+`},
	{rep(alt(ref("a"), ref("b")), 0, 1), `(a | b)?`},
	{rep(class(true), 0, Unbounded), `.*`},

	// ε and the forms that have no exact GBNF spelling.
	{seq(), `()`},
	{alt(seq(), Lit(" ")), `| " "`},
	{alt(Lit(" "), seq()), `" " |`},
	{alt(seq(), seq(), ref("a")), `| | a`},
	{alt(ref("a"), seq(), ref("b")), `a | | b`},
	{seq(ref("a"), seq(), ref("b")), `a () b`},
	{rep(seq(), 0, Unbounded), `()*`},
	{seq(ref("a"), alt(seq(), ref("b"))), `a (| b)`},
	{seq(ref("a")), `a`},
	{seq(ref("a"), seq(alt(ref("b"), ref("c")))), `a (b | c)`},
	{alt(ref("a")), `a`},
	{alt(), `[]`},

	// Tokens.
	{&Token{IDs: []int32{7}}, `<[7]>`},
	{&Token{IDs: []int32{7}, Negated: true}, `!<[7]>`},
	{&Token{Names: []string{"<|eot_id|>"}}, `<|eot_id|>`},
	{&Token{Names: []string{"<think>"}, Negated: true}, `!<think>`},
	{&Token{IDs: []int32{1, 2}}, `<[1, 2]>`},
	{&Token{IDs: []int32{1}, Names: []string{"<a>", `x"y`}, Negated: true}, `!<[1, "<a>", "x\"y"]>`},
	{&Token{Names: []string{"plain"}}, `<["plain"]>`},
	{&Token{Names: []string{"<[x]>"}}, `<["<[x]>"]>`},
	{&Token{Names: []string{"<a>b>"}}, `<["<a>b>"]>`},
	{&Token{Names: []string{"<a\tb>"}}, `<["<a\tb>"]>`},
	{&Token{Names: []string{"<>"}}, `<["<>"]>`},
	{&Token{}, `<[]>`},
	{&Token{Negated: true}, `!<[]>`},
	{rep(&Token{IDs: []int32{1}, Negated: true}, 0, Unbounded), `!<[1]>*`},
}

func TestFormat(t *testing.T) {
	for _, tt := range formatTests {
		if got := Format(tt.e); got != tt.want {
			t.Errorf("Format(%#v) = %s, want %s", tt.e, got, tt.want)
		}
	}
}

// TestFormatRoundTrip parses each canonical formatTests entry back.
func TestFormatRoundTrip(t *testing.T) {
	for _, tt := range formatTests {
		if !canonical(tt.e) {
			continue
		}
		g := &Grammar{Root: "root", Rules: []*Rule{{Name: "root", Body: tt.e}}}
		checkRoundTrip(t, g, true)
	}
}

// canonical reports whether e is in the parser's normal form and matches
// something (Parse would reject an empty language).
func canonical(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *Seq:
			ok = ok && len(x.Items) != 1
		case *Alt:
			ok = ok && len(x.Alts) >= 2
		case *Ref:
			ok = false
		}
		return ok
	})
	return ok && Productive(e, nil)
}

// checkRoundTrip prints g, parses the text and compares.
func checkRoundTrip(t *testing.T, g *Grammar, wantEqual bool) {
	t.Helper()
	out, err := Print(g)
	if err != nil {
		t.Errorf("Print: %v\n%s", err, out)
		return
	}
	g2, err := ebnf.Parse("printed", []byte(out))
	if err != nil {
		t.Errorf("Parse(Print(g)): %v\nprinted:\n%s", err, out)
		return
	}
	if wantEqual && !Equal(g, g2) {
		t.Errorf("round trip changed the grammar; printed:\n%sreprinted:\n%s", out, g2)
	}
}

// TestClassRoundTrip prints and reparses classes made of every pair of
// characters that are special inside brackets, as singles and ranges.
func TestClassRoundTrip(t *testing.T) {
	special := []rune{'-', '^', ']', '[', '\\', '"', 'a', ' ', '\n', 0x7f, 0xd800, 0x10ffff}
	n := 0
	for _, negated := range []bool{false, true} {
		for _, a := range special {
			for _, b := range special {
				for _, c := range special {
					classes := []*Class{
						class(negated, a, a, b, b, c, c),
						class(negated, a, b, c, c),
						class(negated, a, a, b, c),
						class(negated, a, b, b, c),
					}
					for _, cl := range classes {
						body := alt(cl, Lit("ok")) // productive even when cl is empty
						g := &Grammar{Root: "root", Rules: []*Rule{{Name: "root", Body: body}}}
						if _, err := Check(g); err != nil {
							continue // a reversed range: not valid anyway
						}
						checkRoundTrip(t, g, true)
						n++
					}
				}
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d classes checked", n)
	}
}

func TestPrintGrammar(t *testing.T) {
	g := &Grammar{Root: "root", Rules: []*Rule{
		{Name: "root", Body: seq(ref("ws"), rep(ref("item"), 1, Unbounded))},
		{Name: "item", Body: alt(Lit("a"), class(false, '0', '9'))},
		{Name: "ws", Body: alt(seq(), Lit(" "))},
		{Name: "nothing", Body: seq()},
	}}
	want := "root ::= ws item+\n" +
		"item ::= \"a\" | [0-9]\n" +
		"ws ::= | \" \"\n" +
		"nothing ::= ()\n"
	got, err := Print(g)
	if err != nil || got != want {
		t.Errorf("Print = %q, %v\nwant %q", got, err, want)
	}
	if s := g.String(); s != want {
		t.Errorf("String = %q, want %q", s, want)
	}
	checkRoundTrip(t, g, true)
}

func TestPrintErrors(t *testing.T) {
	tests := []struct {
		body Expr
		name string
		code ErrorCode
		text string // the best-effort body
	}{
		{&Bytes{B: []byte("a\xffb"), Pos: Pos{Line: 3, Column: 4}}, "root", ErrInvalidUTF8, `"a\xFFb"`},
		{&Token{Names: []string{"\xc0"}}, "root", ErrInvalidUTF8, `<["\xC0"]>`},
		{Lit("a"), "has space", ErrSyntax, `"a"`},
		{ref("a/b"), "root", ErrSyntax, `a/b`},
		{class(false, 'a', 0x110000), "root", ErrBadClass, `[a-\U00110000]`},
		{&Token{IDs: []int32{-1}}, "root", ErrBadToken, `<[-1]>`},
		{rep(Lit("a"), 3, 1), "root", ErrBadRepeat, `"a"{3,1}`},
		{rep(Lit("a"), -1, 2), "root", ErrBadRepeat, `"a"{-1,2}`},
		{nil, "root", ErrSyntax, `()`},
		{&Perm{Open: Lit("{"), Sep: Lit(","), Close: Lit("}"), Items: []Expr{ref("a"), ref("b")}, Required: []bool{true, false}, Min: 1, Max: Unbounded},
			"root", ErrSyntax, `"{" (a | b) ("," (a | b))* "}"`},
		{&Perm{Open: Lit("{"), Sep: Lit(","), Close: Lit("}"), Items: []Expr{ref("a")}, Required: []bool{false}, Extra: ref("kv"), Max: 3},
			"root", ErrSyntax, `"{" ((a | kv) ("," (a | kv))*)? "}"`},
		{&And{Items: []Expr{seq(Lit("a"), ref("x")), ref("y")}}, "root", ErrSyntax, `"a" x`},
		{rep(&Not{X: Lit("a"), Within: alt(ref("x"), ref("y"))}, 0, 1), "root", ErrSyntax, `(x | y)?`},
	}
	for _, tt := range tests {
		g := &Grammar{Root: "root", Rules: []*Rule{{Name: tt.name, Body: tt.body}}}
		out, err := Print(g)
		var e *Error
		if !errors.As(err, &e) || e.Code != tt.code {
			t.Errorf("Print(%s ::= %#v): error %v, want code %q", tt.name, tt.body, err, tt.code)
			continue
		}
		if want := tt.name + " ::= " + tt.text + "\n"; out != want {
			t.Errorf("Print(%s ::= %#v) = %q, want %q", tt.name, tt.body, out, want)
		}
		s := g.String()
		if !strings.HasPrefix(s, "# gramc: cannot print exactly as GBNF: ") || !strings.HasSuffix(s, "\n"+out) {
			t.Errorf("String() = %q, want a comment line then %q", s, out)
		}
	}
	// The error carries the position of the offending expression.
	g := &Grammar{Root: "root", Rules: []*Rule{{Name: "root", Body: &Bytes{B: []byte{0x80}, Pos: Pos{File: "f", Line: 3, Column: 4}}}}}
	if _, err := Print(g); err == nil || !strings.HasPrefix(err.Error(), "f:3:4: ") {
		t.Errorf("Print error %v, want position f:3:4", err)
	}
}

func TestEqual(t *testing.T) {
	base := func() *Grammar {
		return &Grammar{Root: "root", Rules: []*Rule{
			{Name: "root", Body: seq(ref("a"), rep(class(false, 'a', 'z'), 0, 1)), Pos: Pos{Line: 1}},
			{Name: "a", Body: alt(Lit("x"), &Token{IDs: []int32{1}, Names: []string{"<b>"}})},
		}}
	}
	if !Equal(base(), base()) {
		t.Fatal("Equal(g, copy of g) = false")
	}
	moved := base()
	moved.Rules[0].Pos = Pos{File: "other", Line: 9, Column: 9}
	moved.Rules[1].Body.(*Alt).Alts[0].(*Bytes).Pos = Pos{Line: 5}
	if !Equal(base(), moved) {
		t.Error("Equal does not ignore positions")
	}
	emptySlices := &Grammar{Root: "root", Rules: []*Rule{{Name: "root", Body: &Seq{Items: []Expr{}}}}}
	nilSlices := &Grammar{Root: "root", Rules: []*Rule{{Name: "root", Body: &Seq{}}}}
	if !Equal(emptySlices, nilSlices) {
		t.Error("Equal distinguishes nil and empty slices")
	}
	if !Equal(nil, nil) || Equal(base(), nil) || Equal(nil, base()) {
		t.Error("Equal mishandles nil grammars")
	}
	changes := []func(g *Grammar){
		func(g *Grammar) { g.Root = "a" },
		func(g *Grammar) { g.Rules = g.Rules[:1] },
		func(g *Grammar) { g.Rules[0], g.Rules[1] = g.Rules[1], g.Rules[0] },
		func(g *Grammar) { g.Rules[1].Name = "b" },
		func(g *Grammar) { g.Rules[0].Body.(*Seq).Items[0] = ref("b") },
		func(g *Grammar) { g.Rules[0].Body.(*Seq).Items[1].(*Repeat).Max = 2 },
		func(g *Grammar) { g.Rules[0].Body.(*Seq).Items[1].(*Repeat).X.(*Class).Negated = true },
		func(g *Grammar) { g.Rules[0].Body.(*Seq).Items[1].(*Repeat).X.(*Class).Ranges[0].Hi = 'y' },
		func(g *Grammar) { g.Rules[1].Body.(*Alt).Alts[0] = Lit("y") },
		func(g *Grammar) { g.Rules[1].Body.(*Alt).Alts[1].(*Token).IDs[0] = 2 },
		func(g *Grammar) { g.Rules[1].Body.(*Alt).Alts[1].(*Token).Names = nil },
		func(g *Grammar) { g.Rules[1].Body.(*Alt).Alts[1].(*Token).Negated = true },
		func(g *Grammar) { g.Rules[1].Body = seq(g.Rules[1].Body.(*Alt).Alts...) },
		func(g *Grammar) { g.Rules[1].Body = perm() },
		func(g *Grammar) { g.Rules[1].Body = &And{Items: []Expr{g.Rules[1].Body}} },
		func(g *Grammar) { g.Rules[1].Body = &Not{X: Lit("x"), Within: g.Rules[1].Body} },
	}
	if !Equal(withPerm(perm()), withPerm(perm())) {
		t.Error("Equal(perm, copy of perm) = false")
	}
	and := func(x Expr) *Grammar { return withBody(&And{Items: []Expr{Lit("a"), x}}) }
	not := func(x, within Expr) *Grammar { return withBody(&Not{X: x, Within: within}) }
	if !Equal(and(ref("b")), and(ref("b"))) || Equal(and(ref("b")), and(ref("c"))) {
		t.Error("Equal mishandles And")
	}
	if !Equal(not(ref("a"), ref("b")), not(ref("a"), ref("b"))) ||
		Equal(not(ref("a"), ref("b")), not(ref("c"), ref("b"))) ||
		Equal(not(ref("a"), ref("b")), not(ref("a"), ref("c"))) {
		t.Error("Equal mishandles Not")
	}
	permChanges := []func(p *Perm){
		func(p *Perm) { p.Open = Lit("[") },
		func(p *Perm) { p.Sep = Lit(";") },
		func(p *Perm) { p.Close = Lit("]") },
		func(p *Perm) { p.Extra = nil },
		func(p *Perm) { p.Items = p.Items[:1]; p.Required = p.Required[:1] },
		func(p *Perm) { p.Required[1] = true },
		func(p *Perm) { p.Min = 1 },
		func(p *Perm) { p.Max = 2 },
	}
	for i, change := range permChanges {
		p := perm()
		change(p)
		if Equal(withPerm(perm()), withPerm(p)) {
			t.Errorf("perm change %d: Equal reports true", i)
		}
	}
	for i, change := range changes {
		g := base()
		change(g)
		if Equal(base(), g) || Equal(g, base()) {
			t.Errorf("change %d: Equal reports true", i)
		}
	}
}

func perm() *Perm {
	return &Perm{
		Open: Lit("{"), Sep: Lit(","), Close: Lit("}"),
		Items: []Expr{ref("a"), ref("b")}, Required: []bool{true, false},
		Extra: ref("kv"), Min: 0, Max: Unbounded,
	}
}

func withPerm(p *Perm) *Grammar { return withBody(p) }

func withBody(e Expr) *Grammar {
	return &Grammar{Root: "root", Rules: []*Rule{{Name: "root", Body: e}}}
}

func TestIsRuleName(t *testing.T) {
	for name, want := range map[string]bool{
		"root": true, "en-char": true, "a_1": true, "1st": true, "-": true,
		"": false, "a b": false, "a.b": false, "é": false, "a::=": false,
	} {
		if got := IsRuleName(name); got != want {
			t.Errorf("IsRuleName(%q) = %v, want %v", name, got, want)
		}
	}
}
