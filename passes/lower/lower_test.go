package lower

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// TestAgainstEval: small hand-built nodes, lowered and interpreted, give
// what the reference evaluator gives (ONNX's tolerance).
func TestAgainstEval(t *testing.T) {
	x := func(name string, s ...int) operand { return operand{name, s, nil} }
	c := func(name string, s ...int) operand { return operand{name, s, ramp(s...)} }
	tests := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		out   []int
		ins   []operand
	}{
		{"add scalar", graph.OpAdd, graph.NoAttrs{}, []int{2, 3}, []operand{x("a", 2, 3), x("b")}},
		{"sub both broadcast", graph.OpSub, graph.NoAttrs{}, []int{2, 3, 4}, []operand{x("a", 2, 1, 4), x("b", 3, 1)}},
		{"div const", graph.OpDiv, graph.NoAttrs{}, []int{3, 4}, []operand{x("a", 3, 4), c("b", 4)}},
		{"min three", graph.OpMin, graph.NoAttrs{}, []int{2, 4}, []operand{x("a", 2, 4), x("b", 4), x("c", 2, 1)}},
		{"relu rank 0", graph.OpRelu, graph.NoAttrs{}, nil, []operand{x("a")}},
		{"tanh", graph.OpTanh, graph.NoAttrs{}, []int{5, 3}, []operand{x("a", 5, 3)}},
		{"sigmoid", graph.OpSigmoid, graph.NoAttrs{}, []int{7}, []operand{x("a", 7)}},
		{"leaky relu", graph.OpLeakyRelu, graph.ActAttrs{Alpha: 0.1}, []int{7}, []operand{x("a", 7)}},
		{"gemm transA alpha beta", graph.OpGemm, graph.GemmAttrs{Alpha: 2, Beta: 0.5, TransA: true},
			[]int{4, 5}, []operand{x("a", 3, 4), c("w", 3, 5), x("c", 4, 1)}},
		{"gemm beta 0", graph.OpGemm, graph.GemmAttrs{Alpha: 1, Beta: 0}, []int{2, 2}, []operand{x("a", 2, 3), x("w", 3, 2), x("c", 2, 2)}},
		{"matmul batch broadcast", graph.OpMatMul, graph.NoAttrs{}, []int{2, 3, 4, 5},
			[]operand{x("a", 2, 1, 4, 6), x("w", 3, 6, 5)}},
		{"matmul 1d 1d", graph.OpMatMul, graph.NoAttrs{}, []int{}, []operand{x("a", 6), x("w", 6)}},
		{"conv groups dilation asymmetric pads", graph.OpConv,
			graph.ConvAttrs{Group: 2, Strides: []int{2, 1}, Dilations: []int{1, 2}, Pads: []int{1, 0, 0, 2}},
			[]int{1, 4, 3, 4}, []operand{x("x", 1, 4, 5, 4), c("w", 4, 2, 2, 2), x("b", 4)}},
		{"conv same_upper", graph.OpConv, graph.ConvAttrs{AutoPad: "SAME_UPPER", Strides: []int{2}},
			[]int{2, 3, 4}, []operand{x("x", 2, 2, 7), c("w", 3, 2, 4)}},
		{"reshape", graph.OpReshape, graph.ReshapeAttrs{}, []int{6, 4}, []operand{x("a", 2, 3, 4), {"s", []int{2}, dtype.FromI64([]int{2}, []int64{6, 4})}}},
		{"reshape unflattened", graph.OpReshape, graph.ReshapeAttrs{}, []int{4, 6}, []operand{x("a", 6, 4), {"s", []int{2}, dtype.FromI64([]int{2}, []int64{4, 6})}}},
		{"transpose", graph.OpTranspose, graph.TransposeAttrs{Perm: []int{2, 0, 1}}, []int{4, 2, 3}, []operand{x("a", 2, 3, 4)}},
		{"maxpool pads ceil", graph.OpMaxPool, graph.PoolAttrs{KernelShape: []int{3, 2}, Strides: []int{2, 2}, Pads: []int{1, 0, 1, 1}, CeilMode: true},
			[]int{1, 2, 3, 2}, []operand{x("x", 1, 2, 5, 4)}},
		{"averagepool include pad", graph.OpAveragePool, graph.PoolAttrs{KernelShape: []int{3}, Pads: []int{1, 2}, CountIncludePad: true},
			[]int{2, 1, 6}, []operand{x("x", 2, 1, 5)}},
		{"averagepool exclude pad dilated", graph.OpAveragePool, graph.PoolAttrs{KernelShape: []int{2}, Dilations: []int{2}, Pads: []int{1, 1}},
			[]int{1, 2, 5}, []operand{x("x", 1, 2, 5)}},
		{"global average pool", graph.OpGlobalAveragePool, graph.NoAttrs{}, []int{2, 3, 1, 1}, []operand{x("x", 2, 3, 4, 5)}},
		{"layer norm", graph.OpLayerNormalization, graph.NormAttrs{Axis: -1, Epsilon: 1e-5}, []int{3, 4},
			[]operand{x("a", 3, 4), c("s", 4), x("b", 4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, n := oneNode(tt.op, "k", tt.attrs, tt.out, tt.ins...)
			if tt.op == graph.OpReshape { // the shape operand is i64
				g.Tensors[n.In[1]].Kind = dtype.I64
			}
			require.NoError(t, graph.Verify(g))
			var inputs []*dtype.Array
			for i, id := range g.Inputs {
				a := dtype.New(dtype.F32, g.Tensors[id].Shape)
				for j := range a.Len() {
					a.Set(j, float64((5*j+3*i)%11-5)/4)
				}
				inputs = append(inputs, a)
			}
			want, err := eval.Run(g, inputs, eval.Options{})
			require.NoError(t, err)
			got, err := runLowered(g, inputs)
			require.NoError(t, err)
			assert.Empty(t, conform.Compare(got[0], want[0]))
		})
	}
}

