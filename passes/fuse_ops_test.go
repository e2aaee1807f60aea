package passes_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/passes"
)

func ops(g *graph.Graph) string {
	var s []string
	for _, n := range g.Nodes {
		s = append(s, n.Op.String())
	}
	return strings.Join(s, " ")
}

// TestFuseOpsTorchKeepBN: PyTorch's export that keeps its
// BatchNormalization (cnn2d_keepbn) compiles to the graph of the export
// that folded it (cnn2d: Conv Relu MaxPool Conv Relu), still computes
// PyTorch's outputs within ONNX's tolerance, and the folded graph is
// testdata/fuse_<case>.golden.
func TestFuseOpsTorchKeepBN(t *testing.T) {
	for _, opset := range []string{"13", "17"} {
		c := "cnn2d_keepbn_opset" + opset
		t.Run(c, func(t *testing.T) {
			dir := filepath.Join(torchDir, c)
			inputs, err := conform.ReadSet(os.DirFS(dir), "test_data_set_0", "input", 1<<30)
			require.NoError(t, err)
			expect, err := conform.ReadSet(os.DirFS(dir), "test_data_set_0", "output", 1<<30)
			require.NoError(t, err)
			m, err := onnx.Load(filepath.Join(dir, "model.onnx"), onnx.Options{Batch: 2})
			require.NoError(t, err)
			require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, m.Graph, passes.CompilePipeline))
			assert.Equal(t, "Conv Relu MaxPool Conv Relu", ops(m.Graph))
			golden(t, filepath.Join("testdata", "fuse_"+c+".golden"), m.Graph.String())
			out, err := eval.Run(m.Graph, inputs, eval.Options{})
			require.NoError(t, err)
			require.Len(t, out, len(expect))
			for i := range out {
				assert.Empty(t, conform.Compare(out[i], expect[i]), "output %d", i)
			}
		})
	}
}

// vals is a constant of shape s: (7i mod 13 − 6)/8 + off, or its
// magnitude plus off when pos is set (variances).
func vals(s []int, off float64, pos bool) *dtype.Array {
	a := dtype.New(dtype.F32, s)
	for i := range a.Len() {
		v := float64((7*i)%13-6) / 8
		if pos && v < 0 {
			v = -v
		}
		a.Set(i, v+off)
	}
	return a
}

// bnGraph is x → layer → BatchNormalization(c channels) → y; layer adds
// the layer's nodes and returns the tensor the BatchNormalization reads.
func bnGraph(xShape []int, c int, layer func(g *graph.Graph, x graph.TensorID) graph.TensorID) *graph.Graph {
	g := &graph.Graph{Name: "bn"}
	x := g.AddTensor("x", dtype.F32, xShape, nil)
	g.Inputs = []graph.TensorID{x}
	h := layer(g, x)
	in := []graph.TensorID{h}
	for i, name := range []string{"scale", "B", "mean", "var"} {
		in = append(in, g.AddTensor(name, dtype.F32, []int{c}, vals([]int{c}, []float64{0.25, -0.5, 0.125, 0.5}[i], i == 3)))
	}
	y := g.AddTensor("y", dtype.F32, g.Tensor(h).Shape, nil)
	g.AddNode(graph.OpBatchNormalization, "bn", in, []graph.TensorID{y}, graph.NormAttrs{Epsilon: 1e-5})
	g.Outputs = []graph.TensorID{y}
	return g
}

func node(g *graph.Graph, op graph.Op, attrs graph.Attrs, out []int, in ...graph.TensorID) graph.TensorID {
	y := g.AddTensor(op.String()+"_out", dtype.F32, out, nil)
	g.AddNode(op, op.String(), in, []graph.TensorID{y}, attrs)
	return y
}

func cst(g *graph.Graph, name string, s ...int) graph.TensorID {
	return g.AddTensor(name, dtype.F32, s, vals(s, 0.0625, false))
}

