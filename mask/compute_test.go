package mask

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/vocab"
)

// referenceCompute is the plain classification compute replaces: every
// trie node is pushed through the Earley parser, no DFA shortcut, no
// slices.
func referenceCompute(t *Table, it automaton.Item) (accepted, uncertain []int32) {
	ps := automaton.NewParser(t.Prog)
	ps.Seed(it)
	follow := t.Prog.Follow(t.Prog.RuleOf(it.State))
	live := make([]bool, t.Vocab.MaxTokenLen()+2)
	nodes := t.trie.Nodes
	for i := 0; i < len(nodes); {
		n := &nodes[i]
		d := int(n.Depth) - 1
		ps.Truncate(1 + d)
		l := live[d] || (d > 0 && ps.Escaped() && follow.Has(n.B))
		if !ps.Push(n.B) {
			if l {
				uncertain = append(uncertain, t.trie.subtreeTokens(i)...)
			}
			i = int(n.End)
			continue
		}
		live[d+1] = l
		accepted = append(accepted, t.trie.Tokens[n.Tok:n.Tok+uint32(n.NTok)]...)
		i++
	}
	slices.Sort(accepted)
	slices.Sort(uncertain)
	return accepted, uncertain
}

func acceptedOf(sm *StateMask, width int) []int32 {
	if sm.AcceptedBits == nil {
		return sm.AcceptedIDs
	}
	var ids []int32
	for id := range int32(width) {
		if sm.AcceptedBits[id>>6]&(1<<(uint(id)&63)) != 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// checkAllStates compares compute with referenceCompute on every state of
// p (as a detached item) and reports how many states used a slice.
func checkAllStates(t *testing.T, name string, p *automaton.Program, v *vocab.Vocabulary) int {
	t.Helper()
	tab := NewTable(p, v)
	sliced := 0
	for s := range p.NumStates() {
		r := &p.Rules[p.RuleOf(automaton.StateID(s))]
		if r.Perm {
			continue
		}
		it := automaton.Item{State: automaton.StateID(s), Origin: automaton.Sentinel}
		if r.Repeat {
			// Every count from the start to the end of the repetition.
			for param := range uint64(max(r.Min, r.Max, 3)) {
				it.Param = param
				if _, _, ok := tab.countedSlice(p.RuleOf(it.State)); ok {
					sliced++
				}
				compareCompute(t, name, tab, it)
			}
			continue
		}
		if sl, _ := tab.sliceOf(it.State); sl != nil {
			sliced++
		}
		compareCompute(t, name, tab, it)
	}
	return sliced
}

func compareCompute(t *testing.T, name string, tab *Table, it automaton.Item) {
	t.Helper()
	sm := tab.computeDetached(it)
	acc, unc := referenceCompute(tab, it)
	var got []int32
	for _, e := range sm.Uncertain {
		got = append(got, e.ID)
	}
	slices.Sort(got)
	if a := acceptedOf(sm, tab.Vocab.LogitsWidth()); !slices.Equal(a, acc) || sm.NumAccepted != len(acc) || !slices.Equal(got, unc) {
		t.Fatalf("%s item %+v: accepted %d (n %d) uncertain %d, reference %d / %d", name, it, len(a), sm.NumAccepted, len(got), len(acc), len(unc))
	}
}

func TestComputeMatchesReference(t *testing.T) {
	for _, m := range []int{4096, 1} {
		minCalleeMask = m
		testComputeMatchesReference(t)
	}
	minCalleeMask = 4096
}

func testComputeMatchesReference(t *testing.T) {
	grammars := map[string]string{
		"json": `root ::= value
value ::= object | array | string | number | ("true" | "false" | "null") ws
object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
array ::= "[" ws ( value ("," ws value)* )? "]" ws
string ::= "\"" ( [^"\\\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4}) )* "\"" ws
number ::= "-"? ([0-9] | [1-9] [0-9]*) ("." [0-9]+)? ([eE] [-+]? [0-9]+)? ws
ws ::= [ \n]?`,
		"inlined-strings": `root ::= "{\"a\":\"" [^"\\\x00-\x1F]* "\",\"b\":" ("1" | "\"" [^"]* "\"") "}"`,
		"callee": `root ::= "{" ("\"a\":" str | "\"b\":" num)* "}"
str ::= "\"" [^"\\\x00-\x1F]* "\""
num ::= [0-9]+`,
		"narrow":  `root ::= "\"" [a-z ]* "\""`,
		"counted": `root ::= "\"" ([^"\\\x00-\x1F] | "\\" ["\\/bfnrt]){2,5} "\"" ":" ([^"\\\x00-\x1F]){0,4} "," [^"]{1,3} "!"`,
		// Calls direct mode enters: character rules (nullable, nested),
		// a rule whose accepting state goes on, left recursion and nesting
		// deeper than maxCallDepth (where it falls back to the parser).
		"calls": `root ::= "\"" (ch | esc | word)* "\"" | "(" nest ")" | "[" left "]"
ch ::= [a-z] opt
opt ::= "" | "!"
esc ::= "\\" ("n" | "u" hex hex)
hex ::= [0-9a-f]
word ::= "ab" | "ab" "c"
nest ::= "n" | "(" nest ")"
left ::= left "," "x" | "x"`,
	}
	var toks [][]byte
	for b := range 256 {
		toks = append(toks, []byte{byte(b)})
	}
	for _, s := range []string{"\"", "\",", "\"}", "ab", "a\"b", "é", "\xc3", "\xa9x", "\\n", "\",\"b\":1}", "\":\"", "  ", "一二", "\xe4\xb8", "x\x01"} {
		toks = append(toks, []byte(s))
	}
	v, err := vocab.New("test", toks, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	vs := []*vocab.Vocabulary{v}
	if dir, ok := shared.SharedDir(); ok && !testing.Short() {
		if rv, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1")); err == nil {
			vs = append(vs, rv)
		}
		if src, err := os.ReadFile(filepath.Join(dir, "corpora", "gbnf", "json.gbnf")); err == nil {
			grammars["json.gbnf"] = string(src)
		}
	}
	for _, v := range vs {
		for name, src := range grammars {
			g, err := ebnf.Parse(name, []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			for _, opts := range []compile.Options{{}, {NoInline: true}, {UnrollLimit: 1}} {
				p, err := compile.Compile(g, v, opts)
				if err != nil {
					t.Fatal(err)
				}
				n := checkAllStates(t, name, p, v)
				t.Logf("%s/%s %+v: %d states, %d sliced", v.Name(), name, opts, p.NumStates(), n)
				if name == "json" && n == 0 {
					t.Errorf("%s: no state used the JSON string slice", name)
				}
			}
		}
	}
}

// TestStatsByPath: every state mask computed is counted under the path
// that computed it: the string states of a JSON-like grammar by the
// slice, a state calling a string rule by its callee, the rest by the
// whole-trie walk.
func TestStatsByPath(t *testing.T) {
	g, err := ebnf.Parse("paths", []byte(`root ::= "{" ("\"a\":" str | "\"b\":" num)* "}"
str ::= "\"" [^"\\\x00-\x1F]* "\""
num ::= [0-9]+`))
	if err != nil {
		t.Fatal(err)
	}
	v := vocab.ByteLevel()
	saved := minCalleeMask
	minCalleeMask = 1
	defer func() { minCalleeMask = saved }()
	p, err := compile.Compile(g, v, compile.Options{NoInline: true})
	if err != nil {
		t.Fatal(err)
	}
	tab := NewTable(p, v)
	tab.Precompute()
	st := tab.Stats()
	sum := 0
	for _, n := range st.ByPath {
		sum += n
	}
	if sum != st.States {
		t.Errorf("ByPath %v sums to %d, %d states computed", st.ByPath, sum, st.States)
	}
	var took time.Duration
	for _, d := range st.ByPathTime {
		took += d
	}
	if took != st.Compute {
		t.Errorf("ByPathTime %v sums to %v, Compute %v", st.ByPathTime, took, st.Compute)
	}
	for k, n := range st.ByPath {
		if n == 0 {
			t.Errorf("no state computed by path %s (ByPath %v)", Path(k), st.ByPath)
		}
	}
	// The callee path pushes tokens through the parser; nothing else in
	// this grammar needs it.
	if st.ParserWalks != st.ByPath[PathCallee] {
		t.Errorf("ParserWalks %d, callee masks %d", st.ParserWalks, st.ByPath[PathCallee])
	}
}

// TestComputeMatchesReferenceFormats: the format rules of JSON Schema
// (every character a call of an escaped-character rule, rules cut by
// remaining length) are where direct mode enters calls most; compute must
// agree with the parser walk there, for a vocabulary of bytes and JSON
// fragments on every state, and for llama3_1 on a sample of states.
func TestComputeMatchesReferenceFormats(t *testing.T) {
	var toks [][]byte
	for b := range 256 {
		toks = append(toks, []byte{byte(b)})
	}
	for _, s := range []string{"ab", "a.b", ".com", "@", "a@b", "\\u0041", "\\u00", "-x", "x-", "\"", "a\"", "\",", "[1", "1.2.", "::", "\\\"", "é"} {
		toks = append(toks, []byte(s))
	}
	small, err := vocab.New("test", toks, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	type vs struct {
		v     *vocab.Vocabulary
		every int
	}
	vocabs := []vs{{small, 1}}
	if dir, ok := shared.SharedDir(); ok && !testing.Short() {
		if rv, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1")); err == nil {
			vocabs = append(vocabs, vs{rv, 401})
		}
	}
	for _, format := range []string{"email", "hostname", "ipv4"} {
		g, err := jsonschema.Compile([]byte(`{"$schema":"http://json-schema.org/draft-07/schema#","type":"string","format":"`+format+`"}`), jsonschema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range vocabs {
			p, err := compile.Compile(g, x.v, compile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			tab := NewTable(p, x.v)
			checked := 0
			for s := 0; s < p.NumStates(); s += x.every {
				r := &p.Rules[p.RuleOf(automaton.StateID(s))]
				if r.Perm || r.Repeat {
					continue
				}
				compareCompute(t, format, tab, automaton.Item{State: automaton.StateID(s), Origin: automaton.Sentinel})
				checked++
			}
			t.Logf("%s/%s: %d of %d states", x.v.Name(), format, checked, p.NumStates())
		}
	}
}
