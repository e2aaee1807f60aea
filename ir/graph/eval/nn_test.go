package eval_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// nnArr is an array of kind k holding v (rounded and wrapped by Set).
func nnArr(k dtype.Kind, shape []int, v ...float64) *dtype.Array {
	a := dtype.New(k, shape)
	for i, x := range v {
		a.Set(i, x)
	}
	return a
}

func nnF32(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.F32, shape, v...) }

// nnSeq is an f32 array holding from, from+1, …
func nnSeq(from float64, shape ...int) *dtype.Array {
	a := dtype.New(dtype.F32, shape)
	for i := range a.F32 {
		a.F32[i] = float32(from + float64(i))
	}
	return a
}

// nnCase is one kernel evaluation: want holds one array per output (nil
// for an output left absent), or err a substring of the expected error.
type nnCase struct {
	name  string
	op    graph.Op
	attrs graph.Attrs
	in    []*dtype.Array // nil: absent optional input
	want  []*dtype.Array
	err   string
	tol   float64 // relative tolerance for floats; 0 means 1e-6
}

func nnRun(t *testing.T, cases []nnCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nOut := max(len(c.want), 1)
			n := &graph.Node{Op: c.op, Name: c.name, Attrs: c.attrs, In: make([]graph.TensorID, len(c.in)), Out: make([]graph.TensorID, nOut)}
			for i := range n.Out {
				n.Out[i] = graph.TensorID(100 + i)
				if i < len(c.want) && c.want[i] == nil {
					n.Out[i] = graph.None
				}
			}
			for i, a := range c.in {
				if a == nil {
					n.In[i] = graph.None
				}
			}
			got, err := eval.Node(n, c.in, 0)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, nOut)
			for i, w := range c.want {
				if w == nil {
					assert.Nil(t, got[i])
					continue
				}
				nnEqual(t, w, got[i], c.tol)
			}
		})
	}
}

func nnEqual(t *testing.T, want, got *dtype.Array, tol float64) {
	t.Helper()
	require.NotNil(t, got)
	require.Equal(t, want.Kind, got.Kind)
	require.Equal(t, want.Shape, got.Shape)
	if tol == 0 {
		tol = 1e-6
	}
	for i := range want.Len() {
		w, g := want.At(i), got.At(i)
		if math.IsNaN(w) {
			assert.True(t, math.IsNaN(g), "element %d is %v, want NaN", i, g)
			continue
		}
		if want.Kind.IsFloat() {
			assert.InDelta(t, w, g, tol*math.Max(1, math.Abs(w)), "element %d", i)
		} else {
			assert.Equal(t, want.Int(i), got.Int(i), "element %d", i)
		}
	}
}

func nnWant(a ...*dtype.Array) []*dtype.Array { return a }

