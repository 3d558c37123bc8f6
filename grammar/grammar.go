// Package grammar is gramc's grammar IR: plain data that every front end
// (GBNF, JSON Schema, regex, Lark) produces and that package compile lowers
// to a byte-level pushdown automaton.
//
// A Grammar is a list of named rules; each rule has one body expression.
// Expressions are byte strings, Unicode character classes, sequences,
// alternations, bounded repetitions, rule references and token-level
// terminals. Terminals are over Unicode code points (as in llama.cpp's GBNF):
// package automaton lowers classes to UTF-8 byte sequences, so a grammar only
// ever accepts well-formed UTF-8 unless a Bytes literal itself is not UTF-8.
//
// Most users want the root package gramc; this package is for front-end
// authors and tools that inspect or build grammars.
//
// Conventions: g is always a *Grammar, r a *Rule, e an Expr.
package grammar

import "fmt"

// Pos is a source position (1-based line and column; 0 means unknown).
type Pos struct {
	File   string
	Line   int
	Column int
}

// String formats the position as file:line:col, omitting unknown parts.
func (p Pos) String() string {
	switch {
	case p.Line == 0 && p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Grammar is a set of rules with a start rule.
type Grammar struct {
	Rules []*Rule
	// Root names the start rule ("root" for GBNF).
	Root string
}

// Rule is a named production.
type Rule struct {
	Name string
	Body Expr
	Pos  Pos
	// NoInline keeps the rule as its own automaton: compile never copies
	// it into its callers, whatever its size. For a small rule referenced
	// from many places whose copies would multiply the caller's states
	// (the JSON-escaped characters of the time formats' leap-second rule).
	NoInline bool
	// Key marks a rule that starts with one JSON object key, quotes
	// included (its string: from its first '"' to the next), of an
	// undeclared (extra) member of the permutation whose member calls it
	// (grammar.Perm's Extra); what follows the string (the colon, the
	// value) may be part of the rule. Keys must be distinct within one object, which no
	// context-free grammar can say: the runtime records the keys that Key
	// rules close, per permutation instance, and rejects a key equal
	// (after unescaping) to an earlier one. A Key rule is never inlined.
	// Only package jsonschema sets it.
	Key bool
}

// Rule returns the rule with the given name, or nil.
func (g *Grammar) Rule(name string) *Rule {
	for _, r := range g.Rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Expr is a grammar expression: one of *Bytes, *Class, *Seq, *Alt, *Repeat,
// *Ref, *Token, *Perm, *And, *Not or *Machine.
type Expr interface {
	isExpr()
	// Position is where the expression starts in its source, if known.
	Position() Pos
}

// Bytes matches a literal byte string. The empty string matches ε.
type Bytes struct {
	B   []byte
	Pos Pos
}

// Range is an inclusive range of Unicode code points.
type Range struct{ Lo, Hi rune }

// Class matches one Unicode code point (encoded as UTF-8) in Ranges, or, when
// Negated, one code point not in Ranges. Surrogates (U+D800–U+DFFF) are never
// matched: they have no UTF-8 encoding.
type Class struct {
	Ranges  []Range
	Negated bool
	Pos     Pos
}

// Seq matches its items in order. An empty Seq matches ε.
type Seq struct {
	Items []Expr
	Pos   Pos
}

// Alt matches any one of its alternatives. An empty Alt matches nothing.
type Alt struct {
	Alts []Expr
	Pos  Pos
}

// Unbounded is the Max of a repetition with no upper bound.
const Unbounded = -1

// Repeat matches X between Min and Max times (Max = Unbounded for no bound).
// `*` is {0,Unbounded}, `+` is {1,Unbounded}, `?` is {0,1}.
type Repeat struct {
	X        Expr
	Min, Max int
	Pos      Pos
}

// Ref matches the rule named Name.
type Ref struct {
	Name string
	Pos  Pos
}

// Token matches one whole token by id rather than by bytes: a special token
// such as EOS or a tool-call tag. With Negated it matches any one token that
// may appear in text except those listed. IDs are resolved against the
// vocabulary at compile time; Names (token texts such as "<|eot_id|>") are
// resolved to ids by the vocabulary then.
type Token struct {
	IDs     []int32
	Names   []string
	Negated bool
	Pos     Pos
}

// Perm matches an unordered list: Open, then members separated by Sep,
// then Close. Each of Items appears at most once, the Required ones exactly
// once, in any order; Extra (when not nil) may appear any number of times;
// the total number of members is between Min and Max (Max = Unbounded for
// no bound). It is the shape of a JSON object whose properties may come in
// any order: front ends must make the members' languages disjoint (for
// JSON, distinct keys, and Extra's keys excluding them all).
type Perm struct {
	Open, Sep, Close Expr
	Items            []Expr
	Required         []bool // parallel to Items
	Extra            Expr
	Min, Max         int
	Pos              Pos
}

func (*Perm) isExpr()         {}
func (e *Perm) Position() Pos { return e.Pos }

// And matches the strings that every one of Items matches (intersection).
// Items must be regular: token terminals, permutations and references to
// recursive rules are refused when the grammar is compiled.
type And struct {
	Items []Expr
	Pos   Pos
}

// Not matches the strings that Within matches and X does not (complement
// relative to Within). X and Within must be regular, as for And.
type Not struct {
	X, Within Expr
	Pos       Pos
}

func (*And) isExpr()         {}
func (e *And) Position() Pos { return e.Pos }
func (*Not) isExpr()         {}
func (e *Not) Position() Pos { return e.Pos }

// Machine matches the strings an explicit byte-level DFA accepts: State 0
// is the start; each state lists its byte-range edges and whether it
// accepts. Front ends use it for languages that are regular but have no
// compact expression, such as the decimal numbers with a given remainder
// modulo m (the automaton has m states; its regular expression is
// exponentially larger).
type Machine struct {
	States []MachineState
	Pos    Pos
}

// MachineState is one state of a Machine.
type MachineState struct {
	Edges  []MachineEdge
	Accept bool
}

// MachineEdge goes to state To on any byte in [Lo, Hi].
type MachineEdge struct {
	Lo, Hi byte
	To     int
}

func (*Machine) isExpr()         {}
func (e *Machine) Position() Pos { return e.Pos }

func (*Bytes) isExpr()  {}
func (*Class) isExpr()  {}
func (*Seq) isExpr()    {}
func (*Alt) isExpr()    {}
func (*Repeat) isExpr() {}
func (*Ref) isExpr()    {}
func (*Token) isExpr()  {}

func (e *Bytes) Position() Pos  { return e.Pos }
func (e *Class) Position() Pos  { return e.Pos }
func (e *Seq) Position() Pos    { return e.Pos }
func (e *Alt) Position() Pos    { return e.Pos }
func (e *Repeat) Position() Pos { return e.Pos }
func (e *Ref) Position() Pos    { return e.Pos }
func (e *Token) Position() Pos  { return e.Pos }

// Lit is a convenience constructor for a Bytes literal.
func Lit(s string) *Bytes { return &Bytes{B: []byte(s)} }

// Walk calls f for e and every expression below it, depth first, stopping
// the descent below an expression for which f returns false.
func Walk(e Expr, f func(Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	switch e := e.(type) {
	case *Seq:
		for _, x := range e.Items {
			Walk(x, f)
		}
	case *Alt:
		for _, x := range e.Alts {
			Walk(x, f)
		}
	case *Repeat:
		Walk(e.X, f)
	case *And:
		for _, x := range e.Items {
			Walk(x, f)
		}
	case *Not:
		Walk(e.X, f)
		Walk(e.Within, f)
	case *Perm:
		for _, x := range []Expr{e.Open, e.Sep, e.Close, e.Extra} {
			if x != nil {
				Walk(x, f)
			}
		}
		for _, x := range e.Items {
			Walk(x, f)
		}
	}
}
