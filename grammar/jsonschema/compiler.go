package jsonschema

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gramc/gramc/grammar"
)

// compiler turns library schemas into grammar rules.
type compiler struct {
	opts    Options
	loader  *mapLoader
	lc      *sjs.Compiler
	rootURL string
	rootDoc string
	root    *sjs.Schema
	all     []*sjs.Schema

	orders map[string]keyOrders
	ids    map[string]map[string]bool
	csets  map[string]*cset

	ws        grammar.Expr // whitespace between tokens; nil when compact
	rules     []*grammar.Rule
	ruleOf    map[string]string // cset key -> rule name
	nameCount map[string]int

	triv      map[string]tri
	trivBsy   map[string]bool
	rx        map[string]rxl
	rxBusy    map[string]bool
	pats      map[string]grammar.Expr
	empty     map[grammar.Expr]bool
	keyShapes map[grammar.Expr]keyShape

	fmtVocab map[string]bool

	// The rule sets of the call formats (callFormats: time, date-time,
	// hostname, email) that the schema's formats use; when such a
	// language ended up where it must be one automaton (an intersection
	// or complement: see formatRulesInBoolean), Compile starts again with
	// flatFormats, which refuses those formats (or, when lenient, takes
	// their subsets).
	fmtSets     map[string]bool
	flatFormats bool

	approx []Approximation
}

func newCompiler(opts Options, lc *sjs.Compiler, loader *mapLoader, loc string) *compiler {
	if opts.MaxRules <= 0 {
		opts.MaxRules = 20_000
	}
	doc, _ := splitLocation(loc)
	c := &compiler{
		opts: opts, lc: lc, loader: loader, rootURL: loc, rootDoc: doc,
		orders: map[string]keyOrders{}, ids: map[string]map[string]bool{}, csets: map[string]*cset{},
		ruleOf: map[string]string{}, nameCount: map[string]int{},
		triv: map[string]tri{}, trivBsy: map[string]bool{}, rx: map[string]rxl{}, rxBusy: map[string]bool{},
		pats: map[string]grammar.Expr{}, empty: map[grammar.Expr]bool{}, keyShapes: map[grammar.Expr]keyShape{}, fmtVocab: map[string]bool{},
		fmtSets: map[string]bool{},
	}
	wsChar := &grammar.Class{Ranges: []grammar.Range{{Lo: ' ', Hi: ' '}, {Lo: '\t', Hi: '\t'}, {Lo: '\n', Hi: '\n'}, {Lo: '\r', Hi: '\r'}}}
	switch opts.Whitespace {
	case Flexible:
		c.ws = &grammar.Repeat{X: wsChar, Min: 0, Max: grammar.Unbounded}
	case Bounded:
		n := opts.MaxWhitespace
		if n <= 0 {
			n = DefaultMaxWhitespace
		}
		c.ws = &grammar.Repeat{X: wsChar, Min: 0, Max: n}
	}
	return c
}

// unsupported returns an *UnsupportedError for keyword kw of s, or nil in
// Lenient mode after recording the approximation (the caller then drops
// or weakens the keyword).
func (c *compiler) unsupported(s *sjs.Schema, kw, reason string) error {
	ptr := ""
	if s != nil {
		ptr = c.pointer(s, kw)
	}
	if c.opts.Lenient {
		c.approx = append(c.approx, Approximation{Keyword: kw, Pointer: ptr, Reason: reason})
		return nil
	}
	return &UnsupportedError{Keyword: kw, Pointer: ptr, Reason: reason}
}

// strict is unsupported for places that have no lenient fallback.
func (c *compiler) strict(s *sjs.Schema, kw, reason string) error {
	ptr := ""
	if s != nil {
		ptr = c.pointer(s, kw)
	}
	return &UnsupportedError{Keyword: kw, Pointer: ptr, Reason: reason}
}

func (c *compiler) compileRoot(root *sjs.Schema) (*grammar.Grammar, error) {
	c.root = root
	cs, err := c.flat1(root)
	if err != nil {
		return nil, err
	}
	name, err := c.valueRule(cs)
	if err != nil {
		return nil, err
	}
	body := grammar.Expr(&grammar.Ref{Name: name})
	if c.ws != nil {
		body = seq(c.ws, body, c.ws)
	}
	c.rules = append([]*grammar.Rule{{Name: "root", Body: body}}, c.rules...)
	if len(c.fmtSets) > 0 {
		if formatRulesInBoolean(c.rules) {
			return nil, errFlatFormats
		}
		c.rules = append(c.rules, formatRules(c.fmtSets)...)
	}
	g := &grammar.Grammar{Root: "root", Rules: c.rules}
	if err := prune(g); err != nil {
		return nil, err
	}
	return g, nil
}

// valueRule returns the rule of the JSON values in cs's language.
func (c *compiler) valueRule(cs *cset) (string, error) {
	if name, ok := c.ruleOf[cs.key]; ok {
		return name, nil
	}
	if len(c.rules) >= c.opts.MaxRules {
		return "", fmt.Errorf("jsonschema: %w: more than %d grammar rules", errTooLarge, c.opts.MaxRules)
	}
	name := c.ruleName(cs)
	c.ruleOf[cs.key] = name
	r := &grammar.Rule{Name: name}
	c.rules = append(c.rules, r)
	body, err := c.valueExpr(cs)
	if err != nil {
		return "", err
	}
	r.Body = body
	return name, nil
}

