package hls

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
)

// llParseKernel parses .kir text for a test.
func llParseKernel(t *testing.T, src string) *loop.Kernel {
	t.Helper()
	k, err := loop.Parse(src, looptest.Data(src))
	require.NoError(t, err)
	return k
}

// TestLLVMErrors: what the emitter refuses is an error naming the kernel
// and what is wrong, all of them at once.
func TestLLVMErrors(t *testing.T) {
	scale := llParseKernel(t, "kernel scale(in x: f32[4], out y: f32[4]) {\n  for i in 0..4 {\n    y[i] = x[i]\n  }\n}\n")
	expf := llParseKernel(t, "kernel expf(in x: f32[4], out y: f32[4]) {\n  for i in 0..4 {\n    y[i] = x[i]\n  }\n}\n")
	noData := llParseKernel(t, "kernel nodata(const w: f32[4] = {1.0, 2.0, 3.0, 4.0}, out y: f32[4]) {\n  for i in 0..4 {\n    y[i] = w[i]\n  }\n}\n")
	noData.Buffers[0].Init = nil
	huge := llParseKernel(t, "kernel huge(in x: f32[65536,65536], out y: f32[4]) {\n  for i in 0..4 {\n    y[i] = x[0, i]\n  }\n}\n")
	_, err := EmitLLVM("m", []*loop.Kernel{scale, scale, nil, expf, noData, huge})
	require.Error(t, err)
	for _, want := range []string{
		"kernel scale: defined twice",
		"nil kernel",
		"kernel expf: the name of a C library function",
		"kernel nodata: constant w has no data",
		"kernel huge: buffer x: [65536 65536] elements do not fit i32 indices",
	} {
		assert.Contains(t, err.Error(), want)
	}
}

// TestLLVMModule: several kernels make one module, in order, with their
// constants kept apart and each libm function declared once.
func TestLLVMModule(t *testing.T) {
	var ks []*loop.Kernel
	for _, name := range []string{"lstm_step", "conv1d_pad", "csr"} {
		b, err := os.ReadFile(filepath.Join("../ir/loop/testdata", name+".kir"))
		require.NoError(t, err)
		ks = append(ks, llParseKernel(t, string(b)))
	}
	ll, err := EmitLLVM("net", ks)
	require.NoError(t, err)
	assert.NoError(t, CheckBambu(ll))
	m, err := llParse(ll)
	require.NoError(t, err)
	var names []string
	for _, f := range m.Funcs {
		names = append(names, f.Name())
	}
	assert.Equal(t, []string{"lstm_step", "conv1d", "gcn", "expf", "fmaxf"}, names)
	assert.Len(t, m.Globals, 8)
}

// TestLLVMNoPanic: every kernel that parses, the invalid ones of
// ir/loop/testdata included, is emitted or refused with an error, and what
// is emitted passes the Bambu checker.
func TestLLVMNoPanic(t *testing.T) {
	files, err := filepath.Glob("../ir/loop/testdata/*.kir")
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		k, err := loop.Parse(string(b), looptest.Data(string(b)))
		if err != nil {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			ll, err := EmitLLVM("m", []*loop.Kernel{k})
			if err == nil {
				assert.NoError(t, CheckBambu(ll))
			}
		})
	}
}
