package lower

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop"
)

// mvOperand is one input of a move test graph: a constant when init is
// set, else a graph input fed feed (or mvValues when feed is nil).
type mvOperand struct {
	name  string
	kind  dtype.Kind
	shape []int
	init  *dtype.Array
	feed  *dtype.Array
}

// mvCase is one node over operands of kind k with outputs outs (kinds
// Invalid take k).
type mvCase struct {
	name  string
	op    graph.Op
	attrs graph.Attrs
	outs  [][]int
	ins   func(k dtype.Kind) []mvOperand
}

// mvValues fills an array of kind k with small values that differ from
// element to element and from seed to seed, negative ones included.
func mvValues(k dtype.Kind, shape []int, seed int) *dtype.Array {
	a := dtype.New(k, shape)
	for j := range a.Len() {
		a.Set(j, float64((7*j+3*seed)%11-5)/2)
		if k.IsInt() {
			a.Set(j, float64((7*j+3*seed)%11-5))
		}
	}
	return a
}

func ints(v ...int64) *dtype.Array { return dtype.FromI64([]int{len(v)}, v) }

func i64c(name string, v ...int64) mvOperand {
	return mvOperand{name: name, kind: dtype.I64, shape: []int{len(v)}, init: ints(v...)}
}

// mvGraph builds the case's graph for kind k and its inputs.
func (c mvCase) graph(k dtype.Kind) (*graph.Graph, []*dtype.Array) {
	g := &graph.Graph{Name: c.name}
	var in, out []graph.TensorID
	var feeds []*dtype.Array
	for i, o := range c.ins(k) {
		id := g.AddTensor(o.name, o.kind, o.shape, o.init)
		if o.init == nil {
			g.Inputs = append(g.Inputs, id)
			f := o.feed
			if f == nil {
				f = mvValues(o.kind, o.shape, i)
			}
			feeds = append(feeds, f)
		}
		in = append(in, id)
	}
	for i, s := range c.outs {
		out = append(out, g.AddTensor(fmt.Sprintf("y%d", i), k, s, nil))
	}
	g.Outputs = out
	g.AddNode(c.op, "node", in, out, c.attrs)
	return g, feeds
}

// x is a graph input of the case's kind, cst a constant one.
func x(k dtype.Kind, name string, s ...int) mvOperand {
	return mvOperand{name: name, kind: k, shape: s}
}

func cst(k dtype.Kind, name string, s ...int) mvOperand {
	return mvOperand{name: name, kind: k, shape: s, init: mvValues(k, s, 7)}
}

