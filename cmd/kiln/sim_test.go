package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/targets"
)

const polybench = "../../sim/testdata/polybench"

// runSim runs kiln sim with args.
func runSim(args ...string) (string, error) { return run(append([]string{"sim"}, args...)...) }

func simJSONOf(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, err := runSim(append(args, "--json")...)
	require.NoError(t, err, out)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	return m
}

// TestSimKir: a PolyBench file on the Virtex-7: the JSON has DESIGN.md's
// fields, its cycles are sim.EstimateKernel's on the same file and
// settings, and the file's header picks the interface (per-array for the
// full variant) unless --interface overrides it.
func TestSimKir(t *testing.T) {
	d, err := targets.Lookup("xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err)
	for _, c := range []struct {
		file, iface string
		flags       []string
	}{
		{"gemm_4.kir", "shared", nil},
		{"gemm_4_full.kir", "per-array", nil},
		{"gemm_4_full.kir", "shared", []string{"--interface", "shared"}},
		{"atax_8.kir", "shared", []string{"--channels", "1"}},
	} {
		t.Run(c.file+"/"+c.iface, func(t *testing.T) {
			path := filepath.Join(polybench, c.file)
			m := simJSONOf(t, append([]string{path, "-t", d.Name, "--clock", "10"}, c.flags...)...)
			for _, k := range []string{"model", "target", "clock_mhz", "precision", "batch", "cycles", "latency_us",
				"interval_cycles", "throughput_inf_s", "resources", "power_w", "energy_uj", "layers", "feasible"} {
				assert.Contains(t, m, k)
			}
			assert.Equal(t, c.iface, m["interface"])
			assert.Equal(t, 100.0, m["clock_mhz"])
			res := m["resources"].(map[string]any)
			assert.Contains(t, res, "lut")
			assert.Contains(t, res, "utilization")
			assert.NotContains(t, res, "area_um2")

			src, err := os.ReadFile(path)
			require.NoError(t, err)
			k, err := loop.Parse(string(src), nil)
			require.NoError(t, err)
			cfg, err := sim.ForDevice(d, 10, 2)
			require.NoError(t, err)
			cfg.NoAlias = c.file != "gemm_4.kir" && c.file != "atax_8.kir" // the none variant's header
			if len(c.flags) == 2 && c.flags[0] == "--channels" {
				cfg.Channels = 1
			}
			if c.iface == "per-array" {
				cfg.Interface = sim.ArrayInterface
			}
			want, err := sim.EstimateKernel(k, cfg)
			require.NoError(t, err)
			assert.Equal(t, float64(want.Cycles), m["cycles"])
			assert.Len(t, m["layers"], 1)
		})
	}
}

// TestSimModel: a built-in model on the ASIC library gives area, not
// LUTs; the text form names the kernels.
func TestSimModel(t *testing.T) {
	m := simJSONOf(t, "lstm", "-t", "nangate45", "--clock", "5")
	res := m["resources"].(map[string]any)
	assert.Positive(t, res["area_um2"])
	assert.NotContains(t, res, "lut")
	assert.Equal(t, "asic", m["kind"])
	assert.Positive(t, m["cycles"])
	assert.NotEmpty(t, m["layers"])

	out, err := runSim("lstm", "-t", "xc7vx690t-3ffg1930-VVD")
	require.NoError(t, err, out)
	assert.Contains(t, out, "lstm on xc7vx690t-3ffg1930-VVD at 10 ns (100 MHz), fp32, 2 channels, shared interface")
	assert.Regexp(t, `(?m)^cycles \d+ `, out)
}

// TestSimInfeasible: a kernel whose on-chip buffer needs more block RAM
// than the Zynq-7020 has is reported infeasible with the numbers, not an
// error.
func TestSimInfeasible(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.kir")
	require.NoError(t, os.WriteFile(path, []byte(`kernel big(in x: f32[4], out y: f32[4]) {
  temp t: f32[1000000]
  for i in 0..4 {
    t[i] = x[i]
    y[i] = t[i]
  }
}
`), 0o644))
	m := simJSONOf(t, path, "-t", "xc7z020-1clg484-VVD")
	assert.Equal(t, false, m["feasible"])
	require.Len(t, m["infeasible"], 1)
	assert.Contains(t, m["infeasible"].([]any)[0], "BRAM36: the design needs 977, the device has")

	out, err := runSim(path, "-t", "xc7z020-1clg484-VVD")
	require.NoError(t, err)
	assert.Contains(t, out, "INFEASIBLE on xc7z020-1clg484-VVD: BRAM36: the design needs 977")
}

// TestSimErrors: bad input is an error that says what is wrong.
func TestSimErrors(t *testing.T) {
	gemm := filepath.Join(polybench, "gemm_4.kir")
	placing := filepath.Join(t.TempDir(), "place.yaml")
	require.NoError(t, os.WriteFile(placing, []byte("- place: gemm_4_kernel.A=offchip\n"), 0o644))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{gemm}, "-t DEVICE is required"},
		{[]string{gemm, "-t", "nosuch"}, `unknown device "nosuch"`},
		{[]string{gemm, "-t", "nangate45", "--clock", "0.001"}, "nangate45 cannot run at 0.001 ns"},
		{[]string{gemm, "-t", "nangate45", "--clock", "-1"}, "--clock -1"},
		{[]string{gemm, "-t", "nangate45", "--channels", "0"}, "--channels 0"},
		{[]string{gemm, "-t", "nangate45", "--interface", "bus"}, `--interface "bus"`},
		{[]string{gemm, "-t", "nangate45", "--precision", "fp16"}, "apply to models, not to a loop-IR file"},
		{[]string{"nosuch.kir", "-t", "nangate45"}, "nosuch.kir"},
		{[]string{gemm, "-t", "nangate45", "--unroll", "gemm_4_kernel.nosuch=2"}, "nosuch"},
		{[]string{gemm, "-t", "nangate45", "--place", "gemm_4_kernel.A=offchip"}, "a loop-IR file's buffers keep the spaces it declares"},
		{[]string{gemm, "-t", "nangate45", "--placement", "none"}, "--placement, --place and place: entries apply to models"},
		{[]string{gemm, "-t", "nangate45", "--loops", placing}, "a loop-IR file's buffers keep the spaces it declares"},
	} {
		t.Run(c.want, func(t *testing.T) {
			_, err := runSim(c.args...)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

// TestSimUnrollFlag: the loop flags reach the estimate: unrolling gemm's
// k loop by 2 (a directive) changes the cycles.
func TestSimUnrollFlag(t *testing.T) {
	gemm := filepath.Join(polybench, "gemm_16.kir")
	plain := simJSONOf(t, gemm, "-t", "xc7vx690t-3ffg1930-VVD")
	unrolled := simJSONOf(t, gemm, "-t", "xc7vx690t-3ffg1930-VVD", "--unroll", "gemm_16_kernel.k=2")
	assert.NotEqual(t, plain["cycles"], unrolled["cycles"])
}

// TestSimPlacement: with --placement auto the LSTM and CNN fit the
// Zynq-7020 (weights of little reuse off chip, paid in cycles and
// bytes), while the U280 keeps them on chip; without it they do not fit.
func TestSimPlacement(t *testing.T) {
	for _, model := range []string{"lstm", "cnn"} {
		small := simJSONOf(t, model, "-t", "xc7z020-1clg484-VVD", "--placement", "auto")
		big := simJSONOf(t, model, "-t", "xcu280-2Lfsvh2892-VVD", "--placement", "auto")
		plain := simJSONOf(t, model, "-t", "xc7z020-1clg484-VVD", "--placement", "none")
		assert.Equal(t, true, small["feasible"], model)
		assert.Equal(t, false, plain["feasible"], model)
		assert.LessOrEqual(t, small["resources"].(map[string]any)["bram"], 140.0, model)
		assert.Greater(t, small["offchip_bytes"], big["offchip_bytes"], model)
		assert.Greater(t, big["resources"].(map[string]any)["bram"], small["resources"].(map[string]any)["bram"], model)
	}
	// The STGCN's activations go to the U280's UltraRAM, as placement
	// says, and the design fits (its arrays would need 2211 BRAM36 alone).
	st := simJSONOf(t, "stgcn", "-t", "xcu280-2Lfsvh2892-VVD")
	assert.Equal(t, true, st["feasible"], st["infeasible"])
	res := st["resources"].(map[string]any)
	assert.Positive(t, res["uram"])
	assert.LessOrEqual(t, res["bram"], 2016.0)
	_, err := run("sim", "cnn", "-t", "xc7z020-1clg484-VVD", "--placement", "onchip")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dense")
	_, err = run("sim", "lstm", "-t", "xc7z020-1clg484-VVD", "--place", "nosuch.w=ram")
	assert.ErrorContains(t, err, "nosuch")
	_, err = run("sim", "lstm", "-t", "xc7z020-1clg484-VVD", "--placement", "somewhere")
	assert.ErrorContains(t, err, "somewhere")
}

// TestSimCopy: at batch 4, the CNN's output layer with its batch loop
// inside the output tiles reads the off-chip weight matrix once per
// window; copying each tile's 16 rows on chip reads it once per
// inference — a quarter of the off-chip bytes — for 4 more block RAMs.
func TestSimCopy(t *testing.T) {
	args := []string{"cnn", "--batch", "4", "-t", "xc7z020-1clg484-VVD",
		"--tile", "dense_layer_Gemm.j=16", "--interchange", "dense_layer_Gemm.i=j.outer"}
	plain := simJSONOf(t, args...)
	copied := simJSONOf(t, append(args, "--copy", "dense_layer_Gemm.dense_layer_weight=j.outer")...)
	weight := 4080 * 256 * 4.0
	assert.InDelta(t, 4*weight, plain["offchip_bytes"].(float64), 0.02*weight, "plain: the weight read once per window")
	assert.InDelta(t, weight, copied["offchip_bytes"].(float64)-(plain["offchip_bytes"].(float64)-4*weight), 0.02*weight, "copied: once per inference")
	bram := func(m map[string]any) float64 { return m["resources"].(map[string]any)["bram"].(float64) }
	assert.Equal(t, bram(plain)+4, bram(copied), "the 16x256 f32 tile takes 4 BRAM36")
	assert.Equal(t, true, copied["feasible"])
}

// TestSimOffChipMemory: --offchip-memory picks another memory of the
// device or reads an ASIC's DRAM from a file; its latency shows in the
// cycles, its name in the report, and bad memories are refused by name.
func TestSimOffChipMemory(t *testing.T) {
	asic := []string{"cnn", "-t", "nangate45", "--placement", "offchip-weights"}
	dram := simJSONOf(t, asic...)
	hbm := simJSONOf(t, append(asic, "--offchip-memory", "../../examples/dram-hbm2-stack.json")...)
	assert.Equal(t, "DRAM (ddr4)", dram["offchip_memory"])
	assert.Equal(t, "HBM2 (hbm2)", hbm["offchip_memory"])
	assert.Equal(t, dram["offchip_bytes"], hbm["offchip_bytes"])
	assert.Greater(t, hbm["cycles"], dram["cycles"], "137.8 ns per random access against the default's 100 ns")

	u280 := []string{"cnn", "-t", "xcu280-2Lfsvh2892-VVD", "--placement", "offchip-weights"}
	onHBM := simJSONOf(t, u280...)
	onDDR := simJSONOf(t, append(u280, "--offchip-memory", "ddr4")...)
	assert.Equal(t, "HBM2 (hbm2)", onHBM["offchip_memory"])
	assert.Equal(t, "DDR4 (ddr4)", onDDR["offchip_memory"])
	assert.Greater(t, onDDR["cycles"], onHBM["cycles"], "DDR4's 206.7 ns against HBM2's 137.8 ns")

	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
	good, err := os.ReadFile("../../examples/dram-hbm2-stack.json")
	require.NoError(t, err)
	for _, c := range []struct{ spec, want string }{
		{"lpddr", `no off-chip memory "lpddr" (it has HBM2, DDR4)`},
		{filepath.Join(dir, "none.json"), "none.json: no such file"},
		{write("unsourced.json", strings.Replace(string(good), `"latency_source"`, `"latency_note"`, 1)), `unknown field "latency_note"`},
		{write("slow.json", strings.Replace(string(good), `"latency_ns": 137.8`, `"latency_ns": -1`, 1)), "latency_ns -1 (want > 0)"},
		{write("two.json", string(good)+string(good)), "data after the memory's object"},
	} {
		_, err := run("sim", "cnn", "-t", "xcu280-2Lfsvh2892-VVD", "--offchip-memory", c.spec)
		require.Error(t, err, c.spec)
		assert.Contains(t, err.Error(), "--offchip-memory")
		assert.Contains(t, err.Error(), c.want)
	}
	empty := write("empty-source.json", regexp.MustCompile(`"access_source": "[^"]*"`).ReplaceAllString(string(good), `"access_source": ""`))
	_, err = run("sim", "cnn", "-t", "nangate45", "--offchip-memory", empty)
	assert.ErrorContains(t, err, "a figure without its source")
}
