package hls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// TestCFixedType: a fixed buffer's C type is the smallest integer type
// holding W bits; ufixed is unsigned up to 32 bits, int64_t above.
func TestCFixedType(t *testing.T) {
	tests := []struct {
		spec, want string
		bytes      int // the element size of testbenches and golden files
	}{
		{"fixed<1,0>", "int8_t", 1}, {"fixed<8,3>", "int8_t", 1}, {"fixed<9,3>", "int16_t", 2}, {"fixed<16,6>", "int16_t", 2},
		{"fixed<17,1>", "int32_t", 4}, {"fixed<32,12,rne,sat>", "int32_t", 4}, {"fixed<33,0>", "int64_t", 8},
		{"fixed<64,64>", "int64_t", 8}, {"ufixed<1,1>", "uint8_t", 1}, {"ufixed<12,4>", "uint16_t", 2},
		{"ufixed<32,2>", "uint32_t", 4}, {"ufixed<33,2>", "int64_t", 8}, {"ufixed<63,63>", "int64_t", 8},
		{"ufixed<64,1>", "", 0}, // no C type: the loop IR refuses it
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			f, err := dtype.ParseFixed(tt.spec)
			require.NoError(t, err)
			assert.Equal(t, tt.want, cType(dtype.FixedKind(f)))
			assert.Equal(t, tt.bytes, tbWidth(dtype.FixedKind(f)))
		})
	}
}

// TestCFixedEmit: how fixed-point operations print.
func TestCFixedEmit(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{"add aligns", "y[i] = cast<fixed<16,6>>(a[i] + b[i])", []string{
			"y[i] = kiln_fx_shl(kiln_fx_shl(a[i], 2) + b[i], 3);"}},
		{"mul in int64_t", "y[i] = cast<fixed<16,6>>(a[i] * b[i])", []string{
			"y[i] = kiln_fx_shr_trn((int64_t)a[i] * b[i], 2);"}},
		{"exact widening", "y[i] = cast<fixed<16,6>>(a[i])", []string{"y[i] = kiln_fx_shl(a[i], 5);"}},
		{"same fraction, no overflow", "w[i] = cast<fixed<12,7>>(a[i])", []string{"w[i] = (int64_t)a[i];"}},
		{"rounding, saturating", "z[i] = cast<fixed<4,1,rne,sat>>(b[i])", []string{
			"z[i] = kiln_fx_sat(kiln_fx_shr_rne(b[i], 4), -8, 7);"}},
		{"from f32", "y[i] = cast<fixed<16,6>>(f[i])", []string{
			"y[i] = kiln_f64_to_fixed_16_6(f[i]);", "double x = v * 0x1p10, r;"}},
		{"to f32", "g[i] = cast<f32>(b[i])", []string{"g[i] = (float)((double)b[i] * 0x1p-7);"}},
		{"to i8", "o[i] = cast<i8>(b[i])", []string{"o[i] = (int8_t)kiln_fx_shr_trn(b[i], 7);"}},
		{"from i8", "y[i] = cast<fixed<16,6>>(n[i])", []string{"y[i] = kiln_fx_wrap((uint64_t)n[i] << 10, 16);"}},
		{"to bool", "m[i] = cast<bool>(b[i])", []string{"m[i] = b[i] != 0;"}},
		{"neg, abs", "y[i] = cast<fixed<16,6>>(-a[i] + abs(b[i]))", []string{"-(int64_t)a[i]", "kiln_fx_abs(b[i])"}},
		{"min, compare", "m[i] = min(a[i], 0.5:fixed<8,3>) < a[i]", []string{"m[i] = kiln_fx_min(a[i], 16) < a[i];"}},
		{"self comparison", "m[i] = a[i] != a[i] || a[i] >= a[i]", []string{"m[i] = false || true;"}},
		{"big constant", "y[i] = cast<fixed<16,6>>(cast<fixed<40,1>>(a[i]) + -0.75:fixed<40,1>)", []string{
			"INT64_C(-412316860416)"}},
	}
	const head = "kernel fx(in a: fixed<8,3>[4], in b: fixed<8,1>[4], in f: f32[4], in n: i8[4], " +
		"out y: fixed<16,6>[4], out w: fixed<12,7>[4], out z: fixed<4,1,rne,sat>[4], out m: bool[4], out g: f32[4], out o: i8[4]) {\n" +
		"  temp t: ufixed<20,4>[2]\n  for i in 0..4 {\n    "
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := loop.Parse(head+tt.body+"\n  }\n}\n", nil)
			require.NoError(t, err)
			f, err := EmitC(k)
			require.NoError(t, err)
			for _, w := range tt.want {
				assert.Contains(t, f.C, w)
			}
			assert.Contains(t, f.C, "uint32_t t[2] = {0}; /* t: ufixed<20,4>[2] */")
			assert.Contains(t, f.H, "const int8_t *restrict a")
			assert.Contains(t, f.H, " *   in a: fixed<8,3>[4]\n")
		})
	}
}

