package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/targets"
)

// The schedule model (Estimate), how it turns loop IR into what Bambu
// would build:
//
//   - Blocks. The statements between loop boundaries form a basic block;
//     unrolled copies (an unroll(n) directive: n copies with the variable
//     shifted; unroll(full) or LLVM -O2's full unrolling: every iteration,
//     the variable a constant) join their block. Each block is scheduled
//     once: its operations (loads, stores, arithmetic, casts, calls, the
//     address adders of its accesses: schedule_addr.go; a binary operation
//     on the same values once: schedule_cse.go), each at the earliest time
//     its operands (and memory order: a load after a store that may write
//     its element, a store after loads and stores of it; accesses to
//     arguments that may overlap in program order) allow, in a state where
//     its memory has a free port. Bambu's list scheduler decides which
//     access gets a port first by priority, the longest path to the
//     block's end (schedule_prio.go); units are not limited — a kind has
//     as many as the schedule keeps busy at once. Combinational operations
//     chain while their delays fit the period; a multi-cycle unit starts
//     in the state its operands arrive if its input stage fits, and its
//     result is there Cycles states later. Scalars and reg buffers are
//     registers (no port, no state); a constant's element at a constant
//     index is folded (LLVM does).
//   - Memories: Config.Channels ports per memory per state; the array
//     arguments share one memory (SharedInterface) or have one each
//     (ArrayInterface); every on-chip array — each bank of a partitioned
//     buffer, each intermediate of a program — is a memory of its own.
//   - Loops run as a state machine, one iteration after another: a loop
//     costs its body's states per iteration plus Tuning.LoopCycles per pass
//     through its latch (none when fully unrolled). Trip counts come from
//     the bounds over the enclosing loops' variables (triangular loops
//     iterate their outer loops), and from constant data (CSR row
//     pointers); bounds read from non-constant data are an error. An if
//     without loops is predicated code in its block; one holding loops
//     costs its condition and its longer branch (a note says so).
//   - Kernels run one after another from the top; each call costs its body
//     plus Tuning.CallCycles. The interval between inferences is the
//     latency (nothing overlaps).
//   - Resources, power, energy: see kmodel.resources; power is
//     Config.StaticPowerW, plus the logic's activity power (Config.Activity
//     times the resources and the clock: what the vectorless power tools
//     the model is checked against report), plus the operations' energy
//     over the latency (power.go).
//     A design that needs more than Config.Capacity is infeasible
//     (Result.Feasible, Result.Infeasible), not an error.

// Interface is how a kernel's array arguments reach memory.
type Interface uint8

// The memory interfaces.
const (
	// SharedInterface is Bambu's default: every array argument goes
	// through one memory interface with Config.Channels ports.
	SharedInterface Interface = iota
	// ArrayInterface gives each array argument its own interface with
	// Config.Channels ports (Bambu's --generate-interface=INFER with an
	// interface XML, as SODA's full and nbt runs did).
	ArrayInterface
)

// Config is one design point's setting of the model.
type Config struct {
	Costs     Costs   // what each operation costs on the device
	ClockNS   float64 // clock period
	Channels  int     // memory ports per memory per state (Bambu's --channels-number)
	Interface Interface
	// LLVMUnroll models LLVM -O2 (Bambu's front end) fully unrolling a
	// loop with a constant trip count and a straight-line body whose
	// unrolled size is under Tuning.UnrollThreshold.
	LLVMUnroll bool
	// NoAlias: the array arguments never overlap (kiln's emitters mark
	// them noalias; SODA's plain runs did not). Without it, an access to
	// one argument is ordered after the stores to every other.
	NoAlias bool
	// OffChip is the device's external memory, which buffers placed
	// loop.OffChip are reached through (offchip.go); nil: none, and such
	// a buffer is an error.
	OffChip      *OffChip
	Tuning       *Tuning   // nil: DefaultTuning()
	Capacity     *Capacity // the device's resources; nil: no feasibility check (ASICs)
	StaticPowerW float64   // the device's static power
	Activity     Activity  // the logic's energy per clock cycle (power.go)
	// AreaFixedUM2 is an ASIC design's area beyond its units' (its
	// controller, registers and glue), once per design.
	AreaFixedUM2 float64
	// MuxUM2PerBit is an ASIC's area of one bit of a 2:1 multiplexer:
	// a unit shared by f operations adds f−1 of them per operand bit.
	// MemoryInterfaceUM2 is an ASIC's area of the memory controller
	// behind a kernel's pointer arguments, once per memory interface, in
	// place of the on-chip array cell (Bambu's BMEMORY_CTRLN). Both zero
	// (FPGAs, test tables): no multiplexer area, and the array cell's.
	// On an FPGA the array cell's LUTs stay: with the controller's 136
	// instead, the PolyBench LUT median grows from 26 % to 29 % (the
	// model counts no FSM or comparator LUTs, which the cell's stand in
	// for).
	MuxUM2PerBit, MemoryInterfaceUM2 float64
	// ASIC: the device is a cell library; resources are its area only
	// (LUT, FF, DSP and BRAM figures some of its table rows carry over
	// from FPGA libraries are dropped).
	ASIC bool
}

