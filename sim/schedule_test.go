package sim

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
)

// fixture is a cost table for the tests: numbers chosen to make schedules
// easy to compute by hand, not any device's. Keys are "op.type"; the width
// does not matter.
type fixture map[string]OpCost

func (f fixture) OpCost(k OpKey, clockNS float64) (OpCost, error) {
	c, ok := f[k.Op+"."+k.Type]
	if !ok {
		return OpCost{}, fmt.Errorf("no row for %v", k)
	}
	return c, nil
}

// testCosts at a 10 ns period: an integer add is combinational (3 ns, so
// three chain in a state); soft-float add 4 cycles, mul 3; a load takes 2
// cycles, a store is combinational.
var testCosts = fixture{
	"add.int":      {DelayNS: 3, LUT: 32, EnergyPJ: 1},
	"mul.int":      {DelayNS: 6, DSP: 1, EnergyPJ: 2},
	"cmp.int":      {DelayNS: 2, LUT: 16, EnergyPJ: 0.5},
	"cast.int":     {DelayNS: 0.5},
	"add.float":    {Cycles: 4, II: 1, DelayNS: 2, LUT: 400, FF: 300, EnergyPJ: 4},
	"sub.float":    {Cycles: 4, II: 1, DelayNS: 2, LUT: 400, FF: 300, EnergyPJ: 4},
	"mul.float":    {Cycles: 3, II: 1, DelayNS: 2, LUT: 100, FF: 200, DSP: 2, EnergyPJ: 6},
	"div.float":    {Cycles: 12, II: 12, DelayNS: 2, LUT: 800, FF: 600, EnergyPJ: 20},
	"cmp.float":    {DelayNS: 4, LUT: 60, EnergyPJ: 1},
	"select.float": {DelayNS: 1, LUT: 32, EnergyPJ: 0.2},
	"exp.float":    {Cycles: 20, II: 1, DelayNS: 2, LUT: 2000, FF: 1500, DSP: 4, EnergyPJ: 50},
	"sqrt.float":   {Cycles: 15, II: 15, DelayNS: 2, LUT: 900, FF: 700, EnergyPJ: 30},
	"cast.float":   {Cycles: 2, II: 1, DelayNS: 2, LUT: 150, EnergyPJ: 2},
	"load.float":   {Cycles: 2, II: 1, DelayNS: 1, EnergyPJ: 0.5},
	"store.float":  {DelayNS: 1, EnergyPJ: 0.5},
	"load.int":     {Cycles: 2, II: 1, DelayNS: 1, EnergyPJ: 0.5},
	"store.int":    {DelayNS: 1, EnergyPJ: 0.5},
}

// testConfig: 10 ns, the given channels, one latch state per iteration,
// no call overhead (so a kernel's cycles are its body's), arguments that
// do not alias.
func testConfig(channels int) Config {
	return Config{Costs: testCosts, ClockNS: 10, Channels: channels, NoAlias: true,
		Tuning: &Tuning{LoopCycles: 1, CallCycles: 0, UnrollThreshold: 150, DistRAMBits: 256}}
}

func estimateText(t *testing.T, src string, cfg Config) *Result {
	t.Helper()
	k, err := loop.Parse(src, nil)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	e, err := EstimateKernel(k, cfg)
	require.NoError(t, err)
	return e
}

