package gpu_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

func a100(t testing.TB) targets.GPU {
	g, err := targets.LookupGPU("a100-sxm4-40gb")
	require.NoError(t, err)
	return g
}

// gemmGraph is y = x·Wᵀ + b with x f32[m,k], W f32[n,k].
func gemmGraph(m, k, n int) *graph.Graph {
	g := &graph.Graph{Name: "gemm"}
	x := g.AddTensor("x", dtype.F32, []int{m, k}, nil)
	w := g.AddTensor("w", dtype.F32, []int{n, k}, dtype.New(dtype.F32, []int{n, k}))
	b := g.AddTensor("b", dtype.F32, []int{n}, dtype.New(dtype.F32, []int{n}))
	y := g.AddTensor("y", dtype.F32, []int{m, n}, nil)
	g.AddNode(graph.OpGemm, "fc", []graph.TensorID{x, w, b}, []graph.TensorID{y}, graph.GemmAttrs{Alpha: 1, Beta: 1, TransB: true})
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	return g
}

// TestGEMMByHand recomputes one GEMM's cost from the data sheet and the
// parameters: 256×256×256 in fp32 on an A100 (108 SMs, 19.5 TFLOPS,
// 1555 GB/s, 32 GB/s link, 1 µs launches).
func TestGEMMByHand(t *testing.T) {
	p := gpu.DefaultParams()
	r, err := gpu.Estimate(gemmGraph(256, 256, 256), a100(t), gpu.Options{Batch: 256, Precision: gpu.FP32, Params: p})
	require.NoError(t, err)
	require.Len(t, r.Layers, 3)
	fc := r.Layers[1]
	// 2×2 tiles of 128×128 would keep 4 of 108 SMs busy: halved (the
	// larger side first) to 16×32, 16×8 = 128 blocks in 2 waves.
	eff := p.EffMax * (256.0 * 256 * 256) / (2 * 108 * 16 * 32 * 256)
	compute := 2 * 256.0 * 256 * 256 / (19.5e12 * eff) * 1e6
	memory := 4 * (256.0*256 + 256*256 + 256 + 256*256) / (1555e9 * p.MemEff) * 1e6
	assert.InDelta(t, compute, fc.ComputeUS, 1e-9)
	assert.InDelta(t, memory, fc.MemoryUS, 1e-9)
	assert.InDelta(t, 1+math.Max(compute, memory), fc.TimeUS, 1e-9)
	assert.Equal(t, "compute", fc.Bound)
	bytes := 4 * 256.0 * 256
	in := 1 + bytes/32e9*1e6 + bytes/(p.HostGBs*1e9)*1e6
	assert.InDelta(t, in, r.Layers[0].TimeUS, 1e-9)
	assert.InDelta(t, in+fc.TimeUS+r.Layers[2].TimeUS, r.BatchLatencyUS, 1e-9)
	assert.InDelta(t, r.BatchLatencyUS/256, r.PerInferenceUS, 1e-12)
	// Energy: TDP while the GEMM runs, IdleFrac × TDP otherwise.
	busy := math.Max(compute, memory)
	assert.InDelta(t, 400*busy+p.IdleFrac*400*(r.BatchLatencyUS-busy), r.BatchEnergyUJ, 1e-6)
}

// TestPrecisionOrder: a large compute-bound GEMM is faster on tensor cores
// and slower in fp64; a launch-bound tiny one barely changes.
func TestPrecisionOrder(t *testing.T) {
	g := gemmGraph(8192, 4096, 4096)
	lat := map[gpu.Precision]float64{}
	for _, pr := range gpu.Precisions {
		r, err := gpu.Estimate(g, a100(t), gpu.Options{Batch: 8192, Precision: pr, Params: gpu.DefaultParams()})
		require.NoError(t, err, pr)
		lat[pr] = r.Layers[1].TimeUS
	}
	assert.Greater(t, lat[gpu.FP64], lat[gpu.TF32])
	assert.Greater(t, lat[gpu.FP32], 5*lat[gpu.TF32], "tf32 tensor cores are 8× fp32")
	assert.Greater(t, lat[gpu.TF32], lat[gpu.FP16])
	assert.InDelta(t, lat[gpu.FP16], lat[gpu.BF16], 1e-9)
	assert.Greater(t, lat[gpu.AMP], lat[gpu.FP16], "amp casts its operands first")
	assert.Greater(t, lat[gpu.FP16], lat[gpu.INT8])
}

