package hls

import (
	"fmt"
	"math"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
)

// TestLLVMFixedErrors: fixed-point code the loop IR's Verify rejects is an
// error of the emitter too (it does not rely on Verify), naming what is
// wrong, every kernel's problems at once.
func TestLLVMFixedErrors(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"ufixed64", "in x: ufixed<64,2>[2], out y: f32[2]", "buffer x: kind ufixed<64,2> is not supported"},
		{"wide_mul", "in x: fixed<40,0>[2], out y: f32[2]) {\n  for i in 0..2 {\n    y[i] = cast<f32>(x[i] * x[i])\n  }\n}",
			"fixed<40,0> * fixed<40,0>: exact result fixed<80,0> is wider than the loop IR allows; cast an operand first"},
		{"mixed", "in x: fixed<8,4>[2], in z: f32[2], out y: f32[2]) {\n  for i in 0..2 {\n    y[i] = cast<f32>(x[i] + z[i])\n  }\n}",
			"fixed<8,4> + f32: fixed point combines only with fixed point"},
		{"min_kinds", "in x: fixed<8,4>[2], in z: fixed<8,3>[2], out y: f32[2]) {\n  for i in 0..2 {\n    y[i] = cast<f32>(min(x[i], z[i]))\n  }\n}",
			"fixed<8,4> min fixed<8,3>: operand kinds differ"},
		{"div", "in x: fixed<8,4>[2], out y: f32[2]) {\n  for i in 0..2 {\n    y[i] = cast<f32>(x[i] / x[i])\n  }\n}",
			"/ on fixed<8,4>"},
		{"root", "in x: fixed<8,4>[2], out y: f32[2]) {\n  for i in 0..2 {\n    y[i] = cast<f32>(sqrt(x[i]))\n  }\n}",
			"sqrt on fixed<8,4>"},
		{"neg64", "in x: fixed<64,4>[2], out y: f32[2]) {\n  for i in 0..2 {\n    y[i] = cast<f32>(-x[i])\n  }\n}",
			"- on fixed<64,4>: exact result fixed<65,5> is wider than 64 bits"},
	}
	var ks []*loop.Kernel
	for _, c := range cases {
		src := "kernel " + c.name + "(" + c.body
		if !strings.Contains(c.body, "{") {
			src += ") {\n  for i in 0..2 {\n    y[i] = 0.0\n  }\n}"
		}
		ks = append(ks, llParseKernel(t, src+"\n"))
	}
	_, err := EmitLLVM("m", ks)
	require.Error(t, err)
	for _, c := range cases {
		assert.Contains(t, err.Error(), "kernel "+c.name+": "+c.want)
	}
}

// TestLLVMFixedHelpers: each cast into a fixed kind is one internal helper
// per (from, to) pair, defined once however often it is used, named after
// both kinds; the module passes the Bambu checker.
func TestLLVMFixedHelpers(t *testing.T) {
	k := llParseKernel(t, `kernel h(in x: f32[2], in z: i8[2], out y: fixed<12,4,rne,sat>[2], out u: ufixed<6,2>[2]) {
  for i in 0..2 {
    y[i] = cast<fixed<12,4,rne,sat>>(x[i])
    u[i] = cast<ufixed<6,2>>(cast<fixed<12,4,rne,sat>>(x[i]) + cast<fixed<12,4,rne,sat>>(z[i]))
  }
}
`)
	ll, err := EmitLLVM("m", []*loop.Kernel{k})
	require.NoError(t, err)
	require.NoError(t, CheckBambu(ll))
	for _, def := range []string{
		"define internal i12 @kiln.cast.f32.fixed12_4_rne_sat(float %x)",
		"define internal i12 @kiln.cast.i8.fixed12_4_rne_sat(i8 %x)",
		"define internal i6 @kiln.cast.fixed13_5.ufixed6_2(i13 %x)",
	} {
		assert.Equal(t, 1, strings.Count(ll, def), def)
	}
	assert.Equal(t, 2, strings.Count(ll, "call i12 @kiln.cast.f32.fixed12_4_rne_sat("))
	assert.Contains(t, ll, "define void @h(float* noalias %x, i8* noalias %z, i12* noalias %y, i6* noalias %u)")
	assert.Equal(t, 1, strings.Count(ll, "declare double @rint(double"))
}

