package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gramc/gramc/mask"
	"github.com/gramc/gramc/mask/cuda"
)

// Model computes next-token logits for a batch of sequences.
type Model interface {
	// Width is the number of logits per row: the vocabulary's logits width.
	Width() int
	// Forward appends ids[i] to sequence i of the batch (the first call
	// gets the prompts, possibly empty) and returns the logits of every
	// sequence's next token, len(ids)×Width() values, row-major. A finished
	// sequence gets an empty slice and its row is ignored.
	Forward(ids [][]int32) ([]float32, error)
}

// DeviceModel is a Model that can leave its logits on the GPU, so that
// nothing is copied to the host: ForwardDevice is Forward with the logits
// in device memory of the decoder's device (its primary context), valid
// until the next call. s is the decoder's session; a model may write into
// s.Logits() or return a buffer of its own.
type DeviceModel interface {
	Model
	ForwardDevice(ids [][]int32, s *cuda.Session) (cuda.Logits, error)
}

// Starter is implemented by models that key their state by sequence: the
// decoder calls Start with the batch's sequence ids before the first
// Forward of a Run.
type Starter interface {
	Start(seqs []uint64)
}

// RandomModel is a built-in model for tests and benchmarks: the logit of
// token t for sequence seq at position pos (tokens so far) is
// cuda.RandomLogit(Seed, seq, pos, t, Bias), computed on the host by
// Forward and by a kernel on the device by ForwardDevice (the same bits).
// Delay simulates the forward pass's time (slept, then spun for the last
// 200 µs for precision).
type RandomModel struct {
	Seed  uint64
	Vocab int // logits width
	Bias  *cuda.RandomBias
	Delay time.Duration

	seqs   []uint64
	pos    []uint32
	logits []float32
}

// Width implements Model.
func (m *RandomModel) Width() int { return m.Vocab }

// Start implements Starter.
func (m *RandomModel) Start(seqs []uint64) {
	m.seqs = append(m.seqs[:0], seqs...)
	m.pos = make([]uint32, len(seqs))
}

func (m *RandomModel) advance(ids [][]int32) error {
	if len(ids) != len(m.seqs) {
		if m.seqs != nil {
			return fmt.Errorf("%w: %d rows for a batch of %d", ErrModel, len(ids), len(m.seqs))
		}
		seqs := make([]uint64, len(ids))
		for i := range seqs {
			seqs[i] = uint64(i)
		}
		m.Start(seqs)
	}
	for i, x := range ids {
		m.pos[i] += uint32(len(x))
	}
	Spin(m.Delay)
	return nil
}

// Forward implements Model.
func (m *RandomModel) Forward(ids [][]int32) ([]float32, error) {
	if err := m.advance(ids); err != nil {
		return nil, err
	}
	n := len(ids) * m.Vocab
	if cap(m.logits) < n {
		m.logits = make([]float32, n)
	}
	m.logits = m.logits[:n]
	parallelFor(len(ids), func(i int) {
		if len(ids[i]) > 0 || m.pos[i] == 0 {
			cuda.RandomLogitsRow(m.logits[i*m.Vocab:(i+1)*m.Vocab], m.Seed, m.seqs[i], m.pos[i], m.Bias)
		}
	})
	return m.logits, nil
}

// ForwardDevice implements DeviceModel: a kernel writes the logits into
// the session's buffer.
func (m *RandomModel) ForwardDevice(ids [][]int32, s *cuda.Session) (cuda.Logits, error) {
	if err := m.advance(ids); err != nil {
		return cuda.Logits{}, err
	}
	return s.RandomLogits(m.Seed, m.seqs, m.pos, m.Bias)
}

// Spin waits d: a sleep, then a spin for the last 200 µs (time.Sleep
// alone overshoots by tens of microseconds).
func Spin(d time.Duration) {
	if d <= 0 {
		return
	}
	end := time.Now().Add(d)
	if d > 300*time.Microsecond {
		time.Sleep(d - 200*time.Microsecond)
	}
	for time.Now().Before(end) {
		goruntime.Gosched()
	}
}

// Errors of the decoder.
var (
	ErrModel   = errors.New("gramc: model error")
	ErrDeadEnd = errors.New("gramc: no token is allowed (dead end)")
)

