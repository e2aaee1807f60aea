package sim

import (
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// keep holds the kernel estimates of an Estimator's last design, so that a
// sweep that changes one kernel (kiln's passes return a new kernel, the
// others stay the same pointers) schedules only that one again. An entry
// answers only when everything the kernel's estimate read is the same:
// the settings (kernelKey), which buffers are arguments, every operation
// cost it asked for (asked again, so a cost table that now answers
// differently misses), and the load costs its memories looked up (which
// depend on what earlier kernels asked: costCache.lookup).
type keep struct {
	last, next map[*loop.Kernel]*kept
	spare      []*kept // entries dropped, for reuse
	hits       int     // kernels kept in the estimate at hand
}

// kernelKey is the part of a Config (and its Tuning) a kernel's estimate
// reads, Costs apart (its answers are compared instead: a table need not
// be comparable).
type kernelKey struct {
	clockNS       float64
	channels      int
	iface         Interface
	llvm, noAlias bool
	tune          Tuning
}

// kind is an operation on a type, as costCache.id is asked.
type kind struct {
	o op
	t vtype
}

// looked is one costCache.lookup of a load's cost by kmodel.resources.
type looked struct {
	t    vtype
	ok   bool
	cost OpCost
}

type kept struct {
	key    kernelKey
	ext    []bool
	asked  []kind
	costs  []OpCost // the answers to asked
	looked []looked
	est    kernelEst
}

func keyOf(cfg *Config, tune Tuning) kernelKey {
	return kernelKey{clockNS: cfg.ClockNS, channels: cfg.Channels, iface: cfg.Interface,
		llvm: cfg.LLVMUnroll, noAlias: cfg.NoAlias, tune: tune}
}

// start begins an estimate: the entries it uses move to next.
func (kp *keep) start() {
	if kp.next == nil {
		kp.last, kp.next = map[*loop.Kernel]*kept{}, map[*loop.Kernel]*kept{}
	}
	clear(kp.next)
	kp.hits = 0
}

// done ends a successful estimate: its kernels are the ones kept.
func (kp *keep) done() {
	for k, e := range kp.last {
		if kp.next[k] != e {
			kp.spare = append(kp.spare, e)
		}
	}
	clear(kp.last)
	kp.last, kp.next = kp.next, kp.last
}

// kernel is k's estimate: the kept one if it still holds, else
// estimateKernel's (kept for the next design).
func (x *Estimator) kernel(k *loop.Kernel, cfg *Config, tune Tuning, ext []bool) (kernelEst, error) {
	kp, cache := &x.keep, &x.sc.cache
	key := keyOf(cfg, tune)
	if e := kp.last[k]; e != nil && e.holds(key, ext, cache) {
		kp.next[k] = e
		kp.hits++
		return e.est, nil
	}
	est, err := estimateKernel(k, cfg, tune, cache, ext)
	if err != nil {
		return est, err
	}
	e := kp.entry(k)
	e.key, e.ext, e.est = key, append(e.ext[:0], ext...), est
	e.est.notes = slices.Clone(est.notes)
	e.asked, e.costs = e.asked[:0], e.costs[:0]
	for id, n := range x.sc.km.static {
		if n > 0 {
			e.asked = append(e.asked, cache.kinds[id])
			e.costs = append(e.costs, cache.costs[id])
		}
	}
	e.looked = append(e.looked[:0], x.sc.km.looked...)
	kp.next[k] = e
	return est, nil
}

// entry is a free entry for k (not one the last design's other kernels
// may still claim).
func (kp *keep) entry(k *loop.Kernel) *kept {
	if e := kp.last[k]; e != nil {
		delete(kp.last, k) // stale: rewritten in place
		return e
	}
	if n := len(kp.spare); n > 0 {
		e := kp.spare[n-1]
		kp.spare = kp.spare[:n-1]
		return e
	}
	return &kept{}
}

// holds reports whether e answers for the estimate at hand; it asks the
// cost tables the kernel's operations again, as scheduling would.
func (e *kept) holds(key kernelKey, ext []bool, cache *costCache) bool {
	if e.key != key || !slices.Equal(e.ext, ext) {
		return false
	}
	for i, kd := range e.asked {
		if *cache.cost(cache.id(kd.o, kd.t)) != e.costs[i] {
			return false
		}
	}
	for _, l := range e.looked {
		c, ok := cache.lookup(opLoad, l.t)
		if ok != l.ok || ok && *c != l.cost {
			return false
		}
	}
	return true
}
