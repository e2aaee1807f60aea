package lower_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
)

// run runs p on g's inputs and returns g's outputs.
func run(p *loop.Program, g *graph.Graph, inputs []*dtype.Array) ([]*dtype.Array, error) {
	args := append([]*dtype.Array{}, inputs...)
	out := make([]*dtype.Array, len(g.Outputs))
	for i, t := range g.Outputs {
		out[i] = dtype.New(g.Tensors[t].Kind, g.Tensors[t].Shape)
		args = append(args, out[i])
	}
	return out, exec.RunProgram(p, args)
}

// model is a model to compile, its inputs and how many kernels its fused
// program has.
type model struct {
	load    func() (*onnx.Model, error)
	inputs  []*dtype.Array
	kernels int
}

func torchModel(t *testing.T, c string, kernels int) model {
	dir := filepath.Join("../../frontend/onnx/testdata/torch", c)
	inputs, err := conform.ReadSet(os.DirFS(dir), "test_data_set_0", "input", 1<<30)
	require.NoError(t, err)
	load := func() (*onnx.Model, error) {
		return onnx.Load(filepath.Join(dir, "model.onnx"), onnx.Options{Batch: inputs[0].Shape[0]})
	}
	return model{load, inputs, kernels}
}

// zooCNN is the built-in CNN on its first two validation windows.
func zooCNN(t *testing.T) model {
	z, err := zoo.Lookup("cnn")
	require.NoError(t, err)
	inputs, err := conform.ReadSet(z.Data(), "test_data_set_0", "input", 1<<30)
	require.NoError(t, err)
	x := inputs[0]
	two := dtype.New(x.Kind, append([]int{2}, x.Shape[1:]...))
	copy(two.F32, x.F32)
	load := func() (*onnx.Model, error) { return z.Load(onnx.Options{Batch: 2}) }
	return model{load, []*dtype.Array{two}, 6} // Slice Transpose Conv Reshape Gemm Reshape: nothing element-wise
}

// TestFusedPrograms: the PyTorch CNN exports and the built-in CNN compiled
// with fuse-ops and FusedProgram compute what ir/graph/eval computes on the
// clean-up graph within ONNX's tolerance, with the kernel counts of their
// chains fused (cnn2d: Conv+Relu, MaxPool, Conv+Relu; cnn2d_keepbn the same
// once its BatchNormalization is folded); where the graphs are the same,
// the fused program's numbers are the unfused program's, bit for bit.
func TestFusedPrograms(t *testing.T) {
	models := map[string]model{"zoo_cnn": zooCNN(t)}
	for _, opset := range []string{"13", "17"} {
		models["cnn1d_opset"+opset] = torchModel(t, "cnn1d_opset"+opset, 4)               // Conv+Relu Conv Flatten Gemm
		models["cnn2d_opset"+opset] = torchModel(t, "cnn2d_opset"+opset, 3)               // Conv+Relu MaxPool Conv+Relu
		models["cnn2d_keepbn_opset"+opset] = torchModel(t, "cnn2d_keepbn_opset"+opset, 3) // (Conv·BN)+Relu MaxPool Conv+Relu
	}
	for name, m := range models {
		t.Run(name, func(t *testing.T) {
			clean, err := m.load()
			require.NoError(t, err)
			require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, clean.Graph, passes.CleanupPipeline))
			compiled, err := m.load()
			require.NoError(t, err)
			require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, compiled.Graph, passes.CompilePipeline))
			want, err := eval.Run(clean.Graph, m.inputs, eval.Options{})
			require.NoError(t, err)

			fused, err := lower.FusedProgram(compiled.Graph, lower.Options{})
			skipUnsupported(t, err)
			require.NoError(t, err)
			assert.Len(t, fused.Kernels, m.kernels)
			got, err := run(fused, compiled.Graph, m.inputs)
			require.NoError(t, err)
			for i := range want {
				assert.Empty(t, conform.Compare(got[i], want[i]), "fused output %d", i)
			}

			plain, err := lower.Program(clean.Graph, lower.Options{})
			if unsupported(err) {
				t.Logf("unfused program not compared: %v", err)
				return
			}
			require.NoError(t, err)
			assert.Len(t, plain.Kernels, len(clean.Graph.Nodes))
			ref, err := run(plain, clean.Graph, m.inputs)
			require.NoError(t, err)
			for i := range want {
				assert.Empty(t, conform.Compare(ref[i], want[i]), "unfused output %d", i)
				if len(clean.Graph.Nodes) == len(compiled.Graph.Nodes) {
					assert.Equal(t, ref[i].F32, got[i].F32, "output %d: fused and unfused differ", i)
				}
			}
		})
	}
}

