package main

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"sort"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// Generation parameters.
const (
	maxRetries = 5  // attempts per sample before giving up
	candidates = 64 // tokens scored per step once the walk must finish
)

// errUnfinished: the walk reached --max-tokens without EOS.
var errUnfinished = errors.New("reached the token limit without completing the grammar")

// generator samples random outputs by walking the token masks.
type generator struct {
	c         *runtime.Compiled
	v         *vocab.Vocabulary
	maxTokens int
	byteToken [256]int32 // the single-byte text token of each byte, or -1
	eos       int32      // the primary EOS id, or -1

	k      *mask.Mask
	words  []uint64 // allowed text tokens of the current step
	prefix []int    // allowed text tokens in words[:i]
	count  int      // allowed text tokens
	cands  []int32  // scratch
}

func newGenerator(c *runtime.Compiled, maxTokens int) *generator {
	v := c.Vocab
	gen := &generator{c: c, v: v, maxTokens: maxTokens, eos: -1, k: c.NewMask()}
	for i := range gen.byteToken {
		gen.byteToken[i] = -1
	}
	for t := range int32(v.Size()) {
		if b := v.Bytes(t); v.Normal(t) && len(b) == 1 && gen.byteToken[b[0]] < 0 {
			gen.byteToken[b[0]] = t
		}
	}
	if eos := v.EOS(); len(eos) > 0 {
		gen.eos = eos[0]
	}
	return gen
}

// sample walks the masks once: each step fills the mask and picks an
// allowed token, until EOS is picked or maxTokens text tokens were taken.
//
// Early on the pick is uniform among the allowed text tokens, with EOS
// taken with probability 1/2 whenever it is allowed. From half of the
// token budget on, or while the bytes still needed to complete the grammar
// (automaton.Parser.CompletionCost) exceed half of the remaining budget,
// the walk heads for the end: EOS when allowed, otherwise, among up to 64
// random allowed tokens plus the single-byte token that starts a shortest
// completion, the one whose acceptance leaves the smallest completion cost
// (ties broken at random).
func (gen *generator) sample(r *rand.Rand) ([]int32, error) {
	m := gen.c.NewMatcher()
	var out []int32
	for len(out) < gen.maxTokens {
		m.FillMask(gen.k)
		eosOK := gen.collect()
		if gen.count == 0 && !eosOK {
			return nil, fmt.Errorf("dead end after %d tokens: no token is allowed", len(out))
		}
		remaining := gen.maxTokens - len(out)
		late := len(out) >= gen.maxTokens/2 || m.Parser().CompletionCost() > remaining/2
		var t int32
		switch {
		case eosOK && (late || gen.count == 0 || r.IntN(2) == 0):
			t = gen.eosOf()
		case !late:
			t = gen.nth(r.IntN(gen.count))
		default:
			t = gen.finish(m, r)
		}
		if err := m.Accept(t); err != nil {
			return nil, fmt.Errorf("token %d (%q) was allowed by the mask but Accept failed: %v", t, gen.v.Bytes(t), err)
		}
		if m.Terminated() {
			return out, nil
		}
		out = append(out, t)
	}
	return nil, errUnfinished
}

// collect copies the allowed text tokens of gen.k into gen.words (EOS ids
// and ids past the vocabulary cleared), counts them per word for nth, and
// reports whether an EOS token is allowed.
func (gen *generator) collect() (eosOK bool) {
	words := gen.k.Words()
	if len(gen.words) != len(words) {
		gen.words = make([]uint64, len(words))
		gen.prefix = make([]int, len(words))
	}
	copy(gen.words, words)
	for _, t := range gen.v.EOS() {
		if w, bit := int(t)>>6, uint64(1)<<(uint(t)&63); w < len(gen.words) && gen.words[w]&bit != 0 {
			eosOK = true
			gen.words[w] &^= bit
		}
	}
	for t := gen.v.Size(); t < len(gen.words)*64; t++ {
		gen.words[t>>6] &^= 1 << (uint(t) & 63)
	}
	gen.count = 0
	for i, w := range gen.words {
		gen.prefix[i] = gen.count
		gen.count += bits.OnesCount64(w)
	}
	return eosOK
}

// nth returns the n-th allowed text token (0 <= n < gen.count), in id order.
func (gen *generator) nth(n int) int32 {
	i := sort.Search(len(gen.prefix), func(i int) bool { return gen.prefix[i] > n }) - 1
	w := gen.words[i]
	for rank := n - gen.prefix[i]; rank > 0; rank-- {
		w &= w - 1
	}
	return int32(i*64 + bits.TrailingZeros64(w))
}

// eosOf returns an allowed EOS id: the primary one if the mask allows it.
func (gen *generator) eosOf() int32 {
	if gen.eos >= 0 && gen.k.Has(gen.eos) {
		return gen.eos
	}
	for _, t := range gen.v.EOS() {
		if gen.k.Has(t) {
			return t
		}
	}
	return gen.eos
}

