package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// EvalFunc evaluates one design: the figures to record (a JSON object:
// kiln sim --json's plus accuracy), or why the design cannot be built (a
// plan the loop passes refuse, a clock the device cannot reach), which is
// recorded in the design's line. An error made by Fatal, or the context's
// error, stops the sweep instead.
type EvalFunc func(ctx context.Context, d Design) (json.RawMessage, error)

// Evaluator makes one EvalFunc per worker goroutine. Each is called from
// its goroutine only, so it may keep state: an incremental estimator, an
// accuracy cache, scratch buffers (a cache shared by workers must lock).
type Evaluator interface {
	NewWorker() (EvalFunc, error)
}

// Func is an Evaluator whose function is safe for concurrent use.
type Func EvalFunc

// NewWorker returns f itself.
func (f Func) NewWorker() (EvalFunc, error) { return EvalFunc(f), nil }

// fatalError stops a sweep.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// Fatal marks err as stopping the sweep (a broken model, a full disk),
// not a property of the design being evaluated.
func Fatal(err error) error { return &fatalError{err} }

// RunOptions are Run's settings.
type RunOptions struct {
	Workers  int       // goroutines evaluating designs; < 1: 1
	Skip     *Done     // designs already done (Resume), not evaluated again
	Progress *Progress // nil: none
	Chunk    int       // consecutive positions a worker takes at once; < 1: 64
}

// Stats says what Run did.
type Stats struct {
	Evaluated uint64 // designs evaluated and written
	Failed    uint64 // of those, designs recorded with an error
	Skipped   uint64 // designs of the set already done
}

// chunk is the positions [lo, hi) of a set.
type chunk struct{ lo, hi uint64 }

// Run evaluates the designs of set that opt.Skip does not hold, on
// opt.Workers goroutines, and writes a line for each to w as it is done
// (in no particular order). Workers take chunks of consecutive positions
// through a bounded channel, so memory does not grow with the set. It
// stops at the first fatal error or when ctx ends; the designs in flight
// then are not written.
func Run(ctx context.Context, set Set, eval Evaluator, w *Writer, opt RunOptions) (Stats, error) {
	workers, size := max(opt.Workers, 1), uint64(64)
	if opt.Chunk > 0 {
		size = uint64(opt.Chunk)
	}
	var st Stats
	if opt.Skip.Len() > 0 {
		for d := range set.All() {
			if opt.Skip.Has(d.Index) {
				st.Skipped++
			}
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var evaluated, failed atomic.Uint64
	stopProgress := opt.Progress.run(set.Len()-st.Skipped, &evaluated)
	chunks := make(chan chunk, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		f, err := eval.NewWorker()
		if err != nil {
			cancel(Fatal(fmt.Errorf("sweep: starting a worker: %w", err)))
			break
		}
		wg.Go(func() {
			if err := work(ctx, set, f, w, opt.Skip, chunks, &evaluated, &failed); err != nil {
				cancel(err)
			}
		})
	}
	feed(ctx, set.Len(), size, chunks)
	wg.Wait()
	st.Evaluated, st.Failed = evaluated.Load(), failed.Load()
	err := context.Cause(ctx)
	stopProgress(err == nil)
	return st, err
}

// feed sends the positions [0, n) in chunks until ctx ends.
func feed(ctx context.Context, n, size uint64, chunks chan<- chunk) {
	defer close(chunks)
	for lo := uint64(0); lo < n; {
		hi := lo + min(size, n-lo) // no overflow near 2^64
		select {
		case chunks <- chunk{lo, hi}:
		case <-ctx.Done():
			return
		}
		lo = hi
	}
}

// work evaluates the chunks' designs with f and writes them.
func work(ctx context.Context, set Set, f EvalFunc, w *Writer, skip *Done, chunks <-chan chunk, evaluated, failed *atomic.Uint64) error {
	for c := range chunks {
		for j := c.lo; j < c.hi; j++ {
			if ctx.Err() != nil {
				return nil
			}
			d := set.At(j)
			if skip.Has(d.Index) {
				continue
			}
			figs, err := f(ctx, d)
			var fe *fatalError
			switch {
			case errors.As(err, &fe):
				return fmt.Errorf("sweep: design %d (%s): %w", d.Index, d.Key(), fe.err)
			case err != nil && ctx.Err() != nil:
				return nil
			case err != nil:
				failed.Add(1)
			}
			if err := w.Write(d, figs, err); err != nil {
				return err
			}
			evaluated.Add(1)
		}
	}
	return nil
}

// run shows p's progress every p.Every until the returned function is
// called (with whether the run completed).
func (p *Progress) run(total uint64, done *atomic.Uint64) func(completed bool) {
	if p == nil {
		return func(bool) {}
	}
	p.Start(total, time.Now())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(p.tick())
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				p.Update(done.Load(), now)
			case <-stop:
				return
			}
		}
	})
	return func(completed bool) {
		close(stop)
		wg.Wait()
		p.Finish(done.Load(), time.Now(), completed)
	}
}
