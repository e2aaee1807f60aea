package graph_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func nnMeta(k dtype.Kind, shape ...int) graph.Meta { return graph.Meta{Kind: k, Shape: shape} }

func TestPoolWindow(t *testing.T) {
	cases := []struct {
		name            string
		a               graph.PoolAttrs
		in              []int
		out, begin, end []int
		err             string
	}{
		{name: "floor", a: graph.PoolAttrs{KernelShape: []int{3}, Strides: []int{2}}, in: []int{1, 1, 6},
			out: []int{2}, begin: []int{0}, end: []int{0}},
		{name: "ceil adds a window", a: graph.PoolAttrs{KernelShape: []int{3}, Strides: []int{2}, CeilMode: true}, in: []int{1, 1, 6},
			out: []int{3}, begin: []int{0}, end: []int{0}},
		// Operators.md, averagepool_2d_ceil_last_window_starts_on_pad:
		// ceil((2+2-3)/3)+1 = 2, but the second window would start at 3,
		// past the input and its left pad, so it is dropped.
		{name: "ceil drops a window starting in the end pad", a: graph.PoolAttrs{KernelShape: []int{3}, Strides: []int{3}, Pads: []int{1, 1}, CeilMode: true},
			in: []int{1, 1, 2}, out: []int{1}, begin: []int{1}, end: []int{1}},
		{name: "dilation", a: graph.PoolAttrs{KernelShape: []int{5}, Strides: []int{3}, Dilations: []int{2}, CeilMode: true}, in: []int{1, 1, 32},
			out: []int{9}, begin: []int{0}, end: []int{0}},
		{name: "same upper odd", a: graph.PoolAttrs{KernelShape: []int{3, 2}, Strides: []int{2, 1}, AutoPad: "SAME_UPPER"}, in: []int{1, 1, 5, 4},
			out: []int{3, 4}, begin: []int{1, 0}, end: []int{1, 1}},
		{name: "same lower odd", a: graph.PoolAttrs{KernelShape: []int{2}, AutoPad: "SAME_LOWER"}, in: []int{1, 1, 32},
			out: []int{32}, begin: []int{1}, end: []int{0}},
		{name: "valid", a: graph.PoolAttrs{KernelShape: []int{5}, Strides: []int{3}, AutoPad: "VALID"}, in: []int{1, 1, 32},
			out: []int{10}, begin: []int{0}, end: []int{0}},
		{name: "1-D operand", a: graph.PoolAttrs{KernelShape: []int{1}}, in: []int{4}, err: "rank 1"},
		{name: "pads count", a: graph.PoolAttrs{KernelShape: []int{2}, Pads: []int{1}}, in: []int{1, 1, 4}, err: "pads has 1 values"},
		{name: "dilations count", a: graph.PoolAttrs{KernelShape: []int{2}, Dilations: []int{1, 1}}, in: []int{1, 1, 4}, err: "dilations has 2 values"},
		{name: "zero kernel", a: graph.PoolAttrs{KernelShape: []int{0}}, in: []int{1, 1, 4}, err: "kernel size 0"},
		{name: "valid too small", a: graph.PoolAttrs{KernelShape: []int{5}, AutoPad: "VALID"}, in: []int{1, 1, 4}, err: "larger than the input"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := graph.PoolWindow(c.a, c.in)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.out, w.Out)
			assert.Equal(t, c.begin, w.PadBegin)
			assert.Equal(t, c.end, w.PadEnd)
		})
	}
}

