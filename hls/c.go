package hls

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// CFiles is one kernel as C99: Name is the C function's name and the
// files' base name (Name.c includes Name.h).
type CFiles struct {
	Name string
	C, H string
}

// EmitC returns kernel k as readable C99 computing what ir/loop/exec
// computes, bit for bit, when built with -ffp-contract=off on a target
// whose FLT_EVAL_METHOD is 0 (x86-64, AArch64):
//
//   - one void function with the LLVM emitter's signature: every input and
//     output parameter a flat row-major restrict pointer (const for
//     inputs), in the kernel's parameter order, scalars included (read as
//     x[0]);
//
//   - constants, parameters or not, are static const arrays (the LLVM
//     emitter's internal globals) whose values print as the shortest
//     decimals that read back exactly (C
//     rounds decimal literals correctly); temporaries are local arrays and
//     scalars, zeroed at each call as exec's are;
//
//   - loop variables are int32_t, named as in the IR with dots replaced by
//     underscores; an unroll directive becomes #pragma HLS unroll;
//
//   - f32 operations are written on float so each one rounds to float;
//     libm calls compute in double and round to float, (float)exp(x), as
//     exec does: the f-suffixed functions (expf, tanhf) are not correctly
//     rounded and differ from exec, and between C libraries, by an ulp or
//     two, which would break the bit-exact check of make csim (the LLVM IR
//     keeps expf, the hardware's function); min and max on floats are small
//     helpers (kiln_fminf, …) ordering −0 below +0, which C99's fminf
//     leaves to the library;
//
//   - integer arithmetic wraps explicitly: + − × and negation compute in
//     the unsigned type of the width (uint32_t up to 32 bits) and convert
//     back (gcc and clang define that conversion as modular); a signed
//     division or remainder by a non-constant divisor goes through a helper
//     that handles MIN / −1; float-to-integer casts go through helpers that
//     truncate and wrap as exec does. Dividing by zero is undefined in C
//     (exec reports it).
//
//   - narrow floats (f16, bf16, the float8s, f4e2m1, f8e8m0) are float
//     holding a value of their kind: each operation computes in float (libm
//     calls in double, as exec does) and its result is rounded by a helper
//     kiln_round_<kind>(double) written with integer bit operations (ties
//     to even, the kind's overflow, −0 and NaN rules); sub-byte integers
//     (i4, u4, i2, u2) are int8_t or uint8_t, wrapped to their width after
//     each operation by kiln_wrap_<kind>. Casts between every pair of kinds
//     are exec's: a 64-bit integer becomes a narrow float through a double
//     rounded to odd, so that it is rounded once.
//
//   - fixed-point values (fixed<W,I>, ufixed<W,I>) are their raws: int64_t
//     in expressions, where Add, Sub, Mul, Neg and Abs are exact int64_t
//     arithmetic; a buffer is an array of the smallest integer type
//     holding W bits (see cFixedType), its kind in a comment. Casts round
//     and overflow through kiln_fx_* helpers written with C99's defined
//     integer behaviour only, bit-exact with ir/dtype's Convert, FromFloat
//     and ToFloat (c_fixed.go, c_fixed_cast.go).
//
// k is verified first. EmitC is pure and deterministic.
func EmitC(k *loop.Kernel) (CFiles, error) {
	e, body, err := emitC(k)
	if err != nil {
		return CFiles{}, err
	}
	return CFiles{Name: e.fname, C: e.cFile(body), H: e.hFile()}, nil
}

// emitC emits k's function body; e holds its name, helpers and signature.
func emitC(k *loop.Kernel) (e *cEmitter, body string, err error) {
	if k == nil {
		return nil, "", errors.New("hls: c: nil kernel")
	}
	if err := loop.Verify(k); err != nil {
		return nil, "", fmt.Errorf("hls: c: %w", err)
	}
	e = newCEmitter(k)
	e.checkKinds()
	if len(e.errs) > 0 {
		return nil, "", errors.Join(e.errs...)
	}
	body = e.function()
	if len(e.errs) > 0 {
		return nil, "", errors.Join(e.errs...)
	}
	return e, body, nil
}