// finish picks the candidate token that leaves the smallest completion cost.
func (gen *generator) finish(m *runtime.Matcher, r *rand.Rand) int32 {
	cands := gen.cands[:0]
	if gen.count <= candidates {
		for n := range gen.count {
			cands = append(cands, gen.nth(n))
		}
		r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	} else {
		// 64 distinct tokens, uniformly, in random order.
		seen := make(map[int]bool, candidates)
		for len(cands) < candidates {
			if n := r.IntN(gen.count); !seen[n] {
				seen[n] = true
				cands = append(cands, gen.nth(n))
			}
		}
	}
	if t := gen.bestByteToken(m.Parser()); t >= 0 && gen.k.Has(t) {
		cands = append(cands, t)
	}
	best, bestCost := int32(-1), automaton.NoCompletion
	for _, t := range cands {
		if m.Accept(t) != nil {
			continue
		}
		cost := m.Parser().CompletionCost()
		m.Rollback(1)
		if best < 0 || cost < bestCost {
			best, bestCost = t, cost
		}
	}
	gen.cands = cands
	if best < 0 {
		return gen.nth(0)
	}
	return best
}

// bestByteToken returns the single-byte token of a byte that starts a
// shortest completion, or -1.
func (gen *generator) bestByteToken(ps *automaton.Parser) int32 {
	next := ps.NextBytes()
	best, bestCost := int32(-1), automaton.NoCompletion
	for b := range 256 {
		if !next.Has(byte(b)) || gen.byteToken[b] < 0 || !ps.Push(byte(b)) {
			continue
		}
		cost := ps.CompletionCost()
		ps.Pop()
		if cost < bestCost {
			best, bestCost = gen.byteToken[b], cost
		}
	}
	return best
}

// text returns the bytes of tokens.
func (gen *generator) text(tokens []int32) []byte { return tokenText(gen.v, tokens) }

// recheck matches the output again, independently of the masks: bytes
// through a fresh byte-level parser, or, when a token terminal produced a
// special token, the tokens through a fresh matcher.
func (gen *generator) recheck(tokens []int32) error {
	normal := true
	for _, t := range tokens {
		normal = normal && gen.v.Normal(t)
	}
	if normal {
		if r := matchText(gen.c.Prog, gen.text(tokens)); !r.Match {
			return fmt.Errorf("internal error: generated text does not match the grammar at byte %d (found %s)", r.Offset, r.Found)
		}
		return nil
	}
	m := gen.c.NewMatcher()
	for i, t := range tokens {
		if err := m.Accept(t); err != nil {
			return fmt.Errorf("internal error: generated token %d (#%d) rejected on replay: %v", t, i, err)
		}
	}
	if !m.CanStop() {
		return fmt.Errorf("internal error: generated tokens do not complete the grammar")
	}
	return nil
}

func runGenerate(e *env, args []string) int {
	f := newFlags("generate", "[--grammar FILE] [--tokenizer PATH] [-n N] [--seed S] [--max-tokens N] [--json]", `
Sample random outputs through the token masks: each step fills the mask,
picks a random allowed token and accepts it, until EOS is picked. Past half
of --max-tokens the walk heads for the shortest completion. A sample that
reaches --max-tokens without EOS is retried with the next seed, up to 5
times, then the command fails (exit 1). Every output is checked again
against the grammar before it is printed. Without --json each output is
printed followed by a newline; with --json a JSON array of the outputs.`)
	f.grammarFlag()
	f.tokenizerFlag()
	n := f.Int("n", 1, "number of outputs")
	seed := f.Uint64("seed", 1, "random seed (sample i, attempt a uses the PCG stream (seed+a, i))")
	maxTokens := f.Int("max-tokens", 256, "maximum tokens per output (EOS excluded)")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	if *n < 0 || *maxTokens <= 0 {
		return e.errorf(exitUsage, "gramc generate: -n must be >= 0 and --max-tokens positive")
	}
	g, name, v, code, ok := f.loadBoth(e)
	if !ok {
		return code
	}
	e.progressf("compiling %s for %s (%d tokens)...", name, v.Name(), v.Size())
	c, err := compileFor(g, v)
	if err != nil {
		return e.fail("generate", exitUsage, err)
	}
	gen := newGenerator(c.Compiled, *maxTokens)
	texts := make([]string, 0, *n)
	for i := range *n {
		var tokens []int32
		err := errUnfinished
		for a := 0; a < maxRetries && errors.Is(err, errUnfinished); a++ {
			r := rand.New(rand.NewPCG(*seed+uint64(a), uint64(i)))
			tokens, err = gen.sample(r)
		}
		if err == nil {
			err = gen.recheck(tokens)
		}
		if err != nil {
			if errors.Is(err, errUnfinished) {
				err = fmt.Errorf("sample %d: %w after %d attempts of %d tokens", i, err, maxRetries, *maxTokens)
			}
			return e.fail("generate", exitNo, err)
		}
		texts = append(texts, string(gen.text(tokens)))
		e.progressf("sample %d: %d tokens", i, len(tokens))
	}
	if f.json {
		e.writeJSON(texts)
		return exitOK
	}
	for _, t := range texts {
		fmt.Fprintln(e.stdout, t)
	}
	return exitOK
}
