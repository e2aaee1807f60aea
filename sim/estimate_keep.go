package sim

import (
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// keep holds the kernel estimates of an Estimator's last design, one per
// kernel position, so that a sweep that changes one kernel (kiln's passes
// return a new kernel, the others stay the same pointers) schedules only
// that one again. An entry answers only for the same kernel pointer when
// everything its estimate read is the same: the settings (kernelKey),
// which buffers are arguments, every operation cost it asked for (asked
// again, so a cost table that now answers differently misses), and the
// load costs its memories looked up (which depend on what earlier kernels
// asked: costCache.lookup). Each entry stands on its own, so an estimate
// that fails half-way leaves the entries valid.
//
// Beyond the last design's, keep remembers up to memoLimit estimates by
// kernel and settings (memo), so a sweep that comes back to a kernel
// variant under the same settings — the next value of an outer knob
// with the inner knobs starting over — finds it again. The memo's keys
// hold their kernels, so a kernel's address is never reused while it is
// remembered; an entry answers only where holds says it does.
type keep struct {
	kernels []*kept // per kernel position
	memo    map[memoKey]*kept
	slab    []kept // the memo's entries, reused (with their slices) when it starts over
	used    int    // slab entries in use
	hits    int    // kernels kept in the estimate at hand
	off     bool   // keep nothing (a one-off Estimator)
}

// memoKey finds a remembered estimate.
type memoKey struct {
	k   *loop.Kernel
	key kernelKey
}

// memoLimit bounds the memo: at the limit it starts over, overwriting
// its entries in place. An entry is always a whole record of one
// estimate, so a position that still points to an overwritten one just
// misses (its kernel or settings differ, or holds says no).
const memoLimit = 4096

// kernelKey is the part of a Config (and its Tuning) a kernel's estimate
// reads, Costs apart (its answers are compared instead: a table need not
// be comparable). Capacity, StaticPowerW, Activity, AreaFixedUM2 and ASIC only enter
// Result.finish. A new Config field that the kernel model reads belongs
// here (TestKernelKeyFields lists the fields).
type kernelKey struct {
	clockNS       float64
	channels      int
	iface         Interface
	llvm, noAlias bool
	tune          Tuning
	offchip       OffChip // zero: none
	mux, memIface float64 // MuxUM2PerBit, MemoryInterfaceUM2
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
	k      *loop.Kernel
	key    kernelKey
	ext    []bool
	asked  []kind
	costs  []OpCost // the answers to asked
	looked []looked
	est    kernelEst
}

func keyOf(cfg *Config, tune Tuning) kernelKey {
	return kernelKey{clockNS: cfg.ClockNS, channels: cfg.Channels, iface: cfg.Interface,
		llvm: cfg.LLVMUnroll, noAlias: cfg.NoAlias, tune: tune, offchip: cfg.OffChip.key(),
		mux: cfg.MuxUM2PerBit, memIface: cfg.MemoryInterfaceUM2}
}

// start begins an estimate of n kernels.
func (kp *keep) start(n int) {
	for len(kp.kernels) < n {
		kp.kernels = append(kp.kernels, nil)
	}
	kp.hits = 0
}

// kernel is the estimate of k, kernel ki: the kept one if it still holds,
// else estimateKernel's (kept for the next design).
func (x *Estimator) kernel(ki int, k *loop.Kernel, cfg *Config, tune Tuning, ext []bool) (kernelEst, error) {
	kp, cache := &x.keep, &x.sc.cache
	if kp.off {
		return estimateKernel(k, cfg, tune, cache, ext, nil, ki)
	}
	key := keyOf(cfg, tune)
	e := kp.kernels[ki]
	if e != nil && e.k == k && e.holds(key, ext, cache) {
		kp.hits++
		return e.est, nil
	}
	if m := kp.memo[memoKey{k, key}]; m != nil && m.holds(key, ext, cache) {
		kp.kernels[ki] = m
		kp.hits++
		return m.est, nil
	}
	est, err := estimateKernel(k, cfg, tune, cache, ext, &x.tr, ki)
	if err != nil {
		return est, err
	}
	if kp.memo == nil {
		kp.memo, kp.slab = make(map[memoKey]*kept, memoLimit), make([]kept, memoLimit)
	}
	if kp.used == len(kp.slab) {
		clear(kp.memo)
		kp.used = 0
	}
	e = &kp.slab[kp.used] // not the position's old entry: the memo may hold it
	kp.used++
	kp.kernels[ki] = e
	kp.memo[memoKey{k, key}] = e
	e.k, e.key, e.ext, e.est = k, key, append(e.ext[:0], ext...), est
	e.est.notes = slices.Clone(est.notes)
	e.asked, e.costs = e.asked[:0], e.costs[:0]
	for id, n := range x.sc.km.static {
		if n > 0 {
			kd := cache.kinds[id]
			e.asked = append(e.asked, kd)
			// The table's answer for the kind, as holds asks it: an
			// off-chip access's cost (costCache.register) is derived
			// from it and kept under the same kind.
			c := &cache.costs[id]
			if t, ok := cache.lookup(kd.o, kd.t); ok {
				c = t
			}
			e.costs = append(e.costs, *c)
		}
	}
	e.looked = append(e.looked[:0], x.sc.km.looked...)
	return est, nil
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