// Tuning holds the model's parameters that no table gives.
type Tuning struct {
	// LoopCycles is the cost of one pass through a loop's latch (the
	// state that increments the variable and compares it with the bound).
	LoopCycles int
	// CallCycles is the cost of a kernel call beyond its body (the start
	// and done handshake).
	CallCycles int
	// UnrollThreshold is LLVM's full-unroll size threshold at -O2.
	UnrollThreshold int
	// DistRAMBits is the largest memory, in bits, that becomes
	// distributed (LUT) RAM rather than block RAM.
	DistRAMBits int
	// RegisteredInputCycles is taken off the soft-float and libm latencies
	// that softfloat_libm.csv measured as top functions with registered
	// inputs (see estimate_units.go), not off the tutorial log's, which
	// are already a caller's.
	RegisteredInputCycles int
}

// DefaultTuning is the model's parameters, global (no kernel has its own),
// as calibrated on SODA's PolyBench runs (calibration_test.go):
//
//   - LoopCycles 1: one FSM state per latch pass (an assumption of
//     Bambu's FSM); the grid fit on four kernels (TestCalibrationHoldOut)
//     picks 1 too.
//   - CallCycles 2: a call's states beyond its body, Bambu's entry and
//     done states. Evidence: the tutorial's optimized kernel is one
//     straight-line block, so its cycles are its FSM's states ("Number
//     of states: 56" and 56 cycles in bambu-logs/tensorflow-tutorial-
//     2024.10/optimized/bambu-log), of which the model's block is 54; the
//     grid fit on four kernels picks 2 as well (worst training median
//     9.7 %, held-out kernels 4.8–7.1 %). With 2 the PolyBench
//     medians are 9.1, 1.7, 7.3 and 7.9 % (xc7vx690t none, full/nbt;
//     nangate45 none, full/nbt); with 1, 8.2, 4.3, 7.5 and 10.3 %.
//   - UnrollThreshold 150: LLVM's -unroll-threshold default at -O2
//     (llvm/lib/Transforms/Scalar/LoopUnrollPass.cpp, UnrollThresholdDefault;
//     the aggressive 300 is for -O3).
//   - DistRAMBits 256: Bambu's --distram-threshold default, also set by
//     BAMBU-BALANCED-MP (../shared/calibration/polybench_kernels.md §2.2).
//   - RegisteredInputCycles 1: the input register state of a unit
//     measured as a top function with --registered-inputs=top (every row
//     of softfloat_libm.csv, its bambu_args column); not a fit: without it
//     the Virtex-7 medians are 20 % and 26 % (rows too slow), with it
//     9.1 % and 1.7 %, and nangate45's, whose 2 ns latencies interpolate a
//     csv point and the tutorial log's (a caller's latency already), stay
//     at 7.3 % and 7.9 % either way (estimate_units.go).
func DefaultTuning() Tuning {
	return Tuning{LoopCycles: 1, CallCycles: 2, UnrollThreshold: 150, DistRAMBits: 256, RegisteredInputCycles: 1}
}

// Capacity is what an FPGA has.
type Capacity struct {
	LUT, FF, DSP, BRAM36, URAM int
}