// DecoderOptions configure a Decoder.
type DecoderOptions struct {
	MaxTokens     int               // per sequence, jump-forward tokens included (default 256)
	Sampling      cuda.SampleParams // greedy by default
	Device        *cuda.Device      // nil: the CPU path
	DType         cuda.DType        // element type of the device logits buffer (F32)
	Unconstrained bool              // ignore the grammar (a baseline): no masks, no matchers
	NoJumpForward bool              // sample forced tokens instead of inserting them
	NoOverlap     bool              // compute masks after the forward instead of during it
}

// SeqResult is the outcome of one sequence.
type SeqResult struct {
	Tokens   []int32 // generated tokens (an accepted EOS is not included)
	Complete bool    // EOS was accepted, or the grammar allows nothing more
	Forced   int     // tokens inserted by jump-forward
	Err      error   // a dead end, or a rejected token (a bug)
}

// DecodeStats are a Decoder's timings over its runs.
type DecodeStats struct {
	Steps     int             // forward passes
	StepTimes []time.Duration // wall time of each step: forward, then sample and bookkeeping
	Forward   time.Duration   // in the model
	Prepare   time.Duration   // accepting, jump-forward, masks, mask upload (overlapped with Forward)
	Sample    time.Duration   // apply + sample, token ids back
	Upload    cuda.UploadStats
}

// Decoder runs a batch of sequences through a model, each sequence with
// its own Matcher: per step the model's forward pass and, on other
// goroutines at the same time, the previous step's tokens accepted, the
// forced continuations inserted (jump-forward) and the masks filled (and
// uploaded); then one fused apply-and-sample over all rows (on the GPU
// when DecoderOptions.Device is set, else on the CPU with the same
// semantics: cuda.SampleRow) gives the next tokens. Sequences stop at
// EOS, when the grammar is done, or at MaxTokens.
//
// With the same seeds, the CPU and GPU paths give identical outputs (the
// random model's logits, the masks and the sampler are bit-exact).
type Decoder struct {
	c      *Compiled
	model  Model
	opt    DecoderOptions
	width  int
	real   int
	skipOK bool // an unconstrained row may go without its mask
	// byteTok[b] is the single-byte text token of byte b, or -1: the
	// budget guard finishes with them.
	byteTok [256]int32
	sess    *cuda.Session
	stats   DecodeStats
}

// NewDecoder returns a decoder for grammar c (its vocabulary sizes the
// logits) and model m.
func NewDecoder(c *Compiled, m Model, opt DecoderOptions) (*Decoder, error) {
	if err := opt.Sampling.Validate(); err != nil {
		return nil, err
	}
	v := c.Vocab
	if m.Width() != v.LogitsWidth() {
		return nil, fmt.Errorf("%w: model width %d, vocabulary %s logits width %d", cuda.ErrShape, m.Width(), v.Name(), v.LogitsWidth())
	}
	if opt.MaxTokens <= 0 {
		opt.MaxTokens = 256
	}
	d := &Decoder{c: c, model: m, opt: opt, width: v.LogitsWidth(), real: v.Size(), skipOK: true}
	d.byteTok = v.ByteTokens()
	for t := range int32(v.Size()) {
		if !v.Normal(t) && !v.IsEOS(t) {
			d.skipOK = false // a special token: "all text allowed" is not "all allowed"
			break
		}
	}
	return d, nil
}

// Stats returns the timings so far.
func (d *Decoder) Stats() DecodeStats {
	s := d.stats
	if d.sess != nil {
		s.Upload = d.sess.Stats()
	}
	return s
}

// Close releases the device session.
func (d *Decoder) Close() error {
	if d.sess != nil {
		err := d.sess.Close()
		d.sess = nil
		return err
	}
	return nil
}

// session returns a device session for rows rows.
func (d *Decoder) session(rows int) (*cuda.Session, error) {
	if d.sess != nil && d.sess.Config().Rows == rows {
		return d.sess, nil
	}
	d.Close()
	s, err := d.opt.Device.NewSession(cuda.SessionConfig{Rows: rows, Width: d.width, Real: d.real, DType: d.opt.DType})
	if err != nil {
		return nil, err
	}
	d.sess = s
	return s, nil
}

// row is one sequence's decoding state.
type row struct {
	m        *Matcher
	res      SeqResult
	done     bool
	toAccept int32   // the sampled token not yet accepted, or -1
	pending  []int32 // tokens for the next Forward
	sample   bool    // sample this step (else forced or done)
}

