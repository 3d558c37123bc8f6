package runtime_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

func TestCache(t *testing.T) {
	v := vocab.ByteLevel()
	var builds atomic.Int64
	build := func(src string) func() (*automaton.Program, error) {
		return func() (*automaton.Program, error) {
			builds.Add(1)
			g, err := ebnf.Parse("g", []byte(src))
			if err != nil {
				return nil, err
			}
			return compile.Compile(g, v, compile.Options{})
		}
	}
	c := runtime.NewCache(2)
	// Concurrent requests for one key compile once and share the result.
	var wg sync.WaitGroup
	got := make([]*runtime.Compiled, 8)
	for i := range got {
		wg.Go(func() {
			cc, err := c.Get("a", v, build(`root ::= "a"+`))
			if err != nil {
				t.Error(err)
			}
			got[i] = cc
		})
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("different Compiled for the same key")
		}
	}
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d builds, want 1", n)
	}
	// Errors are cached; the least recently used entry leaves first.
	if _, err := c.Get("bad", v, build(`root ::= (`)); err == nil {
		t.Fatal("want a parse error")
	}
	if _, err := c.Get("bad", v, func() (*automaton.Program, error) { return nil, errors.New("rebuilt") }); err == nil || err.Error() == "rebuilt" {
		t.Fatalf("error not cached: %v", err)
	}
	if _, err := c.Get("b", v, build(`root ::= "b"`)); err != nil { // evicts "a"
		t.Fatal(err)
	}
	before := builds.Load()
	if cc, err := c.Get("a", v, build(`root ::= "a"+`)); err != nil || cc == got[0] || builds.Load() != before+1 {
		t.Fatalf("evicted entry not rebuilt: %v", err)
	}
	// A different vocabulary is a different entry.
	w, err := vocab.ByteLevel().WithLogitsWidth(300)
	if err != nil {
		t.Fatal(err)
	}
	if cc, err := c.Get("a", w, build(`root ::= "a"+`)); err != nil || cc.Vocab != w {
		t.Fatalf("vocabulary not part of the key: %v", err)
	}
	if hits, misses, n := c.Stats(); hits != 8 || misses != 5 || n != 2 {
		t.Fatalf("stats: %d hits, %d misses, %d entries", hits, misses, n)
	}
}
