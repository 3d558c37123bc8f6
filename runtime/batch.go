package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"

	"github.com/gramc/gramc/mask"
)

// FillMasks fills dst[i] for ms[i], spreading the matchers over up to
// GOMAXPROCS goroutines. It returns, per matcher, whether its mask
// constrains anything (written into constrained, which may be nil).
func FillMasks(ms []*Matcher, dst []*mask.Mask, constrained []bool) {
	workers := min(goruntime.GOMAXPROCS(0), len(ms))
	if workers <= 1 {
		for i, m := range ms {
			c := m.FillMask(dst[i])
			if constrained != nil {
				constrained[i] = c
			}
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ms) {
					return
				}
				c := ms[i].FillMask(dst[i])
				if constrained != nil {
					constrained[i] = c
				}
			}
		}()
	}
	wg.Wait()
}
