// Package jsonschema compiles a JSON Schema to a grammar (package grammar)
// that accepts exactly the JSON texts that are valid for the schema, or
// refuses the schema with an *UnsupportedError that names the keyword and
// its JSON pointer. It never drops a constraint silently.
//
// Loading, dialect detection and reference resolution ($ref, $id,
// $anchor, $dynamicRef, $recursiveRef) are done by
// github.com/santhosh-tekuri/jsonschema/v6; the compiler walks the
// compiled *Schema objects. Remote documents come only from
// Options.Remotes (the network is never used); the official meta-schemas
// are embedded in that library.
//
// How a schema becomes a grammar: a schema is a conjunction of "leaves"
// (the schema itself and everything it pulls in through allOf and $ref).
// For each JSON type the compiler computes the leaves' language:
//
//   - scalars (null, boolean, number, string) are regular: every keyword
//     and every combinator (anyOf, oneOf, not, if/then/else) maps to union,
//     intersection and complement (grammar.And, grammar.Not), exactly;
//   - arrays and objects are context-free: anyOf distributes into
//     alternatives, allOf merges keywords (properties, patterns, bounds),
//     objects become grammar.Perm (members in any order, at most once
//     each), and combinators that cannot be resolved exactly are refused;
//   - enum and const make a type's language finite: each candidate value
//     is checked against every leaf by the validator and the survivors'
//     JSON texts (all encodings, numbers by value, keys in any order) form
//     the language.
//
// Each distinct conjunction becomes one grammar rule, so recursive schemas
// give recursive rules.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/regex"
)

// Whitespace is the whitespace policy of the JSON text.
type Whitespace int

const (
	// Compact allows no whitespace at all (the output of JSON.stringify or
	// json.Marshal).
	Compact Whitespace = iota
	// Flexible allows any JSON whitespace ([ \t\n\r]*) between tokens.
	Flexible
	// Bounded allows JSON whitespace between tokens, at most
	// Options.MaxWhitespace characters per gap (default 32: enough for
	// pretty-printed JSON nested 15 deep), so that a model cannot loop on
	// whitespace. The policy for generation.
	Bounded
)

// DefaultMaxWhitespace is Options.MaxWhitespace when it is not set.
const DefaultMaxWhitespace = 32

// Options configure a compilation. The zero value is strict, compact,
// draft 2020-12 for schemas without $schema.
type Options struct {
	// Draft is the dialect of schemas without $schema: "4", "6", "7",
	// "2019-09", "2020-12" (the default) or "v1" (JSON Schema v1, the
	// release after 2020-12; $schema https://json-schema.org/v1).
	// "draft7", "draft-07" and similar spellings are accepted too.
	Draft string
	// Whitespace is the whitespace policy (Compact by default).
	Whitespace Whitespace
	// MaxWhitespace bounds each gap under the Bounded policy.
	MaxWhitespace int
	// AssertFormat makes format an assertion in drafts 2019-09 and
	// 2020-12 too. In drafts 4 to 7 format is asserted by default (as the
	// validator does; the suite's optional/format tests expect it), unless
	// FormatAnnotation is set. An asserted format that cannot be compiled
	// is refused.
	AssertFormat bool
	// FormatAnnotation makes format an annotation in drafts 4 to 7 (the
	// specifications let implementations choose): no format is enforced.
	FormatAnnotation bool
	// Lenient drops or approximates what cannot be compiled exactly
	// instead of refusing, and lists every approximation in
	// Result.Approximations. The grammar may then accept invalid values.
	Lenient bool
	// Remotes maps absolute URLs to JSON documents for $ref resolution
	// (for example the test suite's http://localhost:1234/ remotes).
	// A trailing "#" in a key is ignored.
	Remotes map[string][]byte
	// BaseURL is the retrieval URL of the schema passed to Compile (the
	// base of relative references when the schema has no $id). Default
	// "https://gramc.invalid/schema.json".
	BaseURL string
	// MaxRules bounds the number of grammar rules (default 20,000).
	MaxRules int
}

// DefaultBaseURL is the retrieval URL of a schema compiled from bytes.
const DefaultBaseURL = "https://gramc.invalid/schema.json"

// ErrUnsupported is matched (errors.Is) by every *UnsupportedError.
var ErrUnsupported = errors.New("unsupported")

// ErrUnsatisfiable is returned (wrapped) when no JSON value is valid for
// the schema (for example the schema false): the grammar's language would
// be empty.
var ErrUnsatisfiable = errors.New("the schema accepts no JSON value")

// UnsupportedError says which keyword could not be compiled exactly.
type UnsupportedError struct {
	Keyword string // the keyword, e.g. "uniqueItems"
	Pointer string // where it is: a JSON pointer ("#/properties/a") or an absolute location
	Reason  string // why it is refused
}

