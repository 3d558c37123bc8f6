package jsonschema

import (
	"fmt"
	"slices"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/grammar"
)

// itemsOf returns leaf l's positional item schemas and the schema of the
// items after them (nil: unconstrained; restFalse: no more items).
func itemsOf(l *sjs.Schema) (prefix []*sjs.Schema, rest *sjs.Schema, restFalse bool) {
	if l.DraftVersion >= 2020 || l.PrefixItems != nil || l.Items2020 != nil {
		prefix, rest = l.PrefixItems, l.Items2020
	} else {
		switch it := l.Items.(type) {
		case []*sjs.Schema:
			prefix = it
			switch ai := l.AdditionalItems.(type) {
			case bool:
				restFalse = !ai
			case *sjs.Schema:
				rest = ai
			}
		case *sjs.Schema:
			rest = it
		}
	}
	if isFalse(rest) {
		rest, restFalse = nil, true
	}
	return prefix, rest, restFalse
}

// maxContainsStates bounds the (position, count) states of an array with
// contains.
const maxContainsStates = 4096

// array builds the array language of a conjunction without combinators.
func (c *compiler) array(ch *cset) (grammar.Expr, error) {
	if ch.isFalse || !typeAllowed(ch, tArr) {
		return nil, nil
	}
	scopes, err := c.unevaluatedScopes(ch, false)
	if err != nil {
		return nil, err
	}
	minI, maxI := ch.cmin, ch.cmax
	P := 0
	for _, l := range ch.leaves {
		if l.MinItems != nil && *l.MinItems > minI {
			minI = *l.MinItems
		}
		if l.MaxItems != nil {
			maxI = minBound(maxI, *l.MaxItems)
		}
		prefix, _, _ := itemsOf(l)
		P = max(P, len(prefix))
	}
	for i := range ch.posNegs {
		P = max(P, i+1)
	}
	if maxI != grammar.Unbounded && minI > maxI {
		return nil, nil
	}
	// contains: one schema with count bounds [cLo, cHi].
	var contains *sjs.Schema
	cLo, cHi := 0, grammar.Unbounded
	unique := (*sjs.Schema)(nil)
	for _, l := range ch.leaves {
		if l.UniqueItems && !(maxI != grammar.Unbounded && maxI <= 1) {
			unique = l
		}
		if l.Contains == nil {
			continue
		}
		lo, hi := containsBounds(l)
		if lo == 0 && hi == grammar.Unbounded && !annotatesContains(scopes, l.Contains) {
			continue // vacuous
		}
		if contains != nil && contains != l.Contains {
			if err := c.unsupported(l, "contains", "several different contains schemas on one array"); err != nil {
				return nil, err
			}
			continue
		}
		contains = l.Contains
		cLo, cHi = max(cLo, lo), minBound(cHi, hi)
	}
	if contains != nil && cHi != grammar.Unbounded && cLo > cHi {
		return nil, nil
	}
	for _, sc := range scopes {
		for _, x := range sc.contains {
			if x != contains {
				if err := c.unsupported(sc.leaf, "unevaluatedItems", "items evaluated by several contains"); err != nil {
					return nil, err
				}
			}
		}
	}
	// evaluatedAt reports whether position i is evaluated within scope sc.
	evaluatedAt := func(sc evalScope, i int) bool {
		if sc.all {
			return true
		}
		for _, m := range sc.inner {
			if p, _, _ := itemsOf(m); i < len(p) {
				return true
			}
		}
		return false
	}
	// elem returns the rule of the items at position i (i < 0: the rest);
	// match selects items that satisfy contains (1), fail it (0), or any (-1).
	elemSet := func(i, match int) (*cset, error) {
		var vs []*sjs.Schema
		negs := slices.Clone(ch.itemNegs)
		dead := false
		for _, l := range ch.leaves {
			prefix, rest, restFalse := itemsOf(l)
			switch {
			case i >= 0 && i < len(prefix):
				vs = append(vs, prefix[i])
			case restFalse:
				dead = true
			case rest != nil:
				vs = append(vs, rest)
			}
		}
		pos := i
		if i < 0 {
			pos = P
		} else {
			negs = append(negs, ch.posNegs[i]...)
		}
		for _, sc := range scopes {
			if !evaluatedAt(sc, pos) && !(match == 1 && slices.Contains(sc.contains, contains)) {
				vs = append(vs, sc.schema)
			}
		}
		switch match {
		case 1:
			vs = append(vs, contains)
		case 0:
			negs = append(negs, contains)
		}
		if dead {
			vs = append(vs, falseSchema)
		}
		return c.flatten(vs, negs)
	}
	elem := func(i, match int) (grammar.Expr, error) {
		cs, err := elemSet(i, match)
		if err != nil || cs.isFalse {
			return nil, err
		}
		name, err := c.valueRule(cs)
		if err != nil {
			return nil, err
		}
		return &grammar.Ref{Name: name}, nil
	}
	sep := seq(grammar.Lit(","), c.ws)
	closeB := grammar.Lit("]")
	open := seq(grammar.Lit("["), c.ws)
	if unique != nil {
		e, ok, err := c.uniqueArray(elemSet, P, contains, minI, maxI)
		if err != nil || ok {
			return e, err
		}
		if err := c.unsupported(unique, "uniqueItems", "item uniqueness is only enforced for items from a small finite set (enum, boolean, null) or when at most one item is allowed"); err != nil {
			return nil, err
		}
	}
	if contains != nil {
		return c.containsArray(ch, elem, P, minI, maxI, cLo, cHi)
	}
	rest, err := elem(-1, -1)
	if err != nil {
		return nil, err
	}
	// tail(i): the rest of the array after i >= 1 items.
	var tail func(i int) (grammar.Expr, error)
	tail = func(i int) (grammar.Expr, error) {
		if i >= P {
			lo := max(minI-i, 0)
			hi := grammar.Unbounded
			if maxI != grammar.Unbounded {
				hi = maxI - i
			}
			if rest == nil || hi == 0 {
				if lo > 0 {
					return nil, nil
				}
				return closeB, nil
			}
			return seq(&grammar.Repeat{X: seq(sep, rest, c.ws), Min: lo, Max: hi}, closeB), nil
		}
		var alts []grammar.Expr
		if i >= minI {
			alts = append(alts, closeB)
		}
		if maxI == grammar.Unbounded || i < maxI {
			e, err := elem(i, -1)
			if err != nil {
				return nil, err
			}
			if e != nil {
				t, err := tail(i + 1)
				if err != nil {
					return nil, err
				}
				if t != nil {
					alts = append(alts, seq(sep, e, c.ws, t))
				}
			}
		}
		if len(alts) == 0 {
			return nil, nil
		}
		return alt(alts...), nil
	}
	var alts []grammar.Expr
	if minI == 0 {
		alts = append(alts, seq(open, closeB))
	}
	if maxI != 0 {
		first := rest
		if P > 0 {
			if first, err = elem(0, -1); err != nil {
				return nil, err
			}
		}
		if first != nil {
			t, err := tail(1)
			if err != nil {
				return nil, err
			}
			if t != nil {
				alts = append(alts, seq(open, first, c.ws, t))
			}
		}
	}
	if len(alts) == 0 {
		return nil, nil
	}
	return alt(alts...), nil
}

