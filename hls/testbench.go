package hls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// TBParam is one pointer argument of the function under test, in argument order.
type TBParam struct {
	Name   string       // the argument's name (comments, messages)
	Kind   dtype.Kind   // element kind; the C type is cType(Kind) (fixed: raw integers)
	Len    int          // element count (rank 0: 1)
	In     *dtype.Array // values the testbench passes; nil: zeros (a pure output)
	Golden *dtype.Array // expected contents after the call; nil: not checked (a pure input)

	// File, when set, is the name of a data file (under the data folder,
	// see EmitTestbench) the testbench loads this argument from before
	// the call, instead of an initializer: a weight the top takes as a
	// pointer. In must hold its values (the XML testbench lists them and
	// Testbench.Data holds the file's bytes).
	File string
}

// Testbench is the test files of one function (a kernel or the top).
type Testbench struct {
	C      string            // testbench/<fname>_tb.c
	XML    string            // testbench/<fname>.xml
	Golden map[string][]byte // "golden/<fname>.P<i>.bin" → expected bytes of argument i
	Data   map[string][]byte // "data/<File>" → the bytes of each argument loaded from a file
}

// EmitTestbench returns the testbench of function fname (its C and LLVM
// name), whose pointer arguments are params in order; header is the path
// of fname's C header as the testbench includes it, relative to the
// testbench/ folder ("../<fname>.h").
//
// C is the testbench in the form Bambu 2024.x prefers for .ll inputs: one
// static array per argument, named P0, P1, … as Bambu names the
// parameters of an .ll function, of the argument's C type (cType: fixed
// kinds as raw integers, narrow floats as float) and full length (an
// empty argument is one element, allocated as 0 bytes); inputs hold their
// values exactly (floats as %.9g with an f suffix, doubles as %.17g,
// ±infinity and NaN as math.h's INFINITY and NAN, so a NaN keeps its sign
// but not its payload), the others are zeros. main calls
// m_param_alloc(i, sizeof(Pi)) for every argument, calls fname and returns
// 0. It includes Bambu's <mdpi/mdpi_user.h> unless built with -DKILN_CSIM.
//
// Built with -DKILN_CSIM (gcc -std=c99 -ffp-contract=off -DKILN_CSIM, for
// make csim), m_param_alloc does nothing and after the call main compares
// each argument that has a Golden with the file
// <dir>/<fname>.P<i>.bin, where dir is the environment variable
// KILN_GOLDEN_DIR if set, else the macro KILN_GOLDEN_DIR, else "golden"
// (relative to the working directory, the project root). Elements must be
// bit-exact; float elements may also both be NaNs. It prints
// "csim <fname>: OK (<n> outputs, <m> elements bit-exact)" and returns 0;
// on a mismatch it prints up to 5 lines naming argument, index, got and
// want, then "csim <fname>: FAIL (…)" and returns 1; a missing golden file
// or one of the wrong size returns 2 with a message.
//
// XML is Bambu's fallback testbench (--generate-tb=<fname>.xml): one
// <testbench> element whose attributes P0, P1, … hold every argument in
// full as "{v0,v1,…}" (zeros for outputs), floats as %.9g without a suffix
// (exact whether a reader takes them as float or as double first),
// doubles as %.17g, and non-finite values as INFINITY, -INFINITY, NAN and
// -NAN: both strtod and a C compiler with math.h read those.
//
// Golden holds, for each argument with a Golden, the raw little-endian
// bytes of its C storage type, keyed "golden/<fname>.P<i>.bin".
//
// An argument with a File (a weight passed as a pointer) has no
// initializer: before the m_param_alloc calls, in both builds, main reads
// its bytes (raw little-endian values of its C type, as the golden files)
// from <data>/<File>, where data is the environment variable
// KILN_DATA_DIR if set, else the macro KILN_DATA_DIR, else "data"; a
// missing file or one of the wrong size makes main print a message and
// return 2. Data holds those bytes, keyed "data/<File>". Several
// testbenches may name the same file (a weight the top and a kernel
// take): its bytes are the same.
//
// Errors, all reported at once: fname not a C identifier or one the
// testbench uses, a header path that is empty, absolute or holds quotes,
// backslashes or control characters, a kind C cannot hold, a negative Len,
// an array whose kind or length is not its argument's, an element that is
// not a value of its kind. EmitTestbench is pure and deterministic.
func EmitTestbench(fname, header string, params []TBParam) (Testbench, error) {
	errs := tbCheckNames(fname, header)
	for i := range params {
		errs = append(errs, tbCheckParam(i, &params[i])...)
	}
	if len(errs) > 0 {
		return Testbench{}, errors.Join(errs...)
	}
	tb := Testbench{C: tbCFile(fname, header, params), XML: tbXMLFile(params), Golden: map[string][]byte{}, Data: map[string][]byte{}}
	for i, p := range params {
		if p.Golden != nil {
			tb.Golden[fmt.Sprintf("golden/%s.P%d.bin", fname, i)] = tbBytes(p.Golden)
		}
		if p.File != "" {
			tb.Data["data/"+p.File] = tbBytes(p.In)
		}
	}
	return tb, nil
}