func bnCases() map[string]struct {
	g    *graph.Graph
	want string
} {
	type c = struct {
		g    *graph.Graph
		want string
	}
	conv := func(bias bool) *graph.Graph {
		return bnGraph([]int{2, 3, 5}, 4, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
			in := []graph.TensorID{x, cst(g, "w", 4, 3, 3)}
			if bias {
				in = append(in, cst(g, "b", 4))
			}
			return node(g, graph.OpConv, graph.ConvAttrs{Pads: []int{1, 1}}, []int{2, 4, 5}, in...)
		})
	}
	return map[string]c{
		"conv bias":    {conv(true), "Conv"},
		"conv no bias": {conv(false), "Conv"},
		"gemm transB C row": {bnGraph([]int{3, 5}, 4, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
			return node(g, graph.OpGemm, graph.GemmAttrs{Alpha: 0.5, Beta: 2, TransB: true}, []int{3, 4}, x, cst(g, "w", 4, 5), cst(g, "c", 4))
		}), "Gemm"},
		"gemm C full": {bnGraph([]int{3, 5}, 4, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
			return node(g, graph.OpGemm, graph.GemmAttrs{Alpha: 1, Beta: 0.5}, []int{3, 4}, x, cst(g, "w", 5, 4), cst(g, "c", 3, 4))
		}), "Gemm"},
		"matmul": {bnGraph([]int{3, 5}, 4, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
			return node(g, graph.OpMatMul, graph.NoAttrs{}, []int{3, 4}, x, cst(g, "w", 5, 4))
		}), "MatMul Add"},
		"matmul add": {bnGraph([]int{3, 5}, 4, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
			mm := node(g, graph.OpMatMul, graph.NoAttrs{}, []int{3, 4}, x, cst(g, "w", 5, 4))
			return node(g, graph.OpAdd, graph.BinaryAttrs{}, []int{3, 4}, cst(g, "b", 1, 4), mm)
		}), "MatMul Add"},
		"matmul 3-D stays": {bnGraph([]int{2, 4, 5}, 4, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
			return node(g, graph.OpMatMul, graph.NoAttrs{}, []int{2, 4, 3}, x, cst(g, "w", 5, 3))
		}), "MatMul BatchNormalization"},
		"relu stays": {bnGraph([]int{2, 4, 5}, 4, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
			return node(g, graph.OpRelu, graph.NoAttrs{}, []int{2, 4, 5}, x)
		}), "Relu BatchNormalization"},
		"conv read twice stays": {conv2Readers(), "Conv BatchNormalization Add"},
	}
}

// conv2Readers: the Conv's output is read by the BatchNormalization and by
// an Add, so folding would change what the Add sees.
func conv2Readers() *graph.Graph {
	var h graph.TensorID
	g := bnGraph([]int{1, 2, 4}, 2, func(g *graph.Graph, x graph.TensorID) graph.TensorID {
		h = node(g, graph.OpConv, graph.ConvAttrs{}, []int{1, 2, 4}, x, cst(g, "w", 2, 2, 1))
		return h
	})
	y := g.Outputs[0]
	z := node(g, graph.OpAdd, graph.BinaryAttrs{}, []int{1, 2, 4}, h, y)
	g.Outputs = []graph.TensorID{z}
	return g
}

// TestFuseOpsFolds: each foldable layer absorbs the BatchNormalization and
// the graph computes what it computed before within ONNX's tolerance; the
// others are left as they are.
func TestFuseOpsFolds(t *testing.T) {
	for name, c := range bnCases() {
		t.Run(name, func(t *testing.T) {
			g := c.g
			require.NoError(t, graph.Verify(g))
			x := vals(g.Tensor(g.Inputs[0]).Shape, 0.3, false)
			outName := g.Tensor(g.Outputs[0]).Name
			want, err := eval.Run(g, []*dtype.Array{x}, eval.Options{})
			require.NoError(t, err)
			require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, g, passes.CompilePipeline))
			assert.Equal(t, c.want, ops(g))
			got, err := eval.Run(g, []*dtype.Array{x}, eval.Options{})
			require.NoError(t, err)
			assert.Empty(t, conform.Compare(got[0], want[0]))
			assert.Equal(t, outName, g.Tensor(g.Outputs[0]).Name)
		})
	}
}

func TestCompilePipelineOrder(t *testing.T) {
	require.NoError(t, passes.CheckOrder(passes.CompilePipeline))
	p := passes.CompilePipeline
	assert.Error(t, passes.CheckOrder([]passes.GraphPass{p[2], p[0], p[1], p[3]}), "fuse-ops before fold-constants")
}
