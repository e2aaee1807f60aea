package zoo_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/passes"
)

func load(t *testing.T, name string, batch int) (*zoo.Model, *onnx.Model) {
	t.Helper()
	z, err := zoo.Lookup(name)
	require.NoError(t, err)
	m, err := z.Load(onnx.Options{Batch: batch})
	require.NoError(t, err)
	require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, m.Graph, passes.CleanupPipeline))
	return z, m
}

// TestFigures: the parameter and MAC counts of ../shared/models/
// PAPER_MODELS.md (LSTM 316,912 and 3.33 M; CNN 1,153,264 and 1.15 M;
// STGCN 105,010 and 228.3 M, within 1 %).
func TestFigures(t *testing.T) {
	tests := []struct {
		name   string
		params int64
		macs   float64
		tol    float64 // relative
	}{
		{"lstm", 316912, 3333120, 0},     // 60·4·64·(136+64) + 64·4080
		{"cnn", 1153264, 1148928, 0},     // 256·136·3 + 256·4080
		{"stgcn", 105010, 228.3e6, 0.01}, // PAPER_MODELS.md §4.1 total
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, m := load(t, tc.name, 1)
			g := m.Graph
			assert.Equal(t, tc.params, g.Params())
			var macs int64
			for _, n := range g.Nodes {
				macs += g.NodeMACs(n)
			}
			assert.InDelta(t, tc.macs, float64(macs), tc.tol*tc.macs)
		})
	}
}

func TestUnknownName(t *testing.T) {
	_, err := zoo.Lookup("resnet")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no built-in model "resnet"; kiln has lstm, cnn, stgcn`)
}

// TestEmbeddedData: kiln's reference evaluation reproduces PyTorch's
// outputs on the embedded validation windows (what `kiln eval NAME` runs).
func TestEmbeddedData(t *testing.T) {
	for _, name := range zoo.Names() {
		t.Run(name, func(t *testing.T) {
			z, err := zoo.Lookup(name)
			require.NoError(t, err)
			res, err := conform.Eval(conform.Source{Name: name, Load: z.Load}, z.Data(), conform.Options{})
			require.NoError(t, err)
			require.NotEmpty(t, res)
			for _, r := range res {
				assert.Equal(t, conform.Pass, r.Status, r.Detail)
			}
		})
	}
}

// TestBeatsPersistence recomputes, in Go, each model's RMSE on the embedded
// validation windows against the true future and the RMSE of persistence
// (every future step = the last input step): the model must be better.
func TestBeatsPersistence(t *testing.T) {
	for _, name := range zoo.Names() {
		t.Run(name, func(t *testing.T) {
			z, err := zoo.Lookup(name)
			require.NoError(t, err)
			in, err := conform.ReadSet(z.Data(), "test_data_set_0", "input", 0)
			require.NoError(t, err)
			target, err := z.Targets()
			require.NoError(t, err)
			m, err := z.Load(onnx.Options{InputShapes: [][]int{in[0].Shape}})
			require.NoError(t, err)
			out, err := eval.Run(m.Graph, in, eval.Options{})
			require.NoError(t, err)
			require.Equal(t, target.Shape, out[0].Shape)
			model := rmse(out[0].F32, target.F32)
			persist := rmse(persistence(in[0], target.Shape), target.F32)
			t.Logf("%s: RMSE %.4g, persistence %.4g (embedded windows; training run: %.4g vs %.4g)", name, model, persist, z.Metrics.ValRMSE, z.Metrics.PersistenceRMSE)
			assert.Less(t, model, persist)
			assert.Less(t, z.Metrics.ValRMSE, z.Metrics.PersistenceRMSE, "metrics.json")
		})
	}
}

// persistence repeats the last input time step over the target's steps.
// Layouts: [B, T, F] (lstm, cnn) and [B, C, T, N] (stgcn).
func persistence(x *dtype.Array, shape []int) []float32 {
	out := make([]float32, dtype.Size(shape))
	switch len(shape) {
	case 3: // [B, 30, 136] from [B, 60, 136]
		b, steps, f, tin := shape[0], shape[1], shape[2], x.Shape[1]
		for i := 0; i < b; i++ {
			for s := 0; s < steps; s++ {
				copy(out[(i*steps+s)*f:(i*steps+s+1)*f], x.F32[(i*tin+tin-1)*f:(i*tin+tin)*f])
			}
		}
	case 4: // [B, C, 30, N] from [B, C, 60, N]
		b, c, steps, n, tin := shape[0], shape[1], shape[2], shape[3], x.Shape[2]
		for i := 0; i < b*c; i++ {
			for s := 0; s < steps; s++ {
				copy(out[(i*steps+s)*n:(i*steps+s+1)*n], x.F32[(i*tin+tin-1)*n:(i*tin+tin)*n])
			}
		}
	}
	return out
}

func rmse(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

// TestSTGCNOpset13: the opset-13 export of the same STGCN (LayerNorm as
// ReduceMean, Sub, Pow, Sqrt, Div…) computes what the built-in opset-17
// one does, on the same windows and within the same tolerance.
func TestSTGCNOpset13(t *testing.T) {
	z, err := zoo.Lookup("stgcn")
	require.NoError(t, err)
	res, err := conform.Eval(conform.File("train/stgcn_opset13.onnx"), z.Data(), conform.Options{})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, conform.Pass, res[0].Status, res[0].Detail)
	m, err := onnx.Load("train/stgcn_opset13.onnx", onnx.Options{})
	require.NoError(t, err)
	assert.Equal(t, 13, m.Opset)
}