// cEmitter holds the state of one kernel's emission.
type cEmitter struct {
	k       *loop.Kernel
	fname   string
	bufName []string // C name of each buffer
	varName []string // C name of each loop variable
	isParam []bool
	used    map[string]bool   // C names taken
	helpers map[string]string // helper functions used, by name
	depth   []int             // nesting depth of each loop variable in scope
	rng     []cRange          // the range of each loop variable in scope
	errs    []error
}

func newCEmitter(k *loop.Kernel) *cEmitter {
	e := &cEmitter{k: k, used: map[string]bool{}, helpers: map[string]string{},
		bufName: make([]string, len(k.Buffers)), varName: make([]string, len(k.Vars)),
		isParam: make([]bool, len(k.Buffers)), depth: make([]int, len(k.Vars)), rng: make([]cRange, len(k.Vars))}
	e.fname = e.unique(k.Name)
	// Constants are never arguments, even when the IR lists them among the
	// parameters: like the LLVM emitter's internal globals, they are static
	// const arrays, so .c and .ll have one signature.
	for _, id := range k.Params {
		e.isParam[id] = k.Buffers[id].Role != loop.Constant
	}
	for i, b := range k.Buffers {
		e.bufName[i] = e.unique(b.Name)
	}
	byIR := map[string]string{} // sibling loops may share a name
	for i, v := range k.Vars {
		if n, ok := byIR[v.Name]; ok {
			e.varName[i] = n
			continue
		}
		e.varName[i] = e.unique(v.Name)
		byIR[v.Name] = e.varName[i]
	}
	return e
}

func (e *cEmitter) errorf(format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf("hls: c: kernel %s: "+format, append([]any{e.k.Name}, args...)...))
}

// unique turns an IR name into a C identifier not yet taken: dots become
// underscores, and a clash with a C keyword, a library name, a helper or an
// earlier name gets a numeric suffix.
func (e *cEmitter) unique(name string) string {
	s := strings.ReplaceAll(name, ".", "_")
	if strings.HasPrefix(s, "_") {
		s = "v" + s // leading underscores are the implementation's
	}
	base := s
	for n := 1; e.used[s] || cReserved[s] || strings.HasPrefix(s, "kiln_"); n++ {
		s = base + "_" + strconv.Itoa(n)
		if strings.HasPrefix(base, "kiln_") {
			s = "v_" + s
		}
	}
	e.used[s] = true
	return s
}

// checkKinds reports every buffer whose kind C cannot hold.
func (e *cEmitter) checkKinds() {
	for _, b := range e.k.Buffers {
		if err := cKindErr(b.Kind); err != "" {
			e.errorf("buffer %s: %s", b.Name, err)
		}
	}
}

// cKindErr says why kind k has no C type, or "" when it has one.
func cKindErr(k dtype.Kind) string {
	switch {
	case cType(k) != "":
		return ""
	case k.IsFixed():
		return fmt.Sprintf("kind %v is wider than 63 bits (an unsigned fixed raw must fit an int64_t)", k)
	}
	return fmt.Sprintf("kind %v is not supported", k)
}

// cType is the C type of kind k, or "" for kinds C does not hold. Narrow
// floats are float holding a value of their kind, sub-byte integers
// int8_t or uint8_t holding a value of theirs, fixed kinds integers
// holding their raws (cFixedType).
func cType(k dtype.Kind) string {
	if f, ok := k.Fixed(); ok {
		return cFixedType(f)
	}
	switch {
	case isNarrow(k):
		return "float"
	case isSubByte(k) && k.Class() == dtype.ClassUint:
		return "uint8_t"
	case isSubByte(k):
		return "int8_t"
	}
	switch k {
	case dtype.F32:
		return "float"
	case dtype.F64:
		return "double"
	case dtype.Bool:
		return "bool"
	case dtype.I8, dtype.I16, dtype.I32, dtype.I64:
		return "int" + strconv.Itoa(k.Bits()) + "_t"
	case dtype.U8, dtype.U16, dtype.U32, dtype.U64:
		return "uint" + strconv.Itoa(k.Bits()) + "_t"
	}
	return ""
}