func unsupported(err error) bool {
	var u *lower.UnsupportedError
	return errors.As(err, &u)
}

// skipUnsupported skips a model with an operator that has no lowering yet
// (the built-in CNN's Slice while the move family is being written).
func skipUnsupported(t *testing.T, err error) {
	t.Helper()
	if unsupported(err) {
		t.Skipf("not lowered yet: %v", err)
	}
}

// chainGraph builds x → ops… → y; each op's extra operands come from
// extra (a constant when its init is set, else a graph input).
type step struct {
	op    graph.Op
	attrs graph.Attrs
	out   []int
	extra []operand
}

type operand struct {
	name  string
	shape []int
	init  *dtype.Array
}

func chainGraph(name string, x []int, steps ...step) *graph.Graph {
	g := &graph.Graph{Name: name}
	cur := g.AddTensor("x", dtype.F32, x, nil)
	g.Inputs = []graph.TensorID{cur}
	for i, s := range steps {
		in := []graph.TensorID{cur}
		for _, o := range s.extra {
			id := g.AddTensor(o.name, dtype.F32, o.shape, o.init)
			if o.init == nil {
				g.Inputs = append(g.Inputs, id)
			}
			in = append(in, id)
		}
		outName := fmt.Sprintf("t%d", i)
		if i == len(steps)-1 {
			outName = "y"
		}
		cur = g.AddTensor(outName, dtype.F32, s.out, nil)
		g.AddNode(s.op, fmt.Sprintf("%s%d", s.op, i), in, []graph.TensorID{cur}, s.attrs)
	}
	g.Outputs = []graph.TensorID{cur}
	return g
}

func ramp(s ...int) *dtype.Array { return looptest.Ramp(dtype.F32, s) }

func fuseGoldens() map[string]*graph.Graph {
	return map[string]*graph.Graph{
		// Conv1d with bias, then Relu: the Relu is applied at the Conv's store.
		"fuse_conv1d_relu": chainGraph("conv1d_relu", []int{1, 2, 8},
			step{graph.OpConv, graph.ConvAttrs{Pads: []int{1, 1}}, []int{1, 3, 8},
				[]operand{{"w", []int{3, 2, 3}, ramp(3, 2, 3)}, {"b", []int{3}, ramp(3)}}},
			step{graph.OpRelu, graph.NoAttrs{}, []int{1, 3, 8}, nil}),
		// Gemm, Tanh (reads α·acc + C once: the expression moves in),
		// LeakyRelu (reads the Tanh more than once: through a temporary),
		// a residual Add of another input and a Mul by a constant.
		"fuse_gemm_chain": chainGraph("gemm_chain", []int{2, 3},
			step{graph.OpGemm, graph.GemmAttrs{Alpha: 0.5, Beta: 1}, []int{2, 4},
				[]operand{{"w", []int{3, 4}, ramp(3, 4)}, {"c", []int{4}, ramp(4)}}},
			step{graph.OpTanh, graph.NoAttrs{}, []int{2, 4}, nil},
			step{graph.OpLeakyRelu, graph.ActAttrs{Alpha: 0.125}, []int{2, 4}, nil},
			step{graph.OpAdd, graph.BinaryAttrs{}, []int{2, 4}, []operand{{"r", []int{2, 1}, nil}}},
			step{graph.OpMul, graph.BinaryAttrs{}, []int{2, 4}, []operand{{"s", nil, ramp()}}}),
	}
}

