package jsonschema

import (
	"errors"
	"strings"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

func accepts(p *automaton.Program, s string) bool {
	ps := automaton.NewParser(p)
	for i := 0; i < len(s); i++ {
		if !ps.Push(s[i]) {
			return false
		}
	}
	return ps.CanStop()
}

func mustProgram(t *testing.T, schema string, opts Options) *automaton.Program {
	t.Helper()
	g, err := Compile([]byte(schema), opts)
	if err != nil {
		t.Fatalf("%s: %v", schema, err)
	}
	p, err := compile.Compile(g, nil, compile.Options{})
	if err != nil {
		t.Fatalf("%s: compile: %v\n%s", schema, err, g)
	}
	return p
}

var languageTests = []struct {
	schema         string
	accept, reject []string
}{
	{`true`, []string{`1`, `"a"`, `{"a":[null,true]}`, `[]`, `{}`, `-0.5e+3`}, []string{``, `{"a":1,}`, `01`, `"\x"`, `{"a" 1}`}},
	{`{"type":"integer"}`, []string{`1`, `-7`, `1.0`, `1e2`, `0`}, []string{`1.5`, `"1"`, `null`}},
	{`{"type":["string","null"]}`, []string{`"x"`, `null`}, []string{`1`, `[]`}},
	{`{"const":1}`, []string{`1`, `1.0`, `1.00`}, []string{`2`, `"1"`, `true`}},
	{`{"const":{"a":1,"b":[true,"x"]}}`, []string{`{"a":1,"b":[true,"x"]}`, `{"b":[true,"\u0078"],"a":1.0}`}, []string{`{"a":1}`, `{"a":1,"b":[true,"x"],"c":1}`, `{"a":1,"a":1,"b":[true,"x"]}`}},
	{`{"enum":["a",null,[1]]}`, []string{`"a"`, `null`, `[1]`, `"\u0061"`}, []string{`"b"`, `[1,1]`, `1`}},
	{`{"minimum":5}`, []string{`5`, `7.5`, `"x"`, `null`, `{}`}, []string{`4.99`, `-10`}},
	{`{"type":"number","exclusiveMaximum":3,"multipleOf":0.5}`, []string{`2.5`, `-1`, `0`}, []string{`3`, `2.25`}},
	{`{"type":"string","minLength":2,"maxLength":3}`, []string{`"ab"`, `"abc"`, `"\u00e9\n"`}, []string{`"a"`, `"abcd"`, `1`}},
	{`{"type":"string","pattern":"^a[0-9]+$"}`, []string{`"a1"`, `"a123"`}, []string{`"a"`, `"b1"`, `"a1x"`}},
	{`{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}`,
		[]string{`{"a":1}`, `{"b":"x","a":2}`, `{"a":1,"b":"y"}`}, []string{`{}`, `{"b":"x"}`, `{"a":1,"c":1}`, `{"a":"1"}`, `{"a":1,"a":2}`}},
	{`{"type":"object","patternProperties":{"^x-":{"type":"string"}},"additionalProperties":{"type":"integer"}}`,
		[]string{`{"x-a":"s","b":1}`, `{}`}, []string{`{"x-a":1}`, `{"b":"s"}`}},
	{`{"propertyNames":{"maxLength":2},"minProperties":1,"maxProperties":2}`, []string{`{"ab":1}`, `{"a":1,"b":2}`, `1`}, []string{`{}`, `{"abc":1}`, `{"a":1,"b":2,"c":3}`}},
	{`{"dependentRequired":{"a":["b"]}}`, []string{`{"a":1,"b":2}`, `{"b":1}`, `{}`}, []string{`{"a":1}`}},
	{`{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"integer"},"minItems":2,"maxItems":3}`,
		[]string{`["a",1]`, `["a",1,2]`}, []string{`["a"]`, `[1,1]`, `["a",1,2,3]`, `["a","b"]`}},
	{`{"items":false}`, []string{`[]`, `1`}, []string{`[1]`}},
	{`{"contains":{"type":"string"},"minContains":2,"maxContains":3}`, []string{`["a","b"]`, `[1,"a",2,"b","c"]`}, []string{`["a"]`, `["a","b","c","d"]`, `[]`}},
	{`{"items":{"enum":[1,2,"a"]},"uniqueItems":true}`, []string{`[]`, `[1,2]`, `["a",1,2]`, `[2.0]`}, []string{`[1,1]`, `[1,1.0]`, `[3]`, `[1,2,"a",1]`}},
	{`{"prefixItems":[{"type":"boolean"},{"type":"boolean"}],"items":false,"uniqueItems":true}`, []string{`[]`, `[true]`, `[true,false]`}, []string{`[true,true]`, `[1]`, `[true,false,true]`}},
	{`{"uniqueItems":true,"maxItems":1}`, []string{`[]`, `[1]`}, []string{`[1,2]`}},
	{`{"anyOf":[{"type":"string"},{"minimum":3}]}`, []string{`"x"`, `3`, `null`}, []string{`2`}},
	{`{"oneOf":[{"type":"integer"},{"minimum":2}]}`, []string{`1`, `2.5`}, []string{`3`}},
	{`{"oneOf":[{"required":["a"]},{"required":["b"]}]}`, []string{`{"a":1}`, `{"b":1}`}, []string{`{"a":1,"b":1}`, `{}`, `1`}},
	// Disjoint by a discriminator that only one branch requires (the other
	// restricts it when present, or forbids it): compiled without negation.
	{`{"oneOf":[{"properties":{"mode":{"enum":["custom"]},"name":{"type":"string"}},"additionalProperties":false},{"properties":{"mode":{"const":"reference"},"id":{"type":"string"}},"required":["id","mode"],"additionalProperties":false}]}`,
		[]string{`{}`, `{"mode":"custom"}`, `{"name":"x"}`, `{"mode":"reference","id":"r"}`, `{"id":"r","mode":"reference"}`},
		[]string{`{"mode":"reference"}`, `{"mode":"custom","id":"r"}`, `{"mode":"other","id":"r"}`, `{"name":"x","mode":"reference","id":"r"}`}},
	{`{"oneOf":[{"required":["kind"]},{"properties":{"x":{"type":"integer"}},"additionalProperties":false}]}`,
		[]string{`{"kind":1}`, `{"kind":1,"x":"s"}`, `{"x":1}`, `{}`},
		[]string{`{"x":"s"}`, `1`}},
	{`{"not":{"type":"object","properties":{"foo":{"type":"string"}}}}`, []string{`1`, `{"foo":1}`}, []string{`{"foo":"x"}`, `{}`}},
	{`{"if":{"required":["a"]},"then":{"required":["b"]},"else":{"maxProperties":0}}`, []string{`{"a":1,"b":2}`, `{}`}, []string{`{"a":1}`, `{"c":1}`}},
	{`{"allOf":[{"properties":{"a":{"minimum":1}}},{"properties":{"a":{"maximum":2}}}]}`, []string{`{"a":1.5}`, `{}`}, []string{`{"a":3}`, `{"a":0}`}},
	{`{"$defs":{"t":{"type":"object","properties":{"c":{"type":"array","items":{"$ref":"#/$defs/t"}}},"additionalProperties":false}},"$ref":"#/$defs/t"}`,
		[]string{`{}`, `{"c":[{},{"c":[]}]}`}, []string{`{"c":[1]}`, `{"d":1}`}},
	{`{"properties":{"a":true},"unevaluatedProperties":false}`, []string{`{"a":1}`, `{}`}, []string{`{"b":1}`}},
}

func TestLanguage(t *testing.T) {
	for _, tc := range languageTests {
		checkLanguage(t, tc.schema, tc.accept, tc.reject)
	}
}

// checkLanguage compiles schema (strict, compact) and checks that its
// grammar accepts every text of accept and none of reject.
func checkLanguage(t *testing.T, schema string, accept, reject []string) {
	t.Helper()
	p := mustProgram(t, schema, Options{})
	for _, s := range accept {
		if !accepts(p, s) {
			t.Errorf("%s: %s rejected", schema, s)
		}
	}
	for _, s := range reject {
		if accepts(p, s) {
			t.Errorf("%s: %s accepted", schema, s)
		}
	}
}

func TestFlexibleWhitespace(t *testing.T) {
	schema := `{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}}}`
	p := mustProgram(t, schema, Options{Whitespace: Flexible})
	for _, s := range []string{`{"a":[1,2]}`, " {\n  \"a\" : [ 1 ,\t2 ]\r\n} ", `{ }`, `[ ]`} {
		if s == `[ ]` {
			continue
		}
		if !accepts(p, s) {
			t.Errorf("flexible: %q rejected", s)
		}
	}
	if accepts(mustProgram(t, schema, Options{}), `{ "a":[1]}`) {
		t.Error("compact accepted whitespace")
	}
}

func TestBoundedWhitespace(t *testing.T) {
	schema := `{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}}}`
	p := mustProgram(t, schema, Options{Whitespace: Bounded, MaxWhitespace: 4})
	for _, s := range []string{`{"a":[1,2]}`, "{\n  \"a\":[1, 2]\n}", "{ \t\n \"a\":[]}"} {
		if !accepts(p, s) {
			t.Errorf("bounded: %q rejected", s)
		}
	}
	for _, s := range []string{"{     \"a\":[]}", "{\"a\":[1,\n\n\n\n\n2]}"} {
		if accepts(p, s) {
			t.Errorf("bounded: %q accepted (more than 4 whitespace characters in a gap)", s)
		}
	}
}

func TestUnsupported(t *testing.T) {
	_, err := Compile([]byte(`{"properties":{"a":{"type":"array","uniqueItems":true}}}`), Options{})
	var ue *UnsupportedError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("want an UnsupportedError, got %v", err)
	}
	if ue.Keyword != "uniqueItems" || ue.Pointer != "#/properties/a/uniqueItems" {
		t.Errorf("got keyword %q pointer %q", ue.Keyword, ue.Pointer)
	}
	_, err = Compile([]byte(`{"pattern":"(a)\\1"}`), Options{})
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("backreference: want ErrUnsupported, got %v", err)
	}
}

