package sim

import (
	"errors"
	"fmt"

	"github.com/kiln-hls/kiln/ir/loop"
)

// kernelEst is one kernel's estimate: a call's cost and its hardware.
type kernelEst struct {
	t     tally
	res   Resources
	notes []string
}

// estimateKernel schedules k's blocks once each and adds up its loops.
// ext marks the buffers that are accelerator arguments (reached through
// cfg.Interface); the other arrays are on-chip memories of their own.
// With ts, a kernel built before is traced and replayed
// (estimate_trace.go); ki is its position in the program.
func estimateKernel(k *loop.Kernel, cfg *Config, tune Tuning, cache *costCache, ext []bool, ts *traces, ki int) (kernelEst, error) {
	sc := cache.sc
	m := &sc.km // reused: its slices keep their storage
	*m = kmodel{k: k, cfg: cfg, tune: tune, costs: cache, sub: resizeZero(m.sub, len(k.Vars)),
		memo: sc.memo, units: m.units[:0], static: m.static[:0], mem: m.mem, types: m.types, looked: m.looked[:0]}
	segs, p := m.segs(ts, ki, ext)
	if len(cache.errs) > 0 {
		return kernelEst{}, fmt.Errorf("sim: kernel %s: %w", k.Name, errors.Join(cache.errs...))
	}
	var t tally
	if p != nil {
		t, sc.sums = p.eval(sc.sums)
	} else {
		sc.env = resizeZero(sc.env, len(k.Vars))
		var err error
		if t, err = m.run(segs, sc.env); err != nil {
			return kernelEst{}, fmt.Errorf("sim: kernel %s: %w", k.Name, err)
		}
	}
	t.cycles += int64(tune.CallCycles)
	m.offchipRun(&t)
	return kernelEst{t: t, res: m.resources(ext), notes: m.notes}, nil
}

// segs are the kernel's segs, its buffers assigned their memories:
// replayed from its trace in ts (with the trace's plan and memories), or
// built (and recorded when ts says so; never with off-chip buffers).
func (m *kmodel) segs(ts *traces, ki int, ext []bool) ([]seg, plan) {
	var tk traceKey
	var t *trace
	record := false
	if ts != nil {
		tk = traceKeyOf(m.k, m.cfg, m.tune)
		t, record = ts.lookup(ki, tk, ext)
	}
	if t != nil {
		m.mem, m.types = append(m.mem[:0], t.mem...), append(m.types[:0], t.types...)
		m.nmem, m.ext = t.nmem, ext
		if m.replay(t) {
			ts.replays++
			return t.segs, t.plan
		}
	} else {
		m.assign(ext)
		record = record && m.oc == nil
	}
	clear(m.memo)
	sc := m.costs.sc
	if record {
		sc.rec = ts.rec.start(tk, ext)
	}
	segs := m.build(m.k.Body)
	if record {
		sc.rec = nil
		if ts.rec.finish(m, segs) && len(m.costs.errs) == 0 {
			ts.store(ki, ts.rec.t)
		}
		ts.rec.t = nil
	}
	return segs, nil
}

