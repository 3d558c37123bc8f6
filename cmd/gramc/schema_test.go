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
