package runtime_test

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/gramc/gramc/mask/cuda"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

const decoderGrammar = `root ::= "{\"id\": " num ", \"tags\": [" tag ("," tag)* "]}"
num ::= [1-9] [0-9]*
tag ::= "\"" [a-z]+ "\""`

// decodeVocab: the small vocabulary plus a few multi-byte tokens, with
// the EOS bias of the test model making EOS likely where allowed.
func decodeModel(v *vocab.Vocabulary, seed uint64) *runtime.RandomModel {
	return &runtime.RandomModel{Seed: seed, Vocab: v.LogitsWidth(), Bias: &cuda.RandomBias{IDs: v.EOS(), Value: 6}}
}

// checkOutputs verifies that every complete output matches the grammar.
func checkOutputs(t *testing.T, c *runtime.Compiled, res []runtime.SeqResult) {
	t.Helper()
	for i, r := range res {
		if r.Err != nil {
			t.Errorf("sequence %d: %v", i, r.Err)
			continue
		}
		m := c.NewMatcher()
		for _, tok := range r.Tokens {
			if err := m.Accept(tok); err != nil {
				t.Fatalf("sequence %d: token %d rejected on replay: %v", i, tok, err)
			}
		}
		if r.Complete && !m.CanStop() {
			t.Errorf("sequence %d complete but the grammar cannot stop", i)
		}
	}
}

func text(v *vocab.Vocabulary, toks []int32) string {
	var b []byte
	for _, t := range toks {
		b = append(b, v.Bytes(t)...)
	}
	return string(b)
}

func TestDecoderGreedy(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, decoderGrammar)
	d, err := runtime.NewDecoder(c, decodeModel(v, 1), runtime.DecoderOptions{MaxTokens: 200})
	if err != nil {
		t.Fatal(err)
	}
	seeds := []uint64{1, 2, 3, 4, 5}
	res, err := d.Run(seeds)
	if err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, c, res)
	complete, forced := 0, 0
	for _, r := range res {
		if r.Complete {
			complete++
		}
		forced += r.Forced
	}
	if complete == 0 || forced == 0 {
		t.Errorf("%d complete, %d forced tokens: %+v", complete, forced, res)
	}
	if s := d.Stats(); s.Steps == 0 || len(s.StepTimes) != s.Steps {
		t.Errorf("stats %+v", s)
	}

	// The same seeds give the same outputs; a sequence's output does not
	// depend on the rest of the batch; overlap does not change anything.
	again, _ := d.Run(seeds)
	d2, _ := runtime.NewDecoder(c, decodeModel(v, 1), runtime.DecoderOptions{MaxTokens: 200, NoOverlap: true})
	alone, err := d2.Run(seeds[2:3])
	if err != nil {
		t.Fatal(err)
	}
	for i := range res {
		if !slices.Equal(res[i].Tokens, again[i].Tokens) {
			t.Errorf("sequence %d differs between runs", i)
		}
	}
	if !slices.Equal(res[2].Tokens, alone[0].Tokens) {
		t.Errorf("sequence 2 in a batch: %q, alone: %q", text(v, res[2].Tokens), text(v, alone[0].Tokens))
	}
}

func TestDecoderJumpForward(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, decoderGrammar)
	for _, nojf := range []bool{false, true} {
		d, _ := runtime.NewDecoder(c, decodeModel(v, 3), runtime.DecoderOptions{MaxTokens: 300, NoJumpForward: nojf})
		res, err := d.Run([]uint64{10, 11, 12})
		if err != nil {
			t.Fatal(err)
		}
		checkOutputs(t, c, res)
		for i, r := range res {
			if nojf && r.Forced != 0 || !nojf && r.Forced < len(`{"id": `) {
				t.Errorf("no jump-forward %v, sequence %d: %d forced tokens of %d: %q", nojf, i, r.Forced, len(r.Tokens), text(v, r.Tokens))
			}
		}
		if !nojf {
			// Steps: the forced prefix costs one step, not one per byte.
			if s := d.Stats(); s.Steps > 300-len(`{"id": `) {
				t.Errorf("%d steps", s.Steps)
			}
		}
	}
}

func TestDecoderSampling(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, decoderGrammar)
	for _, p := range []cuda.SampleParams{{Temperature: 1}, {Temperature: 0.8, TopK: 5, TopP: 0.9}, {Temperature: 1.2, TopP: 0.5}} {
		d, err := runtime.NewDecoder(c, decodeModel(v, 5), runtime.DecoderOptions{MaxTokens: 150, Sampling: p})
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Run([]uint64{1, 2, 3, 4})
		if err != nil {
			t.Fatal(err)
		}
		checkOutputs(t, c, res)
		if slices.Equal(res[0].Tokens, res[1].Tokens) && slices.Equal(res[1].Tokens, res[2].Tokens) {
			t.Errorf("%+v: identical samples", p)
		}
	}
	if _, err := runtime.NewDecoder(c, decodeModel(v, 5), runtime.DecoderOptions{Sampling: cuda.SampleParams{TopK: -1}}); !errors.Is(err, cuda.ErrParams) {
		t.Errorf("bad params: %v", err)
	}
}

