package automaton

import (
	"fmt"
	"slices"
	"strings"
)

// StateID names a state of a Program: the states of every rule's DFA are
// numbered in one space.
type StateID = int32

// Rule describes one rule of a Program.
type Rule struct {
	Name     string
	Start    StateID
	NumState int // states Start .. Start+NumState-1 belong to this rule
	// Nullable reports whether the rule derives the empty string.
	Nullable bool
	// Repeat marks a counted repetition: the rule's DFA is the body of
	// X{Min,Max}, and an item's Param counts the iterations completed
	// before the current one. Max < 0 means unbounded.
	Repeat   bool
	Min, Max int
	// Guard, when set, restricts and records calls to this rule: the rule
	// is a member (or the closing part) of a permutation, and may only be
	// entered when the caller's Param passes the guard; completing it
	// updates the caller's Param.
	Guard *Guard
	// Perm marks a permutation rule: its items' Param records the members
	// seen, so its masks depend on Param.
	Perm bool
	// Key marks a rule that matches one JSON object key of an undeclared
	// member (grammar.Rule.Key): the runtime keeps the keys such rules
	// complete distinct within each permutation instance.
	Key bool
}

// Guard is the condition on entering a member of a permutation (an
// unordered set of members with at most one of each, some required, and a
// bounded total). The caller's Param holds the members seen (bits 0..47)
// and the number of members so far (bits 48..63, saturating).
type Guard struct {
	Bit      int    // the member's bit, or -1 for repeatable or closing rules
	Required uint64 // bits of the required members
	Min, Max int    // bounds on the number of members (Max < 0: none)
	Close    bool   // the closing rule: all required seen and Min reached
}

// MaxPermMembers bounds the distinct members of one permutation.
const MaxPermMembers = 48

const permCountShift = 48

// PermCount is the number of members recorded in a permutation's Param.
func PermCount(param uint64) int { return int(param >> permCountShift) }

// Allows reports whether a caller whose Param is param may enter the rule,
// keeping the permutation completable: after this member, the required
// members still missing must fit under Max.
func (g *Guard) Allows(param uint64) bool {
	seen := param & (1<<permCountShift - 1)
	n := PermCount(param)
	if g.Close {
		return seen&g.Required == g.Required && n >= g.Min
	}
	if g.Bit >= 0 && seen&(1<<g.Bit) != 0 {
		return false
	}
	if g.Max >= 0 {
		after := seen
		if g.Bit >= 0 {
			after |= 1 << g.Bit
		}
		missing := bitsCount(g.Required &^ after)
		if n+1+missing > g.Max {
			return false
		}
	}
	return true
}

// Apply returns the caller's Param after the rule completed.
func (g *Guard) Apply(param uint64) uint64 {
	if g.Close {
		return param
	}
	if g.Bit >= 0 {
		param |= 1 << g.Bit
	}
	if PermCount(param) < 1<<(64-permCountShift)-1 {
		param += 1 << permCountShift
	}
	return param
}

