package runtime_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// keyVocab: bytes plus tokens that close, open or contain object keys.
func keyVocab(t testing.TB) *vocab.Vocabulary {
	var toks [][]byte
	for b := range 256 {
		toks = append(toks, []byte{byte(b)})
	}
	for _, s := range []string{`a"`, `a":`, `"a"`, `,"a"`, `b"`, `ab`, `"ab`, `\u0061"`, `""`, `":1,"a"`, `":1,"`,
		`","`, `"a`, `,"`, `{"`, `":`, `1,"b"`, `\u0062`, `a\u0062"`, `ab":1`, `"b":1,"a":1}`, `\u00`, `61"`,
		`":null,"a"`, `":null,"`, `"b":null,"a":null}`, `null,"b"`, `null, "ab"`, `{"a"`, `{ "b":`, ` "a"`, `""`, `"":null,"a":`, "</s>"} {
		toks = append(toks, []byte(s))
	}
	n := int32(len(toks))
	v, err := vocab.New("keys", toks, []int32{n - 1}, []int32{n - 1})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func compileSchema(t testing.TB, v *vocab.Vocabulary, schema string) *runtime.Compiled {
	t.Helper()
	g, err := jsonschema.Compile([]byte(schema), jsonschema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Compile(g, v, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return runtime.New(p, v)
}

// completes reports whether the parse can be finished within depth bytes
// of a small raw alphabet (the brute-force reference for dead ends): keys
// over a and b, null values. The schemas below keep their keys within it.
func completes(ps *automaton.Parser, depth int) bool {
	if ps.CanStop() {
		return true
	}
	if depth == 0 {
		return false
	}
	alphabet := []byte(`":nul},ab`)
	if _, _, inKey, _ := ps.OpenKey(); inKey {
		alphabet = []byte(`"ab`)
	}
	for _, b := range alphabet {
		if ps.Push(b) {
			ok := completes(ps, depth-1)
			ps.Pop()
			if ok {
				return true
			}
		}
	}
	return false
}

// plain: ASCII without controls, and no escape left open.
func plain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7F {
			return false
		}
	}
	return !bytes.Contains(b, []byte{'\\'}) || bytes.HasSuffix(b, []byte{'"'})
}

// TestDistinctKeysMask walks random paths through schemas with undeclared
// keys and checks every mask against brute force: a token is allowed
// exactly when Accept takes it and the output can still be completed.
func TestDistinctKeysMask(t *testing.T) {
	v := keyVocab(t)
	eos := v.EOS()[0]
	for _, schema := range []string{
		`{"type":"object","additionalProperties":{"type":"null"}}`,
		`{"type":"object","properties":{"a":{"type":"null"}},"additionalProperties":{"type":"null"}}`,
		`{"type":"object","propertyNames":{"pattern":"^[ab]?$"},"additionalProperties":{"type":"null"}}`,
		`{"type":"object","propertyNames":{"enum":["a","b","ab"]},"additionalProperties":{"type":"null"}}`,
		`{"type":"object","patternProperties":{"^a":{"type":"null"}},"additionalProperties":false,"propertyNames":{"pattern":"^[ab]{0,2}$"}}`,
		`{"type":"object","patternProperties":{"^a":{"type":"null"}},"additionalProperties":{"type":"null"},"propertyNames":{"pattern":"^[ab]{0,2}$"}}`,
		`{"type":"object","properties":{"b":{"type":"null"},"ab":{"type":"null"}},"patternProperties":{"^a$":{"type":"null"}},"additionalProperties":false}`,
		`{"type":"object","properties":{"b":{"type":"null"}},"patternProperties":{"^a$":{"type":"null"}},"additionalProperties":false}`,
	} {
		c := compileSchema(t, v, schema)
		rng := rand.New(rand.NewPCG(1, 2))
		k := c.NewMask()
		steps := 0
		for walk := range 40 {
			m := c.NewMatcher()
			for step := 0; step < 24; step++ {
				m.FillMask(k)
				var allowed []int32
				for tok := range int32(v.Size()) {
					if !plain(v.Bytes(tok)) {
						continue // the reference's alphabet cannot finish it
					}
					want := false
					if tok == eos {
						want = m.Parser().CanStop()
					} else if m.Accept(tok) == nil {
						want = completes(m.Parser(), 12)
						m.Rollback(1)
					}
					if got := k.Has(tok); got != want {
						t.Fatalf("%s walk %d after %q: token %q: mask %v, reference %v", schema, walk, m.Parser().Text(), v.Bytes(tok), got, want)
					}
					if want && tok != eos {
						allowed = append(allowed, tok)
					}
				}
				if len(allowed) == 0 {
					break
				}
				if err := m.Accept(allowed[rng.IntN(len(allowed))]); err != nil {
					t.Fatal(err)
				}
				steps++
			}
		}
		t.Logf("%s: %d steps checked", schema, steps)
	}
}

// TestDistinctKeysAccept: Accept refuses the token that closes a repeated
// key, in whatever encoding, and Rollback forgets the keys it undoes.
func TestDistinctKeysAccept(t *testing.T) {
	v := keyVocab(t)
	c := compileSchema(t, v, `{"additionalProperties":{"type":"null"}}`)
	m := c.NewMatcher()
	feed := func(s string) error {
		for i := range len(s) {
			if err := m.Accept(int32(s[i])); err != nil {
				return err
			}
		}
		return nil
	}
	if err := feed(`{"ab":null,`); err != nil {
		t.Fatal(err)
	}
	if err := m.Accept(id(t, v, `"ab`)); err != nil {
		t.Fatal(err)
	}
	if err := m.Accept(id(t, v, `":`)); err == nil {
		t.Fatal(`repeated key "ab" accepted`)
	}
	m.Rollback(1) // the "ab token
	if err := feed(`"a\u0062`); err != nil {
		t.Fatal(err)
	}
	if m.Allows(int32('"')) {
		t.Fatal(`"a\u0062" accepted after "ab"`)
	}
	m.Reset()
	if err := feed(`{"ab":null,"b":null,"a`); err != nil {
		t.Fatal(err)
	}
	m.Rollback(len(`"b":null,"a`))
	// "b" is forgotten; "ab" is not.
	if err := feed(`"b`); err != nil || !m.Allows(int32('"')) {
		t.Fatalf(`"b" refused after its rollback: %v`, err)
	}
	fork := m.Fork()
	if err := fork.Accept(int32('"')); err != nil {
		t.Fatal(err)
	}
	if err := feed(`"`); err != nil {
		t.Fatal(err)
	}
	if err := fork.Accept(int32(':')); err != nil {
		t.Fatal(err)
	}
	if err := feed(`:null,"b`); err != nil || m.Allows(int32('"')) {
		t.Fatalf(`repeated "b" after a fork: %v`, err)
	}
}

// TestDistinctKeysAllocations: with keys recorded, FillMask still
// allocates nothing once warm.
func TestDistinctKeysAllocations(t *testing.T) {
	v := keyVocab(t)
	for _, schema := range []string{
		`{"type":"object","additionalProperties":{"type":"null"}}`,
		`{"type":"object","propertyNames":{"pattern":"^[ab]{0,2}$"},"additionalProperties":{"type":"null"}}`,
	} {
		c := compileSchema(t, v, schema)
		m := c.NewMatcher()
		for _, b := range []byte(`{"ab":null,"a`) {
			if err := m.Accept(int32(b)); err != nil {
				t.Fatal(err)
			}
		}
		k := c.NewMask()
		m.FillMask(k)
		if k.Has(id(t, v, `b"`)) || !k.Has(id(t, v, `a"`)) {
			t.Fatalf("%s: after {\"ab\":null,\"a the mask allows b\" %v, a\" %v", schema, k.Has(id(t, v, `b"`)), k.Has(id(t, v, `a"`)))
		}
		if n := testing.AllocsPerRun(100, func() { m.FillMask(k) }); n != 0 {
			t.Errorf("%s: FillMask allocates %v times", schema, n)
		}
	}
}