// tbUsed are the names the testbench's own code declares or uses, which
// the function under test must not have.
var tbUsed = strings.Fields(`main printf fprintf snprintf sprintf puts putchar fputs fwrite fopen
	fread fclose fseek ftell rewind remove rename perror scanf sscanf stdin stdout stderr FILE
	size_t NULL EOF abs labs llabs div exit atexit abort free malloc calloc realloc getenv atoi
	atol strtod strtol qsort bsearch rand srand system memcmp memcpy memset memmove strlen strcmp
	strcpy m_param_alloc`)

// tbCheckNames checks the function's name and the header's path.
func tbCheckNames(fname, header string) []error {
	var errs []error
	switch {
	case !tbIdent(fname):
		errs = append(errs, fmt.Errorf("hls: testbench: function name %q is not a C identifier", fname))
	case cReserved[fname] || strings.HasPrefix(fname, "kiln_") || tbIsPName(fname) || tbIsUsed(fname):
		errs = append(errs, fmt.Errorf("hls: testbench: function name %q is taken by C or by the testbench", fname))
	}
	bad := header == "" || strings.HasPrefix(header, "/") || strings.HasPrefix(header, "<")
	for _, r := range header {
		bad = bad || r < ' ' || r > '~' || r == '"' || r == '\\'
	}
	if bad {
		errs = append(errs, fmt.Errorf("hls: testbench: %s: bad header path %q (want a relative path such as \"../%s.h\")", fname, header, fname))
	}
	return errs
}

func tbIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

// tbIsPName reports whether s is P followed by digits, an argument's name.
func tbIsPName(s string) bool {
	_, err := strconv.ParseUint(strings.TrimPrefix(s, "P"), 10, 64)
	return strings.HasPrefix(s, "P") && err == nil
}

func tbIsUsed(s string) bool {
	for _, u := range tbUsed {
		if s == u {
			return true
		}
	}
	return false
}

// tbCheckParam checks argument i: its kind, length and arrays.
func tbCheckParam(i int, p *TBParam) []error {
	where := fmt.Sprintf("hls: testbench: P%d (%s)", i, tbSafe(p.Name))
	if err := cKindErr(p.Kind); err != "" {
		return []error{fmt.Errorf("%s: %s", where, err)}
	}
	var errs []error
	if p.Len < 0 {
		errs = append(errs, fmt.Errorf("%s: negative length %d", where, p.Len))
	}
	for _, a := range []struct {
		what string
		arr  *dtype.Array
	}{{"input", p.In}, {"golden", p.Golden}} {
		if a.arr == nil {
			continue
		}
		if err := tbCheckArray(a.arr, p.Kind, p.Len); err != "" {
			errs = append(errs, fmt.Errorf("%s: %s array: %s", where, a.what, err))
		}
	}
	if err := tbCheckFile(p); err != "" {
		errs = append(errs, fmt.Errorf("%s: data file %q: %s", where, tbSafe(p.File), err))
	}
	return errs
}

