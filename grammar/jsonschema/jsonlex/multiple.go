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
// over the residues mod E: an expression, or an explicit automaton when the
// expression grows beyond MaxMultipleSize) and, when p' > 1, a "digits mod
// p'" language (an explicit automaton of p'+4 states, grammar.Machine: its
// regular expression would grow exponentially with p').

// multiples returns the expressions whose intersection matches the
// exponent-free number texts whose value is a multiple of m, and the
// texts of 0 with any exponent.
func multiples(m *big.Rat) ([]grammar.Expr, error) {
	k, E, l, pp, err := twoFive(m)
	if err != nil {
		return nil, err
	}
	var last grammar.Expr
	lastStates := int64(1)
	if E.Cmp(big.NewInt(MaxMultiplePower)) <= 0 {
		if x := lastDigits(E.Int64(), l, k); x != nil && treeSize(x) <= MaxMultipleSize {
			last, lastStates = x, int64(treeSize(x))
		}
	}
	if last == nil {
		// The last-digits expression is too large: the automaton of the
		// residues mod E (E·(k+2)+1 states) instead.
		if !E.IsInt64() || E.Int64() > MaxMultipleStates || E.Int64()*int64(k+2)+1 > MaxMultipleStates {
			return nil, fmt.Errorf("%w: multipleOf %s: its factors 2 and 5 (2^%d·5^%d after scaling to an integer, %d fraction digits) need more than %d automaton states",
				ErrUnsupported, m.RatString(), strip(new(big.Int).Set(E), 2), strip(new(big.Int).Set(E), 5), k, MaxMultipleStates)
		}
		plain := seq(opt(lit("-")), intPart(), opt(seq(lit("."), plus(digit())))) // the machine checks no syntax
		last = alt(and(lastDigitsMachine(E.Int64(), k), plain), zeroWithExp())
		lastStates = E.Int64()*int64(k+2) + 1
	}
	parts := []grammar.Expr{last}
	if pp > 1 {
		// The product with the residues mod p' is built when the grammar
		// is compiled: bound its size.
		if lastStates*(pp+4) > MaxMultipleProduct {
			return nil, fmt.Errorf("%w: multipleOf %s: the residues mod %d combined with its factors 2 and 5 exceed %d automaton states",
				ErrUnsupported, m.RatString(), pp, MaxMultipleProduct)
		}
		parts = append(parts, digitsMod(int(pp)))
	}
	return parts, nil
}

// twoFive splits m = p/q (lowest terms) for multiples: k, the significant
// fraction digits a multiple may have; E = 2^x·5^y, what v·10^k must be a
// multiple of; l = max(x, y), the last digits that decide it; pp, the
// factor of p coprime to 10.
func twoFive(m *big.Rat) (k int, E *big.Int, l int, pp int64, err error) {
	p := new(big.Int).Set(m.Num())
	q := new(big.Int).Set(m.Denom())
	a, b := strip(p, 2), strip(p, 5)
	c, d := strip(q, 2), strip(q, 5)
	t2, t5 := a-c, b-d
	k = max(0, -t2, -t5)
	x, y := t2+k, t5+k
	if k > MaxBoundDigits {
		return 0, nil, 0, 0, fmt.Errorf("%w: multipleOf %s needs more than %d fraction digits", ErrUnsupported, m.RatString(), MaxBoundDigits)
	}
	if !p.IsInt64() || p.Int64() > MaxMultipleModulus {
		return 0, nil, 0, 0, fmt.Errorf("%w: multipleOf %s: its factor %s coprime to 10 exceeds %d", ErrUnsupported, m.RatString(), p, MaxMultipleModulus)
	}
	E = new(big.Int).Mul(new(big.Int).Exp(big.NewInt(2), big.NewInt(int64(x)), nil), new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(y)), nil))
	return k, E, max(x, y), p.Int64(), nil
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
	x := lastMantissa(e, l, k)
	if x == nil {
		return nil
	}
	return alt(x, zeroWithExp())
}

