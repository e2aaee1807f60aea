package sim

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/targets"
)

// TestDeviceEstimates runs the PolyBench files on the Virtex-7 of SODA's
// runs (10 ns, two channels, the file's interface) and prints the model
// beside Bambu's measured cycles. It asserts what the model must get right
// whatever its calibration: positive cycles, the plain variant no faster
// than the unrolled one for gemm, and more cycles as N grows; the
// calibration itself (median errors) is the calibration test's.
func TestDeviceEstimates(t *testing.T) {
	rows, err := PolybenchRows("../../shared/calibration/polybench_bambu.csv")
	if err != nil {
		t.Skipf("no calibration rows: %v", err)
	}
	measured := map[string]float64{}
	for _, r := range rows {
		if r.Metric == "cycles" && r.Tool == "Bambu" {
			measured[fmt.Sprintf("%s_%d_%s", r.Kernel, r.N, r.Variant)] = r.Value
		}
	}
	d, err := targets.Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	cfg, err := ForDevice(d, 10, 2)
	require.NoError(t, err)
	files, err := filepath.Glob("testdata/polybench/*.kir")
	require.NoError(t, err)
	sort.Strings(files)
	got := map[string]int64{}
	var errs []float64
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		variant, iface, err := PolybenchHeader(string(src))
		require.NoError(t, err)
		k, err := loop.Parse(string(src), nil)
		require.NoError(t, err, f)
		c := cfg
		c.NoAlias = variant != "none" // SODA marks the arguments noalias in full and nbt only
		if iface == "per-array" {
			c.Interface = ArrayInterface
		}
		e, err := EstimateKernel(k, c)
		require.NoError(t, err, f)
		require.Positive(t, e.Cycles, f)
		base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".kir"), "_full")
		cut := strings.LastIndexByte(base, '_')
		key := fmt.Sprintf("%s_%s_%s", base[:cut], base[cut+1:], variant)
		got[key] = e.Cycles
		if m, ok := measured[key]; ok {
			rel := (float64(e.Cycles) - m) / m
			errs = append(errs, math.Abs(rel))
			t.Logf("%-22s model %8d  Bambu %8.0f  %+6.0f%%  DSP %d", key, e.Cycles, m, 100*rel, e.Resources.DSP)
		}
	}
	sort.Float64s(errs)
	if len(errs) > 0 {
		t.Logf("%d rows, median |error| %.0f%% (none and full together; per group: TestCalibrationPolybench)", len(errs), 100*errs[len(errs)/2])
	}
	for _, n := range []int{2, 4, 8} {
		assert.Less(t, got[fmt.Sprintf("gemm_%d_none", n)], got[fmt.Sprintf("gemm_%d_none", 2*n)])
		assert.LessOrEqual(t, got[fmt.Sprintf("gemm_%d_full", n)], got[fmt.Sprintf("gemm_%d_none", n)])
	}
}

// TestForDevice: a device's config carries its resources and static power;
// a period its tables cannot meet is an error naming the device; the ASIC
// library gives area, not LUTs.
func TestForDevice(t *testing.T) {
	d, err := targets.Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	cfg, err := ForDevice(d, 10, 2)
	require.NoError(t, err)
	require.NotNil(t, cfg.Capacity)
	assert.Equal(t, d.Resources.DSP, cfg.Capacity.DSP)
	assert.Equal(t, d.StaticPowerW, cfg.StaticPowerW)
	_, err = ForDevice(d, 0.01, 2)
	assert.ErrorContains(t, err, "xc7vx690t-3ffg1930-VVD cannot run at 0.01 ns")

	a, err := targets.Lookup("nangate45")
	require.NoError(t, err)
	cfg, err = ForDevice(a, 10, 2)
	require.NoError(t, err)
	assert.Nil(t, cfg.Capacity)
	k, err := loop.Parse(`kernel m(in x: f32[8], out y: f32[8]) {
  for i in 0..8 {
    y[i] = x[i] * x[i] + 1.0
  }
}`, nil)
	require.NoError(t, err)
	e, err := EstimateKernel(k, cfg)
	require.NoError(t, err)
	assert.Positive(t, e.Resources.AreaUM2)
	assert.Equal(t, Resources{AreaUM2: e.Resources.AreaUM2}, e.Resources)
	assert.True(t, e.Feasible)
}