func TestLenient(t *testing.T) {
	r, err := CompileResult([]byte(`{"type":"array","uniqueItems":true}`), Options{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Approximations) != 1 || r.Approximations[0].Keyword != "uniqueItems" {
		t.Errorf("approximations: %+v", r.Approximations)
	}
}

func TestUnsatisfiable(t *testing.T) {
	for _, s := range []string{`false`, `{"enum":[]}`, `{"type":"string","minLength":3,"maxLength":2}`, `{"allOf":[{"type":"string"},{"type":"number"}]}`} {
		if _, err := Compile([]byte(s), Options{}); !errors.Is(err, ErrUnsatisfiable) {
			t.Errorf("%s: want ErrUnsatisfiable, got %v", s, err)
		}
	}
}

func TestDraftsAndRemotes(t *testing.T) {
	remotes := map[string][]byte{"http://example.com/int.json": []byte(`{"type":"integer"}`)}
	r, err := CompileResult([]byte(`{"$ref":"http://example.com/int.json"}`), Options{Draft: "7", Remotes: remotes})
	if err != nil {
		t.Fatal(err)
	}
	if r.Draft != "7" {
		t.Errorf("draft %q", r.Draft)
	}
	if _, err := Compile([]byte(`{"$ref":"http://example.com/missing.json"}`), Options{}); err == nil {
		t.Error("an unknown remote compiled")
	}
	r, err = CompileResult([]byte(`{"$schema":"http://json-schema.org/draft-04/schema#","maximum":3,"exclusiveMaximum":true}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := compile.Compile(r.Grammar, nil, compile.Options{})
	if r.Draft != "4" || accepts(p, `3`) || !accepts(p, `2`) {
		t.Errorf("draft 4 exclusiveMaximum: draft %q", r.Draft)
	}
	if _, err := Compile([]byte(`{}`), Options{Draft: "5"}); err == nil {
		t.Error("draft 5 accepted")
	}
}

// TestPropertyOrder: the permutation lists the members in schema order.
func TestPropertyOrder(t *testing.T) {
	g, err := Compile([]byte(`{"properties":{"zeta":{},"alpha":{},"mid":{}}}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range g.Rules {
		grammar.Walk(r.Body, func(e grammar.Expr) bool {
			if p, ok := e.(*grammar.Perm); ok && order == nil {
				for _, it := range p.Items {
					for _, k := range []string{"zeta", "alpha", "mid"} {
						if memberKey(it, k) {
							order = append(order, k)
						}
					}
				}
			}
			return true
		})
	}
	if strings.Join(order, ",") != "zeta,alpha,mid" {
		t.Errorf("order %v", order)
	}
}

// memberKey reports whether member expression e is for key k: its key
// accepts the text "k".
func memberKey(e grammar.Expr, k string) bool {
	s, ok := e.(*grammar.Seq)
	if !ok || len(s.Items) < 2 {
		return false
	}
	g := &grammar.Grammar{Root: "r", Rules: []*grammar.Rule{{Name: "r", Body: s.Items[1]}}}
	p, err := compile.Compile(g, nil, compile.Options{})
	return err == nil && accepts(p, k)
}
