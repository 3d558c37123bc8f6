package jsonschema

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gramc/gramc/grammar"
)

// prune removes the rules that derive no finite string (schemas whose
// language is empty, such as a property whose schema is false, or a
// recursive schema that can never end) and every use of them: an
// alternative that needs one disappears, an optional member or item is no
// longer offered. It fails with ErrUnsatisfiable when the root is empty.
func prune(g *grammar.Grammar) error {
	productive := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, r := range g.Rules {
			if !productive[r.Name] && grammar.Productive(r.Body, productive) {
				productive[r.Name] = true
				changed = true
			}
		}
	}
	if !productive[g.Root] {
		return fmt.Errorf("jsonschema: %w", ErrUnsatisfiable)
	}
	var kept []*grammar.Rule
	for _, r := range g.Rules {
		if !productive[r.Name] {
			continue
		}
		body, ok := simplify(r.Body, productive)
		if !ok {
			return fmt.Errorf("jsonschema: internal error: productive rule %q simplified to nothing", r.Name)
		}
		r.Body = body
		kept = append(kept, r)
	}
	// Drop rules that are no longer reachable.
	byName := map[string]*grammar.Rule{}
	for _, r := range kept {
		byName[r.Name] = r
	}
	reached := map[string]bool{g.Root: true}
	queue := []string{g.Root}
	for len(queue) > 0 {
		r := byName[queue[0]]
		queue = queue[1:]
		grammar.Walk(r.Body, func(e grammar.Expr) bool {
			if ref, ok := e.(*grammar.Ref); ok && !reached[ref.Name] {
				reached[ref.Name] = true
				queue = append(queue, ref.Name)
			}
			return true
		})
	}
	g.Rules = g.Rules[:0]
	for _, r := range kept {
		if reached[r.Name] {
			g.Rules = append(g.Rules, r)
		}
	}
	return nil
}

// simplify rewrites e without the unproductive rules; ok is false when e
// itself derives nothing.
func simplify(e grammar.Expr, productive map[string]bool) (grammar.Expr, bool) {
	switch e := e.(type) {
	case *grammar.Ref:
		return e, productive[e.Name]
	case *grammar.Seq:
		items := make([]grammar.Expr, 0, len(e.Items))
		for _, x := range e.Items {
			y, ok := simplify(x, productive)
			if !ok {
				return nil, false
			}
			items = append(items, y)
		}
		return &grammar.Seq{Items: items, Pos: e.Pos}, true
	case *grammar.Alt:
		var alts []grammar.Expr
		for _, x := range e.Alts {
			if y, ok := simplify(x, productive); ok {
				alts = append(alts, y)
			}
		}
		if len(alts) == 0 {
			return nil, false
		}
		if len(alts) == 1 {
			return alts[0], true
		}
		return &grammar.Alt{Alts: alts, Pos: e.Pos}, true
	case *grammar.Repeat:
		y, ok := simplify(e.X, productive)
		if !ok {
			if e.Min == 0 {
				return &grammar.Seq{}, true
			}
			return nil, false
		}
		return &grammar.Repeat{X: y, Min: e.Min, Max: e.Max, Pos: e.Pos}, true
	case *grammar.Perm:
		p := &grammar.Perm{Open: e.Open, Sep: e.Sep, Close: e.Close, Min: e.Min, Max: e.Max, Pos: e.Pos}
		for i, x := range e.Items {
			y, ok := simplify(x, productive)
			if !ok {
				if e.Required[i] {
					return nil, false
				}
				continue
			}
			p.Items = append(p.Items, y)
			p.Required = append(p.Required, e.Required[i])
		}
		if e.Extra != nil {
			if y, ok := simplify(e.Extra, productive); ok {
				p.Extra = y
			}
		}
		if !grammar.Productive(p, productive) {
			return nil, false
		}
		return p, true
	case *grammar.Class:
		return e, !grammar.ClassEmpty(e)
	}
	// Bytes, And, Not, Token: regular parts are checked when built.
	return e, true
}

// isEmptyLanguage reports whether a compile error says that a rule's
// language is empty.
func isEmptyLanguage(err error) bool {
	var gl grammar.ErrorList
	if errors.As(err, &gl) {
		for _, e := range gl {
			if e.Code == grammar.ErrEmptyLanguage {
				return true
			}
		}
	}
	return strings.Contains(err.Error(), "language is empty")
}
