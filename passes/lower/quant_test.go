package lower

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// kop is one tensor of a kinded one-node test graph: an input, or a
// constant when konst is set (filled by fill); "" names an absent input.
type kop struct {
	name  string
	kind  dtype.Kind
	shape []int
	konst bool
}

// fill is a deterministic array of kind k: integers spread over the kind's
// range (i32 over ±300, a bias), floats in [-1.25, 1.25], scales (names
// ending in "scale") positive.
func fill(name string, k dtype.Kind, shape []int, seed int) *dtype.Array {
	a := dtype.New(k, shape)
	scale := len(name) >= 5 && name[len(name)-5:] == "scale"
	for i := range a.Len() {
		j := 37*i + 11*seed + 5
		switch {
		case scale:
			a.Set(i, 0.0123*float64(1+(i+seed)%3))
		case k == dtype.I32 || k == dtype.I64:
			a.Set(i, float64(j%601-300))
		case k.IsInt():
			lo, hi := k.IntRange()
			span := int64(min(hi, 1<<16)) - lo + 1
			a.Set(i, float64(lo+int64(j)%span))
		default:
			a.Set(i, float64(j%11-5)/4)
		}
	}
	return a
}

// kindGraph builds a graph of one node of op over ins with outputs outs.
func kindGraph(op graph.Op, attrs graph.Attrs, outs []kop, ins ...kop) (*graph.Graph, *graph.Node) {
	g := &graph.Graph{Name: "k"}
	var in, out []graph.TensorID
	for i, o := range ins {
		if o.name == "" {
			in = append(in, graph.None)
			continue
		}
		var init *dtype.Array
		if o.konst {
			init = fill(o.name, o.kind, o.shape, i)
		}
		id := g.AddTensor(o.name, o.kind, o.shape, init)
		if init == nil {
			g.Inputs = append(g.Inputs, id)
		}
		in = append(in, id)
	}
	for _, o := range outs {
		out = append(out, g.AddTensor(o.name, o.kind, o.shape, nil))
	}
	g.Outputs = out
	return g, g.AddNode(op, "k", in, out, attrs)
}

// checkAgainstEval runs g lowered and by the reference on fill's inputs
// and compares every output (ONNX's tolerance; integers exactly).
func checkAgainstEval(t *testing.T, g *graph.Graph) {
	require.NoError(t, graph.Verify(g))
	var inputs []*dtype.Array
	for i, id := range g.Inputs {
		gt := g.Tensors[id]
		inputs = append(inputs, fill(gt.Name, gt.Kind, gt.Shape, i))
	}
	want, err := eval.Run(g, inputs, eval.Options{})
	require.NoError(t, err)
	got, err := runLowered(g, inputs)
	require.NoError(t, err)
	for i := range want {
		assert.Empty(t, conform.Compare(got[i], want[i]), "output %d", i)
	}
}