func TestDecoderLimits(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= [a-z]+`)
	// EOS never wins: every sequence runs to MaxTokens, and ends there
	// complete (with EOS) since the grammar can stop (issue 3).
	m := &runtime.RandomModel{Seed: 1, Vocab: v.LogitsWidth(), Bias: &cuda.RandomBias{IDs: v.EOS(), Value: float32(math.Inf(-1))}}
	d, _ := runtime.NewDecoder(c, m, runtime.DecoderOptions{MaxTokens: 7})
	res, err := d.Run([]uint64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, c, res)
	for i, r := range res {
		if len(r.Tokens) != 7 || !r.Complete {
			t.Errorf("sequence %d: %d tokens, complete %v", i, len(r.Tokens), r.Complete)
		}
	}
	// Unconstrained: any token, EOS forced by a huge bias ends at once.
	m = &runtime.RandomModel{Seed: 1, Vocab: v.LogitsWidth(), Bias: &cuda.RandomBias{IDs: v.EOS(), Value: 100}}
	d, _ = runtime.NewDecoder(c, m, runtime.DecoderOptions{MaxTokens: 7, Unconstrained: true})
	res, err = d.Run([]uint64{1})
	if err != nil || len(res[0].Tokens) != 0 || !res[0].Complete {
		t.Errorf("unconstrained with EOS bias: %+v, %v", res, err)
	}
	// A dead end: the grammar's only token is padding-free but masked out
	// by nothing; a model of the wrong width is refused.
	if _, err := runtime.NewDecoder(c, &runtime.RandomModel{Vocab: 3}, runtime.DecoderOptions{}); !errors.Is(err, cuda.ErrShape) {
		t.Errorf("wrong width: %v", err)
	}
}

// A vocabulary with a special token that is not EOS: an unconstrained
// row (FillMask false) must still not sample it.
func TestDecoderSpecialTokens(t *testing.T) {
	v := smallVocab(t) // has <tool> (special, not EOS)
	c := compileGBNF(t, v, `root ::= [\x00-\xff]*`)
	m := &runtime.RandomModel{Seed: 9, Vocab: v.LogitsWidth(), Bias: &cuda.RandomBias{IDs: []int32{int32(v.Size() - 2)}, Value: 50}}
	d, _ := runtime.NewDecoder(c, m, runtime.DecoderOptions{MaxTokens: 20})
	res, err := d.Run([]uint64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, c, res)
	for _, r := range res {
		for _, tok := range r.Tokens {
			if v.IsSpecial(tok) {
				t.Fatalf("sampled special token %d", tok)
			}
		}
	}
}

type badModel struct{ w int }

func (m badModel) Width() int                               { return m.w }
func (m badModel) Forward(ids [][]int32) ([]float32, error) { return make([]float32, 3), nil }

func TestDecoderModelErrors(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "a"+`)
	d, _ := runtime.NewDecoder(c, badModel{v.LogitsWidth()}, runtime.DecoderOptions{})
	if _, err := d.Run([]uint64{1}); !errors.Is(err, runtime.ErrModel) {
		t.Errorf("short logits: %v", err)
	}
}

func TestSpin(t *testing.T) {
	start := time.Now()
	runtime.Spin(2 * time.Millisecond)
	if el := time.Since(start); el < 2*time.Millisecond || el > 50*time.Millisecond {
		t.Errorf("Spin(2ms) took %v", el)
	}
}

// TestDecoderBudget: the budget guard keeps every row completable within
// MaxTokens, even when the model never picks EOS and the grammar needs a
// long tail and nested brackets (issue 3).
func TestDecoderBudget(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "[" ( [a-z]+ | root ) "]" "0123456789"`)
	m := &runtime.RandomModel{Seed: 3, Vocab: v.LogitsWidth(), Bias: &cuda.RandomBias{IDs: v.EOS(), Value: float32(math.Inf(-1))}}
	for _, max := range []int{13, 14, 20, 40} {
		d, _ := runtime.NewDecoder(c, m, runtime.DecoderOptions{MaxTokens: max, NoJumpForward: max == 20})
		seeds := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
		res, err := d.Run(seeds)
		if err != nil {
			t.Fatal(err)
		}
		checkOutputs(t, c, res)
		for i, r := range res {
			if !r.Complete || r.Err != nil || len(r.Tokens) > max {
				t.Errorf("max %d, sequence %d: %d tokens, complete %v, err %v", max, i, len(r.Tokens), r.Complete, r.Err)
			}
		}
	}
}
