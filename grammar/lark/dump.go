package lark

import (
	"fmt"
	"strings"

	"github.com/gramc/gramc/grammar"
)

// Dump writes g faithfully, one rule per line as "name ::= body", for
// debugging, golden tests and `gramc convert --to ir`. Bodies use GBNF
// notation (grammar.Format) for everything GBNF can write, and three more
// forms for the rest:
//
//	(A & B)                   And: the strings both A and B match
//	~(X)                      Not{X, Within: any string}
//	(W - X)                   Not{X, Within: W}
//	perm(open, sep, close; item, item?, ...; extra*; min..max)
//	                          Perm: required items unmarked, optional ones
//	                          with "?", Extra (if any) with "*"
//
// The root rule is marked with a comment line "# root: NAME" first.
func Dump(g *grammar.Grammar) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# root: %s\n", g.Root)
	for _, r := range g.Rules {
		if r == nil {
			continue
		}
		b.WriteString(r.Name)
		b.WriteString(" ::= ")
		dumpExpr(&b, r.Body, ctxTop)
		b.WriteByte('\n')
	}
	return b.String()
}

func dumpExpr(b *strings.Builder, e grammar.Expr, ctx int) {
	open := func(yes bool) func() {
		if !yes {
			return func() {}
		}
		b.WriteByte('(')
		return func() { b.WriteByte(')') }
	}
	switch e := e.(type) {
	case *grammar.Alt:
		if len(e.Alts) < 2 {
			b.WriteString(grammar.Format(e))
			return
		}
		defer open(ctx > ctxTop)()
		for i, x := range e.Alts {
			if i > 0 {
				b.WriteString(" | ")
			}
			dumpExpr(b, x, ctxAlt)
		}
	case *grammar.Seq:
		switch len(e.Items) {
		case 0:
			b.WriteString("()")
			return
		case 1:
			dumpExpr(b, e.Items[0], ctx)
			return
		}
		defer open(ctx >= ctxItem)()
		for i, x := range e.Items {
			if i > 0 {
				b.WriteByte(' ')
			}
			dumpExpr(b, x, ctxItem)
		}
	case *grammar.Repeat:
		dumpExpr(b, e.X, ctxOp)
		s := grammar.Format(&grammar.Repeat{X: &grammar.Seq{}, Min: e.Min, Max: e.Max})
		b.WriteString(strings.TrimPrefix(s, "()"))
	case *grammar.And:
		b.WriteByte('(')
		for i, x := range e.Items {
			if i > 0 {
				b.WriteString(" & ")
			}
			dumpExpr(b, x, ctxConj)
		}
		b.WriteByte(')')
	case *grammar.Not:
		if isAnyString(e.Within) {
			b.WriteString("~(")
			dumpExpr(b, e.X, ctxTop)
			b.WriteByte(')')
			return
		}
		b.WriteByte('(')
		dumpExpr(b, e.Within, ctxConj)
		b.WriteString(" - ")
		dumpExpr(b, e.X, ctxConj)
		b.WriteByte(')')
	case *grammar.Perm:
		b.WriteString("perm(")
		for i, x := range []grammar.Expr{e.Open, e.Sep, e.Close} {
			if i > 0 {
				b.WriteString(", ")
			}
			dumpExpr(b, x, ctxAlt)
		}
		b.WriteString("; ")
		for i, x := range e.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			dumpExpr(b, x, ctxItem)
			if i < len(e.Required) && !e.Required[i] {
				b.WriteByte('?')
			}
		}
		if e.Extra != nil {
			b.WriteString("; ")
			dumpExpr(b, e.Extra, ctxItem)
			b.WriteByte('*')
		}
		if e.Max == grammar.Unbounded {
			fmt.Fprintf(b, "; %d..)", e.Min)
		} else {
			fmt.Fprintf(b, "; %d..%d)", e.Min, e.Max)
		}
	case nil:
		b.WriteString("<nil>")
	default:
		b.WriteString(grammar.Format(e))
	}
}