func TestConv(t *testing.T) {
	ones33 := nnF32([]int{1, 1, 3, 3}, 1, 1, 1, 1, 1, 1, 1, 1, 1)
	conv := func(a graph.ConvAttrs) graph.ConvAttrs { return a }
	nnRun(t, []nnCase{
		// Operators.md, Conv example "conv": x = 0..24, W = ones.
		{name: "spec with padding", op: graph.OpConv, attrs: graph.ConvAttrs{KernelShape: []int{3, 3}, Pads: []int{1, 1, 1, 1}},
			in: []*dtype.Array{nnSeq(0, 1, 1, 5, 5), ones33},
			want: nnWant(nnF32([]int{1, 1, 5, 5},
				12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84))},
		{name: "spec without padding", op: graph.OpConv, attrs: graph.ConvAttrs{},
			in:   []*dtype.Array{nnSeq(0, 1, 1, 5, 5), ones33},
			want: nnWant(nnF32([]int{1, 1, 3, 3}, 54, 63, 72, 99, 108, 117, 144, 153, 162))},
		// Operators.md, Conv example "conv_with_strides": x = 0..34 (7x5).
		{name: "spec strides asymmetric padding", op: graph.OpConv, attrs: graph.ConvAttrs{Strides: []int{2, 2}, Pads: []int{1, 0, 1, 0}},
			in:   []*dtype.Array{nnSeq(0, 1, 1, 7, 5), ones33},
			want: nnWant(nnF32([]int{1, 1, 4, 2}, 21, 33, 99, 117, 189, 207, 171, 183))},
		{name: "spec strides no padding", op: graph.OpConv, attrs: graph.ConvAttrs{Strides: []int{2, 2}},
			in:   []*dtype.Array{nnSeq(0, 1, 1, 7, 5), ones33},
			want: nnWant(nnF32([]int{1, 1, 3, 2}, 54, 72, 144, 162, 234, 252))},
		// two groups of one channel each: [1 2 3]*[1 1] and [4 5 6]*[1 -1]
		{name: "groups and bias", op: graph.OpConv, attrs: graph.ConvAttrs{Group: 2},
			in:   []*dtype.Array{nnSeq(1, 1, 2, 3), nnF32([]int{2, 1, 2}, 1, 1, 1, -1), nnF32([]int{2}, 10, 20)},
			want: nnWant(nnF32([]int{1, 2, 2}, 13, 15, 19, 19))},
		{name: "dilation", op: graph.OpConv, attrs: graph.ConvAttrs{Dilations: []int{2}},
			in:   []*dtype.Array{nnSeq(1, 1, 1, 5), nnF32([]int{1, 1, 2}, 1, 1)},
			want: nnWant(nnF32([]int{1, 1, 3}, 4, 6, 8))},
		// SAME: total pad 1, put at the end (UPPER) or the beginning (LOWER)
		{name: "same upper", op: graph.OpConv, attrs: graph.ConvAttrs{AutoPad: "SAME_UPPER"},
			in:   []*dtype.Array{nnSeq(1, 1, 1, 3), nnF32([]int{1, 1, 2}, 1, 1)},
			want: nnWant(nnF32([]int{1, 1, 3}, 3, 5, 3))},
		{name: "same lower", op: graph.OpConv, attrs: graph.ConvAttrs{AutoPad: "SAME_LOWER"},
			in:   []*dtype.Array{nnSeq(1, 1, 1, 3), nnF32([]int{1, 1, 2}, 1, 1)},
			want: nnWant(nnF32([]int{1, 1, 3}, 1, 3, 5))},
		{name: "same upper strided", op: graph.OpConv, attrs: graph.ConvAttrs{AutoPad: "SAME_UPPER", Strides: []int{2}},
			in:   []*dtype.Array{nnSeq(1, 1, 1, 5), nnF32([]int{1, 1, 3}, 1, 1, 1)},
			want: nnWant(nnF32([]int{1, 1, 3}, 3, 9, 9))},
		{name: "valid", op: graph.OpConv, attrs: graph.ConvAttrs{AutoPad: "VALID", Strides: []int{2}},
			in:   []*dtype.Array{nnSeq(1, 1, 1, 6), nnF32([]int{1, 1, 2}, 1, -1)},
			want: nnWant(nnF32([]int{1, 1, 3}, -1, -1, -1))},
		{name: "3-D f64", op: graph.OpConv, attrs: conv(graph.ConvAttrs{}),
			in:   []*dtype.Array{nnArr(dtype.F64, []int{1, 1, 2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8), nnArr(dtype.F64, []int{1, 1, 2, 2, 2}, 1, 0, 0, 0, 0, 0, 0, 1)},
			want: nnWant(nnArr(dtype.F64, []int{1, 1, 1, 1, 1}, 9))},
		{name: "batch of two", op: graph.OpConv, attrs: graph.ConvAttrs{},
			in:   []*dtype.Array{nnSeq(1, 2, 1, 2), nnF32([]int{1, 1, 1}, 2)},
			want: nnWant(nnF32([]int{2, 1, 2}, 2, 4, 6, 8))},
		{name: "channel mismatch", op: graph.OpConv, attrs: graph.ConvAttrs{},
			in: []*dtype.Array{nnSeq(1, 1, 2, 3), nnF32([]int{1, 1, 2}, 1, 1)}, err: "input has 2 channels"},
		{name: "kernel larger than input", op: graph.OpConv, attrs: graph.ConvAttrs{},
			in: []*dtype.Array{nnSeq(1, 1, 1, 2), nnF32([]int{1, 1, 3}, 1, 1, 1)}, err: "larger than the padded input"},
		{name: "bad auto_pad", op: graph.OpConv, attrs: graph.ConvAttrs{AutoPad: "SAME"},
			in: []*dtype.Array{nnSeq(1, 1, 1, 2), nnF32([]int{1, 1, 1}, 1)}, err: "auto_pad"},
		{name: "bias length", op: graph.OpConv, attrs: graph.ConvAttrs{},
			in: []*dtype.Array{nnSeq(1, 1, 1, 2), nnF32([]int{1, 1, 1}, 1), nnF32([]int{2}, 1, 1)}, err: "B has shape [2]"},
		{name: "rank 2", op: graph.OpConv, attrs: graph.ConvAttrs{},
			in: []*dtype.Array{nnSeq(1, 1, 2), nnF32([]int{1, 1}, 1)}, err: "rank 2"},
	})
}

func TestConvInteger(t *testing.T) {
	u8 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.U8, shape, v...) }
	i32 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.I32, shape, v...) }
	nnRun(t, []nnCase{
		// Operators.md, ConvInteger example "with_padding": padding reads
		// as the zero point.
		{name: "spec with padding", op: graph.OpConvInteger, attrs: graph.ConvAttrs{Pads: []int{1, 1, 1, 1}},
			in: []*dtype.Array{u8([]int{1, 1, 3, 3}, 2, 3, 4, 5, 6, 7, 8, 9, 10), u8([]int{1, 1, 2, 2}, 1, 1, 1, 1), u8(nil, 1)},
			want: nnWant(i32([]int{1, 1, 4, 4},
				1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9))},
		{name: "per-channel weight zero point", op: graph.OpConvInteger, attrs: graph.ConvAttrs{},
			in:   []*dtype.Array{u8([]int{1, 1, 1, 2}, 3, 9), u8([]int{2, 1, 1, 1}, 5, 7), u8(nil, 1), u8([]int{2}, 5, 6)},
			want: nnWant(i32([]int{1, 2, 1, 2}, 0, 0, 2, 8))},
		{name: "signed", op: graph.OpConvInteger, attrs: graph.ConvAttrs{},
			in:   []*dtype.Array{nnArr(dtype.I8, []int{1, 1, 2}, -128, 127), nnArr(dtype.I8, []int{1, 1, 1}, -128)},
			want: nnWant(i32([]int{1, 1, 2}, 16384, -16256))},
		{name: "zero point kind", op: graph.OpConvInteger, attrs: graph.ConvAttrs{},
			in: []*dtype.Array{u8([]int{1, 1, 2}, 1, 2), u8([]int{1, 1, 1}, 1), nnArr(dtype.I8, nil, 0)}, err: "x_zero_point is i8"},
	})
}