func bitsCount(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// TokenSet is the label of a token edge: a sorted list of token ids, or,
// when Negated, every text token except those.
type TokenSet struct {
	IDs     []int32
	Negated bool
}

// RuleSpec is the input to NewProgram: one rule's name, minimized DFA and
// repetition bounds.
type RuleSpec struct {
	Name     string
	DFA      *DFA
	Repeat   bool
	Min, Max int
	Guard    *Guard
	Perm     bool
	Key      bool
}

// ByteSet is a set of bytes.
type ByteSet [4]uint64

// Has reports whether b is in the set.
func (s *ByteSet) Has(b byte) bool { return s[b>>6]&(1<<(b&63)) != 0 }

// Empty reports whether the set has no byte.
func (s *ByteSet) Empty() bool { return s[0]|s[1]|s[2]|s[3] == 0 }

// Add adds b.
func (s *ByteSet) Add(b byte) { s[b>>6] |= 1 << (b & 63) }

// Union adds every byte of t.
func (s *ByteSet) Union(t *ByteSet) bool {
	changed := false
	for i := range s {
		if n := s[i] | t[i]; n != s[i] {
			s[i] = n
			changed = true
		}
	}
	return changed
}

// Program is a compiled grammar: the pushdown automaton that the Earley
// Parser runs. It is immutable and safe for concurrent use.
type Program struct {
	Rules     []Rule
	Root      int32
	TokenSets []TokenSet

	// ByteClass maps each byte to its equivalence class: bytes in the same
	// class have the same transitions from every state.
	ByteClass  [256]uint8
	NumClasses int

	next       []StateID // [state*NumClasses+class]
	accept     []bool
	stateRule  []int32
	callIdx    []uint32 // calls of state s: calls[callIdx[s]:callIdx[s+1]]
	calls      []SymEdge
	tokIdx     []uint32
	tokens     []SymEdge
	firstByte  []ByteSet // bytes with a transition from the state
	nullState  []bool    // the state can reach acceptance through nullable calls alone
	follow     []ByteSet // per rule: bytes that may follow a completion (over-approximation)
	hasKeys    bool      // some rule is a Key rule
	keyContent []bool    // by state: inside a Key rule's string (InKeyString)
	keyClose   []bool    // by state: reached by the quote that closes a Key rule's string
	keyClosed  []bool    // by rule: a Key rule that is not OpenEnded (nil if none)
}

// NewProgram links rule DFAs into a Program. Rule index i is the symbol of
// call edges to it; root is the start rule.
func NewProgram(rules []RuleSpec, tokenSets []TokenSet, root int32) (*Program, error) {
	if root < 0 || int(root) >= len(rules) {
		return nil, fmt.Errorf("automaton: root rule %d out of range", root)
	}
	p := &Program{Root: root, TokenSets: tokenSets}
	total := 0
	for _, r := range rules {
		if r.DFA == nil {
			return nil, fmt.Errorf("automaton: rule %q has no DFA", r.Name)
		}
		if err := r.DFA.check(); err != nil {
			return nil, fmt.Errorf("automaton: rule %q: %w", r.Name, err)
		}
		p.Rules = append(p.Rules, Rule{Name: r.Name, Start: StateID(total), NumState: r.DFA.Len(), Repeat: r.Repeat, Min: r.Min, Max: r.Max, Guard: r.Guard, Perm: r.Perm, Key: r.Key})
		p.hasKeys = p.hasKeys || r.Key
		total += r.DFA.Len()
	}
	class, numClasses := programClasses(rules)
	p.NumClasses = numClasses
	var rep [256]int // the smallest byte of each class
	for b := 255; b >= 0; b-- {
		p.ByteClass[b] = uint8(class[b])
		rep[class[b]] = b
	}
	p.next = make([]StateID, total*numClasses)
	p.accept = make([]bool, total)
	p.stateRule = make([]int32, total)
	p.callIdx = make([]uint32, total+1)
	p.tokIdx = make([]uint32, total+1)
	p.firstByte = make([]ByteSet, total)
	for ri, r := range rules {
		base := p.Rules[ri].Start
		d := r.DFA
		colBytes := make([]ByteSet, d.Columns) // the bytes of each column
		for b := range 256 {
			colBytes[d.Class[b]].Add(byte(b))
		}
		colOf := make([]int, numClasses) // the rule's column of each class
		for c := range numClasses {
			colOf[c] = int(d.Class[rep[c]])
		}
		for s := range d.Len() {
			g := base + StateID(s)
			p.stateRule[g] = int32(ri)
			p.accept[g] = d.Accept[s]
			row := d.row(s)
			for c, t := range row {
				if t != Dead {
					p.firstByte[g].Union(&colBytes[c])
				}
			}
			out := p.next[int(g)*numClasses : int(g+1)*numClasses]
			for c, col := range colOf {
				t := row[col]
				if t != Dead {
					t += base
				}
				out[c] = t
			}
			for _, e := range r.DFA.Calls[s] {
				if e.Sym < 0 || int(e.Sym) >= len(rules) {
					return nil, fmt.Errorf("automaton: call to rule %d out of range", e.Sym)
				}
				p.calls = append(p.calls, SymEdge{e.Sym, e.To + base})
			}
			p.callIdx[g+1] = uint32(len(p.calls))
			for _, e := range r.DFA.Tokens[s] {
				if e.Sym < 0 || int(e.Sym) >= len(tokenSets) {
					return nil, fmt.Errorf("automaton: token set %d out of range", e.Sym)
				}
				p.tokens = append(p.tokens, SymEdge{e.Sym, e.To + base})
			}
			p.tokIdx[g+1] = uint32(len(p.tokens))
		}
	}
	p.analyze()
	if p.hasKeys {
		p.markKeyStrings()
	}
	return p, nil
}

// programClasses partitions the bytes into the Program's classes: bytes b
// and c share a class when every rule's DFA maps them to the same column
// (Minimize merges equal columns, so this is equality of their columns in
// every rule's table). Classes are numbered in order of their smallest
// byte. It hashes each byte's columns, then checks every byte against its
// candidate, so the result is exact.
func programClasses(rules []RuleSpec) (class [256]int32, n int) {
	var h [256]uint64
	for b := range h {
		h[b] = 14695981039346656037
	}
	for _, r := range rules {
		for b, c := range r.DFA.Class {
			h[b] = (h[b] ^ uint64(c)) * 1099511628211
		}
	}
	var cand [256]int
	for b := range 256 {
		cand[b] = b
		for r := range b {
			if h[r] == h[b] {
				cand[b] = r
				break
			}
		}
	}
	same := func(a, b int) bool {
		for _, r := range rules {
			if r.DFA.Class[a] != r.DFA.Class[b] {
				return false
			}
		}
		return true
	}
	var reps []int // the first byte of each class
	for b := range 256 {
		c := cand[b]
		if c != b && same(c, b) {
			class[b] = class[c]
			continue
		}
		// A new class, unless a hash collision hid an equal earlier one.
		class[b] = -1
		for k, r := range reps {
			if r != c && h[r] == h[b] && same(r, b) {
				class[b] = int32(k)
				break
			}
		}
		if class[b] < 0 {
			class[b] = int32(len(reps))
			reps = append(reps, b)
		}
	}
	return class, len(reps)
}

// markKeyStrings marks the states of Key rules between the opening quote
// and the closing one: reached from the start by '"', then by other bytes
// (a raw '"' cannot occur inside a JSON string).
func (p *Program) markKeyStrings() {
	p.keyContent = make([]bool, len(p.accept))
	p.keyClose = make([]bool, len(p.accept))
	for ri := range p.Rules {
		r := &p.Rules[ri]
		if !r.Key {
			continue
		}
		queue := []StateID{}
		if t := p.Next(r.Start, '"'); t != Dead {
			p.keyContent[t] = true
			queue = append(queue, t)
		}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for b := range 256 {
				if b == '"' {
					if t := p.Next(s, '"'); t != Dead {
						p.keyClose[t] = true
					}
					continue
				}
				if t := p.Next(s, byte(b)); t != Dead && !p.keyContent[t] {
					p.keyContent[t] = true
					queue = append(queue, t)
				}
			}
		}
	}
	for ri := range p.Rules {
		if p.Rules[ri].Key && !p.OpenEnded(int32(ri)) {
			if p.keyClosed == nil {
				p.keyClosed = make([]bool, len(p.Rules))
			}
			p.keyClosed[ri] = true
		}
	}
}

