package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kiln-hls/kiln/targets"
)

// TestInDesignCycles: a latency softfloat_libm.csv measured (registered
// inputs) loses the input state; the tutorial log's is kept; an
// interpolation between the two is re-derived from the corrected points
// and rounded up; an fma adds its two units, each corrected (an
// interpolated part once, not once per point); nothing changes with
// RegisteredInputCycles 0 or for a combinational operation or a cell.
func TestInDesignCycles(t *testing.T) {
	type cost struct {
		Cycles  int
		Latency targets.Latency
	}
	csv := func(n int, ns float64) targets.LatencyPoint {
		return targets.LatencyPoint{Cycles: n, ClockNS: ns, TopFunction: true}
	}
	log := func(n int, ns float64) targets.LatencyPoint { return targets.LatencyPoint{Cycles: n, ClockNS: ns} }
	one := func(p targets.LatencyPart) targets.Latency {
		return targets.Latency{N: 1, Parts: [2]targets.LatencyPart{p}}
	}
	at := func(p targets.LatencyPoint) targets.LatencyPart { return targets.LatencyPart{A: p} }
	// Between 6 cycles @ 1.525 ns (csv: 5 in a design) and 3 @ 5 ns (the log).
	between := targets.LatencyPart{How: targets.LatencyBetween, A: csv(6, 1.525), B: log(3, 5)}
	for _, c := range []struct {
		name  string
		cost  cost
		clock float64
		reg   int
		want  int
	}{
		{"csv", cost{Cycles: 3, Latency: one(at(csv(3, 10)))}, 10, 1, 2},
		{"csv, one state left", cost{Cycles: 1, Latency: one(at(csv(1, 10)))}, 10, 1, 1},
		{"log", cost{Cycles: 3, Latency: one(at(log(3, 5)))}, 5, 1, 3},
		{"csv kept for a longer period", cost{Cycles: 3, Latency: one(targets.LatencyPart{How: targets.LatencyKept, A: csv(3, 10)})}, 12, 1, 2},
		{"csv spread over a shorter period", cost{Cycles: 15, Latency: one(targets.LatencyPart{How: targets.LatencySpread, A: csv(3, 10)})}, 2, 1, 14},
		// (1/2 − 1/1.525)/(1/5 − 1/1.525) = 0.342: 5 + 0.342·(3 − 5) = 4.32 → 5
		{"interpolated", cost{Cycles: 5, Latency: one(between)}, 2, 1, 5},
		// at 4 ns: f = 0.890, 5 − 1.78 = 3.22 → 4 (the tables round 6 − 2.67 = 3.33 to 3)
		{"interpolated near the log", cost{Cycles: 3, Latency: one(between)}, 4, 1, 4},
		{"fma", cost{Cycles: 7, Latency: targets.Latency{N: 2, Parts: [2]targets.LatencyPart{at(csv(3, 10)), at(csv(4, 10))}}}, 10, 1, 5},
		// the multiplier interpolated (4 in a design at 4 ns) and the adder at the log's 4 cycles @ 4 ns
		{"fma, interpolated", cost{Cycles: 7, Latency: targets.Latency{N: 2, Parts: [2]targets.LatencyPart{between, at(log(4, 4))}}}, 4, 1, 8},
		{"off", cost{Cycles: 3, Latency: one(at(csv(3, 10)))}, 10, 0, 3},
		{"combinational", cost{}, 10, 1, 0},
		{"a cell", cost{Cycles: 2}, 10, 1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, inDesignCycles(c.cost.Cycles, &c.cost.Latency, c.clock, c.reg))
		})
	}
}

// TestInDesignDevices: the device tables' f32 multiplier and adder inside
// a design — Virtex-7 at 10 ns 2 and 3 states (csv 3 and 4), nangate45 at
// 5 ns 3 and 4 (the tutorial log's, unchanged) and at 2 ns 5 and 6.
func TestInDesignDevices(t *testing.T) {
	for _, c := range []struct {
		dev      string
		clock    float64
		mul, add int
	}{{"xc7vx690t-3ffg1930-VVD", 10, 2, 3}, {"nangate45", 5, 3, 4}, {"nangate45", 2, 5, 6}} {
		d, err := targets.Lookup(c.dev)
		assert.NoError(t, err)
		for op, want := range map[string]int{"mul": c.mul, "add": c.add} {
			oc, lat, err := DeviceCosts{d}.opCostLatency(OpKey{op, "float", 32}, c.clock)
			assert.NoError(t, err)
			assert.Equal(t, want, inDesignCycles(oc.Cycles, &lat, c.clock, 1), "%s %s @ %g ns: %s", c.dev, op, c.clock, oc.Source)
		}
	}
}