func TestQLinearConv(t *testing.T) {
	u8 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.U8, shape, v...) }
	// x - 10 = [0 2 6]; channel 0: (w - 1) = 2, bias 2 → acc [2 6 14],
	// multiplier 0.5·0.25/0.5 = 0.25 → [0.5 1.5 3.5] → half to even [0 2 4]
	// + 128. Channel 1: acc [0 2 6] - 200 → negative + 128 → saturates at 0.
	in := []*dtype.Array{
		u8([]int{1, 1, 3}, 10, 12, 16), nnF32(nil, 0.5), u8(nil, 10),
		u8([]int{2, 1, 1}, 3, 1), nnF32([]int{2}, 0.25, 1), u8([]int{2}, 1, 0),
		nnF32(nil, 0.5), u8(nil, 128), nnArr(dtype.I32, []int{2}, 2, -200),
	}
	nnRun(t, []nnCase{
		{name: "per channel, half even, saturated", op: graph.OpQLinearConv, attrs: graph.ConvAttrs{}, in: in,
			want: nnWant(u8([]int{1, 2, 3}, 128, 130, 132, 0, 0, 0))},
		{name: "int8 output", op: graph.OpQLinearConv, attrs: graph.ConvAttrs{},
			in: []*dtype.Array{in[0], in[1], in[2], in[3], in[4], in[5], nnF32(nil, 0.01), nnArr(dtype.I8, nil, 0)},
			// acc [0 4 12] (no bias) · 0.5·0.25/0.01 = 12.5 → [0 50 150→127]
			want: nnWant(nnArr(dtype.I8, []int{1, 2, 3}, 0, 50, 127, 0, 100, 127))},
		{name: "w_scale length", op: graph.OpQLinearConv, attrs: graph.ConvAttrs{},
			in: []*dtype.Array{in[0], in[1], in[2], in[3], nnF32([]int{3}, 1, 1, 1), in[5], in[6], in[7]}, err: "w_scale has shape [3]"},
	})
}
