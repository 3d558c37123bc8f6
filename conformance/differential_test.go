package conformance

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar/jsonschema"
)

var diffValues = flag.Int("diff-values", 60, "random values per schema in TestDifferential")

// TestDifferential is the soundness check beyond the suite's instances:
// for every suite schema that compiles, random JSON values (built from the
// schema's own keys, strings and numbers and from mutations of the suite's
// instances) are run through the grammar and through the validator with the
// same regular-expression semantics. The grammar must never accept a value
// that the validator rejects.
func TestDifferential(t *testing.T) {
	suite, ok := DefaultSuite()
	if !ok {
		t.Skip("JSON-Schema-Test-Suite not found")
	}
	remotes, err := Remotes(suite)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(diffBudget())
	if testing.Short() {
		deadline = time.Now().Add(8 * time.Second)
	}
	var groups, values, accepted, fn int
	for _, d := range []string{"draft2020-12", "v1", "draft7", "draft2019-09", "draft4", "draft6"} {
		for _, sub := range []string{"", "optional"} {
			files, _ := filepath.Glob(filepath.Join(suite, "tests", d, sub, "*.json"))
			for _, file := range files {
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				var tcs []*testCase
				if err := json.Unmarshal(b, &tcs); err != nil {
					t.Fatal(err)
				}
				for ci, tc := range tcs {
					if time.Now().After(deadline) {
						t.Logf("time budget reached")
						goto done
					}
					if d == "v1" && bytes.Contains(tc.Schema, []byte(`"$dynamicRef"`)) {
						continue // the validator only knows 2020-12 $dynamicRef semantics
					}
					opts := jsonschema.Options{Draft: strings.TrimPrefix(d, "draft"), Remotes: remotes}
					g, err := jsonschema.Compile(tc.Schema, opts)
					if err != nil {
						continue
					}
					p, err := compile.Compile(g, nil, compile.Options{})
					if err != nil {
						continue
					}
					v, err := jsonschema.NewECMAValidator(tc.Schema, opts)
					if err != nil {
						continue
					}
					groups++
					gen := newGen(int64(ci)*7919+int64(len(file)), tc)
					for range *diffValues {
						text := gen.text()
						valid, err := v.Valid(text)
						if err != nil {
							continue
						}
						values++
						acc := Accepts(p, text)
						if acc {
							accepted++
						}
						if acc && !valid && d == "draft4" && integralFloat.Match(text) {
							continue // draft 4: 1.0 is not an integer (the validator says it is)
						}
						if acc && !valid {
							t.Errorf("FALSE POSITIVE %s %s / %q\n  schema %s\n  value  %s", d, filepath.Base(file), tc.Description, tc.Schema, text)
						}
						if !acc && valid {
							fn++
							if fn <= 10 {
								t.Logf("incomplete: %s %s / %q: %s rejected", d, filepath.Base(file), tc.Description, text)
							}
						}
					}
				}
			}
		}
	}
done:
	t.Logf("%d schemas, %d values (%d accepted by the grammar), %d valid values rejected (incompleteness)", groups, values, accepted, fn)
}

// gen makes random JSON texts for one schema.
type gen struct {
	r     *rand.Rand
	keys  []string
	strs  []string
	nums  []string
	seeds []any
}

func newGen(seed int64, tc *testCase) *gen {
	g := &gen{r: rand.New(rand.NewSource(seed))}
	var schema any
	dec := json.NewDecoder(bytes.NewReader(tc.Schema))
	dec.UseNumber()
	dec.Decode(&schema)
	g.collect(schema)
	for _, t := range tc.Tests {
		var v any
		dec := json.NewDecoder(bytes.NewReader(t.Data))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			g.seeds = append(g.seeds, v)
			g.collect(v)
		}
	}
	g.keys = append(g.keys, "a", "foo", "bar", "x")
	g.strs = append(g.strs, "", "a", "foo", "é", "1", "\x7f", "aaaaaaaaaaaaaaaaaaaa", "\U0001F600")
	g.nums = append(g.nums, "0", "1", "-1", "2", "1.5", "-0.5", "100", "0.0001", "1.0", "-0", "3",
		"1e2", "1.5e1", "-2E+3", "150e-1", "3e-2", "4.0", "-7.50", "0e5", "12e0", "1E-6")
	slices.Sort(g.keys)
	g.keys = slices.Compact(g.keys)
	return g
}

