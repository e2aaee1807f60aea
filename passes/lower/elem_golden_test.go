package lower

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// spec is one tensor of a one-node test graph: a constant when init is
// set, absent when kind is Invalid.
type spec struct {
	kind  dtype.Kind
	shape []int
	init  *dtype.Array
}

// node1 builds a graph of one node n of op over ins with outputs outs.
func node1(op graph.Op, attrs graph.Attrs, outs []spec, ins ...spec) *graph.Graph {
	g := &graph.Graph{}
	add := func(prefix string, ss []spec, graphSide *[]graph.TensorID, constOK bool) []graph.TensorID {
		var ids []graph.TensorID
		for i, s := range ss {
			if s.kind == dtype.Invalid {
				ids = append(ids, graph.None)
				continue
			}
			id := g.AddTensor(fmt.Sprintf("%s%d", prefix, i), s.kind, s.shape, s.init)
			if s.init == nil || !constOK {
				*graphSide = append(*graphSide, id)
			}
			ids = append(ids, id)
		}
		return ids
	}
	in := add("x", ins, &g.Inputs, true)
	out := add("y", outs, &g.Outputs, false)
	if attrs == nil {
		attrs = graph.NoAttrs{}
	}
	g.AddNode(op, "n", in, out, attrs)
	return g
}

func vals(k dtype.Kind, shape []int, v ...float64) *dtype.Array { return cycled(k, shape, v...) }

// elemGoldens are the kernels of testdata/elem_<name>.kir.
var elemGoldens = map[string]func() *graph.Graph{
	"max3_f16": func() *graph.Graph {
		x := spec{kind: dtype.F16, shape: []int{2, 3}}
		return node1(graph.OpMax, nil, []spec{x}, x, x, spec{kind: dtype.F16, shape: []int{3}})
	},
	"cast_saturate_f8e4m3fn": func() *graph.Graph {
		return node1(graph.OpCast, graph.CastAttrs{To: dtype.F8E4M3FN, Saturate: true}, []spec{{kind: dtype.F8E4M3FN, shape: []int{4}}},
			spec{kind: dtype.F16, shape: []int{4}})
	},
	"cast_f32_i64": func() *graph.Graph {
		return node1(graph.OpCast, graph.CastAttrs{To: dtype.I64}, []spec{{kind: dtype.I64, shape: []int{4}}},
			spec{kind: dtype.F32, shape: []int{4}})
	},
	"clip_i8": func() *graph.Graph {
		x := spec{kind: dtype.I8, shape: []int{5}}
		return node1(graph.OpClip, nil, []spec{x}, x, spec{kind: dtype.I8, shape: []int{}, init: vals(dtype.I8, nil, -3)}, spec{})
	},
	"pow_i32_i8": func() *graph.Graph {
		return node1(graph.OpPow, nil, []spec{{kind: dtype.I32, shape: []int{3}}}, spec{kind: dtype.I32, shape: []int{3}}, spec{kind: dtype.I8, shape: []int{}})
	},
	"quantize_blocked_partial": func() *graph.Graph {
		return node1(graph.OpQuantizeLinear, graph.QuantAttrs{Axis: 1, BlockSize: 2, Saturate: true}, []spec{{kind: dtype.I4, shape: []int{2, 5}}},
			spec{kind: dtype.F32, shape: []int{2, 5}}, spec{kind: dtype.F32, shape: []int{2, 3}, init: vals(dtype.F32, []int{2, 3}, 0.5, 2)},
			spec{kind: dtype.I4, shape: []int{2, 3}, init: vals(dtype.I4, []int{2, 3}, 1, -1)})
	},
	"dequantize_axis": func() *graph.Graph {
		return node1(graph.OpDequantizeLinear, graph.QuantAttrs{Axis: 0}, []spec{{kind: dtype.F16, shape: []int{3, 2}}},
			spec{kind: dtype.U8, shape: []int{3, 2}}, spec{kind: dtype.F16, shape: []int{3}}, spec{kind: dtype.U8, shape: []int{3}})
	},
	"where_broadcast": func() *graph.Graph {
		return node1(graph.OpWhere, nil, []spec{{kind: dtype.U16, shape: []int{2, 3}}},
			spec{kind: dtype.Bool, shape: []int{2, 1}}, spec{kind: dtype.U16, shape: []int{3}}, spec{kind: dtype.U16, shape: []int{}})
	},
}

