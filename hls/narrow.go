package hls

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// narrowFormat is what rounding to a float kind narrower than f32 needs:
// the mantissa bits, the smallest normal exponent, the largest finite
// value and what overflow and NaN give. The numbers are dtype's
// (ir/dtype/float_narrow.go, from IEEE 754, the bfloat16 definition and
// ONNX's technical-float8.md and technical-float4.md); TestNarrowRound
// checks the emitted rounding against dtype.RoundFloat.
type narrowFormat struct {
	man, emin int
	max       float64
	inf       bool // has infinities: overflow gives ±inf (else NaN)
	uz        bool // no −0 and one NaN: −0 rounds to +0, NaN is positive
	noNaN     bool // E2M1: NaN gives −0
	sat       bool // E2M1: overflow gives ±max
}

var narrowFormats = map[dtype.Kind]narrowFormat{
	dtype.F16:        {man: 10, emin: -14, max: 65504, inf: true},
	dtype.BF16:       {man: 7, emin: -126, max: 0x1.fep127, inf: true},
	dtype.F8E4M3FN:   {man: 3, emin: -6, max: 448},
	dtype.F8E4M3FNUZ: {man: 3, emin: -7, max: 240, uz: true},
	dtype.F8E5M2:     {man: 2, emin: -14, max: 57344, inf: true},
	dtype.F8E5M2FNUZ: {man: 2, emin: -15, max: 57344, uz: true},
	dtype.F4E2M1:     {man: 1, emin: 0, max: 6, noNaN: true, sat: true},
}

// isNarrow reports whether k is a float kind stored as a float holding a
// value of k (f16, bf16, the float8s, f4e2m1, f8e8m0).
func isNarrow(k dtype.Kind) bool {
	return k.Class() == dtype.ClassFloat && k != dtype.F32
}

// isSubByte reports whether k is an integer kind narrower than 8 bits,
// stored in a byte and wrapped after each operation.
func isSubByte(k dtype.Kind) bool { return k.IsInt() && k.Bits() < 8 }

// eclamp is the largest exponent the rounding computes a quantum for: one
// above the largest finite value's, so that everything at or above it
// overflows.
func (f narrowFormat) eclamp() int {
	_, e := math.Frexp(f.max)
	return e
}

// overflow is what a magnitude beyond max rounds to.
func (f narrowFormat) overflow() float64 {
	switch {
	case f.sat:
		return f.max
	case f.inf:
		return math.Inf(1)
	}
	return math.NaN()
}

// e8m0 limits (ONNX technical-float8.md): powers of two 2^-127 … 2^127.
const (
	e8m0MinExp = -127
	e8m0MaxExp = 127
)

// How the rounding helpers (kiln.round.<kind> in LLVM IR, kiln_round_<kind>
// in C) round: a double a ≥ 0 rounds to a multiple of the quantum
// q = 2^(e−man), ties to even, as (a + C) − C with C = 2^52·q in double
// arithmetic: the sum lies in [2^52·q, 2^53·q), whose spacing is q. e is
// a's exponent, clamped below to emin (subnormals have a fixed quantum)
// and above to eclamp. Then a result above max overflows, the sign is put
// back (not on the zero of a uz kind) and NaN becomes the kind's.
