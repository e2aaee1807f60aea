package sim

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

func f32(v ...float32) *dtype.Array { return dtype.FromF32([]int{len(v)}, v) }

func TestCompare(t *testing.T) {
	ref := []*dtype.Array{f32(1, -2, 2), f32(0)}
	got := []*dtype.Array{f32(1, -1, 2), f32(1)}
	a, err := Compare(ref, got)
	require.NoError(t, err)
	assert.Equal(t, 4, a.N)
	// errors 0, 1, 0, 1: RMSE √(2/4); reference RMS √(9/4).
	assert.InDelta(t, math.Sqrt(0.5), a.RMSE, 1e-15)
	assert.InDelta(t, 1.5, a.RefRMS, 1e-15)
	assert.InDelta(t, math.Sqrt(0.5)/1.5, a.RelRMSE, 1e-15)
	assert.Equal(t, 1.0, a.MaxAbs)
	assert.Zero(t, a.NonFinite)

	a, err = Compare(ref[:1], []*dtype.Array{f32(1, float32(math.NaN()), float32(math.Inf(1)))})
	require.NoError(t, err)
	assert.Equal(t, 2, a.NonFinite)
	assert.True(t, math.IsInf(a.RMSE, 1) && math.IsInf(a.MaxAbs, 1))

	same, err := Compare(ref, ref)
	require.NoError(t, err)
	assert.Zero(t, same.RMSE)
	assert.Zero(t, same.RelRMSE)

	zero, err := Compare([]*dtype.Array{f32(0, 0)}, []*dtype.Array{f32(0, 1)})
	require.NoError(t, err)
	assert.True(t, math.IsInf(zero.RelRMSE, 1))
}

func TestCompareErrors(t *testing.T) {
	_, err := Compare([]*dtype.Array{f32(1)}, nil)
	require.ErrorContains(t, err, "0 outputs, 1 reference")
	_, err = Compare([]*dtype.Array{f32(1)}, []*dtype.Array{f32(1, 2)})
	require.ErrorContains(t, err, "output 0")
	_, err = Compare([]*dtype.Array{f32(1)}, []*dtype.Array{dtype.FromI64([]int{1}, []int64{1})})
	require.ErrorContains(t, err, "output 0 is i64")
}

func TestOutputsSHA256(t *testing.T) {
	a := OutputsSHA256([]*dtype.Array{f32(1, 2)})
	assert.Len(t, a, 64)
	assert.Equal(t, a, OutputsSHA256([]*dtype.Array{f32(1, 2)}))
	// One bit, the shape or the kind changes the digest.
	assert.NotEqual(t, a, OutputsSHA256([]*dtype.Array{f32(1, math.Nextafter32(2, 3))}))
	assert.NotEqual(t, a, OutputsSHA256([]*dtype.Array{dtype.FromF32([]int{2, 1}, []float32{1, 2})}))
	fx := dtype.New(dtype.FixedKind(dtype.Fixed{W: 8, I: 3}), []int{2})
	fx.I64[0], fx.I64[1] = 1, 2
	i64 := dtype.FromI64([]int{2}, []int64{1, 2})
	assert.NotEqual(t, OutputsSHA256([]*dtype.Array{fx}), OutputsSHA256([]*dtype.Array{i64}))
	// Splitting the same bytes differently is a different digest too.
	assert.NotEqual(t, OutputsSHA256([]*dtype.Array{f32(1), f32(2)}), a)
}