// Run decodes len(seeds) sequences together, sequence i keyed by seeds[i]
// (its sampler's Philox key, and its id for Starter models), and returns
// their results. An error is returned for a model or device failure; a
// sequence's own failure is in its SeqResult.
func (d *Decoder) Run(seeds []uint64) ([]SeqResult, error) {
	R := len(seeds)
	if R == 0 {
		return nil, nil
	}
	var sess *cuda.Session
	if d.opt.Device != nil {
		var err error
		if sess, err = d.session(R); err != nil {
			return nil, err
		}
	}
	if s, ok := d.model.(Starter); ok {
		s.Start(seeds)
	}
	rows := make([]row, R)
	masks := make([]*mask.Mask, R)
	cons := make([]bool, R)
	ids := make([][]int32, R)
	pos := make([]uint32, R)
	out := make([]int32, R)
	for i := range rows {
		rows[i].toAccept = -1
		if !d.opt.Unconstrained {
			rows[i].m = d.c.NewMatcher()
			masks[i] = d.c.NewMask()
		}
	}
	v := d.c.Vocab
	var prepErr atomic.Value
	prepare := func() {
		start := time.Now()
		parallelFor(R, func(i int) { d.prepareRow(&rows[i], masks[i], &cons[i]) })
		if sess != nil && !d.opt.Unconstrained {
			use := make([]bool, R)
			for i := range rows {
				use[i] = rows[i].sample && (cons[i] || !d.skipOK)
			}
			if _, err := sess.SetMasks(masks, use); err != nil {
				prepErr.Store(err)
			}
		}
		d.stats.Prepare += time.Since(start)
	}
	for {
		// Stop when no sequence can go on without sampling another token.
		live := false
		for i := range rows {
			r := &rows[i]
			if !r.done && len(r.res.Tokens) < d.opt.MaxTokens && !(r.toAccept >= 0 && v.IsEOS(r.toAccept)) {
				live = true
			}
			ids[i] = r.pending
			r.pending = nil
		}
		if !live {
			parallelFor(R, func(i int) { d.prepareRow(&rows[i], masks[i], &cons[i]) })
			break
		}
		stepStart := time.Now()
		var logits []float32
		var lg cuda.Logits
		var ferr error
		forward := func() {
			t := time.Now()
			if dm, ok := d.model.(DeviceModel); ok && sess != nil {
				lg, ferr = dm.ForwardDevice(ids, sess)
			} else {
				logits, ferr = d.model.Forward(ids)
				if ferr == nil && len(logits) != R*d.width {
					ferr = fmt.Errorf("%w: %d logits for %d rows of %d", ErrModel, len(logits), R, d.width)
				}
				if ferr == nil && sess != nil {
					lg, ferr = sess.UploadLogits(logits)
				}
			}
			d.stats.Forward += time.Since(t)
		}
		if d.opt.NoOverlap {
			prepare()
			forward()
		} else {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				prepare()
			}()
			forward()
			wg.Wait()
		}
		if ferr != nil {
			return nil, ferr
		}
		if err, _ := prepErr.Load().(error); err != nil {
			return nil, err
		}
		d.stats.Steps++

		// Sample the rows that need a token.
		t := time.Now()
		any := false
		for i := range rows {
			pos[i] = uint32(len(rows[i].res.Tokens))
			any = any || rows[i].sample
		}
		if any {
			if sess != nil {
				if err := sess.Sample(lg, d.opt.Sampling, seeds, pos, out); err != nil {
					return nil, err
				}
			} else {
				parallelFor(R, func(i int) {
					if !rows[i].sample {
						return
					}
					var words []uint32
					if !d.opt.Unconstrained && (cons[i] || !d.skipOK) {
						words = masks[i].Words32()
					}
					out[i] = cuda.SampleRow(logits[i*d.width:(i+1)*d.width], d.real, words, d.opt.Sampling, seeds[i], pos[i])
				})
			}
		}
		if !d.opt.Unconstrained {
			parallelFor(R, func(i int) {
				if r := &rows[i]; r.sample && out[i] >= 0 && !v.IsEOS(out[i]) {
					out[i] = d.budgetGuard(r, out[i])
				}
			})
		}
		for i := range rows {
			r := &rows[i]
			if !r.sample {
				continue
			}
			tok := out[i]
			switch {
			case tok < 0:
				r.res.Err, r.done = ErrDeadEnd, true
			case v.IsEOS(tok) && (d.opt.Unconstrained || r.m.CanStop()):
				r.toAccept = tok // accepted (and the row closed) by the next prepare
			default:
				r.res.Tokens = append(r.res.Tokens, tok)
				r.toAccept = tok
				r.pending = append(r.pending[:0:0], tok)
			}
		}
		d.stats.Sample += time.Since(t)
		d.stats.StepTimes = append(d.stats.StepTimes, time.Since(stepStart))
	}
	res := make([]SeqResult, R)
	for i := range rows {
		res[i] = rows[i].res
	}
	return res, nil
}

