package jsonlex

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/gramc/gramc/compile"
	"github.com/gramc/gramc/grammar"
)

// ErrUnsupported is wrapped by the errors of constraints that jsonlex cannot
// enforce exactly (a schema compiler refuses the keyword).
var ErrUnsupported = errors.New("jsonlex: not supported exactly")

// ErrInvalid is wrapped by the errors of malformed constraints (a
// multipleOf that is not positive).
var ErrInvalid = errors.New("jsonlex: invalid constraint")

// Limits of the number constructions.
const (
	// MaxBoundDigits bounds the decimal digits (integer and fraction part
	// together) of a minimum or maximum.
	MaxBoundDigits = 1000
	// ExpRange is the exponent range of the exponent forms accepted under a
	// minimum or maximum: a text m e k with a non-zero mantissa m is
	// accepted when -ExpRange ≤ k ≤ ExpRange (unless a whole sign half-line
	// lies within the bounds: then every k).
	ExpRange = 6
	// IntFracDigits bounds the fraction digits of the mantissa of an
	// integer written with an exponent (1.25e2) under "integer".
	IntFracDigits = 9
	// MaxExpDigits bounds the significant digits (leading zeros aside) of
	// the exponent of the exponent forms accepted under a constraint
	// (zero mantissas, "integer", half-line bounds): |k| < 10^5. Validators
	// read constrained numbers as exact rationals, and math/big (Go's
	// Rat.SetString, which santhosh-tekuri/jsonschema uses) refuses an
	// exponent beyond 10^6 or one that overflows int64: such a number would
	// fail "integer" or make the validator fail outright, so it is left out.
	MaxExpDigits = 5
	// MaxMultipleModulus bounds the factor of a multipleOf that is coprime
	// to 10 (its numerator without factors 2 and 5): the automaton of the
	// remainders of the digits modulo that factor (a grammar.Machine) has
	// that many states, plus 4.
	MaxMultipleModulus = 10_000
	// MaxMultipleSize bounds the expression size of the last-digits
	// language of a multipleOf; beyond it an automaton is built instead.
	MaxMultipleSize = 60_000
	// MaxMultipleStates bounds that automaton: 2^x·5^y·(k+2)+1 states for
	// the power-of-2-and-5 part 2^x·5^y of a multipleOf after scaling by
	// 10^k to an integer (1024: 2,049 states; 65536 is refused).
	MaxMultipleStates = 100_000
	// MaxMultipleProduct bounds the product of the two parts of a
	// multipleOf (both automata are intersected when the grammar is
	// compiled).
	MaxMultipleProduct = 2_000_000
	// MaxMultiplePower bounds the power-of-2-and-5 part of a multipleOf
	// (after scaling to an integer) for which the last digits are written
	// as an expression over the residues mod 2^x·5^y (smaller than the
	// automaton when it fits MaxMultipleSize).
	MaxMultiplePower = 100_000
)

// Bounds are the numeric constraints of a JSON Schema number: minimum and
// maximum (nil = no bound; ExclMin/ExclMax make them exclusive), "type":
// "integer", and multipleOf (nil = none; must be > 0).
type Bounds struct {
	Min, Max         *big.Rat
	ExclMin, ExclMax bool
	Integer          bool
	MultipleOf       *big.Rat
}

// Number returns an expression matching JSON number texts (RFC 8259:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?) whose value satisfies b.
// The language is exact: every text it matches satisfies b. It matches
// every exponent-free text that satisfies b; which texts with an exponent
// it matches is described in the package documentation. When no number
// satisfies b, the result is an empty alternation (&grammar.Alt{}).
func Number(b Bounds) (grammar.Expr, error) {
	if b.MultipleOf != nil && b.MultipleOf.Sign() <= 0 {
		return nil, fmt.Errorf("%w: multipleOf %s is not positive", ErrInvalid, b.MultipleOf.RatString())
	}
	m := b.MultipleOf
	if m != nil && b.Integer {
		// The integer multiples of p/q (in lowest terms) are the multiples of p.
		m = new(big.Rat).SetInt(m.Num())
	}
	if m != nil && m.Cmp(big.NewRat(1, 1)) == 0 {
		// The multiples of 1 are the integers.
		b.Integer, m = true, nil
	}
	if b.Min == nil && b.Max == nil && m == nil {
		if b.Integer {
			return integerNumber(), nil
		}
		return anyNumber(), nil
	}
	iv := interval{lo: b.Min, hi: b.Max, loIncl: !b.ExclMin, hiIncl: !b.ExclMax}
	if iv.empty() {
		return none(), nil
	}
	var parts []grammar.Expr
	if b.Min != nil || b.Max != nil {
		var e grammar.Expr
		var err error
		if b.Integer {
			e = intBounded(iv, m == nil)
		} else if e, err = decBounded(iv, m == nil); err != nil {
			return nil, err
		}
		parts = append(parts, e)
	}
	if m == nil {
		return and(parts...), nil
	}
	es, err := multiples(m)
	if err != nil {
		return nil, err
	}
	e := and(append(parts, es...)...)
	if hasMachine(e) {
		// The remainder automata are intersected with the bounds when the
		// grammar is compiled: refuse a product beyond the compiler's
		// limits here, where the keyword is known.
		g := &grammar.Grammar{Root: "n", Rules: []*grammar.Rule{{Name: "n", Body: e}}}
		if _, err := compile.Compile(g, nil, compile.Options{}); err != nil && (errors.Is(err, compile.ErrTooLarge) || strings.Contains(err.Error(), "too large")) {
			return nil, fmt.Errorf("%w: multipleOf %s with these bounds: %v", ErrUnsupported, m.RatString(), err)
		}
	}
	return e, nil
}

