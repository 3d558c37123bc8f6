package jsonschema

import (
	"fmt"
	"slices"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/grammar"
)

// maxChoices bounds the alternatives one conjunction expands to.
const maxChoices = 256

func isTrue(s *sjs.Schema) bool  { return s != nil && s.Bool != nil && *s.Bool }
func isFalse(s *sjs.Schema) bool { return s != nil && s.Bool != nil && !*s.Bool }

// hasKeywords reports whether leaf l has keywords that constrain values of
// structured type t.
func hasKeywords(l *sjs.Schema, t jtype) bool {
	switch t {
	case tArr:
		return (l.MinItems != nil && *l.MinItems > 0) || l.MaxItems != nil || l.UniqueItems || l.Contains != nil ||
			(l.Items != nil && !isTrueAny(l.Items)) || len(l.PrefixItems) > 0 || (l.Items2020 != nil && !isTrue(l.Items2020)) ||
			(l.UnevaluatedItems != nil && !isTrue(l.UnevaluatedItems)) || (isArrayItems(l) && l.AdditionalItems != nil && !isTrueAny(l.AdditionalItems))
	case tObj:
		return l.MaxProperties != nil || (l.MinProperties != nil && *l.MinProperties > 0) || len(l.Required) > 0 ||
			(l.PropertyNames != nil && !isTrue(l.PropertyNames)) || len(l.Properties) > 0 || len(l.PatternProperties) > 0 ||
			(l.AdditionalProperties != nil && !isTrueAny(l.AdditionalProperties)) || len(l.Dependencies) > 0 ||
			len(l.DependentRequired) > 0 || len(l.DependentSchemas) > 0 || (l.UnevaluatedProperties != nil && !isTrue(l.UnevaluatedProperties))
	}
	return false
}

func isTrueAny(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case *sjs.Schema:
		return isTrue(v)
	}
	return false
}

func isArrayItems(l *sjs.Schema) bool {
	_, ok := l.Items.([]*sjs.Schema)
	return ok
}

// trivial classifies cs's language for type t: none, all, or some
// (unknown). It is exact when it says none or all.
func (c *compiler) trivial(cs *cset, t jtype) (tri, error) {
	key := fmt.Sprintf("%d|%s", t, cs.key)
	if r, ok := c.triv[key]; ok {
		return r, nil
	}
	if c.trivBsy[key] {
		return triSome, nil
	}
	c.trivBsy[key] = true
	defer delete(c.trivBsy, key)
	r, err := c.trivial1(cs, t)
	if err != nil {
		return 0, err
	}
	c.triv[key] = r
	return r, nil
}

func (c *compiler) trivialOf(s *sjs.Schema, t jtype) (tri, error) {
	cs, err := c.flat1(s)
	if err != nil {
		return 0, err
	}
	return c.trivial(cs, t)
}

