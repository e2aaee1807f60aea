package place

import (
	"errors"
	"fmt"
	"sync"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Memo places program after program that share kernels, as a sweep's
// designs do (each design's kernels are variants built once and shared),
// at a fraction of Apply's cost: what placement reads of a kernel (its
// accesses, footprints, index arrays, that it verifies) is computed once
// per kernel pointer, and a placed kernel is built once per kernel and
// spaces, so the same kernel placed the same way is the same pointer
// (sim.Estimator's memo, keyed by kernel pointer, hits). Its decisions are
// Apply's, the same code on the same facts. A Memo is safe for
// concurrent use; its zero value is ready. It holds every kernel it has
// seen: a kernel must not change once placed through a Memo (kiln's
// passes build new kernels).
type Memo struct {
	mu      sync.RWMutex
	kernels map[*loop.Kernel]*memoKernel
	tops    map[topKey]*loop.Buffer
	work    sync.Pool
}

// topKey is a top buffer placed in a space.
type topKey struct {
	b *loop.Buffer
	s loop.Space
}

type memoKernel struct {
	once  sync.Once
	facts *kernelFacts
	err   error

	mu     sync.RWMutex
	placed map[string]*loop.Kernel // the spaces (one byte each) → the placed kernel
}

// Place is Apply's program, without its report, through the memo. Each
// kernel is verified once (loop.Verify) and the top's calls are checked,
// not the rest of loop.VerifyProgram (names, roles): p is a program that
// verifies, or one of Apply's errors or a narrower one comes back; the
// result verifies where p does.
func (m *Memo) Place(p *loop.Program, opt Options) (*loop.Program, error) {
	if p == nil {
		return nil, errors.New("place: no program")
	}
	opt, err := opt.resolved()
	if err != nil {
		return nil, err
	}
	if err := checkTop(p); err != nil {
		return nil, err
	}
	w, _ := m.work.Get().(*work)
	if w == nil {
		w = new(work)
	}
	defer m.work.Put(w)
	kernels, facts := resize(w.kernels, len(p.Kernels)), resize(w.facts, len(p.Kernels))
	w.kernels, w.facts = kernels, facts
	for ki, k := range p.Kernels {
		if kernels[ki], err = m.kernel(k); err != nil {
			return nil, fmt.Errorf("place: program %s: the input does not verify: %w", p.Name, err)
		}
		facts[ki] = kernels[ki].facts
	}
	items, err := placeItems(p, facts, opt, w)
	if err != nil {
		return nil, err
	}
	return rewrite(p, items, w, m.top, func(ki int, spaces []loop.Space) *loop.Kernel {
		return kernels[ki].with(p.Kernels[ki], spaces)
	}), nil
}

// top is b in space s, one copy per buffer and space.
func (m *Memo) top(b *loop.Buffer, s loop.Space) *loop.Buffer {
	if spaceOf(b) == s {
		return b
	}
	key := topKey{b, s}
	m.mu.RLock()
	t := m.tops[key]
	m.mu.RUnlock()
	if t != nil {
		return t
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if t = m.tops[key]; t == nil {
		if m.tops == nil {
			m.tops = map[topKey]*loop.Buffer{}
		}
		t = withSpace(b, s)
		m.tops[key] = t
	}
	return t
}

// kernel is k's entry, its facts computed and k verified once.
func (m *Memo) kernel(k *loop.Kernel) (*memoKernel, error) {
	m.mu.RLock()
	mk := m.kernels[k]
	m.mu.RUnlock()
	if mk == nil {
		m.mu.Lock()
		if mk = m.kernels[k]; mk == nil {
			if m.kernels == nil {
				m.kernels = map[*loop.Kernel]*memoKernel{}
			}
			mk = new(memoKernel)
			m.kernels[k] = mk
		}
		m.mu.Unlock()
	}
	mk.once.Do(func() {
		if mk.err = loop.Verify(k); mk.err == nil {
			mk.facts = factsOf(k)
		}
	})
	return mk, mk.err
}

// with is k with spaces, built once per spaces.
func (mk *memoKernel) with(k *loop.Kernel, spaces []loop.Space) *loop.Kernel {
	var buf [64]byte
	sig := buf[:0]
	same := true
	for id, s := range spaces {
		sig = append(sig, byte(s))
		same = same && spaceOf(k.Buffers[id]) == s
	}
	if same {
		return k
	}
	mk.mu.RLock()
	q := mk.placed[string(sig)]
	mk.mu.RUnlock()
	if q != nil {
		return q
	}
	mk.mu.Lock()
	defer mk.mu.Unlock()
	if q = mk.placed[string(sig)]; q == nil {
		if mk.placed == nil {
			mk.placed = map[string]*loop.Kernel{}
		}
		q = kernelWithSpaces(k, spaces)
		mk.placed[string(sig)] = q
	}
	return q
}

// checkTop refuses a top that placement cannot read without failing: a
// nil kernel or buffer, a call of an unknown kernel or with the wrong
// arguments.
func checkTop(p *loop.Program) error {
	for i, k := range p.Kernels {
		if k == nil {
			return fmt.Errorf("place: program %s: kernel %d is nil", p.Name, i)
		}
	}
	for i, b := range p.Buffers {
		if b == nil {
			return fmt.Errorf("place: program %s: buffer %d is nil", p.Name, i)
		}
	}
	for ci, c := range p.Calls {
		if c.Kernel < 0 || c.Kernel >= len(p.Kernels) {
			return fmt.Errorf("place: program %s: call %d: unknown kernel %d", p.Name, ci, c.Kernel)
		}
		k := p.Kernels[c.Kernel]
		if len(c.Args) != len(k.Params) {
			return fmt.Errorf("place: program %s: call %d: %s takes %d arguments, given %d", p.Name, ci, k.Name, len(k.Params), len(c.Args))
		}
		for _, id := range c.Args {
			if id < 0 || int(id) >= len(p.Buffers) {
				return fmt.Errorf("place: program %s: call %d: %s: unknown buffer %d", p.Name, ci, k.Name, id)
			}
		}
	}
	return nil
}
