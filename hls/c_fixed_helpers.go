package hls

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// The fixed-point helpers. Each is self-contained (helpers are printed in
// the order of their names, so one may not call another) and uses only
// C99's defined integer behaviour: shifts of unsigned values, conversions
// of in-range values, and no >> or << on a negative number (C99 leaves
// those implementation-defined or undefined).

// cFixedHelpers is the code of the generic helpers, by name (read only).
var cFixedHelpers = cBuildFixedHelpers()

func cBuildFixedHelpers() map[string]string {
	h := map[string]string{
		"kiln_fx_shl": `/* v·2^n for a result the caller knows fits in int64_t, n in 1..63: shifted as a
 * magnitude in uint64_t, since << on a negative value is undefined in C99. */
static inline int64_t kiln_fx_shl(int64_t v, int n)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	m <<= n;
	return v < 0 ? -(int64_t)(m - 1) - 1 : (int64_t)m;
}
`,
		"kiln_fx_sat_shl": `/* v·2^n saturated to [lo, hi] (lo <= 0 <= hi), n in 1..64 (dtype.Convert's Saturate). */
static inline int64_t kiln_fx_sat_shl(int64_t v, int n, int64_t lo, int64_t hi)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t lim = v < 0 ? (uint64_t)0 - (uint64_t)lo : (uint64_t)hi;
	if (n >= 64 ? m != 0 : m > lim >> n)
		return v < 0 ? lo : hi;
	m <<= n;
	return v < 0 ? -(int64_t)(m - 1) - 1 : (int64_t)m;
}
`,
		"kiln_fx_sat_shlu": `/* u·2^n saturated to hi >= 0, n in 0..64, for a u64 value. */
static inline int64_t kiln_fx_sat_shlu(uint64_t u, int n, int64_t hi)
{
	if (n >= 64 ? u != 0 : u > (uint64_t)hi >> n)
		return hi;
	return (int64_t)(u << n);
}
`,
		"kiln_fx_sat": `/* v clamped to [lo, hi] (Saturate). */
static inline int64_t kiln_fx_sat(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}
`,
		"kiln_fx_wrap": `/* The low w bits of u, sign-extended, w in 1..64 (Wrap to a signed type). */
static inline int64_t kiln_fx_wrap(uint64_t u, int w)
{
	uint64_t mask = ~UINT64_C(0) >> (64 - w);
	u &= mask;
	return u >> (w - 1) ? -(int64_t)(mask - u) - 1 : (int64_t)u;
}
`,
		"kiln_fx_wrapu": `/* The low w bits of u, w in 1..63 (Wrap to an unsigned type). */
static inline int64_t kiln_fx_wrapu(uint64_t u, int w)
{
	return (int64_t)(u & (~UINT64_C(0) >> (64 - w)));
}
`,
		"kiln_fx_abs": "/* |a|, exact (its type is one bit wider). */\nstatic inline int64_t kiln_fx_abs(int64_t a)\n{\n\treturn a < 0 ? -a : a;\n}\n",
		"kiln_fx_min": "static inline int64_t kiln_fx_min(int64_t a, int64_t b)\n{\n\treturn b < a ? b : a;\n}\n",
		"kiln_fx_max": "static inline int64_t kiln_fx_max(int64_t a, int64_t b)\n{\n\treturn b > a ? b : a;\n}\n",
	}
	for r := dtype.Truncate; r <= dtype.RoundHalfEven; r++ {
		h["kiln_fx_shr_"+r.String()] = cShrCode(r)
	}
	return h
}

// cShrCode is the helper rounding v·2^−n to an integer in mode r, n in
// 1..64: q = ⌊v·2^−n⌋ (for v < 0 from ~u = −v−1, which is not negative),
// rem the n bits shifted out, then rem against half, 2^(n−1), as dtype's
// roundShr.
func cShrCode(r dtype.Rounding) string {
	what := map[dtype.Rounding]string{dtype.Truncate: "toward -infinity (trn)",
		dtype.RoundHalfUp: "to nearest, ties toward +infinity (rnd)", dtype.RoundHalfEven: "to nearest, ties to even (rne)"}[r]
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* v*2^-n rounded %s, n in 1..64. */\n", what)
	fmt.Fprintf(&sb, "static inline int64_t kiln_fx_shr_%v(int64_t v, int n)\n{\n", r)
	floor := "v < 0 ? -(int64_t)(~u >> n) - 1 : (int64_t)(u >> n)"
	if r == dtype.Truncate {
		sb.WriteString("\tuint64_t u = (uint64_t)v;\n")
		sb.WriteString("\tif (n >= 64)\n\t\treturn v < 0 ? -1 : 0;\n")
		sb.WriteString("\treturn " + floor + ";\n}\n")
		return sb.String()
	}
	sb.WriteString("\tuint64_t u = (uint64_t)v, rem = u, half = UINT64_C(1) << (n - 1);\n\tint64_t q;\n")
	sb.WriteString("\tif (n >= 64) {\n\t\tq = v < 0 ? -1 : 0;\n\t} else {\n")
	sb.WriteString("\t\tq = " + floor + ";\n")
	sb.WriteString("\t\trem = u & ((UINT64_C(1) << n) - 1);\n\t}\n")
	up := "rem >= half"
	if r == dtype.RoundHalfEven {
		up = "rem > half || (rem == half && (q & 1) != 0)"
	}
	sb.WriteString("\treturn q + (" + up + ");\n}\n")
	return sb.String()
}