// hasMachine reports whether e contains a grammar.Machine.
func hasMachine(e grammar.Expr) bool {
	found := false
	grammar.Walk(e, func(x grammar.Expr) bool {
		if _, ok := x.(*grammar.Machine); ok {
			found = true
		}
		return !found
	})
	return found
}

// anyNumber is the whole RFC 8259 number syntax.
func anyNumber() grammar.Expr {
	return seq(opt(lit("-")), intPart(), opt(seq(lit("."), plus(digit()))), opt(anyExp()))
}

// intPart is 0|[1-9][0-9]*.
func intPart() grammar.Expr { return alt(lit("0"), seq(digits(1, 9), star(digit()))) }

// anyExp is [eE][+-]?[0-9]+.
func anyExp() grammar.Expr {
	return seq(byteClass('e', 'E'), opt(byteClass('+', '-')), plus(digit()))
}

// boundedExp is [eE][+-]?0*[0-9]{1,MaxExpDigits}: anyExp with |k| <
// 10^MaxExpDigits, for the exponent forms accepted under a constraint.
func boundedExp() grammar.Expr {
	return seq(byteClass('e', 'E'), opt(byteClass('+', '-')), expDigits())
}

// expDigits matches exponent digits (leading zeros allowed) of a value
// below 10^MaxExpDigits.
func expDigits() grammar.Expr {
	return seq(star(lit("0")), rep(digit(), 1, MaxExpDigits))
}

// zeroFrac is (\.0+)?: the fraction parts of an integer value.
func zeroFrac() grammar.Expr { return opt(seq(lit("."), plus(lit("0")))) }

// zeroWithExp matches the texts of the value 0 with an exponent: any sign,
// any zero mantissa, any exponent.
func zeroWithExp() grammar.Expr {
	return seq(opt(lit("-")), lit("0"), zeroFrac(), boundedExp())
}

// expOf matches the exponent texts ([eE] and the exponent digits, with any
// sign and leading zeros) whose value is k.
func expOf(k int) grammar.Expr {
	e := byteClass('e', 'E')
	switch {
	case k == 0:
		return seq(e, opt(byteClass('+', '-')), plus(lit("0")))
	case k > 0:
		return seq(e, opt(lit("+")), star(lit("0")), lit(fmt.Sprint(k)))
	}
	return seq(e, lit("-"), star(lit("0")), lit(fmt.Sprint(-k)))
}

// integerNumber matches the texts of integer values (JSON Schema "type":
// "integer": 1.0 and 1e2 are integers): every exponent-free one, the zero
// mantissas with any exponent, and the non-zero ones of posIntExp.
func integerNumber() grammar.Expr {
	return seq(opt(lit("-")), alt(seq(intPart(), zeroFrac()), seq(lit("0"), zeroFrac(), boundedExp()), posIntExp()))
}

// posIntExp matches the texts m e k of positive integers with an exponent
// k ≥ 0 (written with any leading zeros, "+" or none, or as -0…0): m an
// integer, fraction zeros allowed (3E+0, 1e2, 15.00e-0), or m with j ≤
// IntFracDigits fraction digits (trailing zeros count) and k ≥ j (1.25e2,
// 0.5e1, 1.50E+03).
func posIntExp() grammar.Expr {
	e := byteClass('e', 'E')
	var alts []grammar.Expr
	// j = 0: an integer mantissa and an exponent ≥ 0 (also -0).
	alts = append(alts, seq(digits(1, 9), star(digit()), zeroFrac(), e,
		alt(seq(opt(lit("+")), expDigits()), seq(lit("-"), plus(lit("0"))))))
	for j := 1; j <= IntFracDigits; j++ {
		// A non-zero mantissa with j fraction digits: a non-zero integer
		// part, or 0 and a non-zero fraction.
		var zeroInt []grammar.Expr
		for a := range j {
			zeroInt = append(zeroInt, seq(rep(lit("0"), a, a), digits(1, 9), rep(digit(), j-1-a, j-1-a)))
		}
		m := alt(seq(digits(1, 9), star(digit()), lit("."), rep(digit(), j, j)), seq(lit("0."), alt(zeroInt...)))
		alts = append(alts, seq(m, e, opt(lit("+")), star(lit("0")), intRange(big.NewInt(int64(j)), maxExp())))
	}
	return alt(alts...)
}