func (e *UnsupportedError) Error() string {
	s := fmt.Sprintf("jsonschema: %s at %s is not supported", e.Keyword, e.Pointer)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Approximation is one place where Lenient mode dropped or weakened a
// keyword.
type Approximation struct {
	Keyword, Pointer, Reason string
}

// Result is a compiled schema.
type Result struct {
	Grammar *grammar.Grammar
	// Draft is the dialect of the root schema ("4", "6", "7", "2019-09",
	// "2020-12", "v1").
	Draft string
	// Approximations lists what Lenient mode dropped (empty in strict mode).
	Approximations []Approximation
}

// Compile compiles a schema document to a grammar of the JSON texts that
// are valid for it.
func Compile(schema []byte, opts Options) (*grammar.Grammar, error) {
	r, err := CompileResult(schema, opts)
	if err != nil {
		return nil, err
	}
	return r.Grammar, nil
}

// CompileResult is Compile that also returns the dialect and, in Lenient
// mode, the approximations made.
func CompileResult(schema []byte, opts Options) (*Result, error) {
	base := opts.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	docs := map[string][]byte{}
	for u, d := range opts.Remotes {
		docs[strings.TrimSuffix(u, "#")] = d
	}
	docs[strings.TrimSuffix(base, "#")] = schema
	return compileLocation(base, docs, opts)
}

// CompileURL compiles the schema at url (with an optional fragment), which
// must be one of opts.Remotes.
func CompileURL(url string, opts Options) (*Result, error) {
	docs := map[string][]byte{}
	for u, d := range opts.Remotes {
		docs[strings.TrimSuffix(u, "#")] = d
	}
	return compileLocation(url, docs, opts)
}

// Draft parses a dialect name ("4", "draft4", "draft-04", "2020-12",
// "draft2020-12", a meta-schema URL...) to the library's draft.
func parseDraft(name string) (*sjs.Draft, string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if isV1(n) {
		return sjs.Draft2020, "v1", nil
	}
	switch n {
	case "v1", "1", "draft-next", "next":
		return sjs.Draft2020, "v1", nil
	}
	n = strings.TrimPrefix(n, "draft")
	n = strings.TrimPrefix(n, "-")
	n = strings.TrimPrefix(n, "0")
	switch n {
	case "", "2020-12", "2020":
		return sjs.Draft2020, "2020-12", nil
	case "2019-09", "2019":
		return sjs.Draft2019, "2019-09", nil
	case "7":
		return sjs.Draft7, "7", nil
	case "6":
		return sjs.Draft6, "6", nil
	case "4":
		return sjs.Draft4, "4", nil
	}
	return nil, "", fmt.Errorf("jsonschema: unknown draft %q (want 4, 6, 7, 2019-09, 2020-12 or v1)", name)
}

// ParseDraft normalizes a dialect name ("draft7", "draft-07", "7",
// "2020-12", "v1", ...) to "4", "6", "7", "2019-09", "2020-12" or "v1".
func ParseDraft(name string) (string, error) {
	_, n, err := parseDraft(name)
	return n, err
}

func draftName(v int) string {
	switch v {
	case 4, 6, 7:
		return fmt.Sprint(v)
	case 2019:
		return "2019-09"
	case 2020:
		return "2020-12"
	}
	return fmt.Sprint(v)
}

// mapLoader serves documents from memory; everything else is an error.
type mapLoader struct {
	docs   map[string][]byte
	parsed map[string]any

	// v1 is set when the loader serves the compiler (not the validator):
	// $dynamicRefs of v1 resources are then rewritten and recorded in
	// v1Refs (see scanV1). defaultV1: schemas without $schema are v1.
	v1, defaultV1 bool
	v1Refs        map[string]v1DynRef
}

func (l *mapLoader) Load(url string) (any, error) {
	u := strings.TrimSuffix(url, "#")
	if v, ok := l.parsed[u]; ok {
		return v, nil
	}
	b, ok := l.docs[u]
	if !ok {
		return nil, fmt.Errorf("no such document (remote documents are only read from Options.Remotes): %s", url)
	}
	v, err := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if l.v1 {
		l.scanV1(u, v, l.defaultV1)
	}
	l.parsed[u] = v
	return v, nil
}

// newLibCompiler returns a santhosh-tekuri compiler configured like opts
// and reading only from docs.
func newLibCompiler(docs map[string][]byte, opts Options, regexEngine sjs.RegexpEngine, validator bool) (*sjs.Compiler, *mapLoader, error) {
	d, dn, err := parseDraft(opts.Draft)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := docs[V1MetaSchema]; !ok {
		docs[V1MetaSchema] = v1MetaSchemaDoc
	}
	c := sjs.NewCompiler()
	c.DefaultDraft(d)
	if opts.AssertFormat {
		c.AssertFormat()
	}
	l := &mapLoader{docs: docs, parsed: map[string]any{}, v1: !validator, defaultV1: dn == "v1"}
	c.UseLoader(l)
	if regexEngine != nil {
		c.UseRegexpEngine(regexEngine)
	}
	return c, l, nil
}

func compileLocation(loc string, docs map[string][]byte, opts Options) (*Result, error) {
	lc, loader, err := newLibCompiler(docs, opts, ecmaRegexpEngine, false)
	if err != nil {
		return nil, err
	}
	root, err := lc.Compile(loc)
	if err != nil {
		var ire *sjs.InvalidRegexError
		if errors.As(err, &ire) && errors.Is(ire.Err, regex.ErrUnsupported) {
			kw, ptr := "pattern", ire.URL
			if strings.HasSuffix(ptr, "/patternProperties") {
				kw = "patternProperties"
			}
			if doc, frag, ok := strings.Cut(ptr, "#"); ok && doc == strings.TrimSuffix(loc, "#") {
				ptr = "#" + frag
			}
			return nil, &UnsupportedError{Keyword: kw, Pointer: ptr, Reason: ire.Err.Error()}
		}
		if ue := unsupportedRegex(err); ue != nil {
			return nil, ue
		}
		return nil, fmt.Errorf("jsonschema: %w", err)
	}
	c := newCompiler(opts, lc, loader, loc)
	g, err := c.compileRoot(root)
	if errors.Is(err, errFlatFormats) {
		c = newCompiler(opts, lc, loader, loc)
		c.flatFormats = true
		g, err = c.compileRoot(root)
	}
	if err != nil {
		return nil, err
	}
	draft := draftName(root.DraftVersion)
	if c.v1Root() {
		draft = "v1"
	}
	return &Result{Grammar: g, Draft: draft, Approximations: c.approx}, nil
}

// unsupportedRegex turns a meta-schema validation failure caused by a
// pattern that package regex refuses (a backreference, a lookaround) into
// an *UnsupportedError at the pattern's location.
func unsupportedRegex(err error) *UnsupportedError {
	var sve *sjs.SchemaValidationError
	if !errors.As(err, &sve) {
		return nil
	}
	var ve *sjs.ValidationError
	if !errors.As(sve.Err, &ve) {
		return nil
	}
	var found *UnsupportedError
	var walk func(v *sjs.ValidationError)
	walk = func(v *sjs.ValidationError) {
		if found != nil {
			return
		}
		if len(v.Causes) == 0 {
			loc := v.InstanceLocation
			if len(loc) == 0 {
				return
			}
			kw := loc[len(loc)-1]
			if len(loc) >= 2 && loc[len(loc)-2] == "patternProperties" {
				kw = "patternProperties"
			} else if kw != "pattern" {
				return
			}
			msg := v.Error()
			if !strings.Contains(msg, "not supported") && !strings.Contains(msg, "unsupported") && !strings.Contains(msg, "too large") {
				return // a syntax error: the schema is invalid
			}
			ptr := "#"
			for _, t := range loc {
				ptr += "/" + escapePointer(t)
			}
			found = &UnsupportedError{Keyword: kw, Pointer: ptr, Reason: msg}
			return
		}
		for _, c := range v.Causes {
			walk(c)
		}
	}
	walk(ve)
	return found
}

// Validator compiles schemas with the same loader configuration but the
// library's own (Go) regular expressions: an independent oracle.
type Validator struct{ s *sjs.Schema }

// NewValidator compiles schema for validation with
// santhosh-tekuri/jsonschema (Go regular expressions).
func NewValidator(schema []byte, opts Options) (*Validator, error) {
	return newValidator(schema, opts, nil)
}

// NewECMAValidator is NewValidator with the compiler's ECMA-262 regular
// expressions (package regex), so that patterns mean the same to both.
func NewECMAValidator(schema []byte, opts Options) (*Validator, error) {
	return newValidator(schema, opts, ecmaRegexpEngine)
}

func newValidator(schema []byte, opts Options, engine sjs.RegexpEngine) (*Validator, error) {
	base := opts.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	docs := map[string][]byte{}
	for u, d := range opts.Remotes {
		docs[strings.TrimSuffix(u, "#")] = d
	}
	docs[strings.TrimSuffix(base, "#")] = schema
	lc, _, err := newLibCompiler(docs, opts, engine, true)
	if err != nil {
		return nil, err
	}
	if opts.FormatAnnotation && !opts.AssertFormat {
		// format is an annotation in every draft (the library asserts it
		// in drafts 4 to 7 by default).
		for _, name := range libraryFormats {
			lc.RegisterFormat(&sjs.Format{Name: name, Validate: func(any) error { return nil }})
		}
	}
	s, err := lc.Compile(base)
	if err != nil {
		return nil, err
	}
	return &Validator{s}, nil
}

// libraryFormats are the formats santhosh-tekuri/jsonschema validates.
var libraryFormats = []string{"json-pointer", "relative-json-pointer", "uuid", "duration", "period", "ipv4", "ipv6",
	"hostname", "email", "date", "time", "date-time", "uri", "iri", "uri-reference", "iri-reference", "uri-template", "semver"}

// Valid reports whether the JSON text is valid for the schema.
func (v *Validator) Valid(text []byte) (bool, error) {
	inst, err := sjs.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		return false, err
	}
	return v.s.Validate(inst) == nil, nil
}

// compact returns the compact JSON text of v (keys sorted, numbers as
// json.Number keeps them).
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(b.String())
}