func TestQuantAgainstEval(t *testing.T) {
	u8, i8, i32, f16, f32 := dtype.U8, dtype.I8, dtype.I32, dtype.F16, dtype.F32
	in := func(name string, k dtype.Kind, s ...int) kop { return kop{name, k, s, false} }
	c := func(name string, k dtype.Kind, s ...int) kop { return kop{name, k, s, true} }
	none := kop{}
	y := func(k dtype.Kind, s ...int) []kop { return []kop{{"y", k, s, false}} }
	conv := graph.ConvAttrs{Group: 2, Pads: []int{1, 0, 0, 1}, Strides: []int{1, 2}}
	tests := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		out   []kop
		ins   []kop
	}{
		{"matmulinteger per row and column", graph.OpMatMulInteger, graph.NoAttrs{}, y(i32, 2, 3, 5),
			[]kop{in("a", u8, 2, 3, 4), c("b", u8, 4, 5), in("azp", u8, 3), c("bzp", u8, 5)}},
		{"matmulinteger no zero points", graph.OpMatMulInteger, graph.NoAttrs{}, y(i32, 3, 5),
			[]kop{in("a", i8, 3, 4), in("b", i8, 4, 5)}},
		{"matmulinteger b zero point only, 1-D a", graph.OpMatMulInteger, graph.NoAttrs{}, y(i32, 5),
			[]kop{in("a", i8, 4), in("b", i8, 4, 5), none, in("bzp", i8)}},
		{"qlinearmatmul per row and column scales", graph.OpQLinearMatMul, graph.NoAttrs{}, y(u8, 3, 5),
			[]kop{in("a", u8, 3, 4), in("a_scale", f32, 3), in("azp", u8, 3), c("b", u8, 4, 5),
				c("b_scale", f32, 5), c("bzp", u8, 5), in("y_scale", f32), in("yzp", u8)}},
		{"qlinearmatmul f16 batch broadcast", graph.OpQLinearMatMul, graph.NoAttrs{}, y(i8, 2, 3, 5),
			[]kop{in("a", i8, 1, 3, 4), in("a_scale", f16, 1), in("azp", i8, 1), in("b", i8, 2, 4, 5),
				in("b_scale", f16, 1), in("bzp", i8, 1), in("y_scale", f16, 1), in("yzp", i8, 1)}},
		{"convinteger per channel, groups, pads", graph.OpConvInteger, conv, y(i32, 2, 4, 4, 2),
			[]kop{in("x", u8, 2, 4, 4, 3), c("w", u8, 4, 2, 2, 2), in("xzp", u8), c("wzp", u8, 4)}},
		{"convinteger no zero points", graph.OpConvInteger, graph.ConvAttrs{}, y(i32, 1, 2, 3),
			[]kop{in("x", i8, 1, 3, 5), in("w", i8, 2, 3, 3)}},
		{"qlinearconv per channel with bias", graph.OpQLinearConv, conv, y(i8, 2, 4, 4, 2),
			[]kop{in("x", i8, 2, 4, 4, 3), in("x_scale", f32), in("xzp", i8), c("w", i8, 4, 2, 2, 2),
				c("w_scale", f32, 4), c("wzp", i8, 4), in("y_scale", f32), in("yzp", i8), c("bias", i32, 4)}},
		{"qlinearconv f16 scales, no bias", graph.OpQLinearConv, graph.ConvAttrs{Pads: []int{1, 1}}, y(u8, 1, 2, 5),
			[]kop{in("x", u8, 1, 3, 5), in("x_scale", f16), in("xzp", u8), in("w", u8, 2, 3, 3),
				in("w_scale", f16, 1), in("wzp", u8, 1), in("y_scale", f16), in("yzp", u8)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := kindGraph(tt.op, tt.attrs, tt.out, tt.ins...)
			checkAgainstEval(t, g)
		})
	}
}

