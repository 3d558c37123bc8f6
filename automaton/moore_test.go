package automaton

import "encoding/binary"

// mooreClasses is the previous minimization (Moore's rounds of signature
// refinement), kept as the reference for equivalence: it returns the
// class of every state and the number of classes.
func (d *DFA) mooreClasses() ([]int32, int) {
	n := d.Len()
	// Byte classes local to this DFA: bytes with equal columns.
	var bclass [256]int32
	nb := 1
	for st := range n {
		m := map[[2]int32]int32{}
		var nc [256]int32
		for b := range 256 {
			k := [2]int32{bclass[b], d.Next(int32(st), byte(b))}
			id, ok := m[k]
			if !ok {
				id = int32(len(m))
				m[k] = id
			}
			nc[b] = id
		}
		bclass, nb = nc, len(m)
	}
	reps := make([]int, nb) // one byte per class
	for b := 255; b >= 0; b-- {
		reps[bclass[b]] = b
	}
	class := make([]int32, n)
	for s := range n {
		if d.Accept[s] {
			class[s] = 1
		}
	}
	numClasses := 0
	sig := make([]byte, 0, 4*(nb+8))
	for {
		sigs := map[string]int32{}
		next := make([]int32, n)
		for s := range n {
			sig = binary.LittleEndian.AppendUint32(sig[:0], uint32(class[s]))
			for _, b := range reps {
				t := d.Next(int32(s), byte(b))
				if t != Dead {
					t = class[t]
				}
				sig = binary.LittleEndian.AppendUint32(sig, uint32(t))
			}
			for _, e := range d.Calls[s] {
				sig = binary.LittleEndian.AppendUint32(sig, uint32(e.Sym)|1<<31)
				sig = binary.LittleEndian.AppendUint32(sig, uint32(class[e.To]))
			}
			sig = append(sig, 0xff)
			for _, e := range d.Tokens[s] {
				sig = binary.LittleEndian.AppendUint32(sig, uint32(e.Sym))
				sig = binary.LittleEndian.AppendUint32(sig, uint32(class[e.To]))
			}
			id, ok := sigs[string(sig)]
			if !ok {
				id = int32(len(sigs))
				sigs[string(sig)] = id
			}
			next[s] = id
		}
		class = next
		if len(sigs) == numClasses {
			break
		}
		numClasses = len(sigs)
	}
	return class, numClasses
}

// samePartition reports whether two class assignments group the states
// the same way.
func samePartition(a, b []int32) bool {
	ab, ba := map[int32]int32{}, map[int32]int32{}
	for i := range a {
		if x, ok := ab[a[i]]; ok && x != b[i] {
			return false
		}
		if y, ok := ba[b[i]]; ok && y != a[i] {
			return false
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return true
}