// maxExp is the largest exponent value of the bounded exponent forms.
func maxExp() *big.Int {
	return new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(MaxExpDigits), nil), big.NewInt(1))
}

// nonZeroMantissa matches the mantissas (exponent-free number texts
// without sign) of non-zero values.
func nonZeroMantissa() grammar.Expr {
	return alt(
		seq(digits(1, 9), star(digit()), opt(seq(lit("."), plus(digit())))),
		seq(lit("0."), star(lit("0")), digits(1, 9), star(digit())))
}

// interval is a set of rationals between lo and hi (nil = unbounded).
type interval struct {
	lo, hi         *big.Rat
	loIncl, hiIncl bool
}

func (iv interval) empty() bool {
	if iv.lo == nil || iv.hi == nil {
		return false
	}
	c := iv.lo.Cmp(iv.hi)
	return c > 0 || c == 0 && !(iv.loIncl && iv.hiIncl)
}

func (iv interval) contains(v *big.Rat) bool {
	if iv.lo != nil {
		if c := v.Cmp(iv.lo); c < 0 || c == 0 && !iv.loIncl {
			return false
		}
	}
	if iv.hi != nil {
		if c := v.Cmp(iv.hi); c > 0 || c == 0 && !iv.hiIncl {
			return false
		}
	}
	return true
}

// sides splits iv into the magnitudes of its non-negative values (pos) and
// of its non-positive values (neg: x such that -x is in iv); each has a
// non-nil lo ≥ 0 and is nil when empty. Zero belongs to both (0 and -0).
func (iv interval) sides() (pos, neg *interval) {
	zero := new(big.Rat)
	p := interval{lo: zero, loIncl: true, hi: iv.hi, hiIncl: iv.hiIncl}
	if iv.lo != nil && iv.lo.Sign() >= 0 {
		p.lo, p.loIncl = iv.lo, iv.loIncl
	}
	n := interval{lo: zero, loIncl: true}
	if iv.hi != nil && iv.hi.Sign() <= 0 {
		n.lo, n.loIncl = new(big.Rat).Neg(iv.hi), iv.hiIncl
	}
	if iv.lo != nil {
		n.hi, n.hiIncl = new(big.Rat).Neg(iv.lo), iv.loIncl
	}
	if !p.empty() {
		pos = &p
	}
	if !n.empty() {
		neg = &n
	}
	return pos, neg
}

// scale multiplies the bounds of iv by 10^k.
func (iv interval) scale(k int) interval {
	f := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(k))), nil))
	mul := func(x *big.Rat) *big.Rat {
		if x == nil {
			return nil
		}
		if k < 0 {
			return new(big.Rat).Quo(x, f)
		}
		return new(big.Rat).Mul(x, f)
	}
	return interval{lo: mul(iv.lo), hi: mul(iv.hi), loIncl: iv.loIncl, hiIncl: iv.hiIncl}
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// decimal is a non-negative terminating decimal: canonical integer digits
// ("0" for zero) and fraction digits without trailing zeros.
type decimal struct{ i, f string }