// tbCheckArray says what is wrong with array a for an argument of kind k
// and n elements, or "".
func tbCheckArray(a *dtype.Array, k dtype.Kind, n int) string {
	if a.Kind != k {
		return fmt.Sprintf("kind %v, the argument's is %v", a.Kind, k)
	}
	size := 1
	for _, d := range a.Shape {
		if d < 0 {
			return fmt.Sprintf("bad shape %v", a.Shape)
		}
		size *= d
	}
	if size != n {
		return fmt.Sprintf("shape %v holds %d elements, the argument has %d", a.Shape, size, n)
	}
	if got := tbStorageLen(a); got != n {
		return fmt.Sprintf("holds %d values for %d elements", got, n)
	}
	for j := range n {
		if !tbValid(a, j) {
			return fmt.Sprintf("element %d (%s) is not a value of %v", j, tbAppendValue(nil, a, j, false), k)
		}
	}
	return ""
}

// tbStorageLen is the length of the slice holding a's elements.
func tbStorageLen(a *dtype.Array) int {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		return len(a.F32)
	case dtype.ClassDouble:
		return len(a.F64)
	case dtype.ClassInt, dtype.ClassFixed:
		return len(a.I64)
	case dtype.ClassUint:
		return len(a.U64)
	case dtype.ClassBool:
		return len(a.Bool)
	}
	return -1
}

// tbValid reports whether element j is a value of a's kind: in its
// integer or raw range, or a narrow float its kind represents.
func tbValid(a *dtype.Array, j int) bool {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		v := float64(a.F32[j])
		r := dtype.RoundFloat(a.Kind, v, false)
		return math.Float64bits(r) == math.Float64bits(v) || math.IsNaN(r) && math.IsNaN(v)
	case dtype.ClassInt:
		return dtype.WrapInt(a.Kind, a.I64[j]) == a.I64[j]
	case dtype.ClassUint:
		return dtype.WrapUint(a.Kind, a.U64[j]) == a.U64[j]
	case dtype.ClassFixed:
		f, _ := a.Kind.Fixed()
		return dtype.WrapRaw(f, a.I64[j]) == a.I64[j]
	}
	return true
}

// tbSafe is s for a C comment or string literal: printable ASCII without
// quotes, backslashes, '*', '/' or '?' (no comment ends, no trigraphs).
func tbSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' || strings.ContainsRune("\"\\*/?", r) {
			return '_'
		}
		return r
	}, s)
}

// tbWidth is the bytes of one element of kind k in C (cType's size).
func tbWidth(k dtype.Kind) int {
	switch t := cType(k); t {
	case "float":
		return 4
	case "double":
		return 8
	case "bool":
		return 1
	default:
		bits, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(t, "u"), "int"), "_t"))
		return bits / 8
	}
}

// tbBytes is a's elements as their C type stores them, little-endian.
func tbBytes(a *dtype.Array) []byte {
	w := tbWidth(a.Kind)
	n := a.Len()
	out := make([]byte, 0, n*w+8)
	for j := range n {
		var v uint64
		switch a.Kind.Class() {
		case dtype.ClassFloat:
			v = uint64(math.Float32bits(a.F32[j]))
		case dtype.ClassDouble:
			v = math.Float64bits(a.F64[j])
		case dtype.ClassInt, dtype.ClassFixed:
			v = uint64(a.I64[j])
		case dtype.ClassUint:
			v = a.U64[j]
		case dtype.ClassBool:
			if a.Bool[j] {
				v = 1
			}
		}
		out = binary.LittleEndian.AppendUint64(out, v)[:len(out)+w]
	}
	return out
}

// tbAppendValue appends element j of a: in C syntax when c (floats with
// an f suffix, INT64_MIN and large unsigned values spelled so that C
// takes them without a warning), else as the XML testbench holds it.
func tbAppendValue(b []byte, a *dtype.Array, j int, c bool) []byte {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		return tbAppendFloat(b, float64(a.F32[j]), 32, c)
	case dtype.ClassDouble:
		return tbAppendFloat(b, a.F64[j], 64, c)
	case dtype.ClassInt, dtype.ClassFixed:
		if c && a.I64[j] == math.MinInt64 {
			return append(b, "INT64_MIN"...)
		}
		return strconv.AppendInt(b, a.I64[j], 10)
	case dtype.ClassUint:
		b = strconv.AppendUint(b, a.U64[j], 10)
		if c && a.U64[j] > math.MaxInt64 {
			b = append(b, 'u')
		}
		return b
	case dtype.ClassBool:
		if a.Bool[j] {
			return append(b, '1')
		}
		return append(b, '0')
	}
	return b
}

