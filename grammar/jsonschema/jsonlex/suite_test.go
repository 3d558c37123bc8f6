package jsonlex

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/gramc/gramc/grammar"
	"github.com/gramc/gramc/internal/shared"
)

// TestSchemaSuite runs the JSON-Schema-Test-Suite cases whose schemas use
// only numeric bounds, multipleOf, string lengths and "type" integer,
// number or string, classifying each number or string instance.
func TestSchemaSuite(t *testing.T) {
	t.Parallel()
	dir, ok := shared.SharedDir()
	if !ok {
		t.Skip("shared corpora folder not found")
	}
	dir = filepath.Join(dir, "corpora", "JSON-Schema-Test-Suite", "tests", "draft2020-12")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("JSON-Schema-Test-Suite not found")
	}
	var cases, checked, correct, falseNeg, refused int
	for _, name := range []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "type", "optional/bignum", "optional/float-overflow"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var groups []struct {
			Description string
			Schema      any
			Tests       []struct {
				Description string
				Data        any
				Valid       bool
			}
		}
		if err := dec.Decode(&groups); err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			num, str, ok := suiteSchema(g.Schema)
			if !ok {
				continue
			}
			cases++
			var numLang, strLang *lang
			numErr := error(nil)
			if num != nil {
				e, err := Number(*num)
				if err != nil {
					if !errors.Is(err, ErrUnsupported) {
						t.Errorf("%s / %s: %v", name, g.Description, err)
					}
					numErr = err
				} else {
					l := compileExpr(t, e)
					numLang = &l
				}
			}
			if str != nil {
				l := compileExpr(t, Quoted(Length(str[0], str[1])))
				strLang = &l
			}
			for _, tc := range g.Tests {
				var text string
				var l *lang
				switch v := tc.Data.(type) {
				case json.Number:
					if num == nil {
						continue
					}
					if numErr != nil {
						refused++
						continue
					}
					text, l = string(v), numLang
				case string:
					if str == nil {
						continue
					}
					b, _ := json.Marshal(v)
					text, l = string(b), strLang
				default:
					continue
				}
				checked++
				got := l.accepts(text)
				switch {
				case got == tc.Valid:
					correct++
				case got:
					t.Errorf("%s / %s / %s: FALSE POSITIVE: %s accepted", name, g.Description, tc.Description, text)
				default:
					falseNeg++
					// Only the documented exponent forms may be missed.
					if n, ok := parseNum(text); !ok || !n.hasExp {
						t.Errorf("%s / %s / %s: %s rejected", name, g.Description, tc.Description, text)
					} else {
						t.Logf("%s / %s / %s: exponent form %s rejected (documented)", name, g.Description, tc.Description, text)
					}
				}
			}
		}
	}
	t.Logf("JSON-Schema-Test-Suite: %d schemas, %d instances checked, %d classified right, %d valid ones rejected, %d refused", cases, checked, correct, falseNeg, refused)
	if checked < 50 {
		t.Errorf("only %d instances checked", checked)
	}
}

// suiteSchema reads a schema made only of the keywords this package
// covers: the number constraints (nil when none apply), the string length
// bounds (nil when none apply), and whether the schema qualifies.
func suiteSchema(s any) (num *Bounds, str *[2]int, ok bool) {
	m, isObj := s.(map[string]any)
	if !isObj {
		return nil, nil, false
	}
	var b Bounds
	hasNum := false
	length := [2]int{0, grammar.Unbounded}
	hasStr := false
	ratOf := func(v any) (*big.Rat, bool) {
		n, isNum := v.(json.Number)
		if !isNum {
			return nil, false
		}
		return new(big.Rat).SetString(string(n))
	}
	for k, v := range m {
		var r *big.Rat
		var good bool
		switch k {
		case "$schema":
			continue
		case "type":
			switch v {
			case "integer":
				b.Integer, hasNum = true, true
			case "number":
				hasNum = true
			case "string":
				hasStr = true
			default:
				return nil, nil, false
			}
			continue
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength":
			if r, good = ratOf(v); !good {
				return nil, nil, false
			}
		default:
			return nil, nil, false
		}
		if (k == "minimum" || k == "exclusiveMinimum") && b.Min != nil || (k == "maximum" || k == "exclusiveMaximum") && b.Max != nil {
			return nil, nil, false // both forms of a bound: not covered here
		}
		switch k {
		case "minimum":
			b.Min, hasNum = r, true
		case "maximum":
			b.Max, hasNum = r, true
		case "exclusiveMinimum":
			b.Min, b.ExclMin, hasNum = r, true, true
		case "exclusiveMaximum":
			b.Max, b.ExclMax, hasNum = r, true, true
		case "multipleOf":
			b.MultipleOf, hasNum = r, true
		case "minLength", "maxLength":
			if !r.IsInt() || !r.Num().IsInt64() {
				return nil, nil, false
			}
			if k == "minLength" {
				length[0] = int(r.Num().Int64())
			} else {
				length[1] = int(r.Num().Int64())
			}
			hasStr = true
		}
	}
	if hasNum {
		num = &b
	}
	if hasStr {
		str = &length
	}
	return num, str, hasNum || hasStr
}
