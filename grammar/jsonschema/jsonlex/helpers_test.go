package jsonlex

import (
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

// lang is a compiled expression (nil program: the empty language).
type lang struct {
	p *automaton.Program
}

func compileExpr(t testing.TB, e grammar.Expr) lang {
	t.Helper()
	if isNone(e) {
		return lang{}
	}
	p, err := compile.Compile(&grammar.Grammar{Rules: []*grammar.Rule{{Name: "root", Body: e}}, Root: "root"}, nil, compile.Options{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return lang{p}
}

func (l lang) accepts(s string) bool {
	if l.p == nil {
		return false
	}
	ps := automaton.NewParser(l.p)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}

func (l lang) states() int {
	if l.p == nil {
		return 0
	}
	return l.p.NumStates()
}
