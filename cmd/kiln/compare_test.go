package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

const studyFixtures = "../../sim/gpu/testdata"

func compareJSON(t *testing.T, args ...string) gpuComparison {
	out, err := run(append([]string{"compare", "--json"}, args...)...)
	require.NoError(t, err, out)
	var c gpuComparison
	require.NoError(t, json.Unmarshal([]byte(out), &c), out)
	return c
}

// TestCompareContract: the fields issue 7 asks for, per GPU, and the same
// figures as sim/gpu gives on the compiled graph.
func TestCompareContract(t *testing.T) {
	out, err := run("compare", "lstm", "--json", "--gpu", "a100-sxm4-40gb,h100-sxm", "--batch", "2048", "--precision", "amp", "--baselines", t.TempDir())
	require.NoError(t, err, out)
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	gpus := raw["gpus"].([]any)
	require.Len(t, gpus, 2)
	for _, g := range gpus {
		for _, k := range []string{"gpu", "batch", "precision", "batch_latency_us", "per_inference_us", "energy_uj", "layers"} {
			assert.Contains(t, g, k)
		}
	}
	assert.Equal(t, []any{}, raw["targets"])

	c := compareJSON(t, "lstm", "--gpu", "a100-sxm4-40gb", "--gpu", "h100-sxm", "--batch", "2048", "--precision", "amp", "--baselines", t.TempDir())
	assert.Equal(t, "lstm", c.Model)
	a, h := c.GPUs[0], c.GPUs[1]
	assert.Equal(t, "a100-sxm4-40gb", a.GPU)
	assert.Equal(t, 2048, a.Batch)
	assert.Equal(t, "amp", a.Precision)
	assert.InDelta(t, a.BatchLatencyUS/2048, a.PerInferenceUS, 1e-9)
	assert.Less(t, h.PerInferenceUS, a.PerInferenceUS, "H100: faster link and memory")

	z, err := zoo.Lookup("lstm")
	require.NoError(t, err)
	m, err := z.Load(onnx.Options{Batch: 2048})
	require.NoError(t, err)
	require.NoError(t, passes.RunGraph(nil, m.Graph, passes.CompilePipeline))
	g, err := targets.LookupGPU("a100-sxm4-40gb")
	require.NoError(t, err)
	want, err := gpu.Estimate(m.Graph, g, gpu.Options{Batch: 2048, Precision: gpu.AMP, Params: gpu.DefaultParams()})
	require.NoError(t, err)
	assert.Equal(t, want, a.Result)
}

// TestCompareAnyModel: an ONNX file that is not built in, and the text
// table with the per-layer breakdown.
func TestCompareAnyModel(t *testing.T) {
	c := compareJSON(t, torch+"/cnn1d_opset17/model.onnx", "--batch", "8", "--gpu", "jetson-agx-orin", "--precision", "fp16", "--baselines", t.TempDir())
	assert.Equal(t, "model", c.Model)
	require.Len(t, c.GPUs, 1)
	assert.Equal(t, 8, c.GPUs[0].Batch)
	assert.Greater(t, c.GPUs[0].PerInferenceUS, 0.0)
	out, err := run("compare", "stgcn", "--layers", "--gpu", "v100-sxm2", "--baselines", t.TempDir())
	require.NoError(t, err, out)
	assert.Contains(t, out, "model stgcn, batch 1, precision fp32")
	assert.Contains(t, out, "v100-sxm2: per layer")
	assert.Contains(t, out, "/output/tconv1/Conv")
	assert.Contains(t, out, "host→device")
}