// resizeZero is s with n zero elements, reusing its storage.
func resizeZero[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// assign gives each buffer its memory: scalars and reg buffers are
// registers; arguments share one memory under SharedInterface; every other
// array (arguments under ArrayInterface, temporaries, constants — banks of
// a partitioned buffer are buffers of their own) is a memory with its own
// ports; off-chip buffers are their channels' (assignOffChip).
func (m *kmodel) assign(ext []bool) {
	m.ext = ext
	m.mem = resizeZero(m.mem, len(m.k.Buffers))
	m.types = resizeZero(m.types, len(m.k.Buffers))
	shared := -1
	for id, b := range m.k.Buffers {
		m.types[id] = typeOf(b.Kind)
		switch {
		case b.Space == loop.OffChip: // assignOffChip
		case b.Rank() == 0 || b.Space == loop.Register:
			m.mem[id] = memReg
		case ext[id] && m.cfg.Interface == SharedInterface:
			if shared < 0 {
				shared = m.nmem
				m.nmem++
			}
			m.mem[id] = shared
		default:
			m.mem[id] = m.nmem
			m.nmem++
		}
	}
	m.ext = m.assignOffChip(ext)
}

// resources adds up the kernel's hardware:
//   - units: for each kind of operation, as many as one state of any block
//     uses at once (Bambu binds the operations of all blocks to them);
//   - multiplexers: a unit shared by f operations takes f-input muxes on
//     each operand, ⌈(f−1)/3⌉ LUT6 per bit (a LUT6 is a 4:1 mux, AMD UG474),
//     on an ASIC f−1 2:1 multiplexer bits (Config.MuxUM2PerBit);
//   - registers: the most value bits held across a state boundary in any
//     block, 32 bits per loop counter (kiln emits i32 indices), the bits
//     of scalar and reg buffers;
//   - memories: one memory module per memory (the shared interface, each
//     per-array interface, each on-chip array), costed as the device's
//     load cell for its element type (its LUT, FF, area; Bambu's
//     ARRAY_1D_STD_BRAM_NN), not per access, except that an ASIC's
//     pointer arguments and off-chip buffers (their interfaces are
//     pointer arguments of the top) take Config.MemoryInterfaceUM2 (the
//     controller; their storage is outside the design); the on-chip arrays' storage
//     in LUT RAM up to Tuning.DistRAMBits bits, else in 36 Kb block RAMs.
func (m *kmodel) resources(ext []bool) Resources {
	var r Resources
	for _, id := range m.costs.sorted(len(m.units)) {
		n, k, c := m.units[id], m.costs.keys[id], m.costs.cost(id)
		if k.Op == "load" || k.Op == "store" {
			continue // the memory modules below
		}
		r.LUT += n * c.LUT
		r.FF += n * c.FF
		r.DSP += n * c.DSP
		r.BRAM += n * c.BRAM
		r.AreaUM2 += float64(n) * c.AreaUM2
		if s := m.static[id]; s > n && n > 0 {
			r.LUT += n * operands(k.Op) * k.Bits * ceilDiv(ceilDiv(s, n)-1, 3)
			r.AreaUM2 += float64(n*operands(k.Op)*k.Bits*(ceilDiv(s, n)-1)) * m.cfg.MuxUM2PerBit
		}
	}
	r.FF += m.live + 32*m.loops
	seen := make([]bool, m.nmem)
	for id, b := range m.k.Buffers {
		mem := m.mem[id]
		switch {
		case mem == memReg:
			if b.Role != loop.Constant {
				r.FF += elems(b) * m.types[id].bits
			}
			continue
		case !ext[id] && b.Role != loop.Input && b.Role != loop.Output && b.Space != loop.OffChip:
			r.add(memoryCost(b, m.tune))
			r.MemoryBits += int64(elems(b)) * int64(m.types[id].bits)
		}
		if !seen[mem] {
			seen[mem] = true
			c, ok := m.costs.lookup(opLoad, m.types[id])
			m.looked = append(m.looked, looked{t: m.types[id], ok: ok})
			if ok {
				m.looked[len(m.looked)-1].cost = *c
				r.LUT += c.LUT
				r.FF += c.FF
				if m.ext[id] && m.cfg.MemoryInterfaceUM2 > 0 { // pointer arguments and off-chip buffers
					r.AreaUM2 += m.cfg.MemoryInterfaceUM2
				} else {
					r.AreaUM2 += c.AreaUM2
				}
			}
		}
	}
	return r
}

// operands is how many data inputs a unit of op has.
func operands(op string) int {
	switch op {
	case "neg", "abs", "cast", "xor", "sqrt", "exp", "log", "tanh", "floor", "ceil", "rint",
		"erf", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
		"exp2", "expm1", "log2", "log10", "log1p", "cbrt", "trunc", "round":
		return 1
	case "fma", "select":
		return 3
	}
	return 2
}

func elems(b *loop.Buffer) int {
	n := 1
	for _, d := range b.Shape {
		n *= d
	}
	return n
}

// memoryCost is an on-chip array's memory: LUT RAM (a LUT6 holds 64×1
// bits, AMD UG474) up to tune.DistRAMBits bits, else block RAM, or the
// UltraRAMs placement put it in: 4K words of 72 bits each, side by side
// for wider words (AMD UG573).
func memoryCost(b *loop.Buffer, tune Tuning) Resources {
	n, w := elems(b), typeOf(b.Kind).bits
	if b.UltraRAM {
		return Resources{URAM: ceilDiv(w, 72) * ceilDiv(n, 4096)}
	}
	return memoryOf(n, w, tune)
}

func memoryOf(n, w int, tune Tuning) Resources {
	if n*w <= tune.DistRAMBits {
		return Resources{LUT: ceilDiv(n, 64) * w}
	}
	return Resources{BRAM: bram36(n, w)}
}

// bram36Shapes are a RAMB36E1's port aspect ratios (AMD UG473, 7 Series
// FPGAs Memory Resources, "RAMB36E1 … port aspect ratio"; 72 bits wide is
// the simple dual-port mode). UltraScale's RAMB36E2 has the same ones.
var bram36Shapes = [...]struct{ width, depth int }{
	{1, 32768}, {2, 16384}, {4, 8192}, {9, 4096}, {18, 2048}, {36, 1024}, {72, 512},
}

// bram36 is how many 36 Kb block RAMs hold n words of w bits: the
// narrowest aspect ratio that fits w, side by side when w is over 72.
func bram36(n, w int) int {
	for _, s := range bram36Shapes {
		if w <= s.width {
			return ceilDiv(n, s.depth)
		}
	}
	return ceilDiv(w, 72) * ceilDiv(n, 512)
}
