package jsonlex

import (
	"math/big"
	"testing"
)

// TestConstrainedExponentBound: under a constraint, exponent forms keep
// |k| < 10^MaxExpDigits, so that math/big (and validators built on it,
// such as santhosh-tekuri/jsonschema, the generation oracle) can read every
// accepted number. Generated outputs like {"n": 84657159E142018922730} for
// "type": "integer" failed validation (issue 3).
func TestConstrainedExponentBound(t *testing.T) {
	for _, tt := range []struct {
		name string
		b    Bounds
		ok   []string
		bad  []string
	}{
		{"integer", Bounds{Integer: true}, []string{"1e99999", "1E+0099999", "0e-99999", "1.5e99999", "12e5", "0.25e2"},
			[]string{"84657159E142018922730", "1e100000", "0e-100000", "1.5e100000", "0e1234567890123456789012"}},
		{"minimum 0", Bounds{Min: big.NewRat(0, 1)}, []string{"1.5e-99999", "7e99999", "0e99999"},
			[]string{"3781012e-58066561", "7e100000", "0e-100000"}},
		{"integer minimum 1", Bounds{Min: big.NewRat(1, 1), Integer: true}, []string{"5e99999", "5"},
			[]string{"5e9999999"}},
	} {
		e, err := Number(tt.b)
		if err != nil {
			t.Fatal(err)
		}
		l := compileExpr(t, e)
		for _, s := range tt.ok {
			if !l.accepts(s) {
				t.Errorf("%s: %s rejected", tt.name, s)
			}
			if _, ok := new(big.Rat).SetString(s); !ok {
				t.Errorf("%s: %s accepted but math/big cannot read it", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if l.accepts(s) {
				t.Errorf("%s: %s accepted", tt.name, s)
			}
		}
	}
}