// cFromDoubleCode is the helper converting a double to a raw of f as
// dtype.FromFloat does: x = v·2^F (exact: F ≥ 0 only scales up), rounded
// to an integer r in f's mode, then r against f's range, exact powers of
// two; Saturate clamps (±Inf included), Wrap keeps the low W bits of r
// (fmod by 2^64 is exact) and gives 0 for ±Inf; NaN gives 0.
func cFromDoubleCode(name string, f dtype.Fixed) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* v as %v (dtype.FromFloat): v*2^%d rounded %s, then %s; NaN gives 0. */\n",
		f, f.FracBits(), map[dtype.Rounding]string{dtype.Truncate: "down", dtype.RoundHalfUp: "to nearest, ties up",
			dtype.RoundHalfEven: "to nearest even"}[f.Round],
		map[dtype.Overflow]string{dtype.Wrap: "wrapped to its low " + fmt.Sprint(f.W) + " bits", dtype.Saturate: "saturated"}[f.Overflow])
	fmt.Fprintf(&sb, "static inline int64_t %s(double v)\n{\n", name)
	if f.FracBits() == 0 {
		sb.WriteString("\tdouble x = v, r;\n")
	} else {
		fmt.Fprintf(&sb, "\tdouble x = v * 0x1p%d, r;\n", f.FracBits())
	}
	if f.Overflow == dtype.Wrap {
		sb.WriteString("\tuint64_t u;\n")
	}
	sb.WriteString("\tif (x != x)\n\t\treturn 0;\n")
	switch f.Round {
	case dtype.Truncate:
		sb.WriteString("\tr = floor(x);\n")
	case dtype.RoundHalfUp: // not floor(x + 0.5): that sum rounds above 2^52
		sb.WriteString("\tr = floor(x);\n\tif (x - r >= 0.5)\n\t\tr += 1;\n")
	case dtype.RoundHalfEven:
		sb.WriteString("\tr = rint(x); /* the default rounding mode: to nearest even */\n")
	}
	lo, hi := fmt.Sprintf("-0x1p%d", f.W-1), fmt.Sprintf("0x1p%d", f.W-1)
	if f.Unsigned {
		lo, hi = "0", fmt.Sprintf("0x1p%d", f.W)
	}
	if f.Overflow == dtype.Saturate {
		fmt.Fprintf(&sb, "\tif (r >= %s)\n\t\treturn %s;\n", hi, cInt64(f.MaxRaw()))
		fmt.Fprintf(&sb, "\tif (r < %s)\n\t\treturn %s;\n", lo, cInt64(f.MinRaw()))
		sb.WriteString("\treturn (int64_t)r;\n}\n")
		return sb.String()
	}
	fmt.Fprintf(&sb, "\tif (r >= %s && r < %s)\n\t\treturn (int64_t)r;\n", lo, hi)
	sb.WriteString("\tif (isinf(r))\n\t\treturn 0;\n")
	sb.WriteString("\tr = fmod(r, 0x1p64); /* exact */\n")
	sb.WriteString("\tif (r >= 0x1p63)\n\t\tr -= 0x1p64;\n\telse if (r < -0x1p63)\n\t\tr += 0x1p64;\n")
	mask := ^uint64(0) >> (64 - f.W)
	fmt.Fprintf(&sb, "\tu = (uint64_t)(int64_t)r & UINT64_C(%#x);\n", mask)
	if f.Unsigned {
		sb.WriteString("\treturn (int64_t)u;\n}\n")
		return sb.String()
	}
	fmt.Fprintf(&sb, "\treturn u >> %d ? -(int64_t)(UINT64_C(%#x) - u) - 1 : (int64_t)u;\n}\n", f.W-1, mask)
	return sb.String()
}
