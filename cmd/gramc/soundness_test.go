package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gramc/gramc/internal/shared"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

// TestGenerateSoundness samples through the masks of real-world schemas
// (the first 25 of JSONSchemaBench Github_easy, byte-level vocabulary) and
// validates every output with santhosh-tekuri/jsonschema: no output may be
// invalid. Samples that hit the token limit (the steering towards
// completion does not yet account for required members; issue 3) are
// counted and logged, not failed.
func TestGenerateSoundness(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok || testing.Short() {
		t.Skip("needs ../shared; skipped in -short")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "corpora/jsonschemabench/Github_easy/*.json"))
	sort.Strings(files)
	compiled, samples, unfinished := 0, 0, 0
	for _, f := range files[:min(25, len(files))] {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Schema json.RawMessage `json:"schema"`
		}
		if json.Unmarshal(data, &doc) != nil || len(doc.Schema) == 0 {
			continue
		}
		schemaFile := writeFile(t, filepath.Base(f), string(doc.Schema))
		code, out, errOut := gramc(t, "", "generate", "--schema", schemaFile, "-n", "4", "--seed", "7", "--max-tokens", "600", "--json")
		if code == 2 {
			continue // refused (exact or loud)
		}
		if code == 1 && strings.Contains(errOut, "token limit") {
			unfinished++
			continue
		}
		if code != 0 {
			t.Errorf("%s: generate exit %d: %s", f, code, errOut)
			continue
		}
		compiled++
		c := sjs.NewCompiler()
		sch, err := sjs.UnmarshalJSON(strings.NewReader(string(doc.Schema)))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource("schema.json", sch); err != nil {
			t.Fatal(err)
		}
		validator, err := c.Compile("schema.json")
		if err != nil {
			continue // the oracle cannot compile it
		}
		var texts []string
		decode(t, out, &texts)
		for _, s := range texts {
			samples++
			v, err := sjs.UnmarshalJSON(strings.NewReader(s))
			if err != nil {
				t.Errorf("%s: output is not JSON: %q", f, s)
				continue
			}
			if err := validator.Validate(v); err != nil {
				t.Errorf("%s: output %q is invalid: %v", f, s, err)
			}
		}
	}
	t.Logf("%d schemas generated, %d samples validated, %d schemas hit the token limit", compiled, samples, unfinished)
	if compiled < 10 {
		t.Fatalf("only %d schemas compiled", compiled)
	}
}