// Resources is what a design uses. BRAM counts 36 Kb blocks, URAM 288 Kb
// UltraRAMs (arrays placed there: loop.Buffer.UltraRAM); AreaUM2 is the
// ASIC area of the functional units, their multiplexers and memory
// interfaces; MemoryBits (ASICs only) the bits of its on-chip arrays,
// whose area AreaUM2 leaves out: nothing in ../shared gives the area of
// a library's memories.
type Resources struct {
	LUT        int     `json:"lut"`
	FF         int     `json:"ff"`
	DSP        int     `json:"dsp"`
	BRAM       int     `json:"bram"`
	URAM       int     `json:"uram,omitempty"`
	AreaUM2    float64 `json:"area_um2"`
	MemoryBits int64   `json:"memory_bits,omitempty"`
}

func (r *Resources) add(o Resources) {
	r.LUT += o.LUT
	r.FF += o.FF
	r.DSP += o.DSP
	r.BRAM += o.BRAM
	r.URAM += o.URAM
	r.AreaUM2 += o.AreaUM2
	r.MemoryBits += o.MemoryBits
}

// Utilization is a design's resources as fractions of the device's.
type Utilization struct {
	LUT  float64 `json:"lut"`
	FF   float64 `json:"ff"`
	DSP  float64 `json:"dsp"`
	BRAM float64 `json:"bram"`
	URAM float64 `json:"uram,omitempty"`
}

// Layer is one kernel call of the top.
type Layer struct {
	Kernel    string    `json:"kernel"`
	Nodes     []string  `json:"nodes,omitempty"` // the graph nodes it computes
	Cycles    int64     `json:"cycles"`
	LatencyUS float64   `json:"latency_us"`
	EnergyUJ  float64   `json:"energy_uj"`
	Ops       int64     `json:"ops"`
	Resources Resources `json:"resources"` // the kernel's hardware (shared by its calls)

	// OffChipBytes is what a call moves to and from off-chip memory;
	// BandwidthBoundShare the share of its cycles it waits on the
	// off-chip bandwidth (offchip.go).
	OffChipBytes        int64   `json:"offchip_bytes,omitempty"`
	BandwidthBoundShare float64 `json:"bandwidth_bound_share,omitempty"`
}

// Result is what a design costs (Estimate's answer).
type Result struct {
	ClockNS        float64      `json:"clock_ns"`
	Cycles         int64        `json:"cycles"`
	LatencyUS      float64      `json:"latency_us"`
	IntervalCycles int64        `json:"interval_cycles"` // between inferences: no overlap
	ThroughputInfS float64      `json:"throughput_inf_s"`
	Resources      Resources    `json:"resources"`
	Utilization    *Utilization `json:"utilization,omitempty"`
	PowerW         float64      `json:"power_w"`
	StaticPowerW   float64      `json:"static_power_w"`
	DynamicPowerW  float64      `json:"dynamic_power_w"`  // activity plus operations
	ActivityPowerW float64      `json:"activity_power_w"` // the clocked logic's share of it
	EnergyUJ       float64      `json:"energy_uj"`
	Ops            int64        `json:"ops"` // operations executed per inference
	Layers         []Layer      `json:"layers"`
	Feasible       bool         `json:"feasible"`
	Infeasible     []string     `json:"infeasible,omitempty"` // what exceeds the device
	Notes          []string     `json:"notes,omitempty"`      // approximations this estimate made

	// OffChipBytes is what an inference moves to and from off-chip
	// memory; BandwidthBoundShare the share of its cycles spent waiting
	// on the off-chip bandwidth (offchip.go).
	OffChipBytes        int64   `json:"offchip_bytes,omitempty"`
	BandwidthBoundShare float64 `json:"bandwidth_bound_share,omitempty"`
	ocWait              int64   // the cycles of it
}

func (c *Config) check() (Tuning, error) {
	t := DefaultTuning()
	if c.Tuning != nil {
		t = *c.Tuning
	}
	switch {
	case c.Costs == nil:
		return t, errors.New("sim: no cost tables (Config.Costs)")
	case !(c.ClockNS > 0 && c.ClockNS < 1e6):
		return t, fmt.Errorf("sim: clock period %g ns", c.ClockNS)
	case c.Channels < 1 || c.Channels > 1024:
		return t, fmt.Errorf("sim: %d memory channels (want at least 1)", c.Channels)
	case c.Interface > ArrayInterface:
		return t, fmt.Errorf("sim: unknown memory interface %d", c.Interface)
	case t.LoopCycles < 0 || t.CallCycles < 0 || t.UnrollThreshold < 0 || t.DistRAMBits < 0:
		return t, fmt.Errorf("sim: negative tuning parameter in %+v", t)
	}
	return t, c.OffChip.check()
}

