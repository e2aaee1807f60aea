package hls

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	loopexec "github.com/kiln-hls/kiln/ir/loop/exec"
)

// llExact are the libm functions that round exactly (or are exact), so
// that a module calling only these matches ir/loop/exec bit for bit; glibc's
// expf, tanhf, powf… may differ from exec's float64-then-round by an ulp.
var llExact = map[string]bool{"fabs": true, "sqrt": true, "floor": true, "ceil": true, "rint": true,
	"fmin": true, "fmax": true, "fmod": true, "trunc": true, "round": true, "copysign": true}

// llArgs gives a kernel's parameters deterministic values: inputs a spread
// of small exact numbers, outputs zero, constants nil (their Init).
func llArgs(k *loop.Kernel) []*dtype.Array {
	args := make([]*dtype.Array, len(k.Params))
	for i, id := range k.Params {
		b := k.Buffers[id]
		if b.Role == loop.Constant {
			continue
		}
		a := dtype.New(b.Kind, b.Shape)
		if b.Role == loop.Input {
			for j := range a.Len() {
				v := (j*37+11*i)%101 - 50
				switch b.Kind.Class() {
				case dtype.ClassFloat, dtype.ClassDouble:
					a.Set(j, dtype.RoundFloat(b.Kind, float64(v)/16, false))
				case dtype.ClassUint:
					a.U64[j] = dtype.WrapUint(b.Kind, uint64(v+50))
				case dtype.ClassBool:
					a.Bool[j] = v%3 == 0
				case dtype.ClassFixed:
					f, _ := b.Kind.Fixed()
					a.I64[j] = dtype.WrapRaw(f, int64(v))
				default:
					a.I64[j] = dtype.WrapInt(b.Kind, int64(v))
				}
			}
		}
		args[i] = a
	}
	return args
}

// llCType is the C type of an element of kind k; a fixed kind's iW is
// stored in the smallest unsigned C integer of at least W bits (LLVM's
// alloc size), zero-extended (LLVM stores iW so and assumes it on loads).
func llCType(k dtype.Kind) string {
	if f, ok := k.Fixed(); ok {
		w := 8
		for w < f.W {
			w *= 2
		}
		return fmt.Sprintf("uint%d_t", w)
	}
	switch {
	case k.Class() == dtype.ClassFloat:
		return "float"
	case k.Bits() < 8:
		return map[bool]string{true: "uint8_t", false: "int8_t"}[k.Class() == dtype.ClassUint]
	}
	switch k {
	case dtype.F64:
		return "double"
	case dtype.Bool:
		return "uint8_t"
	}
	if k.Class() == dtype.ClassUint {
		return fmt.Sprintf("uint%d_t", k.Bits())
	}
	return fmt.Sprintf("int%d_t", k.Bits())
}

// llElemText is element j of a as the driver prints it: floats as their
// bits in hex, integers in decimal.
func llElemText(a *dtype.Array, j int) string {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		return fmt.Sprintf("%08x", math.Float32bits(a.F32[j]))
	case dtype.ClassDouble:
		return fmt.Sprintf("%016x", math.Float64bits(a.F64[j]))
	case dtype.ClassUint:
		return strconv.FormatUint(a.U64[j], 10)
	case dtype.ClassBool:
		if a.Bool[j] {
			return "1"
		}
		return "0"
	}
	return strconv.FormatInt(a.I64[j], 10)
}

// llDriver is a C program that fills the kernel's arguments with args,
// calls it and prints every output element, one a line.
func llDriver(k *loop.Kernel, args []*dtype.Array) string {
	var sb, call, protos, print strings.Builder
	sb.WriteString("#include <math.h>\n#include <stdio.h>\n#include <stdint.h>\n#include <string.h>\n\n")
	for i, id := range k.Params {
		b := k.Buffers[id]
		if b.Role == loop.Constant {
			continue
		}
		a, ct := args[i], llCType(b.Kind)
		vals := make([]string, a.Len())
		for j := range vals {
			switch b.Kind.Class() {
			case dtype.ClassFloat, dtype.ClassDouble:
				vals[j] = llFloatText(a.At(j))
			case dtype.ClassInt:
				vals[j] = llIntText(a.I64[j])
			case dtype.ClassFixed:
				vals[j] = strconv.FormatUint(uint64(a.I64[j])&(^uint64(0)>>(64-b.Kind.Bits())), 10) + "ull"
			default:
				vals[j] = llElemText(a, j)
			}
		}
		fmt.Fprintf(&sb, "static %s %s[%d] = {%s};\n", ct, "arg_"+b.Name, a.Len(), strings.Join(vals, ", "))
		if call.Len() > 0 {
			call.WriteString(", ")
			protos.WriteString(", ")
		}
		call.WriteString("arg_" + b.Name)
		protos.WriteString(ct + "*")
		if b.Role != loop.Output {
			continue
		}
		fmt.Fprintf(&print, "\tfor (int j = 0; j < %d; j++) {\n", a.Len())
		switch b.Kind.Class() {
		case dtype.ClassFloat:
			fmt.Fprintf(&print, "\t\tuint32_t u; memcpy(&u, &arg_%s[j], 4); printf(\"%%08x\\n\", u);\n", b.Name)
		case dtype.ClassDouble:
			fmt.Fprintf(&print, "\t\tuint64_t u; memcpy(&u, &arg_%s[j], 8); printf(\"%%016llx\\n\", (unsigned long long)u);\n", b.Name)
		case dtype.ClassUint, dtype.ClassBool:
			fmt.Fprintf(&print, "\t\tprintf(\"%%llu\\n\", (unsigned long long)arg_%s[j]);\n", b.Name)
		case dtype.ClassFixed: // the bits above W are not the value's
			f, _ := b.Kind.Fixed()
			ext := map[bool]string{true: "uint64_t", false: "int64_t"}[f.Unsigned]
			fmt.Fprintf(&print, "\t\tprintf(\"%%lld\\n\", (long long)((%s)((uint64_t)arg_%s[j] << %d) >> %d));\n", ext, b.Name, 64-f.W, 64-f.W)
		default:
			fmt.Fprintf(&print, "\t\tprintf(\"%%lld\\n\", (long long)arg_%s[j]);\n", b.Name)
		}
		print.WriteString("\t}\n")
	}
	fmt.Fprintf(&sb, "\nvoid %s(%s);\n\nint main(void) {\n\t%s(%s);\n%s\treturn 0;\n}\n",
		k.Name, protos.String(), k.Name, call.String(), print.String())
	return sb.String()
}