// analyze computes nullable rules and states and the follow byte sets.
func (p *Program) analyze() {
	n := len(p.accept)
	p.nullState = make([]bool, n)
	for changed := true; changed; {
		changed = false
		for s := range n {
			if p.nullState[s] {
				continue
			}
			ok := p.accept[s]
			for _, e := range p.Calls(StateID(s)) {
				callee := &p.Rules[e.Sym]
				if callee.Nullable && p.nullState[e.To] && (callee.Guard == nil || callee.Guard.Allows(0)) {
					ok = true
				}
			}
			if ok {
				p.nullState[s] = true
				changed = true
			}
		}
		for i := range p.Rules {
			r := &p.Rules[i]
			if !r.Nullable && (p.nullState[r.Start] || (r.Repeat && r.Min == 0)) {
				r.Nullable = true
				changed = true
			}
		}
	}
	// loose[s]: nullState ignoring guards, an over-approximation for the
	// follow sets (which must never miss a byte).
	loose := make([]bool, n)
	for changed := true; changed; {
		changed = false
		for s := range n {
			if loose[s] {
				continue
			}
			ok := p.accept[s]
			for _, e := range p.Calls(StateID(s)) {
				if (p.Rules[e.Sym].Nullable || p.Rules[e.Sym].Guard != nil) && loose[e.To] {
					ok = true
				}
			}
			if ok {
				loose[s] = true
				changed = true
			}
		}
	}
	// first[s]: bytes that can be scanned next from state s, through calls.
	first := make([]ByteSet, n)
	copy(first, p.firstByte)
	for changed := true; changed; {
		changed = false
		for s := range n {
			for _, e := range p.Calls(StateID(s)) {
				callee := &p.Rules[e.Sym]
				if first[s].Union(&first[callee.Start]) {
					changed = true
				}
				if (callee.Nullable || callee.Guard != nil) && first[s].Union(&first[e.To]) {
					changed = true
				}
			}
		}
	}
	p.follow = make([]ByteSet, len(p.Rules))
	for changed := true; changed; {
		changed = false
		for s := range n {
			caller := p.stateRule[s]
			for _, e := range p.Calls(StateID(s)) {
				if p.follow[e.Sym].Union(&first[e.To]) {
					changed = true
				}
				if loose[e.To] && p.follow[e.Sym].Union(&p.follow[caller]) {
					changed = true
				}
			}
		}
	}
}