// TestElemGolden: the loop IR of element-wise kernels that carry eval's
// corner cases is testdata/elem_<name>.kir, reviewed like code; -update
// rewrites it. The text parses back to itself.
func TestElemGolden(t *testing.T) {
	for name, build := range elemGoldens {
		t.Run(name, func(t *testing.T) {
			g := build()
			require.NoError(t, graph.Verify(g))
			k, err := Node(g, g.Nodes[0], Options{})
			require.NoError(t, err)
			checkKirGolden(t, "elem_"+name, k)
		})
	}
}

// TestElemErrors: nodes on kinds eval has no kernel for, and attributes
// kiln does not lower, are errors naming the node, never panics.
func TestElemErrors(t *testing.T) {
	u8, b := spec{kind: dtype.U8, shape: []int{2}}, spec{kind: dtype.Bool, shape: []int{2}}
	f32 := spec{kind: dtype.F32, shape: []int{2}}
	for _, tt := range []struct {
		name string
		g    *graph.Graph
		want string
	}{
		{"neg_u8", node1(graph.OpNeg, nil, []spec{u8}, u8), `lower: node "n" (Neg): Neg is not defined on u8`},
		{"exp_u8", node1(graph.OpExp, nil, []spec{u8}, u8), `lower: node "n" (Exp): Exp is not defined on u8`},
		{"add_bool", node1(graph.OpAdd, nil, []spec{b}, b, b), `lower: node "n" (Add): Add is not defined on bool`},
		{"less_bool", node1(graph.OpLess, nil, []spec{b}, b, b), `lower: node "n" (Less): Less is not defined on bool`},
		{"and_f32", node1(graph.OpAnd, nil, []spec{b}, f32, f32), `lower: node "n" (And): And is not defined on f32`},
		{"not_u8", node1(graph.OpNot, nil, []spec{u8}, u8), `lower: node "n" (Not): Not is not defined on u8`},
		{"clip_bool", node1(graph.OpClip, nil, []spec{b}, b), `lower: node "n" (Clip): Clip is not defined on bool`},
		{"pow_bool", node1(graph.OpPow, nil, []spec{f32}, f32, b), `lower: node "n" (Pow): Pow is not defined on exponent bool`},
		{"cast_e8m0_down", node1(graph.OpCast, graph.CastAttrs{To: dtype.F8E8M0, RoundMode: "down"}, []spec{{kind: dtype.F8E8M0, shape: []int{2}}}, f32),
			`lower: node "n" (Cast): cast to f8e8m0 with round_mode "down": not yet (the loop IR's cast rounds up)`},
		{"quantize_no_scale", node1(graph.OpQuantizeLinear, graph.QuantAttrs{}, []spec{u8}, f32, spec{}),
			`lower: node "n" (QuantizeLinear): x or scale is absent`},
		{"dequantize_to_int", node1(graph.OpDequantizeLinear, graph.QuantAttrs{}, []spec{{kind: dtype.I32, shape: []int{2}}}, u8, spec{kind: dtype.F32}),
			`lower: node "n" (DequantizeLinear): cannot dequantize to i32`},
		{"where_two_inputs", node1(graph.OpWhere, nil, []spec{f32}, b, f32), `lower: node "n" (Where): 2 inputs, want 3`},
		{"max_no_input", node1(graph.OpMax, nil, []spec{f32}), `lower: node "n" (Max): 0 inputs, want 1`},
		{"dropout_no_output", node1(graph.OpDropout, nil, []spec{{}}, f32), `lower: node "n" (Dropout): output 0 is absent`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Node(tt.g, tt.g.Nodes[0], Options{})
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}
