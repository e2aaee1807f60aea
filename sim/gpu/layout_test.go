package gpu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sim/gpu"
)

// TestNHWCTransposes: a half-precision convolution of NCHW data gets three
// transposes (input, filter, output; 2 bytes read and written per value);
// other precisions none. STGCN's tconv1 at batch 2: input 2×64×53×68,
// filter 64×64×24×1, output 2×64×30×68.
func TestNHWCTransposes(t *testing.T) {
	g := builtin(t, "stgcn", 2)
	in, w, out := 2.0*64*53*68, 64.0*64*24, 2.0*64*30*68
	layout := 4 * (in + w + out) / 1e6
	rows := []struct {
		prec    gpu.Precision
		kernels int
	}{
		{gpu.FP32, 1},
		{gpu.INT8, 1},
		{gpu.FP16, 3 + 1},
		{gpu.BF16, 3 + 1},
		{gpu.AMP, 2 + 3 + 1}, // the fp32 filter and bias cast to fp16 first
	}
	var fp16MB float64
	for _, r := range rows {
		t.Run(string(r.prec), func(t *testing.T) {
			res, err := gpu.Estimate(g, a100(t), gpu.Options{Batch: 2, Precision: r.prec, Params: gpu.DefaultParams()})
			require.NoError(t, err)
			l := byName(t, res, "/output/tconv1/Conv")
			assert.Equal(t, r.kernels, l.Kernels)
			if r.prec == gpu.FP16 {
				fp16MB = l.MB
			}
		})
	}
	// the fp16 conv alone reads its operands and writes its output at 2 bytes
	conv := 2 * (in + w + 64 + out) / 1e6
	assert.InDelta(t, conv+layout, fp16MB, 1e-9)
}