func byName(t *testing.T, r gpu.Result, name string) gpu.Layer {
	for _, l := range r.Layers {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no layer %s", name)
	return gpu.Layer{}
}

// TestKernelsPerNode counts launches: the LSTM at batch 1 as cuDNN's
// persistent algorithm (the input GEMM, then one kernel for all steps),
// views free (the transposes of a batch of 1 too), amp's casts.
func TestKernelsPerNode(t *testing.T) {
	g := builtin(t, "lstm", 1)
	r, err := gpu.Estimate(g, a100(t), gpu.Options{Batch: 1, Precision: gpu.FP32, Params: gpu.DefaultParams()})
	require.NoError(t, err)
	assert.Equal(t, 2, byName(t, r, "/lstm_layer/LSTM").Kernels)
	assert.Equal(t, 0, byName(t, r, "/Reshape").Kernels)
	assert.Equal(t, "view", byName(t, r, "/Gather_1").Bound)
	assert.Equal(t, "view", byName(t, r, "/lstm_layer/Transpose").Bound, "[1,60,136] to [60,1,136] moves no data")
	assert.Equal(t, 1, byName(t, r, "/dense_layer/Gemm").Kernels)
	r, err = gpu.Estimate(g, a100(t), gpu.Options{Batch: 1, Precision: gpu.AMP, Params: gpu.DefaultParams()})
	require.NoError(t, err)
	// X, W, R, B and the two initial states cast to fp16.
	assert.Equal(t, 2+6, byName(t, r, "/lstm_layer/LSTM").Kernels)
	// the weight and bias of the Linear layer (its input is the LSTM's
	// fp16 output already).
	assert.Equal(t, 1+2, byName(t, r, "/dense_layer/Gemm").Kernels)
}

// TestBatchAmortises: per inference, a big batch is cheaper than batch 1
// on every GPU and built-in model, and the figures are deterministic.
func TestBatchAmortises(t *testing.T) {
	for _, name := range []string{"lstm", "cnn", "stgcn"} {
		for _, gp := range targets.GPUs() {
			one, err := gpu.Estimate(builtin(t, name, 1), gp, gpu.Options{Batch: 1, Precision: gpu.FP32, Params: gpu.DefaultParams()})
			require.NoError(t, err)
			big, err := gpu.Estimate(builtin(t, name, 256), gp, gpu.Options{Batch: 256, Precision: gpu.FP32, Params: gpu.DefaultParams()})
			require.NoError(t, err)
			again, err := gpu.Estimate(builtin(t, name, 256), gp, gpu.Options{Batch: 256, Precision: gpu.FP32, Params: gpu.DefaultParams()})
			require.NoError(t, err)
			assert.Less(t, big.PerInferenceUS, one.PerInferenceUS, "%s on %s", name, gp.Name)
			assert.Equal(t, big, again)
			assert.Greater(t, big.EnergyUJ, 0.0)
			assert.LessOrEqual(t, big.PowerW, gp.TDPW+1e-9)
		}
	}
}

// TestEmptyGraph: a graph with nothing to do costs nothing, without NaNs.
func TestEmptyGraph(t *testing.T) {
	r, err := gpu.Estimate(&graph.Graph{}, a100(t), gpu.Options{Batch: 1, Precision: gpu.FP32, Params: gpu.DefaultParams()})
	require.NoError(t, err)
	assert.Zero(t, r.BatchLatencyUS)
	assert.Zero(t, r.PowerW)
	assert.Zero(t, r.PeakFraction)
}

func TestEstimateErrors(t *testing.T) {
	g := gemmGraph(4, 4, 4)
	v100, err := targets.LookupGPU("v100-sxm2")
	require.NoError(t, err)
	orin, err := targets.LookupGPU("jetson-agx-orin")
	require.NoError(t, err)
	bad := gpu.DefaultParams()
	bad.MemEff = 2
	rows := []struct {
		name string
		gpu  targets.GPU
		opt  gpu.Options
		want string
	}{
		{"batch 0", a100(t), gpu.Options{Batch: 0, Precision: gpu.FP32, Params: gpu.DefaultParams()}, "batch 0"},
		{"precision", a100(t), gpu.Options{Batch: 1, Precision: "fp8", Params: gpu.DefaultParams()}, `unknown GPU precision "fp8"`},
		{"bf16 on volta", v100, gpu.Options{Batch: 1, Precision: gpu.BF16, Params: gpu.DefaultParams()}, "v100-sxm2 has no bf16 rate"},
		{"fp64 on orin", orin, gpu.Options{Batch: 1, Precision: gpu.FP64, Params: gpu.DefaultParams()}, "jetson-agx-orin has no fp64 rate"},
		{"params", a100(t), gpu.Options{Batch: 1, Precision: gpu.FP32, Params: bad}, "must be fractions"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := gpu.Estimate(g, r.gpu, r.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), r.want)
		})
	}
}

