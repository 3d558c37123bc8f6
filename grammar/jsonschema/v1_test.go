package jsonschema

import (
	"errors"
	"testing"
)

// TestDraftV1 checks the one validation difference of JSON Schema v1 that
// the compiler implements: $dynamicRef without bookending.
func TestDraftV1(t *testing.T) {
	for _, name := range []string{"v1", "V1", "draft-next", "https://json-schema.org/v1"} {
		if d, err := ParseDraft(name); err != nil || d != "v1" {
			t.Errorf("ParseDraft(%q) = %q, %v", name, d, err)
		}
	}
	// The root defines the dynamic anchor: in v1 "#t" resolves to it even
	// though the list resource only has a static $anchor "t"; in 2020-12
	// the reference is static (no bookend) and means the string schema.
	body := `"$id":"https://example.com/root","$dynamicAnchor":"t","type":"object",
		"properties":{"a":{"$ref":"list"}},
		"$defs":{"list":{"$id":"list","type":"array","items":{"$dynamicRef":"#t"},"$defs":{"s":{"$anchor":"t","type":"string"}}}}}`
	for _, tc := range []struct {
		schema         string
		opts           Options
		draft          string
		accept, reject []string
	}{
		{`{"$schema":"https://json-schema.org/v1",` + body, Options{}, "v1", []string{`{"a":[{}]}`, `{"a":[{"a":[]}]}`}, []string{`{"a":["s"]}`}},
		{`{` + body, Options{Draft: "v1"}, "v1", []string{`{"a":[{}]}`}, []string{`{"a":["s"]}`}},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema",` + body, Options{Draft: "v1"}, "2020-12", []string{`{"a":["s"]}`}, []string{`{"a":[{}]}`}},
	} {
		r, err := CompileResult([]byte(tc.schema), tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.schema, err)
		}
		if r.Draft != tc.draft {
			t.Errorf("draft %q, want %q", r.Draft, tc.draft)
		}
		p := mustProgram(t, tc.schema, tc.opts)
		for _, s := range tc.accept {
			if !accepts(p, s) {
				t.Errorf("%s (%s): %s rejected", tc.draft, tc.schema, s)
			}
		}
		for _, s := range tc.reject {
			if accepts(p, s) {
				t.Errorf("%s (%s): %s accepted", tc.draft, tc.schema, s)
			}
		}
	}
	// No resource of the dynamic scope is known to define the anchor
	// statically: refused with the keyword and its pointer.
	for _, s := range []string{
		`{"$schema":"https://json-schema.org/v1","$defs":{"l":{"$id":"https://example.com/l","items":{"$dynamicRef":"#t"}},"o":{"$id":"https://example.com/o","$dynamicAnchor":"t"}},"$ref":"https://example.com/l"}`,
		`{"$schema":"https://json-schema.org/v1","items":{"$dynamicRef":"#/$defs/x"},"$defs":{"x":{"type":"string"}}}`,
	} {
		_, err := Compile([]byte(s), Options{})
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Keyword != "$dynamicRef" || ue.Pointer != "#/items/$dynamicRef" && ue.Pointer != "#/$defs/l/items/$dynamicRef" {
			t.Errorf("%s: %v, want an UnsupportedError for $dynamicRef", s, err)
		}
	}
}
