package runtime_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// TestVerifyCorpusGrammars runs the exactness oracle on every llama.cpp
// grammar in ../shared/corpora/gbnf with four real vocabularies: FillMask
// must equal the brute-force mask at every state of seeded random walks.
// -short checks llama3_1 only.
func TestVerifyCorpusGrammars(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("../shared not found (set GRAMC_SHARED)")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "corpora/gbnf/*.gbnf"))
	sort.Strings(files)
	if len(files) < 8 {
		t.Fatalf("expected the 8 corpus grammars, found %d", len(files))
	}
	families := []string{"llama3_1", "qwen3", "gemma3", "mistral7b"}
	walks, steps := 3, 24
	if testing.Short() {
		families = families[:1]
		walks, steps = 2, 12
	}
	for _, fam := range families {
		v, err := vocab.Load(filepath.Join(dir, "vocab", fam))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(f)
			t.Run(fam+"/"+name, func(t *testing.T) {
				g, err := ebnf.Parse(name, src)
				if err != nil {
					t.Fatal(err)
				}
				p, err := compile.Compile(g, v, compile.Options{})
				if err != nil {
					t.Fatal(err)
				}
				c := runtime.New(p, v)
				res := c.Verify(runtime.VerifyOptions{Walks: walks, MaxSteps: steps, Seed: 42})
				if len(res.Mismatches) > 0 || res.DeadEnds > 0 {
					t.Fatalf("%d mismatches, %d dead ends: %v", len(res.Mismatches), res.DeadEnds, res.Mismatches)
				}
				t.Logf("%d states, %d tokens checked", res.States, res.TokensChecked)
			})
		}
	}
}
