package gpu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/sim/gpu"
)

// TestNHWCTransposes: a half-precision convolution of NCHW data gets three
// transposes (input, filter, output; 2 bytes read and written per value);
// other precisions none. Every precision adds the bias after the
// convolution in a kernel of its own. STGCN's tconv1 at batch 2: input 2×64×53×68,
// filter 64×64×24×1, output 2×64×30×68.
func TestNHWCTransposes(t *testing.T) {
	g := builtin(t, "stgcn", 2)
	in, w, out := 2.0*64*53*68, 64.0*64*24, 2.0*64*30*68
	layout := 4 * (in + w + out) / 1e6
	rows := []struct {
		prec    gpu.Precision
		kernels int
	}{
		{gpu.FP32, 1 + 1},
		{gpu.INT8, 1 + 1},
		{gpu.FP16, 3 + 1 + 1},
		{gpu.BF16, 3 + 1 + 1},
		{gpu.AMP, 2 + 3 + 1 + 1}, // the fp32 filter and bias cast to fp16 first
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
	// the fp16 conv alone reads its operands and writes its output at 2
	// bytes; the bias kernel reads the bias and reads and writes the output
	conv := 2 * (in + w + 64 + out) / 1e6
	bias := 2 * (64 + 2*out) / 1e6
	assert.InDelta(t, conv+layout+bias, fp16MB, 1e-9)
}

// TestAutocastFP32List: under amp, an op on PyTorch's "autocast to
// float32" list (exp here) casts its half input up and writes fp32; one
// that is not (erf: only erfinv is) runs in half precision. Both follow a
// GEMM whose output is fp16, y f16[64,32]: exp moves 64·32·(2+4) bytes to
// cast and 64·32·(4+4) to compute; erf 64·32·(2+2).
func TestAutocastFP32List(t *testing.T) {
	g := gemmGraph(64, 16, 32)
	y := g.Outputs[0]
	e := g.AddTensor("e", dtype.F32, []int{64, 32}, nil)
	s := g.AddTensor("s", dtype.F32, []int{64, 32}, nil)
	g.AddNode(graph.OpExp, "exp", []graph.TensorID{y}, []graph.TensorID{e}, graph.NoAttrs{})
	g.AddNode(graph.OpErf, "erf", []graph.TensorID{y}, []graph.TensorID{s}, graph.NoAttrs{})
	g.Outputs = []graph.TensorID{e, s}
	r, err := gpu.Estimate(g, a100(t), gpu.Options{Batch: 64, Precision: gpu.AMP, Params: gpu.DefaultParams()})
	require.NoError(t, err)
	elems := 64.0 * 32
	exp, erf := byName(t, r, "exp"), byName(t, r, "erf")
	assert.Equal(t, 2, exp.Kernels)
	assert.InDelta(t, elems*(2+4+4+4)/1e6, exp.MB, 1e-12)
	assert.Equal(t, 1, erf.Kernels)
	assert.InDelta(t, elems*(2+2)/1e6, erf.MB, 1e-12)
}
