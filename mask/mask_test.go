package mask_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// Grammars exercising nesting, left recursion, ambiguity, counters,
// Unicode and token terminals.
var grammars = map[string]string{
	"json": `root ::= value
value ::= object | array | string | number | ("true" | "false" | "null") ws
object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
array ::= "[" ws ( value ("," ws value)* )? "]" ws
string ::= "\"" ( [^"\\\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4}) )* "\"" ws
number ::= "-"? ([0-9] | [1-9] [0-9]*) ("." [0-9]+)? ([eE] [-+]? [0-9]+)? ws
ws ::= [ \n]?`,
	"leftrec": `root ::= expr
expr ::= expr "+" term | expr "-" term | term
term ::= term "*" atom | atom
atom ::= [0-9]+ | "(" expr ")"`,
	"ambiguous": `root ::= a a | a b | "x"
a ::= "x"+ | "xy"
b ::= "y"* "x"`,
	"counter": `root ::= "<" [a-c]{3,700} ">" ("," [ab]{0,900})*`,
	"unicode": `root ::= ([α-ω] | [一-鿿] | "é" | [^\x00-\x7F]{2})+ "."`,
	"arith": `root  ::= (expr "=" ws term "\n")+
expr  ::= term ([-+*/] term)*
term  ::= ident | num | "(" ws expr ")" ws
ident ::= [a-z] [a-z0-9_]* ws
num   ::= [0-9]+ ws
ws    ::= [ \t\n]*`,
	"nullable": `root ::= a b c "!"
a ::= "a"*
b ::= a | "b"
c ::= (a b)?`,
}

// testVocab has every single byte, random strings over the grammars'
// alphabets, a special token and EOS.
func testVocab(t testing.TB, seed uint64) *vocab.Vocabulary {
	r := rand.New(rand.NewPCG(seed, 7))
	var toks [][]byte
	for b := range 256 {
		toks = append(toks, []byte{byte(b)})
	}
	alpha := []string{"{", "}", "[", "]", "\"", ":", ",", " ", "\n", "a", "b", "c", "x", "y", "1", "0", "-", ".", "e", "+", "*", "(", ")", "<", ">", "α", "ω", "é", "一", "\\", "u", "true", "null", "\xce", "\xb1", "!"}
	seen := map[string]bool{}
	for len(toks) < 1500 {
		n := 1 + r.IntN(5)
		var s []byte
		for range n {
			s = append(s, alpha[r.IntN(len(alpha))]...)
		}
		if !seen[string(s)] {
			seen[string(s)] = true
			toks = append(toks, s)
		}
	}
	toks = append(toks, []byte("<tool>"), []byte("</s>"))
	special := []int32{int32(len(toks) - 2), int32(len(toks) - 1)}
	v, err := vocab.New("test", toks, special, special[1:])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestFillMaskMatchesBruteForce compares FillMask with the brute-force
// reference along random walks, for every grammar, with and without
// inlining and with counters forced.
func TestFillMaskMatchesBruteForce(t *testing.T) {
	v := testVocab(t, 1)
	for name, src := range grammars {
		for _, opts := range []compile.Options{{}, {NoInline: true}, {UnrollLimit: 1}} {
			g, err := ebnf.Parse(name, []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			p, err := compile.Compile(g, v, opts)
			if err != nil {
				t.Fatal(name, err)
			}
			c := runtime.New(p, v)
			res := c.Verify(runtime.VerifyOptions{Walks: 12, MaxSteps: 40, Seed: 3})
			if len(res.Mismatches) > 0 || res.DeadEnds > 0 {
				t.Errorf("%s %+v: %d mismatches, %d dead ends; first: %v", name, opts, len(res.Mismatches), res.DeadEnds, res.Mismatches)
			}
			if res.States < 12 {
				t.Errorf("%s: only %d states checked", name, res.States)
			}
		}
	}
}

func TestMaskLayout(t *testing.T) {
	m := mask.New(70)
	m.Set(0)
	m.Set(33)
	m.Set(69)
	m.Set(70) // out of range: ignored
	w := m.Words32()
	if len(w) != 3 || w[0] != 1 || w[1] != 2 || w[2] != 1<<5 {
		t.Fatalf("Words32 = %x", w)
	}
	if m.Count() != 3 || !m.Has(33) || m.Has(34) || m.Has(-1) || m.Has(70) {
		t.Fatal("Has/Count wrong")
	}
	logits := make([]float32, 70)
	mask.Apply(logits, m)
	for i, x := range logits {
		if allowed := i == 0 || i == 33 || i == 69; allowed != (x == 0) {
			t.Fatalf("logit %d = %v", i, x)
		}
	}
}