// NumStates is the number of states.
func (p *Program) NumStates() int { return len(p.accept) }

// Next returns the state after byte b from state s, or Dead.
func (p *Program) Next(s StateID, b byte) StateID {
	return p.next[int(s)*p.NumClasses+int(p.ByteClass[b])]
}

// HasKeys reports whether some rule is a Key rule (whose completions the
// runtime keeps distinct).
func (p *Program) HasKeys() bool { return p.hasKeys }

// Accepting reports whether s is an accepting state of its rule's DFA.
func (p *Program) Accepting(s StateID) bool { return p.accept[s] }

// RuleOf returns the rule that state s belongs to.
func (p *Program) RuleOf(s StateID) int32 { return p.stateRule[s] }

// Calls returns the call edges leaving s.
func (p *Program) Calls(s StateID) []SymEdge { return p.calls[p.callIdx[s]:p.callIdx[s+1]] }

// Tokens returns the token edges leaving s.
func (p *Program) Tokens(s StateID) []SymEdge { return p.tokens[p.tokIdx[s]:p.tokIdx[s+1]] }

// FirstBytes returns the bytes with a transition leaving s (not through calls).
func (p *Program) FirstBytes(s StateID) *ByteSet { return &p.firstByte[s] }

// Follow returns an over-approximation of the bytes that can come right
// after rule r completes, in any context.
func (p *Program) Follow(r int32) *ByteSet { return &p.follow[r] }