// Estimator estimates design after design, keeping its scratch storage
// (the schedule tables of the block being built) from one to the next, as
// a sweep's worker does, and each kernel's estimate of the last design
// (keep): a kernel met again at the same position of the program, the
// same pointer, under the same settings and cost answers is not scheduled
// again. A kernel built a second time under other clock or channel
// settings is recorded (a trace: its blocks' operations, the rest of its
// build that does not depend on the clock) and from then on scheduled
// from its trace alone (estimate_trace.go), with the same results. So a
// kernel must not change once an Estimator has estimated it (kiln's
// passes build new kernels); the Estimator holds the last design's
// kernels and its traces' kernels. It is not safe for concurrent use; the
// zero value is ready.
type Estimator struct {
	sc   scratch
	keep keep
	tr   traces // kernels' traces (estimate_trace.go)
}

// scratch is storage an Estimator keeps between estimates.
type scratch struct {
	spare  *blk                     // the block being built (kmodel.newBlk)
	memo   map[*loop.For]unrollMemo // kmodel.unrolled's answers
	km     kmodel                   // the kernel being estimated
	loops  [][]loopSeg              // slabs of loopSegs
	nloop  int                      // loopSegs used
	stack  []seg                    // the segs of the builders at work
	segs   [][]seg                  // slabs of finished seg lists
	nseg   int                      // segs used in the last slab
	ids    []int32                  // costCache.sorted's result
	env    []int                    // loop variables' values
	cache  costCache                // the cost tables' answers
	exts   [][]bool                 // Estimate's arguments per kernel
	flags  []bool                   // their storage
	calls  []int                    // Estimate's kernel per call
	models []kernelEst              // estimate's kernels
	done   []bool                   // estimate's kernels done
	tids   []int32                  // a replay's operation IDs per trace kind
	rec    *recorder                // the trace being recorded; nil: none
	sums   []sum                    // plan.eval's stack
}

// newLoop is a zero loopSeg from the slabs.
func (sc *scratch) newLoop() *loopSeg {
	const slab = 64
	i, j := sc.nloop/slab, sc.nloop%slab
	if i == len(sc.loops) {
		sc.loops = append(sc.loops, make([]loopSeg, slab))
	}
	sc.nloop++
	ls := &sc.loops[i][j]
	*ls = loopSeg{}
	return ls
}

// keep copies segs into the slabs.
func (sc *scratch) keep(segs []seg) []seg {
	if len(segs) == 0 {
		return nil
	}
	last := len(sc.segs) - 1
	if last < 0 || sc.nseg+len(segs) > cap(sc.segs[last]) {
		sc.segs = append(sc.segs, make([]seg, 0, max(256, len(segs))))
		last, sc.nseg = last+1, 0
	}
	slab := sc.segs[last][:sc.nseg+len(segs)]
	copy(slab[sc.nseg:], segs)
	out := slab[sc.nseg:len(slab):len(slab)]
	sc.nseg += len(segs)
	return out
}

// reset makes the slabs free for the next estimate.
func (sc *scratch) reset() {
	sc.nloop, sc.stack, sc.rec = 0, sc.stack[:0], nil
	if n := len(sc.segs); n > 1 {
		sc.segs = sc.segs[n-1:] // keep the newest slab only
	}
	sc.nseg = 0
	if sc.memo == nil {
		sc.memo = map[*loop.For]unrollMemo{}
	}
}

// EstimateKernel is EstimateKernel on a one-off Estimator (that keeps
// no kernel estimates).
func EstimateKernel(k *loop.Kernel, cfg Config) (*Result, error) {
	return (&Estimator{keep: keep{off: true}}).EstimateKernel(k, cfg)
}

// Estimate is Estimate on a one-off Estimator (that keeps no kernel
// estimates).
func Estimate(p *loop.Program, cfg Config) (*Result, error) {
	return (&Estimator{keep: keep{off: true}}).Estimate(p, cfg)
}