// TestSchedules: kernels whose schedules are worked out by hand in the
// comments, against the fixture.
func TestSchedules(t *testing.T) {
	shared1, array1, llvm, llvm10 := testConfig(1), testConfig(1), testConfig(2), testConfig(2)
	array1.Interface = ArrayInterface
	llvm.LLVMUnroll = true
	llvm10.LLVMUnroll = true
	llvm10.Tuning = &Tuning{LoopCycles: 1, UnrollThreshold: 10, DistRAMBits: 256}
	aliasing := testConfig(2)
	aliasing.NoAlias = false
	sum4 := `kernel s(in x: i32[4], out y: i32[1]) {
  temp acc: i32 reg
  acc = 0:i32
  for i in 0..4 {
    acc = acc + x[i]
  }
  y[0] = acc
}`
	cases := []struct {
		name string
		src  string
		cfg  Config
		want int64
	}{
		// a+b+a: two adds, 6 ns; the store (1 ns) chains: one state.
		{"chain of 2 adds", `kernel c(in a: i32, in b: i32, out y: i32[1]) { y[0] = a + b + a }`, testConfig(2), 1},
		// three adds 0–9 ns, the store 9–10 ns: still one state.
		{"chain of 3 adds", `kernel c(in a: i32, in b: i32, out y: i32[1]) { y[0] = a + b + a + b }`, testConfig(2), 1},
		// the fourth add (9 + 3 > 10) starts state 1.
		{"chain of 4 adds", `kernel c(in a: i32, in b: i32, out y: i32[1]) { y[0] = a + b + a + b + a }`, testConfig(2), 2},
		// load state 0–1, fadd 2–5, store 6: 7 states, + 1 latch = 8 × 10.
		{"loop overhead", `kernel l(in x: f32[10], out y: f32[10]) {
  for i in 0..10 {
    y[i] = x[i] + 1.0
  }
}`, testConfig(2), 80},
		// two loads in state 0 (2 ports), add state 2, store: 3 states.
		{"two loads, two channels", `kernel m(in x: i32[2], out y: i32[1]) { y[0] = x[0] + x[1] }`, testConfig(2), 3},
		// one port: the second load waits for state 1, the add for 3.
		{"two loads, one channel", `kernel m(in x: i32[2], out y: i32[1]) { y[0] = x[0] + x[1] }`, shared1, 4},
		// two arguments behind one shared port, then behind their own.
		{"shared interface", `kernel m(in x: i32[1], in w: i32[1], out y: i32[1]) { y[0] = x[0] + w[0] }`, shared1, 4},
		{"per-array interface", `kernel m(in x: i32[1], in w: i32[1], out y: i32[1]) { y[0] = x[0] + w[0] }`, array1, 3},
		// not unrolled: load 0, add 2, store 2: 3 states + 1 latch, × 8.
		{"no unroll", `kernel u(in x: i32[8], out y: i32[8]) {
  for i in 0..8 {
    y[i] = x[i] + 1:i32
  }
}`, testConfig(2), 32},
		// unroll(2): both copies' loads in state 0, adds and stores in 2: 4 × (3 + 1).
		{"unroll 2", `kernel u(in x: i32[8], out y: i32[8]) {
  for i in 0..8 unroll(2) {
    y[i] = x[i] + 1:i32
  }
}`, testConfig(2), 16},
		// one channel: loads 0 and 1, the copies' adds/stores in 2 and 3: 4 × (4 + 1).
		{"unroll 2, one channel", `kernel u(in x: i32[8], out y: i32[8]) {
  for i in 0..8 unroll(2) {
    y[i] = x[i] + 1:i32
  }
}`, shared1, 20},
		// 7 trips by 2: 3 passes of the pair (3 + 1), 1 of the remainder (3 + 1).
		{"unroll 2, remainder", `kernel u(in x: i32[7], out y: i32[7]) {
  for i in 0..7 unroll(2) {
    y[i] = x[i] + 1:i32
  }
}`, testConfig(2), 16},
		// one memory, one port: the loads of w[2i] and w[2i+1] take states
		// 0 and 1, the add 3: 4 states (+1 latch) × 4.
		{"one bank", `kernel p(out y: i32[4]) {
  const w: i32[8] = {1, 2, 3, 4, 5, 6, 7, 8}
  for i in 0..4 {
    y[i] = w[2*i] + w[2*i + 1]
  }
}`, shared1, 20},
		// partitioned: banks w_p0, w_p1 are memories with their own port.
		{"two banks", `kernel p(out y: i32[4]) {
  const w_p0: i32[4] = {1, 3, 5, 7}
  const w_p1: i32[4] = {2, 4, 6, 8}
  for i in 0..4 {
    y[i] = w_p0[i] + w_p1[i]
  }
}`, shared1, 16},
		// a loop: 4 × (load 0, add 2: 3 + 1), then the store's state.
		{"-O2 unroll off", sum4, testConfig(2), 17},
		// unrolled (size 3 × 4 + 2 < 150): loads 0,0,1,1; adds 20–23,
		// 23–26, 30–33, 33–36, the store in state 3: 4 states.
		{"-O2 unroll on", sum4, llvm, 4},
		// unrolled size 14 ≥ 10: stays a loop.
		{"-O2 unroll under threshold 10", sum4, llvm10, 17},
		// unroll(full) without -O2: as unrolled.
		{"unroll full", `kernel s(in x: i32[4], out y: i32[1]) {
  temp acc: i32 reg
  acc = 0:i32
  for i in 0..4 unroll(full) {
    acc = acc + x[i]
  }
  y[0] = acc
}`, testConfig(2), 4},
		// a memory-carried accumulation: load y after the previous store
		// (arguments that may alias: nothing forwarded). Copy 0: load 0,
		// add 2, store 2; copy 1 loads y[0] in 3 (after the store), x[1]
		// in 0: add 5, store 5: 6 states.
		{"memory dependence", `kernel d(in x: i32[2], out y: i32[1]) {
  for i in 0..2 unroll(full) {
    y[0] = y[0] + x[i]
  }
}`, aliasing, 6},
		// the same with noalias: copy 1's y[0] is copy 0's sum (store-to-
		// load forwarding), its add follows copy 0's at once: 4 states.
		{"forwarded", `kernel d(in x: i32[2], out y: i32[1]) {
  for i in 0..2 unroll(full) {
    y[0] = y[0] + x[i]
  }
}`, testConfig(2), 4},
		// arguments that may alias: copy 1's load of x[1] waits for copy
		// 0's store of y[0] (state 2): x[1] loads in 3, y[0] in 3; add 5,
		// store 5: 6 states, as the dependence through y.
		{"may alias", `kernel d(in x: i32[2], out y: i32[2]) {
  for i in 0..2 unroll(full) {
    y[i] = x[i] + 1:i32
  }
}`, aliasing, 6},
		// the same with noalias: both loads in state 0: 3 states.
		{"noalias", `kernel d(in x: i32[2], out y: i32[2]) {
  for i in 0..2 unroll(full) {
    y[i] = x[i] + 1:i32
  }
}`, testConfig(2), 3},
		// different elements do not wait: y[0] and y[1] both load in 0.
		// Loads y0, x0 at 0, y1, x1 at 1 (2 ports), add/store 2 and 3: 4.
		{"no dependence", `kernel d(in x: i32[2], out y: i32[2]) {
  for i in 0..2 unroll(full) {
    y[i] = y[i] + x[i]
  }
}`, testConfig(2), 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := estimateText(t, c.src, c.cfg)
			assert.Equal(t, c.want, e.Cycles)
		})
	}
}

