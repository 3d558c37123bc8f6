package main

import (
	"fmt"

	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// tokenText concatenates the bytes of tokens.
func tokenText(v *vocab.Vocabulary, tokens []int32) []byte {
	var b []byte
	for _, t := range tokens {
		b = append(b, v.Bytes(t)...)
	}
	return b
}

type verifyReport struct {
	States        int            `json:"states"`
	TokensChecked int64          `json:"tokens_checked"`
	Mismatches    int            `json:"mismatches"`
	DeadEnds      int            `json:"dead_ends"`
	Details       []mismatchJSON `json:"mismatch_details"`
	Vocab         vocabInfo      `json:"vocab"`
}

type mismatchJSON struct {
	Walk      int     `json:"walk"`
	Step      int     `json:"step"`
	Prefix    []int32 `json:"prefix"`
	Token     int32   `json:"token"`
	FillMask  bool    `json:"fill_mask"`
	Reference bool    `json:"reference"`
}

func runVerify(e *env, args []string) int {
	f := newFlags("verify", "[--grammar FILE] [--tokenizer PATH] [--samples N] [--seed S] [--steps N] [--json]", `
Verify the precomputed masks: along seeded random walks, compare FillMask
with a brute-force reference that feeds every token through the parser, bit
for bit, and check that no allowed token leads to a dead end. Exit 1 on any
mismatch or dead end. The reference costs one parse per token per state, so
large vocabularies take a while.`)
	f.grammarFlag()
	f.tokenizerFlag()
	samples := f.Int("samples", 8, "number of random walks")
	seed := f.Uint64("seed", 1, "random seed")
	steps := f.Int("steps", 64, "maximum tokens per walk")
	maxMismatches := f.Int("max-mismatches", 10, "stop after this many mismatches")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	if *samples <= 0 || *steps <= 0 || *maxMismatches <= 0 {
		return e.errorf(exitUsage, "gramc verify: --samples, --steps and --max-mismatches must be positive")
	}
	g, name, v, code, ok := f.loadBoth(e)
	if !ok {
		return code
	}
	e.progressf("compiling %s for %s (%d tokens)...", name, v.Name(), v.Size())
	c, err := compileFor(g, v)
	if err != nil {
		return e.fail("verify", exitUsage, err)
	}
	e.progressf("verifying %d walks of up to %d tokens...", *samples, *steps)
	res := c.Verify(runtime.VerifyOptions{Walks: *samples, MaxSteps: *steps, Seed: *seed, MaxMismatches: *maxMismatches})
	r := verifyReport{States: res.States, TokensChecked: res.TokensChecked, Mismatches: len(res.Mismatches), DeadEnds: res.DeadEnds, Details: []mismatchJSON{}, Vocab: infoOf(v)}
	for _, m := range res.Mismatches {
		r.Details = append(r.Details, mismatchJSON{m.Walk, m.Step, m.Prefix, m.Token, m.Fast, m.Ref})
	}
	if f.json {
		e.writeJSON(r)
	} else {
		fmt.Fprintf(e.stdout, "states checked  %d\n", r.States)
		fmt.Fprintf(e.stdout, "tokens checked  %d\n", r.TokensChecked)
		fmt.Fprintf(e.stdout, "mismatches      %d\n", r.Mismatches)
		for _, m := range res.Mismatches {
			fmt.Fprintf(e.stdout, "  walk %d step %d: token %d %q: FillMask=%v reference=%v (after %d tokens: %q)\n",
				m.Walk, m.Step, m.Token, v.Bytes(m.Token), m.Fast, m.Ref, len(m.Prefix), tokenText(v, m.Prefix))
		}
		fmt.Fprintf(e.stdout, "dead ends       %d\n", r.DeadEnds)
	}
	if r.Mismatches > 0 || r.DeadEnds > 0 {
		return exitNo
	}
	return exitOK
}
