package runtime_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/grammar/ebnf"
	"github.com/gramc/gramc/internal/replay"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// BenchmarkJSONReplay replays the valid instances of JSONSchemaBench's
// Github_medium (compact and pretty) through llama.cpp's json.gbnf with a
// real tokenizer, timing every FillMask. It reports the compile time
// (automaton + mask precompute, vocabulary trie warm) and mask latency
// quantiles. Vocabularies: llama3_1 and gemma3.
func BenchmarkJSONReplay(b *testing.B) {
	dir, ok := shared.SharedDir()
	if !ok {
		b.Skip("../shared not found (set GRAMC_SHARED)")
	}
	src, err := os.ReadFile(filepath.Join(dir, "corpora/gbnf/json.gbnf"))
	if err != nil {
		b.Fatal(err)
	}
	texts, err := replay.Texts(filepath.Join(dir, "corpora/jsonschemabench/Github_medium"), 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, family := range []string{"llama3_1", "gemma3"} {
		b.Run(family, func(b *testing.B) {
			v, err := vocab.Load(filepath.Join(dir, "vocab", family))
			if err != nil {
				b.Fatal(err)
			}
			g, err := ebnf.Parse("json.gbnf", src)
			if err != nil {
				b.Fatal(err)
			}
			c0 := runtime.New(mustCompile(b, g, v), v) // also warms the vocabulary trie
			var paths [][]int32
			outside := 0
			for _, t := range texts {
				if m := c0.NewMatcher(); m.AcceptBytes(t) != nil || !m.CanStop() {
					outside++ // not in json.gbnf's language (e.g. indentation deeper than 20)
					continue
				}
				ids, err := replay.Tokenize(v, t)
				if err != nil {
					b.Fatal(err)
				}
				paths = append(paths, ids)
			}
			b.Logf("%d texts, %d outside the grammar's language", len(texts), outside)
			for b.Loop() {
				p := mustCompile(b, g, v)
				c := runtime.New(p, v).Precompute()
				res := replay.Run(c, paths)
				if res.Rejected > 0 {
					b.Fatalf("%d of %d valid instances rejected", res.Rejected, res.Instances)
				}
				s := replay.Summarize(res.Masks)
				b.ReportMetric(s.P50, "p50-µs")
				b.ReportMetric(s.P99, "p99-µs")
				b.ReportMetric(s.Max, "max-µs")
				b.ReportMetric(s.Mean, "mean-µs")
				b.ReportMetric(float64(len(res.Masks)), "masks")
				b.ReportMetric(float64(c.Table.Stats().Precompute.Microseconds())/1000, "precompute-ms")
			}
		})
	}
}

func mustCompile(b *testing.B, g *grammar.Grammar, v *vocab.Vocabulary) *automaton.Program {
	p, err := compile.Compile(g, v, compile.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkFillMasks measures batch throughput: B matchers, each at a
// different point of a Github_medium instance (json.gbnf, llama3_1), one
// FillMasks call per iteration on the shared pool.
func BenchmarkFillMasks(b *testing.B) {
	dir, ok := shared.SharedDir()
	if !ok {
		b.Skip("../shared not found (set GRAMC_SHARED)")
	}
	src, err := os.ReadFile(filepath.Join(dir, "corpora/gbnf/json.gbnf"))
	if err != nil {
		b.Fatal(err)
	}
	texts, err := replay.Texts(filepath.Join(dir, "corpora/jsonschemabench/Github_medium"), 100)
	if err != nil {
		b.Fatal(err)
	}
	v, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1"))
	if err != nil {
		b.Fatal(err)
	}
	g, err := ebnf.Parse("json.gbnf", src)
	if err != nil {
		b.Fatal(err)
	}
	c := runtime.New(mustCompile(b, g, v), v)
	for _, run := range []struct {
		batch  int
		serial bool
	}{{1, false}, {8, true}, {8, false}, {64, true}, {64, false}, {256, true}, {256, false}} {
		batch, serial := run.batch, run.serial
		name := fmt.Sprintf("B=%d", batch)
		if serial {
			name += "/serial"
		}
		b.Run(name, func(b *testing.B) {
			var ms []*runtime.Matcher
			var ks []*mask.Mask
			for i := 0; len(ms) < batch; i++ {
				ids, err := replay.Tokenize(v, texts[i%len(texts)])
				if err != nil || len(ids) == 0 {
					continue
				}
				m := c.NewMatcher()
				if m.AcceptBytes(texts[i%len(texts)]) != nil {
					continue // outside json.gbnf's language
				}
				m.Reset()
				for _, t := range ids[:(i*7)%len(ids)] {
					if m.Accept(t) != nil {
						b.Fatal("replay rejected")
					}
				}
				ms = append(ms, m)
				ks = append(ks, c.NewMask())
			}
			cons := make([]bool, batch)
			runtime.FillMasks(ms, ks, cons) // warm the caches
			for b.Loop() {
				if serial {
					for i, m := range ms {
						m.FillMask(ks[i])
					}
				} else {
					runtime.FillMasks(ms, ks, cons)
				}
			}
			b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "masks/s")
		})
	}
}

// BenchmarkDraftMasks measures speculative decoding: at every position of
// Github_medium instances (json.gbnf, llama3_1, masks warm), the next k
// tokens of the instance are checked as a draft with FillDraftMasks (a
// mask per draft position plus one after, then a rollback). It reports
// the cost per draft token.
func BenchmarkDraftMasks(b *testing.B) {
	dir, ok := shared.SharedDir()
	if !ok {
		b.Skip("../shared not found (set GRAMC_SHARED)")
	}
	src, err := os.ReadFile(filepath.Join(dir, "corpora/gbnf/json.gbnf"))
	if err != nil {
		b.Fatal(err)
	}
	texts, err := replay.Texts(filepath.Join(dir, "corpora/jsonschemabench/Github_medium"), 20)
	if err != nil {
		b.Fatal(err)
	}
	v, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1"))
	if err != nil {
		b.Fatal(err)
	}
	g, err := ebnf.Parse("json.gbnf", src)
	if err != nil {
		b.Fatal(err)
	}
	c := runtime.New(mustCompile(b, g, v), v).Precompute()
	var paths [][]int32
	for _, t := range texts {
		if m := c.NewMatcher(); m.AcceptBytes(t) != nil {
			continue
		}
		if ids, err := replay.Tokenize(v, t); err == nil {
			paths = append(paths, ids)
		}
	}
	for _, k := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			masks := make([]*mask.Mask, k+1)
			for i := range masks {
				masks[i] = c.NewMask()
			}
			m := c.NewMatcher()
			drafted := 0
			for b.Loop() {
				drafted = 0
				for _, ids := range paths {
					m.Reset()
					for i := range ids {
						d := ids[i:min(i+k, len(ids))]
						if n := m.FillDraftMasks(d, masks); n != len(d) {
							b.Fatalf("draft rejected at %d", n)
						}
						drafted += len(d)
						if m.Accept(ids[i]) != nil {
							b.Fatal("replay rejected")
						}
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(drafted)/1000, "µs/draft-token")
		})
	}
}
