package cuda

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// A sequential simulation of the sampling kernels' block structure
// (kernels.cu: sample_argmax, sample_topk, kth_largest, the bitonic sort
// and the warp's cut and draw), with the block size, vector width and
// candidate capacity as parameters so that small values exercise every
// path. It must agree with SampleRow, which defines the semantics.

type simGeom struct {
	block, vec, candCap int
	seg                 int // tokens per split, a multiple of block·vec
}

// simKth mirrors kth_largest: radix select, 8 bits a round, warp 0's lanes
// owning 8 digits each from the top.
func simKth(buf []uint64, k int) uint64 {
	prefix, rem := uint64(0), k
	for shift := 56; shift >= 0; shift -= 8 {
		var hist [256]int
		himask := uint64(0)
		if shift != 56 {
			himask = ^uint64(0) << (shift + 8)
		}
		for _, key := range buf {
			if key&himask == prefix {
				hist[(key>>shift)&255]++
			}
		}
		var cnt [32][8]int
		var sum, incl [32]int
		for lane := range 32 {
			for q := range 8 {
				cnt[lane][q] = hist[255-8*lane-q]
				sum[lane] += cnt[lane][q]
			}
			incl[lane] = sum[lane]
			if lane > 0 {
				incl[lane] += incl[lane-1]
			}
		}
		found := 0
		newPrefix, newRem := prefix, rem
		for lane := range 32 {
			excl := incl[lane] - sum[lane]
			if excl < rem && rem <= incl[lane] {
				found++
				acc := excl
				for q := range 8 {
					if rem <= acc+cnt[lane][q] {
						newPrefix = prefix | uint64(255-8*lane-q)<<shift
						newRem = rem - acc
						break
					}
					acc += cnt[lane][q]
				}
			}
		}
		if found != 1 {
			panic("kth: no unique lane")
		}
		prefix, rem = newPrefix, newRem
	}
	return prefix
}

// simKeepBest mirrors keep_best.
func simKeepBest(buf []uint64, k int) ([]uint64, uint64) {
	tau := simKth(buf, k)
	var top []uint64
	for _, key := range buf {
		if key >= tau {
			top = append(top, key)
		}
	}
	if len(top) != k {
		panic("keep_best: wrong count")
	}
	return top, tau
}

// simBitonic mirrors the bitonic sort (descending) over a power of two.
func simBitonic(buf []uint64) {
	P := len(buf)
	for size := 2; size <= P; size <<= 1 {
		for stride := size >> 1; stride > 0; stride >>= 1 {
			for i := range P {
				j := i ^ stride
				if j > i {
					a, b := buf[i], buf[j]
					desc := i&size == 0
					if desc && a < b || !desc && a > b {
						buf[i], buf[j] = b, a
					}
				}
			}
		}
	}
}

// simFinish mirrors the last block of sample_topk after the merge.
func simFinish(buf []uint64, c, topP float32, seed uint64, pos uint32) int32 {
	m := len(buf)
	if m == 0 {
		return -1
	}
	P := 1
	for P < m {
		P <<= 1
	}
	sorted := append(append([]uint64(nil), buf...), make([]uint64, P-m)...)
	simBitonic(sorted)
	lmax := keyValue(uint32(sorted[0] >> 32))
	if lmax != lmax || math.IsInf(float64(lmax), 0) {
		return packedID(sorted[0])
	}
	var w [256]uint64
	for j := range m {
		w[j] = detExp2Fixed(fmul(fsub(keyValue(uint32(sorted[j]>>32)), lmax), c))
	}
	// Warp: lane l owns 8l..8l+7.
	var sum, incl [32]uint64
	for lane := range 32 {
		for q := range 8 {
			sum[lane] += w[8*lane+q]
		}
		incl[lane] = sum[lane]
		if lane > 0 {
			incl[lane] += incl[lane-1]
		}
	}
	z := incl[31]
	pz := float64(topP) * float64(z)
	cl, qcut := -1, -1
	for lane := range 32 {
		acc := incl[lane] - sum[lane]
		for q := range 8 {
			acc += w[8*lane+q]
			if 8*lane+q < m && float64(acc) >= pz {
				cl, qcut = lane, q
				break
			}
		}
		if cl >= 0 {
			break
		}
	}
	cut := incl[cl] - sum[cl]
	for q := 0; q <= qcut; q++ {
		cut += w[8*cl+q]
	}
	x, _ := bits.Mul64(topKDraw(seed, pos), cut)
	for lane := range 32 {
		acc := incl[lane] - sum[lane]
		for q := range 8 {
			acc += w[8*lane+q]
			if 8*lane+q < m && acc > x {
				return packedID(sorted[8*lane+q])
			}
		}
	}
	panic("draw: no entry")
}

