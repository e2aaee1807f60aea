package lower

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// quantLayout is a scale layout for x of shape [3, 4, 5].
type quantLayout struct {
	name  string
	axis  int
	block int
	scale []int
}

var quantLayouts = []quantLayout{
	{"tensor", 1, 0, nil},
	{"axis", -2, 0, []int{4}},
	{"blocked_partial", 2, 2, []int{3, 4, 3}}, // 5 = 2 + 2 + 1
	{"blocked", 0, 3, []int{1, 4, 5}},
}

// quantized are QuantizeLinear's output kinds (Operators.md, T3).
var quantized = []dtype.Kind{dtype.I8, dtype.U8, dtype.I16, dtype.U16, dtype.F8E4M3FN, dtype.F8E4M3FNUZ,
	dtype.F8E5M2, dtype.F8E5M2FNUZ, dtype.U4, dtype.I4, dtype.F4E2M1, dtype.U2, dtype.I2}

// cycled is n values of kind k repeating vals.
func cycled(k dtype.Kind, shape []int, vals ...float64) *dtype.Array {
	a := dtype.New(k, shape)
	for i := range a.Len() {
		a.Set(i, vals[i%len(vals)])
	}
	return a
}

// quantGraph is one QuantizeLinear or DequantizeLinear node over x, scale
// and the zero point zp (nil: absent), with output kind out.
func quantGraph(op graph.Op, a graph.QuantAttrs, out dtype.Kind, x, scale, zp *dtype.Array) (*graph.Graph, []*dtype.Array) {
	g := &graph.Graph{}
	ins := []*dtype.Array{x, scale}
	if zp != nil {
		ins = append(ins, zp)
	}
	var ids []graph.TensorID
	for i, v := range ins {
		ids = append(ids, g.AddTensor(fmt.Sprintf("in%d", i), v.Kind, v.Shape, nil))
	}
	y := g.AddTensor("y", out, x.Shape, nil)
	g.Inputs, g.Outputs = ids, []graph.TensorID{y}
	g.AddNode(op, "q", ids, []graph.TensorID{y}, a)
	return g, ins
}

// TestQuantizeKinds: QuantizeLinear to every output kind, per tensor, per
// axis and blocked (a partial block too), from each input and scale kind
// in turn, with and without a zero point, gives eval's values bit for bit.
func TestQuantizeKinds(t *testing.T) {
	xKinds := []dtype.Kind{dtype.F32, dtype.F16, dtype.BF16, dtype.I32}
	sKinds := []dtype.Kind{dtype.F32, dtype.F16, dtype.BF16, dtype.F8E8M0, dtype.I32}
	n := 0
	for _, out := range quantized {
		for _, l := range quantLayouts {
			for _, withZP := range []bool{false, true} {
				n++
				kx, ks := xKinds[n%len(xKinds)], sKinds[n%len(sKinds)]
				a := graph.QuantAttrs{Axis: l.axis, BlockSize: l.block, Saturate: n%3 != 0, Out: out}
				t.Run(fmt.Sprintf("%v_%s_zp%v_%v_%v", out, l.name, withZP, kx, ks), func(t *testing.T) {
					x := edgeValues(kx).Take(make([]int, 60), []int{3, 4, 5})
					src := edgeValues(kx)
					for i := range x.Len() {
						x.Set(i, src.At(i%src.Len())/float64(1+i%4))
					}
					scale := cycled(ks, l.scale, 0.5, 2, 0.1, 7, 1e-3, 300, 1)
					var zp *dtype.Array
					if withZP {
						zp = cycled(out, l.scale, 1, -1, 0, 2)
					}
					g, ins := quantGraph(graph.OpQuantizeLinear, a, out, x, scale, zp)
					require.NoError(t, graph.Verify(g))
					got, want := runBoth(t, g, ins...)
					assert.Empty(t, sameValues(got[0], want[0]), "x %v", x)
				})
			}
		}
	}
}

// TestDequantizeKinds: DequantizeLinear from every input kind to f32, f16
// and bf16 with each scale kind in turn.
func TestDequantizeKinds(t *testing.T) {
	sKinds := []dtype.Kind{dtype.F32, dtype.F16, dtype.BF16, dtype.F8E8M0}
	outs := []dtype.Kind{dtype.F32, dtype.F16, dtype.BF16}
	n := 0
	for _, kx := range append([]dtype.Kind{dtype.I32}, quantized...) {
		for _, l := range quantLayouts {
			for _, withZP := range []bool{false, true} {
				n++
				ks, out := sKinds[n%len(sKinds)], outs[n%len(outs)]
				a := graph.QuantAttrs{Axis: l.axis, BlockSize: l.block, Out: out}
				t.Run(fmt.Sprintf("%v_%s_zp%v_%v_%v", kx, l.name, withZP, ks, out), func(t *testing.T) {
					src := edgeValues(kx)
					x := dtype.New(kx, []int{3, 4, 5})
					for i := range x.Len() {
						x.Set(i, src.At(i%src.Len()))
					}
					scale := cycled(ks, l.scale, 0.5, 2, 0.1, 7, 1e-3, 300, 1)
					var zp *dtype.Array
					if withZP {
						zp = cycled(kx, l.scale, 1, -1, 0, 2)
					}
					g, ins := quantGraph(graph.OpDequantizeLinear, a, out, x, scale, zp)
					require.NoError(t, graph.Verify(g))
					got, want := runBoth(t, g, ins...)
					assert.Empty(t, sameValues(got[0], want[0]), "x %v", x)
				})
			}
		}
	}
}