func moveCases() []mvCase {
	one := func(f func(k dtype.Kind) []mvOperand) func(dtype.Kind) []mvOperand { return f }
	return []mvCase{
		{"reshape", graph.OpReshape, graph.ReshapeAttrs{}, [][]int{{4, 6}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3, 4), i64c("s", 4, 6)}
		})},
		{"flatten", graph.OpFlatten, graph.AxisAttrs{Axis: 2}, [][]int{{6, 4}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3, 4)}
		})},
		{"squeeze", graph.OpSqueeze, graph.NoAttrs{}, [][]int{{3, 4}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 1, 4), i64c("axes", 1)}
		})},
		{"unsqueeze", graph.OpUnsqueeze, graph.NoAttrs{}, [][]int{{1, 3, 4, 1}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 4), i64c("axes", 0, -1)}
		})},
		{"transpose", graph.OpTranspose, graph.TransposeAttrs{Perm: []int{1, 2, 0}}, [][]int{{3, 4, 2}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3, 4)}
		})},
		{"concat const middle", graph.OpConcat, graph.AxisAttrs{Axis: -2}, [][]int{{2, 6, 3}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 1, 3), cst(k, "b", 2, 2, 3), x(k, "c", 2, 3, 3)}
		})},
		{"split sizes", graph.OpSplit, graph.SplitAttrs{Axis: 1}, [][]int{{2, 3, 3}, {2, 1, 3}, {2, 1, 3}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 5, 3), i64c("split", 3, 1, 1)}
		})},
		{"split num_outputs", graph.OpSplit, graph.SplitAttrs{Axis: -1, NumOutputs: 3}, [][]int{{2, 3}, {2, 3}, {2, 2}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 8)}
		})},
		{"slice negative steps", graph.OpSlice, graph.NoAttrs{}, [][]int{{3, 3, 2}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 5, 3, 7), i64c("starts", -1, 1), i64c("ends", -100, 6),
				i64c("axes", 0, 2), i64c("steps", -2, 3)}
		})},
		{"slice huge step", graph.OpSlice, graph.NoAttrs{}, [][]int{{1, 4}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 4), i64c("starts", 1), i64c("ends", 3), i64c("axes", 0), i64c("steps", 1<<62)}
		})},
		{"gather runtime indices", graph.OpGather, graph.AxisAttrs{Axis: 1}, [][]int{{2, 2, 2, 3}}, one(func(k dtype.Kind) []mvOperand {
			ind := dtype.New(dtype.I32, []int{2, 2})
			for i, v := range []float64{-1, 0, 3, -4} {
				ind.Set(i, v)
			}
			return []mvOperand{x(k, "a", 2, 4, 3), {name: "ind", kind: dtype.I32, shape: []int{2, 2}, feed: ind}}
		})},
		{"gather const indices", graph.OpGather, graph.AxisAttrs{Axis: 0}, [][]int{{3, 2}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{cst(k, "table", 5, 2), {name: "ind", kind: dtype.I64, shape: []int{3}, init: ints(4, -5, -1)}}
		})},
		{"gather scalar index", graph.OpGather, graph.AxisAttrs{Axis: -1}, [][]int{{2}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 5), {name: "ind", kind: dtype.I64, init: dtype.FromI64(nil, []int64{-2})}}
		})},
		{"expand", graph.OpExpand, graph.NoAttrs{}, [][]int{{2, 3, 4}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 1), i64c("shape", 2, 1, 4)}
		})},
		{"tile", graph.OpTile, graph.NoAttrs{}, [][]int{{4, 3, 6}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 1, 3), i64c("repeats", 2, 3, 2)}
		})},
		{"pad constant crop", graph.OpPad, graph.PadAttrs{Mode: "constant"}, [][]int{{4, 5}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 4), i64c("pads", 2, -1, -1, 2), cst(k, "v")}
		})},
		{"pad constant runtime value axes", graph.OpPad, graph.PadAttrs{Mode: "constant"}, [][]int{{2, 6, 4}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3, 4), i64c("pads", 1, 2), x(k, "v"), i64c("axes", -2)}
		})},
		{"pad constant default value", graph.OpPad, graph.PadAttrs{}, [][]int{{3, 3}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 1, 2), i64c("pads", 1, 0, 1, 1)}
		})},
		{"pad reflect", graph.OpPad, graph.PadAttrs{Mode: "reflect"}, [][]int{{7, 12}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 4), i64c("pads", 2, 3, 2, 5)}
		})},
		{"pad edge crop", graph.OpPad, graph.PadAttrs{Mode: "edge"}, [][]int{{6, 3}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 4), i64c("pads", 1, -1, 2, 0)}
		})},
		{"pad wrap", graph.OpPad, graph.PadAttrs{Mode: "wrap"}, [][]int{{2, 11}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3), i64c("pads", 0, 5, 0, 3)}
		})},
		{"pad reflect table", graph.OpPad, graph.PadAttrs{Mode: "reflect"}, [][]int{{42, 43}}, one(func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3), i64c("pads", 20, 20, 20, 20)}
		})},
	}
}

// einsumCases are Einsum nodes over operands of a numeric kind.
func einsumCases() []mvCase {
	eq := func(e string) graph.Attrs { return graph.EinsumAttrs{Equation: e} }
	return []mvCase{
		{"einsum matmul", graph.OpEinsum, eq("ij,jk->ik"), [][]int{{2, 4}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3), cst(k, "b", 3, 4)}
		}},
		{"einsum batch diagonal", graph.OpEinsum, eq("bii->bi"), [][]int{{2, 3}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 3, 3)}
		}},
		{"einsum trace", graph.OpEinsum, eq("ii"), [][]int{nil}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 3, 3)}
		}},
		{"einsum implicit ellipsis broadcast", graph.OpEinsum, eq("...ij,...jk"), [][]int{{2, 3, 2, 2}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2, 1, 2, 3), x(k, "b", 3, 3, 2)}
		}},
		{"einsum outer three", graph.OpEinsum, eq("i,j,k->kji"), [][]int{{2, 3, 2}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2), x(k, "b", 3), x(k, "c", 2)}
		}},
	}
}

// TestMoveKinds: every data-movement lowering, for every kind the loop IR
// holds, computes exactly what the reference evaluator computes; Einsum
// too, for every numeric kind.
func TestMoveKinds(t *testing.T) {
	for k := dtype.Kind(1); k.Valid(); k++ {
		if !k.Computable() {
			continue
		}
		cases := moveCases()
		if k.Class() != dtype.ClassBool {
			cases = append(cases, einsumCases()...)
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%v/%s", k, c.name), func(t *testing.T) {
				g, feeds := c.graph(k)
				require.NoError(t, graph.Verify(g))
				want, err := eval.Run(g, feeds, eval.Options{})
				require.NoError(t, err)
				got, err := runLowered(g, feeds)
				if k == dtype.F8E8M0 && c.name == "pad constant default value" {
					assert.ErrorContains(t, err, `node "node" (Pad): the default value 0 is not a f8e8m0 value`)
					return
				}
				require.NoError(t, err)
				for i := range want {
					assert.Empty(t, conform.CompareTol(got[i], want[i], conform.Tolerance{}), "output %d", i)
				}
			})
		}
	}
}

