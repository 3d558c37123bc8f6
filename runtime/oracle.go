package runtime

import (
	"fmt"
	"math/rand/v2"

	"github.com/gramc/gramc/mask"
)

// BruteForceMask is the reference for FillMask: it decides every token id
// on its own by feeding the token through Accept (the byte-level
// recognizer, token edges for token terminals, and EOS exactly when the
// output may end) and rolling back. It is slow (one parse per token) and
// exists to check the precomputed masks. Where the program has closed Key
// rules (runtime/keys.go) a token must also not end inside a key that can
// no longer be finished without repeating one (the same check as
// FillMask's; TestDistinctKeysMask checks both against a search).
func (m *Matcher) BruteForceMask(k *mask.Mask) {
	k.Reset()
	if m.terminated {
		return
	}
	v := m.c.Vocab
	for t := range int32(v.Size()) {
		if m.Accept(t) == nil {
			if m.terminated || !m.c.Prog.HasClosedKeys() || m.keyLive() {
				k.Set(t)
			}
			m.Rollback(1)
		}
	}
}

// VerifyOptions configure Verify.
type VerifyOptions struct {
	Walks    int    // random walks (default 8)
	MaxSteps int    // tokens per walk (default 64)
	Seed     uint64 // random seed
	// MaxMismatches stops early after this many mismatches (default 10).
	MaxMismatches int
}

// Mismatch is a state where FillMask and the brute-force reference differ.
type Mismatch struct {
	Walk, Step int
	Prefix     []int32 // tokens accepted before the state
	Token      int32   // first differing token id
	Fast, Ref  bool    // whether FillMask / the reference allow it
}

func (x Mismatch) String() string {
	return fmt.Sprintf("walk %d step %d: token %d: FillMask=%v reference=%v (prefix %v)", x.Walk, x.Step, x.Token, x.Fast, x.Ref, x.Prefix)
}

// VerifyResult counts what Verify checked.
type VerifyResult struct {
	States        int
	TokensChecked int64
	Mismatches    []Mismatch
	// DeadEnds counts allowed tokens after which nothing, not even EOS,
	// is allowed (must be 0).
	DeadEnds int
}

// Verify compares FillMask with BruteForceMask over states reached by
// seeded random walks: at each state both masks are computed and compared
// bit for bit, then a random allowed token is accepted (EOS ends the walk).
func (c *Compiled) Verify(o VerifyOptions) VerifyResult {
	if o.Walks <= 0 {
		o.Walks = 8
	}
	if o.MaxSteps <= 0 {
		o.MaxSteps = 64
	}
	if o.MaxMismatches <= 0 {
		o.MaxMismatches = 10
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	fast, ref, next := c.NewMask(), c.NewMask(), c.NewMask()
	var res VerifyResult
	var allowed []int32
	for w := 0; w < o.Walks; w++ {
		m := c.NewMatcher()
		var prefix []int32
		for step := 0; step < o.MaxSteps; step++ {
			m.FillMask(fast)
			m.BruteForceMask(ref)
			res.States++
			res.TokensChecked += int64(c.Vocab.Size())
			if !fast.Equal(ref) {
				for t := range int32(c.Vocab.LogitsWidth()) {
					if fast.Has(t) != ref.Has(t) {
						res.Mismatches = append(res.Mismatches, Mismatch{w, step, append([]int32(nil), prefix...), t, fast.Has(t), ref.Has(t)})
						break
					}
				}
				if len(res.Mismatches) >= o.MaxMismatches {
					return res
				}
			}
			// Pick the next token: EOS sometimes when allowed; else half the
			// time any allowed token, half the time a single-byte one (which
			// reaches structure such as quotes and brackets sooner).
			if m.CanStop() && r.IntN(8) == 0 {
				break
			}
			short := r.IntN(2) == 0
			allowed = allowed[:0]
			for t := range int32(c.Vocab.Size()) {
				if ref.Has(t) && !c.Vocab.IsEOS(t) && (!short || len(c.Vocab.Bytes(t)) == 1) {
					allowed = append(allowed, t)
				}
			}
			if len(allowed) == 0 && short {
				for t := range int32(c.Vocab.Size()) {
					if ref.Has(t) && !c.Vocab.IsEOS(t) {
						allowed = append(allowed, t)
					}
				}
			}
			if len(allowed) == 0 {
				break
			}
			t := allowed[r.IntN(len(allowed))]
			if err := m.Accept(t); err != nil {
				res.Mismatches = append(res.Mismatches, Mismatch{w, step, prefix, t, true, false})
				break
			}
			prefix = append(prefix, t)
			// No dead ends: something must be allowed after any allowed token.
			m.FillMask(next)
			if next.Count() == 0 {
				res.DeadEnds++
				break
			}
		}
	}
	return res
}
