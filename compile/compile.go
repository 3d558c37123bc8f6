// Package compile lowers a grammar IR (package grammar) to a byte-level
// pushdown automaton (package automaton): one minimized DFA per rule, with
// call edges for rule references that are kept, token edges for token
// terminals, and counted-repetition rules for large bounds.
//
// The passes, in order: validate the IR; compute nullable rules; decide
// which rules to inline (non-recursive rules whose expansion is small are
// copied into their callers, so DFAs grow and the parser calls fewer
// rules); lower each kept rule's body to an NFA (Unicode classes become
// UTF-8 byte-range sequences, small repetitions are unrolled, large ones
// become counter rules); determinize, minimize and link.
//
// Conventions: g is the *grammar.Grammar, e a grammar.Expr, c the compiler.
package compile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gramc/gramc/automaton"
	"github.com/gramc/gramc/grammar"
)

// Options bound the work and size of a compilation. Zero values pick the
// defaults.
type Options struct {
	// MaxRuleStates bounds the NFA and the DFA of one rule (default 100,000).
	MaxRuleStates int
	// MaxStates bounds the states of the whole program (default 1,000,000).
	MaxStates int
	// UnrollLimit is the largest number of NFA states a bounded repetition
	// may expand to before it becomes a counted-repetition rule (default 512).
	UnrollLimit int
	// InlineLimit is the largest estimated NFA size of a rule that is
	// inlined into its callers (default 2,000).
	InlineLimit int
	// NoInline keeps every rule as its own automaton (for tests).
	NoInline bool
	// Deadline, when not zero, stops compiling with ErrTimeout once passed
	// (checked before each rule and each regular sub-automaton).
	Deadline time.Time
}

// ErrTimeout is returned (wrapped) when Options.Deadline passes.
var ErrTimeout = errors.New("compile: time limit exceeded")

// expired reports whether the deadline has passed.
func (o *Options) expired() error {
	if !o.Deadline.IsZero() && time.Now().After(o.Deadline) {
		return ErrTimeout
	}
	return nil
}

func (o *Options) defaults() {
	if o.MaxRuleStates <= 0 {
		o.MaxRuleStates = 100_000
	}
	if o.MaxStates <= 0 {
		o.MaxStates = 1_000_000
	}
	if o.UnrollLimit <= 0 {
		o.UnrollLimit = 512
	}
	if o.InlineLimit <= 0 {
		o.InlineLimit = 2000
	}
}

// TokenResolver gives token terminals their meaning: Lookup maps a token
// text such as "<|eot_id|>" to its id, Size is the number of token ids.
type TokenResolver interface {
	Lookup(text string) (int32, bool)
	Size() int
}

// ErrTooLarge is returned (wrapped) when a size limit is exceeded.
var ErrTooLarge = automaton.ErrTooLarge

// Compile lowers g to a Program. tokens may be nil when g has no token
// terminals.
func Compile(g *grammar.Grammar, tokens TokenResolver, opts Options) (*automaton.Program, error) {
	opts.defaults()
	if err := grammar.Validate(g); err != nil {
		return nil, err
	}
	c := &compiler{g: g, tokens: tokens, opts: opts, byName: map[string]int{}, tokenSet: map[string]int32{}}
	for i, r := range g.Rules {
		c.byName[r.Name] = i
	}
	c.nullable()
	c.planInlining()
	// Kept rules, root first so that it is rule 0.
	root := c.byName[g.Root]
	c.keep(root)
	for i := range g.Rules {
		if c.called[i] && !c.inline[i] {
			c.keep(i)
		}
	}
	for i := 0; i < len(c.specs); i++ { // specs grows as counter rules appear
		if err := c.opts.expired(); err != nil {
			return nil, err
		}
		if err := c.build(i); err != nil {
			return nil, err
		}
	}
	total := 0
	for _, s := range c.specs {
		total += s.DFA.Len()
	}
	if total > opts.MaxStates {
		return nil, fmt.Errorf("%w: %d automaton states, more than the limit %d", ErrTooLarge, total, opts.MaxStates)
	}
	return automaton.NewProgram(c.specs, c.sets, 0)
}

type compiler struct {
	g      *grammar.Grammar
	tokens TokenResolver
	opts   Options
	byName map[string]int

	ruleNullable []bool
	inline       []bool // rule i is copied into its callers
	called       []bool // rule i is reachable through kept call edges
	size         []int  // estimated inlined NFA size

	specs    []automaton.RuleSpec
	bodies   []grammar.Expr // body of each spec
	ruleID   map[int]int32  // grammar rule -> spec index
	sets     []automaton.TokenSet
	tokenSet map[string]int32
	permOf   map[int]bool     // spec index -> the spec is a permutation rule
	nfas     []*automaton.NFA // free NFAs (getNFA)
	permIDs  map[*grammar.Perm]int32
}

