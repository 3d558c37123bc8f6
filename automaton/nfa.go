package automaton

import (
	"errors"
	"fmt"
)

// ErrTooLarge is returned when an automaton would exceed a size limit.
var ErrTooLarge = errors.New("automaton too large")

// NFA is a nondeterministic automaton for one rule body, built by Thompson
// construction. Besides ε and byte-range edges it has call edges (enter
// another rule and come back) and token edges (one whole token from a token
// set): package compile emits those for rule references and token
// terminals.
type NFA struct {
	states   []nstate
	maxState int
}

type nstate struct {
	eps    []int32
	bytes  []byteEdge
	calls  []SymEdge
	tokens []SymEdge
}

type byteEdge struct {
	lo, hi byte
	to     int32
}

// SymEdge is an edge labelled with a symbol: a rule (for calls) or a token
// set index (for token edges).
type SymEdge struct {
	Sym int32
	To  int32
}

// NewNFA returns an empty NFA that refuses to grow beyond maxStates states
// (0 means the default limit, 1<<20).
func NewNFA(maxStates int) *NFA {
	if maxStates <= 0 {
		maxStates = 1 << 20
	}
	return &NFA{maxState: maxStates}
}

// NewState adds a state and returns its index, or an error when the size
// limit is reached.
func (n *NFA) NewState() (int32, error) {
	k := len(n.states)
	if k >= n.maxState {
		return 0, fmt.Errorf("%w: NFA exceeds %d states", ErrTooLarge, n.maxState)
	}
	if k < cap(n.states) {
		// A state of an earlier use (Reset): keep its edges' memory.
		n.states = n.states[:k+1]
		st := &n.states[k]
		st.eps, st.bytes, st.calls, st.tokens = st.eps[:0], st.bytes[:0], st.calls[:0], st.tokens[:0]
	} else {
		n.states = append(n.states, nstate{})
	}
	return int32(k), nil
}

// Reset empties n for another automaton with the same state limit,
// keeping its memory.
func (n *NFA) Reset() { n.states = n.states[:0] }

// Len is the number of states.
func (n *NFA) Len() int { return len(n.states) }

// Eps adds an ε edge.
func (n *NFA) Eps(from, to int32) { n.states[from].eps = append(n.states[from].eps, to) }

// Bytes adds an edge on any byte in [lo, hi].
func (n *NFA) Bytes(from, to int32, lo, hi byte) {
	n.states[from].bytes = append(n.states[from].bytes, byteEdge{lo, hi, to})
}

// Call adds an edge that matches one derivation of rule.
func (n *NFA) Call(from, to int32, rule int32) {
	n.states[from].calls = append(n.states[from].calls, SymEdge{rule, to})
}

// Token adds an edge that matches one token of token set set.
func (n *NFA) Token(from, to int32, set int32) {
	n.states[from].tokens = append(n.states[from].tokens, SymEdge{set, to})
}

// Regular reports whether the NFA has only ε and byte edges (no calls or
// token edges), so that its language is regular and closed under product
// constructions.
func (n *NFA) Regular() bool {
	for i := range n.states {
		if len(n.states[i].calls) > 0 || len(n.states[i].tokens) > 0 {
			return false
		}
	}
	return true
}