// lastMantissa is lastDigits without the exponent forms of 0: exponent-free
// texts only.
func lastMantissa(e int64, l, k int) grammar.Expr {
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
	return seq(opt(lit("-")), mant)
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
// and points whose digits, read as one integer N, are a multiple of p
// (coprime to 10, > 1). It checks no syntax: it is meant to be intersected
// with a number language. Since 10 is invertible mod p, the value N·10^j
// of such a text is a multiple of p for every j: the exponent does not
// matter. It is an explicit automaton (grammar.Machine) over the
// remainders N mod p: p+4 states (the regular expression of this cycle
// grows exponentially with p).
func digitsMod(p int) grammar.Expr {
	const (
		start = 0
		rem0  = 1 // state of remainder r is rem0+r
	)
	x1, x2, x3 := p+1, p+2, p+3 // after [eE], after its sign, in the exponent digits
	m := &grammar.Machine{States: make([]grammar.MachineState, p+4)}
	m.States[start].Edges = append(digitEdges(func(d int) int { return rem0 + d%p }),
		grammar.MachineEdge{Lo: '-', Hi: '-', To: rem0})
	for r := range p {
		st := &m.States[rem0+r]
		st.Edges = digitEdges(func(d int) int { return rem0 + (10*r+d)%p })
		st.Edges = append(st.Edges, grammar.MachineEdge{Lo: '.', Hi: '.', To: rem0 + r}) // the point does not change N
		if r == 0 {
			st.Accept = true
			st.Edges = append(st.Edges, grammar.MachineEdge{Lo: 'E', Hi: 'E', To: x1}, grammar.MachineEdge{Lo: 'e', Hi: 'e', To: x1})
		}
	}
	m.States[x1].Edges = []grammar.MachineEdge{{Lo: '+', Hi: '+', To: x2}, {Lo: '-', Hi: '-', To: x2}, {Lo: '0', Hi: '9', To: x3}}
	m.States[x2].Edges = []grammar.MachineEdge{{Lo: '0', Hi: '9', To: x3}}
	m.States[x3].Edges = []grammar.MachineEdge{{Lo: '0', Hi: '9', To: x3}}
	m.States[x3].Accept = true
	return m
}

// digitEdges returns the machine edges on the digits 0-9 to the states
// to(d), adjacent digits with the same target merged into one range;
// digits with to(d) < 0 have no edge.
func digitEdges(to func(d int) int) []grammar.MachineEdge {
	var es []grammar.MachineEdge
	for d := 0; d <= 9; d++ {
		t := to(d)
		if t < 0 {
			continue
		}
		if n := len(es); n > 0 && es[n-1].To == t && es[n-1].Hi == byte('0'+d-1) {
			es[n-1].Hi++
			continue
		}
		es = append(es, grammar.MachineEdge{Lo: byte('0' + d), Hi: byte('0' + d), To: t})
	}
	return es
}

// lastDigitsMachine is lastDigits(e, l, k) as an explicit automaton,
// without the exponent forms of 0 (the caller adds them): -?S where S is
// an exponent-free number text (syntax not checked) with at most k
// significant fraction digits whose value v makes v·10^k a multiple of e.
// States: the start, the remainders mod e of the integer part, and the
// remainders after f = 0..k fraction digits (after k, only zeros).
func lastDigitsMachine(e int64, k int) grammar.Expr {
	E := int(e)
	intState := func(r int) int { return 1 + r }
	fracState := func(r, f int) int { return 1 + E + f*E + r }
	m := &grammar.Machine{States: make([]grammar.MachineState, 1+E*(k+2))}
	// pow[f] = 10^(k-f) mod e: the weight of the missing fraction digits.
	pow := make([]int, k+1)
	w := 1 % E
	for f := k; f >= 0; f-- {
		pow[f] = w
		w = w * 10 % E
	}
	m.States[0].Edges = append(digitEdges(func(d int) int { return intState(d % E) }), grammar.MachineEdge{Lo: '-', Hi: '-', To: intState(0)})
	for r := range E {
		st := &m.States[intState(r)]
		st.Edges = append(digitEdges(func(d int) int { return intState((10*r + d) % E) }), grammar.MachineEdge{Lo: '.', Hi: '.', To: fracState(r, 0)})
		st.Accept = r*pow[0]%E == 0
		for f := 0; f <= k; f++ {
			st := &m.States[fracState(r, f)]
			st.Accept = r*pow[f]%E == 0
			if f < k {
				st.Edges = digitEdges(func(d int) int { return fracState((10*r+d)%E, f+1) })
			} else {
				st.Edges = []grammar.MachineEdge{{Lo: '0', Hi: '0', To: fracState(r, k)}} // beyond k digits: zeros only
			}
		}
	}
	return m
}
