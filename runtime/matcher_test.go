package runtime_test

import (
	"errors"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// smallVocab: bytes, a few words, a tool tag (special) and EOS.
func smallVocab(t testing.TB) *vocab.Vocabulary {
	var toks [][]byte
	for b := range 256 {
		toks = append(toks, []byte{byte(b)})
	}
	for _, s := range []string{"ab", "abc", "true", "tr", "ue", "{\"", "\":", "<tool>", "</s>"} {
		toks = append(toks, []byte(s))
	}
	n := int32(len(toks))
	v, err := vocab.New("small", toks, []int32{n - 2, n - 1}, []int32{n - 1})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func compileGBNF(t testing.TB, v *vocab.Vocabulary, src string) *runtime.Compiled {
	t.Helper()
	g, err := ebnf.Parse("test.gbnf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Compile(g, v, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return runtime.New(p, v)
}

func id(t testing.TB, v *vocab.Vocabulary, s string) int32 {
	t.Helper()
	x, ok := v.Lookup(s)
	if !ok {
		t.Fatalf("no token %q", s)
	}
	return x
}

func TestAcceptRollbackFork(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "ab" "c"? "true"`)
	m := c.NewMatcher()
	eos := v.EOS()[0]
	if err := m.Accept(eos); !errors.Is(err, runtime.ErrRejected) {
		t.Fatalf("EOS at start: %v", err)
	}
	if err := m.Accept(id(t, v, "abc")); err != nil {
		t.Fatal(err)
	}
	f := m.Fork()
	if err := m.Accept(id(t, v, "true")); err != nil {
		t.Fatal(err)
	}
	if !m.CanStop() || !m.Done() {
		t.Fatal("should be complete")
	}
	if err := m.Accept(eos); err != nil {
		t.Fatal(err)
	}
	if err := m.Accept(id(t, v, "a")); !errors.Is(err, runtime.ErrTerminated) {
		t.Fatalf("after EOS: %v", err)
	}
	// The fork is unaffected and can go another way.
	if f.CanStop() {
		t.Fatal("fork moved")
	}
	if err := f.Accept(id(t, v, "tr")); err != nil {
		t.Fatal(err)
	}
	if got := string(f.ForcedBytes()); got != "ue" {
		t.Fatalf("forced %q", got)
	}
	if err := f.Rollback(1); err != nil {
		t.Fatal(err)
	}
	if got := string(f.ForcedBytes()); got != "true" {
		t.Fatalf("forced after rollback %q", got)
	}
	if err := m.Rollback(3); err != nil {
		t.Fatal(err)
	}
	if err := m.Rollback(1); !errors.Is(err, runtime.ErrRollback) {
		t.Fatalf("rollback past start: %v", err)
	}
	if got := string(m.ForcedBytes()); got != "ab" {
		t.Fatalf("forced at start %q", got)
	}
	for _, bad := range []int32{-1, int32(v.Size()), 1 << 30} {
		if err := m.Accept(bad); !errors.Is(err, runtime.ErrInvalidToken) {
			t.Fatalf("token %d: %v", bad, err)
		}
	}
	if err := m.AcceptBytes([]byte("abct")); err != nil {
		t.Fatal(err)
	}
	if err := m.AcceptBytes([]byte("x")); !errors.Is(err, runtime.ErrRejected) {
		t.Fatal(err)
	}
	m.Reset()
	if m.Steps() != 0 || m.CanStop() {
		t.Fatal("reset")
	}
}

func TestTokenTerminalsAndPadding(t *testing.T) {
	v := smallVocab(t)
	wide, err := v.WithLogitsWidth(v.Size() + 40)
	if err != nil {
		t.Fatal(err)
	}
	c := compileGBNF(t, wide, `root ::= "a" <[`+itoa(int(id(t, v, "<tool>")))+`]> "b" | "x" !<[97]>`)
	m := c.NewMatcher()
	k := c.NewMask()
	if k.Width() != v.Size()+40 {
		t.Fatalf("mask width %d", k.Width())
	}
	m.FillMask(k)
	tool := id(t, v, "<tool>")
	if k.Has(tool) {
		t.Fatal("special token allowed in text position")
	}
	for i := v.Size(); i < k.Width(); i++ {
		if k.Has(int32(i)) {
			t.Fatalf("padding id %d allowed", i)
		}
	}
	if err := m.Accept('a'); err != nil {
		t.Fatal(err)
	}
	m.FillMask(k)
	if !k.Has(tool) || k.Count() != 1 {
		t.Fatalf("after a: tool allowed=%v count=%d", k.Has(tool), k.Count())
	}
	if err := m.Accept(tool); err != nil {
		t.Fatal(err)
	}
	if err := m.Accept('b'); err != nil || !m.CanStop() {
		t.Fatal(err)
	}
	// Negated token: any text token but 'a' (97).
	m.Reset()
	m.Accept('x')
	m.FillMask(k)
	if k.Has(97) || !k.Has(98) || !k.Has(id(t, v, "abc")) || k.Has(tool) {
		t.Fatal("negated token set wrong")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestFillMasksBatch(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= [a-c]+ "." | "true"`)
	var ms []*runtime.Matcher
	var ks []*mask.Mask
	for i := range 37 {
		m := c.NewMatcher()
		for range i % 4 {
			m.Accept('a')
		}
		ms = append(ms, m)
		ks = append(ks, c.NewMask())
	}
	constrained := make([]bool, len(ms))
	runtime.FillMasks(ms, ks, constrained)
	ref := c.NewMask()
	for i, m := range ms {
		m.BruteForceMask(ref)
		if !ref.Equal(ks[i]) || !constrained[i] {
			t.Fatalf("matcher %d: batch mask differs", i)
		}
	}
}

func TestFillMaskAllocations(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "{" ( "\"" [a-z]* "\":" [0-9]+ ) ("," "\"" [a-z]* "\":" [0-9]+)* "}"`)
	m := c.NewMatcher()
	k := c.NewMask()
	for _, s := range []string{"{\"", "ab", "\":", "1"} {
		if err := m.AcceptBytes([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	m.FillMask(k) // warm the caches
	if n := testing.AllocsPerRun(100, func() { m.FillMask(k) }); n != 0 {
		t.Fatalf("FillMask allocates %v times per call", n)
	}
	tok := int32('2')
	if n := testing.AllocsPerRun(100, func() { m.Accept(tok); m.Rollback(1) }); n != 0 {
		t.Fatalf("Accept+Rollback allocates %v times per call", n)
	}
}

// FuzzMatcher drives a matcher with arbitrary token choices: tokens the
// mask allows must be accepted, others rejected, and Rollback must restore
// the identical mask.
func FuzzMatcher(f *testing.F) {
	v := smallVocab(f)
	c := compileGBNF(f, v, `root ::= obj
obj ::= "{" ( pair ("," pair)* )? "}"
pair ::= "\"" [a-c]* "\":" (obj | "true" | [0-9]+)`)
	f.Add([]byte{1, 2, 3})
	f.Add([]byte("{\"ab\":true}"))
	f.Fuzz(func(t *testing.T, choices []byte) {
		m := c.NewMatcher()
		k, before, ref := c.NewMask(), c.NewMask(), c.NewMask()
		for i, ch := range choices {
			if i > 64 {
				break
			}
			m.FillMask(k)
			var allowed []int32
			for tk := range int32(v.Size()) {
				if k.Has(tk) {
					allowed = append(allowed, tk)
				}
			}
			// A disallowed token must be rejected, leaving the state as it was.
			bad := int32(ch) * 7 % int32(v.Size())
			if !k.Has(bad) {
				m.FillMask(before)
				if err := m.Accept(bad); err == nil {
					t.Fatalf("disallowed token %d accepted", bad)
				}
				m.FillMask(ref)
				if !ref.Equal(before) {
					t.Fatal("rejected token changed the state")
				}
			}
			if len(allowed) == 0 {
				return
			}
			tk := allowed[int(ch)%len(allowed)]
			if v.IsEOS(tk) {
				if err := m.Accept(tk); err != nil {
					t.Fatal(err)
				}
				return
			}
			m.FillMask(before)
			if err := m.Accept(tk); err != nil {
				t.Fatalf("allowed token %d rejected: %v", tk, err)
			}
			if ch%5 == 0 {
				if err := m.Rollback(1); err != nil {
					t.Fatal(err)
				}
				m.FillMask(ref)
				if !ref.Equal(before) {
					t.Fatal("rollback did not restore the mask")
				}
				m.Accept(tk)
			}
		}
	})
}

func TestFillMaskResizes(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "ab"`)
	k := mask.New(3)
	c.NewMatcher().FillMask(k)
	if k.Width() != v.LogitsWidth() || !k.Has('a') || !k.Has(id(t, v, "ab")) || k.Count() != 2 {
		t.Fatalf("width %d count %d", k.Width(), k.Count())
	}
}

// TestConcurrentMatchers shares one Compiled between goroutines (run with
// -race): each matcher's masks must equal the brute-force reference.
func TestConcurrentMatchers(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= ("x" [a-c]{0,300} ",")+`)
	done := make(chan string, 4)
	for g := range 4 {
		go func() {
			m := c.NewMatcher()
			k, ref := c.NewMask(), c.NewMask()
			for i := range 60 {
				m.FillMask(k)
				m.BruteForceMask(ref)
				if !k.Equal(ref) {
					done <- "mask differs"
					return
				}
				tok := int32("abc"[(i+g)%3])
				if i%7 == 0 {
					tok = ','
				}
				if m.Accept(tok) != nil {
					m.Accept('x')
				}
			}
			done <- ""
		}()
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
}

// TestEOSAsTerminal: a grammar may name an EOS token as a terminal; the
// mask allows it there, and the oracle agrees.
func TestEOSAsTerminal(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "a" </s> "b"`)
	res := c.Verify(runtime.VerifyOptions{Walks: 4, MaxSteps: 5})
	if len(res.Mismatches) > 0 {
		t.Fatal(res.Mismatches)
	}
	m := c.NewMatcher()
	eos := v.EOS()[0]
	if m.Accept('a') != nil || m.Accept(eos) != nil || m.Terminated() || m.Accept('b') != nil || !m.CanStop() {
		t.Fatal("EOS terminal not accepted as a terminal")
	}
}

