package compile

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
)

func accepts(p *automaton.Program, s string) bool {
	ps := automaton.NewParser(p)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}

func ref(n string) *grammar.Ref { return &grammar.Ref{Name: n} }
func seq(xs ...grammar.Expr) *grammar.Seq {
	return &grammar.Seq{Items: xs}
}
func alt(xs ...grammar.Expr) *grammar.Alt { return &grammar.Alt{Alts: xs} }
func rep(x grammar.Expr, lo, hi int) *grammar.Repeat {
	return &grammar.Repeat{X: x, Min: lo, Max: hi}
}
func class(neg bool, rs ...rune) *grammar.Class {
	c := &grammar.Class{Negated: neg}
	for i := 0; i+1 < len(rs); i += 2 {
		c.Ranges = append(c.Ranges, grammar.Range{Lo: rs[i], Hi: rs[i+1]})
	}
	return c
}

func gram(rules ...*grammar.Rule) *grammar.Grammar {
	return &grammar.Grammar{Rules: rules, Root: "root"}
}
func rule(n string, e grammar.Expr) *grammar.Rule { return &grammar.Rule{Name: n, Body: e} }

func TestLanguages(t *testing.T) {
	tests := []struct {
		name   string
		g      *grammar.Grammar
		accept []string
		reject []string
	}{
		{"balanced", gram(rule("root", rep(ref("p"), 0, -1)), rule("p", seq(grammar.Lit("("), rep(ref("p"), 0, -1), grammar.Lit(")")))),
			[]string{"", "()", "(())()", "((()))"}, []string{"(", ")", "(()", "())"}},
		{"left recursion", gram(rule("root", alt(seq(ref("root"), grammar.Lit("+"), ref("num")), ref("num"))), rule("num", rep(class(false, '0', '9'), 1, -1))),
			[]string{"1", "1+2", "12+3+45"}, []string{"", "+", "1+", "1++2"}},
		{"hidden left recursion", gram(rule("root", alt(seq(ref("e"), ref("root"), grammar.Lit("x")), grammar.Lit("y"))), rule("e", alt(grammar.Lit(""), grammar.Lit("z")))),
			[]string{"y", "yx", "yxx", "zyx", "zzyxx"}, []string{"", "x", "zy", "yz"}},
		{"ambiguous", gram(rule("root", alt(seq(ref("a"), ref("a")), ref("a"))), rule("a", rep(grammar.Lit("a"), 1, -1))),
			[]string{"a", "aa", "aaaa"}, []string{"", "b"}},
		{"counter", gram(rule("root", seq(grammar.Lit("<"), rep(class(false, 'a', 'z'), 2, 3000), grammar.Lit(">")))),
			[]string{"<ab>", "<" + strings.Repeat("q", 3000) + ">"}, []string{"<a>", "<>", "<" + strings.Repeat("q", 3001) + ">"}},
		{"counter of rule", gram(rule("root", rep(ref("w"), 600, 700)), rule("w", alt(grammar.Lit("ab"), grammar.Lit("c")))),
			[]string{strings.Repeat("ab", 600), strings.Repeat("c", 650) + strings.Repeat("ab", 50)}, []string{strings.Repeat("ab", 599), strings.Repeat("c", 701), strings.Repeat("ab", 600) + "a"}},
		{"unicode", gram(rule("root", rep(class(false, 'α', 'ω', '一', '鿿'), 1, -1))),
			[]string{"αβ", "一二", "ω"}, []string{"a", "\xce", "\xce\xb1\xff"}},
		{"negated dot", gram(rule("root", rep(class(true), 0, -1))),
			[]string{"", "héllo", "\U0010FFFF"}, []string{"\xff", "\xed\xa0\x80", "\xc0\x80"}},
		{"nullable counter", gram(rule("root", seq(rep(alt(grammar.Lit("a"), grammar.Lit("")), 5, 1000), grammar.Lit("b")))),
			[]string{"b", "ab", strings.Repeat("a", 1000) + "b"}, []string{strings.Repeat("a", 1001) + "b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, opts := range []Options{{}, {NoInline: true}, {UnrollLimit: 1}} {
				p, err := Compile(tt.g, nil, opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range tt.accept {
					if !accepts(p, s) {
						t.Errorf("%+v: %q rejected", opts, s)
					}
				}
				for _, s := range tt.reject {
					if accepts(p, s) {
						t.Errorf("%+v: %q accepted", opts, s)
					}
				}
			}
		})
	}
}

