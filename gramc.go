// Package gramc is a structured-generation engine: it compiles grammars
// (GBNF today; JSON Schema, regex and Lark next) to byte-level pushdown
// automata, precomputes per-state vocabulary masks, and walks them token by
// token so that a sampler only ever picks tokens that keep the output
// inside the grammar.
//
// The five-line decode loop:
//
//	v, _ := gramc.LoadVocabulary("path/to/tokenizer.json")
//	g, _ := gramc.ParseGBNF("json.gbnf", src)
//	c, _ := gramc.Compile(g, v)
//	m, k := c.NewMatcher(), c.NewMask()
//	for !m.Done() { m.FillMask(k); gramc.ApplyMask(logits, k); t := sample(logits); m.Accept(t) }
//
// A Compiled grammar is immutable and safe for concurrent use; a Matcher
// is one sequence's state and is not. Lower-level packages: grammar (the
// IR), grammar/ebnf (GBNF), compile (IR → automaton), automaton (the
// byte-level parser), vocab (tokenizers), mask (precomputed masks),
// runtime (Matcher).
package gramc

import (
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// TokenID is a token id (int32, as in llama.cpp, ollama and XGrammar).
type TokenID = int32

// Core types, re-exported.
type (
	Vocabulary = vocab.Vocabulary
	Grammar    = grammar.Grammar
	Compiled   = runtime.Compiled
	Matcher    = runtime.Matcher
	Mask       = mask.Mask
	Options    = compile.Options
)

// Sentinel errors of the Matcher.
var (
	ErrRejected     = runtime.ErrRejected
	ErrTerminated   = runtime.ErrTerminated
	ErrInvalidToken = runtime.ErrInvalidToken
	ErrTooLarge     = compile.ErrTooLarge
)

// LoadVocabulary loads a tokenizer.json (or .json.gz) file or a folder with
// tokens.txt, special.txt and eos.txt.
func LoadVocabulary(path string) (*Vocabulary, error) { return vocab.Load(path) }

// ByteVocabulary is the embedded default vocabulary: 256 single-byte
// tokens and EOS.
func ByteVocabulary() *Vocabulary { return vocab.ByteLevel() }

// ParseGBNF parses a grammar in llama.cpp's GBNF dialect.
func ParseGBNF(filename string, src []byte) (*Grammar, error) { return ebnf.Parse(filename, src) }

// Compile lowers g to an automaton and precomputes its masks for v.
func Compile(g *Grammar, v *Vocabulary, opts ...Options) (*Compiled, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	p, err := compile.Compile(g, v, o)
	if err != nil {
		return nil, err
	}
	return runtime.New(p, v), nil
}

// NewMask returns an empty mask of width token ids.
func NewMask(width int) *Mask { return mask.New(width) }

// ApplyMask sets every logit whose token the mask disallows to -Inf.
func ApplyMask(logits []float32, k *Mask) { mask.Apply(logits, k) }

// FillMasks fills the masks of many matchers in parallel.
func FillMasks(ms []*Matcher, dst []*Mask, constrained []bool) {
	runtime.FillMasks(ms, dst, constrained)
}
