package passes

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func TestCalibrateRanges(t *testing.T) {
	g := &graph.Graph{Name: "relu"}
	x := g.AddTensor("x", dtype.F32, []int{1000}, nil)
	y := g.AddTensor("y", dtype.F32, []int{1000}, nil)
	g.AddNode(graph.OpRelu, "r", []graph.TensorID{x}, []graph.TensorID{y}, nil)
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	// Two sets: −999…0 and 1…1000 (as thousandths).
	mk := func(off int) []*dtype.Array {
		v := make([]float32, 1000)
		for i := range v {
			v[i] = float32(i+off) / 1000
		}
		return []*dtype.Array{dtype.FromF32([]int{1000}, v)}
	}
	got, err := Calibrate(g, [][]*dtype.Array{mk(-999), mk(1)})
	require.NoError(t, err)
	rx, ry := got["x"], got["y"]
	assert.Equal(t, 2000, rx.N)
	assert.InDelta(t, -0.999, rx.Min, 1e-7)
	assert.InDelta(t, 1.0, rx.Max, 1e-7)
	assert.InDelta(t, 1.0, rx.MaxAbs, 1e-7)
	// 99.9% of 2000 magnitudes: the 1998th smallest is 0.999 (two values
	// each of 0.001…0.999, then one 1.0); the histogram bin edge is within
	// 1.1% above it.
	assert.GreaterOrEqual(t, rx.P999, 0.999-1e-7)
	assert.LessOrEqual(t, rx.P999, 0.999*math.Exp2(1.0/64))
	// Relu: 999 zeros (−0.999…−0.001 and 0) and 1…1000 thousandths.
	assert.Equal(t, 0.0, ry.Min)
	assert.InDelta(t, 1.0, ry.MaxAbs, 1e-7)
}

func TestCalibrateErrors(t *testing.T) {
	g := &graph.Graph{Name: "id"}
	x := g.AddTensor("x", dtype.F32, []int{2}, nil)
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{x}
	_, err := Calibrate(g, nil)
	require.ErrorContains(t, err, "no input sets")
	_, err = Calibrate(g, [][]*dtype.Array{{dtype.FromF32([]int{3}, make([]float32, 3))}})
	require.ErrorContains(t, err, "input set 0")
}

func TestRangeBins(t *testing.T) {
	for _, a := range []float64{math.SmallestNonzeroFloat64, 1e-45, 0.5, 1, 1.0000001, 3, math.MaxFloat32, math.MaxFloat64, math.Inf(1)} {
		b := binOf(a)
		if !math.IsInf(a, 0) && a >= binEdge(0) {
			assert.LessOrEqual(t, binEdge(b), a, "%g", a)
			assert.Less(t, a, binEdge(b+1), "%g", a)
		}
	}
}
