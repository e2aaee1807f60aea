package sim

import (
	"fmt"
	"math"
	"strings"
)

// The soft-float and libm latencies of the device tables come from two
// kinds of measurement (targets derives them, float.go there):
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

// csvSource marks a latency measured as a registered-input top function.
const csvSource = "softfloat_libm.csv"

// inDesignCycles is the latency of unit c (as the tables give it, at
// clockNS) inside a design, reg being Tuning.RegisteredInputCycles.
func inDesignCycles(c *OpCost, clockNS float64, reg int) int {
	if reg == 0 || c.Cycles == 0 {
		return c.Cycles
	}
	switch {
	case strings.HasPrefix(c.Source, csvSource):
		return max(c.Cycles-reg, 1)
	case strings.HasPrefix(c.Source, "interpolated in frequency"):
		if n, ok := reinterpolate(c.Source, clockNS, reg); ok {
			return n
		}
	case strings.HasPrefix(c.Source, "fma as"):
		// a multiply then an add, each corrected (targets adds them)
		return max(c.Cycles-reg*strings.Count(c.Source, "["+csvSource), 1)
	}
	return c.Cycles
}

// reinterpolate re-derives an interpolated latency ("interpolated in
// frequency between A cycles @ X ns [src] and B cycles @ Y ns [src]…")
// from the corrected points, rounding up.
func reinterpolate(src string, clockNS float64, reg int) (int, bool) {
	var a, b int
	var x, y float64
	rest, ok := strings.CutPrefix(src, "interpolated in frequency between ")
	if !ok {
		return 0, false
	}
	if _, err := fmt.Sscanf(rest, "%d cycles @ %g ns [", &a, &x); err != nil {
		return 0, false
	}
	_, second, ok := strings.Cut(rest, "] and ")
	if !ok {
		return 0, false
	}
	if _, err := fmt.Sscanf(second, "%d cycles @ %g ns [", &b, &y); err != nil {
		return 0, false
	}
	firstSrc := rest[strings.IndexByte(rest, '[')+1:]
	secondSrc := second[strings.IndexByte(second, '[')+1:]
	if strings.HasPrefix(firstSrc, csvSource) {
		a = max(a-reg, 1)
	}
	if strings.HasPrefix(secondSrc, csvSource) {
		b = max(b-reg, 1)
	}
	if !(x > 0 && y > 0 && x != y) {
		return 0, false
	}
	f := (1/clockNS - 1/x) / (1/y - 1/x)
	n := float64(a) + f*float64(b-a)
	return max(int(math.Ceil(n-1e-9)), 1), true
}
