package jsonlex

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/gramc/gramc/grammar"
)

// The multiples of m = p/q (lowest terms) among exponent-free decimals.
//
// A decimal v ≠ 0 is a multiple of m iff ν_r(v) ≥ ν_r(m) for every prime
// r. Write p = 2^a·5^b·p' with p' coprime to 10, and q = 2^c·5^d·q'. For a
// prime r ∉ {2, 5}, ν_r(v) = ν_r(N) where N is the integer of all the
// digits of v (the point removed), so these conditions together say p' | N
// (q' never matters: ν_r(v) ≥ 0). For r = 2 and 5 they say that v is a
// multiple of D = 2^(a-c)·5^(b-d). With K = max(0, c-a, d-b), v is a
// multiple of D iff v has at most K significant fraction digits and the
// integer v·10^K is a multiple of E = D·10^K = 2^x·5^y, which depends
// only on its last L = max(x, y) digits. So the language is the
// intersection of a "last digits" language (exact, direct construction
// over the residues mod E) and, when p' > 1, a "digits mod p'" language
// (a cycle of p' states written as a regular expression by state
// elimination, which grows fast: refused beyond MaxMultipleSize).

// multiples returns the expressions whose intersection matches the
// exponent-free number texts whose value is a multiple of m, and the
// texts of 0 with any exponent.
func multiples(m *big.Rat) ([]grammar.Expr, error) {
	p := new(big.Int).Set(m.Num())
	q := new(big.Int).Set(m.Denom())
	a, b := strip(p, 2), strip(p, 5)
	c, d := strip(q, 2), strip(q, 5)
	t2, t5 := a-c, b-d
	k := max(0, -t2, -t5)
	x, y := t2+k, t5+k
	if k > MaxBoundDigits {
		return nil, fmt.Errorf("%w: multipleOf %s needs more than %d fraction digits", ErrUnsupported, m.RatString(), MaxBoundDigits)
	}
	E := new(big.Int).Mul(new(big.Int).Exp(big.NewInt(2), big.NewInt(int64(x)), nil), new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(y)), nil))
	if E.Cmp(big.NewInt(MaxMultiplePower)) > 0 {
		return nil, fmt.Errorf("%w: multipleOf %s: its factors 2 and 5 (2^%d·5^%d after scaling) exceed %d", ErrUnsupported, m.RatString(), x, y, MaxMultiplePower)
	}
	if !p.IsInt64() || p.Int64() > MaxMultipleModulus {
		return nil, fmt.Errorf("%w: multipleOf %s: its factor %s coprime to 10 exceeds %d", ErrUnsupported, m.RatString(), p, MaxMultipleModulus)
	}
	last := lastDigits(E.Int64(), max(x, y), k)
	if last == nil || treeSize(last) > MaxMultipleSize {
		return nil, fmt.Errorf("%w: multipleOf %s: expression too large", ErrUnsupported, m.RatString())
	}
	parts := []grammar.Expr{last}
	// p' = Π r^e: one "digits mod r^e" language per prime power (their
	// intersection is "digits mod p'", and each is far smaller).
	for _, f := range primePowers(p.Int64()) {
		mod, err := digitsMod(int(f))
		if err != nil {
			return nil, fmt.Errorf("multipleOf %s: %w", m.RatString(), err)
		}
		parts = append(parts, mod)
	}
	return parts, nil
}

// primePowers splits n ≥ 1 into its prime powers.
func primePowers(n int64) []int64 {
	var out []int64
	for f := int64(2); f*f <= n; f++ {
		if n%f == 0 {
			pp := int64(1)
			for n%f == 0 {
				n /= f
				pp *= f
			}
			out = append(out, pp)
		}
	}
	if n > 1 {
		out = append(out, n)
	}
	return out
}

// strip divides n by f as often as it can and returns how often.
func strip(n *big.Int, f int64) int {
	bf := big.NewInt(f)
	k := 0
	q, r := new(big.Int), new(big.Int)
	for n.Sign() != 0 {
		q.QuoRem(n, bf, r)
		if r.Sign() != 0 {
			break
		}
		n.Set(q)
		k++
	}
	return k
}

