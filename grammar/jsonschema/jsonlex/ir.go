package jsonlex

import "github.com/gramc/gramc/grammar"

// Small constructors for the IR that simplify as they go: ε and ∅ are
// folded away, nested sequences and alternations are flattened and
// adjacent byte literals merged. They never modify their arguments, so
// sub-expressions may be shared between several parents.

// none is the empty language: an alternation of nothing.
func none() grammar.Expr { return &grammar.Alt{} }

// eps is the language of the empty string.
func eps() grammar.Expr { return &grammar.Bytes{} }

func isNone(e grammar.Expr) bool {
	switch e := e.(type) {
	case nil:
		return true
	case *grammar.Alt:
		return len(e.Alts) == 0
	case *grammar.Class:
		return grammar.ClassEmpty(e)
	}
	return false
}

func isEps(e grammar.Expr) bool {
	switch e := e.(type) {
	case *grammar.Bytes:
		return len(e.B) == 0
	case *grammar.Seq:
		return len(e.Items) == 0
	}
	return false
}

func lit(s string) grammar.Expr { return &grammar.Bytes{B: []byte(s)} }

// byteClass matches one of the given ASCII bytes.
func byteClass(bs ...byte) grammar.Expr {
	if len(bs) == 1 {
		return lit(string(bs[0]))
	}
	c := &grammar.Class{}
	for _, b := range bs {
		c.Ranges = append(c.Ranges, grammar.Range{Lo: rune(b), Hi: rune(b)})
	}
	c.Ranges = grammar.NormalizeRanges(c.Ranges)
	return c
}

// digits matches one decimal digit in [lo, hi] (∅ when lo > hi).
func digits(lo, hi int) grammar.Expr {
	switch {
	case lo > hi:
		return none()
	case lo == hi:
		return lit(string(rune('0' + lo)))
	}
	return &grammar.Class{Ranges: []grammar.Range{{Lo: rune('0' + lo), Hi: rune('0' + hi)}}}
}

func digit() grammar.Expr { return digits(0, 9) }

func seq(xs ...grammar.Expr) grammar.Expr {
	var items []grammar.Expr
	for _, x := range xs {
		if isNone(x) {
			return none()
		}
		if isEps(x) {
			continue
		}
		var sub []grammar.Expr
		if s, ok := x.(*grammar.Seq); ok {
			sub = s.Items
		} else {
			sub = []grammar.Expr{x}
		}
		for _, y := range sub {
			if b, ok := y.(*grammar.Bytes); ok && len(items) > 0 {
				if pb, ok := items[len(items)-1].(*grammar.Bytes); ok {
					merged := append(append([]byte(nil), pb.B...), b.B...)
					items[len(items)-1] = &grammar.Bytes{B: merged}
					continue
				}
			}
			items = append(items, y)
		}
	}
	switch len(items) {
	case 0:
		return eps()
	case 1:
		return items[0]
	}
	return &grammar.Seq{Items: items}
}

func alt(xs ...grammar.Expr) grammar.Expr {
	var alts []grammar.Expr
	for _, x := range xs {
		if isNone(x) {
			continue
		}
		if a, ok := x.(*grammar.Alt); ok {
			alts = append(alts, a.Alts...)
			continue
		}
		alts = append(alts, x)
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return &grammar.Alt{Alts: alts}
}

func rep(x grammar.Expr, lo, hi int) grammar.Expr {
	switch {
	case hi == 0 || isEps(x):
		return eps()
	case isNone(x):
		if lo == 0 {
			return eps()
		}
		return none()
	case lo == 1 && hi == 1:
		return x
	}
	return &grammar.Repeat{X: x, Min: lo, Max: hi}
}

func opt(x grammar.Expr) grammar.Expr {
	if isNone(x) || isEps(x) {
		return eps()
	}
	return rep(x, 0, 1)
}

func star(x grammar.Expr) grammar.Expr { return rep(x, 0, grammar.Unbounded) }
func plus(x grammar.Expr) grammar.Expr { return rep(x, 1, grammar.Unbounded) }

// and intersects regular expressions (grammar.And), dropping duplicates of
// nothing; one item is returned as is.
func and(xs ...grammar.Expr) grammar.Expr {
	var items []grammar.Expr
	for _, x := range xs {
		if isNone(x) {
			return none()
		}
		items = append(items, x)
	}
	if len(items) == 1 {
		return items[0]
	}
	return &grammar.And{Items: items}
}

// treeSize counts the expression nodes of e as the compiler sees them:
// a sub-expression shared by several parents counts once per use (the
// count is computed with memoization, so it is cheap even when large).
func treeSize(e grammar.Expr) int {
	memo := map[grammar.Expr]int{}
	var size func(e grammar.Expr) int
	size = func(e grammar.Expr) int {
		if n, ok := memo[e]; ok {
			return n
		}
		n := 1
		add := func(x grammar.Expr) {
			n += size(x)
			if n > 1<<40 {
				n = 1 << 40
			}
		}
		switch e := e.(type) {
		case *grammar.Seq:
			for _, x := range e.Items {
				add(x)
			}
		case *grammar.Alt:
			for _, x := range e.Alts {
				add(x)
			}
		case *grammar.Repeat:
			add(e.X)
		case *grammar.And:
			for _, x := range e.Items {
				add(x)
			}
		case *grammar.Not:
			add(e.X)
			add(e.Within)
		}
		memo[e] = n
		return n
	}
	return size(e)
}