// TestCSRTripCounts: a loop over a constant CSR row-pointer array runs the
// rows' real lengths (2, 1, 2, 1, 2). The p body: val[p] and col[p] load
// in state 0, x[col[p], f] in 2, fmul 4–6, fadd 7–10: 11 states + 1 latch.
// Per row: 2 × (12·len + 1 store state + 1 latch) + 1 latch = 24·len + 5;
// Σ len = 8 over 5 rows: 24·8 + 25 = 217.
func TestCSRTripCounts(t *testing.T) {
	src := `kernel gcn(in x: f32[5,2], out y: f32[5,2]) {
  const rowptr: i32[6] = {0, 2, 3, 5, 6, 8}
  const col: i32[8] = {0, 1, 1, 0, 2, 3, 3, 4}
  const val: f32[8] = {0.5, 0.5, 1.0, 0.25, 0.75, 1.0, 0.5, 0.5}
  temp acc: f32 reg
  for i in 0..5 {
    for f in 0..2 {
      acc = 0.0
      for p in rowptr[i]..rowptr[i + 1] {
        acc = acc + val[p] * x[col[p], f]
      }
      y[i, f] = acc
    }
  }
}`
	e := estimateText(t, src, testConfig(2))
	assert.Equal(t, int64(217), e.Cycles)

	// Row pointers that arrive at run time: the trip count is unknown.
	k, err := loop.Parse(`kernel gcn(in rowptr: i32[3], in x: f32[4], out y: f32[2]) {
  temp acc: f32 reg
  for i in 0..2 {
    acc = 0.0
    for p in rowptr[i]..rowptr[i + 1] {
      acc = acc + x[0]
    }
    y[i] = acc
  }
}`, nil)
	require.NoError(t, err)
	_, err = EstimateKernel(k, testConfig(2))
	assert.ErrorContains(t, err, "rowptr, which is not constant data")
}

