package jsonlex

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad rat " + s)
	}
	return r
}

var numberRE = regexp.MustCompile(`^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$`)

// numText is a parsed JSON number text.
type numText struct {
	neg    bool
	i, f   string
	hasExp bool
	k      int // exponent (texts in the tests keep it small)
	v      *big.Rat
}

func parseNum(s string) (numText, bool) {
	m := numberRE.FindStringSubmatch(s)
	if m == nil {
		return numText{}, false
	}
	n := numText{neg: m[1] == "-", i: m[2], f: m[3], hasExp: m[4] != ""}
	if n.hasExp {
		k, ok := new(big.Int).SetString(strings.TrimPrefix(m[4], "+"), 10)
		if !ok || !k.IsInt64() || k.Int64() > 100000 || k.Int64() < -100000 {
			panic("exponent out of test range: " + s)
		}
		n.k = int(k.Int64())
	}
	num, _ := new(big.Int).SetString(n.i+n.f, 10)
	if n.neg {
		num.Neg(num)
	}
	e := n.k - len(n.f)
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil)
	if e >= 0 {
		n.v = new(big.Rat).SetInt(num.Mul(num, p))
	} else {
		n.v = new(big.Rat).SetFrac(num, p)
	}
	return n, true
}

// satisfies reports whether v satisfies b.
func satisfies(v *big.Rat, b Bounds) bool {
	if b.Min != nil {
		if c := v.Cmp(b.Min); c < 0 || c == 0 && b.ExclMin {
			return false
		}
	}
	if b.Max != nil {
		if c := v.Cmp(b.Max); c > 0 || c == 0 && b.ExclMax {
			return false
		}
	}
	if b.Integer && !v.IsInt() {
		return false
	}
	if b.MultipleOf != nil && !new(big.Rat).Quo(v, b.MultipleOf).IsInt() {
		return false
	}
	return true
}

// expected is the documented exponent policy: whether Number(b) matches
// the text s.
func expected(b Bounds, s string) bool {
	n, ok := parseNum(s)
	return ok && expectedNum(b, n)
}

func expectedNum(b Bounds, n numText) bool {
	if b.Min == nil && b.Max == nil && b.MultipleOf == nil && !b.Integer {
		return true
	}
	if !satisfies(n.v, b) {
		return false
	}
	if !n.hasExp || strings.Trim(n.i+n.f, "0") == "" {
		return true
	}
	if m := b.MultipleOf; m != nil {
		if b.Integer {
			m = new(big.Rat).SetInt(m.Num())
		}
		if m.Cmp(big.NewRat(1, 1)) != 0 {
			return false
		}
		b.MultipleOf, b.Integer = nil, true
	}
	cmp := func(x *big.Rat, y int64) int { return x.Cmp(new(big.Rat).SetInt64(y)) }
	intForm := func() bool {
		return n.k >= 0 && (strings.Trim(n.f, "0") == "" || len(n.f) <= IntFracDigits && n.k >= len(n.f))
	}
	if b.Min == nil && b.Max == nil {
		return intForm()
	}
	if !b.Integer {
		half := false
		if n.neg {
			half = b.Min == nil && (b.Max == nil || b.Max.Sign() >= 0)
		} else {
			half = b.Max == nil && (b.Min == nil || b.Min.Sign() <= 0)
		}
		return half || abs(n.k) <= ExpRange
	}
	half := false
	if n.neg {
		half = b.Min == nil && (b.Max == nil || cmp(b.Max, -1) > 0 || cmp(b.Max, -1) == 0 && !b.ExclMax)
	} else {
		half = b.Max == nil && (b.Min == nil || cmp(b.Min, 1) < 0 || cmp(b.Min, 1) == 0 && !b.ExclMin)
	}
	return half && intForm()
}

// decText writes v (terminating) as an exponent-free JSON number text,
// with extra trailing fraction zeros.
func decText(v *big.Rat, zeros int) string {
	sign := ""
	if v.Sign() < 0 {
		sign = "-"
		v = new(big.Rat).Neg(v)
	}
	d, err := toDecimal(v)
	if err != nil {
		panic(err)
	}
	f := d.f + strings.Repeat("0", zeros)
	if f == "" {
		return sign + d.i
	}
	return sign + d.i + "." + f
}

