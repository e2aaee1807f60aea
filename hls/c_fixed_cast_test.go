package hls

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// cfxEdgeFloats are doubles at the edges of the targets: NaN, ±Inf, ±0,
// subnormals, ties and near-ties in units of each target's last place,
// values just in and out of range, huge magnitudes, and random ones.
func cfxEdgeFloats(targets []dtype.Fixed, rng *rand.Rand) []float64 {
	v := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		5e-324, -5e-324, 0x1p-1022, -0x1p-1022, math.MaxFloat64, -math.MaxFloat64, 1e300, -1e300}
	near := func(x float64) {
		v = append(v, x, -x, math.Nextafter(x, math.Inf(1)), math.Nextafter(x, math.Inf(-1)))
	}
	for _, p := range []int{52, 53, 62, 63, 64, 65, 70, 100, 1023} {
		near(math.Ldexp(1, p))
		near(math.Ldexp(1.5, p))
	}
	for _, f := range targets {
		ulp := math.Ldexp(1, -f.FracBits())
		for n := -4.0; n <= 4; n++ {
			near(n * ulp)
			near((n + 0.5) * ulp)
		}
		for _, r := range []int64{f.MinRaw(), f.MaxRaw()} {
			for _, d := range []float64{-1, -0.5, 0, 0.5, 1} {
				near((float64(r) + d) * ulp)
			}
		}
	}
	for range 400 {
		m := rng.Float64()*2 - 1
		v = append(v, math.Ldexp(m, rng.IntN(200)-100))
	}
	return v
}

// TestCFixedFromFloat: f64, f32 and f16 values to fixed kinds of 1, 12,
// 33, 63 and 64 bits in every mode, against dtype.FromFloat.
func TestCFixedFromFloat(t *testing.T) {
	var targets []dtype.Fixed
	for _, f := range []dtype.Fixed{{W: 64, I: 10}, {W: 64, I: 64}, {W: 64, I: 0}, {W: 63, I: 20, Unsigned: true},
		{W: 12, I: 4}, {W: 12, I: 12, Unsigned: true}, {W: 33, I: 3}, {W: 1, I: 1}, {W: 1, I: 0, Unsigned: true}} {
		targets = append(targets, cfxModes(f)...)
	}
	vals := cfxEdgeFloats(targets, rand.New(rand.NewPCG(5, 1)))
	shape := []int{len(vals)}
	in := []cfxIn{{"a", cfxArray(dtype.F64, shape, func(n int) float64 { return vals[n] }, nil)}}
	var outs []cfxOut
	for ti, to := range targets {
		want := func(round func(float64) float64) *dtype.Array {
			return cfxArray(cfxKind(to), shape, nil, func(n int) int64 { r, _ := dtype.FromFloat(to, round(vals[n])); return r })
		}
		outs = append(outs, cfxOut{fmt.Sprintf("d%d", ti), fmt.Sprintf("cast<%v>(a[i])", to), want(func(x float64) float64 { return x })})
		if to.W == 12 || to.W == 64 && to.I == 10 {
			outs = append(outs,
				cfxOut{fmt.Sprintf("s%d", ti), fmt.Sprintf("cast<%v>(cast<f32>(a[i]))", to),
					want(func(x float64) float64 { return float64(float32(x)) })},
				cfxOut{fmt.Sprintf("h%d", ti), fmt.Sprintf("cast<%v>(cast<f16>(a[i]))", to),
					want(func(x float64) float64 { return dtype.RoundFloat(dtype.F16, x, false) })})
		}
	}
	cfxRun(t, "fx_from_float", shape, in, outs)
}