// TestMoveErrors: models the move lowerings cannot take fail with an
// error that names the node and what is wrong.
func TestMoveErrors(t *testing.T) {
	f := dtype.F32
	tests := []struct {
		c    mvCase
		want string
	}{
		{mvCase{"runtime starts", graph.OpSlice, graph.NoAttrs{}, [][]int{{2}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 4), x(dtype.I64, "starts", 1), i64c("ends", 3)}
		}}, `node "node" (Slice): input 1 (starts) "starts" is not a constant: not yet`},
		{mvCase{"float pads", graph.OpPad, graph.PadAttrs{}, [][]int{{6}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 4), cst(k, "pads", 2)}
		}}, `input 1 (pads) "pads" is f32, want an integer tensor`},
		{mvCase{"gather index out of range", graph.OpGather, graph.AxisAttrs{}, [][]int{{2}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 4), i64c("ind", 1, -5)}
		}}, `node "node" (Gather): index -5 of "ind" out of range for an axis of 4`},
		{mvCase{"pad mode", graph.OpPad, graph.PadAttrs{Mode: "mirror"}, [][]int{{6}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 4), i64c("pads", 1, 1)}
		}}, `node "node" (Pad): mode "mirror" is not one of [constant reflect edge wrap]`},
		{mvCase{"reflect cropped away", graph.OpPad, graph.PadAttrs{Mode: "reflect"}, [][]int{{3}}, func(k dtype.Kind) []mvOperand {
			return []mvOperand{x(k, "a", 2), i64c("pads", 3, -2)}
		}}, `reflect pad of axis 0 leaves no elements to copy`},
		{mvCase{"einsum of bool", graph.OpEinsum, graph.EinsumAttrs{Equation: "ij->ji"}, [][]int{{3, 2}}, func(dtype.Kind) []mvOperand {
			return []mvOperand{x(dtype.Bool, "a", 2, 3)}
		}}, `node "node" (Einsum): Einsum of bool`},
	}
	for _, tt := range tests {
		t.Run(tt.c.name, func(t *testing.T) {
			k := f
			if tt.c.op == graph.OpEinsum {
				k = dtype.Bool
			}
			g, _ := tt.c.graph(k)
			_, err := Node(g, g.Nodes[0], Options{})
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestGatherClamps: an index read at run time outside [-d, d) reads the
// nearest end of the axis (the reference reports an error instead).
func TestGatherClamps(t *testing.T) {
	c := mvCase{"gather", graph.OpGather, graph.AxisAttrs{}, [][]int{{4}}, func(k dtype.Kind) []mvOperand {
		return []mvOperand{x(k, "a", 3), {name: "ind", kind: dtype.I64, shape: []int{4}, feed: ints(7, -9, -3, 2)}}
	}}
	g, feeds := c.graph(dtype.I32)
	got, err := runLowered(g, feeds)
	require.NoError(t, err)
	a := feeds[0].I64 // 7 and -9+3 are clamped into [0, 3)
	assert.Equal(t, []int64{a[2], a[0], a[0], a[2]}, got[0].I64)
}

// TestPadShapes: reflect, edge and wrap pads copy in affine nests, one per
// combination of runs (the maps' affine pieces), and fall back to
// position tables only when the combinations pass maxPadNests.
func TestPadShapes(t *testing.T) {
	tests := []struct {
		name   string
		nests  int
		tables []string
	}{
		{"pad reflect", 4 * 3, nil}, // axis 0: 3 runs; axis 1: 4 (the pad of 5 passes the axis)
		{"pad edge crop", 3, nil},   // axis 0 maps to 0 0 1 2 2 2; axis 1 is cropped only
		{"pad wrap", 4, nil},        // axis 1 maps to 1 2, 0 1 2, 0 1 2, 0 1 2
		{"pad reflect table", 1, []string{"pad_map0", "pad_map1"}},
	}
	cases := map[string]mvCase{}
	for _, c := range moveCases() {
		cases[c.name] = c
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := cases[tt.name].graph(dtype.F32)
			k, err := Node(g, g.Nodes[0], Options{})
			require.NoError(t, err)
			assert.Len(t, k.Body, tt.nests)
			var tables []string
			for _, b := range k.Buffers {
				if b.Role == loop.Constant {
					tables = append(tables, b.Name)
				}
			}
			assert.Equal(t, tt.tables, tables)
		})
	}
}