// expText writes v as m e k for a random k, when m stays short.
func expText(r *rand.Rand, v *big.Rat) string {
	k := r.Intn(17) - 8
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(k))), nil))
	m := new(big.Rat).Set(v)
	if k >= 0 {
		m.Quo(m, p)
	} else {
		m.Mul(m, p)
	}
	e := []string{"e", "E"}[r.Intn(2)]
	ks := fmt.Sprint(abs(k))
	if r.Intn(3) == 0 {
		ks = strings.Repeat("0", r.Intn(3)) + ks
	}
	switch {
	case k < 0:
		ks = "-" + ks
	case r.Intn(2) == 0:
		ks = "+" + ks
	}
	return decText(m, r.Intn(2)*r.Intn(3)) + e + ks
}

func randDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.Intn(10))
	}
	return string(b)
}

// randNumber is a random JSON number text.
func randNumber(r *rand.Rand) string {
	var sb strings.Builder
	if r.Intn(3) == 0 {
		sb.WriteByte('-')
	}
	switch n := []int{0, 1, 1, 2, 2, 3, 4, 6, 12, 31, 32}[r.Intn(11)]; n {
	case 0:
		sb.WriteByte('0')
	default:
		sb.WriteByte(byte('1' + r.Intn(9)))
		sb.WriteString(randDigits(r, n-1))
	}
	if r.Intn(5) < 2 {
		sb.WriteByte('.')
		n := 1 + r.Intn(6)
		if r.Intn(4) == 0 {
			sb.WriteString(strings.Repeat("0", n))
		} else {
			sb.WriteString(randDigits(r, n))
		}
	}
	if r.Intn(4) == 0 {
		sb.WriteString([]string{"e", "E"}[r.Intn(2)])
		sb.WriteString([]string{"", "+", "-"}[r.Intn(3)])
		sb.WriteString(strings.Repeat("0", r.Intn(2)))
		sb.WriteString(fmt.Sprint(r.Intn(14)))
	}
	return sb.String()
}

var fixedNumbers = []string{
	"0", "-0", "0.0", "-0.0", "0.000", "0e0", "-0E+5", "0.00e-3", "1", "-1", "1.0", "1e2", "1E+2", "1e-2", "0.1e1",
	"1.5e1", "1.50e1", "1.50e2", "15e-1", "1500e-2", "100.0E-2", "2.5", "-2.5", "3", "7", "10", "1000", "0.5", "0.01",
	"1e30", "1000000000000000000000000000000", "-1000000000000000000000000000000", "99999999999999999999999999999.99",
	"1.5", "-1.5", "4.5", "0.3", "0.30", "1.1", "1.10", "3.0", "300", "300.5", "1e308", "1e-8", "12391239123",
	// Not numbers.
	"", "-", "01", "-01", "00", "1.", ".5", "+1", "1e", "1e+", "--1", "1.e5", "0x10", "1 ", " 1", "1.5.5", "1e5e5", "NaN", "Infinity",
}

// boundsCases are the constraint combinations the number tests cover.
func boundsCases() []Bounds {
	r := func(s string) *big.Rat {
		if s == "" {
			return nil
		}
		return rat(s)
	}
	var out []Bounds
	for _, c := range []struct{ lo, hi string }{
		{"0", "100"}, {"-100", "100"}, {"-5", "-3"}, {"1", ""}, {"", "-1"}, {"0", ""}, {"", "0"},
		{"1.5", ""}, {"", "0.3"}, {"-2.75", "3.125"}, {"0.001", "0.002"}, {"-1.1", ""}, {"", "1e-7"}, {"1.05", "1.05"},
		{"0", "0"}, {"-0.5", "0.5"}, {"99.99", "100.01"}, {"1e30", "1000000000000000000000000000005"},
		{"-1000000000000000000000000000000", "1000000000000000000000000000000"}, {"1e30", ""},
		{"1000000000000000000000000000000.5", "1000000000000000000000000000001"}, {"123456789012", "123456789999"},
		{"-0.999", "-0.001"}, {"7", "3"}, {"2.5", "2.5"}, {"-1", "1"}, {"0.5", ""}, {"", "-0.5"},
	} {
		for _, excl := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, integer := range []bool{false, true} {
				out = append(out, Bounds{Min: r(c.lo), Max: r(c.hi), ExclMin: excl[0], ExclMax: excl[1], Integer: integer})
			}
		}
	}
	out = append(out, Bounds{}, Bounds{Integer: true})
	return out
}