// TestTriangular: the inner loop runs i+1 times in row i: Σ (i+1) = 10
// iterations of (load 0, add 2, store 2: 3 states + 1 latch) = 40, plus 4
// outer latches.
func TestTriangular(t *testing.T) {
	e := estimateText(t, `kernel tri(in x: i32[4], out y: i32[4,4]) {
  for i in 0..4 {
    for j in 0..i + 1 {
      y[i, j] = x[j] + 1:i32
    }
  }
}`, testConfig(2))
	assert.Equal(t, int64(44), e.Cycles)
}

// TestEnergyAndPower: ten iterations of a load (0.5 pJ), an fadd (4 pJ)
// and a store (0.5 pJ) are 50 pJ in 80 cycles of 10 ns (0.8 µs); static
// 0.5 W adds 0.4 µJ.
func TestEnergyAndPower(t *testing.T) {
	cfg := testConfig(2)
	cfg.StaticPowerW = 0.5
	e := estimateText(t, `kernel l(in x: f32[10], out y: f32[10]) {
  for i in 0..10 {
    y[i] = x[i] + 1.0
  }
}`, cfg)
	assert.Equal(t, int64(80), e.Cycles)
	assert.InDelta(t, 0.8, e.LatencyUS, 1e-12)
	assert.InDelta(t, 50e-6+0.4, e.EnergyUJ, 1e-12)
	assert.InDelta(t, 0.5+50e-6/0.8, e.PowerW, 1e-12)
	assert.Equal(t, int64(30), e.Ops)
	assert.Equal(t, int64(80), e.IntervalCycles)
	assert.InDelta(t, 1e6/0.8, e.ThroughputInfS, 1e-6)
}

// TestUnitsAndFeasibility: four fmuls in one state need four multipliers
// (2 DSP each): 8 DSP; a 6-DSP device cannot hold it, which the result
// says rather than failing.
func TestUnitsAndFeasibility(t *testing.T) {
	src := `kernel u(in x: f32[8], out y: f32[8]) {
  for i in 0..8 unroll(4) {
    y[i] = x[i] * 3.0
  }
}`
	cfg := testConfig(4)
	cfg.Capacity = &Capacity{LUT: 100000, FF: 100000, DSP: 6, BRAM36: 10}
	e := estimateText(t, src, cfg)
	assert.Equal(t, 8, e.Resources.DSP)
	assert.False(t, e.Feasible)
	assert.Equal(t, []string{"DSP: the design needs 8, the device has 6"}, e.Infeasible)
	assert.InDelta(t, 8.0/6, e.Utilization.DSP, 1e-12)

	// Two channels: the loads pair up, so two multipliers do, shared by
	// the four copies (2:1 muxes on two 32-bit operands: 1 LUT per bit).
	cfg.Channels = 2
	e = estimateText(t, src, cfg)
	assert.Equal(t, 4, e.Resources.DSP)
	assert.True(t, e.Feasible)
	assert.Equal(t, 2*100+2*2*32*1, e.Resources.LUT)
}

