package mask_test

import (
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/runtime"
)

// permGrammar: a JSON-like object with members "a" (required), "b", "c"
// in any order, extra keys of one letter from x-z, and at most maxN members.
func permGrammar(maxN int) *grammar.Grammar {
	lit := grammar.Lit
	val := &grammar.Repeat{X: &grammar.Class{Ranges: []grammar.Range{{Lo: '0', Hi: '9'}}}, Min: 1, Max: grammar.Unbounded}
	member := func(key grammar.Expr) grammar.Expr {
		return &grammar.Seq{Items: []grammar.Expr{lit(`"`), key, lit(`":`), &grammar.Ref{Name: "value"}}}
	}
	return &grammar.Grammar{Root: "root", Rules: []*grammar.Rule{
		{Name: "root", Body: &grammar.Perm{
			Open: lit("{"), Sep: lit(","), Close: lit("}"),
			Items:    []grammar.Expr{member(lit("a")), member(lit("b")), member(lit("c"))},
			Required: []bool{true, false, false},
			Extra:    member(&grammar.Class{Ranges: []grammar.Range{{Lo: 'x', Hi: 'z'}}}),
			Max:      maxN,
		}},
		{Name: "value", Body: &grammar.Alt{Alts: []grammar.Expr{val, &grammar.Ref{Name: "root"}}}},
	}}
}

func TestPermLanguage(t *testing.T) {
	p, err := compile.Compile(permGrammar(3), nil, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	accepts := func(s string) bool {
		ps := automaton.NewParser(p)
		for i := 0; i < len(s); i++ {
			if !ps.Push(s[i]) {
				return false
			}
		}
		return ps.CanStop()
	}
	for _, s := range []string{`{"a":1}`, `{"b":2,"a":1}`, `{"c":3,"x":1,"a":1}`, `{"a":{"a":2,"y":3}}`, `{"x":1,"a":1,"y":2}`} {
		if !accepts(s) {
			t.Errorf("%s rejected", s)
		}
	}
	for _, s := range []string{`{}`, `{"b":2}`, `{"a":1,"a":2}`, `{"a":1,"b":1,"c":1}x`, `{"a":1,"b":1,"c":1,"x":1}`, `{"a":1,"x":1,"y":1,"z":1}`, `{"b":1,"c":1,"x":1}`, `{"a":{"b":1}}`} {
		if accepts(s) {
			t.Errorf("%s accepted", s)
		}
	}
}

// TestPermMasks: no dead ends (e.g. after two optional members with max 3,
// only the required one may follow) and masks equal the brute force.
func TestPermMasks(t *testing.T) {
	v := testVocab(t, 5)
	for _, maxN := range []int{2, 3, grammar.Unbounded} {
		p, err := compile.Compile(permGrammar(maxN), v, compile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c := runtime.New(p, v)
		res := c.Verify(runtime.VerifyOptions{Walks: 30, MaxSteps: 40, Seed: 9})
		if len(res.Mismatches) > 0 || res.DeadEnds > 0 {
			t.Fatalf("max %d: %d mismatches, %d dead ends: %v", maxN, len(res.Mismatches), res.DeadEnds, res.Mismatches)
		}
		m := c.NewMatcher()
		if err := m.AcceptBytes([]byte(`{"b":1,"x":2,`)); maxN == 3 && err != nil {
			t.Fatal(err)
		}
		if maxN == 3 && m.AcceptBytes([]byte(`"c`)) == nil {
			t.Fatal(`"c" allowed although only "a" can complete the object`)
		}
	}
}