func TestFillDraftMasks(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "ab" [0-9]+ "."`)
	m := c.NewMatcher()
	masks := []*mask.Mask{c.NewMask(), c.NewMask(), c.NewMask(), c.NewMask()}
	n := m.FillDraftMasks([]int32{id(t, v, "ab"), '1', 'x'}, masks)
	if n != 2 || m.Steps() != 0 {
		t.Fatalf("accepted %d, steps %d", n, m.Steps())
	}
	ref := c.NewMask()
	m.BruteForceMask(ref)
	if !ref.Equal(masks[0]) {
		t.Fatal("mask 0")
	}
	m.Accept(id(t, v, "ab"))
	m.Accept('1')
	m.BruteForceMask(ref)
	if !ref.Equal(masks[2]) || ref.Has('x') {
		t.Fatal("mask 2")
	}
}

func TestPoolAllocations(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= [a-c]+ "."`)
	var ms []*runtime.Matcher
	var ks []*mask.Mask
	for range 16 {
		ms = append(ms, c.NewMatcher())
		ks = append(ks, c.NewMask())
	}
	p := runtime.NewPool(4)
	cons := make([]bool, 16)
	p.FillMasks(ms, ks, cons)
	if n := testing.AllocsPerRun(50, func() { p.FillMasks(ms, ks, cons) }); n != 0 {
		t.Fatalf("Pool.FillMasks allocates %v times per call", n)
	}
}

