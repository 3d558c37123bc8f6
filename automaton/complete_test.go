package automaton_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

func cRef(n string) *grammar.Ref           { return &grammar.Ref{Name: n} }
func cSeq(xs ...grammar.Expr) *grammar.Seq { return &grammar.Seq{Items: xs} }
func cAlt(xs ...grammar.Expr) *grammar.Alt { return &grammar.Alt{Alts: xs} }
func cRep(x grammar.Expr, lo, hi int) *grammar.Repeat {
	return &grammar.Repeat{X: x, Min: lo, Max: hi}
}
func cClass(lo, hi rune) *grammar.Class {
	return &grammar.Class{Ranges: []grammar.Range{{Lo: lo, Hi: hi}}}
}
func cRule(n string, e grammar.Expr) *grammar.Rule { return &grammar.Rule{Name: n, Body: e} }
func cGram(rules ...*grammar.Rule) *grammar.Grammar {
	return &grammar.Grammar{Rules: rules, Root: "root"}
}

var lit = grammar.Lit

// jsonish is a small JSON-like grammar with recursion through two rules.
func jsonish() *grammar.Grammar {
	return cGram(
		cRule("root", cAlt(cRef("obj"), cRef("arr"))),
		cRule("value", cAlt(cRef("obj"), cRef("arr"), cRef("str"), cRef("num"), lit("true"), lit("null"))),
		cRule("obj", cSeq(lit("{"), cRep(cSeq(cRef("str"), lit(":"), cRef("value"), cRep(cSeq(lit(","), cRef("str"), lit(":"), cRef("value")), 0, -1)), 0, 1), lit("}"))),
		cRule("arr", cSeq(lit("["), cRep(cSeq(cRef("value"), cRep(cSeq(lit(","), cRef("value")), 0, -1)), 0, 1), lit("]"))),
		cRule("str", cSeq(lit(`"`), cRep(cClass('a', 'c'), 0, -1), lit(`"`))),
		cRule("num", cSeq(cRep(lit("-"), 0, 1), cRep(cClass('0', '9'), 1, 3))),
	)
}

var completionGrammars = []struct {
	name string
	g    *grammar.Grammar
	// prefix → expected CompletionCost
	want map[string]int
}{
	{"literal", cGram(cRule("root", lit("abc"))), map[string]int{"": 3, "a": 2, "ab": 1, "abc": 0}},
	{"nested", cGram(cRule("root", cAlt(cSeq(lit("("), cRef("root"), lit(")")), lit("x")))),
		map[string]int{"": 1, "(": 2, "((": 3, "((x": 2, "((x)": 1, "((x))": 0}},
	{"left recursion", cGram(cRule("root", cAlt(cSeq(cRef("root"), lit("a")), lit("b")))),
		map[string]int{"": 1, "b": 0, "ba": 0, "baa": 0}},
	{"hidden left recursion", cGram(cRule("root", cAlt(cSeq(cRef("e"), cRef("root"), lit("x")), lit("y"))), cRule("e", cAlt(lit(""), lit("z")))),
		map[string]int{"": 1, "z": 2, "zz": 3, "zzy": 2, "zzyx": 1, "zzyxx": 0}},
	{"counter", cGram(cRule("root", cSeq(lit("<"), cRep(cClass('a', 'z'), 600, 3000), lit(">")))),
		map[string]int{"": 602, "<": 601, "<" + strings.Repeat("q", 100): 501, "<" + strings.Repeat("q", 600): 1, "<" + strings.Repeat("q", 700): 1}},
	{"counter of rule", cGram(cRule("root", cRep(cRef("w"), 600, 700)), cRule("w", cAlt(lit("ab"), lit("c")))),
		map[string]int{"": 600, "ab": 599, "a": 600, strings.Repeat("c", 600): 0}},
	// Permutations (JSON objects with any-order properties): the cost
	// counts the required members still missing and the members needed
	// to reach Min, which the guards enforce (issue 3).
	{"perm required", cGram(cRule("root", &grammar.Perm{Open: lit("{"), Sep: lit(","), Close: lit("}"),
		Items:    []grammar.Expr{lit(`"a":1`), lit(`"bb":22`), cSeq(lit(`"c":`), cRep(cClass('0', '9'), 1, 3))},
		Required: []bool{true, true, false}, Min: 0, Max: grammar.Unbounded})),
		map[string]int{"": 15, "{": 14, `{"bb":22`: 7, `{"bb":22,`: 6, `{"bb":22,"a":1`: 1, `{"c":5`: 15, `{"c":5,"a":1`: 9, `{"a":1,"bb":22,"c":1`: 1}},
	{"perm min", cGram(cRule("root", &grammar.Perm{Open: lit("{"), Sep: lit(","), Close: lit("}"),
		Items:    []grammar.Expr{lit(`"x":1`), lit(`"yy":2`)},
		Required: []bool{false, false}, Extra: cSeq(lit(`"z":`), cClass('0', '9')), Min: 3, Max: 4})),
		map[string]int{"": 19, "{": 18, `{"yy":2`: 13, `{"yy":2,"x":1`: 7, `{"z":1,"z":2,"z":3`: 1, `{"z":1,"z":2,"z":3,"z":4`: 1}},
	{"perm nested", cGram(cRule("root", cRef("o")), cRule("o", &grammar.Perm{Open: lit("{"), Sep: lit(","), Close: lit("}"),
		Items:    []grammar.Expr{cSeq(lit(`"o":`), cRef("o")), lit(`"k":0`)},
		Required: []bool{false, true}, Min: 0, Max: grammar.Unbounded})),
		map[string]int{"": 7, `{"o":`: 14, `{"o":{"o":`: 21, `{"o":{"k":0}`: 7, `{"k":0,"o":{`: 7}},
	{"jsonish", jsonish(), map[string]int{"": 2, "{": 1, `{"`: 4, `{"a":[`: 2, `{"a":[{"b":-`: 4, `[[[`: 3, `[1`: 1}},
}

