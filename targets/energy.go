package targets

import (
	"fmt"
	"math"
	"slices"
)

// Energies per operation at 45 nm, 0.9 V, in pJ, from M. Horowitz,
// "Computing's energy problem (and what we can do about it)", ISSCC 2014,
// Figure 1.1.9: integer add 8 bits 0.03, 32 bits 0.1; integer multiply 8
// bits 0.2, 32 bits 3.1; float add 16 bits 0.4, 32 bits 0.9; float
// multiply 16 bits 1.1, 32 bits 3.7; 64-bit read of an 8 KB SRAM 10.
const (
	eIntAdd8, eIntAdd32 = 0.03, 0.1
	eIntMul8, eIntMul32 = 0.2, 3.1
	eFPAdd16, eFPAdd32  = 0.4, 0.9
	eFPMul16, eFPMul32  = 1.1, 3.7
	eSRAM64             = 10.0
)

// between interpolates two of Horowitz's points at widths w0 < w1 by the
// power law through them, E(b) = e0·(b/w0)^α with α = log(e1/e0)/log(w1/w0),
// also beyond them (an extrapolation for 1, 16 and 64 bits integers and
// 64-bit floats).
func between(e0, e1 float64, w0, w1, b int) float64 {
	alpha := math.Log(e1/e0) / math.Log(float64(w1)/float64(w0))
	return e0 * math.Pow(float64(b)/float64(w0), alpha)
}

func intAdd(b int) float64 { return between(eIntAdd8, eIntAdd32, 8, 32, b) }
func intMul(b int) float64 { return between(eIntMul8, eIntMul32, 8, 32, b) }
func fpAdd(b int) float64  { return between(eFPAdd16, eFPAdd32, 16, 32, b) }
func fpMul(b int) float64  { return between(eFPMul16, eFPMul32, 16, 32, b) }

// mantissa is the significand width with the hidden bit.
func mantissa(b int) int {
	switch {
	case b <= 16:
		return 11
	case b <= 32:
		return 24
	}
	return 53
}

// energy45 is operation k's dynamic energy at 45 nm and how it was
// obtained. Interpolation by width follows the power law through
// Horowitz's two points of the same kind (between). Operations he gives
// no figure for are marked assumptions: bitwise, shift, compare, min,
// max, select, negate, abs and integer casts cost an add of the width (an
// upper bound for the bitwise ones); integer and float division cost one
// add of the (mantissa) width per quotient bit (a restoring divider); a
// float cast costs a float add; a libm function costs a float add times
// its unit's area over the soft-float adder's (addArea; energy taken to
// follow the logic exercised); a load or store of b bits costs b/64 of the
// 64-bit SRAM read (writes taken equal to reads).
func energy45(k OpKey, area, addArea float64) (float64, string) {
	b := k.Bits
	if k.Type == "float" {
		if i := slices.IndexFunc(floatBits, func(w int) bool { return w >= b }); i >= 0 {
			b = floatBits[i]
		}
	}
	switch {
	case k.Op == "load" || k.Op == "store":
		return eSRAM64 * float64(b) / 64, fmt.Sprintf("Horowitz 8 KB SRAM 64-bit read × %d/64 (assumption: per bit, writes as reads)", b)
	case k.Type != "float" && k.Op == "mul":
		return intMul(b), "Horowitz int mult, power law by width"
	case k.Type != "float" && (k.Op == "div" || k.Op == "rem"):
		return float64(b) * intAdd(b), fmt.Sprintf("assumption: %d int adds of %d bits (restoring divider)", b, b)
	case k.Type != "float" && (k.Op == "add" || k.Op == "sub"):
		return intAdd(b), "Horowitz int add, power law by width"
	case k.Type != "float" || floatOther[k.Op] != "":
		return intAdd(b), fmt.Sprintf("assumption: an int add of %d bits", b)
	case k.Op == "add" || k.Op == "sub" || k.Op == "cast":
		return fpAdd(b), "Horowitz fp add, power law by width" + map[bool]string{true: "; cast as an add (assumption)"}[k.Op == "cast"]
	case k.Op == "mul":
		return fpMul(b), "Horowitz fp mult, power law by width"
	case k.Op == "fma":
		return fpMul(b) + fpAdd(b), "Horowitz fp mult + fp add, power law by width"
	case k.Op == "div":
		m := mantissa(b)
		return float64(m) * intAdd(m), fmt.Sprintf("assumption: %d int adds of %d bits (restoring mantissa divider)", m, m)
	}
	if addArea <= 0 {
		return fpAdd(b), "assumption: a float add (no adder area to scale by)"
	}
	r := area / addArea
	return r * fpAdd(b), fmt.Sprintf("assumption: fp add × %.3g (the unit's area over the soft-float adder's)", r)
}