func TestCounterStatesBounded(t *testing.T) {
	g := gram(rule("root", rep(grammar.Lit("x"), 0, 10000)))
	p, err := Compile(g, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.NumStates() > 10 {
		t.Fatalf("x{0,10000} compiled to %d states", p.NumStates())
	}
	if !accepts(p, strings.Repeat("x", 10000)) || accepts(p, strings.Repeat("x", 10001)) {
		t.Fatal("bounds not enforced")
	}
}

// TestRegexDifferential compares regular grammars with Go's regexp on
// random strings over a small alphabet.
func TestRegexDifferential(t *testing.T) {
	cases := []struct {
		re string
		g  grammar.Expr
	}{
		{`^(ab|a)*c?$`, seq(rep(alt(grammar.Lit("ab"), grammar.Lit("a")), 0, -1), rep(grammar.Lit("c"), 0, 1))},
		{`^[a-b]{2,4}(c|)$`, seq(rep(class(false, 'a', 'b'), 2, 4), alt(grammar.Lit("c"), grammar.Lit("")))},
		{`^([^a]b)+$`, rep(seq(class(true, 'a', 'a'), grammar.Lit("b")), 1, -1)},
		{`^(a{3}|b{1,2}){2,3}$`, rep(alt(rep(grammar.Lit("a"), 3, 3), rep(grammar.Lit("b"), 1, 2)), 2, 3)},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		re := regexp.MustCompile(c.re)
		for _, opts := range []Options{{}, {UnrollLimit: 1}} {
			p, err := Compile(gram(rule("root", c.g)), nil, opts)
			if err != nil {
				t.Fatal(err)
			}
			for range 3000 {
				n := r.IntN(9)
				b := make([]byte, n)
				for i := range b {
					b[i] = "abcd"[r.IntN(4)]
				}
				if got, want := accepts(p, string(b)), re.MatchString(string(b)); got != want {
					t.Errorf("%s %+v: %q: got %v want %v", c.re, opts, b, got, want)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := Compile(gram(rule("root", ref("nope"))), nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "undefined rule") {
		t.Fatalf("got %v", err)
	}
	_, err = Compile(gram(rule("root", &grammar.Token{Names: []string{"<x>"}})), nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "needs a vocabulary") {
		t.Fatalf("got %v", err)
	}
	big := gram(rule("root", rep(rep(class(false, 'a', 'z', 'α', 'ω'), 0, 400), 0, 400)))
	if _, err := Compile(big, nil, Options{MaxRuleStates: 1000, UnrollLimit: 1 << 20}); err == nil {
		t.Fatal("size limit not enforced")
	}
}

// TestAndNot checks intersection and complement against Go's regexp on
// random strings: And matches both, Not matches Within but not X.
func TestAndNot(t *testing.T) {
	abc := class(false, 'a', 'c')
	cases := []struct {
		name  string
		g     grammar.Expr
		match func(string) bool
	}{
		{"and", &grammar.And{Items: []grammar.Expr{rep(abc, 0, -1), rep(class(true), 2, 4), seq(rep(class(true), 0, -1), grammar.Lit("b"), rep(class(true), 0, -1))}},
			func(s string) bool {
				return regexp.MustCompile(`^[a-c]{2,4}$`).MatchString(s) && strings.Contains(s, "b")
			}},
		{"not", &grammar.Not{X: seq(grammar.Lit("a"), rep(class(true), 0, -1)), Within: rep(abc, 0, 5)},
			func(s string) bool {
				return regexp.MustCompile(`^[a-c]{0,5}$`).MatchString(s) && !strings.HasPrefix(s, "a")
			}},
		{"not keys", seq(grammar.Lit("\""), &grammar.Not{X: alt(grammar.Lit("ab"), grammar.Lit("c")), Within: rep(abc, 0, -1)}, grammar.Lit("\"")),
			func(s string) bool {
				return regexp.MustCompile(`^"[a-c]*"$`).MatchString(s) && s != `"ab"` && s != `"c"`
			}},
		{"empty and", alt(&grammar.And{Items: []grammar.Expr{grammar.Lit("a"), grammar.Lit("b")}}, grammar.Lit("c")),
			func(s string) bool { return s == "c" }},
		{"and counted", &grammar.And{Items: []grammar.Expr{rep(abc, 0, 700), seq(rep(abc, 0, -1), grammar.Lit("cc"))}},
			func(s string) bool { return regexp.MustCompile(`^[a-c]*cc$`).MatchString(s) && len(s) <= 700 }},
	}
	r := rand.New(rand.NewPCG(4, 5))
	for _, c := range cases {
		p, err := Compile(gram(rule("root", c.g)), nil, Options{})
		if err != nil {
			t.Fatal(c.name, err)
		}
		for range 4000 {
			n := r.IntN(8)
			b := make([]byte, n)
			for i := range b {
				b[i] = `abcd"`[r.IntN(5)]
			}
			if got, want := accepts(p, string(b)), c.match(string(b)); got != want {
				t.Errorf("%s: %q: got %v want %v", c.name, b, got, want)
			}
		}
	}
	// Operands must be regular.
	g := gram(rule("root", &grammar.And{Items: []grammar.Expr{ref("p"), grammar.Lit("()")}}), rule("p", alt(grammar.Lit(""), seq(grammar.Lit("("), ref("p"), grammar.Lit(")")))))
	if _, err := Compile(g, nil, Options{}); err == nil || !strings.Contains(err.Error(), "must be regular") {
		t.Fatalf("recursive operand: %v", err)
	}
}

// TestMachine: an explicit DFA for decimal numbers divisible by 7, also
// inside an intersection.
func TestMachine(t *testing.T) {
	const m = 7
	mach := &grammar.Machine{}
	// State 0: start (no digit yet); state 1+r: remainder r.
	mach.States = make([]grammar.MachineState, m+1)
	for s := range mach.States {
		r := 0
		if s > 0 {
			r = s - 1
			mach.States[s].Accept = r == 0
		}
		for d := byte('0'); d <= '9'; d++ {
			mach.States[s].Edges = append(mach.States[s].Edges, grammar.MachineEdge{Lo: d, Hi: d, To: 1 + (10*r+int(d-'0'))%m})
		}
	}
	short := &grammar.Repeat{X: class(false, '0', '9'), Min: 1, Max: 3}
	for _, e := range []grammar.Expr{mach, &grammar.And{Items: []grammar.Expr{mach, short}}} {
		p, err := Compile(gram(rule("root", e)), nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for n := range 2000 {
			s := fmt.Sprint(n)
			_, isAnd := e.(*grammar.And)
			want := n%m == 0 && (!isAnd || len(s) <= 3)
			if accepts(p, s) != want {
				t.Fatalf("%T %s: got %v", e, s, !want)
			}
		}
	}
}

// TestDeadline: a passed deadline stops the compile with ErrTimeout.
func TestDeadline(t *testing.T) {
	g, err := ebnf.Parse("g", []byte(`root ::= a b
a ::= "x"+
b ::= "y"+`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(g, nil, Options{Deadline: time.Now().Add(-time.Second)}); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if _, err := Compile(g, nil, Options{Deadline: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
}