// containsArray builds an array whose number of items that match the
// contains schema is between cLo and cHi: rules T(i, n) for "i items so
// far, n of them matching", with i capped where positions and length
// bounds stop mattering and n capped where the count bounds do.
func (c *compiler) containsArray(ch *cset, elem func(i, match int) (grammar.Expr, error), P, minI, maxI, cLo, cHi int) (grammar.Expr, error) {
	capI := max(P, minI)
	if maxI != grammar.Unbounded {
		capI = maxI
	}
	capN := cLo
	if cHi != grammar.Unbounded {
		capN = cHi
	}
	if (capI+1)*(capN+1) > maxContainsStates {
		return nil, c.strict(firstWith(ch, func(l *sjs.Schema) bool { return l.Contains != nil }), "contains",
			fmt.Sprintf("the item and match counts need more than %d states", maxContainsStates))
	}
	base := c.ruleName(ch) + "-items"
	name := func(i, n int) string { return fmt.Sprintf("%s-%d-%d", base, i, n) }
	made := map[string]bool{}
	sep := seq(grammar.Lit(","), c.ws)
	closeB := grammar.Lit("]")
	ok := func(i, n int) bool { return i >= minI && n >= cLo }
	// step returns the alternatives after one more item at position i
	// given n matches so far, each followed by the rule for the next state.
	var state func(i, n int) (string, error)
	step := func(i, n int) ([]grammar.Expr, error) {
		if maxI != grammar.Unbounded && i >= maxI {
			return nil, nil
		}
		pos := i
		if i >= P {
			pos = -1
		}
		var alts []grammar.Expr
		for _, m := range []int{1, 0} {
			nn := n + m
			if cHi != grammar.Unbounded && nn > cHi {
				continue
			}
			if cHi == grammar.Unbounded && nn > cLo {
				nn = cLo
			}
			e, err := elem(pos, m)
			if err != nil {
				return nil, err
			}
			if e == nil {
				continue
			}
			ni := i + 1
			if maxI == grammar.Unbounded && ni > capI {
				ni = capI
			}
			next, err := state(ni, nn)
			if err != nil {
				return nil, err
			}
			alts = append(alts, seq(e, c.ws, &grammar.Ref{Name: next}))
		}
		return alts, nil
	}
	// state(i, n) matches what follows i items with n matches: "]" or
	// "," and another item.
	state = func(i, n int) (string, error) {
		nm := name(i, n)
		if made[nm] {
			return nm, nil
		}
		made[nm] = true
		r := &grammar.Rule{Name: nm}
		c.rules = append(c.rules, r)
		var alts []grammar.Expr
		if ok(i, n) {
			alts = append(alts, closeB)
		}
		more, err := step(i, n)
		if err != nil {
			return "", err
		}
		for _, m := range more {
			alts = append(alts, seq(sep, m))
		}
		r.Body = alt(alts...)
		return nm, nil
	}
	open := seq(grammar.Lit("["), c.ws)
	var alts []grammar.Expr
	if ok(0, 0) {
		alts = append(alts, seq(open, closeB))
	}
	first, err := step(0, 0)
	if err != nil {
		return nil, err
	}
	for _, f := range first {
		alts = append(alts, seq(open, f))
	}
	if len(alts) == 0 {
		return nil, nil
	}
	return alt(alts...), nil
}