// TestASICGlue: an ASIC design's area adds its multiplexers (a unit
// shared by f operations: f−1 2:1 multiplexer bits per operand bit) and,
// for its pointer arguments, a memory controller per memory interface in
// place of the array cell (Config.MuxUM2PerBit, MemoryInterfaceUM2).
func TestASICGlue(t *testing.T) {
	costs := fixture{}
	for k, c := range testCosts {
		costs[k] = c
	}
	mul, load := costs["mul.float"], costs["load.float"]
	mul.AreaUM2, load.AreaUM2 = 1000, 500
	costs["mul.float"], costs["load.float"] = mul, load
	src := `kernel u(in x: f32[4], out y: f32[4]) {
  for i in 0..4 unroll(full) {
    y[i] = x[i] * 3.0
  }
}`
	cfg := testConfig(2)
	cfg.Costs, cfg.ASIC = costs, true
	plain := estimateText(t, src, cfg)
	// Two multipliers (the loads pair up), the shared interface's cell.
	assert.InDelta(t, 2*1000+500, plain.Resources.AreaUM2, 1e-9)

	cfg.MuxUM2PerBit, cfg.MemoryInterfaceUM2 = 0.5, 70
	e := estimateText(t, src, cfg)
	// Each multiplier serves two of the four products: one 2:1
	// multiplexer bit per bit of its two 32-bit operands.
	assert.InDelta(t, 2*1000+2*2*32*1*0.5+70, e.Resources.AreaUM2, 1e-9)
	cfg.Interface = ArrayInterface // x and y each behind their own
	e = estimateText(t, src, cfg)
	assert.InDelta(t, 2*1000+2*2*32*1*0.5+2*70, e.Resources.AreaUM2, 1e-9)
}

// TestUnrollRemainder: a loop unrolled by 4 has a remainder loop (its
// body once more, bound to the same units) only when 4 does not divide
// its trip count; the multiplexers in front of the shared multiplier
// count the operations bound to it.
func TestUnrollRemainder(t *testing.T) {
	cfg := testConfig(1) // one port: the loads, so the products, one per state
	for _, c := range []struct {
		n, products int
	}{{8, 4}, {9, 5}} {
		src := fmt.Sprintf(`kernel u(in x: f32[%d], out y: f32[%d]) {
  for i in 0..%d unroll(4) {
    y[i] = x[i] * 3.0
  }
}`, c.n, c.n, c.n)
		e := estimateText(t, src, cfg)
		// One multiplier (100 LUT), a products:1 multiplexer on each
		// 32-bit operand, ⌈(products−1)/3⌉ LUT6 per bit.
		assert.Equal(t, 100+2*32*ceilDiv(c.products-1, 3), e.Resources.LUT, "trip count %d", c.n)
		assert.Equal(t, 2, e.Resources.DSP, "trip count %d", c.n)
	}
}

// TestMemories: on-chip arrays up to 256 bits are LUT RAM (64 bits a
// LUT), larger ones block RAM by the RAMB36 aspect ratios.
func TestMemories(t *testing.T) {
	for _, c := range []struct {
		n, w int
		want Resources
	}{
		{8, 32, Resources{LUT: 32}},          // 256 bits: one LUT deep, 32 wide
		{9, 32, Resources{BRAM: 1}},          // 288 bits
		{1024, 32, Resources{BRAM: 1}},       // 1K × 36
		{1025, 32, Resources{BRAM: 2}},       //
		{4096, 8, Resources{BRAM: 1}},        // 4K × 9
		{1000, 64, Resources{BRAM: 2}},       // 512 × 72
		{512, 100, Resources{BRAM: 2}},       // two side by side
		{65536, 16, Resources{BRAM: 32}},     // 2K × 18
		{30000, 1, Resources{BRAM: 1}},       // 32K × 1
		{100000, 1, Resources{BRAM: 4}},      //
		{64192, 32, Resources{BRAM: 63}},     // an STGCN activation
		{2, 16, Resources{LUT: 16}},          //
		{300, 1, Resources{BRAM: 1}},         //
		{256, 1, Resources{LUT: 4}},          //
		{128, 2, Resources{LUT: 2 * 2}},      //
		{4, 64, Resources{LUT: 64}},          //
		{5, 64, Resources{BRAM: 1}},          //
		{1, 256, Resources{LUT: 256}},        //
		{1, 257, Resources{BRAM: 4}},         // 257 bits wide: four 72-bit columns
		{512, 72, Resources{BRAM: 1}},        //
		{513, 72, Resources{BRAM: 2}},        //
		{2048, 18, Resources{BRAM: 1}},       //
		{2049, 18, Resources{BRAM: 2}},       //
		{8192, 4, Resources{BRAM: 1}},        //
		{16384, 2, Resources{BRAM: 1}},       //
		{16385, 2, Resources{BRAM: 2}},       //
		{1024, 36, Resources{BRAM: 1}},       //
		{1024, 37, Resources{BRAM: 2}},       // 512 × 72
		{100, 32, Resources{BRAM: 1}},        //
		{64, 4, Resources{LUT: 4}},           //
		{65, 3, Resources{LUT: 2 * 3}},       // 195 bits: two LUTs deep
		{64, 3, Resources{LUT: 3}},           //
		{85, 3, Resources{LUT: 2 * 3}},       // 255 bits
		{86, 3, Resources{BRAM: 1}},          // 258 bits
		{32768, 1, Resources{BRAM: 1}},       //
		{32769, 1, Resources{BRAM: 2}},       //
		{4096, 9, Resources{BRAM: 1}},        //
		{4097, 9, Resources{BRAM: 2}},        //
		{1, 1, Resources{LUT: 1}},            //
		{1 << 20, 32, Resources{BRAM: 1024}}, //
	} {
		t.Run(fmt.Sprintf("%dx%d", c.n, c.w), func(t *testing.T) {
			assert.Equal(t, c.want, memoryOf(c.n, c.w, DefaultTuning()))
		})
	}
}