func (c *compiler) keep(rule int) int32 {
	if c.ruleID == nil {
		c.ruleID = map[int]int32{}
	}
	if id, ok := c.ruleID[rule]; ok {
		return id
	}
	id := int32(len(c.specs))
	c.ruleID[rule] = id
	r := c.g.Rules[rule]
	c.specs = append(c.specs, automaton.RuleSpec{Name: r.Name, Key: r.Key})
	c.bodies = append(c.bodies, r.Body)
	return id
}

// nullable computes which rules derive ε.
func (c *compiler) nullable() {
	c.ruleNullable = make([]bool, len(c.g.Rules))
	for changed := true; changed; {
		changed = false
		for i, r := range c.g.Rules {
			if !c.ruleNullable[i] && c.exprNullable(r.Body) {
				c.ruleNullable[i] = true
				changed = true
			}
		}
	}
}

func (c *compiler) exprNullable(e grammar.Expr) bool {
	switch e := e.(type) {
	case *grammar.Bytes:
		return len(e.B) == 0
	case *grammar.Seq:
		for _, x := range e.Items {
			if !c.exprNullable(x) {
				return false
			}
		}
		return true
	case *grammar.Alt:
		for _, x := range e.Alts {
			if c.exprNullable(x) {
				return true
			}
		}
		return false
	case *grammar.Repeat:
		return e.Min == 0 || c.exprNullable(e.X)
	case *grammar.Ref:
		return c.ruleNullable[c.byName[e.Name]]
	case *grammar.And:
		for _, x := range e.Items {
			if !c.exprNullable(x) {
				return false
			}
		}
		return len(e.Items) > 0
	case *grammar.Not:
		return c.exprNullable(e.Within) && !c.exprNullable(e.X)
	case *grammar.Machine:
		return len(e.States) > 0 && e.States[0].Accept
	case *grammar.Perm:
		if !c.exprNullable(e.Open) || !c.exprNullable(e.Close) || e.Min > 0 {
			return false
		}
		for _, r := range e.Required {
			if r {
				return false
			}
		}
		return true
	}
	return false
}

// planInlining marks non-recursive rules with a small expansion as inlined
// and computes which rules are called.
func (c *compiler) planInlining() {
	n := len(c.g.Rules)
	c.inline = make([]bool, n)
	c.called = make([]bool, n)
	c.size = make([]int, n)
	recursive := c.recursiveRules()
	// Estimated sizes, bottom-up with memoization; recursive refs count 2.
	const visiting = -1
	var est func(i int) int
	var exprSize func(e grammar.Expr) int
	exprSize = func(e grammar.Expr) int {
		switch e := e.(type) {
		case *grammar.Bytes:
			return len(e.B) + 1
		case *grammar.Class:
			return 4 * (len(e.Ranges) + 1)
		case *grammar.Token:
			return 2
		case *grammar.Seq:
			s := 1
			for _, x := range e.Items {
				s = satAdd(s, exprSize(x))
			}
			return s
		case *grammar.Alt:
			s := 2
			for _, x := range e.Alts {
				s = satAdd(s, exprSize(x))
			}
			return s
		case *grammar.Repeat:
			k := e.Max
			if k == grammar.Unbounded {
				k = max(e.Min, 1)
			}
			return satMul(exprSize(e.X)+2, k)
		case *grammar.Ref:
			i := c.byName[e.Name]
			if recursive[i] || c.opts.NoInline || c.g.Rules[i].NoInline || c.g.Rules[i].Key {
				return 2
			}
			return est(i)
		}
		return 1
	}
	est = func(i int) int {
		if c.size[i] == visiting {
			return 2
		}
		if c.size[i] > 0 {
			return c.size[i]
		}
		c.size[i] = visiting
		c.size[i] = max(exprSize(c.g.Rules[i].Body), 1)
		return c.size[i]
	}
	root := c.byName[c.g.Root]
	for i := range c.g.Rules {
		c.inline[i] = !c.opts.NoInline && !c.g.Rules[i].NoInline && !c.g.Rules[i].Key && !recursive[i] && i != root && est(i) <= c.opts.InlineLimit
	}
	// Called: reachable from the root through kept rules.
	queue := []int{root}
	c.called[root] = true
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		var visit func(e grammar.Expr)
		visit = func(e grammar.Expr) {
			grammar.Walk(e, func(x grammar.Expr) bool {
				if ref, ok := x.(*grammar.Ref); ok {
					j := c.byName[ref.Name]
					if c.inline[j] {
						visit(c.g.Rules[j].Body)
					} else if !c.called[j] {
						c.called[j] = true
						queue = append(queue, j)
					}
				}
				return true
			})
		}
		visit(c.g.Rules[i].Body)
	}
}