// TestProductKinds: Gemm, MatMul, Conv and the pools on the kinds ONNX
// defines them for, lowered, give what the reference gives.
func TestProductKinds(t *testing.T) {
	f64, f16, bf16, i32, i64, u32, i8, u8 := dtype.F64, dtype.F16, dtype.BF16, dtype.I32, dtype.I64, dtype.U32, dtype.I8, dtype.U8
	in := func(name string, k dtype.Kind, s ...int) kop { return kop{name, k, s, false} }
	c := func(name string, k dtype.Kind, s ...int) kop { return kop{name, k, s, true} }
	y := func(k dtype.Kind, s ...int) []kop { return []kop{{"y", k, s, false}} }
	gemm := graph.GemmAttrs{Alpha: 1, Beta: 1, TransB: true}
	scaled := graph.GemmAttrs{Alpha: 2, Beta: 0.5}
	maxPool := graph.PoolAttrs{KernelShape: []int{2, 3}, Pads: []int{1, 1, 0, 1}, Strides: []int{2, 1}}
	withIndices := []kop{{"y", f16, []int{1, 2, 3, 4}, false}, {"ind", i64, []int{1, 2, 3, 4}, false}}
	// maxPool over 5×4: 3×4 outputs, the first row and column of windows
	// partly in the padding
	tests := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		out   []kop
		ins   []kop
	}{
		{"gemm f64", graph.OpGemm, gemm, y(f64, 3, 4), []kop{in("a", f64, 3, 5), c("b", f64, 4, 5), in("c", f64, 4)}},
		{"gemm f16 scaled", graph.OpGemm, scaled, y(f16, 3, 4), []kop{in("a", f16, 3, 5), in("b", f16, 5, 4), in("c", f16, 3, 1)}},
		{"gemm i32", graph.OpGemm, gemm, y(i32, 3, 4), []kop{in("a", i32, 3, 5), in("b", i32, 4, 5), in("c", i32, 1)}},
		{"gemm u32 scaled", graph.OpGemm, scaled, y(u32, 3, 4), []kop{in("a", u32, 3, 5), in("b", u32, 5, 4), in("c", u32, 4)}},
		{"gemm i64 scaled", graph.OpGemm, scaled, y(i64, 3, 4), []kop{in("a", i64, 3, 5), in("b", i64, 5, 4), in("c", i64, 4)}},
		{"matmul f64 batched", graph.OpMatMul, graph.NoAttrs{}, y(f64, 2, 3, 4), []kop{in("a", f64, 2, 3, 5), in("b", f64, 5, 4)}},
		{"matmul bf16", graph.OpMatMul, graph.NoAttrs{}, y(bf16, 3, 4), []kop{in("a", bf16, 3, 5), in("b", bf16, 5, 4)}},
		{"matmul i64 1-D", graph.OpMatMul, graph.NoAttrs{}, y(i64, 4), []kop{in("a", i64, 5), in("b", i64, 5, 4)}},
		{"matmul u32", graph.OpMatMul, graph.NoAttrs{}, y(u32, 3, 4), []kop{in("a", u32, 3, 5), c("b", u32, 5, 4)}},
		{"matmul f16 sparse", graph.OpMatMul, graph.NoAttrs{}, y(f16, 2, 4, 3), []kop{c("adj", f16, 4, 5), in("x", f16, 2, 5, 3)}},
		{"conv f64", graph.OpConv, graph.ConvAttrs{Pads: []int{1, 1}}, y(f64, 2, 3, 5), []kop{in("x", f64, 2, 2, 5), c("w", f64, 3, 2, 3), c("b", f64, 3)}},
		{"conv f16 grouped", graph.OpConv, graph.ConvAttrs{Group: 2}, y(f16, 1, 4, 3, 3), []kop{in("x", f16, 1, 4, 4, 4), in("w", f16, 4, 2, 2, 2)}},
		{"maxpool i8", graph.OpMaxPool, maxPool, y(i8, 1, 2, 3, 4), []kop{in("x", i8, 1, 2, 5, 4)}},
		{"maxpool u8", graph.OpMaxPool, maxPool, y(u8, 1, 2, 3, 4), []kop{in("x", u8, 1, 2, 5, 4)}},
		{"maxpool f16 indices", graph.OpMaxPool, maxPool, withIndices, []kop{in("x", f16, 1, 2, 5, 4)}},
		{"maxpool indices column-major", graph.OpMaxPool, graph.PoolAttrs{KernelShape: []int{2, 3}, Pads: []int{1, 1, 0, 1}, Strides: []int{2, 1}, StorageOrder: 1},
			[]kop{{"y", f64, []int{2, 1, 3, 4}, false}, {"ind", i64, []int{2, 1, 3, 4}, false}}, []kop{in("x", f64, 2, 1, 5, 4)}},
		{"averagepool f64", graph.OpAveragePool, graph.PoolAttrs{KernelShape: []int{3}, Pads: []int{1, 1}}, y(f64, 2, 1, 5), []kop{in("x", f64, 2, 1, 5)}},
		{"global average pool f16", graph.OpGlobalAveragePool, graph.NoAttrs{}, y(f16, 1, 2, 1, 1), []kop{in("x", f16, 1, 2, 3, 3)}},
		{"global max pool bf16", graph.OpGlobalMaxPool, graph.NoAttrs{}, y(bf16, 1, 2, 1), []kop{in("x", bf16, 1, 2, 7)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := kindGraph(tt.op, tt.attrs, tt.out, tt.ins...)
			checkAgainstEval(t, g)
		})
	}
}