func (c *compiler) trivial1(cs *cset, t jtype) (tri, error) {
	if t < tArr {
		r, err := c.scalar(cs, t)
		if err != nil {
			return 0, err
		}
		if r.kind == triSome {
			if e, err := c.regularEmpty(r.e); err != nil {
				return 0, err
			} else if e {
				return triNone, nil
			}
		}
		return r.kind, nil
	}
	if cs.isFalse || !typeAllowed(cs, t) {
		return triNone, nil
	}
	if ev := c.enumValues(cs); ev != nil {
		vals, err := c.filterEnum(cs, ev)
		if err != nil {
			return 0, err
		}
		for _, v := range vals {
			if typeOfValue(v) == t {
				return triSome, nil
			}
		}
		return triNone, nil
	}
	res := triAll
	if t == tObj && (len(cs.require) > 0 || len(cs.forbid) > 0 || len(cs.keyNegs) > 0) {
		res = triSome
	}
	if t == tArr && (len(cs.posNegs) > 0 || len(cs.itemNegs) > 0) {
		res = triSome
	}
	if cs.cmin > 0 || cs.cmax != grammar.Unbounded {
		res = triSome
	}
	some := func() { res = triSome }
	for _, n := range cs.negs {
		r, err := c.trivialOf(n, t)
		if err != nil {
			return 0, err
		}
		switch r {
		case triAll:
			return triNone, nil
		case triSome:
			some()
		}
	}
	for _, l := range cs.leaves {
		if hasKeywords(l, t) {
			some()
		}
		if len(l.AnyOf) > 0 {
			anyAll, allNone := false, true
			for _, b := range l.AnyOf {
				r, err := c.trivialOf(b, t)
				if err != nil {
					return 0, err
				}
				anyAll = anyAll || r == triAll
				allNone = allNone && r == triNone
			}
			if allNone {
				return triNone, nil
			}
			if !anyAll {
				some()
			}
		}
		if len(l.OneOf) > 0 {
			nAll, nSome := 0, 0
			for _, b := range l.OneOf {
				r, err := c.trivialOf(b, t)
				if err != nil {
					return 0, err
				}
				switch r {
				case triAll:
					nAll++
				case triSome:
					nSome++
				}
			}
			switch {
			case nSome == 0 && nAll != 1:
				return triNone, nil
			case nSome > 0 || nAll != 1:
				some()
			}
		}
		if l.Not != nil {
			r, err := c.trivialOf(l.Not, t)
			if err != nil {
				return 0, err
			}
			switch r {
			case triAll:
				return triNone, nil
			case triSome:
				some()
			}
		}
		if l.If != nil {
			r, err := c.trivialOf(l.If, t)
			if err != nil {
				return 0, err
			}
			pick := func(s *sjs.Schema) (tri, error) {
				if s == nil {
					return triAll, nil
				}
				return c.trivialOf(s, t)
			}
			switch r {
			case triAll, triNone: // the condition is decided: one branch applies
				branch := l.Then
				if r == triNone {
					branch = l.Else
				}
				x, err := pick(branch)
				if err != nil {
					return 0, err
				}
				if x == triNone {
					return triNone, nil
				}
				if x == triSome {
					some()
				}
			default:
				x, err := pick(l.Then)
				if err != nil {
					return 0, err
				}
				y, err := pick(l.Else)
				if err != nil {
					return 0, err
				}
				if x != triAll || y != triAll {
					some()
				}
			}
		}
	}
	return res, nil
}

// alternative is one way of satisfying a combinator: more constraints to
// conjoin.
type alternative struct {
	add, negs, itemNegs []*sjs.Schema
	require, forb       []string
	keyNegs             map[string][]*sjs.Schema
	posNegs             map[int][]*sjs.Schema
	cmin                int
	cmax                int // grammar.Unbounded for none
}

func newAlt() alternative { return alternative{cmax: grammar.Unbounded} }

// merge conjoins two alternatives.
func (a alternative) merge(b alternative) alternative {
	out := alternative{
		add: append(slices.Clone(a.add), b.add...), negs: append(slices.Clone(a.negs), b.negs...),
		itemNegs: append(slices.Clone(a.itemNegs), b.itemNegs...),
		require:  append(slices.Clone(a.require), b.require...), forb: append(slices.Clone(a.forb), b.forb...),
		cmin: max(a.cmin, b.cmin), cmax: minBound(a.cmax, b.cmax),
	}
	for _, m := range []map[string][]*sjs.Schema{a.keyNegs, b.keyNegs} {
		for k, v := range m {
			if out.keyNegs == nil {
				out.keyNegs = map[string][]*sjs.Schema{}
			}
			out.keyNegs[k] = append(out.keyNegs[k], v...)
		}
	}
	for _, m := range []map[int][]*sjs.Schema{a.posNegs, b.posNegs} {
		for k, v := range m {
			if out.posNegs == nil {
				out.posNegs = map[int][]*sjs.Schema{}
			}
			out.posNegs[k] = append(out.posNegs[k], v...)
		}
	}
	return out
}

