package hls

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// The helpers are small static functions a kernel's .c defines when it
// uses them, where C's own operators or libm leave exec's result undefined
// or to the library.

var cIntKinds = []dtype.Kind{dtype.I8, dtype.I16, dtype.I32, dtype.I64, dtype.U8, dtype.U16, dtype.U32, dtype.U64}

// cHelpers is every helper's code by name (built once, read only).
var cHelpers = cBuildHelpers()

func cBuildHelpers() map[string]string {
	h := map[string]string{}
	for _, k := range []dtype.Kind{dtype.F32, dtype.F64} {
		t := cType(k)
		for _, op := range []loop.BinOp{loop.Min, loop.Max} {
			cmp, zero := "<", "signbit(a)"
			if op == loop.Max {
				cmp, zero = ">", "!signbit(a)"
			}
			h[cFloatMinMax(op, k)] = fmt.Sprintf(`/* %v as ir/loop/exec computes it: a NaN operand gives the other one; %s. */
static inline %s %s(%s a, %s b)
{
	if (a != a)
		return b;
	if (b != b || a %s b || (a == b && %s))
		return a;
	return b;
}
`, op, map[loop.BinOp]string{loop.Min: "-0 is below +0", loop.Max: "+0 is above -0"}[op], t, cFloatMinMax(op, k), t, t, cmp, zero)
		}
		for _, to := range cIntKinds {
			h[cFloatToInt(k, to)] = fmt.Sprintf(`/* (%v) x as ir/loop/exec computes it: truncated toward zero and wrapped to %d bits;
 * NaN, infinities and values beyond 64 bits give INT64_MIN, wrapped. */
static inline %s %s(%s x)
{
	if (x >= -0x1p63 && x < 0x1p63)
		return (%s)(int64_t)x;
	if (x >= 0 && x < 0x1p64)
		return (%s)(uint64_t)x;
	return (%s)INT64_MIN;
}
`, to, to.Bits(), cType(to), cFloatToInt(k, to), t, cType(to), cType(to), cType(to))
		}
	}
	for _, k := range cIntKinds {
		t := cType(k)
		for _, op := range []loop.BinOp{loop.Min, loop.Max} {
			cmp := "b < a"
			if op == loop.Max {
				cmp = "b >= a"
			}
			h[cIntMinMax(op, k)] = fmt.Sprintf("static inline %s %s(%s a, %s b)\n{\n\treturn %s ? b : a;\n}\n",
				t, cIntMinMax(op, k), t, t, cmp)
		}
		if k.Class() != dtype.ClassInt {
			continue
		}
		h[cIntAbs(k)] = fmt.Sprintf("/* |a|, wrapped: the most negative value stays itself. */\nstatic inline %s %s(%s a)\n{\n\treturn a < 0 ? (%s)-(%s)a : a;\n}\n",
			t, cIntAbs(k), t, t, cWide(k))
		h[cIntDivRem(loop.Div, k)] = fmt.Sprintf("/* a / b truncated toward zero; MIN / -1 wraps to MIN instead of trapping. */\nstatic inline %s %s(%s a, %s b)\n{\n\treturn b == -1 ? (%s)-(%s)a : a / b;\n}\n",
			t, cIntDivRem(loop.Div, k), t, t, t, cWide(k))
		h[cIntDivRem(loop.Rem, k)] = fmt.Sprintf("/* a %% b with the sign of a; MIN %% -1 is 0 instead of trapping. */\nstatic inline %s %s(%s a, %s b)\n{\n\treturn b == -1 ? 0 : a %% b;\n}\n",
			t, cIntDivRem(loop.Rem, k), t, t)
	}
	cAddNarrowHelpers(h)
	return h
}

// cHelperCode is the code of helper name; ok is false for libm functions.
func cHelperCode(name string) (string, bool) {
	s, ok := cHelpers[name]
	return s, ok
}

func cFloatMinMax(op loop.BinOp, k dtype.Kind) string {
	name := "kiln_f" + op.String()
	if cStorage(k) == dtype.F32 {
		name += "f"
	}
	return name
}

// The helpers' names; narrow floats and sub-byte integers use those of
// their storage kinds.

func cFloatToInt(from, to dtype.Kind) string {
	return fmt.Sprintf("kiln_%v_to_%v", cStorage(from), cStorage(to))
}

func cIntMinMax(op loop.BinOp, k dtype.Kind) string {
	return fmt.Sprintf("kiln_%v_%v", op, cStorage(k))
}

func cIntAbs(k dtype.Kind) string { return fmt.Sprintf("kiln_abs_%v", cStorage(k)) }

func cIntDivRem(op loop.BinOp, k dtype.Kind) string {
	return map[loop.BinOp]string{loop.Div: "kiln_div_", loop.Rem: "kiln_rem_"}[op] + cStorage(k).String()
}

// cReserved are the names a kernel's identifiers must not take: C99's
// keywords, the types, macros and functions the emitted code uses.
var cReserved = cReservedNames()

func cReservedNames() map[string]bool {
	words := strings.Fields(`auto break case char const continue default do double else enum extern
		float for goto if inline int long register restrict return short signed sizeof static struct
		switch typedef union unsigned void volatile while _Bool _Complex _Imaginary
		bool true false int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t
		INT8_MIN INT16_MIN INT32_MIN INT64_MIN INT64_C UINT64_C INFINITY NAN HUGE_VAL signbit
		fabs sqrt exp log tanh floor ceil rint pow fmod atan2 hypot fma copysign erf sin cos tan
		asin acos atan sinh cosh asinh acosh atanh exp2 expm1 log2 log10 log1p cbrt trunc round
		main errno math`)
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
		m[w+"f"] = true // the float variants (and harmless extras)
	}
	return m
}