var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9]+`)

// ruleName derives a readable, unique rule name from cs's first leaf.
func (c *compiler) ruleName(cs *cset) string {
	base := "value"
	if len(cs.leaves) > 0 {
		_, ptr := splitLocation(cs.leaves[0].Location)
		toks := strings.Split(strings.Trim(ptr, "/"), "/")
		if len(toks) > 2 {
			toks = toks[len(toks)-2:]
		}
		if b := strings.Trim(nameUnsafe.ReplaceAllString(strings.Join(toks, "-"), "-"), "-"); b != "" {
			base = b
		}
		if len(base) > 40 {
			base = base[:40]
		}
	} else if cs.isFalse {
		base = "false"
	} else {
		base = "any"
	}
	base = "s-" + base
	n := c.nameCount[base]
	c.nameCount[base] = n + 1
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s-%d", base, n+1)
}

// valueExpr is the alternation over the JSON types of cs's language.
func (c *compiler) valueExpr(cs *cset) (grammar.Expr, error) {
	if cs.isFalse {
		return &grammar.Alt{}, nil
	}
	var alts []grammar.Expr
	if ev := c.enumValues(cs); ev != nil {
		vals, err := c.filterEnum(cs, ev)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			e, err := c.valueText(v)
			if err != nil {
				return nil, c.enumError(cs, err)
			}
			alts = append(alts, e)
		}
		return alt(alts...), nil
	}
	for t := tNull; t < nTypes; t++ {
		var e grammar.Expr
		var err error
		switch t {
		case tNull, tBool, tNum, tStr:
			var r rxl
			r, err = c.scalar(cs, t)
			if err == nil && r.kind != triNone {
				var isEmpty bool
				if isEmpty, err = c.regularEmpty(r.e); err == nil && !isEmpty {
					e = r.e
					if t == tStr {
						e = lexQuoted(e)
					}
				}
			}
		case tArr, tObj:
			e, err = c.structured(cs, t)
		}
		if err != nil {
			return nil, err
		}
		if e != nil {
			alts = append(alts, e)
		}
	}
	return alt(alts...), nil
}

// enumValues returns the candidate values of cs when some leaf has enum
// or const (the language is then finite), else nil.
func (c *compiler) enumValues(cs *cset) []any {
	for _, l := range cs.leaves {
		if l.Const != nil {
			return []any{*l.Const}
		}
		if l.Enum != nil {
			if len(l.Enum.Values) == 0 {
				return []any{}
			}
			return l.Enum.Values
		}
	}
	return nil
}

// filterEnum keeps the candidates that every leaf of cs accepts and every
// neg rejects (the validator decides, so every keyword and combinator is
// honored) and that satisfy cs's other constraints.
func (c *compiler) filterEnum(cs *cset, vals []any) ([]any, error) {
	out := []any{}
	seen := map[string]bool{}
	for _, v := range vals {
		if !c.satisfies(cs, v) {
			continue
		}
		key := canonical(v)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, v)
	}
	return out, nil
}

// satisfies decides whether value v is in cs's language.
func (c *compiler) satisfies(cs *cset, v any) bool {
	if cs.isFalse {
		return false
	}
	for _, l := range cs.leaves {
		if l.Validate(v) != nil {
			return false
		}
	}
	for _, n := range cs.negs {
		if n.Validate(v) == nil {
			return false
		}
	}
	failsAll := func(ns []*sjs.Schema, x any) bool {
		for _, n := range ns {
			if n.Validate(x) == nil {
				return false
			}
		}
		return true
	}
	count := -1
	switch v := v.(type) {
	case map[string]any:
		count = len(v)
		for _, k := range cs.require {
			if _, has := v[k]; !has {
				return false
			}
		}
		for _, k := range cs.forbid {
			if _, has := v[k]; has {
				return false
			}
		}
		for k, ns := range cs.keyNegs {
			if x, has := v[k]; has && !failsAll(ns, x) {
				return false
			}
		}
	case []any:
		count = len(v)
		for i, x := range v {
			if !failsAll(cs.posNegs[i], x) || !failsAll(cs.itemNegs, x) {
				return false
			}
		}
	}
	if count >= 0 && (count < cs.cmin || (cs.cmax != grammar.Unbounded && count > cs.cmax)) {
		return false
	}
	return true
}

// errTooLarge wraps grammar-size problems.
var errTooLarge = errors.New("grammar too large")

// helpers to build expressions

func seq(items ...grammar.Expr) grammar.Expr {
	var out []grammar.Expr
	for _, x := range items {
		if x == nil {
			continue
		}
		if s, ok := x.(*grammar.Seq); ok && len(s.Items) == 0 {
			continue
		}
		out = append(out, x)
	}
	if len(out) == 1 {
		return out[0]
	}
	return &grammar.Seq{Items: out}
}

func alt(alts ...grammar.Expr) grammar.Expr {
	var out []grammar.Expr
	for _, x := range alts {
		if x == nil {
			continue
		}
		if a, ok := x.(*grammar.Alt); ok {
			out = append(out, a.Alts...)
			continue
		}
		out = append(out, x)
	}
	if len(out) == 1 {
		return out[0]
	}
	return &grammar.Alt{Alts: out}
}

// enumError reports a value of enum or const that cannot be compiled.
func (c *compiler) enumError(cs *cset, err error) error {
	for _, l := range cs.leaves {
		if l.Const != nil {
			return c.strict(l, "const", err.Error())
		}
		if l.Enum != nil {
			return c.strict(l, "enum", err.Error())
		}
	}
	return err
}
