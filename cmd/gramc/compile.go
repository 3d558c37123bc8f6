package main

import (
	"fmt"
	"time"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// compiled is a grammar lowered and precomputed for a vocabulary, with the
// time each stage took.
type compiled struct {
	*runtime.Compiled
	lower time.Duration // IR → automaton
	total time.Duration // lower plus mask precomputation
}

// compileFor lowers g and builds its mask table for v (masks computed on
// first use).
func compileFor(g *grammar.Grammar, v *vocab.Vocabulary) (*compiled, error) {
	start := time.Now()
	p, err := compile.Compile(g, v, compileOptions)
	if err != nil {
		return nil, err
	}
	lower := time.Since(start)
	c := runtime.New(p, v)
	return &compiled{Compiled: c, lower: lower, total: time.Since(start)}, nil
}

type vocabInfo struct {
	Name        string `json:"name"`
	Size        int    `json:"size"`
	LogitsWidth int    `json:"logits_width"`
}

func infoOf(v *vocab.Vocabulary) vocabInfo {
	return vocabInfo{Name: v.Name(), Size: v.Size(), LogitsWidth: v.LogitsWidth()}
}

type compileReport struct {
	Grammar         string    `json:"grammar"`
	Rules           int       `json:"rules"`
	AutomatonRules  int       `json:"automaton_rules"`
	CounterRules    int       `json:"counter_rules"`
	AutomatonStates int       `json:"automaton_states"`
	ByteClasses     int       `json:"byte_classes"`
	TokenSets       int       `json:"token_sets"`
	EagerMasks      int       `json:"eager_masks"`
	UncertainTokens int       `json:"uncertain_tokens"`
	MaskBytes       int64     `json:"mask_bytes"`
	LowerMS         float64   `json:"lower_ms"`
	PrecomputeMS    float64   `json:"precompute_ms"`
	TrieMS          float64   `json:"trie_ms"`
	CompileMS       float64   `json:"compile_ms"`
	Vocab           vocabInfo `json:"vocab"`
}

func runCompile(e *env, args []string) int {
	f := newFlags("compile", "[--grammar FILE] [--tokenizer PATH] [--json]", `
Compile a grammar for a vocabulary and print a summary: grammar rules, the
rules kept as automata, automaton states, byte classes, token sets, the
eagerly precomputed state masks, their uncertain tokens, the precompute time
and memory, and the vocabulary.`)
	f.grammarFlag()
	f.tokenizerFlag()
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	g, name, v, code, ok := f.loadBoth(e)
	if !ok {
		return code
	}
	e.progressf("compiling %s for %s (%d tokens)...", name, v.Name(), v.Size())
	start := time.Now()
	c, err := compileFor(g, v)
	if err != nil {
		return e.fail("compile", exitUsage, err)
	}
	c.Precompute() // report every state's mask
	c.total = time.Since(start)
	r := report(name, g, c)
	if f.json {
		e.writeJSON(r)
		return exitOK
	}
	w := e.stdout
	fmt.Fprintf(w, "grammar           %s\n", r.Grammar)
	fmt.Fprintf(w, "rules             %d (%d kept as automata, %d counted repetitions)\n", r.Rules, r.AutomatonRules, r.CounterRules)
	fmt.Fprintf(w, "automaton states  %d\n", r.AutomatonStates)
	fmt.Fprintf(w, "byte classes      %d\n", r.ByteClasses)
	fmt.Fprintf(w, "token sets        %d\n", r.TokenSets)
	fmt.Fprintf(w, "eager state masks %d\n", r.EagerMasks)
	fmt.Fprintf(w, "uncertain tokens  %d\n", r.UncertainTokens)
	fmt.Fprintf(w, "mask memory       %s\n", byteSize(r.MaskBytes))
	fmt.Fprintf(w, "compile time      %.2f ms (lowering %.2f ms, mask precompute %.2f ms, of which the vocabulary's token trie %.2f ms, built once per vocabulary)\n", r.CompileMS, r.LowerMS, r.PrecomputeMS, r.TrieMS)
	fmt.Fprintf(w, "vocabulary        %s: %d tokens, logits width %d\n", r.Vocab.Name, r.Vocab.Size, r.Vocab.LogitsWidth)
	return exitOK
}

func report(name string, g *grammar.Grammar, c *compiled) compileReport {
	p := c.Prog
	st := c.Table.Stats()
	r := compileReport{
		Grammar:         name,
		Rules:           len(g.Rules),
		AutomatonRules:  len(p.Rules),
		AutomatonStates: p.NumStates(),
		ByteClasses:     p.NumClasses,
		TokenSets:       len(p.TokenSets),
		EagerMasks:      st.States,
		UncertainTokens: st.Uncertain,
		MaskBytes:       st.Bytes,
		LowerMS:         ms(c.lower.Nanoseconds()),
		PrecomputeMS:    ms(st.Precompute.Nanoseconds()),
		TrieMS:          ms(st.Trie.Nanoseconds()),
		CompileMS:       ms(c.total.Nanoseconds()),
		Vocab:           infoOf(c.Vocab),
	}
	for _, rule := range p.Rules {
		if rule.Repeat {
			r.CounterRules++
		}
	}
	return r
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// programFor lowers g without precomputing masks (for byte-level checks).
func programFor(g *grammar.Grammar, v *vocab.Vocabulary) (*automaton.Program, error) {
	return compile.Compile(g, v, compileOptions)
}
