package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/targets"
)

// replayCheck estimates p with x under each config and requires the
// same answer as a one-off estimate (which never traces), returning how
// many kernels x replayed.
func replayCheck(t *testing.T, x *Estimator, p *loop.Program, cfgs []Config) int {
	t.Helper()
	before := x.tr.replays
	for i, c := range cfgs {
		want, wantErr := Estimate(p, c)
		got, err := x.Estimate(p, c)
		if wantErr != nil {
			require.EqualError(t, err, wantErr.Error(), "config %d", i)
			continue
		}
		require.NoError(t, err, "config %d", i)
		require.Equal(t, want, got, "%s, config %d (%g ns, %d channels)", p.Name, i, c.ClockNS, c.Channels)
	}
	return x.tr.replays - before
}

// clocks are cfg at each period and channel count, in that order.
func clocks(cfg Config, periods []float64, channels ...int) []Config {
	var out []Config
	for _, ns := range periods {
		for _, ch := range channels {
			c := cfg
			c.ClockNS, c.Channels = ns, ch
			out = append(out, c)
		}
	}
	return out
}

// TestTraceReplayModels: the built-in models on two devices at clocks
// and channel counts met again and again (kernels replayed from their
// traces) give exactly the answers of building every kernel afresh.
func TestTraceReplayModels(t *testing.T) {
	periods := []float64{10, 7.3, 10, 4, 12.5, 7.3}
	for _, name := range []string{"lstm", "cnn", "stgcn"} {
		m, err := lowertest.Zoo(name, 1)
		require.NoError(t, err)
		for _, dev := range []string{"xc7vx690t-3ffg1930-VVD", "nangate45"} {
			t.Run(name+"/"+dev, func(t *testing.T) {
				d, err := targets.Lookup(dev)
				require.NoError(t, err)
				cfg, err := ForDevice(d, 10, 2)
				require.NoError(t, err)
				var x Estimator
				n := replayCheck(t, &x, m.Program, clocks(cfg, periods, 2, 1))
				assert.Equal(t, 6*len(m.Program.Kernels), n, "kernels replayed: 8 settings, built at the first, recorded at the second")
			})
		}
	}
}

// TestTraceReplayDevices: one Estimator going from device to device (a
// trace does not depend on the cost tables: it is recorded on one device
// and replayed on another) answers as a one-off estimate does.
func TestTraceReplayDevices(t *testing.T) {
	m, err := lowertest.Zoo("stgcn", 1)
	require.NoError(t, err)
	var cfgs []Config
	for _, ns := range []float64{10, 5, 7.5} {
		for _, dev := range []string{"xc7vx690t-3ffg1930-VVD", "nangate45", "xcu280-2Lfsvh2892-VVD"} {
			d, err := targets.Lookup(dev)
			require.NoError(t, err)
			cfg, err := ForDevice(d, ns, 2)
			require.NoError(t, err)
			cfgs = append(cfgs, cfg)
		}
	}
	var x Estimator
	n := replayCheck(t, &x, m.Program, cfgs)
	assert.Equal(t, 7*len(m.Program.Kernels), n, "kernels replayed: 9 settings, built at the first, recorded at the second")
}

// TestTraceReplayPolybench: every PolyBench kernel, both memory
// interfaces and alias settings, at several clocks, replayed as built.
func TestTraceReplayPolybench(t *testing.T) {
	files, err := filepath.Glob("testdata/polybench/*_[248]*.kir") // N = 16 takes long
	require.NoError(t, err)
	sort.Strings(files)
	require.NotEmpty(t, files)
	d, err := targets.Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	cfg, err := ForDevice(d, 10, 2)
	require.NoError(t, err)
	var x Estimator
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		k, err := loop.Parse(string(src), nil)
		require.NoError(t, err, f)
		p := loop.ProgramOf(k)
		c := cfg
		c.NoAlias = strings.Contains(f, "_full")
		c.Interface = Interface(len(f) % 2)
		c.LLVMUnroll = len(f)%3 != 0
		n += replayCheck(t, &x, p, clocks(c, []float64{10, 3.1, 10, 5}, 2, 1))
	}
	assert.GreaterOrEqual(t, n, 4*len(files), "kernels replayed: 6 settings, built at the first, recorded at the second")
}

// adderUntil is testCosts with a 32-bit unsigned add (the address adder)
// at periods up to until, none beyond: the one choice of a build that
// depends on the clock.
type adderUntil float64