// TestQuantErrors: operands the lowering does not take are errors naming
// the node, not panics.
func TestQuantErrors(t *testing.T) {
	f32, u8, i32 := dtype.F32, dtype.U8, dtype.I32
	in := func(name string, k dtype.Kind, s ...int) kop { return kop{name, k, s, false} }
	y := func(k dtype.Kind, s ...int) []kop { return []kop{{"y", k, s, false}} }
	none, conv, pool := graph.NoAttrs{}, graph.ConvAttrs{}, graph.PoolAttrs{KernelShape: []int{2}}
	tests := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		out   []kop
		ins   []kop
		want  string
	}{
		{"float operands", graph.OpMatMulInteger, none, y(i32, 2, 2),
			[]kop{in("a", f32, 2, 3), in("b", f32, 3, 2)}, `lower: node "k" (MatMulInteger): input 0 is f32: not yet (integer operands only)`},
		{"zero point per nothing", graph.OpMatMulInteger, none, y(i32, 2, 2),
			[]kop{in("a", u8, 2, 3), in("b", u8, 3, 2), in("azp", u8, 3)}, `lower: node "k" (MatMulInteger): a_zero_point: shape [3] does not fit operand [2 3]`},
		{"conv w zero point", graph.OpConvInteger, conv, y(i32, 1, 2, 3),
			[]kop{in("x", u8, 1, 1, 5), in("w", u8, 2, 1, 3), in("xzp", u8), in("wzp", u8, 3)}, `lower: node "k" (ConvInteger): w_zero_point: shape [3]: want one value or one per output channel (2)`},
		{"int conv", graph.OpConv, conv, y(i32, 1, 2, 3),
			[]kop{in("x", i32, 1, 1, 5), in("w", i32, 2, 1, 3)}, `lower: node "k" (Conv): Conv is not defined on i32`},
		{"matmul of a scalar", graph.OpMatMul, none, y(f32, 3),
			[]kop{in("a", f32), in("b", f32, 3)}, `lower: node "k" (MatMul): operands of shapes [] and [3]: want rank at least 1`},
		{"matmul inner dimensions", graph.OpMatMul, none, y(f32, 2, 2),
			[]kop{in("a", f32, 2, 3), in("b", f32, 4, 2)}, `lower: node "k" (MatMul): operands of shapes [2 3] and [4 2] do not give [2 2]`},
		{"qlinearmatmul output rank", graph.OpQLinearMatMul, none, y(u8, 2),
			[]kop{in("a", u8, 2, 3), in("as", f32), in("az", u8), in("b", u8, 3, 2), in("bs", f32), in("bz", u8), in("ys", f32), in("yz", u8)},
			`lower: node "k" (QLinearMatMul): operands of shapes [2 3] and [3 2] do not give [2]`},
		{"qlinearconv float output", graph.OpQLinearConv, conv, y(f32, 1, 1, 3),
			[]kop{in("x", u8, 1, 1, 5), in("xs", f32), in("xz", u8), in("w", u8, 1, 1, 3), in("ws", f32), in("wz", u8), in("ys", f32), in("yz", u8)},
			`lower: node "k" (QLinearConv): output is f32: not yet (integer outputs only)`},
		{"pool of rank 2", graph.OpMaxPool, pool, y(f32, 1, 3), []kop{in("x", f32, 1, 4)},
			`lower: node "k" (MaxPool): input has rank 2, want at least 3`},
		{"average pool of ints", graph.OpAveragePool, pool, y(i32, 1, 1, 3), []kop{in("x", i32, 1, 1, 4)},
			`lower: node "k" (AveragePool): AveragePool is not defined on i32`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, n := kindGraph(tt.op, tt.attrs, tt.out, tt.ins...)
			_, err := Node(g, n, Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestQuantGolden: the loop IR of an integer matmul, a quantised matmul
// (per-tensor scales: the multiplier hoisted) and a quantised convolution
// (per-channel) is testdata/quant_*.kir (-update rewrites it).
func TestQuantGolden(t *testing.T) {
	u8, i8, i32, f16, f32 := dtype.U8, dtype.I8, dtype.I32, dtype.F16, dtype.F32
	in := func(name string, k dtype.Kind, s ...int) kop { return kop{name, k, s, false} }
	c := func(name string, k dtype.Kind, s ...int) kop { return kop{name, k, s, true} }
	graphs := map[string]func() (*graph.Graph, *graph.Node){
		"quant_matmulinteger": func() (*graph.Graph, *graph.Node) {
			return kindGraph(graph.OpMatMulInteger, graph.NoAttrs{}, []kop{{"y", i32, []int{3, 2}, false}},
				in("a", u8, 3, 4), c("b", u8, 4, 2), in("azp", u8, 3), c("bzp", u8, 2))
		},
		"quant_qlinearmatmul": func() (*graph.Graph, *graph.Node) {
			return kindGraph(graph.OpQLinearMatMul, graph.NoAttrs{}, []kop{{"y", u8, []int{2, 3}, false}},
				in("a", u8, 2, 4), in("a_scale", f16, 1), in("azp", u8, 1), c("b", u8, 4, 3),
				c("b_scale", f16, 1), c("bzp", u8, 1), in("y_scale", f16, 1), in("yzp", u8, 1))
		},
		"quant_qlinearconv": func() (*graph.Graph, *graph.Node) {
			return kindGraph(graph.OpQLinearConv, graph.ConvAttrs{Pads: []int{1, 1}}, []kop{{"y", i8, []int{1, 2, 4}, false}},
				in("x", i8, 1, 1, 4), in("x_scale", f32), in("xzp", i8), c("w", i8, 2, 1, 3),
				c("w_scale", f32, 2), c("wzp", i8, 2), in("y_scale", f32), in("yzp", i8), c("bias", i32, 2))
		},
	}
	for name, build := range graphs {
		t.Run(name, func(t *testing.T) {
			g, n := build()
			n.Name = name
			k, err := Node(g, n, Options{})
			require.NoError(t, err)
			checkKirGolden(t, name, k)
		})
	}
}

// TestMaxPoolNaN: MaxPool takes the first largest tap (a NaN only when it
// comes first), GlobalMaxPool lets any NaN win, as the reference does.
func TestMaxPoolNaN(t *testing.T) {
	nan := float32(math.NaN())
	x := dtype.FromF32([]int{1, 1, 6}, []float32{nan, 1, 2, nan, 3, -1})
	tests := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		out   []int
		want  []float32
	}{
		// windows {nan,1} {1,2} {2,nan} {nan,3} {3,-1}
		{"maxpool", graph.OpMaxPool, graph.PoolAttrs{KernelShape: []int{2}}, []int{1, 1, 5}, []float32{nan, 2, 2, nan, 3}},
		{"global max pool", graph.OpGlobalMaxPool, graph.NoAttrs{}, []int{1, 1, 1}, []float32{nan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := kindGraph(tt.op, tt.attrs, []kop{{"y", dtype.F32, tt.out, false}}, kop{"x", dtype.F32, []int{1, 1, 6}, false})
			want, err := eval.Run(g, []*dtype.Array{x}, eval.Options{})
			require.NoError(t, err)
			got, err := runLowered(g, []*dtype.Array{x})
			require.NoError(t, err)
			assert.Empty(t, conform.Compare(got[0], want[0]))
			assert.Empty(t, conform.Compare(got[0], dtype.FromF32(tt.out, tt.want)))
		})
	}
}
