package hls

import (
	"fmt"
	"math"
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

// The fixed-point run tests build one kernel per group of checks: inputs
// of the given kinds, one output per check, each computed by a .kir
// expression of the inputs at index i. The module is compiled once with a
// C driver and every output element is compared, bit for bit, with the
// dtype reference functions (ir/dtype/fixed_arith.go).

// fxIn is an input of a run kernel: its kind and values (one per index).
type fxIn struct {
	kind dtype.Kind
	vals *dtype.Array
}

// fxOut is an output of a run kernel: its kind, the .kir expression that
// computes element i (the inputs are x0, x1, … in order), and the
// reference value of element i: a float64 for float kinds (exactly a
// value of the kind), an int64 for signed integers and fixed raws, a
// uint64 for unsigned integers, a bool for bool.
type fxOut struct {
	kind dtype.Kind
	expr string
	want func(i int) any
}

// fxKernel is the .kir text of a kernel named name over n elements.
func fxKernel(name string, n int, ins []fxIn, outs []fxOut) string {
	var params, body []string
	for j, in := range ins {
		params = append(params, fmt.Sprintf("in x%d: %v[%d]", j, in.kind, n))
	}
	for j, o := range outs {
		params = append(params, fmt.Sprintf("out y%d: %v[%d]", j, o.kind, n))
		body = append(body, fmt.Sprintf("    y%d[i] = %s", j, o.expr))
	}
	return fmt.Sprintf("kernel %s(%s) {\n  for i in 0..%d {\n%s\n  }\n}\n",
		name, strings.Join(params, ", "), n, strings.Join(body, "\n"))
}

// fxRun emits, compiles and runs the kernel and checks every output
// element against its reference.
func fxRun(t *testing.T, name string, n int, ins []fxIn, outs []fxOut) {
	t.Helper()
	src := fxKernel(name, n, ins, outs)
	k, err := loop.Parse(src, nil)
	require.NoError(t, err, src)
	require.NoError(t, loop.Verify(k))
	ll, err := EmitLLVM(name, []*loop.Kernel{k})
	require.NoError(t, err)
	require.NoError(t, CheckBambu(ll))
	args := make([]*dtype.Array, len(k.Params))
	for j, in := range ins {
		require.Equal(t, n, in.vals.Len())
		args[j] = in.vals
	}
	for j, o := range outs {
		args[len(ins)+j] = dtype.New(o.kind, []int{n})
	}
	dir := t.TempDir()
	prog := llBuild(t, dir, ll, llDriver(k, args)) // LLVM 14 (llc-14, or clang) parses and verifies it
	if opt := llFind("opt-16"); opt != "" {
		out, err := exec.Command(opt, "-passes=verify", "-disable-output", filepath.Join(dir, "k.ll")).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	out, err := exec.Command(prog).Output()
	require.NoError(t, err)
	got := strings.Fields(string(out))
	require.Len(t, got, n*len(outs))
	require.NoError(t, loopexec.Run(k, args))
	for j, o := range outs {
		bad := 0
		for i := range n {
			want := fxText(t, o.kind, o.want(i))
			interp := llElemText(args[len(ins)+j], i)
			if (want != got[j*n+i] || want != interp) && bad < 5 {
				bad++
				assert.Equal(t, want, got[j*n+i], "llvm: y%d = %s, i = %d (%s)", j, o.expr, i, fxInputs(ins, i))
				assert.Equal(t, want, interp, "ir/loop/exec: y%d = %s, i = %d (%s)", j, o.expr, i, fxInputs(ins, i))
			}
		}
	}
}

// fxInputs describes the inputs at index i, for failure messages.
func fxInputs(ins []fxIn, i int) string {
	s := make([]string, len(ins))
	for j, in := range ins {
		if in.kind.IsFloat() {
			s[j] = fmt.Sprintf("x%d=%v", j, in.vals.At(i))
		} else {
			s[j] = fmt.Sprintf("x%d=%s", j, llElemText(in.vals, i))
		}
	}
	return strings.Join(s, " ")
}

// fxText is a reference value as the driver prints an element of kind k.
func fxText(t *testing.T, k dtype.Kind, v any) string {
	switch v := v.(type) {
	case float64:
		if k == dtype.F64 {
			return fmt.Sprintf("%016x", math.Float64bits(v))
		}
		return fmt.Sprintf("%08x", math.Float32bits(float32(v)))
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	t.Fatalf("reference value %T", v)
	return ""
}

// fxKind is the kind of a fixed type spec.
func fxKind(t *testing.T, spec string) dtype.Kind {
	f, err := dtype.ParseFixed(spec)
	require.NoError(t, err)
	return dtype.FixedKind(f)
}

// fxType is the fixed type of a fixed kind.
func fxType(k dtype.Kind) dtype.Fixed {
	f, _ := k.Fixed()
	return f
}

// fxF64 is an f64 input holding vals.
func fxF64(vals []float64) fxIn {
	a := dtype.New(dtype.F64, []int{len(vals)})
	copy(a.F64, vals)
	return fxIn{dtype.F64, a}
}

// fxRaws is an input of kind k holding raws (fixed) or integers.
func fxRaws(k dtype.Kind, raws []int64) fxIn {
	a := dtype.New(k, []int{len(raws)})
	for i, r := range raws {
		switch k.Class() {
		case dtype.ClassUint:
			a.U64[i] = uint64(r)
		case dtype.ClassBool:
			a.Bool[i] = r != 0
		default:
			a.I64[i] = r
		}
	}
	return fxIn{k, a}
}

// fxModes are the six rounding × overflow modes of a type spec's tail.
var fxModes = []string{"trn", "rnd", "rne", "trn,sat", "rnd,sat", "rne,sat"}

// fxWithModes is spec "fixed<W,I" (no closing >) in every mode.
func fxWithModes(t *testing.T, spec string) []dtype.Kind {
	ks := make([]dtype.Kind, len(fxModes))
	for i, m := range fxModes {
		ks[i] = fxKind(t, spec+","+m+">")
	}
	return ks
}
