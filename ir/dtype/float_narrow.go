package dtype

import (
	"fmt"
	"math"
)

// format describes a binary floating-point format narrower than f32: an
// optional sign bit, exp exponent bits, man mantissa bits and bias. Sources:
// IEEE 754 (f16), the bfloat16 definition, ONNX technical-float8.md
// (E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ, E8M0) and technical-float4.md (E2M1).
type format struct {
	exp, man, bias int
	inf            bool    // has infinities (all-ones exponent, zero mantissa)
	uz             bool    // "unsigned zero": no -0, the pattern 1000…0 is the only NaN
	nan            uint32  // positive NaN pattern (the NaN ONNX writes)
	max            float64 // largest finite value
	noNaN          bool    // E2M1: no NaN at all
	satAlways      bool    // conversions always saturate (E2M1)
	satNever       bool    // saturate does not apply: overflow gives infinity (f16, bf16)
}

var formats = map[Kind]*format{
	F16:        {exp: 5, man: 10, bias: 15, inf: true, nan: 0x7e00, max: 65504, satNever: true},
	BF16:       {exp: 8, man: 7, bias: 127, inf: true, nan: 0x7fc0, max: 0x1.fep127, satNever: true},
	F8E4M3FN:   {exp: 4, man: 3, bias: 7, nan: 0x7f, max: 448},
	F8E4M3FNUZ: {exp: 4, man: 3, bias: 8, uz: true, nan: 0x80, max: 240},
	F8E5M2:     {exp: 5, man: 2, bias: 15, inf: true, nan: 0x7e, max: 57344},
	F8E5M2FNUZ: {exp: 5, man: 2, bias: 16, uz: true, nan: 0x80, max: 57344},
	F4E2M1:     {exp: 2, man: 1, bias: 1, noNaN: true, max: 6, satAlways: true},
}

// bits is the width of an encoded value, sign included.
func (f *format) bits() uint { return uint(1 + f.exp + f.man) }

// roundMag rounds a finite positive magnitude to the format's precision
// (ties to even), ignoring the top of the range.
func (f *format) roundMag(a float64) float64 {
	if a == 0 {
		return 0
	}
	_, e := math.Frexp(a) // a = fr * 2^e, fr in [0.5, 1)
	e--                   // a in [2^e, 2^(e+1))
	if emin := 1 - f.bias; e < emin {
		e = emin // subnormal: fixed quantum
	}
	q := math.Ldexp(1, e-f.man)
	return math.RoundToEven(a/q) * q
}

// round implements RoundFloat for one narrow format.
func (f *format) round(v float64, saturate bool) float64 {
	sat := (saturate && !f.satNever) || f.satAlways
	neg := math.Signbit(v)
	sign := func(x float64) float64 {
		if neg && !(f.uz && x == 0) && !(f.uz && math.IsNaN(x)) {
			return -x
		}
		return x
	}
	switch {
	case math.IsNaN(v):
		if f.noNaN {
			// technical-float4.md's table says 6, but ONNX's own backend
			// tests (test_cast_FLOAT_to_FLOAT4E2M1, made with ml_dtypes)
			// expect -0, the pattern 0x8; kiln follows the tests.
			return math.Copysign(0, -1)
		}
		return sign(math.NaN())
	case math.IsInf(v, 0):
		switch {
		case sat:
			return sign(f.max)
		case f.inf:
			return sign(math.Inf(1))
		}
		return sign(math.NaN())
	}
	r := f.roundMag(math.Abs(v))
	if r > f.max {
		switch {
		case sat:
			r = f.max
		case f.inf:
			r = math.Inf(1)
		default:
			r = math.NaN()
		}
	}
	return sign(r)
}

// encode returns the bit pattern of v (rounded first, without saturation).
func (f *format) encode(v float64) uint32 {
	v = f.round(v, false)
	signBit := uint32(1) << (f.bits() - 1)
	var s uint32
	if math.Signbit(v) {
		s = signBit
	}
	expMask := uint32(1)<<f.exp - 1
	switch {
	case math.IsNaN(v):
		return s | f.nan
	case math.IsInf(v, 0):
		return s | expMask<<f.man
	case v == 0:
		return s
	}
	a := math.Abs(v)
	_, e := math.Frexp(a)
	e--
	if emin := 1 - f.bias; e < emin {
		return s | uint32(math.Ldexp(a, f.bias-1+f.man)) // subnormal
	}
	m := uint32(math.Ldexp(a, f.man-e)) - uint32(1)<<f.man
	return s | uint32(e+f.bias)<<f.man | m
}