// toDecimal writes x ≥ 0 as a decimal; it fails when x does not terminate.
func toDecimal(x *big.Rat) (decimal, error) {
	den := new(big.Int).Set(x.Denom())
	twos, fives := 0, 0
	two, five := big.NewInt(2), big.NewInt(5)
	r := new(big.Int)
	for {
		q, m := new(big.Int).QuoRem(den, two, r)
		if m.Sign() != 0 {
			break
		}
		den, twos = q, twos+1
	}
	for {
		q, m := new(big.Int).QuoRem(den, five, r)
		if m.Sign() != 0 {
			break
		}
		den, fives = q, fives+1
	}
	if den.Cmp(big.NewInt(1)) != 0 {
		return decimal{}, fmt.Errorf("%w: bound %s is not a terminating decimal", ErrUnsupported, x.RatString())
	}
	k := max(twos, fives)
	if k > MaxBoundDigits {
		return decimal{}, fmt.Errorf("%w: bound %s has more than %d digits", ErrUnsupported, x.RatString(), MaxBoundDigits)
	}
	scaled := new(big.Int).Mul(x.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	scaled.Quo(scaled, x.Denom())
	s := scaled.String()
	if len(s) > MaxBoundDigits {
		return decimal{}, fmt.Errorf("%w: bound %s has more than %d digits", ErrUnsupported, x.RatString(), MaxBoundDigits)
	}
	for len(s) <= k {
		s = "0" + s
	}
	d := decimal{i: s[:len(s)-k], f: s[len(s)-k:]}
	for len(d.f) > 0 && d.f[len(d.f)-1] == '0' {
		d.f = d.f[:len(d.f)-1]
	}
	return d, nil
}

// magnitudes matches the exponent-free number texts without sign
// ((0|[1-9][0-9]*)(\.[0-9]+)?) whose value lies in iv (iv.lo ≥ 0, iv not
// empty).
func magnitudes(iv interval) (grammar.Expr, error) {
	a, err := toDecimal(iv.lo)
	if err != nil {
		return nil, err
	}
	ai, _ := new(big.Int).SetString(a.i, 10)
	one := big.NewInt(1)
	anyFrac := opt(seq(lit("."), plus(digit())))
	if iv.hi == nil {
		return alt(
			seq(lit(a.i), fracRange(a.f, iv.loIncl, "", false, false).part()),
			seq(intRange(new(big.Int).Add(ai, one), nil), anyFrac)), nil
	}
	b, err := toDecimal(iv.hi)
	if err != nil {
		return nil, err
	}
	if a.i == b.i {
		return seq(lit(a.i), fracRange(a.f, iv.loIncl, b.f, iv.hiIncl, true).part()), nil
	}
	bi, _ := new(big.Int).SetString(b.i, 10)
	return alt(
		seq(lit(a.i), fracRange(a.f, iv.loIncl, "", false, false).part()),
		seq(intRange(new(big.Int).Add(ai, one), new(big.Int).Sub(bi, one)), anyFrac),
		seq(lit(b.i), fracRange("", true, b.f, iv.hiIncl, true).part())), nil
}

// decBounded matches the number texts whose value lies in iv (not empty):
// every exponent-free one, the zero mantissas with any exponent (when 0 is
// in iv) and, when withExp, the other exponent forms of the package
// documentation.
func decBounded(iv interval, withExp bool) (grammar.Expr, error) {
	var alts []grammar.Expr
	pos, neg := iv.sides()
	for _, s := range []struct {
		iv   *interval
		sign string
	}{{pos, ""}, {neg, "-"}} {
		if s.iv == nil {
			continue
		}
		m, err := magnitudes(*s.iv)
		if err != nil {
			return nil, err
		}
		alts = append(alts, seq(lit(s.sign), m))
		if !withExp {
			continue
		}
		if s.iv.lo.Sign() == 0 && s.iv.hi == nil {
			alts = append(alts, seq(lit(s.sign), nonZeroMantissa(), boundedExp()))
			continue
		}
		for k := -ExpRange; k <= ExpRange; k++ {
			m, err := magnitudes(s.iv.scale(-k))
			if err != nil {
				return nil, err
			}
			alts = append(alts, seq(lit(s.sign), m, expOf(k)))
		}
	}
	if iv.contains(new(big.Rat)) {
		alts = append(alts, zeroWithExp())
	}
	return alt(alts...), nil
}

// intBounded matches the texts of the integers in iv (not empty): every
// exponent-free one, the zero mantissas with any exponent (when 0 is in
// iv) and, when withExp, the exponent forms of posIntExp for a sign all of
// whose integers lie in iv.
func intBounded(iv interval, withExp bool) grammar.Expr {
	var alts []grammar.Expr
	pos, neg := iv.sides()
	for _, s := range []struct {
		iv   *interval
		sign string
	}{{pos, ""}, {neg, "-"}} {
		if s.iv == nil {
			continue
		}
		lo := ceilInt(s.iv.lo, s.iv.loIncl)
		var hi *big.Int
		if s.iv.hi != nil {
			if hi = floorInt(s.iv.hi, s.iv.hiIncl); hi.Cmp(lo) < 0 {
				continue
			}
		}
		alts = append(alts, seq(lit(s.sign), intRange(lo, hi), zeroFrac()))
		if withExp && hi == nil && lo.Cmp(big.NewInt(1)) <= 0 {
			alts = append(alts, seq(lit(s.sign), posIntExp()))
		}
	}
	if iv.contains(new(big.Rat)) {
		alts = append(alts, zeroWithExp())
	}
	return alt(alts...)
}

// ceilInt is the least integer ≥ x (> x when !incl); x ≥ 0.
func ceilInt(x *big.Rat, incl bool) *big.Int {
	q, r := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if r.Sign() != 0 || !incl {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// floorInt is the greatest integer ≤ x (< x when !incl); x ≥ 0.
func floorInt(x *big.Rat, incl bool) *big.Int {
	q, r := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if r.Sign() == 0 && !incl {
		q.Sub(q, big.NewInt(1))
	}
	return q
}