// lastDigits matches the exponent-free number texts v with at most k
// significant fraction digits such that the integer v·10^k is a multiple
// of e (e | 10^l), and the texts of 0 with any exponent. It returns nil
// when the construction grows beyond MaxMultipleSize nodes.
//
// The virtual digit string is the integer part followed by the fraction
// padded with zeros to k digits; its last l digits form the window, digit
// t of the window weighing 10^(l-1-t) mod e. The integer part supplies the
// first l-k window digits (when l > k, with implicit leading zeros when it
// is shorter), fraction digit i (from 1) is window digit l-k+i-1.
func lastDigits(e int64, l, k int) grammar.Expr {
	w := make([]int64, l)
	pw := int64(1) % e
	for t := l - 1; t >= 0; t-- {
		w[t] = pw
		pw = pw * 10 % e
	}
	A := l - k
	type key struct {
		i int
		r int64
	}
	// groups splits the digits by the residue they lead to from r at window
	// position t, in increasing order of residue.
	groups := func(t int, r int64, lo int) (rs []int64, cls [][]int) {
		for dgt := lo; dgt <= 9; dgt++ {
			nr := (r + int64(dgt)*w[t]) % e
			i := slices.Index(rs, nr)
			if i < 0 {
				rs = append(rs, nr)
				cls = append(cls, nil)
				i = len(rs) - 1
			}
			cls[i] = append(cls[i], dgt)
		}
		return rs, cls
	}
	nodes := 0 // memoized nodes built, to give up early
	fmemo := map[key]fracLang{}
	var frac func(i int, r int64) fracLang
	frac = func(i int, r int64) fracLang {
		if f, ok := fmemo[key{i, r}]; ok {
			return f
		}
		var f fracLang
		if nodes++; nodes > MaxMultipleSize {
			return fracLang{ne: none()}
		}
		t := A + i - 1
		switch {
		case t >= l: // beyond k digits: only zeros
			f = fracLang{ne: none()}
			if r == 0 {
				f = fracLang{ne: plus(lit("0")), eps: true}
			}
		case t < 0: // before the window: any digit
			f = fracLang{ne: seq(digit(), frac(i+1, r).full()), eps: r == 0}
		default:
			rs, cls := groups(t, r, 0)
			var alts []grammar.Expr
			for j, nr := range rs {
				alts = append(alts, seq(digitSet(cls[j]), frac(i+1, nr).full()))
			}
			f = fracLang{ne: alt(alts...), eps: r == 0}
		}
		fmemo[key{i, r}] = f
		return f
	}
	fracPart := func(r int64) grammar.Expr {
		f := frac(1, r)
		f.eps = r == 0
		return f.part()
	}
	imemo := map[key]grammar.Expr{}
	var ints func(t int, r int64) grammar.Expr
	ints = func(t int, r int64) grammar.Expr {
		if t == A {
			return fracPart(r)
		}
		if x, ok := imemo[key{t, r}]; ok {
			return x
		}
		if nodes++; nodes > MaxMultipleSize {
			return none()
		}
		rs, cls := groups(t, r, 0)
		var alts []grammar.Expr
		for j, nr := range rs {
			alts = append(alts, seq(digitSet(cls[j]), ints(t+1, nr)))
		}
		x := alt(alts...)
		imemo[key{t, r}] = x
		return x
	}
	var mant grammar.Expr
	if A <= 0 {
		mant = seq(intPart(), fracPart(0))
	} else {
		// Integer parts longer than the window part, then each shorter
		// length (the first digit non-zero unless the part is "0").
		alts := []grammar.Expr{seq(digits(1, 9), star(digit()), ints(0, 0))}
		for n := 1; n <= A; n++ {
			t0 := A - n
			lo := 1
			if n == 1 {
				lo = 0
			}
			rs, cls := groups(t0, 0, lo)
			for j, nr := range rs {
				alts = append(alts, seq(digitSet(cls[j]), ints(t0+1, nr)))
			}
		}
		mant = alt(alts...)
	}
	if nodes > MaxMultipleSize {
		return nil
	}
	return alt(seq(opt(lit("-")), mant), zeroWithExp())
}