// TestIfs: an if without loops is predicated code in its block (its
// compare chains into the state); an if holding a loop costs its
// condition's block and its longer branch, with a note saying so.
func TestIfs(t *testing.T) {
	// load 0, add 2, store 2 (the compare, 2 ns, is ready long before):
	// 3 states + 1 latch, × 4; four operations an iteration.
	e := estimateText(t, `kernel f(in x: i32[4], out y: i32[4]) {
  for i in 0..4 {
    if i < 2 {
      y[i] = x[i] + 1:i32
    }
  }
}`, testConfig(2))
	assert.Equal(t, int64(16), e.Cycles)
	assert.Equal(t, int64(16), e.Ops)
	assert.Empty(t, e.Notes)

	// per i: the compare's state, then 3 × (3 + 1) for the j loop, + 1 latch.
	e = estimateText(t, `kernel f(in x: i32[4], out y: i32[4]) {
  for i in 0..4 {
    if i < 2 {
      for j in 0..3 {
        y[j] = x[j] + 1:i32
      }
    }
  }
}`, testConfig(2))
	assert.Equal(t, int64(4*(1+12+1)), e.Cycles)
	assert.Equal(t, []string{"an if holding loops is costed as its longer branch"}, e.Notes)
}

// TestDividerUnits: a divider with II 12 (not pipelined) is busy 12
// states; two divisions in one state need two, the chain of two (the
// second uses the first) one.
func TestDividerUnits(t *testing.T) {
	par := estimateText(t, `kernel d(in x: f32[2], out y: f32[2]) {
  y[0] = x[0] / 3.0
  y[1] = x[1] / 3.0
}`, testConfig(2))
	ser := estimateText(t, `kernel d(in x: f32[2], out y: f32[2]) {
  y[0] = x[0] / 3.0 / 3.0
}`, testConfig(2))
	// the fixture's divider: 800 LUT; the chain's one unit serves two
	// divisions (a 2:1 mux on two 32-bit operands, 64 LUTs).
	assert.Equal(t, 2*800, par.Resources.LUT)
	assert.Equal(t, 800+64, ser.Resources.LUT)
	// load 0–1, div 2–13, store 14 / a second div 14–25, store 26.
	assert.Equal(t, int64(15), par.Cycles)
	assert.Equal(t, int64(27), ser.Cycles)
}