// cfxRandomRaws are raws of f: the extremes, small ones, and random ones
// whose low bits sit at and around half of a double's last place (ties of
// the conversion to double when W > 53).
func cfxRandomRaws(f dtype.Fixed, n int, rng *rand.Rand) []int64 {
	raws := []int64{f.MinRaw(), f.MaxRaw(), 0, 1, f.MinRaw() + 1, f.MaxRaw() - 1}
	if f.Signed() {
		raws = append(raws, -1, -2)
	}
	for len(raws) < n {
		r := rng.Uint64()
		if sh := f.W - 53; sh > 1 && len(raws)%2 == 0 { // the bits a double drops from a full-width raw
			half := uint64(1) << (sh - 1)
			r = r&^(1<<sh-1) | []uint64{half, half - 1, half + 1, 0}[len(raws)/2%4]
		}
		raws = append(raws, dtype.WrapRaw(f, int64(r)))
	}
	return raws
}

// TestCFixedToFloat: raws of 60- and 64-bit kinds (not exact in a double)
// and a 12-bit one to f64, f32, f16, bf16 and f8e4m3fn, against
// dtype.ToFloat rounded to the kind.
func TestCFixedToFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	froms := []dtype.Fixed{{W: 60, I: 20}, {W: 64, I: 64}, {W: 64, I: 0}, {W: 63, I: 3, Unsigned: true}, {W: 12, I: 4}}
	const n = 512
	var ins []cfxIn
	var outs []cfxOut
	for fi, f := range froms {
		raws := cfxRandomRaws(f, n, rng)
		ins = append(ins, cfxIn{fmt.Sprintf("r%d", fi), cfxArray(cfxKind(f), []int{n}, nil, func(i int) int64 { return raws[i] })})
		for _, k := range []dtype.Kind{dtype.F64, dtype.F32, dtype.F16, dtype.BF16, dtype.F8E4M3FN} {
			want := cfxArray(k, []int{n}, func(i int) float64 {
				return dtype.RoundFloat(k, dtype.ToFloat(f, raws[i]), false)
			}, nil)
			outs = append(outs, cfxOut{fmt.Sprintf("y%d_%v", fi, k), fmt.Sprintf("cast<%v>(r%d[i])", k, fi), want})
		}
	}
	cfxRun(t, "fx_to_float", []int{n}, ins, outs)
}

// cfxEdgeInts are 64-bit patterns: small numbers, powers of two and their
// neighbours, the extremes, and random ones.
func cfxEdgeInts(n int, rng *rand.Rand) []uint64 {
	v := []uint64{0, 1, 2, 3, math.MaxUint64, math.MaxUint64 - 1, 1 << 63, 1<<63 - 1, 1<<63 + 1}
	for p := 1; p < 64 && len(v) < n/2; p += 3 {
		for _, d := range []int64{-1, 0, 1} {
			v = append(v, uint64(int64(1)<<p+d), uint64(-(int64(1)<<p)+d))
		}
	}
	for len(v) < n {
		v = append(v, rng.Uint64()>>rng.IntN(64))
	}
	return v
}

// TestCFixedFromInt: integers of several kinds (u64 beyond 2^63 and
// sub-byte included) and bools to fixed kinds, wrapping and saturating,
// against dtype.Convert of the exact integer.
func TestCFixedFromInt(t *testing.T) {
	const n = 256
	bits := cfxEdgeInts(n, rand.New(rand.NewPCG(7, 1)))
	var targets []dtype.Fixed
	for _, f := range []dtype.Fixed{{W: 16, I: 6}, {W: 64, I: 64}, {W: 64, I: 1}, {W: 8, I: 8}, {W: 63, I: 63, Unsigned: true},
		{W: 10, I: 4, Unsigned: true}, {W: 40, I: 20}} {
		for _, o := range []dtype.Overflow{dtype.Wrap, dtype.Saturate} {
			f.Overflow = o
			targets = append(targets, f)
		}
	}
	var ins []cfxIn
	var outs []cfxOut
	for si, k := range []dtype.Kind{dtype.I64, dtype.U64, dtype.I8, dtype.U32, dtype.I4, dtype.Bool} {
		src := cfxArray(k, []int{n}, nil, func(i int) int64 { return cfxWrapInt(k, bits[i]) })
		ins = append(ins, cfxIn{fmt.Sprintf("a%d", si), src})
		from := cIntAsFixed(k)
		for ti, to := range targets {
			want := cfxArray(cfxKind(to), []int{n}, nil, func(i int) int64 {
				r, _ := dtype.Convert(from, to, cfxWrapInt(k, bits[i]))
				return r
			})
			outs = append(outs, cfxOut{fmt.Sprintf("y%d_%d", si, ti), fmt.Sprintf("cast<%v>(a%d[i])", to, si), want})
		}
	}
	cfxRun(t, "fx_from_int", []int{n}, ins, outs)
}

