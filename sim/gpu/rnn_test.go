package gpu_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/sim/gpu"
)

// lstmGraph is one forward LSTM over steps×batch×inputs with the given
// hidden size, returning Y.
func lstmGraph(steps, batch, inputs, hidden int) *graph.Graph {
	g := &graph.Graph{Name: "lstm"}
	x := g.AddTensor("x", dtype.F32, []int{steps, batch, inputs}, nil)
	w := g.AddTensor("w", dtype.F32, []int{1, 4 * hidden, inputs}, dtype.New(dtype.F32, []int{1, 4 * hidden, inputs}))
	r := g.AddTensor("r", dtype.F32, []int{1, 4 * hidden, hidden}, dtype.New(dtype.F32, []int{1, 4 * hidden, hidden}))
	y := g.AddTensor("y", dtype.F32, []int{steps, 1, batch, hidden}, nil)
	g.AddNode(graph.OpLSTM, "lstm", []graph.TensorID{x, w, r}, []graph.TensorID{y}, graph.RNNAttrs{Direction: "forward", HiddenSize: hidden})
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	return g
}

// TestRNNAlgorithm: cuDNN's persistent algorithm (2 launches: the input
// GEMM and one kernel for every step) for batches up to 128 whose
// recurrent weights fit in half the register files (108 SMs × 128 KiB on
// an A100), never in fp64; the standard algorithm (a GEMM and a cell
// kernel per step) otherwise.
func TestRNNAlgorithm(t *testing.T) {
	rows := []struct {
		name          string
		batch, hidden int
		prec          gpu.Precision
		persistent    bool
	}{
		{"batch 1", 1, 64, gpu.FP32, true},
		{"batch 128", 128, 64, gpu.FP32, true},
		{"batch 129", 129, 64, gpu.FP32, false},
		{"fp64", 1, 64, gpu.FP64, false},
		{"hidden 512 fp32: 4 MiB of weights fit", 1, 512, gpu.FP32, true},
		{"hidden 1024 fp32: 16 MiB do not", 1, 1024, gpu.FP32, false},
		{"hidden 1024 amp: 8 MiB of fp16 fit", 1, 1024, gpu.AMP, true},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			res, err := gpu.Estimate(lstmGraph(20, r.batch, 32, r.hidden), a100(t), gpu.Options{Batch: r.batch, Precision: r.prec, Params: gpu.DefaultParams()})
			require.NoError(t, err)
			l := byName(t, res, "lstm")
			casts := 0
			if r.prec == gpu.AMP {
				casts = 3 // X, W and R to fp16
			}
			want := 1 + 2*20
			if r.persistent {
				want = 2
			}
			assert.Equal(t, want+casts, l.Kernels)
		})
	}
}

// TestPersistentByHand recomputes the built-in LSTM's recurrence at batch
// 1 on an A100: 60 steps, each three L2 trips and 2 (64 over 32 lanes) +
// 5 (shuffles) + 8 (gates) dependent instructions.
func TestPersistentByHand(t *testing.T) {
	p := gpu.DefaultParams()
	res, err := gpu.Estimate(builtin(t, "lstm", 1), a100(t), gpu.Options{Batch: 1, Precision: gpu.FP32, Params: p})
	require.NoError(t, err)
	chain := 60 * (3*p.L2US + (2+5+8)*p.DepOpUS)
	// the input GEMM: 60×256×136 in 16×16 tiles (64 blocks, one wave)
	input := 2 * 60.0 * 256 * 136 / (19.5e12 * p.EffMax * (60.0 * 256 * 136) / (108 * 16 * 16 * 160)) * 1e6
	l := byName(t, res, "/lstm_layer/LSTM")
	assert.InDelta(t, chain+input, l.ComputeUS, 1e-9)
	assert.InDelta(t, 2+chain+input, l.TimeUS, 1e-9)
	// the device time is the nodes' layers, the transfers aside
	var nodes float64
	for _, l := range res.Layers[1 : len(res.Layers)-1] {
		nodes += l.TimeUS
	}
	assert.InDelta(t, nodes, res.DeviceUS, 1e-9)
	assert.InDelta(t, res.BatchLatencyUS, res.DeviceUS+res.Layers[0].TimeUS+res.Layers[len(res.Layers)-1].TimeUS, 1e-9)
	// twice the L2 latency: the chain grows by its 3 trips per step
	p.L2US *= 2
	slow, err := gpu.Estimate(builtin(t, "lstm", 1), a100(t), gpu.Options{Batch: 1, Precision: gpu.FP32, Params: p})
	require.NoError(t, err)
	assert.InDelta(t, 60*3*gpu.DefaultParams().L2US, slow.BatchLatencyUS-res.BatchLatencyUS, 1e-9)
	assert.False(t, math.IsNaN(slow.EnergyUJ))
}