// TestLLVMFixedProgram: a program passing a fixed-point tensor between two
// kernels (a zero-initialised global of i16) runs natively and computes
// what the dtype reference does: f32 in, rounded and saturated into
// fixed<16,6,rne,sat>, squared exactly, f32 out.
func TestLLVMFixedProgram(t *testing.T) {
	q := fxKind(t, "fixed<16,6,rne,sat>")
	quant := llParseKernel(t, "kernel quant(in x: f32[8], out q: fixed<16,6,rne,sat>[8]) {\n  for i in 0..8 {\n    q[i] = cast<fixed<16,6,rne,sat>>(x[i])\n  }\n}\n")
	square := llParseKernel(t, "kernel square(in q: fixed<16,6,rne,sat>[8], out y: f32[8]) {\n  for i in 0..8 {\n    y[i] = cast<f32>(q[i] * q[i])\n  }\n}\n")
	p := &loop.Program{Name: "top", Buffers: []*loop.Buffer{
		{Name: "x", Kind: dtype.F32, Shape: []int{8}, Role: loop.Input},
		{Name: "q", Kind: q, Shape: []int{8}, Role: loop.Temp},
		{Name: "y", Kind: dtype.F32, Shape: []int{8}, Role: loop.Output},
	}, Params: []loop.BufID{0, 2}, Kernels: []*loop.Kernel{quant, square},
		Calls: []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}, {Kernel: 1, Args: []loop.BufID{1, 2}}}}
	ll, err := EmitLLVMProgram(p)
	require.NoError(t, err)
	require.NoError(t, CheckBambu(ll))
	assert.Contains(t, ll, "@top.q = internal global [8 x i16] zeroinitializer")
	x := []float32{1000, -1000, 2.5 / 1024, 3.5 / 1024, float32(math.NaN()), -3.3, 31.99, -0.00048828125}
	args := []*dtype.Array{dtype.New(dtype.F32, []int{8}), dtype.New(dtype.F32, []int{8})}
	copy(args[0].F32, x)
	prog := llBuild(t, t.TempDir(), ll, llDriver(progKernel(p, "top"), args))
	out, err := osexec.Command(prog).Output()
	require.NoError(t, err)
	got := strings.Fields(string(out))
	require.Len(t, got, 8)
	f := fxType(q)
	for i, v := range x {
		r, _ := dtype.FromFloat(f, float64(v))
		want := float32(dtype.ToFloat(dtype.MulType(f, f), dtype.Mul(f, f, r, r)))
		assert.Equal(t, fmt.Sprintf("%08x", math.Float32bits(want)), got[i], "x = %v", v)
	}
}

// TestLLVMNarrowed: the fixed-point kernels passes/narrow makes (its
// golden outputs, their summarised constants given ramp values) emit,
// pass the Bambu checker and opt-16's verifier, and run natively as
// ir/loop/exec runs them: bit for bit where only exactly rounded libm
// functions are called.
func TestLLVMNarrowed(t *testing.T) {
	opt := llFind("opt-16")
	for _, c := range narrowedCases(t) {
		t.Run(c.name, func(t *testing.T) {
			name, k := c.name, c.kernel
			ll, err := EmitLLVM(name, []*loop.Kernel{k})
			require.NoError(t, err)
			require.NoError(t, CheckBambu(ll))
			if opt != "" {
				f := filepath.Join(t.TempDir(), "k.ll")
				require.NoError(t, os.WriteFile(f, []byte(ll), 0o644))
				out, err := osexec.Command(opt, "-passes=verify", "-disable-output", f).CombinedOutput()
				require.NoError(t, err, "%s", out)
			}
			llRunCheck(t, name, k)
		})
	}
}

// llSummarised finds the constants a .kir file prints as data(count,
// hash), fixed kinds included.
var llSummarised = regexp.MustCompile(`const ([A-Za-z_][A-Za-z0-9_.]*): ([a-z0-9]+|u?fixed<[^>]*>)\[([0-9,]*)\]([^=]*)= data\(([0-9]+), 0x[0-9a-f]+\)`)

// llRampData gives every summarised constant of src looptest's Ramp
// values (looptest.Data does not know fixed kinds' names) and returns src
// with their hashes (the narrowed constants' real values are not in the
// text, so any values do).
func llRampData(src string) (string, map[string]*dtype.Array) {
	data := map[string]*dtype.Array{}
	src = llSummarised.ReplaceAllStringFunc(src, func(decl string) string {
		m := llSummarised.FindStringSubmatch(decl)
		k, _ := dtype.KindByName(m[2])
		var shape []int
		for _, d := range strings.Split(m[3], ",") {
			n, _ := strconv.Atoi(d)
			shape = append(shape, n)
		}
		a := looptest.Ramp(k, shape)
		data[m[1]] = a
		return fmt.Sprintf("const %s: %s[%s]%s= data(%s, %#016x)", m[1], m[2], m[3], m[4], m[5], loop.Digest(a))
	})
	return src, data
}
