package main

import (
	"strings"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

// TestSchemaFlag: check, compile and generate take --schema; check exits 0
// for a valid document, 1 for an invalid one, 2 for a refused schema with
// the keyword and JSON pointer on stderr.
func TestSchemaFlag(t *testing.T) {
	schema := writeFile(t, "person.json", `{"type":"object","properties":{"name":{"type":"string","maxLength":8},"age":{"type":"integer","minimum":0,"maximum":150}},"required":["name","age"],"additionalProperties":false}`)
	code, out, errOut := gramc(t, "{\"age\": 31, \"name\": \"Ada\"}\n", "check", "--schema", schema)
	want(t, code, 0, out, errOut)
	code, out, errOut = gramc(t, `{"name":"Ada","age":151}`, "check", "--schema", schema)
	want(t, code, 1, out, errOut)
	code, out, errOut = gramc(t, `{"name":"Ada"}`, "check", "--schema", schema)
	want(t, code, 1, out, errOut)
	refused := writeFile(t, "unique.json", `{"type":"array","uniqueItems":true}`)
	code, out, errOut = gramc(t, `[1]`, "check", "--schema", refused)
	want(t, code, 2, out, errOut)
	if !strings.Contains(errOut, "uniqueItems") || !strings.Contains(errOut, "#/uniqueItems") {
		t.Fatalf("refusal does not name the keyword and pointer: %s", errOut)
	}
	code, out, errOut = gramc(t, "", "generate", "--schema", schema, "-n", "3", "--seed", "4", "--json")
	want(t, code, 0, out, errOut)
	var texts []string
	decode(t, out, &texts)
	// The oracle: every output validates with santhosh-tekuri/jsonschema.
	sch, err := sjs.NewCompiler().Compile(schema)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range texts {
		v, err := sjs.UnmarshalJSON(strings.NewReader(s))
		if err != nil {
			t.Fatalf("generated %q is not JSON: %v", s, err)
		}
		if err := sch.Validate(v); err != nil {
			t.Fatalf("generated %q is invalid: %v", s, err)
		}
	}
	code, out, errOut = gramc(t, "", "compile", "--schema", schema, "--grammar", schema)
	want(t, code, 2, out, errOut)
}

// TestFormatFlag: --format assert compiles format in 2020-12 (an
// annotation by default there), --format annotate ignores it in draft 7
// (asserted by default there), and a bad mode is a usage error.
func TestFormatFlag(t *testing.T) {
	s2020 := writeFile(t, "date2020.json", `{"type":"string","format":"date"}`)
	s7 := writeFile(t, "date7.json", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"string","format":"date"}`)
	for _, tc := range []struct {
		schema, mode, input string
		code                int
	}{
		{s2020, "", `"not a date"`, 0},
		{s2020, "assert", `"not a date"`, 1},
		{s2020, "assert", `"2024-02-29"`, 0},
		{s2020, "assert", `"2023-02-29"`, 1},
		{s7, "", `"not a date"`, 1},
		{s7, "annotate", `"not a date"`, 0},
		{s7, "sometimes", `"2024-02-29"`, 2},
	} {
		args := []string{"check", "--schema", tc.schema}
		if tc.mode != "" {
			args = append(args, "--format", tc.mode)
		}
		code, out, errOut := gramc(t, tc.input, args...)
		if code != tc.code {
			t.Errorf("%v < %s: exit %d, want %d (%s%s)", args, tc.input, code, tc.code, out, errOut)
		}
	}
}