// recursiveRules marks rules that lie on a cycle of the reference graph.
func (c *compiler) recursiveRules() []bool {
	n := len(c.g.Rules)
	adj := make([][]int, n)
	for i, r := range c.g.Rules {
		grammar.Walk(r.Body, func(x grammar.Expr) bool {
			if ref, ok := x.(*grammar.Ref); ok {
				adj[i] = append(adj[i], c.byName[ref.Name])
			}
			return true
		})
	}
	// Tarjan's SCC, iterative.
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	rec := make([]bool, n)
	var stack []int
	next := 0
	type frame struct{ v, e int }
	for s := range n {
		if index[s] >= 0 {
			continue
		}
		call := []frame{{s, 0}}
		index[s], low[s] = next, next
		next++
		stack = append(stack, s)
		onStack[s] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.e < len(adj[f.v]) {
				w := adj[f.v][f.e]
				f.e++
				if w == f.v {
					rec[w] = true
				}
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				var comp []int
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				if len(comp) > 1 {
					for _, w := range comp {
						rec[w] = true
					}
				}
			}
		}
	}
	return rec
}

// build lowers spec i's body to a DFA.
func (c *compiler) build(i int) error {
	n := c.getNFA()
	defer c.putNFA(n)
	start, err := n.NewState()
	if err != nil {
		return err
	}
	end, err := n.NewState()
	if err != nil {
		return err
	}
	b := &builder{c: c, n: n, depth: 0}
	build := b.expr
	if perm, ok := c.bodies[i].(*grammar.Perm); ok && c.permOf[i] {
		build = func(grammar.Expr, int32, int32) error { return b.perm(perm, start, end) }
	}
	if err := build(c.bodies[i], start, end); err != nil {
		return c.wrap(i, err)
	}
	d, err := automaton.Determinize(n, start, end, c.opts.MaxRuleStates)
	if err != nil {
		return c.wrap(i, err)
	}
	m := d.Minimize(nil)
	if m == nil {
		return c.wrap(i, fmt.Errorf("the rule's language is empty"))
	}
	c.specs[i].DFA = m
	return nil
}

// getNFA returns an empty NFA, reusing the memory of one built before
// (rules are built one after another, operands of And and Not inside
// them).
func (c *compiler) getNFA() *automaton.NFA {
	if k := len(c.nfas); k > 0 {
		n := c.nfas[k-1]
		c.nfas = c.nfas[:k-1]
		n.Reset()
		return n
	}
	return automaton.NewNFA(c.opts.MaxRuleStates)
}

// putNFA gives n back once its DFA is built.
func (c *compiler) putNFA(n *automaton.NFA) { c.nfas = append(c.nfas, n) }

func (c *compiler) wrap(i int, err error) error {
	var ge *grammar.Error
	if errors.As(err, &ge) {
		return err
	}
	return fmt.Errorf("rule %q: %w", c.specs[i].Name, err)
}

type builder struct {
	c      *compiler
	n      *automaton.NFA
	depth  int
	unroll bool // building an operand of And/Not: unroll every repetition
}

