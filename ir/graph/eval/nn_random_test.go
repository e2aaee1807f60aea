package eval_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// nnDirectConv is the convolution written straight from its definition,
// one output element at a time, to check the im2col kernel against.
func nnDirectConv(x, w *dtype.Array, win graph.Window, groups int) []float64 {
	N, C, M := x.Shape[0], x.Shape[1], w.Shape[0]
	cg, mg := C/groups, M/groups
	out := make([]float64, 0, N*M*dtype.Size(win.Out))
	oo, kk := make([]int, len(win.Out)), make([]int, len(win.Kernel))
	xStr, wStr := dtype.Strides(x.Shape), dtype.Strides(w.Shape)
	for n := range N {
		for m := range M {
			g := m / mg
			for o := range dtype.Size(win.Out) {
				nnUnravelTest(o, win.Out, oo)
				s := 0.0
				for c := range cg {
					for k := range dtype.Size(win.Kernel) {
						nnUnravelTest(k, win.Kernel, kk)
						xi, wi, inside := n*xStr[0]+(g*cg+c)*xStr[1], m*wStr[0]+c*wStr[1], true
						for d := range kk {
							i := oo[d]*win.Strides[d] - win.PadBegin[d] + kk[d]*win.Dilations[d]
							inside = inside && i >= 0 && i < win.In[d]
							xi += i * xStr[2+d]
							wi += kk[d] * wStr[2+d]
						}
						if inside {
							s += x.At(xi) * w.At(wi)
						}
					}
				}
				out = append(out, s)
			}
		}
	}
	return out
}

func nnUnravelTest(i int, shape, idx []int) {
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
}

func nnRandArray(r *rand.Rand, shape []int) *dtype.Array {
	a := dtype.New(dtype.F32, shape)
	for i := range a.F32 {
		a.F32[i] = float32(r.IntN(7) - 3)
	}
	return a
}

// TestConvMatchesDirect compares the kernel with the direct definition on
// random 1-D to 3-D convolutions with groups, strides, dilations, pads and
// auto_pad (small integers, so both sums are exact).
func TestConvMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pads := []string{"NOTSET", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"}
	for iter := range 300 {
		nd := 1 + r.IntN(3)
		groups := 1 + r.IntN(3)
		x := []int{1 + r.IntN(2), groups * (1 + r.IntN(2))}
		w := []int{groups * (1 + r.IntN(2)), x[1] / groups}
		a := graph.ConvAttrs{Group: groups, AutoPad: pads[r.IntN(len(pads))]}
		for range nd {
			x = append(x, 1+r.IntN(6))
			w = append(w, 1+r.IntN(3))
			a.Strides = append(a.Strides, 1+r.IntN(3))
			a.Dilations = append(a.Dilations, 1+r.IntN(2))
		}
		if a.AutoPad == "NOTSET" {
			for range 2 * nd {
				a.Pads = append(a.Pads, r.IntN(3))
			}
		}
		t.Run(fmt.Sprint(iter), func(t *testing.T) {
			win, err := graph.ConvWindow(a, x, w)
			if err != nil {
				t.Skip(err) // a kernel larger than the input
			}
			xa, wa := nnRandArray(r, x), nnRandArray(r, w)
			n := &graph.Node{Op: graph.OpConv, Attrs: a, In: []graph.TensorID{0, 1}, Out: []graph.TensorID{2}}
			got, err := eval.Node(n, []*dtype.Array{xa, wa}, 0)
			require.NoError(t, err)
			want := nnDirectConv(xa, wa, win, groups)
			require.Equal(t, len(want), got[0].Len())
			for i, v := range want {
				require.Equal(t, v, got[0].At(i), "element %d of %v %+v", i, x, a)
			}
		})
	}
}

