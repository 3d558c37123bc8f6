package jsonschema

import (
	"errors"
	"strings"
	"testing"
)

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
		checkLanguage(t, tc.schema, tc.accept, tc.reject)
	}
}

// TestMinPropertiesRepeatedExtraKeys: a minimum that two members with the
// same undeclared key could meet is refused in strict mode (and reported in
// lenient mode); a minimum that needs one member beyond the required ones
// compiles exactly.
func TestMinPropertiesRepeatedExtraKeys(t *testing.T) {
	for _, tc := range []struct {
		schema string
		refuse bool
	}{
		{`{"minProperties":2}`, true},
		{`{"properties":{"a":{},"b":{}},"minProperties":2}`, true},
		{`{"not":{"maxProperties":1}}`, true},
		{`{"minProperties":2,"maxProperties":5,"additionalProperties":false,"properties":{"a":{},"b":{}}}`, false},
		{`{"minProperties":2,"required":["a"]}`, false},
		{`{"minProperties":3,"required":["a","b"]}`, false},
		{`{"minProperties":3,"required":["a"]}`, true},
		{`{"minProperties":1}`, false},
		{`{"minProperties":2,"maxProperties":1}`, false}, // empty: no object at all
	} {
		_, err := Compile([]byte(tc.schema), Options{})
		var ue *UnsupportedError
		if got := errors.As(err, &ue); got != tc.refuse || (err != nil && !got) {
			t.Errorf("%s: err = %v, want refused %v", tc.schema, err, tc.refuse)
			continue
		}
		if tc.refuse {
			if !strings.Contains(ue.Keyword, "Properties") || ue.Pointer == "" {
				t.Errorf("%s: error names %q at %q", tc.schema, ue.Keyword, ue.Pointer)
			}
			res, err := CompileResult([]byte(tc.schema), Options{Lenient: true})
			if err != nil || len(res.Approximations) == 0 {
				t.Errorf("%s: lenient: err %v, approximations %v", tc.schema, err, res)
			}
		}
	}
}