// cfxWrapInt is the pattern u as a value of the integer kind k (u64: its
// bits as an int64; bool: its low bit).
func cfxWrapInt(k dtype.Kind, u uint64) int64 {
	switch k.Class() {
	case dtype.ClassBool:
		return int64(u & 1)
	case dtype.ClassUint:
		return int64(dtype.WrapUint(k, u))
	}
	return dtype.WrapInt(k, int64(u))
}

// TestCFixedToInt: every raw of two 12-bit kinds and random raws of a
// 64-bit one to integer kinds and bool: the floor, wrapped as an i64 cast
// wraps.
func TestCFixedToInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	froms := []dtype.Fixed{{W: 12, I: 4}, {W: 12, I: 8, Unsigned: true}, {W: 64, I: 40}}
	const n = 4096
	var ins []cfxIn
	var outs []cfxOut
	for fi, f := range froms {
		raws := cfxRandomRaws(f, n, rng)
		if f.W == 12 {
			raws = cfxRaws(f)
		}
		ins = append(ins, cfxIn{fmt.Sprintf("r%d", fi), cfxArray(cfxKind(f), []int{n}, nil, func(i int) int64 { return raws[i] })})
		for _, k := range []dtype.Kind{dtype.I8, dtype.U8, dtype.I64, dtype.U64, dtype.I4, dtype.U4, dtype.I32, dtype.U16, dtype.Bool} {
			want := cfxArray(k, []int{n}, nil, func(i int) int64 {
				if k == dtype.Bool {
					return cfxWrapInt(k, cfxBool(raws[i] != 0))
				}
				return cfxWrapInt(k, uint64(raws[i]>>f.FracBits()))
			})
			outs = append(outs, cfxOut{fmt.Sprintf("y%d_%v", fi, k), fmt.Sprintf("cast<%v>(r%d[i])", k, fi), want})
		}
	}
	cfxRun(t, "fx_to_int", []int{n}, ins, outs)
}

func cfxBool(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// TestCFixedConvert: fixed → fixed between wide kinds, shifts from −64 to
// +64 bits, in every mode, against dtype.Convert.
func TestCFixedConvert(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	froms := []dtype.Fixed{{W: 64, I: 0}, {W: 64, I: 64}, {W: 64, I: 32}, {W: 63, I: 10, Unsigned: true}, {W: 7, I: 3}}
	var targets []dtype.Fixed
	for _, f := range []dtype.Fixed{{W: 64, I: 64}, {W: 64, I: 0}, {W: 16, I: 6}, {W: 12, I: 4, Unsigned: true}, {W: 40, I: 1}} {
		targets = append(targets, cfxModes(f)...)
	}
	const n = 512
	var ins []cfxIn
	var outs []cfxOut
	for fi, f := range froms {
		raws := cfxRandomRaws(f, n, rng)
		for i := n / 2; i < 3*n/4; i++ { // small values, whose rounding is visible in narrow targets
			raws[i] = dtype.WrapRaw(f, int64(rng.IntN(1<<12))-1<<11)
		}
		ins = append(ins, cfxIn{fmt.Sprintf("r%d", fi), cfxArray(cfxKind(f), []int{n}, nil, func(i int) int64 { return raws[i] })})
		for ti, to := range targets {
			want := cfxArray(cfxKind(to), []int{n}, nil, func(i int) int64 { r, _ := dtype.Convert(f, to, raws[i]); return r })
			outs = append(outs, cfxOut{fmt.Sprintf("y%d_%d", fi, ti), fmt.Sprintf("cast<%v>(r%d[i])", to, fi), want})
		}
	}
	cfxRun(t, "fx_convert", []int{n}, ins, outs)
}