// apply returns cs with alternative a conjoined.
func (c *compiler) apply(cs *cset, a alternative) (*cset, error) {
	sp := cs.spec()
	sp.pos = append(sp.pos, a.add...)
	sp.negs = append(sp.negs, a.negs...)
	sp.itemNegs = append(sp.itemNegs, a.itemNegs...)
	sp.require = append(sp.require, a.require...)
	sp.forbid = append(sp.forbid, a.forb...)
	sp.cmin = max(sp.cmin, a.cmin)
	sp.cmax = minBound(sp.cmax, a.cmax)
	for k, v := range a.keyNegs {
		sp.keyNegs[k] = append(sp.keyNegs[k], v...)
	}
	for k, v := range a.posNegs {
		sp.posNegs[k] = append(sp.posNegs[k], v...)
	}
	return c.make(sp)
}

func minBound(a, b int) int {
	switch {
	case a == grammar.Unbounded:
		return b
	case b == grammar.Unbounded:
		return a
	}
	return min(a, b)
}

// structured returns the language of cs for type t (array or object), or
// nil when it is empty.
func (c *compiler) structured(cs *cset, t jtype) (grammar.Expr, error) {
	r, err := c.trivial(cs, t)
	if err != nil || r == triNone {
		return nil, err
	}
	choices, err := c.expand(cs, t)
	if err != nil {
		return nil, err
	}
	var alts []grammar.Expr
	for _, ch := range choices {
		if ev := c.enumValues(ch); ev != nil {
			// A branch brought enum or const: the language is finite.
			for _, v := range ev {
				if typeOfValue(v) != t || !c.satisfies(ch, v) {
					continue
				}
				e, err := c.valueText(v)
				if err != nil {
					return nil, c.enumError(ch, err)
				}
				alts = append(alts, e)
			}
			continue
		}
		var e grammar.Expr
		if t == tObj {
			e, err = c.object(ch)
		} else {
			e, err = c.array(ch)
		}
		if err != nil {
			return nil, err
		}
		if e != nil {
			alts = append(alts, e)
		}
	}
	if len(alts) == 0 {
		return nil, nil
	}
	return alt(alts...), nil
}

// expand resolves the combinators and negations of cs for type t into a
// union of conjunctions whose leaves' combinators no longer matter for t.
func (c *compiler) expand(cs *cset, t jtype) ([]*cset, error) {
	ann := c.needsAnnotations(cs, t)
	var out []*cset
	seen := map[string]bool{}
	tooMany := func(s *sjs.Schema) error {
		return c.strict(s, "anyOf", fmt.Sprintf("the combinators expand to more than %d alternatives", maxChoices))
	}
	var rec func(cur *cset, done map[*sjs.Schema]bool, doneNeg map[*sjs.Schema]bool) error
	rec = func(cur *cset, done, doneNeg map[*sjs.Schema]bool) error {
		if cur.isFalse {
			return nil
		}
		var groups [][]alternative
		var at *sjs.Schema
		isNeg := false
		for _, l := range cur.leaves {
			if done[l] {
				continue
			}
			gs, err := c.groups(l, t, ann)
			if err != nil {
				return err
			}
			if gs == nil {
				done[l] = true
				continue
			}
			at, groups = l, gs
			break
		}
		if at == nil {
			for _, n := range cur.negs {
				if doneNeg[n] {
					continue
				}
				r, err := c.trivialOf(n, t)
				if err != nil {
					return err
				}
				switch r {
				case triAll:
					return nil // every value of type t satisfies n
				case triNone:
					doneNeg[n] = true
					continue
				}
				alts, ok, err := c.negAlternatives(n, t)
				if err != nil {
					return err
				}
				if !ok {
					if err := c.unsupported(n, "not", fmt.Sprintf("cannot complement this %s schema exactly", t)); err != nil {
						return err
					}
					doneNeg[n] = true // lenient: drop the negation
					continue
				}
				at, groups, isNeg = n, [][]alternative{alts}, true
				break
			}
		}
		if at == nil {
			if !seen[cur.key] {
				seen[cur.key] = true
				out = append(out, cur)
			}
			if len(out) > maxChoices {
				return tooMany(cs.leaves[0])
			}
			return nil
		}
		combos := []alternative{newAlt()}
		for _, g := range groups {
			var next []alternative
			for _, a := range combos {
				for _, b := range g {
					next = append(next, a.merge(b))
				}
			}
			combos = next
			if len(combos) > maxChoices {
				return tooMany(at)
			}
		}
		for _, a := range combos {
			ncs, err := c.apply(cur, a)
			if err != nil {
				return err
			}
			nd, nn := clone(done), clone(doneNeg)
			if isNeg {
				nn[at] = true
			} else {
				nd[at] = true
			}
			if err := rec(ncs, nd, nn); err != nil {
				return err
			}
		}
		return nil
	}
	if err := rec(cs, map[*sjs.Schema]bool{}, map[*sjs.Schema]bool{}); err != nil {
		return nil, err
	}
	return out, nil
}