func TestCompletionCost(t *testing.T) {
	for _, tt := range completionGrammars {
		for _, opts := range []compile.Options{{}, {NoInline: true}, {UnrollLimit: 1}} {
			p, err := compile.Compile(tt.g, nil, opts)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			for prefix, want := range tt.want {
				ps := automaton.NewParser(p)
				for i := 0; i < len(prefix); i++ {
					if !ps.Push(prefix[i]) {
						t.Fatalf("%s %+v: %q rejected at %d", tt.name, opts, prefix, i)
					}
				}
				if got := ps.CompletionCost(); got != want {
					t.Errorf("%s %+v: CompletionCost after %q = %d, want %d", tt.name, opts, prefix, got, want)
				}
			}
		}
	}
}

func TestMinLength(t *testing.T) {
	p, err := compile.Compile(jsonish(), nil, compile.Options{NoInline: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"root": 2, "value": 1, "obj": 2, "arr": 2, "str": 2, "num": 1}
	for i, r := range p.Rules {
		if w, ok := want[r.Name]; ok {
			if got := p.MinLength(int32(i)); got != w {
				t.Errorf("MinLength(%s) = %d, want %d", r.Name, got, w)
			}
		}
	}
}

// TestCompletionCostInvariants checks, along random walks, the identities
// that make CompletionCost exact: it is 0 exactly when the parser can stop,
// no byte lowers it by more than 1, and when it is positive some byte
// lowers it by exactly 1 (the first byte of a shortest completion).
func TestCompletionCostInvariants(t *testing.T) {
	for _, tt := range completionGrammars {
		for _, opts := range []compile.Options{{}, {NoInline: true}, {UnrollLimit: 1}} {
			p, err := compile.Compile(tt.g, nil, opts)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			for walk := 0; walk < 20; walk++ {
				ps := automaton.NewParser(p)
				for step := 0; step < 80; step++ {
					cost := ps.CompletionCost()
					if (cost == 0) != ps.CanStop() {
						t.Fatalf("%s %+v walk %d step %d: cost %d but CanStop %v", tt.name, opts, walk, step, cost, ps.CanStop())
					}
					next := ps.NextBytes()
					var bytes []byte
					best := automaton.NoCompletion
					for b := 0; b < 256; b++ {
						if !next.Has(byte(b)) {
							continue
						}
						bytes = append(bytes, byte(b))
						if !ps.Push(byte(b)) {
							t.Fatalf("NextBytes has %#x but Push fails", b)
						}
						c := ps.CompletionCost()
						ps.Pop()
						if c < cost-1 {
							t.Fatalf("%s %+v: byte %#x lowers cost %d to %d", tt.name, opts, b, cost, c)
						}
						best = min(best, c)
					}
					if cost > 0 && best != cost-1 {
						t.Fatalf("%s %+v walk %d step %d: cost %d but best next %d", tt.name, opts, walk, step, cost, best)
					}
					// CheapestByte finds it (and, restricted, the best of the rest).
					if b, c := ps.CheapestByte(func(byte) bool { return true }); len(bytes) > 0 && (c != best || b < 0) {
						t.Fatalf("%s %+v: CheapestByte = %#x cost %d, want cost %d", tt.name, opts, b, c, best)
					}
					if len(bytes) > 1 {
						skip := bytes[0]
						if b, _ := ps.CheapestByte(func(x byte) bool { return x != skip }); b == int(skip) || b < 0 {
							t.Fatalf("%s %+v: CheapestByte without %#x = %d", tt.name, opts, skip, b)
						}
					}
					if len(bytes) == 0 {
						break
					}
					ps.Push(bytes[r.IntN(len(bytes))])
				}
			}
		}
	}
}

// TestCompletionCostSeed checks a detached parse: completing the seed's
// rule is an escape, which costs nothing more.
func TestCompletionCostSeed(t *testing.T) {
	p, err := compile.Compile(jsonish(), nil, compile.Options{NoInline: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Rules {
		if r.Name == "str" {
			ps := automaton.NewParser(p)
			ps.Seed(automaton.Item{State: r.Start, Origin: automaton.Sentinel})
			if got := ps.CompletionCost(); got != 2 {
				t.Errorf("detached str: cost %d, want 2", got)
			}
			ps.Push('"')
			ps.Push('a')
			if got := ps.CompletionCost(); got != 1 {
				t.Errorf(`detached str after "a: cost %d, want 1`, got)
			}
		}
	}
}

// BenchmarkCheapestByte: the byte that starts a shortest completion, 30
// arrays deep (what budget steering asks at every step near the end of a
// budget).
func BenchmarkCheapestByte(b *testing.B) {
	ps := deepArrays(b, 30)
	for b.Loop() {
		if c, _ := ps.CheapestByte(func(byte) bool { return true }); c < 0 {
			b.Fatal("no byte")
		}
	}
}

// BenchmarkCompletionCost: the shortest completion, 30 arrays deep (what
// the decoder's budget guard asks after every sampled token).
func BenchmarkCompletionCost(b *testing.B) {
	ps := deepArrays(b, 30)
	for b.Loop() {
		if ps.CompletionCost() == automaton.NoCompletion {
			b.Fatal("no completion")
		}
	}
}

// TestCompletionCostCache: the solved tables kept on the parser follow
// its sets. Along random walks with pushes, pops, truncations and forks,
// CompletionCost equals that of a fresh parser fed the same bytes.
func TestCompletionCostCache(t *testing.T) {
	for _, tt := range completionGrammars {
		p, err := compile.Compile(tt.g, nil, compile.Options{NoInline: true})
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		for walk := 0; walk < 20; walk++ {
			ps := automaton.NewParser(p)
			var path []byte
			for step := 0; step < 120; step++ {
				switch k := r.IntN(10); {
				case k == 0 && len(path) > 0:
					ps.Pop()
					path = path[:len(path)-1]
				case k == 1 && len(path) > 2:
					n := r.IntN(len(path))
					ps.Truncate(n + 1)
					path = path[:n]
				case k == 2:
					ps = ps.Fork()
				default:
					next := ps.NextBytes()
					var bs []byte
					for b := range 256 {
						if next.Has(byte(b)) {
							bs = append(bs, byte(b))
						}
					}
					if len(bs) == 0 {
						continue
					}
					b := bs[r.IntN(len(bs))]
					if !ps.Push(b) {
						t.Fatalf("%s: NextBytes has %#x but Push fails", tt.name, b)
					}
					path = append(path, b)
				}
				fresh := automaton.NewParser(p)
				for _, b := range path {
					fresh.Push(b)
				}
				if got, want := ps.CompletionCost(), fresh.CompletionCost(); got != want {
					t.Fatalf("%s walk %d step %d after %q: CompletionCost %d, fresh parser %d", tt.name, walk, step, path, got, want)
				}
			}
		}
	}
}

// deepArrays is a parser of the jsonish grammar after n opening brackets.
func deepArrays(b *testing.B, n int) *automaton.Parser {
	b.Helper()
	p, err := compile.Compile(jsonish(), nil, compile.Options{NoInline: true})
	if err != nil {
		b.Fatal(err)
	}
	ps := automaton.NewParser(p)
	for range n {
		if !ps.Push('[') {
			b.Fatal("[ rejected")
		}
	}
	return ps
}