// EstimateKernel estimates one kernel as a top function of its own: its
// array parameters are the accelerator's arguments, reached through
// cfg.Interface. k must verify (loop.Verify).
func (x *Estimator) EstimateKernel(k *loop.Kernel, cfg Config) (*Result, error) {
	if k == nil {
		return nil, errors.New("sim: nil kernel")
	}
	p := &loop.Program{Name: k.Name, Kernels: []*loop.Kernel{k}}
	ext := make([]bool, len(k.Buffers))
	for _, id := range k.Params {
		if int(id) >= 0 && int(id) < len(ext) {
			ext[id] = true
		}
	}
	return x.estimate(p, cfg, []int{0}, [][]bool{ext})
}

// Estimate estimates a program: its top calls the kernels in order, so the
// cycles add up; each kernel's hardware counts once however often it is
// called. The top's inputs and outputs are the accelerator's arguments
// (cfg.Interface), its intermediates on-chip memories of their own. p
// must verify (loop.VerifyProgram).
func (x *Estimator) Estimate(p *loop.Program, cfg Config) (*Result, error) {
	if p == nil {
		return nil, errors.New("sim: nil program")
	}
	sc := &x.sc
	ext := resizeZero(sc.exts, len(p.Kernels))
	calls := resizeZero(sc.calls, len(p.Calls))
	sc.exts, sc.calls, sc.flags = ext, calls, sc.flags[:0]
	for i, c := range p.Calls {
		if c.Kernel < 0 || c.Kernel >= len(p.Kernels) || p.Kernels[c.Kernel] == nil {
			return nil, fmt.Errorf("sim: call %d: unknown kernel %d", i, c.Kernel)
		}
		k := p.Kernels[c.Kernel]
		if len(c.Args) != len(k.Params) {
			return nil, fmt.Errorf("sim: call %d: %s takes %d arguments, given %d", i, k.Name, len(k.Params), len(c.Args))
		}
		calls[i] = c.Kernel
		if ext[c.Kernel] == nil {
			ext[c.Kernel] = sc.argsExternal(p, k, c)
		}
	}
	return x.estimate(p, cfg, calls, ext)
}

// argsExternal marks the kernel's parameters that the call binds to the
// top's own arguments.
func (sc *scratch) argsExternal(p *loop.Program, k *loop.Kernel, c loop.KernelCall) []bool {
	n := len(sc.flags)
	if cap(sc.flags)-n < len(k.Buffers) { // a new slab: the old one's slices stay valid
		sc.flags = make([]bool, 0, max(256, 2*cap(sc.flags), len(k.Buffers)))
		n = 0
	}
	sc.flags = append(sc.flags, make([]bool, len(k.Buffers))...)
	ext := sc.flags[n:len(sc.flags):len(sc.flags)]
	for j, id := range c.Args {
		if int(id) >= 0 && int(id) < len(p.Buffers) && p.Buffers[id].Role != loop.Temp {
			ext[k.Params[j]] = true
		}
	}
	return ext
}

func (x *Estimator) estimate(p *loop.Program, cfg Config, calls []int, ext [][]bool) (e *Result, err error) {
	tune, err := cfg.check()
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil { // a program that does not verify
			e, err = nil, fmt.Errorf("sim: %s: malformed program (does it verify?): %v", p.Name, r)
		}
	}()
	x.sc.reset()
	x.keep.start(len(p.Kernels))
	cache := &x.sc.cache
	cache.reset(cfg, tune, &x.sc)
	defer func() {
		if x.sc.spare != nil {
			x.sc.spare.m = nil
		}
		x.sc.km = kmodel{sub: x.sc.km.sub, units: x.sc.km.units, static: x.sc.km.static, mem: x.sc.km.mem, types: x.sc.km.types, looked: x.sc.km.looked}
	}()
	models := resizeZero(x.sc.models, len(p.Kernels))
	done := resizeZero(x.sc.done, len(p.Kernels))
	x.sc.models, x.sc.done = models, done
	e = &Result{ClockNS: cfg.ClockNS, Layers: make([]Layer, 0, len(calls))}
	var pj float64
	for _, ki := range calls {
		if !done[ki] {
			done[ki] = true
			if models[ki], err = x.kernel(ki, p.Kernels[ki], &cfg, tune, ext[ki]); err != nil {
				return nil, err
			}
			e.Resources.add(models[ki].res)
			e.Notes = appendNew(e.Notes, models[ki].notes...)
		}
		ke := models[ki]
		l := Layer{Kernel: p.Kernels[ki].Name, Cycles: ke.t.cycles, Ops: ke.t.ops, Resources: ke.res}
		l.LatencyUS = float64(l.Cycles) * cfg.ClockNS / 1000
		l.EnergyUJ = ke.t.pj * 1e-6 // finish adds the design's standing power
		if ki < len(p.KernelNodes) {
			l.Nodes = p.KernelNodes[ki]
		}
		e.offchipLayer(&l, &ke.t)
		e.Layers = append(e.Layers, l)
		e.Cycles += l.Cycles
		e.Ops += l.Ops
		pj += ke.t.pj
	}
	off := offchipTemps(p)
	for id, b := range p.Buffers {
		if b != nil && b.Role == loop.Temp && (off == nil || !off[id]) {
			e.Resources.add(memoryCost(b, tune))
		}
	}
	e.finish(cfg, pj)
	return e, nil
}