// tbAppendFloat appends v, a float (bits 32) or double (64): %.9g or
// %.17g, which read back exactly; in C with a point or exponent, and an f
// suffix for floats.
func tbAppendFloat(b []byte, v float64, bits int, c bool) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "INFINITY"...)
	case math.IsInf(v, -1):
		return append(b, "-INFINITY"...)
	case math.IsNaN(v) && math.Signbit(v):
		return append(b, "-NAN"...)
	case math.IsNaN(v):
		return append(b, "NAN"...)
	}
	prec := 9
	if bits == 64 {
		prec = 17
	}
	start := len(b)
	b = strconv.AppendFloat(b, v, 'g', prec, bits)
	if !c {
		return b
	}
	if !bytes.ContainsAny(b[start:], ".e") {
		b = append(b, ".0"...)
	}
	if bits == 32 {
		b = append(b, 'f')
	}
	return b
}

// tbRole says what the testbench does with an argument.
func tbRole(p *TBParam) string {
	switch {
	case p.File != "":
		return "weight, loaded from data/" + p.File + " before the call"
	case p.In != nil && p.Golden != nil:
		return "input, checked after the call"
	case p.In != nil:
		return "input"
	case p.Golden != nil:
		return "output (zeros before the call), checked after it"
	}
	return "zeros, not checked"
}

// tbCFile is the C testbench (see EmitTestbench).
func tbCFile(fname, header string, params []TBParam) string {
	b := fmt.Appendf(nil, "/* %s_tb.c: the testbench of %s, generated by kiln.\n", fname, fname)
	b = append(b, ` * Bambu: --generate-tb=<this file>; arguments P0, P1, ... are allocated with
 * m_param_alloc before the call. csim: build with -DKILN_CSIM (gcc -std=c99
 * -ffp-contract=off) and run from the project root: the outputs are compared
 * with the golden files (KILN_GOLDEN_DIR, default "golden") bit for bit. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

`...)
	b = fmt.Appendf(b, "#include \"%s\"\n\n", header)
	b = append(b, "#ifdef KILN_CSIM\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"...)
	b = fmt.Appendf(b, "#define KILN_TB_FNAME \"%s\"\n", fname)
	b = append(b, "#define m_param_alloc(i, size) ((void)(i), (void)(size))\n#else\n#include <mdpi/mdpi_user.h>\n#endif\n"...)
	b = tbAppendLoader(b, fname, params)
	golden := false
	for i := range params {
		b = tbAppendArray(b, i, &params[i])
		golden = golden || params[i].Golden != nil
	}
	b = append(b, "\n#ifdef KILN_CSIM\n"...)
	if golden {
		b = append(b, tbCheckC...)
	}
	b = tbAppendCsim(b, params)
	b = append(b, "#endif\n\nint main(void)\n{\n"...)
	b = tbAppendLoads(b, params)
	args := make([]string, len(params))
	for i, p := range params {
		args[i] = "P" + strconv.Itoa(i)
		if p.Len == 0 {
			b = fmt.Appendf(b, "\tm_param_alloc(%d, 0); /* empty */\n", i)
		} else {
			b = fmt.Appendf(b, "\tm_param_alloc(%d, sizeof(P%d));\n", i, i)
		}
	}
	b = fmt.Appendf(b, "\t%s(%s);\n#ifdef KILN_CSIM\n\treturn kiln_tb_csim();\n#else\n\treturn 0;\n#endif\n}\n",
		fname, strings.Join(args, ", "))
	return string(b)
}