// expr adds e to the NFA between states from and to.
func (b *builder) expr(e grammar.Expr, from, to int32) error {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 10_000 {
		return grammar.Errorf(e.Position(), grammar.ErrTooLarge, "expression nested too deeply")
	}
	n := b.n
	switch e := e.(type) {
	case *grammar.Bytes:
		cur := from
		for i, x := range e.B {
			next := to
			if i < len(e.B)-1 {
				var err error
				if next, err = n.NewState(); err != nil {
					return err
				}
			}
			n.Bytes(cur, next, x, x)
			cur = next
		}
		if len(e.B) == 0 {
			n.Eps(from, to)
		}
	case *grammar.Class:
		rs := grammar.ClassRanges(e)
		for _, r := range rs {
			for _, seq := range automaton.UTF8Sequences(r.Lo, r.Hi) {
				cur := from
				for i, br := range seq {
					next := to
					if i < len(seq)-1 {
						var err error
						if next, err = n.NewState(); err != nil {
							return err
						}
					}
					n.Bytes(cur, next, br.Lo, br.Hi)
					cur = next
				}
			}
		}
	case *grammar.Seq:
		cur := from
		for i, x := range e.Items {
			next := to
			if i < len(e.Items)-1 {
				var err error
				if next, err = n.NewState(); err != nil {
					return err
				}
			}
			if err := b.expr(x, cur, next); err != nil {
				return err
			}
			cur = next
		}
		if len(e.Items) == 0 {
			n.Eps(from, to)
		}
	case *grammar.Alt:
		for _, x := range e.Alts {
			// Separate entry states keep alternatives from sharing loops.
			s, err := n.NewState()
			if err != nil {
				return err
			}
			n.Eps(from, s)
			if err := b.expr(x, s, to); err != nil {
				return err
			}
		}
	case *grammar.Repeat:
		return b.repeat(e, from, to)
	case *grammar.Ref:
		i := b.c.byName[e.Name]
		if b.c.inline[i] {
			return b.expr(b.c.g.Rules[i].Body, from, to)
		}
		n.Call(from, to, b.c.keep(i))
	case *grammar.Token:
		set, err := b.c.tokenSetOf(e)
		if err != nil {
			return err
		}
		n.Token(from, to, set)
	case *grammar.Perm:
		n.Call(from, to, b.c.permRule(e))
	case *grammar.Machine:
		ids := make([]int32, len(e.States))
		for i := range ids {
			id, err := n.NewState()
			if err != nil {
				return err
			}
			ids[i] = id
		}
		n.Eps(from, ids[0])
		for i, st := range e.States {
			if st.Accept {
				n.Eps(ids[i], to)
			}
			for _, ed := range st.Edges {
				n.Bytes(ids[i], ids[ed.To], ed.Lo, ed.Hi)
			}
		}
	case *grammar.And:
		if len(e.Items) == 0 {
			return grammar.Errorf(e.Pos, grammar.ErrSyntax, "intersection of nothing")
		}
		d, err := b.regular(e.Items[0])
		if err != nil {
			return err
		}
		for _, x := range e.Items[1:] {
			d2, err := b.regular(x)
			if err != nil {
				return err
			}
			if d, err = automaton.Product(d, d2, false, func(x, y bool) bool { return x && y }, b.c.opts.MaxRuleStates); err != nil {
				return err
			}
			if d = d.Minimize(nil); d == nil {
				return nil // empty intersection: no path from -> to
			}
		}
		return b.embed(d, from, to)
	case *grammar.Not:
		within, err := b.regular(e.Within)
		if err != nil {
			return err
		}
		x, err := b.regular(e.X)
		if err != nil {
			return err
		}
		d, err := automaton.Product(within, x, true, func(w, x bool) bool { return w && !x }, b.c.opts.MaxRuleStates)
		if err != nil {
			return err
		}
		if d = d.Minimize(nil); d == nil {
			return nil
		}
		return b.embed(d, from, to)
	default:
		return fmt.Errorf("compile: unknown expression %T", e)
	}
	return nil
}

// repeat lowers X{min,max}: unrolled when small, a counter rule otherwise.
func (b *builder) repeat(e *grammar.Repeat, from, to int32) error {
	lo, hi := e.Min, e.Max
	if b.c.exprNullable(e.X) {
		lo = 0
	}
	if hi == 0 {
		b.n.Eps(from, to)
		return nil
	}
	unit := b.c.estimate(e.X) + 2
	copies := lo
	if hi != grammar.Unbounded {
		copies = hi
	}
	if copies > 1 && satMul(unit, copies) > b.c.opts.UnrollLimit && !b.unroll {
		// Counted repetition: a rule of its own whose items count iterations.
		id := int32(len(b.c.specs))
		b.c.specs = append(b.c.specs, automaton.RuleSpec{
			Name: fmt.Sprintf("%s{%d,%s}", shortName(e.X), lo, boundString(hi)), Repeat: true, Min: lo, Max: hi,
		})
		b.c.bodies = append(b.c.bodies, e.X)
		b.n.Call(from, to, id)
		if lo == 0 {
			b.n.Eps(from, to)
		}
		return nil
	}
	cur := from
	for range lo {
		next, err := b.n.NewState()
		if err != nil {
			return err
		}
		if err := b.expr(e.X, cur, next); err != nil {
			return err
		}
		cur = next
	}
	if hi == grammar.Unbounded {
		// cur --X--> cur loop, then ε to to.
		loop, err := b.n.NewState()
		if err != nil {
			return err
		}
		b.n.Eps(cur, loop)
		body, err := b.n.NewState()
		if err != nil {
			return err
		}
		if err := b.expr(e.X, loop, body); err != nil {
			return err
		}
		b.n.Eps(body, loop)
		b.n.Eps(loop, to)
		return nil
	}
	for range hi - lo {
		b.n.Eps(cur, to)
		next, err := b.n.NewState()
		if err != nil {
			return err
		}
		if err := b.expr(e.X, cur, next); err != nil {
			return err
		}
		cur = next
	}
	b.n.Eps(cur, to)
	return nil
}