// TestProgramMemories: in a program the top's intermediate is an on-chip
// memory with its own ports (so, with one channel, kernel b's read of it
// does not wait for the argument y's port) and its storage counts once,
// as block RAM; the top's arguments are external.
func TestProgramMemories(t *testing.T) {
	a, err := loop.Parse(`kernel a(in x: i32[512], out t: i32[512]) {
  for i in 0..512 {
    t[i] = x[i] + 1:i32
  }
}`, nil)
	require.NoError(t, err)
	b, err := loop.Parse(`kernel b(in t: i32[512], in x: i32[512], out y: i32[512]) {
  for i in 0..512 {
    y[i] = t[i] + x[i]
  }
}`, nil)
	require.NoError(t, err)
	i32 := a.Buffers[0].Kind
	p := &loop.Program{Name: "top", Kernels: []*loop.Kernel{a, b},
		Buffers: []*loop.Buffer{
			{Name: "x", Kind: i32, Shape: []int{512}, Role: loop.Input},
			{Name: "t", Kind: i32, Shape: []int{512}, Role: loop.Temp},
			{Name: "y", Kind: i32, Shape: []int{512}, Role: loop.Output},
		},
		Params: []loop.BufID{0, 2},
		Calls:  []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}, {Kernel: 1, Args: []loop.BufID{1, 0, 2}}},
	}
	require.NoError(t, loop.VerifyProgram(p))
	e, err := Estimate(p, testConfig(1))
	require.NoError(t, err)
	require.Len(t, e.Layers, 2)
	// a: load x 0, add 2, store t 2: 3 + 1. b: t and x load in state 0
	// (different memories), add 2, store y 2: 3 + 1.
	assert.Equal(t, int64(512*4), e.Layers[0].Cycles)
	assert.Equal(t, int64(512*4), e.Layers[1].Cycles)
	assert.Equal(t, 1, e.Resources.BRAM, "t: 512 × 32 bits, one RAMB36")

	// The same kernel b alone: t is an argument, behind the one shared port.
	alone, err := EstimateKernel(b, testConfig(1))
	require.NoError(t, err)
	assert.Equal(t, int64(512*5), alone.Cycles)
	assert.Zero(t, alone.Resources.BRAM)
}

// TestLLVMUnrollTriangular: LLVM weighs a loop holding a triangular loop
// with the inner body counted once (trip × body size): a 2-row triangle
// is unrolled into straight-line code (fewer cycles than the loops), a
// 32-row one (32 × 7 over the threshold 150) is not, and its inner loop,
// whose trip count depends on i, stays a loop too (the same cycles as
// without LLVM's unrolling).
func TestLLVMUnrollTriangular(t *testing.T) {
	src := func(n int) string {
		return fmt.Sprintf(`kernel tri(in x: i32[%d], out y: i32[%d,%d]) {
  for i in 0..%d {
    for j in 0..i + 1 {
      y[i, j] = x[j] + 1:i32
    }
  }
}`, n, n, n, n)
	}
	o2 := testConfig(2)
	o2.LLVMUnroll = true
	small, smallLoops := estimateText(t, src(2), o2), estimateText(t, src(2), testConfig(2))
	assert.Less(t, small.Cycles, smallLoops.Cycles)
	big, bigLoops := estimateText(t, src(32), o2), estimateText(t, src(32), testConfig(2))
	assert.Equal(t, bigLoops.Cycles, big.Cycles)
}

// TestRedundantLoads: under noalias an element loaded twice in a block is
// loaded once (3 operations: load, mul, add; and the store), and a load
// after a store of the same element takes the stored value; a store to an
// element that may be the same (y[i] then y[0]) keeps the later load; with
// arguments that may alias nothing is removed.
func TestRedundantLoads(t *testing.T) {
	src := `kernel r(in x: f32[4], out y: f32[4]) {
  y[0] = x[0] * x[0] + x[0]
}`
	e := estimateText(t, src, testConfig(2))
	assert.Equal(t, int64(4), e.Ops)
	aliasing := testConfig(2)
	aliasing.NoAlias = false
	assert.Equal(t, int64(6), estimateText(t, src, aliasing).Ops)
	fwd := estimateText(t, `kernel r(in x: f32[4], out y: f32[4]) {
  for i in 0..2 unroll(full) {
    y[1] = x[i]
    y[2] = y[1] + 1.0
  }
}`, testConfig(2))
	assert.Equal(t, int64(2*(1+1+1+1)), fwd.Ops, "load x, store y[1], add, store y[2]: no load of y[1]")
	may := estimateText(t, `kernel r(in x: f32[4], out y: f32[4]) {
  for i in 0..2 {
    y[0] = x[0]
    y[i] = 2.0
    y[3] = y[0] + 1.0
  }
}`, testConfig(2))
	assert.Equal(t, int64(2*6), may.Ops, "y[0] is read again after y[i]")
}
