package grammar

import "bytes"

// Clone returns a deep copy of e: front ends that embed or rename another
// grammar's rules copy its expressions so the original stays untouched.
func Clone(e Expr) Expr {
	list := func(xs []Expr) []Expr {
		if xs == nil {
			return nil
		}
		out := make([]Expr, len(xs))
		for i, x := range xs {
			out[i] = Clone(x)
		}
		return out
	}
	switch e := e.(type) {
	case nil:
		return nil
	case *Bytes:
		c := *e
		c.B = bytes.Clone(e.B)
		return &c
	case *Class:
		c := *e
		c.Ranges = append([]Range(nil), e.Ranges...)
		return &c
	case *Seq:
		c := *e
		c.Items = list(e.Items)
		return &c
	case *Alt:
		c := *e
		c.Alts = list(e.Alts)
		return &c
	case *Repeat:
		c := *e
		c.X = Clone(e.X)
		return &c
	case *Ref:
		c := *e
		return &c
	case *Token:
		c := *e
		c.IDs = append([]int32(nil), e.IDs...)
		c.Names = append([]string(nil), e.Names...)
		return &c
	case *Perm:
		c := *e
		c.Open, c.Sep, c.Close, c.Extra = Clone(e.Open), Clone(e.Sep), Clone(e.Close), Clone(e.Extra)
		c.Items = list(e.Items)
		c.Required = append([]bool(nil), e.Required...)
		return &c
	case *And:
		c := *e
		c.Items = list(e.Items)
		return &c
	case *Not:
		c := *e
		c.X, c.Within = Clone(e.X), Clone(e.Within)
		return &c
	case *Machine:
		c := *e
		c.States = make([]MachineState, len(e.States))
		for i, st := range e.States {
			c.States[i] = MachineState{Edges: append([]MachineEdge(nil), st.Edges...), Accept: st.Accept}
		}
		return &c
	}
	return e
}