func clone(m map[*sjs.Schema]bool) map[*sjs.Schema]bool {
	out := make(map[*sjs.Schema]bool, len(m)+1)
	for k := range m {
		out[k] = true
	}
	return out
}

func addAlt(s ...*sjs.Schema) alternative { a := newAlt(); a.add = s; return a }
func negAlt(s ...*sjs.Schema) alternative { a := newAlt(); a.negs = s; return a }

// groups returns the combinator groups of leaf l for type t: the value
// must satisfy one alternative of every group. nil means none; a group
// with no alternative means l rejects every value of type t.
//
// With ann (an unevaluated* keyword may see l's annotations), every
// branch is decided: it holds (a positive leaf) or fails (a neg), so that
// the annotations of each alternative are known.
func (c *compiler) groups(l *sjs.Schema, t jtype, ann bool) ([][]alternative, error) {
	var gs [][]alternative
	dead := [][]alternative{{}}
	if len(l.AnyOf) > 0 && ann {
		var all, none, some []*sjs.Schema
		for _, b := range l.AnyOf {
			r, err := c.trivialOf(b, t)
			if err != nil {
				return nil, err
			}
			switch r {
			case triAll:
				all = append(all, b)
			case triNone:
				none = append(none, b)
			default:
				some = append(some, b)
			}
		}
		if len(some) > maxAnnotatedBranches {
			return nil, c.strict(l, "anyOf", fmt.Sprintf("more than %d branches whose annotations matter (unevaluated*)", maxAnnotatedBranches))
		}
		var g []alternative
		for m := 0; m < 1<<len(some); m++ {
			if m == 0 && len(all) == 0 {
				continue // at least one branch must hold
			}
			a := addAlt(all...)
			a.negs = slices.Clone(none)
			for i, b := range some {
				if m&(1<<i) != 0 {
					a.add = append(a.add, b)
				} else {
					a.negs = append(a.negs, b)
				}
			}
			g = append(g, a)
		}
		if len(g) == 0 {
			return dead, nil
		}
		gs = append(gs, g)
	} else if len(l.AnyOf) > 0 {
		var g []alternative
		all := false
		for _, b := range l.AnyOf {
			r, err := c.trivialOf(b, t)
			if err != nil {
				return nil, err
			}
			switch r {
			case triAll:
				all = true
			case triSome:
				g = append(g, addAlt(b))
			}
		}
		if !all {
			if len(g) == 0 {
				return dead, nil
			}
			gs = append(gs, g)
		}
	}
	if len(l.OneOf) > 0 {
		var live []*sjs.Schema
		nAll := 0
		for _, b := range l.OneOf {
			r, err := c.trivialOf(b, t)
			if err != nil {
				return nil, err
			}
			switch r {
			case triAll:
				nAll++
				live = append(live, b)
			case triSome:
				live = append(live, b)
			}
		}
		switch {
		case len(live) == 0 || nAll > 1:
			return dead, nil
		case len(live) == 1 && nAll == 1 && !ann:
			// exactly one branch, and it accepts everything
		case len(live) == 1:
			a := addAlt(live...)
			if ann {
				for _, b := range l.OneOf {
					if b != live[0] {
						a.negs = append(a.negs, b)
					}
				}
			}
			gs = append(gs, []alternative{a})
		default:
			ok, err := c.pairwiseDisjoint(live, t)
			if err != nil {
				return nil, err
			}
			var g []alternative
			for i, b := range live {
				a := addAlt(b)
				if !ok || ann {
					// Exactly one: b holds and every other branch fails.
					for j, o := range live {
						if j != i {
							a.negs = append(a.negs, o)
						}
					}
				}
				g = append(g, a)
			}
			gs = append(gs, g)
		}
	}
	if l.Not != nil {
		r, err := c.trivialOf(l.Not, t)
		if err != nil {
			return nil, err
		}
		switch r {
		case triAll:
			return dead, nil
		case triSome:
			gs = append(gs, []alternative{negAlt(l.Not)})
		}
	}
	if l.If != nil && ann {
		r, err := c.trivialOf(l.If, t)
		if err != nil {
			return nil, err
		}
		// Decide the condition: its annotations count when it holds.
		thenAlt, elseAlt := addAlt(l.If), negAlt(l.If)
		if l.Then != nil {
			thenAlt.add = append(thenAlt.add, l.Then)
		}
		if l.Else != nil {
			elseAlt.add = append(elseAlt.add, l.Else)
		}
		switch r {
		case triAll:
			gs = append(gs, []alternative{thenAlt})
		case triNone:
			gs = append(gs, []alternative{elseAlt})
		default:
			gs = append(gs, []alternative{thenAlt, elseAlt})
		}
	} else if l.If != nil && (l.Then != nil || l.Else != nil) {
		r, err := c.trivialOf(l.If, t)
		if err != nil {
			return nil, err
		}
		thenAlt, elseAlt := addAlt(), addAlt()
		if l.Then != nil {
			thenAlt.add = []*sjs.Schema{l.Then}
		}
		if l.Else != nil {
			elseAlt.add = []*sjs.Schema{l.Else}
		}
		switch r {
		case triAll:
			if l.Then != nil {
				gs = append(gs, []alternative{thenAlt})
			}
		case triNone:
			if l.Else != nil {
				gs = append(gs, []alternative{elseAlt})
			}
		default:
			thenAlt.add = append(thenAlt.add, l.If)
			elseAlt.negs = append(elseAlt.negs, l.If)
			gs = append(gs, []alternative{thenAlt, elseAlt})
		}
	}
	if t == tObj {
		deps := map[string]any{}
		for k, v := range l.Dependencies {
			deps[k] = v
		}
		for k, v := range l.DependentRequired {
			deps[k] = v
		}
		for k, v := range l.DependentSchemas {
			if prev, ok := deps[k]; ok {
				deps[k] = []any{prev, v}
			} else {
				deps[k] = v
			}
		}
		for _, k := range sortedKeys(deps) {
			present := newAlt()
			present.require = []string{k}
			var add func(v any)
			add = func(v any) {
				switch v := v.(type) {
				case []string:
					present.require = append(present.require, v...)
				case *sjs.Schema:
					present.add = append(present.add, v)
				case []any:
					for _, x := range v {
						add(x)
					}
				}
			}
			add(deps[k])
			absent := newAlt()
			absent.forb = []string{k}
			gs = append(gs, []alternative{absent, present})
		}
	}
	return gs, nil
}

