package regex

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/internal/shared"
)

// TestJSONSchemaSuite checks Search against the JSON-Schema-Test-Suite's
// pattern tests: a string is valid against {"pattern": P} iff it contains a
// match of P. Object instances are checked for schemas of the form
// {"patternProperties": {P: true, ...}, "additionalProperties": false}
// (valid iff every key matches some P).
func TestJSONSchemaSuite(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("shared corpora not found")
	}
	base := filepath.Join(dir, "corpora", "JSON-Schema-Test-Suite", "tests", "draft2020-12")
	files := []string{"pattern.json", "patternProperties.json", "optional/ecmascript-regex.json", "optional/non-bmp-regex.json"}
	type testCase struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	}
	type group struct {
		Description string                     `json:"description"`
		Schema      map[string]json.RawMessage `json:"schema"`
		Tests       []testCase                 `json:"tests"`
	}
	progs := map[string]*automaton.Program{}
	status := map[string]error{}
	search := func(p string) (*automaton.Program, error) {
		if err, ok := status[p]; ok {
			return progs[p], err
		}
		e, err := Search(p, Flags{})
		status[p] = err
		if err == nil {
			progs[p] = compileExpr(t, e)
		}
		return progs[p], err
	}
	checked, skipped := 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(base, f))
		if err != nil {
			t.Skipf("test suite not found: %v", err)
		}
		var groups []group
		if err := json.Unmarshal(raw, &groups); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range groups {
			var pattern string
			var pp map[string]json.RawMessage
			shape := ""
			for k, v := range g.Schema {
				switch k {
				case "$schema":
				case "pattern":
					if json.Unmarshal(v, &pattern) == nil {
						shape += "p"
					}
				case "patternProperties":
					if json.Unmarshal(v, &pp) == nil {
						shape += "P"
					}
				case "type":
					var ty string
					if json.Unmarshal(v, &ty) != nil || ty != "string" && ty != "object" {
						shape += "?"
					}
				case "additionalProperties":
					if string(v) == "false" {
						shape += "A"
					} else {
						shape += "?"
					}
				default:
					shape += "?"
				}
			}
			for p, s := range pp {
				if _, err := search(p); err != nil && !errors.Is(err, ErrUnsupported) {
					t.Errorf("%s: %q: patternProperties pattern %q: %v", f, g.Description, p, err)
				}
				if string(s) != "true" && string(s) != "{}" {
					shape += "?"
				}
			}
			exact := shape == "p" || shape == "PA" || shape == "AP"
			for _, tc := range g.Tests {
				var data any
				if err := json.Unmarshal(tc.Data, &data); err != nil {
					t.Fatal(err)
				}
				var strs []string
				switch d := data.(type) {
				case string:
					if shape == "p" {
						strs = []string{d}
					}
				case map[string]any:
					if shape != "p" {
						for k := range d {
							strs = append(strs, k)
						}
					}
				}
				if !exact || len(strs) == 0 && shape == "p" {
					skipped++
					continue
				}
				pats := []string{pattern}
				if shape != "p" {
					pats = pats[:0]
					for p := range pp {
						pats = append(pats, p)
					}
				}
				unsupported := false
				valid := true
				for _, s := range strs {
					any := false
					for _, p := range pats {
						prog, err := search(p)
						if err != nil {
							unsupported = true
							break
						}
						any = any || accepts(prog, s)
					}
					valid = valid && any
				}
				if unsupported {
					skipped++
					continue
				}
				checked++
				if valid != tc.Valid {
					t.Errorf("%s: %q / %q: got valid=%v, want %v (patterns %q)", f, g.Description, tc.Description, valid, tc.Valid, pats)
				}
			}
		}
	}
	var supported, refused []string
	for p, err := range status {
		if err == nil {
			supported = append(supported, p)
		} else {
			refused = append(refused, p+": "+err.Error())
		}
	}
	sort.Strings(refused)
	t.Logf("%d distinct patterns: %d supported, %d refused %q; %d test cases checked, %d skipped (other keywords or non-string data)",
		len(status), len(supported), len(refused), refused, checked, skipped)
}