// String dumps the program for debugging and golden tests.
func (p *Program) String() string {
	var b strings.Builder
	for ri, r := range p.Rules {
		fmt.Fprintf(&b, "rule %d %s start=%d states=%d nullable=%v", ri, r.Name, r.Start, r.NumState, r.Nullable)
		if r.Repeat {
			fmt.Fprintf(&b, " repeat{%d,%d}", r.Min, r.Max)
		}
		b.WriteByte('\n')
		for s := r.Start; s < r.Start+StateID(r.NumState); s++ {
			fmt.Fprintf(&b, "  %d", s)
			if p.accept[s] {
				b.WriteString(" accept")
			}
			// Byte edges as ranges per target.
			lo := -1
			var tgt StateID = Dead
			flush := func(hi int) {
				if lo >= 0 && tgt != Dead {
					if lo == hi {
						fmt.Fprintf(&b, " %q->%d", rune(lo), tgt)
					} else {
						fmt.Fprintf(&b, " %q-%q->%d", rune(lo), rune(hi), tgt)
					}
				}
			}
			for c := 0; c <= 256; c++ {
				var t StateID = Dead
				if c < 256 {
					t = p.Next(s, byte(c))
				}
				if c == 256 || t != tgt {
					flush(c - 1)
					lo, tgt = c, t
				}
			}
			for _, e := range p.Calls(s) {
				fmt.Fprintf(&b, " call(%s)->%d", p.Rules[e.Sym].Name, e.To)
			}
			for _, e := range p.Tokens(s) {
				fmt.Fprintf(&b, " token(%d)->%d", e.Sym, e.To)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// OpenEnded reports whether every prefix of rule ri's language can be
// completed in infinitely many ways: from each state of the rule's DFA
// that can still reach acceptance, a cycle of such states is reachable.
// It looks at the rule's own bytes only and answers false for a rule with
// call or token edges. For a Key rule it looks at the key's string only:
// its states (InKeyString) with the closing quote as acceptance, and call
// or token edges there. The runtime relies on it for Key rules: a finite
// set of keys seen can never exhaust an open-ended key language, so
// refusing a repeated key never leaves a dead end.
func (p *Program) OpenEnded(ri int32) bool {
	r := &p.Rules[ri]
	lo, n := int(r.Start), r.NumState
	// in: the states considered; final: their acceptance.
	in := func(s int) bool { return true }
	final := func(s int) bool { return p.accept[lo+s] }
	if r.Key {
		in = func(s int) bool { return p.keyContent[lo+s] }
		final = func(s int) bool { return p.Next(StateID(lo+s), '"') != Dead }
	}
	succ := make([][]int32, n) // distinct successors within in, local indices
	pred := make([][]int32, n)
	for s := range n {
		g := StateID(lo + s)
		if !in(s) {
			continue
		}
		if len(p.Calls(g)) > 0 || len(p.Tokens(g)) > 0 {
			return false
		}
		for b := range 256 {
			t := p.Next(g, byte(b))
			if t == Dead || (r.Key && b == '"') {
				continue
			}
			l := int32(int(t) - lo)
			if in(int(l)) && !slices.Contains(succ[s], l) {
				succ[s] = append(succ[s], l)
				pred[l] = append(pred[l], int32(s))
			}
		}
	}
	// Live: the states that reach acceptance.
	live := make([]bool, n)
	var queue []int32
	for s := range n {
		if in(s) && final(s) {
			live[s] = true
			queue = append(queue, int32(s))
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, q := range pred[s] {
			if !live[q] {
				live[q] = true
				queue = append(queue, q)
			}
		}
	}
	// A walk through live states never has to stop, so it reaches a cycle
	// of live states, unless some live state has no live successor (its
	// only completion is ε).
	for s := range n {
		if !live[s] {
			continue
		}
		if !slices.ContainsFunc(succ[s], func(t int32) bool { return live[t] }) {
			return false
		}
	}
	return true
}

// CountKeys counts the distinct keys that rule ri spells as JSON string
// contents, each counted by its canonical encoding (characters raw except
// '"', '\' and controls; \b \f \n \r \t for those five controls, \u00xx
// in lower case for the others), up to limit. finite is false when there
// are infinitely many. Keys with a lone surrogate are not counted. It
// answers (0, false) for a rule with call or token edges.
func (p *Program) CountKeys(ri int32, limit int) (n int, finite bool) {
	r := &p.Rules[ri]
	for s := range r.NumState {
		g := r.Start + StateID(s)
		if len(p.Calls(g)) > 0 || len(p.Tokens(g)) > 0 {
			return 0, false
		}
	}
	// The canonical encodings: c = 0 between characters, 1 after '\',
	// 2 after \u, 3 after \u0, 4 after \u00, 5 after \u000, 6 after \u001.
	canon := func(c int, b byte) int {
		switch c {
		case 0:
			switch {
			case b == '\\':
				return 1
			case b == '"' || b < 0x20:
				return -1
			}
			return 0
		case 1:
			switch b {
			case '"', '\\', 'b', 'f', 'n', 'r', 't':
				return 0
			case 'u':
				return 2
			}
		case 2, 3:
			if b == '0' {
				return c + 1
			}
		case 4:
			if b == '0' || b == '1' {
				return 5 + int(b-'0')
			}
		case 5:
			if b >= '0' && b <= '7' || b == 'b' || b == 'e' || b == 'f' {
				return 0
			}
		case 6:
			if b >= '0' && b <= '9' || b >= 'a' && b <= 'f' {
				return 0
			}
		}
		return -1
	}
	type node struct{ q, c int }
	memo := map[node]int{}
	const onStack = -1
	var count func(q StateID, c int) (int, bool)
	count = func(q StateID, c int) (int, bool) {
		k := node{int(q), c}
		if v, ok := memo[k]; ok {
			if v == onStack {
				return 0, false // a cycle: infinitely many (every state is live)
			}
			return v, true
		}
		memo[k] = onStack
		total := 0
		if p.accept[q] && c == 0 {
			total = 1
		}
		for b := range 256 {
			t := p.Next(q, byte(b))
			if t == Dead {
				continue
			}
			c2 := canon(c, byte(b))
			if c2 < 0 {
				continue
			}
			m, ok := count(t, c2)
			if !ok {
				return 0, false
			}
			total = min(total+m, limit)
		}
		memo[k] = total
		return total, true
	}
	return count(r.Start, 0)
}
