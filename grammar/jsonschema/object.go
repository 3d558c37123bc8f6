package jsonschema

import (
	"fmt"
	"slices"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/grammar"
)

// maxPatterns bounds the distinct patternProperties of one object (the
// key space is split into 2^n regions).
const maxPatterns = 6

// evalScope is what one leaf with unevaluatedProperties/Items sees as
// evaluated: the keywords of the leaves of its own closure.
type evalScope struct {
	leaf     *sjs.Schema
	inner    []*sjs.Schema
	all      bool // everything is evaluated (additionalProperties, items, or a nested unevaluated*)
	schema   *sjs.Schema
	contains []*sjs.Schema // 2020-12: the items that match these are evaluated
}

// unevaluatedScopes returns, for every leaf of ch with
// unevaluatedProperties (props) or unevaluatedItems (!props), the
// subschemas whose annotations it sees: the leaf and, recursively, its
// in-place applicators that hold in ch ($ref and allOf always; anyOf,
// oneOf, if/then/else and dependentSchemas branches when ch decides that
// they hold). A branch that ch leaves undecided makes the keyword
// unsupported.
func (c *compiler) unevaluatedScopes(ch *cset, props bool) ([]evalScope, error) {
	var out []evalScope
	pos := map[*sjs.Schema]bool{}
	for _, l := range ch.leaves {
		pos[l] = true
	}
	neg := map[*sjs.Schema]bool{}
	for _, n := range ch.negs {
		neg[n] = true
	}
	for _, l := range ch.leaves {
		u := l.UnevaluatedItems
		kw := "unevaluatedItems"
		if props {
			u, kw = l.UnevaluatedProperties, "unevaluatedProperties"
		}
		if u == nil {
			continue
		}
		sc := evalScope{leaf: l, schema: u}
		reason := ""
		seen := map[*sjs.Schema]bool{}
		var visit func(s *sjs.Schema)
		visit = func(s *sjs.Schema) {
			if s == nil || s.Bool != nil || seen[s] || reason != "" {
				return
			}
			seen[s] = true
			sc.inner = append(sc.inner, s)
			flat, err := c.flat1(s)
			if err == nil {
				for _, m := range flat.leaves {
					if m != s {
						visit(m)
					}
				}
			}
			decided := func(b *sjs.Schema) bool { return pos[b] || neg[b] || b.Bool != nil }
			for _, b := range s.AnyOf {
				if !decided(b) {
					reason = "an anyOf branch whose success is not decided"
				}
				if pos[b] {
					visit(b)
				}
			}
			if len(s.OneOf) > 0 {
				held := false
				for _, b := range s.OneOf {
					if pos[b] {
						held = true
						visit(b)
					}
				}
				if !held {
					reason = "a oneOf whose successful branch is not decided"
				}
			}
			if s.If != nil {
				switch {
				case pos[s.If]:
					visit(s.If)
					visit(s.Then)
				case neg[s.If] || isFalse(s.If):
					visit(s.Else)
				case isTrue(s.If):
					visit(s.Then)
				default:
					reason = "an if whose outcome is not decided"
				}
			}
			for _, k := range sortedKeys(s.DependentSchemas) {
				if b := s.DependentSchemas[k]; pos[b] {
					visit(b)
				}
			}
			for _, k := range sortedKeys(s.Dependencies) {
				if b, ok := s.Dependencies[k].(*sjs.Schema); ok && pos[b] {
					visit(b)
				}
			}
		}
		visit(l)
		if reason != "" {
			if err := c.unsupported(l, kw, reason); err != nil {
				return nil, err
			}
			sc.all = true // lenient: drop the keyword
		}
		for _, m := range sc.inner {
			if props {
				if m != l && m.UnevaluatedProperties != nil || m.AdditionalProperties != nil {
					sc.all = true
				}
			} else {
				if m != l && m.UnevaluatedItems != nil || (m.Items != nil && !isArrayItems(m)) || m.Items2020 != nil || (isArrayItems(m) && m.AdditionalItems != nil) {
					sc.all = true
				}
				if m.Contains != nil && m.DraftVersion >= 2020 {
					sc.contains = append(sc.contains, m.Contains)
				}
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

func hasSchemaDependency(m *sjs.Schema) bool {
	for _, v := range m.Dependencies {
		if _, ok := v.(*sjs.Schema); ok {
			return true
		}
	}
	return false
}

// keyEvaluated reports whether named key k is evaluated within scope sc.
func keyEvaluated(sc evalScope, k string) bool {
	if sc.all {
		return true
	}
	for _, m := range sc.inner {
		if _, ok := m.Properties[k]; ok {
			return true
		}
		for re := range m.PatternProperties {
			if re.MatchString(k) {
				return true
			}
		}
	}
	return false
}

// object builds the object language of a conjunction without combinators:
// a permutation of the named members, plus extra members whose keys are
// split into regions by the patterns they match.
func (c *compiler) object(ch *cset) (grammar.Expr, error) {
	if ch.isFalse || !typeAllowed(ch, tObj) {
		return nil, nil
	}
	scopes, err := c.unevaluatedScopes(ch, true)
	if err != nil {
		return nil, err
	}
	// Named keys, in schema order.
	var named []string
	addKey := func(k string) {
		if !slices.Contains(named, k) {
			named = append(named, k)
		}
	}
	required := map[string]bool{}
	minP, maxP := 0, grammar.Unbounded
	var propNames []*sjs.Schema
	for _, l := range ch.leaves {
		for _, k := range c.propertyOrder(l) {
			addKey(k)
		}
		for _, k := range l.Required {
			addKey(k)
			required[k] = true
		}
		if l.MinProperties != nil && *l.MinProperties > minP {
			minP = *l.MinProperties
		}
		if l.MaxProperties != nil && (maxP == grammar.Unbounded || *l.MaxProperties < maxP) {
			maxP = *l.MaxProperties
		}
		if l.PropertyNames != nil {
			propNames = append(propNames, l.PropertyNames)
		}
	}
	for _, k := range ch.require {
		addKey(k)
		required[k] = true
	}
	for _, k := range ch.forbid {
		addKey(k)
	}
	for _, k := range sortedKeys(ch.keyNegs) {
		addKey(k)
	}
	minP = max(minP, ch.cmin)
	maxP = minBound(maxP, ch.cmax)
	if maxP != grammar.Unbounded && minP > maxP {
		return nil, nil
	}
	// Patterns of all leaves.
	var patterns []string
	for _, l := range ch.leaves {
		for re := range l.PatternProperties {
			if !slices.Contains(patterns, re.String()) {
				patterns = append(patterns, re.String())
			}
		}
	}
	slices.Sort(patterns)
	if len(patterns) > maxPatterns {
		return nil, c.strict(firstWith(ch, func(l *sjs.Schema) bool { return len(l.PatternProperties) > 0 }), "patternProperties",
			fmt.Sprintf("%d distinct patterns on one object (the limit is %d)", len(patterns), maxPatterns))
	}
	patLang := make([]grammar.Expr, len(patterns))
	for i, p := range patterns {
		e, err := c.pattern(p)
		if err != nil {
			return nil, c.strict(firstWith(ch, func(l *sjs.Schema) bool { return len(l.PatternProperties) > 0 }), "patternProperties", err.Error())
		}
		patLang[i] = e
	}
	perm := &grammar.Perm{Open: c.objOpen(), Sep: c.objSep(), Close: c.objClose(), Min: minP, Max: maxP}
	for _, k := range named {
		if slices.Contains(ch.forbid, k) {
			if required[k] {
				return nil, nil
			}
			continue
		}
		ok := true
		for _, pn := range propNames {
			if pn.Validate(k) != nil {
				ok = false
			}
		}
		var vs []*sjs.Schema
		for _, l := range ch.leaves {
			var forbidden bool
			vs, forbidden = memberSchemas(vs, l, k)
			if forbidden {
				ok = false
			}
		}
		for _, sc := range scopes {
			if !keyEvaluated(sc, k) {
				vs = append(vs, sc.schema)
			}
		}
		vcs, err := c.flatten(vs, ch.keyNegs[k])
		if err != nil {
			return nil, err
		}
		if !ok || vcs.isFalse {
			if required[k] {
				return nil, nil
			}
			continue
		}
		if len(perm.Items) >= maxPermItems {
			return nil, c.strict(ch.leaves[0], "properties", fmt.Sprintf("more than %d named properties on one object", maxPermItems))
		}
		name, err := c.valueRule(vcs)
		if err != nil {
			return nil, err
		}
		perm.Items = append(perm.Items, c.member(lexLiteral(k), &grammar.Ref{Name: name}))
		perm.Required = append(perm.Required, required[k])
	}
	// Extra members: one region per subset of the patterns.
	var notNamed grammar.Expr
	if len(named) > 0 {
		var lits []grammar.Expr
		for _, k := range named {
			lits = append(lits, lexLiteral(k))
		}
		notNamed = &grammar.Not{X: alt(lits...), Within: lexLength(0, grammar.Unbounded)}
	}
	var pnLang []grammar.Expr
	for _, pn := range propNames {
		r, err := c.scalarOf(pn, tStr)
		if err != nil {
			return nil, err
		}
		switch r.kind {
		case triNone:
			pnLang = append(pnLang, &grammar.Alt{})
		case triSome:
			pnLang = append(pnLang, r.e)
		}
	}
	var extras []grammar.Expr
	repeatable := false // some extra member may repeat its key (lenient)
	finiteKeys, infiniteKeys := 0, false
	for m := 0; m < 1<<len(patterns); m++ {
		var vs []*sjs.Schema
		dead := false
		for _, l := range ch.leaves {
			matched := false
			for re, s := range l.PatternProperties {
				if i := slices.Index(patterns, re.String()); m&(1<<i) != 0 {
					vs = append(vs, s)
					matched = true
				}
			}
			if !matched {
				if s, isSchema := l.AdditionalProperties.(*sjs.Schema); isSchema {
					vs = append(vs, s)
				} else if b, isBool := l.AdditionalProperties.(bool); isBool && !b {
					dead = true
				}
			}
		}
		for _, sc := range scopes {
			evaluated := sc.all
			for _, mm := range sc.inner {
				for re := range mm.PatternProperties {
					if i := slices.Index(patterns, re.String()); m&(1<<i) != 0 {
						evaluated = true
					}
				}
			}
			if !evaluated {
				vs = append(vs, sc.schema)
			}
		}
		if dead {
			continue
		}
		vcs, err := c.flatten(vs, nil)
		if err != nil {
			return nil, err
		}
		if vcs.isFalse {
			continue
		}
		keyParts := []grammar.Expr{}
		for i := range patterns {
			if m&(1<<i) != 0 {
				keyParts = append(keyParts, patLang[i])
			} else {
				keyParts = append(keyParts, &grammar.Not{X: patLang[i], Within: lexLength(0, grammar.Unbounded)})
			}
		}
		if notNamed != nil {
			keyParts = append(keyParts, notNamed)
		}
		keyParts = append(keyParts, pnLang...)
		var key grammar.Expr
		switch len(keyParts) {
		case 0:
			key = lexLength(0, grammar.Unbounded)
		case 1:
			key = keyParts[0]
		default:
			key = &grammar.And{Items: keyParts}
		}
		// The key language's shape (which also says whether it is empty);
		// the complement of finitely many keys is never empty and open.
		shape := keyShape{decided: true, open: true}
		if len(keyParts) > 1 || (len(keyParts) == 1 && keyParts[0] != notNamed) {
			if shape, err = c.keyShapeOf(key); err != nil {
				return nil, err
			}
			empty := shape.empty
			if !shape.decided {
				if empty, err = c.regularEmpty(key); err != nil {
					return nil, err
				}
			}
			if empty {
				continue
			}
		}
		name, err := c.valueRule(vcs)
		if err != nil {
			return nil, err
		}
		if !shape.decided {
			src, kw := firstWith(ch, func(l *sjs.Schema) bool { return l.PropertyNames != nil }), "propertyNames"
			if len(propNames) == 0 {
				src, kw = firstWith(ch, func(l *sjs.Schema) bool { return len(l.PatternProperties) > 0 }), "patternProperties"
			}
			if err := c.unsupported(src, kw, "undeclared keys from a language with counted repetitions over 256 or a format that calls rules: "+
				"whether keeping keys distinct could leave dead ends is not decided, and repeated keys are not allowed"); err != nil {
				return nil, err
			}
			// Lenient: repeated undeclared keys are allowed here.
			repeatable = true
			extras = append(extras, c.member(key, &grammar.Ref{Name: name}))
			continue
		}
		if shape.finite {
			finiteKeys += shape.n
		} else {
			infiniteKeys = true
		}
		keyRule, err := c.keyRule(key, &grammar.Ref{Name: name})
		if err != nil {
			return nil, err
		}
		extras = append(extras, &grammar.Ref{Name: keyRule})
	}
	if len(extras) > 0 && !repeatable && !infiniteKeys && len(perm.Items)+finiteKeys < keyShapeLimit {
		// Finitely many undeclared keys: once every one is used, no
		// member can follow. The runtime keeps keys distinct but only
		// looks inside keys, so the bound on the member count says it.
		perm.Max = minBound(perm.Max, len(perm.Items)+finiteKeys)
		if perm.Min > perm.Max {
			return nil, nil
		}
	}
	if len(extras) > 0 {
		perm.Extra = alt(extras...)
		// Duplicate keys: a named member occurs at most once (every
		// encoding of its key is the same item) and extra keys exclude the
		// named ones; extra keys are Key rules, which the runtime keeps
		// distinct (grammar.Rule.Key). Lenient mode may have let a
		// non-open-ended key language repeat keys (reported above); there
		// a lower bound that needs 2 or more members beyond the required
		// ones could be met by repeating one extra key ({"x":1,"x":2} for
		// minProperties 2), so it is reported too. (With one member beyond
		// the required ones the distinct count is exact.)
		nreq := 0
		for _, r := range perm.Required {
			if r {
				nreq++
			}
		}
		if minP-nreq >= 2 && (maxP == grammar.Unbounded || maxP-nreq >= 2) && repeatable {
			src, kw := firstWith(ch, func(l *sjs.Schema) bool { return l.MinProperties != nil && *l.MinProperties == minP }), "minProperties"
			if src == nil {
				src, kw = ch.leaves[0], "not/maxProperties"
			}
			if err := c.unsupported(src, kw, fmt.Sprintf("at least %d properties where undeclared keys may repeat (lenient): a repeated key counts towards the minimum", minP)); err != nil {
				return nil, err
			}
		}
	}
	return perm, nil
}

// keyRule adds a Key rule (grammar.Rule.Key): a member whose quoted key
// has its contents in key, then the colon and value (the whole member in
// one rule, so that tokens such as `":"` or `":1` are decided within its
// automaton), and returns its name.
func (c *compiler) keyRule(key, value grammar.Expr) (string, error) {
	if len(c.rules) >= c.opts.MaxRules {
		return "", fmt.Errorf("jsonschema: %w: more than %d grammar rules", errTooLarge, c.opts.MaxRules)
	}
	n := c.nameCount["key"]
	c.nameCount["key"] = n + 1
	name := fmt.Sprintf("key-%d", n+1)
	c.rules = append(c.rules, &grammar.Rule{Name: name, Body: c.member(key, value), Key: true})
	return name, nil
}

// memberSchemas appends to vs the subschemas of leaf l that apply to the
// value of member k (properties, matching patternProperties, else
// additionalProperties), and reports whether l forbids k
// (additionalProperties false and no property or pattern for it).
func memberSchemas(vs []*sjs.Schema, l *sjs.Schema, k string) ([]*sjs.Schema, bool) {
	matched := false
	if s, has := l.Properties[k]; has {
		vs = append(vs, s)
		matched = true
	}
	for re, s := range l.PatternProperties {
		if re.MatchString(k) {
			vs = append(vs, s)
			matched = true
		}
	}
	if matched {
		return vs, false
	}
	switch ap := l.AdditionalProperties.(type) {
	case *sjs.Schema:
		return append(vs, ap), false
	case bool:
		return vs, !ap
	}
	return vs, false
}

func firstWith(ch *cset, f func(*sjs.Schema) bool) *sjs.Schema {
	for _, l := range ch.leaves {
		if f(l) {
			return l
		}
	}
	if len(ch.leaves) > 0 {
		return ch.leaves[0]
	}
	return nil
}