// regular builds a DFA for a regular sub-expression (an operand of And or
// Not): repetitions are unrolled, inlined rules expanded, and anything
// that needs the stack (recursive rules, token terminals, permutations)
// is refused.
func (b *builder) regular(e grammar.Expr) (*automaton.DFA, error) {
	if err := b.c.opts.expired(); err != nil {
		return nil, err
	}
	n := b.c.getNFA()
	defer b.c.putNFA(n)
	start, err := n.NewState()
	if err != nil {
		return nil, err
	}
	end, err := n.NewState()
	if err != nil {
		return nil, err
	}
	sub := &builder{c: b.c, n: n, depth: b.depth, unroll: true}
	if err := sub.expr(e, start, end); err != nil {
		return nil, err
	}
	if !n.Regular() {
		return nil, grammar.Errorf(e.Position(), grammar.ErrSyntax, "an operand of an intersection or complement must be regular (no recursive rules, token terminals or permutations)")
	}
	d, err := automaton.Determinize(n, start, end, b.c.opts.MaxRuleStates)
	if err != nil {
		return nil, err
	}
	if m := d.Minimize(nil); m != nil {
		return m, nil
	}
	// The empty language: one state, no edges.
	return &automaton.DFA{Columns: 1, Trans: []int32{automaton.Dead}, Calls: [][]automaton.SymEdge{nil}, Tokens: [][]automaton.SymEdge{nil}, Accept: []bool{false}}, nil
}

// embed copies a byte-only DFA into the NFA between from and to.
func (b *builder) embed(d *automaton.DFA, from, to int32) error {
	ids := make([]int32, d.Len())
	for s := range ids {
		id, err := b.n.NewState()
		if err != nil {
			return err
		}
		ids[s] = id
	}
	b.n.Eps(from, ids[0])
	for s := range ids {
		if d.Accept[s] {
			b.n.Eps(ids[s], to)
		}
		// Maximal runs of bytes with the same target.
		for lo := 0; lo < 256; {
			t := d.Next(int32(s), byte(lo))
			hi := lo
			for hi+1 < 256 && d.Next(int32(s), byte(hi+1)) == t {
				hi++
			}
			if t != automaton.Dead {
				b.n.Bytes(ids[s], ids[t], byte(lo), byte(hi))
			}
			lo = hi + 1
		}
	}
	return nil
}

func (c *compiler) estimate(e grammar.Expr) int {
	s := 0
	grammar.Walk(e, func(x grammar.Expr) bool {
		switch x := x.(type) {
		case *grammar.Bytes:
			s = satAdd(s, len(x.B)+1)
		case *grammar.Class:
			s = satAdd(s, 4*(len(x.Ranges)+1))
		case *grammar.Ref:
			i := c.byName[x.Name]
			if c.inline[i] {
				s = satAdd(s, c.size[i])
			} else {
				s = satAdd(s, 2)
			}
		case *grammar.Repeat:
			k := x.Max
			if k == grammar.Unbounded {
				k = max(x.Min, 1)
			}
			s = satAdd(s, satMul(c.estimate(x.X)+2, k))
			return false
		default:
			s = satAdd(s, 1)
		}
		return true
	})
	return s
}

