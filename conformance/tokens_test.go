package conformance

import (
	"path/filepath"
	"testing"

	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/vocab"
)

// TestMatcherAgrees runs a few suite files through the Matcher with a real
// vocabulary: token-level acceptance (masks, Accept, EOS) must equal the
// byte-level recognizer's on every instance, and no invalid instance may
// be accepted.
func TestMatcherAgrees(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok || testing.Short() {
		t.Skip("needs ../shared; skipped in -short")
	}
	v, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Drafts: []string{"draft2020-12"}, Categories: []string{Required},
		Files: []string{"type.json", "properties.json", "pattern.json", "minLength.json", "enum.json"}, Vocab: v, NoOracle: true})
	if err != nil {
		t.Fatal(err)
	}
	groups := 0
	for _, f := range rep.Files {
		for _, g := range f.Cases {
			groups++
			if g.Status == StatusError {
				t.Errorf("%s: %s: %s", f.File, g.Description, g.Error)
			}
		}
	}
	if groups < 20 || rep.FalsePositives() != 0 {
		t.Fatalf("%d groups, %d false positives", groups, rep.FalsePositives())
	}
}
