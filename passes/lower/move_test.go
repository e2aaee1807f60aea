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