// simSample runs the kernel structure over one row.
func simSample(row []float32, real int, words []uint32, p SampleParams, seed uint64, pos uint32, g simGeom) int32 {
	width := len(row)
	rl := realWidth(real, width)
	allowedBits := func(t0, lim int) uint32 {
		if t0 >= lim {
			return 0
		}
		full := uint32(1)<<g.vec - 1
		b := full
		if words != nil {
			b = words[t0>>5] >> (t0 & 31) & full
		}
		if n := lim - t0; n < g.vec {
			b &= 1<<n - 1
		}
		return b
	}
	splits := (width + g.seg - 1) / g.seg
	c := p.Scale()
	mode := p.Mode()
	k := p.K()
	var partials [][]uint64
	for s := range splits {
		start, end := s*g.seg, min((s+1)*g.seg, width)
		lim := min(rl, end)
		if mode != TopK {
			var best uint64
			for thread := range g.block {
				for t0 := start + thread*g.vec; t0 < end; t0 += g.block * g.vec {
					b := allowedBits(t0, lim)
					for e := range g.vec {
						if b>>e&1 == 0 {
							continue
						}
						t := t0 + e
						v := row[t]
						if mode == Gumbel {
							v = gumbelScore(v, c, Philox([4]uint32{uint32(t0>>2) + uint32(e/4), pos, saltGumbel, 0}, seedKey(seed))[e%4])
						}
						best = max(best, pack(orderKey(v), t))
					}
				}
			}
			partials = append(partials, []uint64{best})
			continue
		}
		var buf []uint64
		var thresh uint64
		tile := g.block * g.vec
		for base := start; base < end; base += tile {
			for thread := range g.block {
				t0 := base + thread*g.vec
				b := uint32(0)
				if t0 < end {
					b = allowedBits(t0, lim)
				}
				for e := range g.vec {
					if b>>e&1 == 1 {
						if key := pack(orderKey(row[t0+e]), t0+e); key > thresh {
							buf = append(buf, key)
						}
					}
				}
			}
			if len(buf) > g.candCap {
				panic("candidate buffer overflow")
			}
			if len(buf) > g.candCap-tile && len(buf) > k {
				buf, thresh = simKeepBest(buf, k)
			}
		}
		if len(buf) > k {
			buf, _ = simKeepBest(buf, k)
		}
		part := make([]uint64, k)
		copy(part, buf)
		partials = append(partials, part)
	}
	if mode != TopK {
		var best uint64
		for _, p := range partials {
			best = max(best, p[0])
		}
		if best == 0 {
			return -1
		}
		return packedID(best)
	}
	var all []uint64
	for _, part := range partials {
		for _, key := range part {
			if key != 0 {
				all = append(all, key)
			}
		}
	}
	if len(all) > k {
		all, _ = simKeepBest(all, k)
	}
	return simFinish(all, c, p.topP(), seed, pos)
}

func TestKernelSimulation(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	params := []SampleParams{{}, {Temperature: 0.7}, {Temperature: 1, TopK: 5, TopP: 0.9}, {Temperature: 0.8, TopP: 0.95}, {Temperature: 1.3, TopK: 40}, {Temperature: 1, TopK: 2}}
	geoms := []simGeom{
		{block: 4, vec: 4, candCap: 48},  // tiny tiles: many compactions
		{block: 8, vec: 8, candCap: 128}, // 16-bit vectors
		{block: 256, vec: 4, candCap: CandCap},
	}
	for iter := range 300 {
		width := 1 + r.IntN(700)
		if iter%50 == 0 {
			width = 3000 + r.IntN(5000)
		}
		real := width - r.IntN(min(width, 40))
		row := make([]float32, width)
		for i := range row {
			switch r.IntN(40) {
			case 0:
				row[i] = float32(math.NaN())
			case 1:
				row[i] = float32(math.Inf(-1))
			case 2:
				row[i] = 1.5 // ties
			default:
				row[i] = float32(r.NormFloat64() * 2)
			}
		}
		if iter%17 == 0 {
			row[r.IntN(width)] = float32(math.Inf(1))
		}
		var words []uint32
		if iter%4 != 0 {
			words = make([]uint32, (width+31)/32)
			density := r.IntN(4)
			for t := range width {
				if density == 3 || r.IntN(1<<density*2) == 0 {
					words[t>>5] |= 1 << (t & 31)
				}
			}
		}
		for _, p := range params {
			want := SampleRow(row, real, words, p, uint64(iter), uint32(iter%5))
			for gi, g := range geoms {
				tile := g.block * g.vec
				if p.Mode() == TopK && p.K() > g.candCap-tile {
					continue
				}
				g.seg = tile * (1 + r.IntN(3))
				if got := simSample(row, real, words, p, uint64(iter), uint32(iter%5), g); got != want {
					t.Fatalf("iter %d width %d real %d %+v geometry %d (seg %d): kernel structure %d, reference %d", iter, width, real, p, gi, g.seg, got, want)
				}
			}
		}
	}
}

func TestSimBitonicAndKth(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 200 {
		n := 1 + r.IntN(300)
		P := 1
		for P < n {
			P <<= 1
		}
		buf := make([]uint64, P)
		seen := map[uint64]bool{}
		for i := range n {
			for {
				buf[i] = r.Uint64() | 1
				if !seen[buf[i]] {
					seen[buf[i]] = true
					break
				}
			}
		}
		orig := append([]uint64(nil), buf[:n]...)
		simBitonic(buf)
		for i := 1; i < P; i++ {
			if buf[i-1] < buf[i] {
				t.Fatalf("bitonic not descending at %d", i)
			}
		}
		k := 1 + r.IntN(n)
		if got := simKth(orig, k); got != buf[k-1] {
			t.Fatalf("kth(%d of %d) = %#x, want %#x", k, n, got, buf[k-1])
		}
	}
}
