package sim

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/targets"
)

// calRow is one Bambu row of polybench_bambu.csv beside the model.
type calRow struct {
	kernel, variant, device string
	n                       int
	cycles                  [2]float64 // Bambu, kiln
	dsp, lut, power         [2]float64 // FPGA only (Bambu, kiln)
}

func (r calRow) err(v [2]float64) float64 { return (v[1] - v[0]) / v[0] }

// calibrationRows runs every Bambu row of polybench_bambu.csv through the
// model with tuning tune (nil: the default).
func calibrationRows(t testing.TB, tune *Tuning) []calRow {
	rows, err := PolybenchRows("../../shared/calibration/polybench_bambu.csv")
	if err != nil {
		t.Skipf("no calibration rows: %v", err)
	}
	type key struct {
		kernel, variant string
		n               int
	}
	byKey := map[key]*calRow{}
	var order []key
	for _, r := range rows {
		if r.Tool != "Bambu" {
			continue
		}
		k := key{r.Kernel, r.Variant, r.N}
		c := byKey[k]
		if c == nil {
			c = &calRow{kernel: r.Kernel, variant: r.Variant, device: r.Device, n: r.N}
			byKey[k] = c
			order = append(order, k)
		}
		switch r.Metric {
		case "cycles":
			c.cycles[0] = r.Value
		case "dsps":
			c.dsp[0] = r.Value
		case "luts":
			c.lut[0] = r.Value
		case "power_w":
			c.power[0] = r.Value
		}
	}
	cfgs := map[string]Config{}
	for _, dev := range []struct {
		name  string
		clock float64
	}{{"xc7vx690t-3ffg1930-VVD", 10}, {"nangate45", 2}} {
		d, err := targets.Lookup(dev.name)
		require.NoError(t, err)
		cfg, err := ForDevice(d, dev.clock, 2)
		require.NoError(t, err)
		cfg.Tuning = tune
		cfgs[dev.name] = cfg
	}
	var out []calRow
	for _, k := range order {
		c := byKey[k]
		plain, _, _ := strings.Cut(c.variant, "_")
		full := plain != "none"
		src, err := os.ReadFile(polybenchDir + "/" + polybenchFile(c.kernel, c.n, full))
		require.NoError(t, err)
		kern, err := loop.Parse(string(src), nil)
		require.NoError(t, err)
		cfg := cfgs[c.device]
		cfg.NoAlias = full // SODA marks the arguments noalias in full and nbt only
		if full && c.device != "nangate45" {
			cfg.Interface = ArrayInterface // §2.2: the FPGA full/nbt runs only
		}
		e, err := EstimateKernel(kern, cfg)
		require.NoError(t, err)
		c.cycles[1] = float64(e.Cycles)
		c.dsp[1] = float64(e.Resources.DSP)
		c.lut[1] = float64(e.Resources.LUT)
		c.power[1] = e.PowerW
		out = append(out, *c)
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// calGroup is a row's group for the medians: device and variant kind.
func (r calRow) group() string {
	plain, _, _ := strings.Cut(r.variant, "_")
	dev := "xc7vx690t@10ns"
	if r.device == "nangate45" {
		dev = "nangate45@2ns"
	}
	if plain == "none" {
		return dev + " none"
	}
	return dev + " full/nbt"
}

// calMedians is the median |cycle error| per group of the rows whose
// kernel keep accepts.
func calMedians(rows []calRow, keep func(string) bool) map[string]float64 {
	errs := map[string][]float64{}
	for _, r := range rows {
		if keep(r.kernel) {
			errs[r.group()] = append(errs[r.group()], math.Abs(r.err(r.cycles)))
		}
	}
	out := map[string]float64{}
	for g, e := range errs {
		out[g] = median(e)
	}
	return out
}

var calGroups = []string{"xc7vx690t@10ns none", "xc7vx690t@10ns full/nbt", "nangate45@2ns none", "nangate45@2ns full/nbt"}

// TestCalibrationPolybench prints every Bambu row of polybench_bambu.csv
// beside the model with the default tuning (cycles; on the FPGA DSPs,
// LUTs and power too) and asserts issue 7's target: median |cycle error|
// at most 10 % for none and for full/nbt on each device; and that the
// DSP count (the soft-float multipliers the schedule keeps busy at once,
// 2 DSP each) is exact in at least 35 of the 52 FPGA rows, what the
// model reaches (30 with program-order scheduling and no CSE). LUT and
// power errors are printed, not asserted (see the report in doc.go).
func TestCalibrationPolybench(t *testing.T) {
	rows := calibrationRows(t, nil)
	t.Logf("%-8s %2s %-13s %-9s %8s %8s %6s | %4s %4s | %6s %6s %5s | %5s %5s", "kernel", "N", "variant", "device",
		"Bambu", "kiln", "err", "DSP", "kiln", "LUT", "kiln", "err", "W", "kiln")
	var lut, pw []float64
	dspExact, dspRows := 0, 0
	for _, r := range rows {
		line := fmt.Sprintf("%-8s %2d %-13s %-9s %8.0f %8.0f %+5.0f%%", r.kernel, r.n, r.variant, r.device[:min(9, len(r.device))],
			r.cycles[0], r.cycles[1], 100*r.err(r.cycles))
		if r.lut[0] > 0 {
			line += fmt.Sprintf(" | %4.0f %4.0f | %6.0f %6.0f %+4.0f%% | %.3f %.3f", r.dsp[0], r.dsp[1], r.lut[0], r.lut[1],
				100*r.err(r.lut), r.power[0], r.power[1])
			lut = append(lut, math.Abs(r.err(r.lut)))
			pw = append(pw, math.Abs(r.err(r.power)))
			dspRows++
			if r.dsp[0] == r.dsp[1] {
				dspExact++
			}
		}
		t.Log(line)
	}
	med := calMedians(rows, func(string) bool { return true })
	for _, g := range calGroups {
		t.Logf("median |cycle error| %-24s %5.1f%%", g, 100*med[g])
		assert.LessOrEqual(t, med[g], 0.10, g)
	}
	t.Logf("FPGA: DSPs exact in %d of %d rows; median |LUT error| %.0f%%, |power error| %.0f%%", dspExact, dspRows,
		100*median(lut), 100*median(pw))
	assert.Equal(t, 52, dspRows)
	assert.GreaterOrEqual(t, dspExact, 35, "DSP counts exact")
}

// TestCalibrationHoldOut chooses the tuning on four kernels (gemm, atax,
// two_mm, syrk) from a small grid — LoopCycles and CallCycles 0…2,
// RegisteredInputCycles 0 or 1 — by the worst of the four groups' medians,
// and reports the held-out kernels' (gemver, trmm, doitgen) medians with
// it. The held-out medians must stay within 12 % (10 % is the target on
// all kernels together), and the fit must take RegisteredInputCycles 1
// (the mechanism, not a fitted constant: the data confirm it). The fit
// may pick other loop and call costs than the default's (1 and 2 states).
func TestCalibrationHoldOut(t *testing.T) {
	if testing.Short() {
		t.Skip("18 sweeps of the PolyBench rows")
	}
	train := map[string]bool{"gemm": true, "atax": true, "two_mm": true, "syrk": true}
	worst := func(m map[string]float64) float64 {
		w := 0.0
		for _, g := range calGroups {
			w = max(w, m[g])
		}
		return w
	}
	var best Tuning
	bestErr := math.Inf(1)
	var bestRows []calRow
	for reg := range 2 {
		for loopC := range 3 {
			for call := range 3 {
				tune := DefaultTuning()
				tune.RegisteredInputCycles, tune.LoopCycles, tune.CallCycles = reg, loopC, call
				rows := calibrationRows(t, &tune)
				if w := worst(calMedians(rows, func(k string) bool { return train[k] })); w < bestErr-1e-12 {
					best, bestErr, bestRows = tune, w, rows
				}
			}
		}
	}
	held := calMedians(bestRows, func(k string) bool { return !train[k] })
	t.Logf("fitted on %v: RegisteredInputCycles %d, LoopCycles %d, CallCycles %d (worst training median %.1f%%)",
		[]string{"gemm", "atax", "two_mm", "syrk"}, best.RegisteredInputCycles, best.LoopCycles, best.CallCycles, 100*bestErr)
	for _, g := range calGroups {
		t.Logf("held out (gemver, trmm, doitgen) %-24s %5.1f%%", g, 100*held[g])
		assert.LessOrEqual(t, held[g], 0.12, g)
	}
	assert.Equal(t, 1, best.RegisteredInputCycles)
}

// TestTutorialKernel estimates the SODA tutorial's batch_matmul on
// nangate45 at 5 ns with two channels (the runs of
// soda_tutorial_batch_matmul.csv, "tensorflow tutorial (2025)" rows,
// PandA 2024.10: baseline 1286 cycles, 31013 µm² layout area, 0.0986 W;
// optimized 56 cycles, 285856 µm², 0.114 W) and prints the model beside
// them. Asserted: cycles within 20 % on both (the optimized kernel's 56
// needs Bambu's priority list scheduling: in program order the model
// takes 77); the soft-float units the schedule binds, as the logs count
// them (bambu-logs/tensorflow-tutorial-2024.10/*/bambu-log, "Number of
// cliques covering the graph": 1 adder and 1 multiplier in the baseline,
// 16 and 16 in the optimized kernel); the area within 20 % on both
// (targets' µm² per unit and fixed area per design come from these two
// layouts and hold on the PACT'22 run's, targets/area_test.go; the units,
// their multiplexers and the memory controller are added up as Bambu's
// estimate in the logs does, TestAreaGlueDerivation).
//
// Power: the 2025 runs' OpenROAD power does not follow the designs (9×
// the area and 7× the flip-flops of the optimized kernel draw 16 % more
// than the baseline), so it is printed only; power is asserted within
// 20 % of the PACT'22 run of the same kernels (PandA 0.9.8: 0.00663 W and
// 0.0645 W), whose power scales with the area and gave the activity
// energy per µm² of kiln's (2025-scale) area (targets' devices.json,
// targets/activity_test.go). kiln adds the operations' energy on top, as
// on the FPGAs: 5–6 % of these two designs' power.
// The baseline's arguments may alias (SODA's plain lowering), the
// optimized one's do not.
func TestTutorialKernel(t *testing.T) {
	d, err := targets.Lookup("nangate45")
	require.NoError(t, err)
	for _, c := range []struct {
		file          string
		noAlias       bool
		cycles        float64
		areaUM2, powW float64
		units         int     // soft-float adders and multipliers (each)
		pact          float64 // the PACT'22 run's power
	}{
		{"batch_matmul_baseline.kir", false, 1286, 31013, 0.0986, 1, 0.00663},
		{"batch_matmul_optimized.kir", true, 56, 285856, 0.114, 16, 0.0645},
	} {
		t.Run(c.file, func(t *testing.T) {
			src, err := os.ReadFile("testdata/tutorial/" + c.file)
			require.NoError(t, err)
			k, err := loop.Parse(string(src), nil)
			require.NoError(t, err)
			variant, _, err := PolybenchHeader(string(src)) // as kiln sim reads it
			require.NoError(t, err)
			require.Equal(t, c.noAlias, variant != "none")
			cfg, err := ForDevice(d, 5, 2)
			require.NoError(t, err)
			cfg.NoAlias = c.noAlias
			x := &Estimator{keep: keep{off: true}}
			e, err := x.EstimateKernel(k, cfg)
			require.NoError(t, err)
			rel := func(got, want float64) float64 { return (got - want) / want }
			t.Logf("cycles %d (Bambu %.0f, %+.0f%%), area %.0f µm² (%.0f, %+.0f%%), power %.4f W (2025 %.4f, %+.0f%%; PACT'22 %.5f, %+.0f%%)",
				e.Cycles, c.cycles, 100*rel(float64(e.Cycles), c.cycles), e.Resources.AreaUM2, c.areaUM2,
				100*rel(e.Resources.AreaUM2, c.areaUM2), e.PowerW, c.powW, 100*rel(e.PowerW, c.powW), c.pact, 100*rel(e.PowerW, c.pact))
			assert.LessOrEqual(t, math.Abs(rel(float64(e.Cycles), c.cycles)), 0.2, "cycles")
			assert.LessOrEqual(t, math.Abs(rel(e.Resources.AreaUM2, c.areaUM2)), 0.2, "area")
			assert.LessOrEqual(t, math.Abs(rel(e.PowerW, c.pact)), 0.2, "power against the PACT'22 run")
			units := map[string]int{}
			for id, n := range x.sc.km.units {
				if k := x.sc.cache.keys[id]; k.Type == "float" && (k.Op == "add" || k.Op == "mul") {
					units[k.Op] += n
				}
			}
			assert.Equal(t, map[string]int{"add": c.units, "mul": c.units}, units, "soft-float units")
		})
	}
}

// TestTutorialKernelVirtex7 estimates the same two kernels on the ISC'22
// tutorial's device (soda_tutorial_batch_matmul.csv, "ISC'22 tutorial"
// rows: PandA 0.9.7-dev, xc7vx690t-3ffg1930-VVD at 5 ns, Vivado post-route:
// baseline 1542 cycles, 2 DSP, 2398 LUT; optimized 64 cycles, 32 DSP,
// 17038 LUT). Asserted: cycles within 20 % and the DSPs exactly (the
// optimized kernel's 32 are 16 soft-float multipliers of 2 DSP each, the
// binding the 2024.10 nangate45 log shows too). LUTs printed.
func TestTutorialKernelVirtex7(t *testing.T) {
	d, err := targets.Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	for _, c := range []struct {
		file     string
		noAlias  bool
		cycles   float64
		dsp, lut int
	}{
		{"batch_matmul_baseline.kir", false, 1542, 2, 2398},
		{"batch_matmul_optimized.kir", true, 64, 32, 17038},
	} {
		t.Run(c.file, func(t *testing.T) {
			src, err := os.ReadFile("testdata/tutorial/" + c.file)
			require.NoError(t, err)
			k, err := loop.Parse(string(src), nil)
			require.NoError(t, err)
			cfg, err := ForDevice(d, 5, 2)
			require.NoError(t, err)
			cfg.NoAlias = c.noAlias
			e, err := EstimateKernel(k, cfg)
			require.NoError(t, err)
			rel := (float64(e.Cycles) - c.cycles) / c.cycles
			t.Logf("cycles %d (Bambu %.0f, %+.0f%%), DSP %d (%d), LUT %d (%d, %+.0f%%)", e.Cycles, c.cycles, 100*rel,
				e.Resources.DSP, c.dsp, e.Resources.LUT, c.lut, 100*float64(e.Resources.LUT-c.lut)/float64(c.lut))
			assert.LessOrEqual(t, math.Abs(rel), 0.2, "cycles")
			assert.Equal(t, c.dsp, e.Resources.DSP, "DSP")
		})
	}
}