// llBuild compiles a module and a C driver into a program: with llc and
// gcc when both are installed, else with clang.
func llBuild(t *testing.T, dir, ll, driver string) string {
	t.Helper()
	llFile, cFile, prog := filepath.Join(dir, "k.ll"), filepath.Join(dir, "driver.c"), filepath.Join(dir, "prog")
	require.NoError(t, os.WriteFile(llFile, []byte(ll), 0o644))
	require.NoError(t, os.WriteFile(cFile, []byte(driver), 0o644))
	run := func(name string, args ...string) {
		out, err := exec.Command(name, args...).CombinedOutput()
		require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	}
	llc, gcc := llFind("llc-14", "llc", "llc-16"), llFind("gcc", "cc")
	if llc != "" && gcc != "" {
		obj := filepath.Join(dir, "k.o")
		run(llc, "-O2", "-relocation-model=pic", "-filetype=obj", llFile, "-o", obj)
		run(gcc, "-O0", cFile, obj, "-lm", "-o", prog)
		return prog
	}
	clang := llTool(t, "clang-16", "clang", "llc and gcc")
	run(clang, "-O1", "-ffp-contract=off", "-Wno-override-module", cFile, llFile, "-lm", "-o", prog)
	return prog
}

// TestLLVMRun: each emitted module, compiled and run with a C driver,
// computes what ir/loop/exec computes on the same inputs: bit for bit when
// it calls only exactly rounded libm functions, within 1e-5 relative
// otherwise.
func TestLLVMRun(t *testing.T) {
	for _, c := range llCases(t) {
		t.Run(c.name, func(t *testing.T) {
			llRunCheck(t, c.name, c.kernel)
		})
	}
}

// llRunCheck emits kernel k, compiles and runs it with a C driver on
// llArgs' inputs, and compares its outputs with ir/loop/exec's.
func llRunCheck(t *testing.T, name string, k *loop.Kernel) {
	t.Helper()
	ll, err := EmitLLVM(name, []*loop.Kernel{k})
	require.NoError(t, err)
	args := llArgs(k)
	prog := llBuild(t, t.TempDir(), ll, llDriver(k, args))
	out, err := exec.Command(prog).Output()
	require.NoError(t, err)
	got := strings.Fields(string(out))

	require.NoError(t, loopexec.Run(k, args))
	exact := llCallsOnly(ll, llExact)
	n := 0
	for i, id := range k.Params {
		b := k.Buffers[id]
		if b.Role != loop.Output {
			continue
		}
		for j := range args[i].Len() {
			require.Less(t, n, len(got), "too few outputs")
			want := llElemText(args[i], j)
			if want == got[n] {
				// equal bits
			} else if b.Kind.IsFloat() && math.IsNaN(llBitsValue(t, b.Kind, want)) {
				assert.True(t, math.IsNaN(llBitsValue(t, b.Kind, got[n])), "%s[%d]: got %s, want NaN", b.Name, j, got[n])
			} else if !exact && b.Kind.IsFloat() {
				assert.InEpsilon(t, llBitsValue(t, b.Kind, want)+1e-30, llBitsValue(t, b.Kind, got[n])+1e-30, 1e-5, "%s[%d]", b.Name, j)
			} else {
				assert.Equal(t, want, got[n], "%s[%d]", b.Name, j)
			}
			n++
		}
	}
	assert.Equal(t, n, len(got), "too many outputs")
}

// llFind is the path of the first of names that is installed, or "".
func llFind(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// llCallsOnly reports whether every function a module declares is in ok
// (by its double name).
func llCallsOnly(ll string, ok map[string]bool) bool {
	for _, line := range strings.Split(ll, "\n") {
		if !strings.HasPrefix(line, "declare ") {
			continue
		}
		name := line[strings.Index(line, "@")+1 : strings.Index(line, "(")]
		if !ok[name] && !ok[strings.TrimSuffix(name, "f")] {
			return false
		}
	}
	return true
}

// llBitsValue is the value of a float printed as its bits.
func llBitsValue(t *testing.T, k dtype.Kind, s string) float64 {
	u, err := strconv.ParseUint(s, 16, 64)
	require.NoError(t, err)
	if k.Class() == dtype.ClassFloat {
		return float64(math.Float32frombits(uint32(u)))
	}
	return math.Float64frombits(u)
}

// llIntText is v as a C constant expression (INT64_MIN has no literal).
func llIntText(v int64) string {
	if v == math.MinInt64 {
		return "INT64_MIN"
	}
	return strconv.FormatInt(v, 10)
}

// llFloatText is v as a C constant expression.
func llFloatText(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NAN"
	case math.IsInf(v, 1):
		return "INFINITY"
	case math.IsInf(v, -1):
		return "-INFINITY"
	}
	return strconv.FormatFloat(v, 'x', -1, 64)
}
