package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
)

// TestPrioritySchedule: one port, a short chain written first and a long
// one second. Program order: x[0] s0, x[1] s1, add 3–6, y[0] s7; x[2] s2,
// x[3] s3, mul 5–7, mul 8–10, y[1] s11: 12 states. By priority (the
// longest path to the block's end first: x[2], x[3] lead 20+30+30+1 ns,
// x[0], x[1] 20+40+1 ns): x[2] s0, x[3] s1, x[0] s2, x[1] s3; mul 3–5,
// mul 6–8, add 5–8; both stores ready at 9, one port: y[0] s9 (as high,
// earlier in program order), y[1] s10: 11 states.
func TestPrioritySchedule(t *testing.T) {
	src := `kernel p(in x: f32[4], out y: f32[2]) {
  y[0] = x[0] + x[1]
  y[1] = x[2] * x[3] * (x[2] * x[3])
}`
	e := estimateText(t, src, testConfig(1))
	assert.Equal(t, int64(11), e.Cycles)
	assert.Equal(t, int64(4+1+2+2), e.Ops, "4 loads, add, 2 fmuls (x[2]*x[3] once), 2 stores")

	// Two ports: in program order x[2..3] wait for s1 (mul 3–5, 6–8,
	// y[1] s9: 10 states); by priority they take s0 and x[0..1] s1: mul
	// 2–4, 5–7, y[1] s8, add 3–6, y[0] s7: 9 states.
	assert.Equal(t, int64(9), estimateText(t, src, testConfig(2)).Cycles)
}

// TestAliasingInOrder: accesses to arguments that may overlap issue in
// program order, so priority cannot move x[1..3] before x[0]. One port:
// x[0..3] s0–s3, mul(x1, x2) 4–6, mul(·, x3) 7–9, add 10–13, store s14:
// 15 states; with noalias arguments the loads go by priority (x[1], x[2],
// x[3], x[0]): mul 3–5, 6–8, add 9–12, store 13: 14 states.
func TestAliasingInOrder(t *testing.T) {
	src := `kernel a(in x: f32[4], out y: f32[1]) {
  y[0] = x[0] + x[1] * x[2] * x[3]
}`
	aliasing := testConfig(1)
	aliasing.NoAlias = false
	assert.Equal(t, int64(15), estimateText(t, src, aliasing).Cycles)
	assert.Equal(t, int64(14), estimateText(t, src, testConfig(1)).Cycles)
}

// withAdder is testCosts with a 32-bit unsigned add (the address adder)
// of the given delay.
func withAdder(delay float64) fixture {
	f := fixture{"add.uint": {DelayNS: delay, LUT: 32, EnergyPJ: 1}}
	for k, v := range testCosts {
		f[k] = v
	}
	return f
}

// TestAddressAdders: an access needs an adder unless its address is an
// argument's pointer (offset 0) or a constant on-chip address; one adder
// per distinct address in a block. x[0] none, x[1] one (its second load
// is removed), y[1] one, the on-chip t[1] none: 2 adders. At 10 ns an
// adder (3 ns) chains into the load (1 ns input stage); at 4 ns with a
// 3.5 ns adder it cannot, and every access with an adder starts a state
// later.
func TestAddressAdders(t *testing.T) {
	src := `kernel a(in x: f32[4], out y: f32[2]) {
  temp t: f32[2] ram
  t[1] = x[0] + x[1]
  y[1] = t[1] + x[1]
}`
	plain := estimateText(t, src, testConfig(2))
	cfg := testConfig(2)
	cfg.Costs = withAdder(3)
	e := estimateText(t, src, cfg)
	assert.Equal(t, plain.Ops+2, e.Ops)
	assert.Equal(t, plain.Cycles, e.Cycles, "the adders chain at 10 ns")
	assert.Equal(t, plain.Resources.LUT+2*32, e.Resources.LUT, "both adders work in state 0")

	// A loop body: the address of x[i] needs its adder every iteration.
	loopSrc := `kernel l(in x: f32[4], out y: f32[4]) {
  for i in 0..4 {
    y[i] = x[i] * 2.0
  }
}`
	slow := testConfig(2)
	slow.ClockNS = 4
	noAdder := estimateText(t, loopSrc, slow)
	slow.Costs = withAdder(3.5)
	withA := estimateText(t, loopSrc, slow)
	// x[i]'s load and y[i]'s store each wait a state for their adder;
	// the store's wait hides behind the multiply: +1 state an iteration.
	assert.Equal(t, noAdder.Cycles+4, withA.Cycles)
}

