package targets

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGPUsComplete checks the embedded list: the seven GPUs of issue 7,
// each with its sources and the data-sheet figures the GPU model leans on.
func TestGPUsComplete(t *testing.T) {
	want := []string{"a100-sxm4-40gb", "a100-sxm4-80gb", "a100-pcie-40gb", "h100-sxm", "h100-pcie", "v100-sxm2", "jetson-agx-orin"}
	assert.Equal(t, want, GPUNames())
	for _, g := range GPUs() {
		t.Run(g.Name, func(t *testing.T) {
			assert.NotEmpty(t, g.Source)
			assert.NotEmpty(t, g.LaunchSource)
			// Tensor cores are never slower than the CUDA cores of the
			// same precision family.
			fp32, _ := g.PeakTFLOPS("fp32")
			if tc, ok := g.PeakTFLOPS("fp16_tc"); ok {
				assert.Greater(t, tc, fp32)
			}
			if tc, ok := g.PeakTFLOPS("tf32_tc"); ok {
				assert.Greater(t, tc, fp32)
			}
		})
	}
}

// TestGPUDataSheet pins figures from the data sheets named in gpus.json.
func TestGPUDataSheet(t *testing.T) {
	rows := []struct {
		gpu, rate string
		want      float64
	}{
		{"a100-sxm4-40gb", "fp32", 19.5},   // A100 data sheet
		{"a100-sxm4-40gb", "fp16_tc", 312}, // A100 data sheet, dense
		{"a100-sxm4-40gb", "fp64", 9.7},    // A100 data sheet
		{"h100-sxm", "fp16_tc", 989.5},     // H100 data sheet: 1,979 sparse / 2
		{"v100-sxm2", "fp16_tc", 125},      // V100 data sheet
		{"jetson-agx-orin", "int8_tc", 85}, // Orin brief: 170 sparse / 2
	}
	for _, r := range rows {
		t.Run(r.gpu+"/"+r.rate, func(t *testing.T) {
			g, err := LookupGPU(r.gpu)
			require.NoError(t, err)
			v, ok := g.PeakTFLOPS(r.rate)
			require.True(t, ok)
			assert.Equal(t, r.want, v)
		})
	}
	g, err := LookupGPU("a100-sxm4-40gb")
	require.NoError(t, err)
	assert.Equal(t, 1555.0, g.MemoryGBs)
	assert.Equal(t, 400.0, g.TDPW)
	_, ok := g.PeakTFLOPS("fp8")
	assert.False(t, ok)
	v, _ := LookupGPU("v100-sxm2")
	_, ok = v.PeakTFLOPS("bf16_tc")
	assert.False(t, ok, "Volta has no bf16 tensor cores")
}

func TestLookupGPUUnknown(t *testing.T) {
	_, err := LookupGPU("rtx-4090")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown GPU "rtx-4090"`)
	assert.Contains(t, err.Error(), "a100-sxm4-40gb")
}

func TestParseGPUsErrors(t *testing.T) {
	ok := `{"name":"g","title":"t","arch":"a","sms":1,"peak_tflops":{"fp32":1},"memory_gb":1,"memory_gbs":1,"tdp_w":1,"link":{"kind":"k","gbs":1},"launch_us":1,"source":"s","launch_source":"l"}`
	_, err := parseGPUs([]byte("[" + ok + "]"))
	require.NoError(t, err)
	rows := []struct{ name, json, want string }{
		{"twice", "[" + ok + "," + ok + "]", "listed twice"},
		{"unknown field", `[{"nme":"g"}]`, "unknown field"},
		{"no source", `[{"name":"g","sms":1}]`, "lacks a name"},
		{"bad rate", "[" + replace(ok, `"fp32":1`, `"fp32":1,"fp7":2`) + "]", `peak "fp7"`},
		{"negative", "[" + replace(ok, `"fp32":1`, `"fp32":1,"fp64":-1`) + "]", "must be positive"},
		{"no fp32", "[" + replace(ok, `"fp32":1`, `"fp64":1`) + "]", "no fp32 peak"},
		{"zero bandwidth", "[" + replace(ok, `"memory_gbs":1`, `"memory_gbs":0`) + "]", "must be positive"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := parseGPUs([]byte(r.json))
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
}

func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("replace: " + old + " not found")
	}
	return strings.Replace(s, old, new, 1)
}