// tokenSetOf resolves a token terminal to a token set index.
func (c *compiler) tokenSetOf(e *grammar.Token) (int32, error) {
	ids := append([]int32(nil), e.IDs...)
	for _, name := range e.Names {
		if c.tokens == nil {
			return 0, grammar.Errorf(e.Pos, grammar.ErrBadToken, "token <%s> needs a vocabulary", name)
		}
		id, ok := c.tokens.Lookup(name)
		if !ok {
			return 0, grammar.Errorf(e.Pos, grammar.ErrBadToken, "the vocabulary has no token %q", name)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if c.tokens == nil {
			return 0, grammar.Errorf(e.Pos, grammar.ErrBadToken, "token <[%d]> needs a vocabulary", id)
		}
		if id < 0 || int(id) >= c.tokens.Size() {
			return 0, grammar.Errorf(e.Pos, grammar.ErrBadToken, "token id %d out of range [0,%d)", id, c.tokens.Size())
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	key := fmt.Sprint(e.Negated, ids)
	if id, ok := c.tokenSet[key]; ok {
		return id, nil
	}
	id := int32(len(c.sets))
	c.sets = append(c.sets, automaton.TokenSet{IDs: ids, Negated: e.Negated})
	c.tokenSet[key] = id
	return id, nil
}

// permRule returns the rule that matches permutation e, creating it and
// its guarded member rules on first use.
func (c *compiler) permRule(e *grammar.Perm) int32 {
	if id, ok := c.permIDs[e]; ok {
		return id
	}
	if c.permOf == nil {
		c.permOf = map[int]bool{}
		c.permIDs = map[*grammar.Perm]int32{}
	}
	id := int32(len(c.specs))
	c.permIDs[e] = id
	c.permOf[int(id)] = true
	c.specs = append(c.specs, automaton.RuleSpec{Name: fmt.Sprintf("perm@%s", e.Pos), Perm: true})
	c.bodies = append(c.bodies, e)
	return id
}

// perm builds a permutation rule's NFA: Open, then members (calls to
// guarded member rules) separated by Sep, then a call to the guarded
// closing rule.
func (b *builder) perm(e *grammar.Perm, from, to int32) error {
	c := b.c
	var required uint64
	for i, r := range e.Required {
		if r {
			required |= 1 << i
		}
	}
	guard := func(bit int, close bool) *automaton.Guard {
		return &automaton.Guard{Bit: bit, Required: required, Min: e.Min, Max: e.Max, Close: close}
	}
	member := func(name string, body grammar.Expr, g *automaton.Guard) int32 {
		id := int32(len(c.specs))
		c.specs = append(c.specs, automaton.RuleSpec{Name: name, Guard: g})
		c.bodies = append(c.bodies, body)
		return id
	}
	parent := c.specs[len(c.specs)-1].Name
	for i := range c.specs {
		if c.bodies[i] == grammar.Expr(e) {
			parent = c.specs[i].Name
		}
	}
	for _, x := range append(append([]grammar.Expr(nil), e.Items...), e.Extra) {
		if x != nil && c.exprNullable(x) {
			return grammar.Errorf(x.Position(), grammar.ErrSyntax, "a permutation member must not match the empty string")
		}
	}
	// Each member is called twice: first (right after Open) and after a
	// separator, with Sep inside the guarded rule so that a separator is
	// only allowed when another member can follow.
	var first, next []int32
	add := func(name string, x grammar.Expr, g *automaton.Guard) {
		first = append(first, member(name, x, g))
		next = append(next, member(name+".sep", &grammar.Seq{Items: []grammar.Expr{e.Sep, x}, Pos: x.Position()}, g))
	}
	for i, x := range e.Items {
		add(fmt.Sprintf("%s.%d", parent, i), x, guard(i, false))
	}
	if e.Extra != nil {
		add(parent+".extra", e.Extra, guard(-1, false))
	}
	closeRule := member(parent+".close", e.Close, guard(-1, true))
	n := b.n
	s1, err := n.NewState()
	if err != nil {
		return err
	}
	s2, err := n.NewState()
	if err != nil {
		return err
	}
	if err := b.expr(e.Open, from, s1); err != nil {
		return err
	}
	for i := range first {
		n.Call(s1, s2, first[i])
		n.Call(s2, s2, next[i])
	}
	n.Call(s1, to, closeRule)
	n.Call(s2, to, closeRule)
	return nil
}

func shortName(e grammar.Expr) string {
	s := fmt.Sprintf("%T", e)
	if r, ok := e.(*grammar.Ref); ok {
		s = r.Name
	}
	return strings.TrimPrefix(s, "*grammar.")
}

func boundString(n int) string {
	if n == grammar.Unbounded {
		return ""
	}
	return fmt.Sprint(n)
}

func satAdd(a, b int) int {
	if a+b > 1<<30 {
		return 1 << 30
	}
	return a + b
}

func satMul(a, b int) int {
	if a != 0 && b > (1<<30)/a {
		return 1 << 30
	}
	return a * b
}