// prepareRow accepts the row's sampled token, decides whether it stops,
// inserts its forced continuation or fills its mask for the next sample.
func (d *Decoder) prepareRow(r *row, k *mask.Mask, constrained *bool) {
	r.sample = false
	if r.done {
		return
	}
	v := d.c.Vocab
	if t := r.toAccept; t >= 0 {
		r.toAccept = -1
		if d.opt.Unconstrained {
			if v.IsEOS(t) {
				r.res.Complete, r.done = true, true
				return
			}
		} else if err := r.m.Accept(t); err != nil {
			r.res.Err, r.done = fmt.Errorf("sampled token %d (%q): %w", t, v.Bytes(t), err), true
			return
		} else if r.m.Terminated() {
			r.res.Complete, r.done = true, true
			return
		}
	}
	if !d.opt.Unconstrained && r.m.Done() {
		r.res.Complete, r.done = true, true
		return
	}
	if len(r.res.Tokens) >= d.opt.MaxTokens {
		// The budget is spent: a row whose grammar can stop ends here,
		// with EOS (the budget guard brings every row within budget here).
		if !d.opt.Unconstrained && r.m.CanStop() {
			for _, eos := range v.EOS() {
				if r.m.Accept(eos) == nil {
					break
				}
			}
			r.res.Complete = true
		}
		r.done = true
		return
	}
	if !d.opt.Unconstrained && !d.opt.NoJumpForward {
		if toks, _ := r.m.ForcedTokens(); len(toks) > 0 {
			toks = toks[:min(len(toks), d.opt.MaxTokens-len(r.res.Tokens))]
			var ins []int32
			for _, t := range toks {
				if r.m.Accept(t) != nil {
					break // keep the output inside the grammar
				}
				ins = append(ins, t)
			}
			if len(ins) > 0 {
				r.res.Tokens = append(r.res.Tokens, ins...)
				r.res.Forced += len(ins)
				r.pending = ins
				if r.m.Done() {
					r.res.Complete, r.done = true, true
				} else if len(r.res.Tokens) >= d.opt.MaxTokens {
					r.done = true
				}
				return
			}
		}
	}
	r.sample = true
	if !d.opt.Unconstrained {
		*constrained = r.m.FillMask(k)
	}
}

// budgetGuard returns tok, or, when accepting tok would leave more bytes
// to complete the grammar (automaton.Parser.CompletionCost) than tokens
// left in the row's budget, the single-byte token that starts a shortest
// completion instead. CompletionCost is exact, so that token lowers it by
// one: a row that starts within budget (the shortest output, in bytes, at
// most MaxTokens) always completes within it. Jump-forward tokens follow
// the only continuation, so they lower the cost by their length.
func (d *Decoder) budgetGuard(r *row, tok int32) int32 {
	left := d.opt.MaxTokens - len(r.res.Tokens) - 1 // tokens left after tok
	if r.m.Accept(tok) != nil {
		return tok // reported when the token is accepted
	}
	cost := r.m.Parser().CompletionCost()
	r.m.Rollback(1)
	if cost <= left {
		return tok
	}
	b, c := r.m.Parser().CheapestByte(func(b byte) bool { return d.byteTok[b] >= 0 })
	if b < 0 || c >= cost || !r.m.pushes(d.byteTok[b]) { // pushes: no dead end in a closed key
		return tok
	}
	return d.byteTok[b]
}

// parallelFor runs f(0..n-1) on up to GOMAXPROCS goroutines.
func parallelFor(n int, f func(i int)) {
	workers := min(goruntime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
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
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
