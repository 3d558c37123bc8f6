package runtime_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/internal/replay"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// TestContextResolution: FillMask decides uncertain tokens by the suffix
// after the item's rule completes, cached per context (mask/context.go);
// with the context cache off it walks every uncertain token through the
// parser instead. Both must give the same mask at every step of the
// corpus instances of JSONSchemaBench schemas (objects with maxLength
// strings, patterns, formats, nested objects).
func TestContextResolution(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("../shared not found (set GRAMC_SHARED)")
	}
	v, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "corpora/jsonschemabench/Github_medium/*.json"))
	sort.Strings(files)
	stride := 40
	if testing.Short() {
		stride = 160
	}
	steps, schemas := 0, 0
	for i := 0; i < len(files); i += stride {
		doc, err := replay.ReadDocument(files[i])
		if err != nil {
			t.Fatal(err)
		}
		g, err := jsonschema.Compile(doc.Schema, jsonschema.Options{AssertFormat: true})
		if err != nil {
			continue
		}
		p, err := compile.Compile(g, v, compile.Options{})
		if err != nil {
			continue
		}
		schemas++
		cached := runtime.New(p, v)
		plain := runtime.New(p, v)
		plain.Table.NoContextCache = true
		a, b := cached.NewMask(), plain.NewMask()
		for _, tc := range doc.Tests {
			var text bytes.Buffer
			if json.Compact(&text, tc.Data) != nil {
				continue
			}
			ids, err := v.Encode(text.String())
			if err != nil {
				continue
			}
			m1, m2 := cached.NewMatcher(), plain.NewMatcher()
			for k, id := range ids {
				m1.FillMask(a)
				m2.FillMask(b)
				steps++
				if !a.Equal(b) {
					t.Fatalf("%s: step %d: %d tokens allowed with the context cache, %d without", filepath.Base(files[i]), k, a.Count(), b.Count())
				}
				if m1.Accept(id) != nil || m2.Accept(id) != nil {
					break
				}
			}
		}
	}
	if schemas < 3 || steps < 300 {
		t.Fatalf("only %d schemas, %d steps", schemas, steps)
	}
	t.Logf("%d schemas, %d masks compared", schemas, steps)
}
