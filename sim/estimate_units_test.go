package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kiln-hls/kiln/targets"
)

// TestInDesignCycles: a latency softfloat_libm.csv measured (registered
// inputs) loses the input state; the tutorial log's is kept; an
// interpolation between the two is re-derived from the corrected points
// and rounded up; an fma loses one state per measured unit; nothing
// changes with RegisteredInputCycles 0 or for a combinational operation.
func TestInDesignCycles(t *testing.T) {
	const interp = "interpolated in frequency between 6 cycles @ 1.525 ns [softfloat_libm.csv line 118 (…)] and 3 cycles @ 5 ns [bambu-logs/tensorflow-tutorial-2024.10/baseline/bambu-log lines [308] (…)]; resources of the nearer"
	for _, c := range []struct {
		name  string
		cost  OpCost
		clock float64
		reg   int
		want  int
	}{
		{"csv", OpCost{Cycles: 3, Source: "softfloat_libm.csv line 134 (…)"}, 10, 1, 2},
		{"csv, one state left", OpCost{Cycles: 1, Source: "softfloat_libm.csv line 1"}, 10, 1, 1},
		{"log", OpCost{Cycles: 3, Source: "bambu-logs/tensorflow-tutorial-2024.10/baseline/bambu-log lines [308]"}, 5, 1, 3},
		// (1/2 − 1/1.525)/(1/5 − 1/1.525) = 0.342: 5 + 0.342·(3 − 5) = 4.32 → 5
		{"interpolated", OpCost{Cycles: 5, Source: interp}, 2, 1, 5},
		// at 4 ns: f = 0.890, 5 − 1.78 = 3.22 → 4 (the tables round 6 − 2.67 = 3.33 to 3)
		{"interpolated near the log", OpCost{Cycles: 3, Source: interp}, 4, 1, 4},
		{"fma", OpCost{Cycles: 7, Source: "fma as a soft-float multiply then add (derivation): [softfloat_libm.csv line 134] + [softfloat_libm.csv line 130]"}, 10, 1, 5},
		{"off", OpCost{Cycles: 3, Source: "softfloat_libm.csv line 134"}, 10, 0, 3},
		{"combinational", OpCost{DelayNS: 2, Source: "softfloat_libm.csv line 134"}, 10, 1, 0},
		{"malformed interpolation", OpCost{Cycles: 4, Source: "interpolated in frequency between x"}, 2, 1, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, inDesignCycles(&c.cost, c.clock, c.reg))
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
			oc, err := DeviceCosts{d}.OpCost(OpKey{op, "float", 32}, c.clock)
			assert.NoError(t, err)
			assert.Equal(t, want, inDesignCycles(&oc, c.clock, 1), "%s %s @ %g ns: %s", c.dev, op, c.clock, oc.Source)
		}
	}
}
