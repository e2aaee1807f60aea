package hls

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// cNeedGCC returns gcc's path; without gcc the test fails under CI and is
// skipped otherwise.
func cNeedGCC(t *testing.T) string {
	t.Helper()
	gcc, err := osexec.LookPath("gcc")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("gcc is missing (CI is set)")
		}
		t.Skip("gcc is not installed: the emitted C cannot be built")
	}
	return gcc
}

// TestCRun builds each kernel's C with a generated driver, runs it on fixed
// inputs and compares every output element bit for bit with ir/loop/exec
// (NaNs match NaNs, whatever their payload).
func TestCRun(t *testing.T) {
	gcc := cNeedGCC(t)
	for _, c := range cCases(t) {
		t.Run(c.name, func(t *testing.T) {
			f, err := EmitC(c.k)
			if err != nil {
				t.Skipf("not emitted: %v", err)
			}
			args := cArgs(c.k)
			want := make([]*dtype.Array, len(args))
			for i, a := range args {
				want[i] = a.Clone()
			}
			require.NoError(t, exec.Run(c.k, want))
			got := cBuildRun(t, gcc, c.k, f, args)
			tol := cLibmTolerance(c.k)
			for i, id := range c.k.Params {
				if b := c.k.Buffers[id]; b.Role == loop.Output {
					cCompare(t, b.Name, want[i], got[i], tol)
				}
			}
		})
	}
}

// cArgs makes the arguments: fixed pseudo-random inputs and initial
// outputs, constants' own values.
func cArgs(k *loop.Kernel) []*dtype.Array {
	args := make([]*dtype.Array, len(k.Params))
	r := uint64(0x9e3779b97f4a7c15)
	for i, id := range k.Params {
		b := k.Buffers[id]
		if b.Role == loop.Constant {
			args[i] = b.Init.Clone()
			continue
		}
		a := dtype.New(b.Kind, b.Shape)
		for j := range a.Len() {
			r = cMix(r)
			cSetRandom(a, j, r)
		}
		args[i] = a
	}
	return args
}

// cMix is splitmix64's step.
func cMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// cSetRandom sets element j from random bits r: floats in (−8, 8) with
// full mantissas, integers over their kind's whole range.
func cSetRandom(a *dtype.Array, j int, r uint64) {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		a.F32[j] = float32(dtype.RoundFloat(a.Kind, float64(float32(int32(r>>32))/(1<<28)), false))
	case dtype.ClassDouble:
		a.F64[j] = float64(int64(r)) / (1 << 60)
	case dtype.ClassInt:
		a.I64[j] = dtype.WrapInt(a.Kind, int64(r))
	case dtype.ClassUint:
		a.U64[j] = dtype.WrapUint(a.Kind, r)
	case dtype.ClassBool:
		a.Bool[j] = r&1 == 1
	case dtype.ClassFixed:
		f, _ := a.Kind.Fixed()
		a.I64[j] = dtype.WrapRaw(f, int64(r))
	}
}

// cFromBytes reads an array of like's kind and shape from C's bytes.
func cFromBytes(like *dtype.Array, b []byte) *dtype.Array {
	a := dtype.New(like.Kind, like.Shape)
	w := tbWidth(a.Kind)
	for j := range a.Len() {
		var buf [8]byte
		copy(buf[:], b[j*w:(j+1)*w])
		v := binary.LittleEndian.Uint64(buf[:])
		switch a.Kind.Class() {
		case dtype.ClassFloat:
			a.F32[j] = math.Float32frombits(uint32(v))
		case dtype.ClassDouble:
			a.F64[j] = math.Float64frombits(v)
		case dtype.ClassInt:
			sh := uint(64 - a.Kind.Bits())
			a.I64[j] = int64(v<<sh) >> sh
		case dtype.ClassFixed: // a raw, sign-extended from its C type unless unsigned
			f, _ := a.Kind.Fixed()
			sh := uint(64 - 8*w)
			if a.I64[j] = int64(v<<sh) >> sh; f.Unsigned {
				a.I64[j] = int64(v)
			}
		case dtype.ClassUint:
			a.U64[j] = v
		case dtype.ClassBool:
			a.Bool[j] = v != 0
		}
	}
	return a
}

