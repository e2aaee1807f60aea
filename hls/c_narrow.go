package hls

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// The helpers of narrow floats and sub-byte integers, by name: rounding a
// double to each narrow float kind (as dtype.RoundFloat does; see
// narrow.go), converting a 64-bit integer to a double rounded to odd, and
// wrapping an integer to each sub-byte width.

func cRoundName(k dtype.Kind) string { return "kiln_round_" + k.String() }

func cWrapName(k dtype.Kind) string { return "kiln_wrap_" + k.String() }

// cAddNarrowHelpers adds the helpers of this file to h.
func cAddNarrowHelpers(h map[string]string) {
	for k, f := range narrowFormats {
		h[cRoundName(k)] = cRoundFormat(k, f)
	}
	h[cRoundName(dtype.F8E8M0)] = fmt.Sprintf(`/* v rounded to f8e8m0 as ir/loop/exec rounds it: 2^ceil(log2 v); zero, negative
 * values, NaN, infinities and powers beyond 2^%d .. 2^%d give NaN. */
static inline float %s(double v)
{
	union { double d; uint64_t u; } x;
	uint64_t be;
	int64_t e;
	x.d = v;
	be = x.u >> 52; /* with the sign bit: at least 2048 for negative values */
	e = (int64_t)be - 1023 + ((x.u & ((UINT64_C(1) << 52) - 1)) != 0);
	if (be == 0 || be >= 2047 || e < %d || e > %d)
		return NAN;
	x.u = (uint64_t)(e + 1023) << 52;
	return (float)x.d;
}
`, e8m0MinExp, e8m0MaxExp, cRoundName(dtype.F8E8M0), e8m0MinExp, e8m0MaxExp)
	for _, signed := range []bool{true, false} {
		h[cOddName(signed)] = cOddCode(signed)
	}
	for _, k := range []dtype.Kind{dtype.I4, dtype.U4, dtype.I2, dtype.U2} {
		mask, half := 1<<k.Bits()-1, 1<<(k.Bits()-1)
		if k.Class() == dtype.ClassUint {
			h[cWrapName(k)] = fmt.Sprintf("/* v wrapped to %d bits. */\nstatic inline uint8_t %s(uint32_t v)\n{\n\treturn (uint8_t)(v & %d);\n}\n",
				k.Bits(), cWrapName(k), mask)
			continue
		}
		h[cWrapName(k)] = fmt.Sprintf("/* v wrapped to %d bits, sign-extended. */\nstatic inline int8_t %s(uint32_t v)\n{\n\tv &= %d;\n\treturn (int8_t)(v >= %d ? (int)v - %d : (int)v);\n}\n",
			k.Bits(), cWrapName(k), mask, half, 2*half)
	}
}

// cRoundFormat is the rounding helper of a narrow format.
func cRoundFormat(k dtype.Kind, f narrowFormat) string {
	nan := "neg ? -NAN : NAN"
	switch {
	case f.noNaN:
		nan = "-0.0f"
	case f.uz:
		nan = "NAN"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* v rounded to %v as ir/loop/exec rounds it (dtype.RoundFloat without saturation):\n", k)
	sb.WriteString(" * to nearest even at the quantum 2^(e-" + fmt.Sprint(f.man) + "), e the exponent clamped to [" +
		fmt.Sprint(f.emin) + ", " + fmt.Sprint(f.eclamp()) + "],\n * by adding and subtracting 2^52 quanta in double. */\n")
	fmt.Fprintf(&sb, "static inline float %s(double v)\n{\n", cRoundName(k))
	sb.WriteString("\tunion { double d; uint64_t u; } x, c;\n\tint neg;\n\tint64_t e;\n\tdouble r;\n")
	sb.WriteString("\tif (v != v)\n")
	fmt.Fprintf(&sb, "\t\treturn %s;\n", strings.ReplaceAll(nan, "neg", "signbit(v)"))
	sb.WriteString("\tx.d = v;\n\tneg = (int)(x.u >> 63);\n\tx.u &= UINT64_C(0x7fffffffffffffff);\n")
	sb.WriteString("\te = (int64_t)(x.u >> 52) - 1023;\n")
	fmt.Fprintf(&sb, "\tif (e < %d)\n\t\te = %d;\n\tif (e > %d)\n\t\te = %d;\n", f.emin, f.emin, f.eclamp(), f.eclamp())
	fmt.Fprintf(&sb, "\tc.u = (uint64_t)(e + %d) << 52;\n", 1023+52-f.man)
	sb.WriteString("\tr = (x.d + c.d) - c.d;\n")
	fmt.Fprintf(&sb, "\tif (r > %s)\n\t\tr = %s;\n", cFloat(f.max, false), cFloat(f.overflow(), false))
	if f.uz {
		sb.WriteString("\tif (r == 0)\n\t\treturn 0.0f; /* no -0 */\n")
	}
	sb.WriteString("\treturn (float)(neg ? -r : r);\n}\n")
	return sb.String()
}

func cOddName(signed bool) string {
	if signed {
		return "kiln_i64_to_f64_odd"
	}
	return "kiln_u64_to_f64_odd"
}

// cOddCode converts a 64-bit integer to double exactly enough for every
// narrow float: a magnitude of more than 53 bits keeps bits 11 and up,
// bit 11 set when any lower bit is (rounding to odd; narrow kinds round at
// bit 42 or above there), as ir/loop/exec converts.
func cOddCode(signed bool) string {
	t, mag := "uint64_t", "v"
	if signed {
		t, mag = "int64_t", "(v < 0 ? -(uint64_t)v : (uint64_t)v)"
	}
	sign := "d"
	if signed {
		sign = "v < 0 ? -d : d"
	}
	return fmt.Sprintf(`/* v as a double rounded to odd beyond 53 bits, so that rounding it again to a
 * narrow float gives v correctly rounded. */
static inline double %s(%s v)
{
	uint64_t u = %s;
	double d;
	if (u >= (UINT64_C(1) << 53))
		u = (u & ~UINT64_C(0x7ff)) | ((u & 0x7ff) != 0 ? 0x800 : 0);
	d = (double)u;
	return %s;
}
`, cOddName(signed), t, mag, sign)
}