func boundsString(b Bounds) string {
	s := func(x *big.Rat) string {
		if x == nil {
			return "-"
		}
		return x.RatString()
	}
	return fmt.Sprintf("min=%s%s max=%s%s int=%v mult=%s", s(b.Min), map[bool]string{true: "(excl)"}[b.ExclMin], s(b.Max), map[bool]string{true: "(excl)"}[b.ExclMax], b.Integer, s(b.MultipleOf))
}

// testTexts generates number texts around the interesting values of b.
func testTexts(r *rand.Rand, b Bounds, n int) []string {
	out := append([]string(nil), fixedNumbers...)
	anchors := []*big.Rat{rat("0"), rat("1"), rat("-1")}
	for _, x := range []*big.Rat{b.Min, b.Max} {
		if x != nil {
			anchors = append(anchors, x)
		}
	}
	if m := b.MultipleOf; m != nil {
		for range 40 {
			j := new(big.Rat).SetInt64(int64(r.Intn(2001) - 1000))
			if r.Intn(4) == 0 {
				j.SetInt64(r.Int63() - r.Int63())
			}
			anchors = append(anchors, new(big.Rat).Mul(j, m))
		}
	}
	for len(out) < n {
		if r.Intn(3) == 0 {
			out = append(out, randNumber(r))
			continue
		}
		v := new(big.Rat).Set(anchors[r.Intn(len(anchors))])
		switch r.Intn(4) {
		case 0: // the anchor itself
		case 1: // ± 10^-j
			d := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.Intn(9))), nil))
			if r.Intn(2) == 0 {
				d.Neg(d)
			}
			v.Add(v, d)
		case 2: // ± a small random decimal
			d := rat(fmt.Sprintf("%d.%s", r.Intn(3), randDigits(r, 1+r.Intn(4))))
			if r.Intn(2) == 0 {
				d.Neg(d)
			}
			v.Add(v, d)
		case 3: // × a small factor
			v.Mul(v, new(big.Rat).SetInt64(int64(r.Intn(7)-3)))
		}
		if _, err := toDecimal(new(big.Rat).Abs(v)); err != nil {
			continue
		}
		if r.Intn(3) == 0 {
			out = append(out, expText(r, v))
		} else {
			out = append(out, decText(v, r.Intn(2)*r.Intn(3)))
		}
	}
	return out
}

// checkNumber compiles Number(b) and checks it against the policy on
// generated texts; it returns how many texts were accepted.
func checkNumber(t *testing.T, r *rand.Rand, b Bounds, n int) int {
	t.Helper()
	e, err := Number(b)
	if err != nil {
		t.Fatalf("%s: %v", boundsString(b), err)
	}
	l := compileExpr(t, e)
	acc := 0
	fails := 0
	for _, s := range testTexts(r, b, n) {
		got := l.accepts(s)
		nt, ok := parseNum(s)
		if got {
			acc++
			if !ok || !satisfies(nt.v, b) {
				t.Errorf("%s: FALSE POSITIVE %q", boundsString(b), s)
				fails++
			}
		}
		if want := ok && expectedNum(b, nt); got != want {
			t.Errorf("%s: %q accepted=%v, the documented policy says %v", boundsString(b), s, got, want)
			fails++
		}
		if fails > 10 {
			t.FailNow()
		}
	}
	return acc
}

func TestNumberBounds(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(1))
	total, acc := 0, 0
	for _, b := range boundsCases() {
		acc += checkNumber(t, r, b, 700)
		total += 700
	}
	t.Logf("%d bound combinations, %d texts, %d accepted", len(boundsCases()), total, acc)
}

