package sim

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
)

// TestEstimatorKeeps: design after design on one Estimator (which keeps
// the last design's kernel estimates) gives what a fresh Estimate gives,
// when nothing changes, one kernel is replaced, a cost table answers
// differently (all else the same), the clock changes, an earlier design comes back (the memo),
// the calls come in another order (the memories' load costs depend on what earlier kernels
// asked) and a tuning changes.
func TestEstimatorKeeps(t *testing.T) {
	p := stgcn(t)
	cfg := testConfig(2)
	cfg.LLVMUnroll = true
	slower := maps.Clone(testCosts)
	for k, c := range slower {
		c.Cycles++
		c.EnergyPJ *= 2
		slower[k] = c
	}
	q := *p
	q.Kernels = slices.Clone(p.Kernels)
	k0 := *q.Kernels[0]
	q.Kernels[0] = &k0
	rev := *p
	rev.Calls = slices.Clone(p.Calls)
	slices.Reverse(rev.Calls)
	clock, costs, tune := cfg, cfg, cfg
	clock.ClockNS = 7
	costs.Costs = slower
	tune.Tuning = &Tuning{LoopCycles: 3, CallCycles: 2, UnrollThreshold: 150, DistRAMBits: 256}
	var x Estimator
	steps := []struct {
		name string
		p    *loop.Program
		cfg  Config
		kept int // kernels that must be kept from the step before
	}{{"first", p, cfg, 0}, {"again", p, cfg, len(p.Kernels)}, {"one kernel new", &q, cfg, len(p.Kernels) - 1},
		{"costs", &q, costs, 0}, {"clock", &q, clock, 0},
		// back to p under cfg: its first kernel is remembered (the memo) from
		// "again"; the others were remembered last under the slower costs
		{"back", p, cfg, 1}, {"reversed", &rev, cfg, -1},
		{"tuning", p, tune, 0}}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := x.Estimate(s.p, s.cfg)
			require.NoError(t, err)
			want, err := Estimate(s.p, s.cfg)
			require.NoError(t, err)
			a, err := json.Marshal(got)
			require.NoError(t, err)
			b, err := json.Marshal(want)
			require.NoError(t, err)
			assert.JSONEq(t, string(b), string(a))
			if s.kept >= 0 {
				assert.Equal(t, s.kept, x.keep.hits, "kernels kept")
			}
		})
	}
	c1, _ := Estimate(p, cfg)
	c2, _ := Estimate(p, costs)
	assert.NotEqual(t, c1.Cycles, c2.Cycles, "the slower table changes the answer")
}

// TestKernelKeyFields: Config and Tuning have the fields kernelKey was
// written for; a new one must be weighed there (does a kernel's estimate
// read it?) and added to this list.
func TestKernelKeyFields(t *testing.T) {
	names := func(v any) []string {
		var out []string
		for f := range reflect.TypeOf(v).Fields() {
			out = append(out, f.Name)
		}
		return out
	}
	assert.Equal(t, []string{"Costs", "ClockNS", "Channels", "Interface", "LLVMUnroll", "NoAlias", "OffChip", "Tuning",
		"Capacity", "StaticPowerW", "Activity", "AreaFixedUM2", "MuxUM2PerBit", "MemoryInterfaceUM2", "ASIC"}, names(Config{}))
	assert.Equal(t, []string{"LoopCycles", "CallCycles", "UnrollThreshold", "DistRAMBits",
		"RegisteredInputCycles"}, names(Tuning{}))
}