// cStorage is the kind whose C arithmetic and helpers kind k uses: f32 for
// narrow floats, i8 or u8 for sub-byte integers, k itself otherwise.
func cStorage(k dtype.Kind) dtype.Kind {
	switch {
	case isNarrow(k):
		return dtype.F32
	case isSubByte(k) && k.Class() == dtype.ClassUint:
		return dtype.U8
	case isSubByte(k):
		return dtype.I8
	}
	return k
}

// cDescribe is a buffer's declaration as the IR prints it, without data.
func cDescribe(b *loop.Buffer) string {
	s := fmt.Sprintf("%v %s: %v", b.Role, b.Name, b.Kind)
	if b.Shape != nil {
		dims := make([]string, len(b.Shape))
		for i, d := range b.Shape {
			dims[i] = strconv.Itoa(d)
		}
		s += "[" + strings.Join(dims, ",") + "]"
	}
	if b.Space != loop.SpaceAuto {
		s += " " + b.Space.String()
	}
	for _, pt := range b.Partition {
		if pt.Scheme == loop.Complete {
			s += fmt.Sprintf(" partition(%v, dim %d)", pt.Scheme, pt.Dim)
		} else {
			s += fmt.Sprintf(" partition(%v, %d, dim %d)", pt.Scheme, pt.Factor, pt.Dim)
		}
	}
	return s
}

// signature is the function's prototype.
func (e *cEmitter) signature() string {
	var bufs []*loop.Buffer
	var names []string
	for _, id := range e.k.Params {
		if e.isParam[id] {
			bufs, names = append(bufs, e.k.Buffers[id]), append(names, e.bufName[id])
		}
	}
	return cPrototype(e.fname, bufs, names)
}

// cPrototype is "void name(…)" taking each buffer as a flat restrict
// pointer named names[i], const unless the buffer is an output.
func cPrototype(name string, bufs []*loop.Buffer, names []string) string {
	var params []string
	for i, b := range bufs {
		q := "const "
		if b.Role == loop.Output {
			q = ""
		}
		params = append(params, fmt.Sprintf("%s%s *restrict %s", q, cType(b.Kind), names[i]))
	}
	if len(params) == 0 {
		params = []string{"void"}
	}
	return fmt.Sprintf("void %s(%s)", name, strings.Join(params, ", "))
}

// paramDoc lists the parameters as the IR declares them.
func (e *cEmitter) paramDoc() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* %s: the loop IR kernel %s, generated by kiln.\n", e.fname, e.k.Name)
	for _, id := range e.k.Params {
		if e.isParam[id] {
			fmt.Fprintf(&sb, " *   %s\n", cDescribe(e.k.Buffers[id]))
		}
	}
	sb.WriteString(" * Arrays are flat and row-major. */\n")
	return sb.String()
}

func (e *cEmitter) hFile() string {
	guard := "KILN_" + strings.ToUpper(e.fname) + "_H"
	return fmt.Sprintf("#ifndef %s\n#define %s\n\n#include <stdbool.h>\n#include <stdint.h>\n\n%s%s;\n\n#endif /* %s */\n",
		guard, guard, e.paramDoc(), e.signature(), guard)
}

func (e *cEmitter) cFile(body string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* %s.c: the loop IR kernel %s in C99, generated by kiln.\n", e.fname, e.k.Name)
	sb.WriteString(" * Each float operation rounds to float (FLT_EVAL_METHOD 0, no contraction):\n")
	sb.WriteString(" * build with -ffp-contract=off to compute what ir/loop/exec computes. */\n")
	sb.WriteString("#pragma STDC FP_CONTRACT OFF\n\n")
	fmt.Fprintf(&sb, "#include <math.h>\n\n#include \"%s.h\"\n\n", e.fname)
	sb.WriteString(cHelperText(e.helpers))
	sb.WriteString(e.paramDoc())
	sb.WriteString(e.signature())
	sb.WriteString("\n{\n")
	sb.WriteString(body)
	sb.WriteString("}\n")
	return sb.String()
}

// cHelperText is the helpers' code, in the order of their names.
func cHelperText(helpers map[string]string) string {
	names := make([]string, 0, len(helpers))
	for n := range helpers {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, n := range names {
		sb.WriteString(helpers[n])
		sb.WriteString("\n")
	}
	return sb.String()
}