// tbAppendArray appends argument i's static array, with its values when
// it is an input.
func tbAppendArray(b []byte, i int, p *TBParam) []byte {
	storage := cType(p.Kind)
	if p.Kind.IsFixed() {
		storage += " raws"
	}
	b = fmt.Appendf(b, "\n/* P%d: %s, %s[%d] (%s), %s */\n", i, tbSafe(p.Name), tbSafe(p.Kind.String()), p.Len, storage, tbRole(p))
	b = fmt.Appendf(b, "static %s P%d[%d]", cType(p.Kind), i, max(p.Len, 1))
	if p.In == nil || p.Len == 0 || p.File != "" {
		return append(b, ";\n"...)
	}
	b = append(b, " = {"...)
	for j := range p.Len {
		if j%8 == 0 {
			b = append(b, "\n\t"...)
		} else {
			b = append(b, ' ')
		}
		b = tbAppendValue(b, p.In, j, true)
		b = append(b, ',')
	}
	return append(b, "\n};\n"...)
}

// tbAppendCsim appends kiln_tb_csim, which checks every argument that has
// a golden file.
func tbAppendCsim(b []byte, params []TBParam) []byte {
	b = append(b, "\n/* kiln_tb_csim compares the outputs with the golden files: 0 when all are\n * bit-exact, 1 on a mismatch, 2 when a golden file is missing or short. */\n"...)
	b = append(b, "static int kiln_tb_csim(void)\n{\n\tint rc = 0;\n"...)
	outputs, elems := 0, 0
	for i, p := range params {
		if p.Golden == nil {
			continue
		}
		outputs++
		elems += p.Len
		class, frac := tbClass(p.Kind)
		b = fmt.Appendf(b, "\trc = kiln_tb_max(rc, kiln_tb_check(%d, \"%s\", P%d, %d, sizeof P%d[0], '%c', %d));\n",
			i, tbSafe(p.Name), i, p.Len, i, class, frac)
	}
	b = fmt.Appendf(b, "\tif (rc == 0)\n\t\tprintf(\"csim \" KILN_TB_FNAME \": OK (%d outputs, %d elements bit-exact)\\n\");\n", outputs, elems)
	if outputs > 0 {
		b = fmt.Appendf(b, "\telse if (kiln_tb_bad > 0)\n\t\tprintf(\"csim \" KILN_TB_FNAME \": FAIL (%%lu of %d elements differ)\\n\", kiln_tb_bad);\n", elems)
	}
	return append(b, "\treturn rc;\n}\n"...)
}

// tbClass is how the testbench compares and prints elements of kind k:
// 'f' floating (float or double), 'b' bool, 'i' or 'u' a signed or
// unsigned integer, 'x' or 'y' a signed or unsigned fixed raw with frac
// fraction bits.
func tbClass(k dtype.Kind) (class byte, frac int) {
	if f, ok := k.Fixed(); ok {
		if strings.HasPrefix(cType(k), "u") {
			return 'y', f.FracBits()
		}
		return 'x', f.FracBits()
	}
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return 'f', 0
	case dtype.ClassBool:
		return 'b', 0
	case dtype.ClassUint:
		return 'u', 0
	}
	return 'i', 0
}

// tbXMLFile is the XML testbench (see EmitTestbench).
func tbXMLFile(params []TBParam) string {
	b := append([]byte(nil), "<?xml version=\"1.0\"?>\n<function>\n  <testbench"...)
	for i, p := range params {
		b = fmt.Appendf(b, " P%d=\"{", i)
		for j := range p.Len {
			if j > 0 {
				b = append(b, ',')
			}
			if p.In == nil {
				b = append(b, '0')
			} else {
				b = tbAppendValue(b, p.In, j, false)
			}
		}
		b = append(b, "}\""...)
	}
	return string(append(b, "/>\n</function>\n"...))
}

