package gpu_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sim/gpu"
)

// TestStudyFixtures reads the study's published numbers as baseline files
// and checks them against the model's calibration table rows.
func TestStudyFixtures(t *testing.T) {
	for _, name := range []string{"lstm", "cnn", "stgcn"} {
		data, err := os.ReadFile("testdata/study-" + name + ".json")
		require.NoError(t, err)
		b, err := gpu.ParseBaseline(data)
		require.NoError(t, err, name)
		assert.Equal(t, name, b.Model)
		assert.Equal(t, "a100-sxm4-40gb", b.GPU)
		for _, r := range studyRows {
			if r.model != name || r.batch != 2048 {
				continue
			}
			ms := b.Find(r.prec, 2048)
			require.Len(t, ms, 1, "%s %s", name, r.prec)
			assert.Equal(t, r.us, ms[0].PerInferenceUS)
			assert.InDelta(t, r.us*2048, ms[0].BatchLatencyUS, 1e-6, "filled from per_inference_us")
		}
	}
}

func TestParseBaselineErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/study-lstm.json")
	require.NoError(t, err)
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal(good, &m))
		f(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	meas := func(m map[string]any) map[string]any { return m["measurements"].([]any)[0].(map[string]any) }
	rows := []struct{ name, json, want string }{
		{"not json", "{", "not a baseline file"},
		{"unknown field", edit(func(m map[string]any) { m["latency"] = 1 }), `unknown field "latency"`},
		{"format", edit(func(m map[string]any) { m["format"] = "x" }), `format "x"`},
		{"gpu", edit(func(m map[string]any) { m["gpu"] = "rtx-4090" }), `gpu: unknown GPU "rtx-4090"`},
		{"driver", edit(func(m map[string]any) { delete(m["device"].(map[string]any), "driver") }), "name and driver are required"},
		{"date", edit(func(m map[string]any) { m["date"] = "yesterday" }), `date "yesterday"`},
		{"no measurements", edit(func(m map[string]any) { m["measurements"] = []any{} }), "measurements: none"},
		{"precision", edit(func(m map[string]any) { meas(m)["precision"] = "fp8" }), `measurements[0]: unknown GPU precision "fp8"`},
		{"batch", edit(func(m map[string]any) { meas(m)["batch"] = 0 }), "measurements[0]: batch 0"},
		{"no latency", edit(func(m map[string]any) { delete(meas(m), "per_inference_us") }), "neither batch_latency_us nor per_inference_us"},
		{"inconsistent", edit(func(m map[string]any) { meas(m)["batch_latency_us"] = 1000 }), "× batch ≠ batch_latency_us"},
		{"negative", edit(func(m map[string]any) { meas(m)["p99_us"] = -1 }), "latency -1"},
		{"p99 < p50", edit(func(m map[string]any) { meas(m)["p50_us"], meas(m)["p99_us"] = 9.0, 8.0 }), "p99 8 µs below p50 9 µs"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := gpu.ParseBaseline([]byte(r.json))
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
	// Several problems are reported at once.
	_, err = gpu.ParseBaseline([]byte(edit(func(m map[string]any) { m["gpu"], m["date"] = "x", "y" })))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown GPU")
	assert.Contains(t, err.Error(), `date "y"`)
}

// python returns Debian's python3 with PyTorch, or skips (fails under CI).
func python(t *testing.T) string {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch, numpy").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %s with torch and numpy is required: %v", py, err)
		}
		t.Skipf("no %s with torch and numpy: %v", py, err)
	}
	return py
}

// TestMeasureScript compiles measure.py, runs --help, and runs it on the
// CPU (no GPU here) for the LSTM: its output, named for a kiln GPU, is a
// baseline file ParseBaseline accepts.
func TestMeasureScript(t *testing.T) {
	py := python(t)
	tmp := t.TempDir()
	out, err := exec.Command(py, "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
		"measure.py", filepath.Join(tmp, "measure.pyc")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(py, "measure.py", "--help").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "--precision")
	file := filepath.Join(tmp, "m.json")
	cmd := exec.Command(py, "measure.py", "--device", "cpu", "--model", "lstm", "--batch", "1", "3",
		"--precision", "fp32", "fp64", "--repeats", "2", "--warmup", "0", "--gpu", "a100-sxm4-40gb",
		"--source", "kiln's test, on the CPU: not a GPU measurement", "-o", file)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	b, err := gpu.ParseBaseline(data)
	require.NoError(t, err, "%s", data)
	assert.Equal(t, "lstm", b.Model)
	assert.Len(t, b.Measurements, 4)
	for _, m := range b.Measurements {
		assert.Greater(t, m.BatchLatencyUS, 0.0)
		assert.GreaterOrEqual(t, m.P99US, m.P50US)
	}
	assert.NotEmpty(t, b.Software["torch"])
	// --profile writes each point's kernels (on the CPU: operators) beside
	// the baseline file, which stays importable; the cuDNN flags are noted.
	prof := filepath.Join(tmp, "p.json")
	cmd = exec.Command(py, "measure.py", "--device", "cpu", "--model", "lstm", "--batch", "2",
		"--precision", "fp32", "--repeats", "1", "--warmup", "0", "--gpu", "a100-sxm4-40gb", "--runtime", "pytorch",
		"--cudnn-benchmark", "--cudnn-tf32-default", "--profile", prof, "-o", file)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	data, err = os.ReadFile(file)
	require.NoError(t, err)
	b, err = gpu.ParseBaseline(data)
	require.NoError(t, err, "%s", data)
	require.Len(t, b.Measurements, 1)
	assert.Equal(t, "cudnn.allow_tf32 on (PyTorch's default), matmul TF32 off; cudnn.benchmark on", b.Measurements[0].Note)
	data, err = os.ReadFile(prof)
	require.NoError(t, err)
	var p struct {
		Profiles []struct {
			Precision string
			Kernels   []struct {
				Name    string
				Calls   int
				TotalUS float64 `json:"total_us"`
			}
		}
	}
	require.NoError(t, json.Unmarshal(data, &p), "%s", data)
	require.Len(t, p.Profiles, 1)
	require.NotEmpty(t, p.Profiles[0].Kernels)
	for _, k := range p.Profiles[0].Kernels {
		assert.NotEmpty(t, k.Name)
		assert.Positive(t, k.Calls)
		assert.Positive(t, k.TotalUS)
	}
	out, err = exec.Command(py, "measure.py", "--model", "no-such-model").CombinedOutput()
	require.Error(t, err)
	assert.True(t, strings.Contains(string(out), "not a built-in"), "%s", out)
}
