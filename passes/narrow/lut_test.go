package narrow_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

const tanhKernel = `kernel act_tanh(in x: f32[N], out y: f32[N]) {
  for i in 0..N {
    y[i] = tanh(x[i])
  }
}`

// TestTableBits: a tanh narrowed to fixed<24,10> reads, for every input,
// exactly the entry the brief defines: the input in the activation type
// (truncated), its bucket ⌊(x − lo)/step⌋ clamped to the table, the entry
// tanh(lo + (i + ½)·step) rounded (saturating) to the activation type.
// Inputs sweep [−9, 9] (beyond the table on both sides) in steps of
// 2^−9, plus every bucket edge and its neighbours.
func TestTableBits(t *testing.T) {
	const lo, hi, size = -8.0, 8.0, 256
	step := (hi - lo) / size
	var xs []float32
	for v := -9.0; v <= 9; v += math.Ldexp(1, -9) {
		xs = append(xs, float32(v))
	}
	for i := 0; i <= size; i++ {
		e := float32(lo + float64(i)*step)
		xs = append(xs, e, math.Nextafter32(e, -10), math.Nextafter32(e, 10))
	}
	n := len(xs)
	src := strings.ReplaceAll(tanhKernel, "N", strconv.Itoa(n))
	p := parseProgram(t, src, "act_tanh")
	spec, err := passes.ParsePrecisionSpec("fixed<24,10>")
	require.NoError(t, err)
	np, rep, err := narrow.Apply(p, narrow.Options{Spec: spec, LUTSize: size})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Kernels[0].LUTs)
	x := dtype.FromF32([]int{n}, xs)
	y := dtype.New(dtype.F32, []int{n})
	require.NoError(t, exec.RunProgram(np, []*dtype.Array{x, y}))

	act := dtype.Fixed{W: 24, I: 10}
	entry := act
	entry.Overflow = dtype.Saturate
	for j, v := range xs {
		raw, _ := dtype.FromFloat(act, float64(v))            // the load's cast, truncating
		in := math.Floor(dtype.ToFloat(act, raw)/step) * step // 2^−10 is finer than step
		i := min(max(int((in-lo)/step), 0), size-1)
		want, _ := dtype.FromFloat(entry, math.Tanh(lo+(float64(i)+0.5)*step))
		if !assert.Equal(t, float32(dtype.ToFloat(act, want)), y.F32[j], "x = %g (bucket %d)", v, i) {
			break
		}
	}
}

// TestCastToInt: a float converted to an integer truncates toward zero;
// narrowed to fixed point it still does (a fixed value alone would floor).
func TestCastToInt(t *testing.T) {
	p := parseProgram(t, `kernel toint(in x: f32[6], out y: i32[6]) {
  for i in 0..6 {
    y[i] = cast<i32>(x[i] * 2.0)
  }
}`, "toint")
	for _, spec := range []string{"fixed<16,6>", "fixed<40,20>", "fp16"} {
		s, err := passes.ParsePrecisionSpec(spec)
		require.NoError(t, err)
		np, _, err := narrow.Apply(p, narrow.Options{Spec: s})
		require.NoError(t, err)
		x := dtype.FromF32([]int{6}, []float32{-1.75, -1.25, -0.25, 0.25, 1.25, 1.75})
		y := dtype.New(dtype.I32, []int{6})
		require.NoError(t, exec.RunProgram(np, []*dtype.Array{x, y}))
		assert.Equal(t, []int64{-3, -2, 0, 0, 2, 3}, y.I64, spec)
	}
}