// TestNNNeverPanics throws random, mostly invalid, shapes and attributes at
// the kernels: each must return a result or an error.
func TestNNNeverPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	shape := func() []int {
		s := make([]int, r.IntN(5))
		for i := range s {
			s[i] = r.IntN(4)
		}
		return s
	}
	ints := func(n int) []int {
		if r.IntN(3) == 0 {
			return nil
		}
		s := make([]int, n)
		for i := range s {
			s[i] = r.IntN(4) - 1
		}
		return s
	}
	kinds := []dtype.Kind{dtype.F32, dtype.F64, dtype.U8, dtype.I8, dtype.I32, dtype.F16}
	autoPads := []string{"", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER", "bad"}
	eqs := []string{"ij,jk->ik", "ii", "...i", "i...,j", "->", "ab,ba", "i,i,i", "...ij->...ji"}
	for iter := range 3000 {
		var op graph.Op
		var attrs graph.Attrs
		nIn, nOut := 1, 1
		switch iter % 8 {
		case 0:
			op, nIn = graph.OpConv, 2+r.IntN(2)
			attrs = graph.ConvAttrs{AutoPad: autoPads[r.IntN(6)], Strides: ints(2), Dilations: ints(2), Pads: ints(4), Group: r.IntN(3)}
		case 1:
			op, nIn = graph.OpQLinearConv, 8+r.IntN(2)
			attrs = graph.ConvAttrs{Pads: ints(2)}
		case 2:
			op, nOut = graph.OpMaxPool, 1+r.IntN(2)
			attrs = graph.PoolAttrs{AutoPad: autoPads[r.IntN(6)], KernelShape: ints(2), Strides: ints(2), Pads: ints(4), CeilMode: r.IntN(2) == 0, StorageOrder: r.IntN(3)}
		case 3:
			op = graph.OpAveragePool
			attrs = graph.PoolAttrs{KernelShape: ints(1), Dilations: ints(1), Pads: ints(2), CeilMode: true, CountIncludePad: r.IntN(2) == 0}
		case 4:
			op, nIn = graph.OpGemm, 2+r.IntN(2)
			attrs = graph.GemmAttrs{Alpha: 1, Beta: 1, TransA: r.IntN(2) == 0}
		case 5:
			op, nIn = []graph.Op{graph.OpMatMul, graph.OpMatMulInteger, graph.OpQLinearMatMul}[r.IntN(3)], 2
			if op == graph.OpQLinearMatMul {
				nIn = 8
			}
			attrs = graph.NoAttrs{}
		case 6:
			op, nIn = graph.OpEinsum, 1+r.IntN(3)
			attrs = graph.EinsumAttrs{Equation: eqs[r.IntN(len(eqs))]}
		case 7:
			op = []graph.Op{graph.OpBatchNormalization, graph.OpInstanceNormalization, graph.OpLayerNormalization}[r.IntN(3)]
			nIn, nOut = op.Def().MinIn, 1+r.IntN(2)
			attrs = graph.NormAttrs{Axis: r.IntN(5) - 2}
		}
		in := make([]*dtype.Array, nIn)
		for i := range in {
			in[i] = dtype.New(kinds[r.IntN(len(kinds))], shape())
		}
		n := &graph.Node{Op: op, Attrs: attrs, In: make([]graph.TensorID, nIn), Out: make([]graph.TensorID, nOut)}
		assert.NotPanics(t, func() { _, _ = eval.Node(n, in, 1<<20) }, "%v %+v on %v", op, attrs, in)
	}
}

// BenchmarkConv3x3 is a ResNet-style layer: 64 → 64 channels, 3x3, on 56x56.
func BenchmarkConv3x3(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	x, w := nnRandArray(r, []int{1, 64, 56, 56}), nnRandArray(r, []int{64, 64, 3, 3})
	n := &graph.Node{Op: graph.OpConv, Attrs: graph.ConvAttrs{Pads: []int{1, 1, 1, 1}}, In: []graph.TensorID{0, 1}, Out: []graph.TensorID{2}}
	for b.Loop() {
		if _, err := eval.Node(n, []*dtype.Array{x, w}, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMaxPool3x3 pools 64 channels of 112x112 with a 3x3 window, stride 2.
func BenchmarkMaxPool3x3(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	x := nnRandArray(r, []int{1, 64, 112, 112})
	n := &graph.Node{Op: graph.OpMaxPool, Attrs: graph.PoolAttrs{KernelShape: []int{3, 3}, Strides: []int{2, 2}, Pads: []int{1, 1, 1, 1}},
		In: []graph.TensorID{0}, Out: []graph.TensorID{1}}
	for b.Loop() {
		if _, err := eval.Node(n, []*dtype.Array{x}, 0); err != nil {
			b.Fatal(err)
		}
	}
}
