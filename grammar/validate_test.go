package grammar_test

import (
	"errors"
	"strings"
	"testing"

	. "github.com/gramc/gramc/grammar"
)

// at returns a position in file g.gbnf.
func at(line, col int) Pos { return Pos{File: "g.gbnf", Line: line, Column: col} }

// rule returns a rule whose position is line:1.
func rule(name string, line int, body Expr) *Rule {
	return &Rule{Name: name, Body: body, Pos: at(line, 1)}
}

func refAt(name string, line, col int) *Ref { return &Ref{Name: name, Pos: at(line, col)} }

var validateTests = []struct {
	name     string
	g        *Grammar
	errs     []string // the error messages, in order
	warnings []string
}{
	{
		name: "ok",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, seq(Lit("a"), refAt("b", 1, 14))),
			rule("b", 2, alt(Lit("x"), seq(refAt("b", 2, 13), Lit("y")))), // left recursion
		}},
	},
	{
		name: "missing root",
		g:    &Grammar{Root: "root", Rules: []*Rule{rule("start", 1, Lit("a"))}},
		errs: []string{`missing root rule "root"`},
	},
	{
		name: "no rules",
		g:    &Grammar{Root: "root"},
		errs: []string{`missing root rule "root"`},
	},
	{
		name: "undefined rule",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, seq(refAt("a", 1, 10), refAt("b", 1, 12))),
			rule("a", 2, Lit("x")),
		}},
		errs: []string{`g.gbnf:1:12: undefined rule "b"`},
	},
	{
		name: "undefined rules in order of position",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, refAt("later", 3, 5)),
			rule("x", 2, refAt("earlier", 2, 7)),
		}},
		errs: []string{`g.gbnf:2:7: undefined rule "earlier"`, `g.gbnf:3:5: undefined rule "later"`},
	},
	{
		name: "duplicate rule",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, Lit("a")),
			rule("root", 4, Lit("b")),
		}},
		errs: []string{`g.gbnf:4:1: rule "root" defined twice (first at g.gbnf:1:1)`},
	},
	{
		name: "empty language",
		g:    &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, seq(refAt("root", 1, 10), Lit("a")))}},
		errs: []string{`g.gbnf:1:1: the grammar's language is empty: root rule "root" can never derive a finite string`},
	},
	{
		name: "empty language through another rule",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, refAt("a", 1, 10)),
			rule("a", 2, seq(Lit("x"), refAt("root", 2, 11))),
		}},
		errs: []string{
			`g.gbnf:1:1: the grammar's language is empty`,
			`g.gbnf:2:1: rule "a" can never terminate`,
		},
	},
	{
		name: "empty class makes the language empty",
		g:    &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, seq(Lit("a"), &Class{}))}},
		errs: []string{`the grammar's language is empty`},
	},
	{
		name: "surrogate-only class matches nothing",
		g:    &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, class(false, 0xd800, 0xdfff))}},
		errs: []string{`the grammar's language is empty`},
	},
	{
		name: "empty token set matches nothing",
		g:    &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, &Token{})}},
		errs: []string{`the grammar's language is empty`},
	},
	{
		name: "optional non-productive part is fine",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, alt(Lit("a"), rep(&Class{}, 0, 1), &Token{Negated: true})),
		}},
	},
	{
		name: "non-terminating reachable rule",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, alt(Lit("a"), refAt("loop", 1, 16))),
			rule("loop", 2, seq(Lit("x"), refAt("loop", 2, 13))),
		}},
		errs: []string{`g.gbnf:2:1: rule "loop" can never terminate (every alternative recurses without end)`},
	},
	{
		name: "mutually recursive non-terminating rules",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, alt(Lit("a"), refAt("p", 1, 16))),
			rule("p", 2, refAt("q", 2, 6)),
			rule("q", 3, rep(refAt("p", 3, 6), 1, Unbounded)),
		}},
		errs: []string{`g.gbnf:2:1: rule "p" can never terminate`, `g.gbnf:3:1: rule "q" can never terminate`},
	},
	{
		name: "unreachable rules are warnings",
		g: &Grammar{Root: "root", Rules: []*Rule{
			rule("root", 1, Lit("a")),
			rule("unused", 2, Lit("b")),
			rule("loop", 3, refAt("loop", 3, 9)), // unreachable, so not an error
		}},
		warnings: []string{
			`g.gbnf:2:1: rule "unused" is not reachable from "root"`,
			`g.gbnf:3:1: rule "loop" is not reachable from "root"`,
		},
	},
	{
		name: "bad repeat",
		g: &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, alt(
			&Repeat{X: Lit("a"), Min: 3, Max: 1, Pos: at(1, 10)},
			&Repeat{X: Lit("a"), Min: -1, Max: Unbounded, Pos: at(1, 20)},
			&Repeat{X: Lit("a"), Min: 0, Max: MaxRepeatBound + 1, Pos: at(1, 30)},
			&Repeat{X: Lit("a"), Min: 0, Max: MaxRepeatBound, Pos: at(1, 40)},
		))}},
		errs: []string{
			`g.gbnf:1:10: bad repetition bounds {3,1}`,
			`g.gbnf:1:20: bad repetition bounds {-1,}`,
			`g.gbnf:1:30: bad repetition bounds {0,16777217}`,
		},
	},
	{
		name: "bad class",
		g: &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, alt(
			&Class{Ranges: []Range{{'z', 'a'}}, Pos: at(1, 10)},
			&Class{Ranges: []Range{{'a', 0x110000}}, Pos: at(1, 20)},
			&Class{Ranges: []Range{{-1, 'a'}}, Pos: at(1, 30)},
		))}},
		errs: []string{
			`g.gbnf:1:10: bad character range U+007A-U+0061`,
			`g.gbnf:1:20: bad character range U+0061-U+110000`,
			`g.gbnf:1:30: bad character range `, // validate.go prints -1 as U+FFFFFFFFFFFFFFFF
		},
	},
	{
		name: "negative token id",
		g:    &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, &Token{IDs: []int32{5, -2}, Pos: at(1, 10)})}},
		errs: []string{`g.gbnf:1:10: negative token id -2`},
	},
	{
		name: "missing body",
		g:    &Grammar{Root: "root", Rules: []*Rule{rule("root", 1, nil)}},
		errs: []string{`g.gbnf:1:1: rule "root" has no body`},
	},
}

