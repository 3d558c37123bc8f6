package jsonschema

import "testing"

// TestDuplicateKeys: a named member occurs at most once whatever the
// encoding of its key, and extra keys never repeat a named one. (Extra
// keys may repeat among themselves: see docs/CONFORMANCE.md.)
func TestDuplicateKeys(t *testing.T) {
	for _, tc := range []struct {
		schema         string
		accept, reject []string
	}{
		{`{"properties":{"a":{}}}`, []string{`{"a":1}`, `{"a":1,"b":2}`}, []string{`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"\u0061":1,"b":0,"a":2}`}},
		{`{"properties":{"a":{}},"additionalProperties":{"type":"integer"}}`, []string{`{"a":"s","b":2}`}, []string{`{"b":1,"a":"s","\u0061":1}`}},
		{`{"patternProperties":{"^x":{}},"required":["x1"],"minProperties":2}`, []string{`{"x1":1,"x2":2}`}, []string{`{"x1":1,"x1":2}`, `{"x1":1}`, `{"x2":1,"x1":2,"\u00781":3}`}},
		{`{"minProperties":1}`, []string{`{"x":1}`, `{"x":1,"x":2}`}, []string{`{}`}}, // a repeated extra key: one distinct key either way
	} {
		p := mustProgram(t, tc.schema, Options{})
		for _, s := range tc.accept {
			if !accepts(p, s) {
				t.Errorf("%s: %s rejected", tc.schema, s)
			}
		}
		for _, s := range tc.reject {
			if accepts(p, s) {
				t.Errorf("%s: %s accepted", tc.schema, s)
			}
		}
	}
}