func TestForcedTokens(t *testing.T) {
	v := smallVocab(t) // has "ab", "abc", "tr", "ue", "true"
	c := compileGBNF(t, v, `root ::= "x" ("ab" [a-z] | "true" ".")`)
	m := c.NewMatcher()
	if toks, b := m.ForcedTokens(); len(toks) != 1 || string(b) != "x" {
		t.Fatalf("forced %v %q", toks, b)
	}
	m.Accept('x')
	if toks, _ := m.ForcedTokens(); len(toks) != 0 {
		t.Fatalf("a choice is not forced: %v", toks)
	}
	m.Accept('a')
	// Forced "b" is given: no longer token starts with "b".
	if toks, b := m.ForcedTokens(); len(toks) != 1 || string(b) != "b" {
		t.Fatalf("forced %v %q", toks, b)
	}
	m.Rollback(1)
	m.Accept('t')
	// Forced "rue.": "r","u","e","." (greedy: "r", "ue", "."): nothing extends "." or "ue."
	toks, b := m.ForcedTokens()
	if string(b) != "rue." {
		t.Fatalf("forced bytes %q (tokens %v)", b, toks)
	}
	for _, tk := range toks {
		if err := m.Accept(tk); err != nil {
			t.Fatal(err)
		}
	}
	if !m.CanStop() {
		t.Fatal("not complete after forced tokens")
	}
}

func TestForcedTokensWithheld(t *testing.T) {
	v := smallVocab(t)
	c := compileGBNF(t, v, `root ::= "ab" [a-z]`)
	// Forced "ab" is withheld: "abc" starts with it and runs past it.
	if toks, b := c.NewMatcher().ForcedTokens(); len(toks) != 0 || len(b) != 0 {
		t.Fatalf("forced %v %q", toks, b)
	}
}