func TestValidate(t *testing.T) {
	for _, tt := range validateTests {
		warnings, err := Check(tt.g)
		var got []string
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) {
				t.Errorf("%s: Check error is %T, want ErrorList", tt.name, err)
				continue
			}
			for _, e := range list {
				got = append(got, e.Error())
			}
		}
		if !matchAll(got, tt.errs) {
			t.Errorf("%s: errors\n got %q\nwant %q", tt.name, got, tt.errs)
		}
		got = nil
		for _, w := range warnings {
			got = append(got, w.Error())
		}
		if !matchAll(got, tt.warnings) {
			t.Errorf("%s: warnings\n got %q\nwant %q", tt.name, got, tt.warnings)
		}
		if verr := Validate(tt.g); (verr == nil) != (err == nil) {
			t.Errorf("%s: Validate = %v, Check = %v", tt.name, verr, err)
		}
	}
}

// matchAll reports whether got[i] contains want[i] for all i.
func matchAll(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !strings.Contains(got[i], want[i]) {
			return false
		}
	}
	return true
}

func TestValidateCodes(t *testing.T) {
	tests := []struct {
		g    *Grammar
		code ErrorCode
	}{
		{&Grammar{Root: "root"}, ErrNoRoot},
		{&Grammar{Root: "root", Rules: []*Rule{rule("root", 1, ref("x"))}}, ErrUndefinedRule},
		{&Grammar{Root: "root", Rules: []*Rule{rule("root", 1, Lit("a")), rule("root", 2, Lit("a"))}}, ErrDuplicateRule},
		{&Grammar{Root: "root", Rules: []*Rule{rule("root", 1, ref("root"))}}, ErrEmptyLanguage},
		{&Grammar{Root: "root", Rules: []*Rule{rule("root", 1, alt(Lit("a"), ref("x"))), rule("x", 2, ref("x"))}}, ErrNonTerminating},
		{&Grammar{Root: "root", Rules: []*Rule{rule("root", 1, rep(Lit("a"), 2, 1))}}, ErrBadRepeat},
		{&Grammar{Root: "root", Rules: []*Rule{rule("root", 1, class(false, 'b', 'a'))}}, ErrBadClass},
		{&Grammar{Root: "root", Rules: []*Rule{rule("root", 1, &Token{IDs: []int32{-1}})}}, ErrBadToken},
		{&Grammar{Root: "root", Rules: make([]*Rule, MaxRules+1)}, ErrTooLarge},
	}
	for _, tt := range tests {
		err := Validate(tt.g)
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 || list[0].Code != tt.code {
			t.Errorf("Validate: got %v, want code %q", err, tt.code)
		}
	}
}