// digitSet matches one of the given decimal digits (sorted).
func digitSet(ds []int) grammar.Expr {
	if len(ds) == 1 {
		return digits(ds[0], ds[0])
	}
	c := &grammar.Class{}
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j+1] == ds[j]+1 {
			j++
		}
		c.Ranges = append(c.Ranges, grammar.Range{Lo: rune('0' + ds[i]), Hi: rune('0' + ds[j])})
		i = j + 1
	}
	return c
}

// digitsMod matches -?S([eE][+-]?[0-9]+)? where S is any string of digits
// and points whose digits, read as one integer, are a multiple of p
// (coprime to 10, > 1). It checks no syntax: it is meant to be intersected
// with a number language. The automaton (states = remainders) is turned
// into an expression by state elimination.
func digitsMod(p int) (grammar.Expr, error) {
	type rx struct {
		e grammar.Expr
		n int
	}
	rAlt := func(x, y *rx) *rx {
		if x == nil {
			return y
		}
		if y == nil {
			return x
		}
		return &rx{alt(x.e, y.e), x.n + y.n + 1}
	}
	rSeq := func(xs ...*rx) *rx {
		var es []grammar.Expr
		n := 1
		for _, x := range xs {
			if x == nil {
				return nil
			}
			es = append(es, x.e)
			n += x.n
		}
		return &rx{seq(es...), n}
	}
	// States 0..p-1 are remainders; s = p is the start, f = p+1 the end.
	n := p + 2
	s, f := p, p+1
	edge := make([][]*rx, n)
	for i := range edge {
		edge[i] = make([]*rx, n)
	}
	for r := range p {
		byTarget := make([][]int, p)
		for d := range 10 {
			t := (10*r + d) % p
			byTarget[t] = append(byTarget[t], d)
		}
		for t, ds := range byTarget {
			if len(ds) == 0 {
				continue
			}
			c := digitSet(ds)
			if t == r {
				// The point is a loop everywhere: it does not change N.
				c = alt(c, lit("."))
			}
			edge[r][t] = &rx{c, 2}
		}
		if edge[r][r] == nil {
			edge[r][r] = &rx{lit("."), 1}
		}
	}
	edge[s][0] = &rx{eps(), 1}
	edge[0][f] = &rx{eps(), 1}
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	for range p {
		best, cost := -1, 0
		for v := range p {
			if !alive[v] {
				continue
			}
			c := 0
			for i := range n {
				if i == v || !alive[i] || edge[i][v] == nil {
					continue
				}
				for j := range n {
					if j != v && alive[j] && edge[v][j] != nil {
						c += edge[i][v].n + edge[v][j].n
					}
				}
			}
			if best < 0 || c < cost {
				best, cost = v, c
			}
		}
		v := best
		var loop *rx
		if l := edge[v][v]; l != nil {
			loop = &rx{star(l.e), l.n + 1}
		} else {
			loop = &rx{eps(), 1}
		}
		for i := range n {
			if i == v || !alive[i] || edge[i][v] == nil {
				continue
			}
			for j := range n {
				if j == v || !alive[j] || edge[v][j] == nil {
					continue
				}
				edge[i][j] = rAlt(edge[i][j], rSeq(edge[i][v], loop, edge[v][j]))
				if edge[i][j].n > MaxMultipleSize {
					return nil, fmt.Errorf("%w: the digits-mod-%d automaton has no regular expression within %d nodes", ErrUnsupported, p, MaxMultipleSize)
				}
			}
		}
		alive[v] = false
	}
	body := edge[s][f]
	return seq(opt(lit("-")), body.e, opt(anyExp())), nil
}
