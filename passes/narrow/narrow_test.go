package narrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// TestZooFloat: the built-in LSTM and CNN narrowed to the float formats
// run on the interpreter and stay close to the f32 program. Bounds: fp16
// and bf16 keep 11 and 8 significant bits (unit roundoff 2^−11 ≈ 4.9e-4
// and 2^−8 ≈ 3.9e-3); errors grow over the LSTM's 60 steps, so fp16 is
// held to 1e-2 and bf16 to 5e-2; amp's f32 sums make it no worse than fp16.
func TestZooFloat(t *testing.T) {
	for _, name := range []string{"lstm", "cnn"} {
		m := zooModel(t, name)
		for _, tc := range []struct {
			spec     string
			lo, hi   float64 // the relative RMSE is within [lo, hi)
			act, acc dtype.Kind
		}{
			{"fp32", 0, 1e-12, dtype.F32, dtype.F32},
			{"fp16", 1e-5, 1e-2, dtype.F16, dtype.F16},
			{"amp", 1e-5, 1e-2, dtype.F16, dtype.F32},
			{"bf16", 1e-4, 5e-2, dtype.BF16, dtype.BF16},
		} {
			t.Run(name+"/"+tc.spec, func(t *testing.T) {
				p, rep, got := narrowed(t, m, tc.spec)
				e := relRMSE(got, m.want)
				t.Logf("%s %s: relative RMSE %.3g", name, tc.spec, e)
				assert.GreaterOrEqual(t, e, tc.lo)
				assert.Less(t, e, tc.hi)
				assert.Zero(t, rep.LUTs(), "float formats need no tables")
				assert.Zero(t, rep.Fallbacks())
				gemm := kernelNamed(t, p, "_dense_layer_Gemm")
				assert.Equal(t, tc.act, bufKind(t, gemm, "_Gather_1_output_0", "_Reshape_output_0"))
				assert.Equal(t, tc.acc, bufKind(t, gemm, "acc"))
				assert.Equal(t, dtype.F32, p.Buffers[p.Params[0]].Kind, "model input")
				assert.Equal(t, dtype.F32, p.Buffers[p.Params[1]].Kind, "model output")
			})
		}
	}
}

func kernelNamed(t *testing.T, p *loop.Program, name string) *loop.Kernel {
	t.Helper()
	for _, k := range p.Kernels {
		if k.Name == name {
			return k
		}
	}
	require.Failf(t, "no kernel", "%s", name)
	return nil
}

// bufKind is the kind of the first of names that k has.
func bufKind(t *testing.T, k *loop.Kernel, names ...string) dtype.Kind {
	t.Helper()
	for _, n := range names {
		if id, ok := k.Buffer(n); ok {
			return k.Buffers[id].Kind
		}
	}
	require.Failf(t, "no buffer", "%s has none of %v", k.Name, names)
	return dtype.Invalid
}
