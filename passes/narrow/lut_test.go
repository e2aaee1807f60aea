package narrow_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

const tanhKernel = `kernel act_tanh(in x: f32[N], out y: f32[N]) {
  for i in 0..N {
    y[i] = tanh(x[i])
  }
}`

// tableInputs sweep [−9, 9] (beyond a table over [−8, 8) on both sides)
// in steps of 2^−9, plus every edge of size buckets and its neighbours.
func tableInputs(lo, step float64, size int) []float32 {
	var xs []float32
	for v := -9.0; v <= 9; v += math.Ldexp(1, -9) {
		xs = append(xs, float32(v))
	}
	for i := 0; i <= size; i++ {
		e := float32(lo + float64(i)*step)
		xs = append(xs, e, math.Nextafter32(e, -10), math.Nextafter32(e, 10))
	}
	return xs
}

// runTanh narrows tanhKernel over xs to fixed<24,10> with tables of size
// entries over [−8, 8) and returns the outputs.
func runTanh(t *testing.T, xs []float32, size int, nearest bool) []float32 {
	t.Helper()
	n := len(xs)
	p := parseProgram(t, strings.ReplaceAll(tanhKernel, "N", strconv.Itoa(n)), "act_tanh")
	spec, err := passes.ParsePrecisionSpec("fixed<24,10>")
	require.NoError(t, err)
	np, rep, err := narrow.Apply(p, narrow.Options{Spec: spec, LUTSize: size, LUTNearest: nearest})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Kernels[0].LUTs)
	x := dtype.FromF32([]int{n}, xs)
	y := dtype.New(dtype.F32, []int{n})
	require.NoError(t, exec.RunProgram(np, []*dtype.Array{x, y}))
	return y.F32
}