// TestCSE: a binary operation on the same values is computed once in a
// block (alpha * x[0] for both j copies; b * a as a * b), not across
// constants of different value or operands in the other order of a
// subtraction.
func TestCSE(t *testing.T) {
	for _, c := range []struct {
		name string
		body string
		ops  int64
	}{
		{"alpha once", `for j in 0..2 unroll(full) {
    y[j] = alpha * x[0] * w[j]
  }`, 1 + 2 + 1 + 2 + 2}, // load x[0], load w[0..1], alpha*x[0], 2 muls, 2 stores
		{"commutative", `y[0] = x[0] * x[1]
  y[1] = x[1] * x[0]`, 2 + 1 + 2},
		{"constants apart", `y[0] = x[0] * 2.0
  y[1] = x[0] * 3.0`, 1 + 2 + 2},
		{"same constant", `y[0] = x[0] * 2.0
  y[1] = x[0] * 2.0`, 1 + 1 + 2},
		{"not commutative", `y[0] = x[0] - x[1]
  y[1] = x[1] - x[0]`, 2 + 2 + 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "kernel c(in alpha: f32, in x: f32[2], in w: f32[2], out y: f32[2]) {\n  " + c.body + "\n}"
			k, err := loop.Parse(src, nil)
			require.NoError(t, err)
			e, err := EstimateKernel(k, testConfig(2))
			require.NoError(t, err)
			assert.Equal(t, c.ops, e.Ops)
		})
	}
}

// TestSingleIterationLoop: under LLVM -O2 a loop of one iteration known at
// compile time is no loop (IndVarSimplify folds its exit), even when its
// body holds loops too large to unroll: it costs what its body costs, and
// straight-line code before and after it shares a block with its own.
// Without LLVM's passes it is a loop (one latch state).
func TestSingleIterationLoop(t *testing.T) {
	body := `y[0] = x[0] * 2.0
    for i in 1..4 {
      y[i] = x[i] + 1.0
    }
    y[0] = y[0] + 1.0`
	wrapped := "kernel o(in x: f32[4], out y: f32[4]) {\n  for n in 0..1 {\n    " + body + "\n  }\n}"
	plain := "kernel o(in x: f32[4], out y: f32[4]) {\n  " + body + "\n}"
	llvm := testConfig(2)
	llvm.LLVMUnroll = true
	llvm.Tuning = &Tuning{LoopCycles: 1, UnrollThreshold: 1, DistRAMBits: 256} // nothing unrolled by size
	assert.Equal(t, estimateText(t, plain, llvm).Cycles, estimateText(t, wrapped, llvm).Cycles)
	off := testConfig(2)
	assert.Equal(t, estimateText(t, plain, off).Cycles+1, estimateText(t, wrapped, off).Cycles)
}

// TestLoopControl: a loop kept inside one LLVM weighs costs its
// increment, compare and branch, and one more per bound computed from
// outer variables.
func TestLoopControl(t *testing.T) {
	k, err := loop.Parse(`kernel c(in x: f32[4], out y: f32[4]) {
  for i in 0..4 {
    for a in 0..4 {
      y[a] = x[a]
    }
    for b in 0..i {
      y[b] = x[b]
    }
    for c in 0..i + 1 {
      y[c] = x[c]
    }
    for d in i + 1..4 {
      y[d] = x[d]
    }
    for e in i..2 * i {
      y[e] = x[e]
    }
  }
}`, nil)
	require.NoError(t, err)
	var got []int
	for _, s := range k.Body[0].(*loop.For).Body {
		got = append(got, loopControl(s.(*loop.For)))
	}
	assert.Equal(t, []int{3, 3, 4, 4, 4}, got)
}
