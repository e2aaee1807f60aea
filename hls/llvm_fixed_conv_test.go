package hls

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// fxConvN is the length of the conversion test's inputs: a sweep of every
// 12-bit raw.
const fxConvN = 4096

// fxConvInputs are the inputs of TestLLVMFixedConvert: integers, bool and
// fixed raws, edges first, then random bits (seeded), each input a kind
// and a generator of element i.
func fxConvInputs(t *testing.T) []fxIn {
	rng := rand.New(rand.NewPCG(5, 3))
	edges := []int64{0, 1, -1, 2, -2, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1,
		1 << 40, -1 << 40, 1<<53 + 1, -(1<<53 + 1), 1<<59 - 1, -1 << 59, 1 << 62, -1 << 62, 0x0123456789abcdef}
	gen := func(k dtype.Kind, fn func(i int, r int64) int64) fxIn {
		raws := make([]int64, fxConvN)
		for i := range raws {
			r := int64(rng.Uint64())
			if i < len(edges) {
				r = edges[i]
			}
			raws[i] = fn(i, r)
		}
		return fxRaws(k, raws)
	}
	wrap := func(spec string) (dtype.Kind, func(i int, r int64) int64) {
		k := fxKind(t, spec)
		return k, func(_ int, r int64) int64 { return dtype.WrapRaw(fxType(k), r) }
	}
	sweep := func(spec string) (dtype.Kind, func(i int, r int64) int64) {
		k := fxKind(t, spec)
		return k, func(i int, _ int64) int64 { return dtype.WrapRaw(fxType(k), int64(i)) }
	}
	return []fxIn{
		gen(dtype.I64, func(_ int, r int64) int64 { return r }),                                // x0
		gen(dtype.U64, func(_ int, r int64) int64 { return r }),                                // x1
		gen(dtype.I8, func(i int, _ int64) int64 { return int64(int8(i)) }),                    // x2
		gen(dtype.Bool, func(i int, _ int64) int64 { return int64(i & 1) }),                    // x3
		gen(dtype.U4, func(i int, _ int64) int64 { return int64(i & 15) }),                     // x4
		gen(wrap("fixed<60,10>")),                                                              // x5
		gen(wrap("ufixed<60,3>")),                                                              // x6
		gen(sweep("fixed<12,4>")),                                                              // x7
		gen(wrap("fixed<64,0>")),                                                               // x8
		gen(wrap("fixed<64,64>")),                                                              // x9
		gen(sweep("fixed<8,0>")),                                                               // x10
		gen(sweep("ufixed<8,0>")),                                                              // x11
		gen(sweep("fixed<1,1>")),                                                               // x12
		gen(dtype.I4, func(i int, _ int64) int64 { return dtype.WrapInt(dtype.I4, int64(i)) }), // x13
	}
}

// fxValue is the exact number held by element i of in, as a fixed type
// with no fraction bits (u64 as the unsigned 64-bit type dtype accepts)
// and its raw.
func fxValue(in fxIn, i int) (dtype.Fixed, int64) {
	if f, ok := in.kind.Fixed(); ok {
		return f, in.vals.I64[i]
	}
	switch in.kind.Class() {
	case dtype.ClassUint:
		return dtype.Fixed{W: 64, I: 64, Unsigned: true}, int64(in.vals.U64[i])
	case dtype.ClassBool:
		if in.vals.Bool[i] {
			return dtype.Fixed{W: 64, I: 64}, 1
		}
		return dtype.Fixed{W: 64, I: 64}, 0
	}
	return dtype.Fixed{W: 64, I: 64}, in.vals.I64[i]
}

// fxFloor is floor(value) of raw in f: the raw shifted right by F.
func fxFloor(f dtype.Fixed, raw int64) int64 {
	switch n := f.FracBits(); {
	case n >= 64:
		return raw >> 63
	case f.Unsigned:
		return int64(uint64(raw) >> n)
	default:
		return raw >> n
	}
}

// fxConvOut is the output cast<to>(x<j>[i]) with its reference.
func fxConvOut(ins []fxIn, j int, to dtype.Kind) fxOut {
	in := ins[j]
	return fxOut{to, fmt.Sprintf("cast<%v>(x%d[i])", to, j), func(i int) any {
		f, raw := fxValue(in, i)
		switch {
		case to.IsFixed():
			r, _ := dtype.Convert(f, fxType(to), raw)
			return r
		case to == dtype.Bool:
			return raw != 0
		case to.IsFloat():
			return dtype.RoundFloat(to, dtype.ToFloat(f, raw), false)
		case to.Class() == dtype.ClassUint:
			return dtype.WrapUint(to, uint64(fxFloor(f, raw)))
		}
		return dtype.WrapInt(to, fxFloor(f, raw))
	}}
}

// TestLLVMFixedConvert: casts of integers and bool into fixed types (the
// exact integer, rounded and overflowed as a number), of fixed values to
// f64, f32 and narrow floats (W = 60 and 64 raws need rounding), to
// integers (floor, then wrapped as from i64) and bool, and between fixed
// types in every mode (F moving by up to 64 bits either way), equal the
// dtype reference bit for bit.
func TestLLVMFixedConvert(t *testing.T) {
	ins := fxConvInputs(t)
	k := func(spec string) dtype.Kind { return fxKind(t, spec) }
	casts := map[int][]dtype.Kind{
		5:  {dtype.F64, dtype.F32, dtype.F16, dtype.BF16, dtype.I64, dtype.I8, dtype.U8, dtype.U64, dtype.I4, dtype.U2, dtype.Bool, k("fixed<64,40,rne,sat>"), k("ufixed<20,8,rnd,sat>")},
		6:  {dtype.F64, dtype.F32, dtype.U64, dtype.I8, k("fixed<8,8,rne>"), k("ufixed<63,2,rnd,sat>"), k("fixed<60,3,sat>")},
		7:  {dtype.F64, dtype.F8E4M3FN, dtype.I8, dtype.U8, dtype.I16},
		8:  {dtype.F64, dtype.F32, dtype.I64, k("fixed<1,1,rnd>"), k("fixed<2,1,rne,sat>")},
		9:  {dtype.F64, k("fixed<64,0,sat>"), k("fixed<64,0>"), k("fixed<64,32,sat>"), k("ufixed<40,40,sat>")},
		10: {dtype.I8, dtype.U64, dtype.F32},
		11: {dtype.U8, dtype.I64, dtype.Bool},
		12: {dtype.I8, dtype.U64, dtype.Bool, dtype.F32, k("fixed<3,1,sat>"), k("ufixed<4,4,sat>"), k("fixed<4,0,sat>")},
	}
	for j := range 5 {
		casts[j] = []dtype.Kind{k("fixed<12,4>"), k("fixed<12,4,trn,sat>"), k("fixed<64,32>"), k("fixed<64,32,rne,sat>"),
			k("fixed<64,0,sat>"), k("fixed<64,0>"), k("fixed<64,64>"), k("ufixed<63,60,sat>"), k("ufixed<8,5>")}
	}
	casts[13] = casts[0]
	for _, j := range []int{5, 6, 7, 8, 9} {
		for _, spec := range []string{"fixed<12,4", "fixed<64,64", "fixed<64,1", "ufixed<6,2"} {
			casts[j] = append(casts[j], fxWithModes(t, spec)...)
		}
	}
	var outs []fxOut
	for j := range ins {
		for _, to := range casts[j] {
			if to != ins[j].kind {
				outs = append(outs, fxConvOut(ins, j, to))
			}
		}
	}
	fxRun(t, "fixed_convert", fxConvN, ins, outs)
}
