package sim

import (
	"math"

	"github.com/kiln-hls/kiln/targets"
)

// The soft-float and libm latencies of the device tables come from two
// kinds of measurement (targets derives them, float.go there, and says
// which in OpCost.Latency):
//
//   - softfloat_libm.csv: each unit synthesised as the top function with
//     --registered-inputs=top (every row's bambu_args column), its cycles
//     counted by co-simulation from start to done. The input register is a
//     state of its own there; inside a design the caller's state that
//     computes the operands feeds the unit, so the unit costs
//     Tuning.RegisteredInputCycles fewer states.
//   - the nangate45 tutorial log (bambu-logs/…/bambu-log, "Minimum number
//     of cycles" of __float_mule8m23b_127nih inside main_kernel): already
//     the states a caller pays.
//
// A clock between two characterised points is interpolated in frequency
// (targets' rule); the model corrects each point first and then rounds up:
// a unit with fewer states than its logic needs would miss the period.

// inDesignCycles is the latency inside a design of a unit the tables
// give cycles for at clockNS, derived as l says, reg being
// Tuning.RegisteredInputCycles: the sum of its parts' (fma: a multiply
// then an add), each corrected.
func inDesignCycles(cycles int, l *targets.Latency, clockNS float64, reg int) int {
	if reg == 0 || cycles == 0 || l.N == 0 {
		return cycles
	}
	if l.N == 1 && l.Parts[0].How != targets.LatencyBetween {
		return corrected(cycles, l.Parts[0].A, reg) // the tables' own count
	}
	n := 0
	for _, p := range l.Parts[:l.N] {
		n += partCycles(p, clockNS, reg)
	}
	return n
}

// corrected is n cycles, a latency that point p measured, inside a design.
func corrected(n int, p targets.LatencyPoint, reg int) int {
	if p.TopFunction {
		return max(n-reg, 1)
	}
	return n
}

// partCycles is one unit's latency at clockNS inside a design: its
// points corrected, an interpolation between them re-derived and rounded
// up.
func partCycles(p targets.LatencyPart, clockNS float64, reg int) int {
	a := p.A
	switch p.How {
	case targets.LatencySpread:
		return corrected(int(math.Ceil(float64(a.Cycles)*a.ClockNS/clockNS)), a, reg)
	case targets.LatencyBetween:
		b := p.B
		x, y := float64(corrected(a.Cycles, a, reg)), float64(corrected(b.Cycles, b, reg))
		if !(a.ClockNS > 0 && b.ClockNS > 0 && a.ClockNS != b.ClockNS) {
			return int(x)
		}
		f := (1/clockNS - 1/a.ClockNS) / (1/b.ClockNS - 1/a.ClockNS)
		return max(int(math.Ceil(x+f*(y-x)-1e-9)), 1)
	}
	return corrected(a.Cycles, a, reg) // at A's clock, or A's kept for a longer one
}