// tbCheckC is the C that compares one argument with its golden file.
const tbCheckC = `
#ifndef KILN_GOLDEN_DIR
#define KILN_GOLDEN_DIR "golden"
#endif

/* kiln_tb_bad counts the elements that differ from their golden values. */
static unsigned long kiln_tb_bad;

static int kiln_tb_max(int a, int b) { return a > b ? a : b; }

/* kiln_tb_nan reports whether element e, a float (w 4) or a double, is a NaN. */
static int kiln_tb_nan(const unsigned char *e, size_t w)
{
	uint32_t u;
	uint64_t v;
	if (w == 4) {
		memcpy(&u, e, 4);
		return (u & 0x7fffffffu) > 0x7f800000u;
	}
	memcpy(&v, e, 8);
	return (v & UINT64_C(0x7fffffffffffffff)) > UINT64_C(0x7ff0000000000000);
}

/* kiln_tb_int reads a w-byte integer, signed unless u. */
static long long kiln_tb_int(const unsigned char *e, size_t w, int u)
{
	int8_t s8; int16_t s16; int32_t s32; int64_t s64;
	uint8_t u8; uint16_t u16; uint32_t u32;
	switch (w) {
	case 1: memcpy(&s8, e, 1); memcpy(&u8, e, 1); return u ? u8 : s8;
	case 2: memcpy(&s16, e, 2); memcpy(&u16, e, 2); return u ? u16 : s16;
	case 4: memcpy(&s32, e, 4); memcpy(&u32, e, 4); return u ? (long long)u32 : s32;
	}
	memcpy(&s64, e, 8);
	return s64;
}

/* kiln_tb_show prints element e (w bytes) of class c (see kiln_tb_check). */
static void kiln_tb_show(const unsigned char *e, size_t w, char c, int frac)
{
	float f; double d; uint32_t u32; uint64_t u64; long long v; double s = 1; int k;
	if (c == 'f' && w == 4) {
		memcpy(&f, e, 4); memcpy(&u32, e, 4);
		printf("%.9g (0x%08lx)", (double)f, (unsigned long)u32);
	} else if (c == 'f') {
		memcpy(&d, e, 8); memcpy(&u64, e, 8);
		printf("%.17g (0x%016llx)", d, (unsigned long long)u64);
	} else if (c == 'u' && w == 8) {
		memcpy(&u64, e, 8);
		printf("%llu", (unsigned long long)u64);
	} else {
		v = kiln_tb_int(e, w, c == 'u' || c == 'b' || c == 'y');
		printf("%lld", v);
		if (c == 'x' || c == 'y') {
			for (k = 0; k < frac; k++) s *= 0.5;
			for (k = 0; k > frac; k--) s *= 2;
			printf(" (raw of %.17g)", (double)v * s);
		}
	}
}

/* kiln_tb_check compares argument i, n elements of w bytes at got, with its
 * golden file: 0 when equal, 1 on a mismatch, 2 when the file is missing or
 * not n*w bytes long. Elements of class c 'f' (floating) are also equal when
 * both are NaNs; 'x' and 'y' (fixed raws with frac fraction bits) print
 * their values too. */
static int kiln_tb_check(int i, const char *name, const void *got, size_t n, size_t w, char c, int frac)
{
	const char *dir = getenv("KILN_GOLDEN_DIR");
	char path[4096];
	unsigned char *want;
	const unsigned char *g, *x;
	size_t size = n * w, nread, j;
	unsigned long bad = 0;
	FILE *f;
	snprintf(path, sizeof path, "%s/%s.P%d.bin", dir ? dir : KILN_GOLDEN_DIR, KILN_TB_FNAME, i);
	if (!(f = fopen(path, "rb"))) {
		fprintf(stderr, "csim " KILN_TB_FNAME ": P%d (%s): cannot open golden file %s\n", i, name, path);
		return 2;
	}
	want = malloc(size + 1);
	nread = want ? fread(want, 1, size + 1, f) : 0;
	fclose(f);
	if (nread != size || !want) {
		fprintf(stderr, "csim " KILN_TB_FNAME ": P%d (%s): golden file %s has %lu bytes, want %lu\n",
			i, name, path, (unsigned long)nread, (unsigned long)size);
		free(want);
		return 2;
	}
	for (j = 0; j < n; j++) {
		g = (const unsigned char *)got + j * w;
		x = want + j * w;
		if (memcmp(g, x, w) == 0 || (c == 'f' && kiln_tb_nan(g, w) && kiln_tb_nan(x, w)))
			continue;
		if (kiln_tb_bad + bad++ < 5) {
			printf("csim " KILN_TB_FNAME ": P%d (%s)[%lu]: got ", i, name, (unsigned long)j);
			kiln_tb_show(g, w, c, frac);
			printf(", want ");
			kiln_tb_show(x, w, c, frac);
			printf("\n");
		}
	}
	free(want);
	kiln_tb_bad += bad;
	return bad > 0;
}
`