// TestAnyModel runs the model on every ONNX backend node test kiln loads:
// it must not fail on a graph it can read, and its figures are finite.
func TestAnyModel(t *testing.T) {
	dirs, _ := filepath.Glob("../../../shared/testdata/onnx-node/*/model.onnx")
	if len(dirs) == 0 {
		t.Skip("no ../shared/testdata/onnx-node here")
	}
	var loaded int
	for _, path := range dirs {
		m, err := onnx.Load(path, onnx.Options{})
		if err != nil || passes.RunGraph(nil, m.Graph, passes.CompilePipeline) != nil {
			continue
		}
		loaded++
		for _, pr := range []gpu.Precision{gpu.FP32, gpu.AMP, gpu.INT8} {
			r, err := gpu.Estimate(m.Graph, a100(t), gpu.Options{Batch: 1, Precision: pr, Params: gpu.DefaultParams()})
			if !assert.NoError(t, err, "%s %s", path, pr) {
				continue
			}
			ok := r.BatchLatencyUS > 0 && !math.IsInf(r.BatchLatencyUS, 0) && !math.IsNaN(r.EnergyUJ)
			assert.True(t, ok, "%s %s: latency %g, energy %g", filepath.Base(filepath.Dir(path)), pr, r.BatchLatencyUS, r.EnergyUJ)
		}
	}
	t.Logf("%d of %d node tests loaded and estimated", loaded, len(dirs))
	assert.Greater(t, loaded, 100)
	_, err := os.Stat("../../../shared/testdata/onnx-node")
	require.NoError(t, err)
}

// TestMonotone: on random GEMM chains (fixed seed), a GPU with twice the
// peaks or twice the bandwidth is never slower, the layers add up to the
// batch latency, and every launch costs at least the launch overhead.
func TestMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	base := a100(t)
	fast := base
	fast.Peak = map[string]float64{}
	for k, v := range base.Peak {
		fast.Peak[k] = 2 * v
	}
	wide := base
	wide.MemoryGBs *= 2
	for i := range 200 {
		m, k, n := 1+rng.IntN(4096), 1+rng.IntN(2048), 1+rng.IntN(2048)
		g := gemmGraph(m, k, n)
		pr := gpu.Precisions[rng.IntN(len(gpu.Precisions))]
		opt := gpu.Options{Batch: m, Precision: pr, Params: gpu.DefaultParams()}
		r0, err := gpu.Estimate(g, base, opt)
		require.NoError(t, err)
		r1, err := gpu.Estimate(g, fast, opt)
		require.NoError(t, err)
		r2, err := gpu.Estimate(g, wide, opt)
		require.NoError(t, err)
		assert.LessOrEqual(t, r1.BatchLatencyUS, r0.BatchLatencyUS+1e-9, "case %d: %d×%d×%d %s", i, m, k, n, pr)
		assert.LessOrEqual(t, r2.BatchLatencyUS, r0.BatchLatencyUS+1e-9, "case %d", i)
		var sum float64
		for _, l := range r0.Layers {
			sum += l.TimeUS
			assert.GreaterOrEqual(t, l.TimeUS, float64(l.Kernels)*base.LaunchUS-1e-9)
		}
		assert.InDelta(t, r0.BatchLatencyUS, sum, 1e-6*sum)
	}
}