// annotatesContains reports whether an unevaluatedItems scope sees the
// annotations of contains schema x.
func annotatesContains(scopes []evalScope, x *sjs.Schema) bool {
	for _, sc := range scopes {
		if slices.Contains(sc.contains, x) {
			return true
		}
	}
	return false
}

// maxUniqueTuples bounds the arrays listed one by one for uniqueItems
// over positional items.
const maxUniqueTuples = 512

// uniqueArray builds an array of distinct items when the items come from a
// finite set: for homogeneous items (no prefixItems) a permutation in which
// every value appears at most once; for positional items with no more
// items after them, the list of every array of distinct values.
func (c *compiler) uniqueArray(elemSet func(i, match int) (*cset, error), P int, contains *sjs.Schema, minI, maxI int) (grammar.Expr, bool, error) {
	if contains != nil {
		return nil, false, nil
	}
	rest, err := elemSet(-1, -1)
	if err != nil {
		return nil, false, err
	}
	if P == 0 {
		vals, ok := c.finiteValues(rest)
		if !ok || len(vals) > maxPermItems {
			return nil, false, nil
		}
		if minI > len(vals) {
			return nil, true, nil
		}
		p := &grammar.Perm{Open: seq(grammar.Lit("["), c.ws), Sep: seq(grammar.Lit(","), c.ws), Close: grammar.Lit("]"), Min: minI, Max: maxI}
		if maxI == grammar.Unbounded || maxI > len(vals) {
			p.Max = len(vals)
		}
		for _, v := range vals {
			e, err := c.valueText(v)
			if err != nil {
				return nil, false, c.enumError(rest, err)
			}
			p.Items = append(p.Items, seq(e, c.ws))
			p.Required = append(p.Required, false)
		}
		return p, true, nil
	}
	if !rest.isFalse {
		return nil, false, nil
	}
	// Positional items only: list the arrays.
	hi := P
	if maxI != grammar.Unbounded {
		hi = min(hi, maxI)
	}
	var pos [][]any
	for i := 0; i < hi; i++ {
		cs, err := elemSet(i, -1)
		if err != nil {
			return nil, false, err
		}
		vals, ok := c.finiteValues(cs)
		if !ok {
			return nil, false, nil
		}
		pos = append(pos, vals)
	}
	var alts []grammar.Expr
	var cur []any
	var rec func(i int) error
	rec = func(i int) error {
		if len(alts) > maxUniqueTuples {
			return nil
		}
		if i >= minI {
			e, err := c.valueText(slices.Clone(cur))
			if err != nil {
				return err
			}
			alts = append(alts, e)
		}
		if i == hi {
			return nil
		}
		for _, v := range pos[i] {
			dup := false
			for _, u := range cur {
				if canonical(u) == canonical(v) {
					dup = true
				}
			}
			if dup {
				continue
			}
			cur = append(cur, v)
			if err := rec(i + 1); err != nil {
				return err
			}
			cur = cur[:len(cur)-1]
		}
		return nil
	}
	if err := rec(0); err != nil {
		return nil, false, err
	}
	if len(alts) > maxUniqueTuples {
		return nil, false, nil
	}
	return alt(alts...), true, nil
}

// finiteValues returns the values of cs's language when it is a finite
// set that can be listed: an enum or const, or only null and booleans.
func (c *compiler) finiteValues(cs *cset) ([]any, bool) {
	if cs.isFalse {
		return nil, true
	}
	cands := c.enumValues(cs)
	if cands == nil {
		for _, t := range []jtype{tNum, tStr, tArr, tObj} {
			if typeAllowed(cs, t) {
				return nil, false
			}
		}
		cands = []any{nil, true, false}
	}
	vals, err := c.filterEnum(cs, cands)
	return vals, err == nil
}