func TestNumberMultipleOf(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(2))
	for _, m := range []string{"1", "2", "3", "5", "7", "10", "1000", "0.1", "0.01", "1.5", "0.25", "2.5", "8", "21", "0.3", "1e-8", "0.0001", "6", "12.5", "0.07", "1/3", "4/3",
		"9", "11", "13", "67", "99", "0.123", "2.56", "0.0625", "0.19", "11/7", "320", "3e-5"} {
		for _, c := range []Bounds{{}, {Integer: true}, {Min: rat("0"), Max: rat("100")}, {Min: rat("-7.5"), ExclMin: true, Max: rat("1e12")}, {Integer: true, Min: rat("-50"), Max: rat("50"), ExclMax: true}} {
			c.MultipleOf = rat(m)
			checkNumber(t, r, c, 900)
		}
	}
}

// TestMultipleOfBruteForce compares multipleOf languages (remainder
// automata for any divisor) with big.Rat on every integer in a range and
// on decimals with up to 3 fraction digits, in several spellings.
func TestMultipleOfBruteForce(t *testing.T) {
	t.Parallel()
	for _, m := range []string{"9", "11", "13", "99", "127", "1024", "0.3", "0.13", "2.2", "0.0121", "1/7", "36"} {
		for _, b := range []Bounds{{MultipleOf: rat(m)}, {MultipleOf: rat(m), Integer: true}, {MultipleOf: rat(m), Min: rat("-40"), Max: rat("5000")}} {
			e, err := Number(b)
			if err != nil {
				t.Fatalf("%s: %v", boundsString(b), err)
			}
			l := compileExpr(t, e)
			var texts []string
			for i := -1500; i <= 1500; i++ {
				texts = append(texts, fmt.Sprint(i), fmt.Sprintf("%d.0", i), fmt.Sprintf("%d.00", i))
			}
			for i := -1500; i <= 1500; i += 13 {
				for _, f := range []string{"1", "3", "5", "9", "01", "13", "21", "121", "363", "25", "001", "999", "30", "300"} {
					texts = append(texts, fmt.Sprintf("%d.%s", i, f))
				}
			}
			texts = append(texts, "1e2", "-2E+3", "0e5", "-0.0E-7", "36e0", "1024e0", "00", "-", "1.", ".5", "-01", "123456789012345678901234567890", "-99999999999999999999999999999900", "1"+strings.Repeat("0", 40))
			for _, s := range texts {
				got := l.accepts(s)
				n, ok := parseNum(s)
				want := ok && expectedNum(b, n)
				if got && (!ok || !satisfies(n.v, b)) {
					t.Errorf("%s: FALSE POSITIVE %q", boundsString(b), s)
				} else if got != want {
					t.Errorf("%s: %q accepted=%v, want %v", boundsString(b), s, got, want)
				}
			}
		}
	}
}

// TestMultipleOfLargeDivisor: a prime near the modulus limit (a 9,977-state
// remainder automaton), on multiples and near misses of all sizes; with a
// bound that lets 13-digit numbers through, the product with the bounds
// exceeds the compiler's limit and is refused.
func TestMultipleOfLargeDivisor(t *testing.T) {
	e, err := Number(Bounds{MultipleOf: rat("9973")})
	if err != nil {
		t.Fatal(err)
	}
	l := compileExpr(t, e)
	r := rand.New(rand.NewSource(3))
	d := big.NewInt(9973)
	for range 300 {
		k := new(big.Int).Rand(r, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(1+r.Intn(30))), nil))
		if r.Intn(2) == 0 {
			k.Neg(k)
		}
		v := new(big.Int).Mul(k, d)
		for _, c := range []struct {
			s    string
			want bool
		}{{v.String(), true}, {v.String() + ".0", true}, {new(big.Int).Add(v, big.NewInt(1)).String(), false},
			{new(big.Int).Add(v, big.NewInt(9972)).String(), false}, {v.String() + ".5", false}} {
			if l.accepts(c.s) != c.want {
				t.Errorf("multipleOf 9973: %s accepted=%v", c.s, !c.want)
			}
		}
	}
	if _, err := Number(Bounds{MultipleOf: rat("9973"), Min: rat("-7.5"), Max: rat("1e12")}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("multipleOf 9973 in [-7.5, 1e12]: err = %v, want ErrUnsupported", err)
	}
}

