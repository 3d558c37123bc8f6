package lark

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

var vocabs sync.Map // family → *vocab.Vocabulary

// loadVocab loads a vocabulary of ../shared/vocab once, or skips.
func loadVocab(t testing.TB, family string) *vocab.Vocabulary {
	t.Helper()
	if v, ok := vocabs.Load(family); ok {
		return v.(*vocab.Vocabulary)
	}
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("../shared not found (set GRAMC_SHARED)")
	}
	v, err := vocab.Load(filepath.Join(dir, "vocab", family))
	if err != nil {
		t.Fatal(err)
	}
	vocabs.Store(family, v)
	return v
}

// TestVerifyTestdata runs the exactness oracle (FillMask against the
// brute-force mask along random walks) on every testdata Lark and XGrammar
// grammar with Llama 3.1's vocabulary, and on the Qwen3 tool grammar with Qwen3's.
func TestVerifyTestdata(t *testing.T) {
	cases := []struct{ file, family string }{}
	for _, f := range append(testdataFiles(t), xgrammarFiles(t)...) {
		cases = append(cases, struct{ file, family string }{f, "llama3_1"})
		if strings.HasPrefix(filepath.Base(f), "qwen3") {
			cases = append(cases, struct{ file, family string }{f, "qwen3"})
		}
	}
	for _, tc := range cases {
		t.Run(tc.family+"/"+filepath.Base(tc.file), func(t *testing.T) {
			v := loadVocab(t, tc.family)
			g, err := parseFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := compile.Compile(g, v, compile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			c := runtime.New(p, v)
			res := c.Verify(runtime.VerifyOptions{Walks: 2, MaxSteps: 12, Seed: 7})
			if len(res.Mismatches) > 0 || res.DeadEnds > 0 {
				t.Fatalf("%d mismatches, %d dead ends: %v", len(res.Mismatches), res.DeadEnds, res.Mismatches)
			}
			t.Logf("%d states, %d tokens checked", res.States, res.TokensChecked)
		})
	}
}

// replay accepts text token by token (tokenized by the vocabulary's own
// encoder), comparing FillMask with the brute-force mask before each
// token, and checks that the grammar may end after it.
func replay(t *testing.T, c *runtime.Compiled, text string) {
	t.Helper()
	v := c.Vocab
	toks, err := v.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	m := c.NewMatcher()
	fast, ref := c.NewMask(), c.NewMask()
	for i, tok := range toks {
		m.FillMask(fast)
		m.BruteForceMask(ref)
		if !fast.Equal(ref) {
			t.Fatalf("step %d: FillMask differs from the brute-force mask", i)
		}
		if !fast.Has(tok) {
			t.Fatalf("step %d: token %d %q not allowed after %q", i, tok, v.Bytes(tok), tokenBytes(v, toks[:i]))
		}
		if err := m.Accept(tok); err != nil {
			t.Fatalf("step %d: Accept(%d): %v", i, tok, err)
		}
	}
	if !m.CanStop() {
		t.Fatalf("the grammar cannot end after %q", text)
	}
	m.FillMask(fast)
	for _, eos := range v.EOS() {
		if !fast.Has(eos) {
			t.Errorf("EOS %d not allowed at the end", eos)
		}
	}
}

func tokenBytes(v *vocab.Vocabulary, toks []int32) []byte {
	var b []byte
	for _, t := range toks {
		b = append(b, v.Bytes(t)...)
	}
	return b
}

// TestReplayToolCalls replays realistic tool-call outputs through the
// testdata tool grammars with their families' vocabularies.
func TestReplayToolCalls(t *testing.T) {
	cases := []struct{ file, family, text string }{
		{"llama31_tools.lark", "llama3_1", `<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}<|eom_id|>`},
		{"llama31_tools.lark", "llama3_1", "The weather in Paris is sunny."},
		{"qwen3_tools.lark", "qwen3", "I'll check the weather.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>"},
		{"qwen3_tools.lark", "qwen3", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Oslo\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Rome\"}}\n</tool_call>"},
	}
	for _, tc := range cases {
		t.Run(tc.family+"/"+tc.file, func(t *testing.T) {
			v := loadVocab(t, tc.family)
			file := filepath.Join("..", "..", "testdata", "grammars", tc.file)
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Parse(tc.file, src)
			if err != nil {
				t.Fatal(err)
			}
			p, err := compile.Compile(g, v, compile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			replay(t, runtime.New(p, v), tc.text)
		})
	}
}