// decode returns the value of a bit pattern.
func (f *format) decode(b uint32) float64 {
	b &= uint32(1)<<f.bits() - 1
	signBit := uint32(1) << (f.bits() - 1)
	neg := b&signBit != 0
	b &^= signBit
	expMask := uint32(1)<<f.exp - 1
	e := int(b >> f.man & expMask)
	m := b & (uint32(1)<<f.man - 1)
	var v float64
	switch {
	case f.uz && neg && b == 0:
		return math.NaN()
	case f.inf && uint32(e) == expMask:
		if m == 0 {
			v = math.Inf(1)
		} else {
			v = math.NaN()
		}
	case !f.inf && !f.uz && !f.noNaN && uint32(e) == expMask && m == uint32(1)<<f.man-1:
		v = math.NaN() // E4M3FN: S.1111.111
	case e == 0:
		v = math.Ldexp(float64(m), 1-f.bias-f.man)
	default:
		v = math.Ldexp(float64(m|uint32(1)<<f.man), e-f.bias-f.man)
	}
	if neg {
		v = -v
	}
	return v
}

// roundNarrow rounds v to a float kind narrower than f32 (see RoundFloat).
func roundNarrow(k Kind, v float64, saturate bool) float64 {
	if k == F8E8M0 {
		return RoundE8M0(v, "up", saturate)
	}
	f, ok := formats[k]
	if !ok {
		panic(fmt.Sprintf("dtype.RoundFloat: %v is not a float kind", k))
	}
	return f.round(v, saturate)
}

// E8M0 limits (ONNX technical-float8.md, "E8M0"): 2^-127 .. 2^127, no zero,
// no sign, 0xff is NaN.
const (
	e8m0MinExp = -127
	e8m0MaxExp = 127
	e8m0NaN    = 0xff
)

// RoundE8M0 converts v to float8e8m0, a power of two, with Cast's
// round_mode: "up" rounds non-powers of two up (away from zero), "down"
// rounds them down, "nearest" to the nearer power with ties (in the
// mantissa) up. Zero, negative values and values beyond the range become
// the smallest/largest power with saturate and NaN without (ONNX Cast's
// E8M0 table); NaN stays NaN.
func RoundE8M0(v float64, mode string, saturate bool) float64 {
	if math.IsNaN(v) || v < 0 || (v == 0 && !saturate) {
		return math.NaN()
	}
	if math.IsInf(v, 1) {
		if saturate {
			return math.Ldexp(1, e8m0MaxExp)
		}
		return math.NaN()
	}
	e := e8m0MinExp - 1 // zero: below the range
	if v > 0 {
		fr, ex := math.Frexp(v) // v = fr * 2^ex, fr in [0.5, 1)
		e = ex - 1
		mant := 2 * fr // in [1, 2)
		switch mode {
		case "down":
		case "nearest":
			if mant >= 1.5 {
				e++
			}
		default: // "up"
			if mant > 1 {
				e++
			}
		}
	}
	switch {
	case e < e8m0MinExp:
		if !saturate {
			return math.NaN()
		}
		e = e8m0MinExp
	case e > e8m0MaxExp:
		if !saturate {
			return math.NaN()
		}
		e = e8m0MaxExp
	}
	return math.Ldexp(1, e)
}

// EncodeBits returns the bit pattern of v in a float kind of 16 bits or
// fewer (f32: the IEEE bits); v is rounded to the kind first (ties to even,
// no saturation) if it is not representable. It panics on other kinds.
func EncodeBits(k Kind, v float32) uint32 {
	switch k {
	case F32:
		return math.Float32bits(v)
	case F8E8M0:
		r := RoundE8M0(float64(v), "nearest", false)
		if math.IsNaN(r) {
			return e8m0NaN
		}
		_, e := math.Frexp(r)
		return uint32(e - 1 - e8m0MinExp)
	}
	f, ok := formats[k]
	if !ok {
		panic(fmt.Sprintf("dtype.EncodeBits: %v is not a narrow float kind", k))
	}
	return f.encode(float64(v))
}

// DecodeBits returns the value of the bit pattern bits in a float kind of 16
// bits or fewer (f32: IEEE bits); bits above the kind's width are ignored.
// It panics on other kinds.
func DecodeBits(k Kind, bits uint32) float32 {
	switch k {
	case F32:
		return math.Float32frombits(bits)
	case F8E8M0:
		b := bits & 0xff
		if b == e8m0NaN {
			return float32(math.NaN())
		}
		return float32(math.Ldexp(1, int(b)+e8m0MinExp))
	}
	f, ok := formats[k]
	if !ok {
		panic(fmt.Sprintf("dtype.DecodeBits: %v is not a narrow float kind", k))
	}
	return float32(f.decode(bits))
}