func TestNumberRefused(t *testing.T) {
	for _, b := range []Bounds{
		{MultipleOf: rat("10007")}, {MultipleOf: rat("0.123456789")}, {MultipleOf: rat("65536")}, {MultipleOf: rat("0.0009765625")}, {MultipleOf: rat("1e-2000")}, {MultipleOf: rat("1024").Mul(rat("1024"), rat("9973"))},
		{Min: rat("1/3")}, {Max: rat("1e2000")},
	} {
		if _, err := Number(b); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", boundsString(b), err)
		}
	}
	if _, err := Number(Bounds{MultipleOf: rat("0")}); !errors.Is(err, ErrInvalid) {
		t.Errorf("multipleOf 0: err = %v, want ErrInvalid", err)
	}
	if _, err := Number(Bounds{MultipleOf: rat("-2")}); !errors.Is(err, ErrInvalid) {
		t.Errorf("multipleOf -2: err = %v, want ErrInvalid", err)
	}
	// Integer bounds round non-decimal rationals exactly.
	if _, err := Number(Bounds{Min: rat("1/3"), Integer: true}); err != nil {
		t.Errorf("integer minimum 1/3: %v", err)
	}
}

// TestNumberExhaustiveSmall compares small bounded languages with the
// policy on every short number text.
func TestNumberExhaustiveSmall(t *testing.T) {
	t.Parallel()
	var texts []string
	var nums []numText
	var gen func(prefix string, n int)
	alphabet := "01259.-eE+"
	gen = func(prefix string, n int) {
		if nt, ok := parseNum(prefix); ok {
			texts = append(texts, prefix)
			nums = append(nums, nt)
		}
		if n == 0 {
			return
		}
		for i := range len(alphabet) {
			gen(prefix+alphabet[i:i+1], n-1)
		}
	}
	gen("", 5)
	t.Logf("%d texts of up to 5 bytes", len(texts))
	for _, b := range []Bounds{
		{Min: rat("-1.5"), Max: rat("2.25")},
		{Min: rat("0"), ExclMin: true, Max: rat("10"), ExclMax: true, Integer: true},
		{Min: rat("-3"), Max: rat("0.5"), MultipleOf: rat("0.5")},
		{Integer: true},
		{Max: rat("-0.01")},
		{MultipleOf: rat("7")},
		{MultipleOf: rat("0.75")},
	} {
		e, err := Number(b)
		if err != nil {
			t.Fatal(err)
		}
		l := compileExpr(t, e)
		for i, s := range texts {
			if got, want := l.accepts(s), expectedNum(b, nums[i]); got != want {
				t.Errorf("%s: %q accepted=%v, want %v", boundsString(b), s, got, want)
			}
		}
	}
}

// TestNumberSizes keeps the automata of common constraints small.
func TestNumberSizes(t *testing.T) {
	for _, c := range []struct {
		b   Bounds
		max int
	}{
		{Bounds{}, 20},
		{Bounds{Integer: true}, 80},
		{Bounds{Integer: true, Min: rat("0"), Max: rat("100")}, 30},
		{Bounds{Min: rat("0"), Max: rat("1")}, 120},
		{Bounds{MultipleOf: rat("0.01")}, 30},
		{Bounds{MultipleOf: rat("7")}, 40},
		{Bounds{Max: rat("1.7976931348623157e308")}, 4000},
	} {
		e, err := Number(c.b)
		if err != nil {
			t.Fatal(err)
		}
		n := compileExpr(t, e).states()
		t.Logf("%s: %d states", boundsString(c.b), n)
		if n > c.max {
			t.Errorf("%s: %d states, more than %d", boundsString(c.b), n, c.max)
		}
	}
}
