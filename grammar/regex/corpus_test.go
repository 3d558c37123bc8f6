package regex

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/internal/shared"
)

// corpusPatterns collects the "pattern" values and "patternProperties"
// keys of the real-world schemas in the shared corpora.
func corpusPatterns(t *testing.T) map[string]int {
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("shared corpora not found")
	}
	pats := map[string]int{}
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				if s, ok := v.(string); ok && k == "pattern" {
					pats[s]++
				}
				if m, ok := v.(map[string]any); ok && k == "patternProperties" {
					for p := range m {
						pats[p]++
					}
				}
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	// jsonschemabench: {"schema": ..., "tests": ...} per file;
	// schemastore: schemas/*.json (instances live elsewhere).
	for _, root := range []string{filepath.Join(dir, "corpora", "jsonschemabench"), filepath.Join(dir, "corpora", "schemastore", "schemas")} {
		bench := strings.HasSuffix(root, "jsonschemabench")
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return nil
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			var x any
			if json.Unmarshal(raw, &x) != nil {
				return nil
			}
			if bench {
				m, ok := x.(map[string]any)
				if !ok {
					return nil
				}
				x = m["schema"]
			}
			walk(x)
			return nil
		})
	}
	if len(pats) == 0 {
		t.Skip("no schemas in the shared corpora")
	}
	return pats
}

// TestCorpusPatterns translates every pattern of the real-world schemas in
// the shared corpora and reports how many are supported; it fails only on
// a panic (through the test) or an error that is not an *Error.
func TestCorpusPatterns(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	pats := corpusPatterns(t)
	counts := map[Code]int{}
	reasons := map[string]int{}
	examples := map[string]string{}
	ok, compileTooLarge := 0, 0
	for p := range pats {
		ir, err := Search(p, Flags{})
		if err == nil {
			ok++
			g := &grammar.Grammar{Rules: []*grammar.Rule{{Name: "root", Body: ir}}, Root: "root"}
			if _, err := compile.Compile(g, nil, compile.Options{}); err != nil {
				if errors.Is(err, compile.ErrTooLarge) {
					compileTooLarge++
				} else if a, isAlt := ir.(*grammar.Alt); !isAlt || len(a.Alts) > 0 {
					t.Errorf("%q: compile: %v", p, err)
				}
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%q: %v is not an *Error", p, err)
		}
		counts[e.Code]++
		reason := string(e.Code) + ": " + e.Msg
		if i := strings.IndexAny(reason, "0123456789\"'"); i > 0 && e.Code == CodeSyntax {
			reason = reason[:i]
		}
		reasons[reason]++
		if _, seen := examples[reason]; !seen {
			examples[reason] = p
		}
	}
	var rs []string
	for r := range reasons {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return reasons[rs[i]] > reasons[rs[j]] })
	var b strings.Builder
	for _, r := range rs {
		ex := examples[r]
		if len(ex) > 60 {
			ex = ex[:60] + "..."
		}
		b.WriteString("\n  " + strings.Repeat(" ", 5-len(itoa(reasons[r]))) + itoa(reasons[r]) + "  " + r + "   e.g. " + ex)
	}
	t.Logf("%d distinct corpus patterns: %d supported (%d of them too large to compile with the default limits), %d unsupported, %d too large, %d invalid (ECMA-262, u flag)%s",
		len(pats), ok, compileTooLarge, counts[CodeUnsupported], counts[CodeTooLarge], counts[CodeSyntax], b.String())
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		if n /= 10; n == 0 {
			return s
		}
	}
}
