package jsonschema

import (
	"fmt"
	"math/big"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

// tri classifies a schema's language for one JSON type: no value of the
// type, every value of the type, or something in between (or unknown).
type tri uint8

const (
	triSome tri = iota
	triNone
	triAll
)

// rxl is a regular language of one scalar type: JSON text for null,
// boolean and number, string content (between the quotes, JSON-escaped)
// for strings. kind says whether it is empty or the whole type; e is
// always set (the universe for triAll, an empty Alt for triNone).
//
// Number languages from jsonlex are exact on texts without an exponent
// but may leave out some exponent forms; inexact records that, so that a
// complement is then taken within the exponent-free texts only (it stays
// sound: it never accepts an invalid text).
//
// A string language may be a subset of the exact one (a lenient format
// subset); dom is then a language on which it is exact (exact = subset on
// dom), so that its complement is taken within dom, which stays sound. An
// empty dom makes every complement empty.
type rxl struct {
	kind    tri
	e       grammar.Expr
	inexact bool
	dom     grammar.Expr
}

// andDom intersects the domains of xs (nil: exact everywhere).
func andDom(doms []grammar.Expr) grammar.Expr {
	switch len(doms) {
	case 0:
		return nil
	case 1:
		return doms[0]
	}
	return &grammar.And{Items: doms}
}

// universe returns every value of scalar type t.
func (c *compiler) universe(t jtype) grammar.Expr {
	switch t {
	case tNull:
		return grammar.Lit("null")
	case tBool:
		return &grammar.Alt{Alts: []grammar.Expr{grammar.Lit("true"), grammar.Lit("false")}}
	case tNum:
		e, err := lexNumber(numBounds{})
		if err != nil {
			panic(err)
		}
		return e
	case tStr:
		return lexLength(0, grammar.Unbounded)
	}
	panic("universe of a structured type")
}

func (c *compiler) rxAll(t jtype) rxl            { return rxl{kind: triAll, e: c.universe(t)} }
func rxNone() rxl                                { return rxl{kind: triNone, e: &grammar.Alt{}} }
func (c *compiler) rxSome(e grammar.Expr) rxl    { return rxl{kind: triSome, e: e} }
func (c *compiler) rxInexact(e grammar.Expr) rxl { return rxl{kind: triSome, e: e, inexact: true} }

func (c *compiler) rxAnd(t jtype, xs ...rxl) rxl {
	var items, doms []grammar.Expr
	inexact := false
	for _, x := range xs {
		switch x.kind {
		case triNone:
			return rxNone()
		case triSome:
			items = append(items, x.e)
			inexact = inexact || x.inexact
			if x.dom != nil {
				doms = append(doms, grammar.Clone(x.dom))
			}
		}
	}
	switch len(items) {
	case 0:
		return c.rxAll(t)
	case 1:
		return rxl{kind: triSome, e: items[0], inexact: inexact, dom: andDom(doms)}
	}
	return rxl{kind: triSome, e: &grammar.And{Items: items}, inexact: inexact, dom: andDom(doms)}
}

func (c *compiler) rxOr(t jtype, xs ...rxl) rxl {
	var alts, doms []grammar.Expr
	inexact := false
	for _, x := range xs {
		switch x.kind {
		case triAll:
			return c.rxAll(t)
		case triSome:
			alts = append(alts, x.e)
			inexact = inexact || x.inexact
			if x.dom != nil {
				doms = append(doms, grammar.Clone(x.dom))
			}
		}
	}
	if len(alts) == 0 {
		return rxNone()
	}
	return rxl{kind: triSome, e: alt(alts...), inexact: inexact, dom: andDom(doms)}
}

func (c *compiler) rxNot(t jtype, x rxl) rxl {
	switch x.kind {
	case triAll:
		return rxNone()
	case triNone:
		return c.rxAll(t)
	}
	if x.dom != nil {
		// A subset: complement within its domain (sound, not exact).
		return rxl{kind: triSome, e: &grammar.Not{X: x.e, Within: x.dom}, inexact: x.inexact, dom: grammar.Clone(x.dom)}
	}
	if x.inexact {
		// Exact only without exponents: complement within those texts.
		return c.rxInexact(&grammar.Not{X: x.e, Within: plainNumber()})
	}
	return c.rxSome(&grammar.Not{X: x.e, Within: c.universe(t)})
}

// scalar computes cs's language for scalar type t, exactly: keywords are
// intersected and combinators become union, intersection and complement.
func (c *compiler) scalar(cs *cset, t jtype) (rxl, error) {
	key := fmt.Sprintf("%d|%s", t, cs.key)
	if r, ok := c.rx[key]; ok {
		return r, nil
	}
	if c.rxBusy[key] {
		l := cs.leaves[0]
		return rxl{}, c.strict(l, "$ref", "a reference cycle that consumes no input (the schema is defined in terms of itself)")
	}
	c.rxBusy[key] = true
	defer delete(c.rxBusy, key)
	r, err := c.scalar1(cs, t)
	if err != nil {
		return rxl{}, err
	}
	c.rx[key] = r
	return r, nil
}

func (c *compiler) scalar1(cs *cset, t jtype) (rxl, error) {
	if cs.isFalse || !typeAllowed(cs, t) {
		return rxNone(), nil
	}
	if ev := c.enumValues(cs); ev != nil {
		vals, err := c.filterEnum(cs, ev)
		if err != nil {
			return rxl{}, err
		}
		var alts []grammar.Expr
		for _, v := range vals {
			if typeOfValue(v) != t {
				continue
			}
			var e grammar.Expr
			if t == tStr {
				e = lexLiteral(v.(string))
			} else {
				var err error
				if e, err = c.valueText(v); err != nil {
					return rxl{}, c.enumError(cs, err)
				}
			}
			alts = append(alts, e)
		}
		if len(alts) == 0 {
			return rxNone(), nil
		}
		return rxl{kind: triSome, e: alt(alts...), inexact: t == tNum}, nil
	}
	parts := []rxl{}
	switch t {
	case tNum:
		r, err := c.numberBase(cs)
		if err != nil {
			return rxl{}, err
		}
		parts = append(parts, r)
	case tStr:
		r, err := c.stringBase(cs)
		if err != nil {
			return rxl{}, err
		}
		parts = append(parts, r)
	}
	for _, l := range cs.leaves {
		r, err := c.scalarCombinators(l, t)
		if err != nil {
			return rxl{}, err
		}
		parts = append(parts, r)
	}
	for _, n := range cs.negs {
		r, err := c.scalarOf(n, t)
		if err != nil {
			return rxl{}, err
		}
		parts = append(parts, c.rxNot(t, r))
	}
	return c.rxAnd(t, parts...), nil
}

// scalarOf is the scalar language of one schema.
func (c *compiler) scalarOf(s *sjs.Schema, t jtype) (rxl, error) {
	cs, err := c.flat1(s)
	if err != nil {
		return rxl{}, err
	}
	return c.scalar(cs, t)
}

// scalarCombinators is the language of leaf l's anyOf, oneOf, not and
// if/then/else for scalar type t.
func (c *compiler) scalarCombinators(l *sjs.Schema, t jtype) (rxl, error) {
	parts := []rxl{}
	if len(l.AnyOf) > 0 {
		var bs []rxl
		for _, b := range l.AnyOf {
			r, err := c.scalarOf(b, t)
			if err != nil {
				return rxl{}, err
			}
			bs = append(bs, r)
		}
		parts = append(parts, c.rxOr(t, bs...))
	}
	if len(l.OneOf) > 0 {
		var bs []rxl
		for _, b := range l.OneOf {
			r, err := c.scalarOf(b, t)
			if err != nil {
				return rxl{}, err
			}
			bs = append(bs, r)
		}
		// Exactly one: the union over i of (B_i and no other B_j).
		var alts []rxl
		for i := range bs {
			terms := []rxl{bs[i]}
			for j := range bs {
				if j != i {
					terms = append(terms, c.rxNot(t, bs[j]))
				}
			}
			alts = append(alts, c.rxAnd(t, terms...))
		}
		parts = append(parts, c.rxOr(t, alts...))
	}
	if l.Not != nil {
		r, err := c.scalarOf(l.Not, t)
		if err != nil {
			return rxl{}, err
		}
		parts = append(parts, c.rxNot(t, r))
	}
	if l.If != nil {
		i, err := c.scalarOf(l.If, t)
		if err != nil {
			return rxl{}, err
		}
		th, el := c.rxAll(t), c.rxAll(t)
		if l.Then != nil {
			if th, err = c.scalarOf(l.Then, t); err != nil {
				return rxl{}, err
			}
		}
		if l.Else != nil {
			if el, err = c.scalarOf(l.Else, t); err != nil {
				return rxl{}, err
			}
		}
		parts = append(parts, c.rxOr(t, c.rxAnd(t, i, th), c.rxAnd(t, c.rxNot(t, i), el)))
	}
	return c.rxAnd(t, parts...), nil
}

// typeAllowed reports whether every leaf's type keyword admits t.
func typeAllowed(cs *cset, t jtype) bool {
	for _, l := range cs.leaves {
		if l.Types == nil {
			continue
		}
		ok := false
		for _, n := range l.Types.ToStrings() {
			if n == t.String() || (t == tNum && n == "integer") {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// draft4Integer reports whether some draft-4 leaf admits integers but not
// numbers: draft 4 defines an integer as a number without a fraction or
// exponent part (1.0 is not one).
func draft4Integer(cs *cset) bool {
	for _, l := range cs.leaves {
		if l.DraftVersion == 4 && integerOnly(&cset{leaves: []*sjs.Schema{l}}) {
			return true
		}
	}
	return false
}

// integerOnly reports whether some leaf admits integers but not numbers.
func integerOnly(cs *cset) bool {
	for _, l := range cs.leaves {
		if l.Types == nil {
			continue
		}
		num, integer := false, false
		for _, n := range l.Types.ToStrings() {
			num = num || n == "number"
			integer = integer || n == "integer"
		}
		if integer && !num {
			return true
		}
	}
	return false
}

// numberBase merges the numeric keywords of cs's leaves into one range
// with one multipleOf (the lcm).
func (c *compiler) numberBase(cs *cset) (rxl, error) {
	var b numBounds
	b.Integer = integerOnly(cs)
	constrained := b.Integer
	for _, l := range cs.leaves {
		if l.Minimum != nil {
			b.Min, b.ExclMin = raiseMin(b.Min, b.ExclMin, l.Minimum, false)
			constrained = true
		}
		if l.ExclusiveMinimum != nil {
			b.Min, b.ExclMin = raiseMin(b.Min, b.ExclMin, l.ExclusiveMinimum, true)
			constrained = true
		}
		if l.Maximum != nil {
			b.Max, b.ExclMax = lowerMax(b.Max, b.ExclMax, l.Maximum, false)
			constrained = true
		}
		if l.ExclusiveMaximum != nil {
			b.Max, b.ExclMax = lowerMax(b.Max, b.ExclMax, l.ExclusiveMaximum, true)
			constrained = true
		}
		if l.MultipleOf != nil {
			if l.MultipleOf.Sign() <= 0 {
				return rxl{}, c.strict(l, "multipleOf", "not a positive number")
			}
			if b.MultipleOf == nil {
				b.MultipleOf = new(big.Rat).Set(l.MultipleOf)
			} else {
				b.MultipleOf = lcmRat(b.MultipleOf, l.MultipleOf)
			}
			constrained = true
		}
	}
	if !constrained {
		return c.rxAll(tNum), nil
	}
	if b.Min != nil && b.Max != nil {
		if d := b.Min.Cmp(b.Max); d > 0 || (d == 0 && (b.ExclMin || b.ExclMax)) {
			return rxNone(), nil
		}
	}
	e, err := lexNumber(b)
	if err != nil {
		return rxl{}, c.numberError(cs, err)
	}
	if draft4Integer(cs) {
		e = &grammar.And{Items: []grammar.Expr{e, plainInteger()}}
	}
	return c.rxInexact(e), nil
}

func (c *compiler) numberError(cs *cset, err error) error {
	for _, l := range cs.leaves {
		for _, kw := range []struct {
			set  bool
			name string
		}{{l.MultipleOf != nil, "multipleOf"}, {l.Minimum != nil, "minimum"}, {l.Maximum != nil, "maximum"},
			{l.ExclusiveMinimum != nil, "exclusiveMinimum"}, {l.ExclusiveMaximum != nil, "exclusiveMaximum"}, {l.Types != nil, "type"}} {
			if kw.set {
				return c.strict(l, kw.name, err.Error())
			}
		}
	}
	return c.strict(cs.leaves[0], "type", err.Error())
}

func raiseMin(cur *big.Rat, curExcl bool, v *big.Rat, excl bool) (*big.Rat, bool) {
	if cur == nil {
		return v, excl
	}
	switch d := v.Cmp(cur); {
	case d > 0:
		return v, excl
	case d == 0:
		return cur, curExcl || excl
	}
	return cur, curExcl
}

func lowerMax(cur *big.Rat, curExcl bool, v *big.Rat, excl bool) (*big.Rat, bool) {
	if cur == nil {
		return v, excl
	}
	switch d := v.Cmp(cur); {
	case d < 0:
		return v, excl
	case d == 0:
		return cur, curExcl || excl
	}
	return cur, curExcl
}

// lcmRat is the least common multiple of two positive rationals:
// lcm(a/b, c/d) = lcm(a, c) / gcd(b, d) for reduced fractions.
func lcmRat(x, y *big.Rat) *big.Rat {
	a, b := x.Num(), x.Denom()
	cc, d := y.Num(), y.Denom()
	g := new(big.Int).GCD(nil, nil, a, cc)
	l := new(big.Int).Mul(a, cc)
	l.Quo(l, g)
	den := new(big.Int).GCD(nil, nil, b, d)
	return new(big.Rat).SetFrac(l, den)
}

// stringBase intersects the string keywords of cs's leaves.
func (c *compiler) stringBase(cs *cset) (rxl, error) {
	lo, hi := 0, grammar.Unbounded
	var parts []rxl
	for _, l := range cs.leaves {
		if l.MinLength != nil && *l.MinLength > lo {
			lo = *l.MinLength
		}
		if l.MaxLength != nil && (hi == grammar.Unbounded || *l.MaxLength < hi) {
			hi = *l.MaxLength
		}
		if l.Pattern != nil {
			e, err := c.pattern(l.Pattern.String())
			if err != nil {
				if err := c.unsupported(l, "pattern", err.Error()); err != nil {
					return rxl{}, err
				}
			} else {
				parts = append(parts, c.rxSome(e))
			}
		}
		if name, ok := c.formatOf(l); ok {
			e, err := c.lexFormat(name, l.DraftVersion)
			if err != nil {
				var sub formatSubset
				ok := false
				if c.opts.Lenient {
					if sub, ok = lenientFormat(name); ok {
						// A sound subset instead of dropping the keyword.
						err = fmt.Errorf("format %q: %s", name, sub.reason)
					}
				}
				if err := c.unsupported(l, "format", err.Error()); err != nil { // names the format
					return rxl{}, err
				}
				if ok {
					parts = append(parts, rxl{kind: triSome, e: sub.e, dom: sub.dom})
				}
			} else {
				parts = append(parts, c.rxSome(e))
			}
		}
	}
	for _, l := range cs.leaves {
		if l.DraftVersion != 7 {
			continue
		}
		for _, kw := range []string{"contentEncoding", "contentMediaType"} {
			if _, ok := c.rawValue(l, kw); ok {
				if err := c.unsupported(l, kw, "content assertion (draft 7) is not supported"); err != nil {
					return rxl{}, err
				}
			}
		}
	}
	if hi != grammar.Unbounded && lo > hi {
		return rxNone(), nil
	}
	if lo > 0 || hi != grammar.Unbounded {
		parts = append(parts, c.rxSome(lexLength(lo, hi)))
	}
	return c.rxAnd(tStr, parts...), nil
}

// pattern returns the string-content language of the strings in which the
// ECMA-262 pattern finds a match.
func (c *compiler) pattern(p string) (grammar.Expr, error) {
	if e, ok := c.pats[p]; ok {
		return e, nil
	}
	e, err := lexPattern(p)
	if err != nil {
		return nil, err
	}
	c.pats[p] = e
	return e, nil
}

// maxEmptinessRepeat is the largest repetition bound for which
// regularEmpty compiles an intersection to decide emptiness.
const maxEmptinessRepeat = 32

// regularEmpty reports whether the regular expression e matches nothing,
// by compiling it when it has intersections or complements.
func (c *compiler) regularEmpty(e grammar.Expr) (bool, error) {
	if v, ok := c.empty[e]; ok {
		return v, nil
	}
	hard := false
	grammar.Walk(e, func(x grammar.Expr) bool {
		switch x.(type) {
		case *grammar.And, *grammar.Not:
			hard = true
		}
		return !hard
	})
	if !hard {
		v := !grammar.Productive(e, formatEntries)
		c.empty[e] = v
		return v, nil
	}
	if len(c.fmtSets) > 0 && refersToFormatRules(e) {
		// Not one automaton ("not empty" is safe, see below); if the
		// intersection ends up in the grammar, compileRoot finds it
		// (formatRulesInBoolean) and Compile starts again without the
		// rules of the call formats.
		return false, nil
	}
	// Deciding emptiness compiles the intersection; with large counted
	// repetitions (maxLength 254 and a pattern) that costs seconds, so it
	// is skipped: "not empty" is always a safe answer (an empty
	// alternative matches nothing).
	if repeatsOver(e, maxEmptinessRepeat) {
		c.empty[e] = false
		return false, nil
	}
	g := &grammar.Grammar{Root: "r", Rules: []*grammar.Rule{{Name: "r", Body: e}}}
	_, err := compile.Compile(g, nil, compile.Options{})
	v := false
	if err != nil {
		if !isEmptyLanguage(err) {
			return false, fmt.Errorf("jsonschema: %w", err)
		}
		v = true
	}
	c.empty[e] = v
	return v, nil
}

// repeatsOver reports whether e has a counted repetition with a bound
// over n (which would make compiling it to one automaton slow).
func repeatsOver(e grammar.Expr, n int) bool {
	big := false
	grammar.Walk(e, func(x grammar.Expr) bool {
		if r, ok := x.(*grammar.Repeat); ok && (r.Min > n || r.Max > n) {
			big = true
		}
		return !big
	})
	return big
}

// keyShape is what the runtime's distinct-key check needs to know about an
// undeclared-key language (string contents).
type keyShape struct {
	decided bool // the language was compiled; the fields below hold
	empty   bool // no key at all
	open    bool // every prefix has infinitely many completions (automaton.Program.OpenEnded)
	finite  bool // finitely many keys: n of them
	n       int
}

// keyShapeLimit caps the key count (the permutation's member count
// saturates at 16 bits).
const keyShapeLimit = 1 << 16

// maxKeyShapeRepeat is the largest repetition bound keyShapeOf compiles
// (propertyNames maxLength 255 compiles in a few ms; with patterns or
// named keys the product grows).
const maxKeyShapeRepeat = 256

// keyShapeOf compiles the key language e and describes it. Where that
// would compile large counted repetitions or the rules of a call format
// it answers undecided.
func (c *compiler) keyShapeOf(e grammar.Expr) (keyShape, error) {
	if v, ok := c.keyShapes[e]; ok {
		return v, nil
	}
	if len(c.fmtSets) > 0 && refersToFormatRules(e) {
		return keyShape{}, nil
	}
	if repeatsOver(e, maxKeyShapeRepeat) {
		c.keyShapes[e] = keyShape{}
		return keyShape{}, nil
	}
	g := &grammar.Grammar{Root: "r", Rules: []*grammar.Rule{{Name: "r", Body: e}}}
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		if isEmptyLanguage(err) {
			v := keyShape{decided: true, empty: true, open: true, finite: true}
			c.keyShapes[e] = v
			return v, nil
		}
		c.keyShapes[e] = keyShape{} // over the automaton limits: undecided
		return keyShape{}, nil
	}
	v := keyShape{decided: true, open: p.OpenEnded(p.Root)}
	if !v.open {
		v.n, v.finite = p.CountKeys(p.Root, keyShapeLimit)
	}
	c.keyShapes[e] = v
	return v, nil
}