// cDriver is a main that reads every parameter from argv[1], calls the
// kernel and writes the outputs to argv[2].
func cDriver(k *loop.Kernel, f CFiles) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "#include <stdio.h>\n\n#include \"%s.h\"\n\n", f.Name)
	names := make([]string, len(k.Params))
	var argNames, readNames []string // constants are not arguments: they live in the kernel
	for i, id := range k.Params {
		b := k.Buffers[id]
		if b.Role == loop.Constant {
			continue
		}
		names[i] = fmt.Sprintf("p%d", i)
		argNames = append(argNames, names[i])
		if dtype.Size(b.Shape) > 0 { // an empty array has no bytes to read or write
			readNames = append(readNames, names[i])
		}
		fmt.Fprintf(&sb, "static %s %s[%d];\n", cType(b.Kind), names[i], max(dtype.Size(b.Shape), 1))
	}
	sb.WriteString("\nint main(int argc, char **argv)\n{\n\tFILE *in, *out;\n")
	sb.WriteString("\tif (argc != 3 || !(in = fopen(argv[1], \"rb\")))\n\t\treturn 2;\n")
	for _, n := range readNames {
		fmt.Fprintf(&sb, "\tif (fread(%s, sizeof %s, 1, in) != 1)\n\t\treturn 3;\n", n, n)
	}
	fmt.Fprintf(&sb, "\tfclose(in);\n\t%s(%s);\n", f.Name, strings.Join(argNames, ", "))
	sb.WriteString("\tif (!(out = fopen(argv[2], \"wb\")))\n\t\treturn 4;\n")
	for i, id := range k.Params {
		if b := k.Buffers[id]; b.Role == loop.Output && dtype.Size(b.Shape) > 0 {
			fmt.Fprintf(&sb, "\tif (fwrite(%s, sizeof %s, 1, out) != 1)\n\t\treturn 5;\n", names[i], names[i])
		}
	}
	sb.WriteString("\treturn fclose(out) != 0;\n}\n")
	return sb.String()
}

// cBuildRun compiles f with the driver, runs it on args and returns the
// arguments as the C program left them (outputs read back).
func cBuildRun(t *testing.T, gcc string, k *loop.Kernel, f CFiles, args []*dtype.Array) []*dtype.Array {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, b []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	write(f.Name+".c", []byte(f.C))
	write(f.Name+".h", []byte(f.H))
	write("driver.c", []byte(cDriver(k, f)))
	var in []byte
	for i, a := range args {
		if k.Buffers[k.Params[i]].Role != loop.Constant {
			in = append(in, tbBytes(a)...)
		}
	}
	write("in.bin", in)
	prog := filepath.Join(dir, "prog")
	build := osexec.Command(gcc, "-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wno-unknown-pragmas",
		"-o", prog, filepath.Join(dir, "driver.c"), filepath.Join(dir, f.Name+".c"), "-lm")
	msg, err := build.CombinedOutput()
	require.NoError(t, err, "gcc: %s", msg)
	assert.Empty(t, string(msg), "gcc warnings")
	outPath := filepath.Join(dir, "out.bin")
	msg, err = osexec.Command(prog, filepath.Join(dir, "in.bin"), outPath).CombinedOutput()
	require.NoError(t, err, "run: %s", msg)
	out, err := os.ReadFile(outPath)
	require.NoError(t, err)
	return cSplitOutputs(t, k, args, out)
}

// cSplitOutputs cuts a driver's output file into k's outputs, in
// parameter order, shaped like args (nil for the other parameters).
func cSplitOutputs(t *testing.T, k *loop.Kernel, args []*dtype.Array, out []byte) []*dtype.Array {
	t.Helper()
	got := make([]*dtype.Array, len(args))
	for i, id := range k.Params {
		if k.Buffers[id].Role != loop.Output {
			continue
		}
		n := len(tbBytes(args[i]))
		require.GreaterOrEqual(t, len(out), n, "output %s is short", k.Buffers[id].Name)
		got[i], out = cFromBytes(args[i], out[:n]), out[n:]
	}
	return got
}