// finish derives the time, power, energy and feasibility figures.
func (e *Result) finish(cfg Config, pj float64) {
	e.IntervalCycles = e.Cycles
	e.LatencyUS = float64(e.Cycles) * cfg.ClockNS / 1000
	if cfg.ASIC {
		e.Resources.AreaUM2 += cfg.AreaFixedUM2
	}
	e.power(cfg, pj)
	e.Feasible = true
	if cfg.ASIC {
		e.Resources = Resources{AreaUM2: e.Resources.AreaUM2, MemoryBits: e.Resources.MemoryBits}
		for i := range e.Layers {
			e.Layers[i].Resources = Resources{AreaUM2: e.Layers[i].Resources.AreaUM2, MemoryBits: e.Layers[i].Resources.MemoryBits}
		}
		e.Notes = appendNew(e.Notes, "ASIC area is the functional units', their multiplexers' and memory interfaces', and the library's fixed area per design (targets' asic_area); each layer's is its own without the fixed area")
		if e.Resources.MemoryBits > 0 {
			e.Notes = appendNew(e.Notes, "the on-chip arrays' storage (memory_bits) is not in the ASIC area: nothing in kiln's data gives the area of the library's memories (SRAM macros or flip-flop arrays)")
		}
	} else {
		e.Resources.MemoryBits = 0
		for i := range e.Layers {
			e.Layers[i].Resources.MemoryBits = 0
		}
	}
	c := cfg.Capacity
	if c == nil {
		return
	}
	e.Utilization = &Utilization{LUT: frac(e.Resources.LUT, c.LUT), FF: frac(e.Resources.FF, c.FF),
		DSP: frac(e.Resources.DSP, c.DSP), BRAM: frac(e.Resources.BRAM, c.BRAM36), URAM: frac(e.Resources.URAM, c.URAM)}
	for _, r := range []struct {
		name       string
		need, have int
	}{{"LUT", e.Resources.LUT, c.LUT}, {"FF", e.Resources.FF, c.FF}, {"DSP", e.Resources.DSP, c.DSP}, {"BRAM36", e.Resources.BRAM, c.BRAM36},
		{"URAM", e.Resources.URAM, c.URAM}} {
		if r.need > r.have && (r.have > 0 || r.name == "URAM") {
			e.Feasible = false
			e.Infeasible = append(e.Infeasible, fmt.Sprintf("%s: the design needs %d, the device has %d", r.name, r.need, r.have))
		}
	}
}

func frac(n, of int) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func appendNew(list []string, more ...string) []string {
	for _, s := range more {
		found := false
		for _, t := range list {
			found = found || t == s
		}
		if !found {
			list = append(list, s)
		}
	}
	return list
}

// costCache asks the cost tables once per operation kind, and numbers
// the kinds (IDs) so that schedules count units in slices. An
// Estimator's scratch keeps one, emptied for each estimate.
type costCache struct {
	cfg       Config
	regCycles int     // Tuning.RegisteredInputCycles
	slot      []int32 // ID+1 per (operation, type, width); 0: not asked yet
	used      []int32 // the slots set
	keys      []OpKey
	kinds     []kind // per ID: the operation and type asked
	costs     []OpCost
	errs      []error
	sc        *scratch
	addr      int32   // the address adder's ID + 1; 0: not asked, −1: the tables have none (schedule_addr.go)
	order     []int32 // the IDs in the order of their keys (sorted)
	dup       bool    // an ID shares its key with another (register)
}