// maxAnnotatedBranches bounds the anyOf branches that are decided one by
// one for unevaluated* (2^n alternatives).
const maxAnnotatedBranches = 5

// needsAnnotations reports whether an unevaluated* keyword for type t is
// reachable from cs: combinators must then be expanded with every branch
// decided.
func (c *compiler) needsAnnotations(cs *cset, t jtype) bool {
	seen := map[*sjs.Schema]bool{}
	var walk func(s *sjs.Schema) bool
	walk = func(s *sjs.Schema) bool {
		if s == nil || seen[s] {
			return false
		}
		seen[s] = true
		if (t == tObj && s.UnevaluatedProperties != nil) || (t == tArr && s.UnevaluatedItems != nil) {
			return true
		}
		for _, x := range subschemas(s) {
			if walk(x) {
				return true
			}
		}
		return false
	}
	for _, l := range cs.leaves {
		if walk(l) {
			return true
		}
	}
	return false
}

// negAlternatives returns the ways in which a value of type t fails
// schema n: the union of the alternatives is exactly the complement of n
// among the values of type t. ok is false when some keyword of n cannot
// be complemented exactly.
func (c *compiler) negAlternatives(n *sjs.Schema, t jtype) ([]alternative, bool, error) {
	cs, err := c.flat1(n)
	if err != nil {
		return nil, false, err
	}
	if cs.isFalse {
		return []alternative{newAlt()}, true, nil
	}
	var out []alternative
	for _, neg := range cs.negs { // not(not x) = x
		out = append(out, addAlt(neg))
	}
	for _, l := range cs.leaves {
		if !typeAllowed(&cset{leaves: []*sjs.Schema{l}}, t) {
			return []alternative{newAlt()}, true, nil
		}
		if l.Enum != nil || l.Const != nil {
			return nil, false, nil
		}
		if len(l.AnyOf) > 0 {
			out = append(out, negAlt(l.AnyOf...))
		}
		if len(l.OneOf) > 0 {
			// none holds, or at least two hold
			out = append(out, negAlt(l.OneOf...))
			for i := range l.OneOf {
				for j := i + 1; j < len(l.OneOf); j++ {
					out = append(out, addAlt(l.OneOf[i], l.OneOf[j]))
				}
			}
		}
		if l.Not != nil {
			out = append(out, addAlt(l.Not))
		}
		if l.If != nil {
			if l.Then != nil {
				a := addAlt(l.If)
				a.negs = []*sjs.Schema{l.Then}
				out = append(out, a)
			}
			if l.Else != nil {
				out = append(out, negAlt(l.If, l.Else))
			}
		}
		switch t {
		case tObj:
			if (l.PropertyNames != nil && !isTrue(l.PropertyNames)) || len(l.PatternProperties) > 0 ||
				(l.AdditionalProperties != nil && !isTrueAny(l.AdditionalProperties)) || len(l.Dependencies) > 0 ||
				len(l.DependentRequired) > 0 || len(l.DependentSchemas) > 0 || (l.UnevaluatedProperties != nil && !isTrue(l.UnevaluatedProperties)) {
				return nil, false, nil
			}
			for _, k := range l.Required {
				a := newAlt()
				a.forb = []string{k}
				out = append(out, a)
			}
			for _, k := range c.propertyOrder(l) {
				p := l.Properties[k]
				if isTrue(p) {
					continue
				}
				a := newAlt()
				a.require = []string{k}
				if !isFalse(p) {
					a.keyNegs = map[string][]*sjs.Schema{k: {p}}
				}
				out = append(out, a)
			}
			if l.MinProperties != nil && *l.MinProperties > 0 {
				a := newAlt()
				a.cmax = *l.MinProperties - 1
				out = append(out, a)
			}
			if l.MaxProperties != nil {
				a := newAlt()
				a.cmin = *l.MaxProperties + 1
				out = append(out, a)
			}
		case tArr:
			prefix, rest, restFalse := itemsOf(l)
			if l.UniqueItems || (rest != nil && !isTrue(rest)) || (l.UnevaluatedItems != nil && !isTrue(l.UnevaluatedItems)) {
				return nil, false, nil
			}
			if restFalse {
				a := newAlt()
				a.cmin = len(prefix) + 1
				out = append(out, a)
			}
			for i, p := range prefix {
				if isTrue(p) {
					continue
				}
				a := newAlt()
				a.cmin = i + 1
				if !isFalse(p) {
					a.posNegs = map[int][]*sjs.Schema{i: {p}}
				}
				out = append(out, a)
			}
			if l.Contains != nil {
				lo, hi := containsBounds(l)
				if lo == 1 && hi == grammar.Unbounded {
					a := newAlt()
					a.itemNegs = []*sjs.Schema{l.Contains}
					out = append(out, a)
				} else if lo > 0 || hi != grammar.Unbounded {
					return nil, false, nil
				}
			}
			if l.MinItems != nil && *l.MinItems > 0 {
				a := newAlt()
				a.cmax = *l.MinItems - 1
				out = append(out, a)
			}
			if l.MaxItems != nil {
				a := newAlt()
				a.cmin = *l.MaxItems + 1
				out = append(out, a)
			}
		}
	}
	return out, true, nil
}

