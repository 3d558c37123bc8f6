package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"

	"github.com/gramc/gramc/mask"
)

// FillMasks fills dst[i] for ms[i], spreading the matchers over up to
// GOMAXPROCS goroutines of a shared pool. It records, per matcher, whether
// its mask constrains anything (into constrained, which may be nil).
func FillMasks(ms []*Matcher, dst []*mask.Mask, constrained []bool) {
	defaultPool().FillMasks(ms, dst, constrained)
}

var (
	poolOnce sync.Once
	pool     *Pool
)

func defaultPool() *Pool {
	poolOnce.Do(func() { pool = NewPool(goruntime.GOMAXPROCS(0)) })
	return pool
}

// Pool is a fixed set of worker goroutines that fill masks for batches.
// FillMasks allocates nothing; a Pool serves one batch at a time (calls
// are serialized) and lives for the life of the program.
type Pool struct {
	mu      sync.Mutex
	workers int
	work    chan *batch
	b       batch
}

type batch struct {
	ms          []*Matcher
	dst         []*mask.Mask
	constrained []bool
	next        atomic.Int64
	wg          sync.WaitGroup
}

// NewPool starts workers goroutines (at least 1).
func NewPool(workers int) *Pool {
	p := &Pool{workers: max(workers, 1), work: make(chan *batch)}
	for range p.workers - 1 { // the caller is the last worker
		go func() {
			for b := range p.work {
				b.run()
				b.wg.Done()
			}
		}()
	}
	return p
}

// FillMasks fills dst[i] for ms[i] on the pool's workers and the calling
// goroutine.
func (p *Pool) FillMasks(ms []*Matcher, dst []*mask.Mask, constrained []bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := &p.b
	b.ms, b.dst, b.constrained = ms, dst, constrained
	b.next.Store(0)
	helpers := min(p.workers-1, len(ms)-1)
	b.wg.Add(max(helpers, 0))
	for range helpers {
		p.work <- b
	}
	b.run()
	b.wg.Wait()
	b.ms, b.dst, b.constrained = nil, nil, nil
}

func (b *batch) run() {
	for {
		i := int(b.next.Add(1)) - 1
		if i >= len(b.ms) {
			return
		}
		c := b.ms[i].FillMask(b.dst[i])
		if b.constrained != nil {
			b.constrained[i] = c
		}
	}
}