// TestCFixedErrors: what the loop IR refuses on fixed point is an error of
// EmitC, never a panic.
func TestCFixedErrors(t *testing.T) {
	for _, body := range []string{
		"y[i] = cast<ufixed<64,1>>(f[i])",      // ufixed wider than 63 bits
		"y[i] = a[i] / a[i]",                   // Div on fixed
		"y[i] = cast<fixed<8,3>>(exp(a[i]))",   // a float function on fixed
		"y[i] = cast<fixed<8,3>>(a[i] * c[i])", // a 72-bit product
		"y[i] = a[i] + f[i]",                   // fixed and float mixed
	} {
		t.Run(body, func(t *testing.T) {
			k, err := loop.Parse("kernel e(in a: fixed<8,3>[4], in c: fixed<64,3>[4], in f: f32[4], out y: fixed<8,3>[4]) {\n"+
				"  for i in 0..4 {\n    "+body+"\n  }\n}\n", nil)
			require.NoError(t, err)
			_, err = EmitC(k)
			assert.Error(t, err)
		})
	}
	// A kernel built by hand, past Verify's rules, is refused by the
	// emitter's own check of kinds.
	bad := dtype.FixedKind(dtype.Fixed{W: 64, I: 1, Unsigned: true})
	assert.NotEmpty(t, cKindErr(bad))
}

// TestCFixedProgram: a program whose kernels pass a fixed temporary emits
// and runs as exec runs it, as separate files and as one unit.
func TestCFixedProgram(t *testing.T) {
	gcc := cNeedGCC(t)
	k1, err := loop.Parse("kernel scale(in x: f32[8], out t: fixed<12,4,rnd,sat>[8]) {\n  for i in 0..8 {\n"+
		"    t[i] = cast<fixed<12,4,rnd,sat>>(x[i] * 3.0)\n  }\n}\n", nil)
	require.NoError(t, err)
	k2, err := loop.Parse("kernel acc(in t: fixed<12,4,rnd,sat>[8], out y: f64[1]) {\n  temp s: fixed<24,12>\n"+
		"  for i in 0..8 {\n    s = cast<fixed<24,12>>(s + t[i] * t[i])\n  }\n  y[0] = cast<f64>(s)\n}\n", nil)
	require.NoError(t, err)
	p := &loop.Program{Name: "forward_kernel",
		Buffers: []*loop.Buffer{
			{Name: "x", Kind: dtype.F32, Shape: []int{8}, Role: loop.Input},
			{Name: "t", Kind: k1.Buffers[1].Kind, Shape: []int{8}, Role: loop.Temp},
			{Name: "y", Kind: dtype.F64, Shape: []int{1}, Role: loop.Output},
		},
		Params:  []loop.BufID{0, 2},
		Kernels: []*loop.Kernel{k1, k2},
		Calls:   []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}, {Kernel: 1, Args: []loop.BufID{1, 2}}},
	}
	x := dtype.New(dtype.F32, []int{8})
	copy(x.F32, []float32{0.1, -2.7, 1.1, 9, -9, 0.33, 2.5, -0.04})
	args := []*dtype.Array{x, dtype.New(dtype.F64, []int{1})}
	want := []*dtype.Array{x.Clone(), args[1].Clone()}
	require.NoError(t, exec.RunProgram(p, want))
	cp, err := EmitCProgram(p)
	require.NoError(t, err)
	assert.Contains(t, cp.Top.C, "static int16_t t[8]; /* fixed<12,4,rnd,sat> */")
	k := progKernel(p, cp.Top.Name)
	for _, how := range []string{"c", "unit"} {
		got := progBuildRun(t, gcc, how, k, cp, "", args)
		cCompare(t, how+": y", want[1], got[1], 0)
	}
}

// TestCNarrowed: the fixed-point kernels passes/narrow makes (its golden
// outputs, summarised constants given ramp values by llRampData) emit as
// C and run natively as ir/loop/exec runs them, bit for bit where only
// exactly rounded libm functions are called.
func TestCNarrowed(t *testing.T) {
	gcc := cNeedGCC(t)
	for _, c := range narrowedCases(t) {
		t.Run(c.name, func(t *testing.T) {
			k := c.kernel
			f, err := EmitC(k)
			require.NoError(t, err)
			args := cArgs(k)
			want := make([]*dtype.Array, len(args))
			for i, a := range args {
				want[i] = a.Clone()
			}
			require.NoError(t, exec.Run(k, want))
			got := cBuildRun(t, gcc, k, f, args)
			for i, id := range k.Params {
				if b := k.Buffers[id]; b.Role == loop.Output {
					cCompare(t, b.Name, want[i], got[i], cLibmTolerance(k))
				}
			}
		})
	}
}
