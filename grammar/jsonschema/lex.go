package jsonschema

// The lexical layer: JSON numbers and strings come from package jsonlex,
// patterns from package regex (ECMA-262 search semantics) escaped to JSON
// string content by jsonlex.Escape.

import (
	"fmt"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/jsonschema/jsonlex"
	"github.com/gramc/gramc/grammar/regex"
)

type numBounds = jsonlex.Bounds

func lexNumber(b numBounds) (grammar.Expr, error) { return jsonlex.Number(b) }
func lexChar() grammar.Expr                       { return jsonlex.Char() }
func lexLength(min, max int) grammar.Expr         { return jsonlex.Length(min, max) }
func lexLiteral(s string) grammar.Expr            { return jsonlex.Literal(s) }
func lexQuoted(content grammar.Expr) grammar.Expr { return jsonlex.Quoted(content) }

// plainInteger matches -?(0|[1-9][0-9]*).
func plainInteger() grammar.Expr {
	digit := &grammar.Class{Ranges: []grammar.Range{{Lo: '0', Hi: '9'}}}
	return &grammar.Seq{Items: []grammar.Expr{
		&grammar.Repeat{X: grammar.Lit("-"), Min: 0, Max: 1},
		&grammar.Alt{Alts: []grammar.Expr{grammar.Lit("0"), &grammar.Seq{Items: []grammar.Expr{
			&grammar.Class{Ranges: []grammar.Range{{Lo: '1', Hi: '9'}}}, &grammar.Repeat{X: digit, Min: 0, Max: grammar.Unbounded}}}}},
	}}
}

// plainNumber matches the JSON numbers written without an exponent: the
// texts on which every jsonlex number language is exact.
func plainNumber() grammar.Expr {
	digit := &grammar.Class{Ranges: []grammar.Range{{Lo: '0', Hi: '9'}}}
	return &grammar.Seq{Items: []grammar.Expr{
		&grammar.Repeat{X: grammar.Lit("-"), Min: 0, Max: 1},
		&grammar.Alt{Alts: []grammar.Expr{grammar.Lit("0"), &grammar.Seq{Items: []grammar.Expr{
			&grammar.Class{Ranges: []grammar.Range{{Lo: '1', Hi: '9'}}}, &grammar.Repeat{X: digit, Min: 0, Max: grammar.Unbounded}}}}},
		&grammar.Repeat{X: &grammar.Seq{Items: []grammar.Expr{grammar.Lit("."), &grammar.Repeat{X: digit, Min: 1, Max: grammar.Unbounded}}}, Min: 0, Max: 1},
	}}
}

// lexPattern returns the JSON-escaped string-content language of the
// strings that contain a match of the ECMA-262 pattern.
func lexPattern(pattern string) (grammar.Expr, error) {
	e, err := regex.Search(pattern, regex.Flags{})
	if err != nil {
		return nil, err
	}
	return jsonlex.Escape(e)
}

// ecmaRegexp is a pattern compiled by package regex, for the library:
// patternProperties keys and enum filtering then use the same ECMA-262
// semantics as the grammar.
type ecmaRegexp struct {
	src  string
	prog *automaton.Program
}

func (r *ecmaRegexp) String() string { return r.src }

func (r *ecmaRegexp) MatchString(s string) bool {
	if r.prog == nil {
		return false
	}
	ps := automaton.NewParser(r.prog)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}

// ecmaRegexpEngine compiles patterns with package regex.
func ecmaRegexpEngine(pattern string) (sjs.Regexp, error) {
	e, err := regex.Search(pattern, regex.Flags{})
	if err != nil {
		return nil, err
	}
	g := &grammar.Grammar{Root: "r", Rules: []*grammar.Rule{{Name: "r", Body: e}}}
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		if isEmptyLanguage(err) {
			return &ecmaRegexp{src: pattern}, nil // matches nothing
		}
		return nil, fmt.Errorf("%w: %v", regex.ErrUnsupported, err)
	}
	return &ecmaRegexp{src: pattern, prog: p}, nil
}
