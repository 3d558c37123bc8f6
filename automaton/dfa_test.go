package automaton

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// accepts runs d over s (byte edges only).
func (d *DFA) accepts(s []byte) bool {
	q := int32(0)
	for _, b := range s {
		if q = d.Next(q, b); q == Dead {
			return false
		}
	}
	return d.Accept[q]
}

// nfaAccepts runs n over s by sets of states (byte and ε edges only).
func nfaAccepts(n *NFA, start, accept int32, s []byte) bool {
	closure := func(set map[int32]bool) map[int32]bool {
		stack := []int32{}
		for q := range set {
			stack = append(stack, q)
		}
		for len(stack) > 0 {
			q := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, t := range n.states[q].eps {
				if !set[t] {
					set[t] = true
					stack = append(stack, t)
				}
			}
		}
		return set
	}
	cur := closure(map[int32]bool{start: true})
	for _, b := range s {
		next := map[int32]bool{}
		for q := range cur {
			for _, e := range n.states[q].bytes {
				if e.lo <= b && b <= e.hi {
					next[e.to] = true
				}
			}
		}
		cur = closure(next)
	}
	return cur[accept]
}

// TestDeterminizeColumns: random NFAs over overlapping byte ranges,
// determinized over their byte columns and minimized, accept exactly the
// strings the NFA accepts; every table has its shape, and the minimal
// DFA's columns are distinct.
func TestDeterminizeColumns(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	alphabet := []byte("abcdxyz\x00\xff0")
	for trial := range 400 {
		n := NewNFA(0)
		size := 2 + r.IntN(8)
		for range size {
			n.NewState()
		}
		for range r.IntN(3 * size) {
			from, to := int32(r.IntN(size)), int32(r.IntN(size))
			if r.IntN(4) == 0 {
				n.Eps(from, to)
				continue
			}
			lo := alphabet[r.IntN(len(alphabet))]
			hi := lo
			if r.IntN(2) == 0 {
				hi = alphabet[r.IntN(len(alphabet))]
			}
			if lo > hi {
				lo, hi = hi, lo
			}
			n.Bytes(from, to, lo, hi)
		}
		d, err := Determinize(n, 0, 1, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.check(); err != nil {
			t.Fatalf("trial %d: determinized: %v", trial, err)
		}
		m := d.Minimize(nil)
		if m != nil {
			if err := m.check(); err != nil {
				t.Fatalf("trial %d: minimized: %v", trial, err)
			}
			if _, k := columnClasses(m.Trans, m.Columns, m.columnsByFirstByte()); k != m.Columns {
				t.Fatalf("trial %d: %d columns, %d distinct", trial, m.Columns, k)
			}
		}
		for range 200 {
			s := make([]byte, r.IntN(6))
			for i := range s {
				s[i] = alphabet[r.IntN(len(alphabet))]
				if r.IntN(5) == 0 {
					s[i] = byte(r.IntN(256))
				}
			}
			want := nfaAccepts(n, 0, 1, s)
			if got := d.accepts(s); got != want {
				t.Fatalf("trial %d: %q: DFA %v, NFA %v", trial, s, got, want)
			}
			if got := m != nil && m.accepts(s); got != want {
				t.Fatalf("trial %d: %q: minimal DFA %v, NFA %v", trial, s, got, want)
			}
		}
	}
}

// TestNewProgramChecksDFAs: a DFA whose table does not have its shape is
// an error, not a panic or a wrong Program.
func TestNewProgramChecksDFAs(t *testing.T) {
	good := func() *DFA {
		return &DFA{Columns: 1, Trans: []int32{Dead}, Calls: [][]SymEdge{nil}, Tokens: [][]SymEdge{nil}, Accept: []bool{true}}
	}
	for name, bad := range map[string]func(d *DFA){
		"no columns":      func(d *DFA) { d.Columns = 0 },
		"short table":     func(d *DFA) { d.Columns = 2 },
		"byte off table":  func(d *DFA) { d.Class['a'] = 3 },
		"target off":      func(d *DFA) { d.Trans[0] = 5 },
		"call target off": func(d *DFA) { d.Calls[0] = []SymEdge{{0, 9}} },
		"no states": func(d *DFA) {
			d.Trans, d.Calls, d.Tokens, d.Accept = nil, nil, nil, nil
		},
	} {
		if _, err := NewProgram([]RuleSpec{{Name: "r", DFA: good()}}, nil, 0); err != nil {
			t.Fatalf("good DFA: %v", err)
		}
		d := good()
		bad(d)
		_, err := NewProgram([]RuleSpec{{Name: "r", DFA: d}}, nil, 0)
		if err == nil || !strings.Contains(err.Error(), "DFA") {
			t.Errorf("%s: err %v", name, err)
		}
	}
}
