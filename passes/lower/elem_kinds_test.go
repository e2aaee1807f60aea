package lower

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// computableKinds are the kinds the loop IR holds, in ONNX's order.
func computableKinds() []dtype.Kind {
	var ks []dtype.Kind
	for k := dtype.Kind(1); k.Valid(); k++ {
		if k.Computable() {
			ks = append(ks, k)
		}
	}
	return ks
}

// edgeValues are values of kind k that conversions and arithmetic get
// wrong first: signed zeros, halves (ties), the ends of each kind's range,
// values beyond them, infinities and NaN, rounded to k where k is a float.
func edgeValues(k dtype.Kind) *dtype.Array {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1.5, 2.5, -2.5, 3.75, 7, -8, 100, 127.5,
		-128.5, 255.5, 300, 448, 464, -500, 1000, 57344, 65504, 70000, 1e10, -3e9,
		math.Ldexp(1, 63), math.Ldexp(1, 64), -math.Ldexp(1, 63) - 4096, 1e30, 3.4e38, 1e300,
		1e-40, math.Ldexp(1, -130), math.Ldexp(3, -128), math.Inf(1), math.Inf(-1), math.NaN()}
	ints := []int64{0, 1, -1, 2, -2, 3, 7, -8, 100, 127, -128, 255, 448, 1000, 32767, -32768, 65535,
		1<<31 - 1, -1 << 31, 1<<32 - 1, 1<<53 + 1, math.MaxInt64, math.MinInt64}
	var a *dtype.Array
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		a = dtype.New(k, []int{len(floats)})
		for i, v := range floats {
			a.Set(i, dtype.RoundFloat(k, v, false))
		}
	case dtype.ClassBool:
		a = dtype.New(k, []int{2})
		a.Bool[1] = true
	default:
		a = dtype.New(k, []int{len(ints)})
		for i, v := range ints {
			if k.Class() == dtype.ClassUint {
				a.U64[i] = dtype.WrapUint(k, uint64(v))
			} else {
				a.I64[i] = dtype.WrapInt(k, v)
			}
		}
	}
	return a
}

// sameValues reports the first element where got and want differ, bit for
// bit (any NaN equals any NaN; signed zeros differ).
func sameValues(got, want *dtype.Array) string {
	for i := range want.Len() {
		var g, w any
		switch want.Kind.Class() {
		case dtype.ClassFloat, dtype.ClassDouble:
			gf, wf := got.At(i), want.At(i)
			if math.IsNaN(gf) && math.IsNaN(wf) || gf == wf && math.Signbit(gf) == math.Signbit(wf) {
				continue
			}
			g, w = gf, wf
		case dtype.ClassBool:
			if got.Bool[i] == want.Bool[i] {
				continue
			}
			g, w = got.Bool[i], want.Bool[i]
		default:
			if got.Int(i) == want.Int(i) {
				continue
			}
			g, w = got.Int(i), want.Int(i)
		}
		return fmt.Sprintf("element %d: got %v, want %v", i, g, w)
	}
	return ""
}

// runBoth runs a one-node graph lowered (exec) and with the reference.
func runBoth(t *testing.T, g *graph.Graph, inputs ...*dtype.Array) (got, want []*dtype.Array) {
	t.Helper()
	want, err := eval.Run(g, inputs, eval.Options{})
	require.NoError(t, err)
	got, err = runLowered(g, inputs)
	require.NoError(t, err)
	return got, want
}

// castGaps are the conversions where exec and eval disagree on
// edgeValues, each for a reason outside lowering: 2^53+1 and 2^64-1 to f64
// are rounded to odd by exec's cast and not rounded again (exec gives
// 2^53+2, eval the nearest 2^53); to f8e8m0, eval rounds the integer to
// float64 before rounding up (2^53+1 gives 2^53, exec the correct 2^54).
var castGaps = map[[2]dtype.Kind]string{
	{dtype.I64, dtype.F64}:    "exec: i64 → f64 beyond 2^53 is rounded to odd, not to nearest even",
	{dtype.U64, dtype.F64}:    "exec: u64 → f64 beyond 2^53 is rounded to odd, not to nearest even",
	{dtype.I64, dtype.F8E8M0}: "eval: i64 → f8e8m0 rounds to float64 first (2^53+1 → 2^53, not 2^54)",
	{dtype.U64, dtype.F8E8M0}: "eval: u64 → f8e8m0 rounds to float64 first (2^53+1 → 2^53, not 2^54)",
}

// TestCastKinds: Cast between every pair of kinds, saturating or not,
// gives eval's values bit for bit on edgeValues.
func TestCastKinds(t *testing.T) {
	for _, from := range computableKinds() {
		for _, to := range computableKinds() {
			for _, sat := range []bool{false, true} {
				t.Run(fmt.Sprintf("%v_%v_sat%v", from, to, sat), func(t *testing.T) {
					if why := castGaps[[2]dtype.Kind{from, to}]; why != "" {
						t.Skip(why)
					}
					x := edgeValues(from)
					g := &graph.Graph{}
					xi := g.AddTensor("x", from, x.Shape, nil)
					y := g.AddTensor("y", to, x.Shape, nil)
					g.Inputs, g.Outputs = []graph.TensorID{xi}, []graph.TensorID{y}
					g.AddNode(graph.OpCast, "c", []graph.TensorID{xi}, []graph.TensorID{y},
						graph.CastAttrs{To: to, Saturate: sat, RoundMode: "up"})
					got, want := runBoth(t, g, x)
					assert.Empty(t, sameValues(got[0], want[0]), "input %v", x)
				})
			}
		}
	}
}