// containsBounds returns minContains and maxContains of a leaf with
// contains (defaults 1 and unbounded).
func containsBounds(l *sjs.Schema) (int, int) {
	lo, hi := 1, grammar.Unbounded
	if l.MinContains != nil {
		lo = *l.MinContains
	}
	if l.MaxContains != nil {
		hi = *l.MaxContains
	}
	return lo, hi
}

// pairwiseDisjoint reports whether no value of type t satisfies two of
// the branches: for objects, two branches are disjoint when one requires a
// key that the other forbids, or allows (when present) only with values
// from a finite set disjoint from the first branch's finite set.
func (c *compiler) pairwiseDisjoint(bs []*sjs.Schema, t jtype) (bool, error) {
	if t != tObj {
		return false, nil
	}
	type info struct {
		required []string
		finite   map[string]map[string]bool // key -> canonical values allowed
		leaves   []*sjs.Schema
	}
	infos := make([]info, len(bs))
	for i, b := range bs {
		cs, err := c.flat1(b)
		if err != nil {
			return false, err
		}
		in := info{finite: map[string]map[string]bool{}, leaves: cs.leaves}
		for _, l := range cs.leaves {
			in.required = append(in.required, l.Required...)
			for k, ps := range l.Properties {
				pcs, err := c.flat1(ps)
				if err != nil {
					return false, err
				}
				if pcs.isFalse {
					in.finite[k] = map[string]bool{}
					continue
				}
				ev := c.enumValues(pcs)
				if ev == nil {
					continue
				}
				set := map[string]bool{}
				for _, v := range ev {
					set[canonical(v)] = true
				}
				if prev, ok := in.finite[k]; ok {
					for v := range prev {
						if !set[v] {
							delete(prev, v)
						}
					}
				} else {
					in.finite[k] = set
				}
			}
		}
		infos[i] = in
	}
	// forbids reports whether b rejects every object with key k.
	forbids := func(b info, k string) bool {
		for _, l := range b.leaves {
			if _, forbidden := memberSchemas(nil, l, k); forbidden {
				return true
			}
		}
		return false
	}
	// oneWay: every value of a has a key k (required) that no value of b
	// has with the same value: b forbids k, or both restrict k to finite
	// sets with nothing in common (b's set applies when k is present).
	oneWay := func(a, b info) bool {
		for _, k := range a.required {
			fb, okb := b.finite[k]
			if (okb && len(fb) == 0) || forbids(b, k) {
				return true
			}
			fa, oka := a.finite[k]
			if !oka || !okb {
				continue
			}
			common := false
			for v := range fa {
				if fb[v] {
					common = true
				}
			}
			if !common {
				return true
			}
		}
		return false
	}
	disjoint := func(a, b info) bool { return oneWay(a, b) || oneWay(b, a) }
	for i := range infos {
		for j := i + 1; j < len(infos); j++ {
			if !disjoint(infos[i], infos[j]) {
				return false, nil
			}
		}
	}
	return true, nil
}
