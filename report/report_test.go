package report

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/kiln-hls/kiln/passes/place"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

// small is a fast matrix: the LSTM and the CNN on both targets at fp32
// and int8, 2 validation windows.
func small() Config {
	c := Default()
	c.Models = []string{"lstm", "cnn"}
	c.Precisions = []string{"fp32", "int8"}
	c.Windows = map[string]int{"lstm": 2, "cnn": 2}
	return c
}

// TestReportDeterministic: two runs of the same matrix give the same
// files, byte for byte (markdown, PNG and SVG), and the expected ones.
func TestReportDeterministic(t *testing.T) {
	var got []map[string][]byte
	for range 2 {
		r, err := Run(small())
		require.NoError(t, err)
		files, err := r.Files()
		require.NoError(t, err)
		got = append(got, files)
	}
	names := func(m map[string][]byte) []string {
		var out []string
		for n := range m {
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	require.Equal(t, names(got[0]), names(got[1]))
	for n, b := range got[0] {
		assert.True(t, bytes.Equal(b, got[1][n]), "%s differs between runs", n)
	}
	var want []string
	for _, p := range []string{"latency_energy_lstm", "latency_energy_cnn", "speedup_a100-sxm4-40gb_batch1", "speedup_a100-sxm4-40gb_batch2048",
		"speedup_h100-sxm_batch1", "speedup_h100-sxm_batch2048", "layers_lstm", "layers_cnn"} {
		want = append(want, p+".png", p+".svg")
	}
	want = append(want, "report.md")
	sort.Strings(want)
	assert.Equal(t, want, names(got[0]))
	assert.True(t, bytes.HasPrefix(got[0]["layers_cnn.png"], []byte("\x89PNG")))
	assert.Contains(t, string(got[0]["layers_cnn.svg"]), "<svg")
}

// TestReportNumbers: the tables' numbers are sim's and sim/gpu's for the
// same design, recomputed here from the model.
func TestReportNumbers(t *testing.T) {
	r, err := Run(small())
	require.NoError(t, err)
	files, err := r.Files()
	require.NoError(t, err)
	md := string(files["report.md"])
	for _, h := range []string{"## Summary", "## FPGA and ASIC designs", "## GPUs", "## Speed-up and energy ratio against the GPUs at batch 1",
		"## Speed-up and energy ratio against the GPUs at batch 2048", "## Accuracy loss per precision", "## Per-layer breakdown"} {
		assert.Contains(t, md, h)
	}
	assert.Len(t, r.Designs, 2*2*2)
	assert.Len(t, r.Accuracy, 2*2)

	// The fp32 CNN on nangate45 at 5 ns, recomputed.
	z, err := zoo.Lookup("cnn")
	require.NoError(t, err)
	p, err := lowered(z, 1)
	require.NoError(t, err)
	dev, err := targets.Lookup("nangate45")
	require.NoError(t, err)
	cfg, err := sim.ForDevice(dev, 5, 2)
	require.NoError(t, err)
	capacity, err := place.CapacityOf(dev)
	require.NoError(t, err)
	placed, _, err := place.Apply(p, place.Options{Capacity: capacity, Policy: place.Auto}) // as kiln sim places it
	require.NoError(t, err)
	want, err := sim.Estimate(placed, cfg)
	require.NoError(t, err)
	row := fmt.Sprintf("| cnn | nangate45 | fp32 | %d | %s | %s |", want.Cycles, num(want.LatencyUS), num(want.EnergyUJ))
	assert.Contains(t, md, row)

	// The A100 at the study's batch, fp32, recomputed.
	g, err := compiled(z, StudyBatch)
	require.NoError(t, err)
	a100, err := targets.LookupGPU("a100-sxm4-40gb")
	require.NoError(t, err)
	gr, err := gpu.Estimate(g, a100, gpu.Options{Batch: StudyBatch, Precision: gpu.FP32, Params: gpu.DefaultParams()})
	require.NoError(t, err)
	assert.Contains(t, md, fmt.Sprintf("| cnn | a100-sxm4-40gb | fp32 | 2048 | %s | %s | %s |", num(gr.BatchLatencyUS), num(gr.PerInferenceUS), num(gr.EnergyUJ)))

	// The speed-up: the GPU's time per inference over the design's.
	speed := gr.PerInferenceUS / want.LatencyUS
	energy := gr.EnergyUJ / want.EnergyUJ
	batch2048 := md[strings.Index(md, "against the GPUs at batch 2048"):]
	assert.Contains(t, batch2048, fmt.Sprintf("| cnn | nangate45 | fp32 | fp32 | %s | %s |", num(speed), num(energy)))

	// int8 loses accuracy, fp32 does not.
	for _, a := range r.Accuracy {
		if a.Precision == "fp32" {
			assert.Less(t, a.RelRMSE, 1e-5, a.Model)
		} else {
			assert.Greater(t, a.RelRMSE, 1e-4, a.Model)
		}
		assert.Equal(t, 2, a.Windows)
	}
}

func TestChosen(t *testing.T) {
	mk := func(prec string, lat float64, feasible bool) Design {
		return Design{Model: "m", Precision: prec, Sim: &sim.Result{LatencyUS: lat, Feasible: feasible}}
	}
	r := &Report{
		Designs:  []Design{mk("fp32", 100, false), mk("fp32", 300, true), mk("int8", 50, true), mk("fp16", 80, true)},
		Accuracy: []Accuracy{{Model: "m", Precision: "int8", RelRMSE: 0.5}, {Model: "m", Precision: "fp16", RelRMSE: 0.001}},
	}
	d, ok := r.Chosen("m")
	require.True(t, ok)
	assert.Equal(t, "fp16", d.Precision) // int8 is faster but over the budget
	r.Accuracy[1].RelRMSE = math.NaN()
	d, _ = r.Chosen("m")
	assert.Equal(t, 300.0, d.Sim.LatencyUS) // the feasible fp32
	_, ok = r.Chosen("other")
	assert.False(t, ok)
}

func TestConfigErrors(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"no models":      func(c *Config) { c.Models = nil },
		"first not fp32": func(c *Config) { c.Precisions = []string{"int8"} },
		"channels":       func(c *Config) { c.Channels = 0 },
		"batch":          func(c *Config) { c.Batches = []int{0} },
		"windows":        func(c *Config) { c.Windows = map[string]int{"lstm": -1} },
	} {
		t.Run(name, func(t *testing.T) {
			c := small()
			edit(&c)
			_, err := Run(c)
			assert.Error(t, err)
		})
	}
	t.Run("unknown model", func(t *testing.T) {
		c := small()
		c.Models = []string{"gru"}
		_, err := Run(c)
		assert.ErrorContains(t, err, "gru")
	})
	t.Run("unknown device", func(t *testing.T) {
		c := small()
		c.Targets = []Target{{Device: "xc9nope", ClockNS: 10}}
		_, err := Run(c)
		assert.ErrorContains(t, err, "xc9nope")
	})
	t.Run("clock too fast", func(t *testing.T) {
		c := small()
		c.Targets = []Target{{Device: "nangate45", ClockNS: 0.1}}
		_, err := Run(c)
		assert.ErrorContains(t, err, "0.1 ns")
	})
}

func TestGPUPrecision(t *testing.T) {
	for in, want := range map[string]gpu.Precision{"fp32": gpu.FP32, "fp16": gpu.FP16, "fixed<16,6>": gpu.FP16, "int8": gpu.INT8, "fixed<8,3>": gpu.FP32, "fixed<1": gpu.FP32} {
		assert.Equal(t, want, GPUPrecision(in), in)
	}
}