// TestFuseGolden: each chain is one kernel, testdata/<case>.kir (reviewed
// like code; -update rewrites it), whose text parses back to itself, and
// which computes what the unfused program computes.
func TestFuseGolden(t *testing.T) {
	for name, g := range fuseGoldens() {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, graph.Verify(g))
			p, err := lower.FusedProgram(g, lower.Options{})
			require.NoError(t, err)
			require.Len(t, p.Kernels, 1)
			got := p.Kernels[0].String()
			file := filepath.Join("testdata", name+".kir")
			if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
				require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.Equal(t, string(want), got)
			back, err := loop.Parse(got, looptest.Data(got))
			require.NoError(t, err)
			assert.Equal(t, got, back.String())

			var inputs []*dtype.Array
			for i, id := range g.Inputs {
				a := looptest.Ramp(dtype.F32, g.Tensor(id).Shape)
				for j := range a.F32 {
					a.F32[j] += float32(i+1) / 3
				}
				inputs = append(inputs, a)
			}
			plain, err := lower.Program(g, lower.Options{})
			require.NoError(t, err)
			require.Len(t, plain.Kernels, len(g.Nodes))
			ref, err := run(plain, g, inputs)
			require.NoError(t, err)
			out, err := run(p, g, inputs)
			require.NoError(t, err)
			assert.Equal(t, ref[0].F32, out[0].F32)
			want0, err := eval.Run(g, inputs, eval.Options{})
			require.NoError(t, err)
			assert.Empty(t, conform.Compare(out[0], want0[0]))
		})
	}
}

// TestFuseCut: a chain whose producer does not store each element once
// with its final value is cut there, and computes the same. Softmax (f32)
// stores exp(x − max) and divides it in place afterwards; LogSoftmax
// stores once (softmax.go).
func TestFuseCut(t *testing.T) {
	tests := []struct {
		op      graph.Op
		kernels int
	}{
		{graph.OpSoftmax, 2},    // Softmax | Relu+Neg
		{graph.OpLogSoftmax, 1}, // LogSoftmax+Relu+Neg
	}
	for _, tc := range tests {
		t.Run(tc.op.String(), func(t *testing.T) {
			g := chainGraph("cut", []int{2, 5},
				step{tc.op, graph.SoftmaxAttrs{Axis: -1}, []int{2, 5}, nil},
				step{graph.OpRelu, graph.NoAttrs{}, []int{2, 5}, nil},
				step{graph.OpNeg, graph.NoAttrs{}, []int{2, 5}, nil})
			require.NoError(t, graph.Verify(g))
			assert.Equal(t, [][]graph.NodeID{{0, 1, 2}}, lower.Chains(g))
			p, err := lower.FusedProgram(g, lower.Options{})
			require.NoError(t, err)
			assert.Len(t, p.Kernels, tc.kernels)
			plain, err := lower.Program(g, lower.Options{})
			require.NoError(t, err)
			x := []*dtype.Array{ramp(2, 5)}
			want, err := run(plain, g, x)
			require.NoError(t, err)
			got, err := run(p, g, x)
			require.NoError(t, err)
			assert.Equal(t, want[0].F32, got[0].F32)
		})
	}
}

// TestFusedProgramEmpty: a chain over empty tensors computes nothing, fused
// or not: no kernels, and the program still verifies and runs.
func TestFusedProgramEmpty(t *testing.T) {
	g := chainGraph("empty", []int{0, 4},
		step{graph.OpRelu, graph.NoAttrs{}, []int{0, 4}, nil},
		step{graph.OpSigmoid, graph.NoAttrs{}, []int{0, 4}, nil},
		step{graph.OpTanh, graph.NoAttrs{}, []int{0, 4}, nil})
	for _, fuse := range []bool{false, true} {
		p, err := lower.Program(g, lower.Options{Fuse: fuse})
		require.NoError(t, err)
		assert.Empty(t, p.Kernels)
		assert.Len(t, p.Params, 2)
		_, err = run(p, g, []*dtype.Array{dtype.New(dtype.F32, []int{0, 4})})
		require.NoError(t, err)
	}
}