// unlowered returns two operators that have no lowering, so the test
// follows the lowering table as it grows: the op table's first ones, or,
// as now that every operator lowers, numbers past the table (printed
// op(N)), which stand for an operator added to the table before its
// lowering.
func unlowered(t *testing.T) (graph.Op, graph.Op) {
	ops := []graph.Op{}
	for _, d := range graph.Ops() {
		if !Supported(d.Op) {
			ops = append(ops, d.Op)
		}
	}
	last := graph.Ops()[len(graph.Ops())-1].Op
	ops = append(ops, last+100, last+101)
	require.False(t, Supported(ops[0]) || Supported(ops[1]))
	return ops[0], ops[1]
}

func TestUnsupported(t *testing.T) {
	op1, op2 := unlowered(t)
	g := &graph.Graph{}
	a := g.AddTensor("a", dtype.F32, []int{4}, nil)
	b := g.AddTensor("b", dtype.F32, []int{4}, nil)
	c := g.AddTensor("c", dtype.F32, []int{4}, nil)
	d := g.AddTensor("d", dtype.F32, []int{4}, nil)
	g.Inputs, g.Outputs = []graph.TensorID{a}, []graph.TensorID{d}
	g.AddNode(op1, "first", []graph.TensorID{a}, []graph.TensorID{b}, graph.NoAttrs{})
	g.AddNode(graph.OpRelu, "relu", []graph.TensorID{b}, []graph.TensorID{c}, graph.NoAttrs{})
	g.AddNode(op2, "", []graph.TensorID{c}, []graph.TensorID{d}, graph.NoAttrs{})

	_, err := Node(g, g.Nodes[0], Options{})
	var u *UnsupportedError
	require.ErrorAs(t, err, &u)
	assert.Equal(t, op1, u.Op)
	assert.Equal(t, fmt.Sprintf(`lower: node "first" (%v): no lowering for %v`, op1, op1), err.Error())

	for _, f := range []func() error{
		func() error { _, err := Graph(g, Options{}); return err },
		func() error { _, err := Program(g, Options{}); return err },
		func() error { _, err := Program(g, Options{Fuse: true}); return err },
	} {
		err := f()
		require.Error(t, err)
		assert.Equal(t, fmt.Sprintf("lower: node \"first\" (%v): no lowering for %v\nlower: node #2 (%v): no lowering for %v", op1, op1, op2, op2), err.Error())
		var all interface{ Unwrap() []error }
		require.True(t, errors.As(err, &all))
		assert.Len(t, all.Unwrap(), 2)
	}
}

func TestEmptyTensor(t *testing.T) {
	g := &graph.Graph{}
	a := g.AddTensor("a", dtype.F32, []int{0, 4}, nil)
	b := g.AddTensor("b", dtype.F32, []int{0, 4}, nil)
	n := g.AddNode(graph.OpRelu, "r", []graph.TensorID{a}, []graph.TensorID{b}, graph.NoAttrs{})
	_, err := Node(g, n, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `lower: node "r" (Relu): tensor "b" of shape [0 4] is empty: not yet (only inputs may be empty)`)
}

func TestGraph(t *testing.T) {
	g, _ := goldenGraphs()["gemm"]()
	ks, err := Graph(g, Options{})
	require.NoError(t, err)
	require.Len(t, ks, 1)
	assert.Equal(t, "gemm", ks[0].Name)
}

func TestNames(t *testing.T) {
	g := &graph.Graph{}
	a := g.AddTensor("0", dtype.F32, []int{2}, nil)
	b := g.AddTensor("in", dtype.F32, []int{2}, nil)
	c := g.AddTensor("i", dtype.F32, []int{2}, nil)
	n := g.AddNode(graph.OpAdd, "my-add", []graph.TensorID{a, b}, []graph.TensorID{c}, graph.NoAttrs{})
	k, err := Node(g, n, Options{})
	require.NoError(t, err)
	assert.Equal(t, "kernel my_add(in t0: f32[2], in in_1: f32[2], out i: f32[2]) {\n  for i_1 in 0..2 {\n    i[i_1] = t0[i_1] + in_1[i_1]\n  }\n}\n", k.String())
}

// TestInputReadTwice: Add(x, x) passes x once, to the kernel and in the
// top's call.
func TestInputReadTwice(t *testing.T) {
	g := &graph.Graph{}
	x := g.AddTensor("x", dtype.F32, []int{3}, nil)
	y := g.AddTensor("y", dtype.F32, []int{3}, nil)
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	g.AddNode(graph.OpAdd, "twice", []graph.TensorID{x, x}, []graph.TensorID{y}, graph.BinaryAttrs{})
	for _, fuse := range []bool{false, true} {
		p, err := Program(g, Options{Fuse: fuse})
		require.NoError(t, err)
		require.Len(t, p.Kernels, 1)
		assert.Len(t, p.Kernels[0].Params, 2)
		in := dtype.New(dtype.F32, []int{3})
		copy(in.F32, []float32{1, -2, 0.5})
		out := dtype.New(dtype.F32, []int{3})
		require.NoError(t, exec.RunProgram(p, []*dtype.Array{in, out}))
		assert.Equal(t, []float32{2, -4, 1}, out.F32)
	}
}
