package eval_test

import (
	"math"
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func TestNorms(t *testing.T) {
	// channel 0: (x - 1)/2·1 + 0; channel 1: (x - 3)/1·2 + 1
	bnX := nnF32([]int{1, 2, 1, 2}, 1, 2, 3, 4)
	bnIn := []*dtype.Array{bnX, nnF32([]int{2}, 1, 2), nnF32([]int{2}, 0, 1), nnF32([]int{2}, 1, 3), nnF32([]int{2}, 4, 1)}
	// x = [1 2 3 4]: mean 2.5, variance 1.25
	inY := func(x float64) float64 { return 2*(x-2.5)/math.Sqrt(1.25) + 1 }
	// rows [1 3] and [0 4]: means 2 and 2, variances 1 and 4
	lnX := nnF32([]int{2, 2}, 1, 3, 0, 4)
	nnRun(t, []nnCase{
		{name: "batchnorm", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{}, in: bnIn,
			want: nnWant(nnF32([]int{1, 2, 1, 2}, 0, 0.5, 1, 3))},
		{name: "batchnorm epsilon", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{Epsilon: 5},
			in:   []*dtype.Array{nnF32([]int{2, 1}, 4, 7), nnF32([]int{1}, 1), nnF32([]int{1}, 0), nnF32([]int{1}, 1), nnF32([]int{1}, 4)},
			want: nnWant(nnF32([]int{2, 1}, 1, 2))},
		{name: "batchnorm 1-D", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{},
			in:   []*dtype.Array{nnF32([]int{3}, 1, 2, 3), nnF32([]int{1}, 2), nnF32([]int{1}, 1), nnF32([]int{1}, 0), nnF32([]int{1}, 1)},
			want: nnWant(nnF32([]int{3}, 3, 5, 7))},
		{name: "batchnorm f64 input, f32 statistics", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{},
			in:   []*dtype.Array{nnArr(dtype.F64, []int{1, 1}, 3), nnF32([]int{1}, 1), nnF32([]int{1}, 0), nnF32([]int{1}, 1), nnF32([]int{1}, 4)},
			want: nnWant(nnArr(dtype.F64, []int{1, 1}, 1))},
		{name: "batchnorm training outputs", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{}, in: bnIn,
			want: nnWant(bnX, bnX), err: "training mode"},
		{name: "batchnorm channels", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{},
			in: []*dtype.Array{bnX, bnIn[1], bnIn[2], bnIn[3], nnF32([]int{3}, 1, 1, 1)}, err: "input_var has shape [3]"},
		{name: "instancenorm", op: graph.OpInstanceNormalization, attrs: graph.NormAttrs{},
			in:   []*dtype.Array{nnSeq(1, 1, 1, 2, 2), nnF32([]int{1}, 2), nnF32([]int{1}, 1)},
			want: nnWant(nnF32([]int{1, 1, 2, 2}, inY(1), inY(2), inY(3), inY(4)))},
		{name: "instancenorm rank", op: graph.OpInstanceNormalization, attrs: graph.NormAttrs{},
			in: []*dtype.Array{nnSeq(1, 1, 2), nnF32([]int{1}, 2), nnF32([]int{1}, 1)}, err: "rank 2"},
		{name: "layernorm", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: -1},
			in: []*dtype.Array{lnX, nnF32([]int{2}, 2, 3), nnF32([]int{2}, 1, 1)},
			want: nnWant(nnF32([]int{2, 2}, -1, 4, -1, 4),
				nnF32([]int{2, 1}, 2, 2), nnF32([]int{2, 1}, 1, 0.5))},
		{name: "layernorm axis 0 without bias", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: 0, Epsilon: 1},
			// mean 2, variance (1+1+4+4)/4 = 2.5, 1/sqrt(3.5)
			in: []*dtype.Array{lnX, nnF32(nil, 1)},
			want: nnWant(nnF32([]int{2, 2}, -1/math.Sqrt(3.5), 1/math.Sqrt(3.5), -2/math.Sqrt(3.5), 2/math.Sqrt(3.5)),
				nil, nnF32([]int{1, 1}, 1/math.Sqrt(3.5)))},
		{name: "layernorm f64 stash f64", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: 1, StashType: dtype.F64},
			in:   []*dtype.Array{nnArr(dtype.F64, []int{1, 2}, 1, 3), nnArr(dtype.F64, []int{2}, 1, 1)},
			want: nnWant(nnArr(dtype.F64, []int{1, 2}, -1, 1), nnArr(dtype.F64, []int{1, 1}, 2))},
		{name: "layernorm axis", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: 2},
			in: []*dtype.Array{lnX, nnF32([]int{2}, 1, 1)}, err: "axis 2 out of range"},
		{name: "layernorm scale shape", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: -1},
			in: []*dtype.Array{lnX, nnF32([]int{3}, 1, 1, 1)}, err: "Scale: shape [3]"},
	})
}