// reset empties c for an estimate with cfg.
func (c *costCache) reset(cfg Config, tune Tuning, sc *scratch) {
	for _, s := range c.used {
		c.slot[s] = 0
	}
	if c.slot == nil {
		c.slot, c.order = make([]int32, len(opNames)*3*65), make([]int32, 0, 64)
	}
	c.cfg, c.regCycles, c.sc, c.used, c.errs, c.addr = cfg, tune.RegisteredInputCycles, sc, c.used[:0], nil, 0
	c.keys, c.kinds, c.costs = c.keys[:0], c.kinds[:0], c.costs[:0]
	c.order, c.dup = c.order[:0], false
}

// id is the number of operation o on type t.
func (c *costCache) id(o op, t vtype) int32 {
	s := (int32(o)*3+int32(t.typ))*65 + int32(min(max(t.bits, 0), 64))
	if id := c.slot[s]; id > 0 {
		if r := c.sc.rec; r != nil {
			r.kind(id-1, kind{o, t})
		}
		return id - 1
	}
	k := OpKey{Op: opNames[o], Type: typeNames[t.typ], Bits: t.bits}
	var oc OpCost
	var lat targets.Latency
	var err error
	if lc, ok := c.cfg.Costs.(latencyCosts); ok {
		oc, lat, err = lc.opCostLatency(k, c.cfg.ClockNS)
	} else {
		oc, err = c.cfg.Costs.OpCost(k, c.cfg.ClockNS)
	}
	if err != nil {
		c.errs = append(c.errs, fmt.Errorf("%v: %w", k, err))
		oc = OpCost{}
	}
	oc.II = max(oc.II, 1)
	if oc.Cycles > 0 && o != opLoad && o != opStore && c.regCycles != 0 {
		n := inDesignCycles(oc.Cycles, &lat, c.cfg.ClockNS, c.regCycles)
		if oc.II >= oc.Cycles { // not pipelined: busy for its whole latency
			oc.II = n
		}
		oc.Cycles = n
	}
	id := int32(len(c.keys))
	c.slot[s] = id + 1
	c.used = append(c.used, s)
	c.keys = append(c.keys, k)
	c.kinds = append(c.kinds, kind{o, t})
	c.costs = append(c.costs, oc)
	if r := c.sc.rec; r != nil {
		r.kind(id, kind{o, t})
	}
	return id
}

func (c *costCache) cost(id int32) *OpCost { return &c.costs[id] }

// lookup is the cost of o on t if an estimate has asked for it already.
func (c *costCache) lookup(o op, t vtype) (*OpCost, bool) {
	s := (int32(o)*3+int32(t.typ))*65 + int32(min(max(t.bits, 0), 64))
	if id := c.slot[s]; id > 0 {
		return &c.costs[id-1], true
	}
	return nil, false
}

// sorted is the IDs below n in the order of their keys (sums of floats
// over them are then deterministic whatever order the kinds came in).
// All IDs are kept in that order (c.order) as they come, so each kernel's
// are picked from it; an off-chip ID (register) shares its key with
// another, whose order a sort of the kernel's own decides, as before.
func (c *costCache) sorted(n int) []int32 {
	ids := c.sc.ids[:0]
	if c.dup {
		for i := range n {
			ids = append(ids, int32(i))
		}
		slices.SortFunc(ids, c.cmpKeys)
		c.sc.ids = ids
		return ids
	}
	for id := int32(len(c.order)); int(id) < len(c.keys); id++ {
		at, _ := slices.BinarySearchFunc(c.order, id, c.cmpKeys)
		c.order = slices.Insert(c.order, at, id)
	}
	for _, id := range c.order {
		if int(id) < n {
			ids = append(ids, id)
		}
	}
	c.sc.ids = ids
	return ids
}

// cmpKeys orders IDs by their keys.
func (c *costCache) cmpKeys(i, j int32) int {
	a, b := c.keys[i], c.keys[j]
	if a.Op != b.Op {
		return strings.Compare(a.Op, b.Op)
	}
	if a.Type != b.Type {
		return strings.Compare(a.Type, b.Type)
	}
	return a.Bits - b.Bits
}

func ceilDiv(a, b int) int { return int(math.Ceil(float64(a) / float64(b))) }