// TestTableBits: a tanh narrowed to fixed<24,10> with LUTNearest reads,
// for every input, exactly the entry the package doc defines: the input
// in the activation type (truncated), its bucket ⌊(x − lo)/step⌋ clamped
// to the table, the entry tanh(lo + (i + ½)·step) rounded to nearest
// (saturating) in the activation type.
// Inputs sweep [−9, 9] (beyond the table on both sides) in steps of
// 2^−9, plus every bucket edge and its neighbours.
func TestTableBits(t *testing.T) {
	const lo, hi, size = -8.0, 8.0, 256
	step := (hi - lo) / size
	xs := tableInputs(lo, step, size)
	y := runTanh(t, xs, size, true)
	act := dtype.Fixed{W: 24, I: 10}
	entry := dtype.Fixed{W: 24, I: 10, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
	for j, v := range xs {
		raw, _ := dtype.FromFloat(act, float64(v))            // the load's cast, truncating
		in := math.Floor(dtype.ToFloat(act, raw)/step) * step // 2^−10 is finer than step
		i := min(max(int((in-lo)/step), 0), size-1)
		want, _ := dtype.FromFloat(entry, math.Tanh(lo+(float64(i)+0.5)*step))
		if !assert.Equal(t, float32(dtype.ToFloat(act, want)), y[j], "x = %g (bucket %d)", v, i) {
			break
		}
	}
}

// TestInterpBits: the default, interpolated table computes for every input
// exactly what the package doc defines, here in float64 (every value is
// exact: 24-bit entries times a 10-bit weight): L the input truncated to
// fixed<24,10>, then to 4 integer bits (saturating) as the index type
// holds; u = (L + 8)·16; i = clamp(⌊u⌋, 0, 255); t = min(u − i, 1) with
// 10 fraction bits (truncated, at least 0); T[i] + (T[i+1] − T[i])·t
// truncated to fixed<24,10>, with T[i] = tanh(−8 + i/16) rounded to
// nearest. Interpolation is an order of magnitude closer to tanh than the
// nearest entry.
func TestInterpBits(t *testing.T) {
	const lo, hi, size = -8.0, 8.0, 256
	step := (hi - lo) / size
	xs := tableInputs(lo, step, size)
	y := runTanh(t, xs, size, false)
	near := runTanh(t, xs, size, true)
	act := dtype.Fixed{W: 24, I: 10}
	entry := dtype.Fixed{W: 24, I: 10, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
	T := func(i int) float64 {
		raw, _ := dtype.FromFloat(entry, math.Tanh(lo+float64(i)*step))
		return dtype.ToFloat(entry, raw)
	}
	var errI, errN float64
	for j, v := range xs {
		raw, _ := dtype.FromFloat(act, float64(v))
		l := min(max(dtype.ToFloat(act, raw), -8), 8-math.Ldexp(1, -14))
		u := (l - lo) / step
		i := min(max(int(math.Floor(u)), 0), size-1)
		w := min(max(math.Floor(math.Ldexp(u-float64(i), 10))/1024, 0), 1)
		got, _ := dtype.FromFloat(act, T(i)+(T(i+1)-T(i))*w)
		if !assert.Equal(t, float32(dtype.ToFloat(act, got)), y[j], "x = %g (bucket %d, t %g)", v, i, w) {
			break
		}
		if math.Abs(float64(v)) < 8 {
			errI = max(errI, math.Abs(float64(y[j])-math.Tanh(float64(v))))
			errN = max(errN, math.Abs(float64(near[j])-math.Tanh(float64(v))))
		}
	}
	t.Logf("max abs error over [−8, 8): interpolated %.3g, nearest %.3g", errI, errN)
	assert.Less(t, 10*errI, errN)
	assert.Less(t, errI, 6e-4) // measured 4.3e-4: step²·max|tanh″|/8 and two truncations
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

// TestFallbackTemp: InstanceNorm in int16 on inputs of magnitude 0.05
// (variance about 8e-4): sqrt gets no table (NaN below 0), so b / sqrt(…)
// falls back to f32, and its result, about 35, stays in an f32 temporary
// (int16 temporaries take the arguments' largest scale, here fixed<16,4>,
// and would saturate at 8), and so does the normalisation that multiplies
// by it. (This kernel made exact() build a 65-bit sum before.)
func TestFallbackTemp(t *testing.T) {
	p := kernelProgram(t, "instancenorm")
	spec, err := passes.ParsePrecisionSpec("int16")
	require.NoError(t, err)
	ranges := map[string]passes.Range{
		"a": {Min: -0.05, Max: 0.05, MaxAbs: 0.05, P999: 0.05, N: 1},
		"b": {Min: -2, Max: 2, MaxAbs: 2, P999: 2, N: 1},
		"c": {Min: -2, Max: 2, MaxAbs: 2, P999: 2, N: 1},
		"y": {Min: -4, Max: 4, MaxAbs: 4, P999: 4, N: 1},
	}
	np, rep, err := narrow.Apply(p, narrow.Options{Spec: spec, Ranges: ranges})
	require.NoError(t, err)
	kr := rep.Kernels[0]
	assert.Zero(t, kr.LUTs)
	require.Len(t, kr.Refused, 1)
	assert.Contains(t, kr.Refused[0], "not a finite number")
	assert.Equal(t, []string{"sqrt", "/", "*", "+"}, kr.Fallbacks)
	id, ok := np.Kernels[0].Buffer("mul")
	require.True(t, ok)
	assert.Equal(t, dtype.F32, np.Kernels[0].Buffers[id].Kind, "the fallback's result stays f32")
	want, got := randomArgs(p, 3), randomArgs(np, 3)
	for _, run := range []struct {
		p    *loop.Program
		args []*dtype.Array
	}{{p, want}, {np, got}} {
		for i := range run.args[0].Len() {
			run.args[0].Set(i, run.args[0].At(i)/40) // a in [−0.05, 0.05)
		}
		require.NoError(t, exec.RunProgram(run.p, run.args))
	}
	e := relRMSE(got[3:], want[3:])
	t.Logf("relative RMSE %.3g", e)
	// Measured 0.0072: mean, a temporary of the arguments' largest scale
	// (y's fixed<16,4>, ulp 2^−12), is off by up to 1/240 of the standard
	// deviation 0.029; ε = 1e−05 becomes 2^−16 in the weights' type.
	assert.Less(t, e, 0.015)
}
