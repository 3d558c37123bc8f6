package tags

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

var vocabs sync.Map // family → *vocab.Vocabulary

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

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "grammars", "tools", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// familyTests are the tool-call formats, each with its family's
// vocabulary and a realistic output in testdata/grammars/tools.
var familyTests = []struct {
	name, family, text string
	spec               func([]Tool) (Spec, error)
}{
	{"qwen3", "qwen3", "qwen3.txt", Qwen3},
	{"llama3_1", "llama3_1", "llama3_1.txt", Llama31},
	{"generic", "llama3_1", "generic.txt", Generic},
}

// TestToolFormats checks every family format with its vocabulary: the
// exactness oracle (FillMask against the brute-force mask along random
// walks), then a replay of a realistic tool-call output tokenized by the
// vocabulary's encoder, with the masks compared at every step.
func TestToolFormats(t *testing.T) {
	tools, err := ParseTools(testdata(t, "tools.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ft := range familyTests {
		t.Run(ft.name, func(t *testing.T) {
			v := loadVocab(t, ft.family)
			spec, err := ft.spec(tools)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Triggered(spec)
			if err != nil {
				t.Fatal(err)
			}
			p, err := compile.Compile(g, v, compile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			c := runtime.New(p, v)
			res := c.Verify(runtime.VerifyOptions{Walks: 2, MaxSteps: 10, Seed: 3})
			if len(res.Mismatches) > 0 || res.DeadEnds > 0 {
				t.Fatalf("%d mismatches, %d dead ends: %v", len(res.Mismatches), res.DeadEnds, res.Mismatches)
			}
			replay(t, c, string(testdata(t, ft.text)))
		})
	}
}

// TestBoundedFreeText checks the byte budget of free text with a real
// vocabulary, where tokens of several bytes meet the bound.
func TestBoundedFreeText(t *testing.T) {
	v := loadVocab(t, "llama3_1")
	g, err := Triggered(Spec{Tags: []Tag{{Begin: Marker{Text: "<tool_call>"}, Content: mustGBNF(t, `root ::= [0-9]+ "</tool_call>"`)}}, MaxFreeBytes: 10})
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Compile(g, v, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := runtime.New(p, v)
	res := c.Verify(runtime.VerifyOptions{Walks: 2, MaxSteps: 8, Seed: 5})
	if len(res.Mismatches) > 0 || res.DeadEnds > 0 {
		t.Fatalf("%d mismatches, %d dead ends: %v", len(res.Mismatches), res.DeadEnds, res.Mismatches)
	}
	replay(t, c, "Ten bytes!<tool_call>42</tool_call>")
	toks, _ := v.Encode("Eleven byte")
	m := c.NewMatcher()
	for _, tok := range toks {
		if m.Accept(tok) != nil {
			return
		}
	}
	t.Error("11 bytes of free text accepted")
}

// replay accepts text token by token, comparing FillMask with the
// brute-force mask before each token, and checks that EOS is allowed at
// the end.
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
			t.Fatalf("step %d: token %d %q not allowed", i, tok, v.Bytes(tok))
		}
		if err := m.Accept(tok); err != nil {
			t.Fatalf("step %d: Accept(%d): %v", i, tok, err)
		}
	}
	m.FillMask(fast)
	if !m.CanStop() || !fast.Has(v.EOS()[0]) {
		t.Fatalf("EOS not allowed after %q", text)
	}
}
