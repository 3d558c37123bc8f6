package jsonschema_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/jsonschema"
	"github.com/gramc/gramc/internal/replay"
	"github.com/gramc/gramc/internal/shared"
)

// BenchmarkCompileMedian compiles six JSONSchemaBench schemas whose
// time to first mask is near the corpus median (front end and lowering,
// no vocabulary): the TTFM workload of docs/BENCHMARKS.md in miniature.
//
//	go test -run '^$' -bench CompileMedian -benchmem ./grammar/jsonschema/
func BenchmarkCompileMedian(b *testing.B) {
	dir, ok := shared.SharedDir()
	if !ok {
		b.Skip("../shared not found (set GRAMC_SHARED)")
	}
	var raws []json.RawMessage
	for _, f := range []string{"Glaiveai2K/calculate_area_7ab05fe7.json", "Github_easy/o89608.json", "Github_medium/o52965.json",
		"WashingtonPost/wp_75_Normalized.json", "Github_easy/o44296.json", "BFCL_multiple/BFCL_multiple_34.json"} {
		doc, err := replay.ReadDocument(filepath.Join(dir, "corpora/jsonschemabench", f))
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, doc.Schema)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range raws {
			g, err := jsonschema.Compile(r, jsonschema.Options{AssertFormat: true})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := compile.Compile(g, nil, compile.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
