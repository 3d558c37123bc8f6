// Package gramc is a structured-generation engine: it compiles grammars
// (JSON Schema, GBNF, Lark, ECMA-262 regex) to byte-level pushdown
// automata, computes each state's vocabulary mask once, and walks them
// token by token so that a sampler only ever picks tokens that keep the
// output inside the grammar.
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
// IR), grammar/jsonschema, grammar/ebnf (GBNF), grammar/lark,
// grammar/regex (front ends), compile (IR → automaton), automaton (the
// byte-level parser), vocab (tokenizers), mask (state masks), runtime
// (Matcher, Cache, Decoder).
package gramc

import (
	"crypto/sha256"
	"fmt"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/grammar/jsonschema"
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
	// SchemaOptions choose the JSON Schema dialect, whitespace policy,
	// format assertion and lenient mode.
	SchemaOptions = jsonschema.Options
	// Cache keeps compiled grammars by (key, vocabulary fingerprint).
	Cache = runtime.Cache
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

// Compile lowers g to an automaton for v. State masks are computed the
// first time a Matcher reaches a state; call Precompute on the result to
// compute them all at once.
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

// CompileSchema compiles a JSON Schema for v: the result accepts exactly
// the JSON texts valid for the schema, or the error (an
// *jsonschema.UnsupportedError) names the keyword and JSON pointer that
// cannot be enforced exactly.
func CompileSchema(schema []byte, v *Vocabulary, opts SchemaOptions) (*Compiled, error) {
	p, err := schemaProgram(schema, v, opts)
	if err != nil {
		return nil, err
	}
	return runtime.New(p, v), nil
}

// NewCache returns a cache of at most size compiled grammars.
func NewCache(size int) *Cache { return runtime.NewCache(size) }

// CompileSchemaCached is CompileSchema through cache, keyed by a SHA-256 of
// the schema text and the options: a schema seen before costs a lookup,
// and its masks computed by earlier requests are reused.
func CompileSchemaCached(cache *Cache, schema []byte, v *Vocabulary, opts SchemaOptions) (*Compiled, error) {
	key := fmt.Sprintf("jsonschema:%x:%+v", sha256.Sum256(schema), opts)
	return cache.Get(key, v, func() (*automaton.Program, error) { return schemaProgram(schema, v, opts) })
}

func schemaProgram(schema []byte, v *Vocabulary, opts SchemaOptions) (*automaton.Program, error) {
	g, err := jsonschema.Compile(schema, opts)
	if err != nil {
		return nil, err
	}
	return compile.Compile(g, v, compile.Options{})
}

// NewMask returns an empty mask of width token ids.
func NewMask(width int) *Mask { return mask.New(width) }

// ApplyMask sets every logit whose token the mask disallows to -Inf.
func ApplyMask(logits []float32, k *Mask) { mask.Apply(logits, k) }

// FillMasks fills the masks of many matchers in parallel.
func FillMasks(ms []*Matcher, dst []*Mask, constrained []bool) {
	runtime.FillMasks(ms, dst, constrained)
}