// TestBaselineImportCompare imports the study's numbers and finds them
// next to the estimate; list shows them; a re-import lands on the same file.
func TestBaselineImportCompare(t *testing.T) {
	dir := t.TempDir()
	out, err := run("baseline", "import", "--dir", dir, studyFixtures+"/study-lstm.json", studyFixtures+"/study-cnn.json")
	require.NoError(t, err, out)
	assert.Equal(t, 2, strings.Count(out, "imported "), out)
	files, err := filepath.Glob(filepath.Join(dir, "lstm", "a100-sxm4-40gb_2024_*.json"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	_, err = run("baseline", "import", "--dir", dir, studyFixtures+"/study-lstm.json")
	require.NoError(t, err)
	again, _ := filepath.Glob(filepath.Join(dir, "lstm", "*.json"))
	assert.Len(t, again, 1, "the same file imported twice is stored once")

	out, err = run("baseline", "list", "--dir", dir)
	require.NoError(t, err, out)
	assert.Equal(t, 1+6, strings.Count(strings.TrimSpace(out), "\n")+1, out)
	assert.Contains(t, out, "26.700")

	c := compareJSON(t, "lstm", "--batch", "2048", "--baselines", dir)
	require.Len(t, c.GPUs[0].Measured, 1)
	m := c.GPUs[0].Measured[0]
	assert.Equal(t, 26.7, m.PerInferenceUS)
	assert.Equal(t, "2024", m.Date)
	assert.InDelta(t, c.GPUs[0].PerInferenceUS/26.7-1, m.Error, 1e-12)
	// Another precision, batch or GPU finds nothing.
	assert.Empty(t, compareJSON(t, "lstm", "--batch", "1", "--baselines", dir).GPUs[0].Measured)
	assert.Empty(t, compareJSON(t, "lstm", "--batch", "2048", "--gpu", "h100-sxm", "--baselines", dir).GPUs[0].Measured)
	t.Setenv("KILN_BASELINES", dir)
	out, err = run("compare", "cnn", "--batch", "2048", "--precision", "fp64")
	require.NoError(t, err, out)
	assert.Contains(t, out, "58.6 (pytorch, 2024)")
}

// TestCompareTargets: -t adds kiln sim's estimate of the model on each
// target, the same figures kiln sim gives, with speed-ups against each GPU.
func TestCompareTargets(t *testing.T) {
	out, err := run("compare", "lstm", "--gpu", "a100-sxm4-40gb", "-t", "xc7vx690t-3ffg1930-VVD", "--precision", "fp16",
		"--baselines", t.TempDir(), "--json")
	require.NoError(t, err, out)
	var c gpuComparison
	require.NoError(t, json.Unmarshal([]byte(out), &c))
	require.Len(t, c.Targets, 1)
	tc := c.Targets[0]
	assert.Equal(t, "fp16", tc.Precision)
	simOut, err := run("sim", "lstm", "-t", "xc7vx690t-3ffg1930-VVD", "--precision", "fp16", "--json")
	require.NoError(t, err, simOut)
	var s simJSON
	require.NoError(t, json.Unmarshal([]byte(simOut), &s))
	assert.Equal(t, s.Cycles, tc.Cycles)
	assert.InDelta(t, s.LatencyUS, tc.PerInferenceUS, 1e-9*s.LatencyUS)
	assert.InDelta(t, c.GPUs[0].PerInferenceUS/s.LatencyUS, tc.SpeedupVs["a100-sxm4-40gb"], 1e-12)
	assert.InDelta(t, c.GPUs[0].EnergyUJ/s.EnergyUJ, tc.EnergyRatioVs["a100-sxm4-40gb"], 1e-12)

	// The placement flags reach the targets as they reach kiln sim.
	placing := []string{"-t", "xcu280-2Lfsvh2892-VVD", "--placement", "offchip-weights", "--offchip-memory", "ddr4"}
	c = compareJSON(t, append([]string{"cnn", "--baselines", t.TempDir()}, placing...)...)
	simOut, err = run(append([]string{"sim", "cnn", "--json"}, placing...)...)
	require.NoError(t, err, simOut)
	require.NoError(t, json.Unmarshal([]byte(simOut), &s))
	require.Len(t, c.Targets, 1)
	assert.Equal(t, s.Cycles, c.Targets[0].Cycles)
	auto := compareJSON(t, "cnn", "--baselines", t.TempDir(), "-t", "xcu280-2Lfsvh2892-VVD")
	assert.Less(t, auto.Targets[0].Cycles, c.Targets[0].Cycles, "auto keeps the U280's weights on chip")
}

func TestCompareErrors(t *testing.T) {
	bad := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(bad, "lstm"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "lstm", "x.json"), []byte(`{"format":"kiln-gpu-baseline/1"}`), 0o644))
	rows := []struct {
		name string
		args []string
		want string
	}{
		{"gpu", []string{"compare", "lstm", "--gpu", "rtx-4090"}, `--gpu: unknown GPU "rtx-4090"`},
		{"precision", []string{"compare", "lstm", "--precision", "fp8"}, `--precision: unknown GPU precision "fp8"`},
		{"target", []string{"compare", "lstm", "-t", "xcu9p", "--baselines", t.TempDir()}, `-t: unknown device "xcu9p"`},
		{"fp64 on a target", []string{"compare", "lstm", "-t", "nangate45", "--precision", "fp64", "--baselines", t.TempDir()}, "--precision fp64 has no FPGA/ASIC counterpart"},
		{"target clock", []string{"compare", "lstm", "-t", "nangate45", "--clock", "0.5", "--baselines", t.TempDir()}, "nangate45 cannot run at 0.5 ns"},
		{"no rate", []string{"compare", "lstm", "--gpu", "v100-sxm2", "--precision", "bf16", "--baselines", t.TempDir()}, "v100-sxm2 has no bf16 rate"},
		{"model", []string{"compare", "gru"}, `no built-in model "gru"`},
		{"placement without a target", []string{"compare", "lstm", "--placement", "onchip"}, "give one"},
		{"bad placement", []string{"compare", "lstm", "-t", "nangate45", "--placement", "nowhere"}, `"nowhere"`},
		{"memory the target lacks", []string{"compare", "lstm", "-t", "nangate45", "--offchip-memory", "hbm2", "--baselines", t.TempDir()}, `-t nangate45: --offchip-memory: targets: device nangate45: no off-chip memory "hbm2"`},
		{"fixed batch", []string{"compare", nodeTests + "/test_lstm_batchwise/model.onnx", "--batch", "4"}, "no batch dimension of 4"},
		{"stored file", []string{"compare", "lstm", "--baselines", bad}, "x.json: model: missing"},
		{"import bad", []string{"baseline", "import", "--dir", t.TempDir(), filepath.Join(bad, "lstm", "x.json")}, "baseline import " + filepath.Join(bad, "lstm", "x.json")},
		{"import missing", []string{"baseline", "import", "--dir", t.TempDir(), "no-such.json"}, "no-such.json: no such file"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			out, err := run(r.args...)
			require.Error(t, err, out)
			assert.Contains(t, err.Error(), r.want)
		})
	}
}
