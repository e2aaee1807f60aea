package hls

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
)

// cCase is one kernel of the C tests: the loop IR testdata's valid kernels
// and testdata/c's own.
type cCase struct {
	name string
	k    *loop.Kernel
}

func cCases(t *testing.T) []cCase {
	t.Helper()
	var files []string
	for _, pat := range []string{"../ir/loop/testdata/*.kir", "testdata/c/*.kir", "testdata/kinds/*.kir"} {
		f, err := filepath.Glob(pat)
		require.NoError(t, err)
		files = append(files, f...)
	}
	files = append(files, loweredGoldens...)
	seen := map[string]bool{}
	var cases []cCase
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		src := string(b)
		if strings.HasPrefix(src, "// error: ") {
			continue // the loop IR's invalid kernels
		}
		name := goldenName(file)
		require.False(t, seen[name], "two cases named %s", name)
		seen[name] = true
		k, err := loop.Parse(src, looptest.Data(src))
		require.NoError(t, err, file)
		require.NoError(t, loop.Verify(k), file)
		cases = append(cases, cCase{name, k})
	}
	require.NotEmpty(t, cases)
	return cases
}

// golden compares got with testdata/c/file, or rewrites it under -update.
func cGolden(t *testing.T, file, got string) {
	t.Helper()
	path := filepath.Join("testdata", "c", file)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./hls -run TestCGolden -update")
	assert.Equal(t, string(want), got, "%s (-want +got)", path)
}

// TestCGolden: each kernel's .c and .h, or its error (.err), are golden.
func TestCGolden(t *testing.T) {
	for _, c := range cCases(t) {
		t.Run(c.name, func(t *testing.T) {
			f, err := EmitC(c.k)
			if err != nil {
				cGolden(t, c.name+".err", err.Error()+"\n")
				return
			}
			if noGolden(c.name) {
				return
			}
			if !llNoGolden[c.name] { // gemm's 261,120 weights: a 2 MB .c
				cGolden(t, c.name+".c", f.C)
			}
			cGolden(t, c.name+".h", f.H)
			again, err := EmitC(c.k)
			require.NoError(t, err)
			assert.Equal(t, f, again, "deterministic")
		})
	}
}

// TestCErrors: what EmitC refuses is an error, never a panic; narrow
// floats and sub-byte integers, once refused, are emitted with their
// rounding and wrapping helpers.
func TestCErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"f16 buffer", "kernel h(in a: f16[4], out y: f32[4]) {\n  for i in 0..4 {\n    y[i] = cast<f32>(a[i])\n  }\n}\n",
			"void h(const float *restrict a, float *restrict y)"},
		{"bf16 cast", "kernel h(in a: f32[4], out y: f32[4]) {\n  for i in 0..4 {\n    y[i] = cast<f32>(cast<bf16>(a[i]))\n  }\n}\n",
			"y[i] = (float)kiln_round_bf16(a[i]);"},
		{"i4 buffer", "kernel h(in a: i4[4], out y: i4[4]) {\n  for i in 0..4 {\n    y[i] = a[i] + a[i]\n  }\n}\n",
			"y[i] = kiln_wrap_i4((int8_t)((uint32_t)a[i] + (uint32_t)a[i]));"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := loop.Parse(tt.src, nil)
			require.NoError(t, err)
			f, err := EmitC(k)
			require.NoError(t, err)
			assert.Contains(t, f.C, tt.want)
		})
	}
	_, err := EmitC(nil)
	assert.Error(t, err)
	_, err = EmitC(&loop.Kernel{Name: "bad", Params: []loop.BufID{3}})
	assert.Error(t, err)
}

// TestCInvalid: every loop IR testdata kernel that parses but does not
// verify is an error from EmitC, not a panic.
func TestCInvalid(t *testing.T) {
	files, err := filepath.Glob("../ir/loop/testdata/bad_*.kir")
	require.NoError(t, err)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		k, err := loop.Parse(string(b), looptest.Data(string(b)))
		if err != nil {
			continue
		}
		_, err = EmitC(k)
		assert.Error(t, err, file)
	}
}

// BenchmarkEmitC emits the gemm testdata kernel (64×4080 weights, a
// parameter, so not printed).
func BenchmarkEmitC(b *testing.B) {
	src, err := os.ReadFile("../ir/loop/testdata/gemm.kir")
	require.NoError(b, err)
	k, err := loop.Parse(string(src), looptest.Data(string(src)))
	require.NoError(b, err)
	for b.Loop() {
		if _, err := EmitC(k); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzEmitC: EmitC never panics, and emits the same text twice.
func FuzzEmitC(f *testing.F) {
	for _, pat := range []string{"../ir/loop/testdata/*.kir", "testdata/c/*.kir", "testdata/kinds/*.kir"} {
		files, _ := filepath.Glob(pat)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		k, err := loop.Parse(src, looptest.Data(src))
		if err != nil {
			return
		}
		a, errA := EmitC(k)
		b, errB := EmitC(k)
		if (errA == nil) != (errB == nil) || a != b {
			t.Fatalf("EmitC is not deterministic")
		}
	})
}

// TestCLoopOverflow: a loop whose last increment would pass INT32_MAX
// counts in int64_t; others in int32_t.
func TestCLoopOverflow(t *testing.T) {
	k, err := loop.Parse("kernel big(out y: f32[2]) {\n  for i in 2147483000..2147483647 step 1000 {\n    y[0] = 1.0\n  }\n  for j in 0..2 {\n    y[j] = 2.0\n  }\n}\n", nil)
	require.NoError(t, err)
	require.NoError(t, loop.Verify(k))
	f, err := EmitC(k)
	require.NoError(t, err)
	assert.Contains(t, f.C, "for (int64_t i = 2147483000; i < 2147483647; i += 1000)")
	assert.Contains(t, f.C, "for (int32_t j = 0; j < 2; j++)")
}
