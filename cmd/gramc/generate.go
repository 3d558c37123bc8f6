package main

import (
	"errors"
	"flag"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/mask/cuda"
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
	shortest  int        // the shortest output, in bytes (CompletionCost at the start)
	eos       int32      // the primary EOS id, or -1

	k      *mask.Mask
	words  []uint64 // allowed text tokens of the current step
	prefix []int    // allowed text tokens in words[:i]
	count  int      // allowed text tokens
	cands  []int32  // scratch
}

func newGenerator(c *runtime.Compiled, maxTokens int) *generator {
	v := c.Vocab
	gen := &generator{c: c, v: v, maxTokens: maxTokens, eos: -1, k: c.NewMask(), byteToken: v.ByteTokens(),
		shortest: c.NewMatcher().Parser().CompletionCost()}
	if eos := v.EOS(); len(eos) > 0 {
		gen.eos = eos[0]
	}
	return gen
}

// sample walks the masks once: each step fills the mask and picks an
// allowed token, until EOS is picked (after at most maxTokens text tokens).
//
// Early on the pick is uniform among the allowed text tokens, with EOS
// taken with probability 1/2 whenever it is allowed. From half of the
// token budget on, or while the bytes still needed to complete the grammar
// (automaton.Parser.CompletionCost) exceed half of the remaining budget,
// the walk heads for the end: EOS when allowed, otherwise, among up to 64
// random allowed tokens plus the single-byte token that starts a shortest
// completion, the one whose acceptance leaves the smallest completion cost
// (ties broken at random).
//
// The walk never takes a token after which the completion cost exceeds
// the text tokens left: CompletionCost is exact (the shortest completion,
// permutations included), so the single-byte token that starts a shortest
// completion always lowers it by one, and a walk that starts within budget
// always ends with EOS within budget. A walk that starts over budget (the
// shortest output is longer, in bytes, than maxTokens) heads for the end at
// once and may still fit thanks to multi-byte tokens; one that runs out,
// or a vocabulary without single-byte tokens for some bytes, is reported
// as errUnfinished.
func (gen *generator) sample(r *rand.Rand) ([]int32, error) {
	m := gen.c.NewMatcher()
	var out []int32
	cost := gen.shortest // the completion cost of the current state
	for {
		m.FillMask(gen.k)
		eosOK := gen.collect()
		if gen.count == 0 && !eosOK {
			return nil, fmt.Errorf("dead end after %d tokens: no token is allowed", len(out))
		}
		remaining := gen.maxTokens - len(out)
		if cost < 0 {
			cost = m.Parser().CompletionCost()
		}
		if remaining <= 0 {
			if eosOK {
				t := gen.eosOf()
				if err := m.Accept(t); err != nil {
					return nil, fmt.Errorf("EOS token %d was allowed by the mask but Accept failed: %v", t, err)
				}
				return out, nil
			}
			return nil, errUnfinished
		}
		late := len(out) >= gen.maxTokens/2 || cost > remaining/2
		var t int32
		switch {
		case eosOK && (late || gen.count == 0 || r.IntN(2) == 0):
			t = gen.eosOf()
		case !late:
			t = gen.pick(r)
			if err := m.Accept(t); err != nil {
				return nil, fmt.Errorf("token %d (%q) was allowed by the mask but Accept failed: %v", t, gen.v.Bytes(t), err)
			}
			if m.Terminated() {
				out, cost = append(out, t), -1
				continue
			}
			if c := m.Parser().CompletionCost(); c <= remaining-1 {
				out, cost = append(out, t), c
				continue
			}
			m.Rollback(1) // over budget afterwards: head for the end instead
			t = gen.finish(m, r)
		default:
			t = gen.finish(m, r)
		}
		if err := m.Accept(t); err != nil {
			return nil, fmt.Errorf("token %d (%q) was allowed by the mask but Accept failed: %v", t, gen.v.Bytes(t), err)
		}
		if m.Terminated() {
			return out, nil
		}
		out, cost = append(out, t), -1
	}
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

// pick returns a random allowed text token, preferring (three times in
// four, when a few random draws find one) tokens of printable ASCII, so
// that samples are readable; any allowed token remains possible.
func (gen *generator) pick(r *rand.Rand) int32 {
	t := gen.nth(r.IntN(gen.count))
	if r.IntN(4) == 0 {
		return t
	}
	for range 16 {
		if printableASCII(gen.v.Bytes(t)) {
			return t
		}
		t = gen.nth(r.IntN(gen.count))
	}
	return t
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return len(b) > 0
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
	b, _ := ps.CheapestByte(func(b byte) bool { return gen.byteToken[b] >= 0 })
	if b < 0 {
		return -1
	}
	return gen.byteToken[b]
}

// generate produces sample i: attempt a walks with the PCG stream
// (seed+a, i), retried while a walk reaches the token limit, and the
// output is rechecked. It returns the tokens and the attempts made; an
// error wrapping errUnfinished says the budget ran out on every attempt
// (naming the shortest output when the budget is below it).
func (gen *generator) generate(seed uint64, i int) ([]int32, int, error) {
	var tokens []int32
	err := errUnfinished
	tries := maxRetries
	if gen.shortest > gen.maxTokens {
		tries = 1 // only multi-byte tokens can make it fit: no use retrying
	}
	a := 0
	for ; a < tries && errors.Is(err, errUnfinished); a++ {
		r := rand.New(rand.NewPCG(seed+uint64(a), uint64(i)))
		tokens, err = gen.sample(r)
	}
	if err == nil {
		err = gen.recheck(tokens)
	}
	if errors.Is(err, errUnfinished) {
		err = gen.unfinished(i, err)
	}
	return tokens, a, err
}

// unfinished is the error of sample i that ran out of its token budget
// (err wraps errUnfinished): the budget is below the shortest valid
// output, or every attempt ran out.
func (gen *generator) unfinished(i int, err error) error {
	if gen.shortest > gen.maxTokens {
		return fmt.Errorf("sample %d: %w: --max-tokens %d is below the shortest valid output (%d bytes)", i, err, gen.maxTokens, gen.shortest)
	}
	return fmt.Errorf("sample %d: %w after %d attempts of %d tokens", i, err, maxRetries, gen.maxTokens)
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
	f := newFlags("generate", "[--grammar FILE] [--tokenizer PATH] [-n N] [--seed S] [--max-tokens N] [--device cpu|cuda|auto] [--batch N] [--temperature T] [--top-k K] [--top-p P] [--json]", `
Sample random outputs through the token masks: each step fills the mask,
picks a random allowed token and accepts it, until EOS is picked. Past half
of --max-tokens the walk heads for the shortest completion. A sample that
reaches --max-tokens without EOS is retried with the next seed, up to 5
times, then the command fails (exit 1). Every output is checked again
against the grammar before it is printed. Without --json each output is
printed followed by a newline; with --json a JSON array of the outputs.

With --device (or --batch, --temperature, --top-k, --top-p) the outputs
come from the batched decoder instead: a seeded random-logits model, --batch
sequences at a time, masks applied and tokens sampled on the GPU (--device
cuda; auto falls back to the CPU with a message when CUDA is unavailable)
or on the CPU with the same semantics, forced continuations inserted
without sampling (jump-forward). Greedy by default; the same --seed gives
the same outputs on the CPU and the GPU.`)
	f.grammarFlag()
	f.tokenizerFlag()
	n := f.Int("n", 1, "number of outputs")
	seed := f.Uint64("seed", 1, "random seed (sample i, attempt a uses the PCG stream (seed+a, i))")
	maxTokens := f.Int("max-tokens", 256, "maximum tokens per output (EOS excluded)")
	var dec decodeFlags
	dec.register(f)
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	if *n < 0 || *maxTokens <= 0 {
		return e.errorf(exitUsage, "gramc generate: -n must be >= 0 and --max-tokens positive")
	}
	if err := dec.validate(f); err != nil {
		return e.errorf(exitUsage, "gramc generate: %s", errText(err))
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
	if dec.enabled {
		return dec.run(e, f, gen, *n, *seed)
	}
	texts := make([]string, 0, *n)
	for i := range *n {
		tokens, _, err := gen.generate(*seed, i)
		if err != nil {
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

// decodeFlags are generate's batched-decoder options.
type decodeFlags struct {
	device      string
	batch       int
	temperature float64
	topK        int
	topP        float64
	enabled     bool // the decoder path was asked for
	params      cuda.SampleParams
}

func (d *decodeFlags) register(f *flags) {
	f.StringVar(&d.device, "device", "", "decode with the batched decoder on `dev`: cpu, cuda, or auto (CUDA when available)")
	f.IntVar(&d.batch, "batch", 0, "decoder batch size (default min(n, 64); implies --device cpu when --device is not given)")
	f.Float64Var(&d.temperature, "temperature", 0, "decoder sampling temperature (0: greedy)")
	f.IntVar(&d.topK, "top-k", 0, "decoder top-k (0: off; at most 256)")
	f.Float64Var(&d.topP, "top-p", 1, "decoder top-p (1: off)")
}

func (d *decodeFlags) validate(f *flags) error {
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	d.enabled = set["device"] || set["batch"] || set["temperature"] || set["top-k"] || set["top-p"]
	if !d.enabled {
		return nil
	}
	switch d.device {
	case "":
		d.device = "cpu"
	case "cpu", "cuda", "auto":
	default:
		return fmt.Errorf("--device %q (want cpu, cuda or auto)", d.device)
	}
	if d.batch < 0 {
		return fmt.Errorf("--batch must be >= 0")
	}
	d.params = cuda.SampleParams{Temperature: float32(d.temperature), TopK: d.topK, TopP: float32(d.topP)}
	return d.params.Validate()
}

// openDevice opens GPU 0 for --device cuda|auto: nil for the CPU (with a
// message on stderr when auto falls back), or an error for cuda.
func openDevice(e *env, cmd, device string) (*cuda.Device, error) {
	if device == "cpu" {
		return nil, nil
	}
	d, err := cuda.Open(0)
	if err == nil {
		return d, nil
	}
	if device == "auto" {
		fmt.Fprintf(e.stderr, "gramc %s: CUDA unavailable (%s); decoding on the CPU\n", cmd, errText(err))
		return nil, nil
	}
	return nil, err
}

// errText is err's message without the "gramc: " of library errors (the
// CLI prefixes its own).
func errText(err error) string { return strings.TrimPrefix(err.Error(), "gramc: ") }

// decodeEOSBias is added to the random model's EOS logits, so that
// outputs end soon once the grammar allows it.
const decodeEOSBias = 6

// run generates n outputs with the decoder: sequence i of attempt a is
// keyed by decodeSeed(seed, a, i); outputs that hit --max-tokens are
// retried (up to maxRetries attempts).
func (d *decodeFlags) run(e *env, f *flags, gen *generator, n int, seed uint64) int {
	dev, err := openDevice(e, "generate", d.device)
	if err != nil {
		return e.errorf(exitUsage, "gramc generate: %s", errText(err))
	}
	where := "the CPU"
	if dev != nil {
		defer dev.Close()
		where = dev.Info().Name
	}
	v := gen.v
	model := &runtime.RandomModel{Seed: seed, Vocab: v.LogitsWidth(), Bias: &cuda.RandomBias{IDs: v.EOS()[:min(len(v.EOS()), cuda.MaxBias)], Value: decodeEOSBias}}
	dc, err := runtime.NewDecoder(gen.c, model, runtime.DecoderOptions{MaxTokens: gen.maxTokens, Sampling: d.params, Device: dev})
	if err != nil {
		return e.fail("generate", exitUsage, err)
	}
	defer dc.Close()
	batch := d.batch
	if batch == 0 {
		batch = min(max(n, 1), 64)
	}
	e.progressf("decoding %d outputs in batches of %d on %s...", n, batch, where)
	texts := make([]string, n)
	todo := make([]int, n)
	for i := range todo {
		todo[i] = i
	}
	for a := 0; a < maxRetries && len(todo) > 0; a++ {
		var next []int
		for start := 0; start < len(todo); start += batch {
			ids := todo[start:min(start+batch, len(todo))]
			seeds := make([]uint64, len(ids))
			for j, i := range ids {
				seeds[j] = decodeSeed(seed, a, i)
			}
			res, err := dc.Run(seeds)
			if err != nil {
				return e.fail("generate", exitNo, err)
			}
			for j, r := range res {
				i := ids[j]
				switch {
				case r.Err != nil:
					return e.fail("generate", exitNo, fmt.Errorf("sample %d: %v", i, r.Err))
				case !r.Complete:
					next = append(next, i)
					continue
				}
				if err := gen.recheck(r.Tokens); err != nil {
					return e.fail("generate", exitNo, err)
				}
				texts[i] = string(gen.text(r.Tokens))
				e.progressf("sample %d: %d tokens (%d forced)", i, len(r.Tokens), r.Forced)
			}
		}
		todo = next
	}
	if len(todo) > 0 {
		return e.fail("generate", exitNo, gen.unfinished(todo[0], errUnfinished))
	}
	if s := dc.Stats(); e.progress() && s.Steps > 0 {
		e.progressf("%d steps: forward %.1f ms, masks %.1f ms (overlapped), sampling %.1f ms", s.Steps, ms(s.Forward.Nanoseconds()), ms(s.Prepare.Nanoseconds()), ms(s.Sample.Nanoseconds()))
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

// decodeSeed keys output i of attempt a.
func decodeSeed(seed uint64, a, i int) uint64 {
	return cuda.SplitMix64(cuda.SplitMix64(seed+uint64(a)) + uint64(i))
}
