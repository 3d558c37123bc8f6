package runtime_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/internal/shared"
	"github.com/gramc/gramc/runtime"
	"github.com/gramc/gramc/vocab"
)

// objectGrammar: a JSON object (compact) with n string/number/boolean
// properties in any order, the first half required.
func objectGrammar(n int) *grammar.Grammar {
	lit := grammar.Lit
	str := &grammar.Seq{Items: []grammar.Expr{lit(`"`), &grammar.Repeat{X: &grammar.Alt{Alts: []grammar.Expr{
		&grammar.Class{Negated: true, Ranges: []grammar.Range{{Lo: '"', Hi: '"'}, {Lo: '\\', Hi: '\\'}, {Lo: 0, Hi: 0x1f}}},
		&grammar.Seq{Items: []grammar.Expr{lit(`\`), &grammar.Class{Ranges: []grammar.Range{{Lo: '"', Hi: '"'}, {Lo: '\\', Hi: '\\'}, {Lo: 'n', Hi: 'n'}}}}},
	}}, Max: grammar.Unbounded}, lit(`"`)}}
	num := &grammar.Seq{Items: []grammar.Expr{&grammar.Repeat{X: lit("-"), Max: 1}, &grammar.Class{Ranges: []grammar.Range{{Lo: '1', Hi: '9'}}}, &grammar.Repeat{X: &grammar.Class{Ranges: []grammar.Range{{Lo: '0', Hi: '9'}}}, Max: 15}}}
	boolean := &grammar.Alt{Alts: []grammar.Expr{lit("true"), lit("false")}}
	var items []grammar.Expr
	var req []bool
	for i := range n {
		var v grammar.Expr = str
		switch i % 3 {
		case 1:
			v = num
		case 2:
			v = boolean
		}
		items = append(items, &grammar.Seq{Items: []grammar.Expr{lit(fmt.Sprintf(`"property_%d":`, i)), v}})
		req = append(req, i < n/2)
	}
	return &grammar.Grammar{Root: "root", Rules: []*grammar.Rule{{Name: "root", Body: &grammar.Perm{
		Open: lit("{"), Sep: lit(","), Close: lit("}"), Items: items, Required: req, Max: grammar.Unbounded,
	}}}}
}

func TestPermObjectTiming(t *testing.T) {
	dir, ok := shared.SharedDir()
	if !ok || testing.Short() {
		t.Skip("needs ../shared; skipped in -short")
	}
	v, err := vocab.Load(filepath.Join(dir, "vocab", "llama3_1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{4, 12} {
		t0 := time.Now()
		p, err := compile.Compile(objectGrammar(n), v, compile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c := runtime.New(p, v)
		compileTime := time.Since(t0)
		var worst, total time.Duration
		masks := 0
		k := c.NewMask()
		for order := range 3 {
			m := c.NewMatcher()
			text := "{"
			for j := range n {
				i := (j + order*5) % n
				if order == 2 {
					i = n - 1 - j
				}
				if j > 0 {
					text += ","
				}
				switch i % 3 {
				case 0:
					text += fmt.Sprintf(`"property_%d":"value %d here"`, i, j)
				case 1:
					text += fmt.Sprintf(`"property_%d":%d`, i, 1000+j)
				case 2:
					text += fmt.Sprintf(`"property_%d":true`, i)
				}
			}
			text += "}"
			ids, err := v.Encode(text)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				s := time.Now()
				m.FillMask(k)
				d := time.Since(s)
				total += d
				masks++
				worst = max(worst, d)
				if !k.Has(id) {
					t.Fatalf("n=%d order %d: token %q rejected in %s", n, order, v.Bytes(id), text)
				}
				if err := m.Accept(id); err != nil {
					t.Fatal(err)
				}
			}
			if !m.CanStop() {
				t.Fatalf("incomplete: %s", text)
			}
		}
		t.Logf("n=%d: compile %v (%d state masks), %d masks mean %v worst %v", n, compileTime, c.Table.Stats().States, masks, total/time.Duration(masks), worst)
	}
}
