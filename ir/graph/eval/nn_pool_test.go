package eval_test

import (
	"math"
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func TestPool(t *testing.T) {
	x16 := nnSeq(1, 1, 1, 4, 4)
	i64 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.I64, shape, v...) }
	x1 := nnF32([]int{1, 1, 5}, 3, 1, 4, 1, 5)
	// two planes of 2x3: [[1 5 2] [4 3 6]] and the same + 10
	x23 := nnF32([]int{1, 2, 2, 3}, 1, 5, 2, 4, 3, 6, 11, 15, 12, 14, 13, 16)
	nnRun(t, []nnCase{
		// Operators.md, AveragePool example "averagepool_2d_ceil".
		{name: "avg ceil", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{3, 3}, Strides: []int{2, 2}, CeilMode: true},
			in: []*dtype.Array{x16}, want: nnWant(nnF32([]int{1, 1, 2, 2}, 6, 7.5, 12, 13.5))},
		// Operators.md, "averagepool_2d_ceil_last_window_starts_on_pad":
		// the second window would start in the end padding, so there is
		// one window, and it divides by 9.
		{name: "avg last window starts on pad", op: graph.OpAveragePool,
			attrs: graph.PoolAttrs{KernelShape: []int{3, 3}, Strides: []int{3, 3}, Pads: []int{1, 1, 1, 1}, CeilMode: true, CountIncludePad: true},
			in:    []*dtype.Array{nnF32([]int{1, 1, 2, 2}, 0.8580, 0.0786, 0.2692, 0.1537)},
			want:  nnWant(nnF32([]int{1, 1, 1, 1}, (0.8580+0.0786+0.2692+0.1537)/9))},
		{name: "avg pads exclude", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Pads: []int{1, 1}},
			in: []*dtype.Array{nnSeq(1, 1, 1, 3)}, want: nnWant(nnF32([]int{1, 1, 4}, 1, 1.5, 2.5, 3))},
		{name: "avg pads include", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Pads: []int{1, 1}, CountIncludePad: true},
			in: []*dtype.Array{nnSeq(1, 1, 1, 3)}, want: nnWant(nnF32([]int{1, 1, 4}, 0.5, 1.5, 2.5, 1.5))},
		// ceil_mode adds a last window reaching past the input; with no
		// padding there, only the input element counts.
		{name: "avg ceil include pad", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Strides: []int{2}, CeilMode: true, CountIncludePad: true},
			in: []*dtype.Array{nnSeq(1, 1, 1, 5)}, want: nnWant(nnF32([]int{1, 1, 3}, 1.5, 3.5, 5))},
		{name: "avg dilated", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Dilations: []int{2}},
			in: []*dtype.Array{x1}, want: nnWant(nnF32([]int{1, 1, 3}, 3.5, 1, 4.5))},
		// SAME_LOWER puts the odd pad first: windows [pad 1] [1 2] [2 3].
		{name: "avg same lower", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, AutoPad: "SAME_LOWER"},
			in: []*dtype.Array{nnSeq(1, 1, 1, 3)}, want: nnWant(nnF32([]int{1, 1, 3}, 1, 1.5, 2.5))},
		{name: "avg f64", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}},
			in: []*dtype.Array{nnArr(dtype.F64, []int{1, 1, 3}, 1, 2, 4)}, want: nnWant(nnArr(dtype.F64, []int{1, 1, 2}, 1.5, 3))},
		{name: "max dilated padded", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Dilations: []int{2}, Pads: []int{1, 1}},
			in: []*dtype.Array{x1}, want: nnWant(nnF32([]int{1, 1, 5}, 1, 4, 1, 5, 1))},
		{name: "max indices row major", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2, 2}},
			in:   []*dtype.Array{x23},
			want: nnWant(nnF32([]int{1, 2, 1, 2}, 5, 6, 15, 16), i64([]int{1, 2, 1, 2}, 1, 5, 7, 11))},
		{name: "max indices column major", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2, 2}, StorageOrder: 1},
			in:   []*dtype.Array{x23},
			want: nnWant(nnF32([]int{1, 2, 1, 2}, 5, 6, 15, 16), i64([]int{1, 2, 1, 2}, 2, 5, 8, 11))},
		{name: "max first of equal", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{3}},
			in:   []*dtype.Array{nnF32([]int{1, 1, 3}, 2, 7, 7)},
			want: nnWant(nnF32([]int{1, 1, 1}, 7), i64([]int{1, 1, 1}, 1))},
		{name: "max without indices", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Strides: []int{2}},
			in:   []*dtype.Array{nnF32([]int{1, 1, 4}, 1, 2, 4, 3)},
			want: nnWant(nnF32([]int{1, 1, 2}, 2, 4), nil)},
		{name: "max int8", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2}},
			in: []*dtype.Array{nnArr(dtype.I8, []int{1, 1, 3}, -5, -7, 3)}, want: nnWant(nnArr(dtype.I8, []int{1, 1, 2}, -5, 3))},
		// windows wholly in the padding: lowest value, index -1
		{name: "max empty window", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Pads: []int{2, 0}},
			in:   []*dtype.Array{nnArr(dtype.I8, []int{1, 1, 1}, 5)},
			want: nnWant(nnArr(dtype.I8, []int{1, 1, 2}, -128, 5), i64([]int{1, 1, 2}, -1, 0))},
		{name: "average empty window", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Pads: []int{2, 0}},
			in: []*dtype.Array{nnF32([]int{1, 1, 1}, 5)}, want: nnWant(nnF32([]int{1, 1, 2}, math.NaN(), 5))},
		{name: "max ceil", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{3, 3}, Strides: []int{2, 2}, CeilMode: true},
			in: []*dtype.Array{x16}, want: nnWant(nnF32([]int{1, 1, 2, 2}, 11, 12, 15, 16))},
		{name: "global average", op: graph.OpGlobalAveragePool, attrs: graph.NoAttrs{},
			in: []*dtype.Array{x23}, want: nnWant(nnF32([]int{1, 2, 1, 1}, 3.5, 13.5))},
		{name: "global max", op: graph.OpGlobalMaxPool, attrs: graph.NoAttrs{},
			in: []*dtype.Array{x23}, want: nnWant(nnF32([]int{1, 2, 1, 1}, 6, 16))},
		{name: "kernel rank", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{2}},
			in: []*dtype.Array{x16}, err: "kernel_shape has 1 dims, input has 2 spatial dims"},
		{name: "negative pads", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Pads: []int{-1, 0}},
			in: []*dtype.Array{x1}, err: "negative"},
		{name: "zero stride", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Strides: []int{0}},
			in: []*dtype.Array{x1}, err: "strides"},
		{name: "pads with auto_pad", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}, Pads: []int{1, 0}, AutoPad: "VALID"},
			in: []*dtype.Array{x1}, err: "auto_pad"},
		// a window far larger than the input costs what the input does:
		// SAME_UPPER pads 2^30-1 before and 2^30 after, every window
		// holds all three elements
		{name: "avg huge kernel", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{1 << 30}, AutoPad: "SAME_UPPER"},
			in: []*dtype.Array{nnSeq(1, 1, 1, 3)}, want: nnWant(nnF32([]int{1, 1, 3}, 2, 2, 2))},
		{name: "max huge dilation", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{3}, Dilations: []int{1 << 30}, AutoPad: "SAME_LOWER"},
			in: []*dtype.Array{nnSeq(1, 1, 1, 3)}, want: nnWant(nnF32([]int{1, 1, 3}, 1, 2, 3), nil)},
		{name: "kernel overflows", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{1 << 62}, AutoPad: "SAME_UPPER"},
			in: []*dtype.Array{x1}, err: "kernel size"},
		{name: "dilation overflows", op: graph.OpMaxPool, attrs: graph.PoolAttrs{KernelShape: []int{3}, Dilations: []int{1 << 62}, Pads: []int{1 << 62, 1 << 62}},
			in: []*dtype.Array{x1}, err: "dilations"},
		{name: "integer average", op: graph.OpAveragePool, attrs: graph.PoolAttrs{KernelShape: []int{2}},
			in: []*dtype.Array{nnArr(dtype.I8, []int{1, 1, 3}, 1, 2, 3)}, err: "float"},
	})
}
