package jsonschema

import (
	"errors"
	"testing"
)

// TestDuplicateKeys: a key occurs at most once in an object, whatever its
// encoding: named members by the permutation's guard, undeclared ones by
// the parser's record of the keys seen (automaton/keys.go).
func TestDuplicateKeys(t *testing.T) {
	for _, tc := range []struct {
		schema         string
		accept, reject []string
	}{
		{`{"properties":{"a":{}}}`, []string{`{"a":1}`, `{"a":1,"b":2}`}, []string{`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"\u0061":1,"b":0,"a":2}`, `{"b":1,"b":2}`}},
		{`{"properties":{"a":{}},"additionalProperties":{"type":"integer"}}`, []string{`{"a":"s","b":2}`}, []string{`{"b":1,"a":"s","\u0061":1}`, `{"b":1,"a":"s","\u0062":1}`}},
		{`{"patternProperties":{"^x":{}},"required":["x1"],"minProperties":2}`, []string{`{"x1":1,"x2":2}`}, []string{`{"x1":1,"x1":2}`, `{"x1":1}`, `{"x2":1,"x1":2,"\u00781":3}`, `{"x1":1,"x2":2,"x2":3}`}},
		{`{"minProperties":1}`, []string{`{"x":1}`, `{"x":1,"y":2}`}, []string{`{}`, `{"x":1,"x":2}`}},
		{`{"minProperties":2}`, []string{`{"x":1,"y":2}`, `{"x":{"x":1},"y":{"x":2}}`}, []string{`{"x":1,"x":2}`, `{"x":1}`}},
		{`{}`, []string{`{"a":{"a":1,"b":[{"a":1}]},"b":{"a":2}}`, `{"ab":1,"a":2,"abc":3}`, `{"\ud83d\ude00":1,"\ud83d\ude01":2}`},
			[]string{`{"a":{"a":1,"a":2}}`, `{"a":1,"b":{"c":1},"a":2}`, `{"\u00e9":1,"é":2}`, `{"😀":1,"\ud83d\ude00":2}`, `{"\n":1,"\u000a":2}`, `{"\/":1,"/":2}`, `{"\ud83d\ude00":1,"\uD83D\uDE00":2}`}},
		// A finite key language bounds the member count.
		{`{"propertyNames":{"enum":["a","b"]}}`, []string{`{"a":1,"b":2}`, `{"b":1}`}, []string{`{"a":1,"b":2,"a":3}`, `{"a":1,"a":2}`}},
		{`{"propertyNames":{"maxLength":1}}`, []string{`{"a":1,"b":2,"":3}`}, []string{`{"a":1,"a":2}`, `{"":1,"":2}`}},
	} {
		checkLanguage(t, tc.schema, tc.accept, tc.reject)
	}
}

// TestMinPropertiesUndeclaredKeys: with undeclared keys kept distinct, a
// minimum on the member count is exact: no refusal.
func TestMinPropertiesUndeclaredKeys(t *testing.T) {
	for _, schema := range []string{
		`{"minProperties":2}`,
		`{"properties":{"a":{},"b":{}},"minProperties":2}`,
		`{"not":{"maxProperties":1}}`,
		`{"minProperties":3,"required":["a"]}`,
	} {
		if _, err := Compile([]byte(schema), Options{}); err != nil {
			t.Errorf("%s: %v", schema, err)
		}
	}
	checkLanguage(t, `{"minProperties":3,"required":["a"]}`, []string{`{"a":1,"b":2,"c":3}`}, []string{`{"a":1,"b":2,"b":3}`, `{"b":2,"a":1,"\u0062":3}`})
}

// TestUndecidedKeyLanguage: where whether a key language can run out is
// not decided cheaply (counted repetitions over 256), strict mode refuses
// naming the keyword; lenient mode compiles, lets those keys repeat and
// reports it.
func TestUndecidedKeyLanguage(t *testing.T) {
	schema := []byte(`{"propertyNames":{"maxLength":300}}`)
	_, err := Compile(schema, Options{})
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.Keyword != "propertyNames" || ue.Pointer == "" {
		t.Fatalf("strict: %v, want refused naming propertyNames", err)
	}
	res, err := CompileResult(schema, Options{Lenient: true})
	if err != nil || len(res.Approximations) == 0 || res.Approximations[0].Keyword != "propertyNames" {
		t.Fatalf("lenient: %v %+v", err, res)
	}
	checkLanguage(t, `{"propertyNames":{"maxLength":100}}`, []string{`{"a":1,"b":2}`}, []string{`{"a":1,"a":2}`})
}