// cCompare reports every element of got that differs from want; float
// elements within tol relative to 1 + |want| count as equal, and are logged.
func cCompare(t *testing.T, name string, want, got *dtype.Array, tol float64) {
	t.Helper()
	bad, near, first := 0, 0, ""
	for j := range want.Len() {
		w, g := cElemBits(want, j), cElemBits(got, j)
		if w == g || (want.Kind.IsFloat() && math.IsNaN(want.At(j)) && math.IsNaN(got.At(j))) {
			continue
		}
		if a, b := want.At(j), got.At(j); want.Kind.IsFloat() && math.Abs(a-b) <= tol*(1+math.Abs(a)) {
			if near++; near == 1 {
				first = fmt.Sprintf("%s[%d]: C gives %s, exec %s", name, j, cShow(got, j), cShow(want, j))
			}
			continue
		}
		if bad++; bad <= 10 {
			t.Errorf("%s[%d]: C gives %s, exec %s", name, j, cShow(got, j), cShow(want, j))
		}
	}
	if near > 0 {
		t.Logf("%s: %d of %d elements differ within the libm tolerance; the first, %s", name, near, want.Len(), first)
	}
	if bad > 10 {
		t.Errorf("%s: %d elements differ", name, bad)
	}
}

func cElemBits(a *dtype.Array, j int) uint64 {
	b := make([]byte, 8)
	copy(b, tbBytes(&dtype.Array{Kind: a.Kind, Shape: []int{1}, F32: cPick(a.F32, j), F64: cPick(a.F64, j),
		I64: cPick(a.I64, j), U64: cPick(a.U64, j), Bool: cPick(a.Bool, j)}))
	return binary.LittleEndian.Uint64(b)
}

func cPick[T any](s []T, j int) []T {
	if s == nil {
		return nil
	}
	return s[j : j+1]
}

// cShow prints an element exactly: floats as hex floats.
func cShow(a *dtype.Array, j int) string {
	switch a.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return fmt.Sprintf("%x (%v)", a.At(j), a.At(j))
	case dtype.ClassBool:
		return fmt.Sprint(a.Bool[j])
	case dtype.ClassUint:
		return fmt.Sprint(a.U64[j])
	}
	return fmt.Sprint(a.I64[j])
}

// cLibmTolerance is 0 when k calls only the libm functions that are
// correctly rounded everywhere (sqrt, fabs, floor, ceil, rint, trunc,
// round, fmod, copysign). Others (expf, tanhf, logf, powf, …) differ
// between libraries: glibc 2.36's and exec's (Go's float64 math, rounded)
// differ by up to 2 ulp on 65536 random inputs in (−8, 8) — expf on 0.06%
// of them, tanhf on 7% — so kernels calling them are compared to a
// tolerance of about 8 float ulps (1e-6) or 1e-14 for double, relative to
// 1 + |want| as cancellation after the call may magnify an ulp.
func cLibmTolerance(k *loop.Kernel) float64 {
	inexact := false
	var expr func(x loop.Expr)
	expr = func(x loop.Expr) {
		switch x := x.(type) {
		case *loop.Un:
			if x.Op == loop.Exp || x.Op == loop.Log || x.Op == loop.Tanh {
				inexact = true
			}
			expr(x.X)
		case *loop.Call:
			switch x.Func {
			case "fmod", "copysign", "trunc", "round":
			default:
				inexact = true
			}
			for _, a := range x.Args {
				expr(a)
			}
		case *loop.Bin:
			expr(x.X)
			expr(x.Y)
		case *loop.Cast:
			expr(x.X)
		case *loop.Select:
			expr(x.Cond)
			expr(x.X)
			expr(x.Y)
		}
	}
	var stmts func(body []loop.Stmt)
	stmts = func(body []loop.Stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *loop.For:
				stmts(s.Body)
			case *loop.If:
				expr(s.Cond)
				stmts(s.Then)
				stmts(s.Else)
			case *loop.Store:
				expr(s.Value)
			}
		}
	}
	stmts(k.Body)
	if !inexact {
		return 0
	}
	for _, b := range k.Buffers {
		if b.Kind == dtype.F32 {
			return 1e-6
		}
	}
	return 1e-14
}
