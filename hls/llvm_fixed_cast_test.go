package hls

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// fxEdges are doubles that probe float → fixed: NaN, the infinities, the
// zeros, subnormals, ties and near-ties at many binary points, the ends
// of each target's range (just in and just out, ties rounding out
// included), huge integers up to the largest double (wrap keeps their low
// bits), and random values of every magnitude from 2^−70 to 2^70.
func fxEdges(targets []dtype.Kind) []float64 {
	vs := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		5e-324, -5e-324, 0x1p-1022, -0x1p-1022, 0x1.8p-1070, math.MaxFloat64, -math.MaxFloat64,
		0x1p52 + 1, 0x1p52 - 0.5, 0x1p51 + 0.5, 0x1p53 - 1, 0x1p63 - 1024, 0x1p63 + 2048, 0x1p64 - 2048, 3 * 0x1p62}
	for _, f := range []int{0, 1, 4, 8, 12, 32, 44, 52, 60, 63, 64} {
		q := math.Ldexp(1, -f)
		for k := -3.0; k <= 3; k++ {
			tie := (k + 0.5) * q
			vs = append(vs, tie, tie+q/0x1p30, tie-q/0x1p30, k*q)
		}
	}
	for _, e := range []int{52, 53, 60, 62, 63, 64, 65, 100, 115, 116, 117, 500, 1000, 1023} {
		p := math.Ldexp(1, e)
		vs = append(vs, p, -p, p+math.Ldexp(1, e-52), -p-math.Ldexp(1, e-52), p-math.Ldexp(1, e-53))
	}
	for _, k := range targets {
		f := fxType(k)
		q := math.Ldexp(1, -f.FracBits())
		hi, lo := dtype.ToFloat(f, f.MaxRaw())+q, dtype.ToFloat(f, f.MinRaw())
		for _, v := range []float64{hi, lo} {
			vs = append(vs, v, v-q, v+q, v-q/2, v+q/2, v-q/4, v+q/4)
		}
	}
	rng := rand.New(rand.NewPCG(5, 2))
	for range 300 {
		v := math.Ldexp(1+rng.Float64(), rng.IntN(141)-70)
		if rng.IntN(2) == 0 {
			v = -v
		}
		vs = append(vs, v)
	}
	return vs
}

// TestLLVMFloatToFixed: casts from f64, f32 and f16 into fixed types of
// 1, 12, 40, 63 and 64 bits, signed and unsigned, in every rounding and
// overflow mode, equal dtype.FromFloat of the value bit for bit on the
// edge values of fxEdges.
func TestLLVMFloatToFixed(t *testing.T) {
	var targets []dtype.Kind
	for _, spec := range []string{"fixed<64,32", "fixed<64,0", "fixed<64,64", "fixed<64,1", "fixed<12,4", "ufixed<12,4",
		"ufixed<12,12", "fixed<40,20", "ufixed<63,10", "fixed<1,1", "fixed<1,0", "ufixed<1,0"} {
		targets = append(targets, fxWithModes(t, spec)...)
	}
	vals := fxEdges(targets)
	var outs []fxOut
	for _, to := range targets {
		to := to
		outs = append(outs, fxOut{to, fmt.Sprintf("cast<%v>(x0[i])", to), func(i int) any {
			r, _ := dtype.FromFloat(fxType(to), vals[i])
			return r
		}})
	}
	for _, to := range append(fxWithModes(t, "fixed<12,4"), fxWithModes(t, "fixed<64,32")...) {
		to := to
		outs = append(outs, fxOut{to, fmt.Sprintf("cast<%v>(cast<f32>(x0[i]))", to), func(i int) any {
			r, _ := dtype.FromFloat(fxType(to), float64(float32(vals[i])))
			return r
		}}, fxOut{to, fmt.Sprintf("cast<%v>(cast<f16>(x0[i]))", to), func(i int) any {
			r, _ := dtype.FromFloat(fxType(to), dtype.RoundFloat(dtype.F16, vals[i], false))
			return r
		}})
	}
	fxRun(t, "float_to_fixed", len(vals), []fxIn{fxF64(vals)}, outs)
}