func TestNNInfer(t *testing.T) {
	f32, u8, i8 := dtype.F32, dtype.U8, dtype.I8
	scalar := func(k dtype.Kind) graph.Meta { return nnMeta(k) }
	cases := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		in    []graph.Meta
		nOut  int
		want  []graph.Meta
		err   string
	}{
		{name: "conv groups", op: graph.OpConv, attrs: graph.ConvAttrs{Group: 2, Strides: []int{2, 2}, Pads: []int{1, 1, 1, 1}},
			in:   []graph.Meta{nnMeta(f32, 2, 4, 7, 7), nnMeta(f32, 6, 2, 3, 3), nnMeta(f32, 6)},
			want: []graph.Meta{nnMeta(f32, 2, 6, 4, 4)}},
		{name: "conv kernel_shape disagrees", op: graph.OpConv, attrs: graph.ConvAttrs{KernelShape: []int{2, 2}},
			in: []graph.Meta{nnMeta(f32, 1, 1, 7, 7), nnMeta(f32, 1, 1, 3, 3)}, err: "kernel_shape [2 2] does not match"},
		{name: "conv groups do not divide", op: graph.OpConv, attrs: graph.ConvAttrs{Group: 2},
			in: []graph.Meta{nnMeta(f32, 1, 2, 3), nnMeta(f32, 3, 1, 1)}, err: "do not divide into 2 groups"},
		{name: "conv integer input", op: graph.OpConv, attrs: graph.ConvAttrs{},
			in: []graph.Meta{nnMeta(u8, 1, 1, 3), nnMeta(u8, 1, 1, 1)}, err: "want a float kind"},
		{name: "convinteger", op: graph.OpConvInteger, attrs: graph.ConvAttrs{},
			in:   []graph.Meta{nnMeta(u8, 1, 1, 3), nnMeta(i8, 2, 1, 1), {}, nnMeta(i8, 2)},
			want: []graph.Meta{nnMeta(dtype.I32, 1, 2, 3)}},
		{name: "qlinearconv", op: graph.OpQLinearConv, attrs: graph.ConvAttrs{},
			in: []graph.Meta{nnMeta(u8, 1, 1, 3), scalar(f32), scalar(u8), nnMeta(i8, 2, 1, 1), nnMeta(f32, 2), nnMeta(i8, 2),
				scalar(f32), scalar(i8), nnMeta(dtype.I32, 2)},
			want: []graph.Meta{nnMeta(i8, 1, 2, 3)}},
		{name: "qlinearconv bias kind", op: graph.OpQLinearConv, attrs: graph.ConvAttrs{},
			in: []graph.Meta{nnMeta(u8, 1, 1, 3), scalar(f32), scalar(u8), nnMeta(i8, 2, 1, 1), nnMeta(f32, 2), nnMeta(i8, 2),
				scalar(f32), scalar(i8), nnMeta(f32, 2)}, err: "B is f32, want i32"},
		{name: "maxpool indices", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2, 2}}, nOut: 2,
			in: []graph.Meta{nnMeta(f32, 1, 3, 4, 4)}, want: []graph.Meta{nnMeta(f32, 1, 3, 3, 3), nnMeta(dtype.I64, 1, 3, 3, 3)}},
		{name: "maxpool storage order", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2}, StorageOrder: 2},
			in: []graph.Meta{nnMeta(f32, 1, 1, 4)}, err: "storage_order 2"},
		{name: "global pool", op: graph.OpGlobalMaxPool, attrs: graph.NoAttrs{},
			in: []graph.Meta{nnMeta(f32, 2, 3, 4, 5, 6)}, want: []graph.Meta{nnMeta(f32, 2, 3, 1, 1, 1)}},
		{name: "gemm transposed", op: graph.OpGemm, attrs: graph.GemmAttrs{TransA: true, TransB: true},
			in: []graph.Meta{nnMeta(f32, 5, 3), nnMeta(f32, 4, 5), nnMeta(f32, 3, 1)}, want: []graph.Meta{nnMeta(f32, 3, 4)}},
		{name: "matmul 1-D by 3-D", op: graph.OpMatMul,
			in: []graph.Meta{nnMeta(f32, 4), nnMeta(f32, 2, 4, 1)}, want: []graph.Meta{nnMeta(f32, 2, 1)}},
		{name: "matmul 4-D by 1-D", op: graph.OpMatMul,
			in: []graph.Meta{nnMeta(f32, 1, 2, 4, 3), nnMeta(f32, 3)}, want: []graph.Meta{nnMeta(f32, 1, 2, 4)}},
		{name: "matmul broadcast batch", op: graph.OpMatMul,
			in: []graph.Meta{nnMeta(f32, 5, 1, 2, 3), nnMeta(f32, 4, 3, 6)}, want: []graph.Meta{nnMeta(f32, 5, 4, 2, 6)}},
		{name: "qlinearmatmul", op: graph.OpQLinearMatMul,
			in: []graph.Meta{nnMeta(u8, 2, 2, 4), nnMeta(dtype.F16, 1), nnMeta(u8, 1), nnMeta(u8, 2, 4, 3), nnMeta(dtype.F16, 3), nnMeta(u8, 3),
				nnMeta(dtype.F16, 1), nnMeta(u8, 1)},
			want: []graph.Meta{nnMeta(u8, 2, 2, 3)}},
		{name: "qlinearmatmul float8", op: graph.OpQLinearMatMul,
			in: []graph.Meta{nnMeta(dtype.F8E4M3FN, 2, 4), scalar(f32), scalar(dtype.F8E4M3FN), nnMeta(u8, 4, 3), scalar(f32), scalar(u8),
				scalar(f32), scalar(u8)},
			err: "a is f8e4m3fn: float8 QLinearMatMul is not supported by kiln"},
		{name: "einsum", op: graph.OpEinsum, attrs: graph.EinsumAttrs{Equation: "...ij,...jk"},
			in: []graph.Meta{nnMeta(f32, 7, 2, 3), nnMeta(f32, 3, 4)}, want: []graph.Meta{nnMeta(f32, 7, 2, 4)}},
		{name: "batchnorm", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{},
			in:   []graph.Meta{nnMeta(f32, 2, 3, 4), nnMeta(f32, 3), nnMeta(f32, 3), nnMeta(dtype.F16, 3), nnMeta(dtype.F16, 3)},
			want: []graph.Meta{nnMeta(f32, 2, 3, 4)}},
		{name: "layernorm outputs", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: 1}, nOut: 3,
			in:   []graph.Meta{nnMeta(dtype.F16, 2, 3, 4), nnMeta(dtype.F16, 3, 4)},
			want: []graph.Meta{nnMeta(dtype.F16, 2, 3, 4), nnMeta(f32, 2, 1, 1), nnMeta(f32, 2, 1, 1)}},
		{name: "layernorm stash", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: -1, StashType: dtype.I32},
			in: []graph.Meta{nnMeta(f32, 2, 3), nnMeta(f32, 3)}, err: "stash_type"},
		{name: "wrong attributes", op: graph.OpConv, attrs: graph.PoolAttrs{},
			in: []graph.Meta{nnMeta(f32, 1, 1, 3), nnMeta(f32, 1, 1, 1)}, err: "want graph.ConvAttrs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &graph.Node{Op: c.op, Name: "n", Attrs: c.attrs, In: make([]graph.TensorID, len(c.in)), Out: make([]graph.TensorID, max(c.nOut, 1))}
			got, err := graph.Infer(n, c.in)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestParseEinsum(t *testing.T) {
	cases := []struct {
		eq     string
		shapes [][]int
		out    []int
		summed int // number of summed labels
		err    string
	}{
		{eq: "ij,jk->ik", shapes: [][]int{{2, 3}, {3, 4}}, out: []int{2, 4}, summed: 1},
		{eq: "ij,jk", shapes: [][]int{{2, 3}, {3, 4}}, out: []int{2, 4}, summed: 1},
		{eq: "ii", shapes: [][]int{{3, 3}}, out: []int{}, summed: 1},
		{eq: "...ii->...i", shapes: [][]int{{2, 5, 3, 3}}, out: []int{2, 5, 3}},
		{eq: "...i,i...->...", shapes: [][]int{{1, 4}, {4, 6}}, out: []int{6}, summed: 1},
		{eq: "->", shapes: [][]int{{}}, out: []int{}},
		{eq: "Ba,aC", shapes: [][]int{{2, 3}, {3, 4}}, out: []int{2, 4}, summed: 1},
		{eq: "ij->j...", shapes: [][]int{{2, 3}}, out: []int{3}, summed: 1},
		{eq: "ij->i->j", shapes: [][]int{{2, 3}}, err: "more than one"},
		{eq: "...i,...i", shapes: [][]int{{2, 4}, {3, 4}}, err: "axis 0 has size 3"},
	}
	for _, c := range cases {
		t.Run(c.eq, func(t *testing.T) {
			p, err := graph.ParseEinsum(c.eq, c.shapes)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.out, p.OutShape())
			assert.Len(t, p.Summed, c.summed)
		})
	}
}

func TestNNOpTable(t *testing.T) {
	for _, name := range []string{"Conv", "ConvInteger", "QLinearConv", "AveragePool", "MaxPool", "GlobalAveragePool", "GlobalMaxPool",
		"Gemm", "MatMul", "MatMulInteger", "QLinearMatMul", "Einsum", "BatchNormalization", "InstanceNormalization", "LayerNormalization"} {
		op, ok := graph.OpByName(name)
		require.True(t, ok, name)
		d := op.Def()
		assert.NotNil(t, d.Infer, name)
		assert.NotEmpty(t, d.Doc, name)
		assert.LessOrEqual(t, d.MinIn, d.MaxIn, name)
	}
}