func (g *gen) collect(v any) {
	switch v := v.(type) {
	case string:
		g.strs = append(g.strs, v)
		g.keys = append(g.keys, v)
	case json.Number:
		g.nums = append(g.nums, string(v))
		if r, ok := new(big.Rat).SetString(string(v)); ok {
			for _, d := range []string{"1", "-1", "1/2", "-1/2", "1/100"} {
				dd, _ := new(big.Rat).SetString(d)
				g.nums = append(g.nums, decimal(new(big.Rat).Add(r, dd)))
			}
			g.nums = append(g.nums, decimal(new(big.Rat).Mul(r, big.NewRat(2, 1))), decimal(new(big.Rat).Mul(r, big.NewRat(3, 1))))
		}
	case []any:
		for _, x := range v {
			g.collect(x)
		}
	case map[string]any:
		for k, x := range v {
			g.keys = append(g.keys, k)
			g.collect(x)
		}
	}
}

// decimal writes r as a plain decimal when it terminates (else a fraction
// approximation with 6 digits).
func decimal(r *big.Rat) string {
	for prec := 0; prec <= 20; prec++ {
		s := r.FloatString(prec)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 {
			return s
		}
	}
	return r.FloatString(6)
}

func (g *gen) pick(xs []string) string { return xs[g.r.Intn(len(xs))] }

func (g *gen) value(depth int) any {
	n := 7
	if depth <= 0 {
		n = 5
	}
	switch g.r.Intn(n) {
	case 0:
		return nil
	case 1:
		return g.r.Intn(2) == 0
	case 2:
		return json.Number(g.pick(g.nums))
	case 3, 4:
		s := g.pick(g.strs)
		if g.r.Intn(4) == 0 {
			s += g.pick(g.strs)
		}
		return s
	case 5:
		a := []any{}
		for range g.r.Intn(4) {
			a = append(a, g.value(depth-1))
		}
		return a
	default:
		m := map[string]any{}
		for range g.r.Intn(4) {
			m[g.pick(g.keys)] = g.value(depth - 1)
		}
		return m
	}
}

// mutate returns a changed deep copy of v.
func (g *gen) mutate(v any, depth int) any {
	switch v := v.(type) {
	case []any:
		a := slices.Clone(v)
		switch {
		case len(a) > 0 && g.r.Intn(3) == 0:
			i := g.r.Intn(len(a))
			a = append(a[:i], a[i+1:]...)
		case len(a) > 0 && g.r.Intn(2) == 0:
			i := g.r.Intn(len(a))
			a[i] = g.mutate(a[i], depth+1)
		case len(a) > 0 && g.r.Intn(2) == 0:
			a = append(a, a[g.r.Intn(len(a))])
		default:
			a = append(a, g.value(1))
		}
		return a
	case map[string]any:
		m := map[string]any{}
		for k, x := range v {
			m[k] = x
		}
		ks := sortedKeys(m)
		switch {
		case len(ks) > 0 && g.r.Intn(3) == 0:
			delete(m, ks[g.r.Intn(len(ks))])
		case len(ks) > 0 && g.r.Intn(2) == 0:
			k := ks[g.r.Intn(len(ks))]
			m[k] = g.mutate(m[k], depth+1)
		default:
			m[g.pick(g.keys)] = g.value(1)
		}
		return m
	}
	if g.r.Intn(2) == 0 {
		return g.value(1)
	}
	return g.value(0)
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (g *gen) text() []byte {
	var v any
	if len(g.seeds) > 0 && g.r.Intn(3) != 0 {
		v = g.seeds[g.r.Intn(len(g.seeds))]
		for range 1 + g.r.Intn(2) {
			v = g.mutate(v, 0)
		}
	} else {
		v = g.value(2)
	}
	var b bytes.Buffer
	g.write(&b, v)
	return b.Bytes()
}

// write serializes v compactly with object keys in random order.
func (g *gen) write(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			g.write(b, x)
		}
		b.WriteByte(']')
	case map[string]any:
		ks := sortedKeys(v)
		g.r.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
		b.WriteByte('{')
		for i, k := range ks {
			if i > 0 {
				b.WriteByte(',')
			}
			g.write(b, k)
			b.WriteByte(':')
			g.write(b, v[k])
		}
		b.WriteByte('}')
	case string:
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(g.r.Intn(2) == 0)
		enc.Encode(v)
		b.Truncate(b.Len() - 1)
	default:
		fmt.Fprint(b, jsonText(v))
	}
}

func jsonText(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprint(v)
	case json.Number:
		return string(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

var integralFloat = regexp.MustCompile(`[0-9]\.0+([^0-9]|$)|[0-9][eE]`)

var diffSeconds = flag.Int("diff-seconds", 15, "time budget of TestDifferential")

func diffBudget() time.Duration { return time.Duration(*diffSeconds) * time.Second }