func (a adderUntil) OpCost(k OpKey, clockNS float64) (OpCost, error) {
	if k.Op == "add" && k.Type == "uint" {
		if clockNS > float64(a) {
			return OpCost{}, fmt.Errorf("no %v at %g ns", k, clockNS)
		}
		return OpCost{DelayNS: 2 * 10 / clockNS, LUT: 32, EnergyPJ: 1}, nil
	}
	c, err := testCosts.OpCost(k, clockNS)
	c.DelayNS *= 10 / clockNS
	return c, err
}

// TestTraceReplayAdder: a trace recorded with address adders is not
// replayed at a clock whose tables have none (nor the other way round),
// and a cost the tables cannot answer fails as a build does.
func TestTraceReplayAdder(t *testing.T) {
	k, err := loop.Parse(`kernel k(in A: f32[8, 8], out C: f32[8, 8]) {
  for i in 0..8 {
    for j in 0..8 {
      C[i, j] = A[i, j] * A[j, i] + A[i, 0]
    }
  }
}`, nil)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	cfg := testConfig(2)
	cfg.Costs = adderUntil(12)
	var x Estimator
	n := replayCheck(t, &x, loop.ProgramOf(k), clocks(cfg, []float64{10, 11, 20, 10.5, 25, 11.5, 9}, 1))
	assert.Equal(t, 3, n, "recorded at 11 ns with adders, replayed at 10.5, 11.5 and 9 only")
	k2 := *k
	n = replayCheck(t, &x, loop.ProgramOf(&k2), clocks(cfg, []float64{20, 25, 10, 30}, 1))
	assert.Equal(t, 1, n, "recorded at 25 ns without, replayed at 30 only")

	cfg.Costs = fixture{"add.float": testCosts["add.float"], "load.float": testCosts["load.float"], "store.float": testCosts["store.float"]}
	for _, ns := range []float64{10, 11, 12} {
		c := cfg
		c.ClockNS = ns
		_, err := x.Estimate(loop.ProgramOf(k), c)
		require.ErrorContains(t, err, "mul.float32", "%g ns", ns)
	}
}

// TestTraceReplayPlans: kernels whose runs take every step of a plan (an
// if holding loops, a triangular nest, a partly unrolled loop with
// iterations left over) are replayed as built; a nest whose plan would
// be longer than planLimit is replayed without one (its segs run).
func TestTraceReplayPlans(t *testing.T) {
	for _, c := range []struct {
		name, src string
		plan      bool
	}{
		{"if, triangle, unroll", `kernel f(in x: f32[64], out y: f32[64], out z: f32[64, 64]) {
  for i in 0..64 {
    if i < 20 {
      for j in 0..3 {
        y[j] = x[j] * x[i]
      }
    } else {
      for j in 0..i + 1 {
        z[i, j] = x[j] + x[i]
      }
    }
  }
  for k in 0..13 unroll(4) {
    y[k] = y[k] * x[k]
  }
}`, true},
		{"too long", `kernel f(in x: f32[128], out z: f32[128, 128]) {
  for i in 0..128 {
    for j in 0..i + 1 {
      for k in 0..j + 1 {
        z[i, j] = z[i, j] + x[k]
      }
    }
  }
}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, err := loop.Parse(c.src, nil)
			require.NoError(t, err)
			require.NoError(t, loop.Verify(k))
			var x Estimator
			n := replayCheck(t, &x, loop.ProgramOf(k), clocks(testConfig(2), []float64{10, 7, 13, 5}, 2, 1))
			assert.Equal(t, 6, n)
			tr := x.tr.m[traceKeyOf(k, &Config{NoAlias: true}, *testConfig(2).Tuning)]
			require.NotNil(t, tr)
			assert.Equal(t, c.plan, tr.plan != nil)
		})
	}
}

// TestTraceRecordsOnlyRepeats: kernels are recorded only when met again
// under the same settings but the clock and channels; settings that
// change every time (here LLVM's unroll threshold) record nothing.
func TestTraceRecordsOnlyRepeats(t *testing.T) {
	p := stgcn(t)
	var x Estimator
	for i := range 4 {
		cfg := testConfig(2)
		tune := *cfg.Tuning
		tune.UnrollThreshold = 100 + i
		cfg.Tuning, cfg.LLVMUnroll = &tune, true
		_, err := x.Estimate(p, cfg)
		require.NoError(t, err)
	}
	assert.Empty(t, x.tr.m, "nothing recorded")
	cfg := testConfig(2)
	cfg.ClockNS = 11
	_, err := x.Estimate(p, cfg)
	require.NoError(t, err)
	assert.Empty(t, x.tr.m, "the default threshold is new too")
	cfg.ClockNS = 12
	_, err = x.Estimate(p, cfg)
	require.NoError(t, err)
	assert.Len(t, x.tr.m, len(p.Kernels), "met again at another clock: recorded")
}
