package narrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
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
				gemm := kernelNamed(t, p, "dense_layer_Gemm")
				assert.Equal(t, tc.act, bufKind(t, gemm, "Gather_1_output_0", "Reshape_output_0"))
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

// TestZooFixed: the built-in LSTM and CNN in fixed point, int8 and int16.
// fixed<W,I> truncates (ap_fixed's default), so every store into the
// fixed<16,6> accumulator drops up to 2^−10 toward −∞ and the LSTM's
// 136-long sums drift (measured: 0.22 LSTM, 0.64 CNN); fixed<24,10> has 14
// fraction bits (0.015, 0.045). int8 rounds to nearest with an exact int32
// accumulator (0.032, 0.023), int16 keeps 8 more bits (4.7e-4, 9e-5; the
// LSTM's was 0.0076 with the nearest of 1024 table entries, before tables
// interpolated). The bounds leave about 2× to 3× room.
func TestZooFixed(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		fixed16, fixed24, i8 float64 // bounds on the relative RMSE
		i16                  float64
	}{
		{"lstm", 0.5, 0.04, 0.07, 1.5e-3},
		{"cnn", 0.9, 0.09, 0.05, 0.002},
	} {
		m := zooModel(t, tc.name)
		errs := map[string]float64{}
		for _, spec := range []string{"fixed<16,6>", "fixed<24,10>", "int8", "int16"} {
			_, rep, got := narrowed(t, m, spec)
			errs[spec] = relRMSE(got, m.want)
			t.Logf("%s %s: relative RMSE %.3g", tc.name, spec, errs[spec])
			assert.Zero(t, rep.Fallbacks(), "%s %s: no division or two-input function", tc.name, spec)
			if tc.name == "lstm" {
				lstm := rep.Kernels[1]
				require.Equal(t, "lstm_layer_LSTM", lstm.Kernel)
				tables := 2 // one sigmoid and one tanh table
				if spec == "int8" {
					tables = 3 // the gates' activations (5 fraction bits) read the nearest entry, tanh(c) interpolates
				}
				assert.Equal(t, tables, lstm.LUTs, "%s: sigmoid and tanh tables", spec)
				assert.Equal(t, 5, lstm.LUTUses, "%s: three sigmoids, two tanhs", spec)
			} else {
				assert.Zero(t, rep.LUTs(), "the CNN has no non-linear operation")
			}
		}
		assert.Less(t, errs["fixed<16,6>"], tc.fixed16)
		assert.Less(t, errs["fixed<24,10>"], tc.fixed24)
		assert.Less(t, errs["int8"], tc.i8)
		assert.Less(t, errs["int16"], tc.i16)
		assert.Less(t, 5*errs["fixed<24,10>"], errs["fixed<16,6>"], "fixed<24,10> much closer than fixed<16,6>")
		assert.Less(t, 3*errs["int16"], errs["int8"], "int16 closer than int8")
	}
}

// TestZooReport: what kiln prints for the LSTM in fixed point.
func TestZooReport(t *testing.T) {
	m := zooModel(t, "lstm")
	s, err := passes.ParsePrecisionSpec("default=fixed<16,6>,/dense_layer/Gemm=int8")
	require.NoError(t, err)
	_, rep, err := narrow.Apply(m.p, narrow.Options{Spec: s, Ranges: m.ranges})
	require.NoError(t, err)
	text := rep.String()
	for _, want := range []string{
		"narrow-precision default=fixed<16,6>,/dense_layer/Gemm=int8: 7 kernels, 2 lookup tables, 0 float fallbacks",
		"lstm_layer_LSTM [/lstm_layer/LSTM]: weights fixed<16,6>, act fixed<16,6>, acc fixed<16,6>; 2 tables for 5 non-linear subexpressions",
		"dense_layer_Gemm [/dense_layer/Gemm]: weights int8, act int8, acc fixed<32,",
		"const dense_layer_weight: fixed<8,",
	} {
		assert.Contains(t, text, want)
	}
}

// TestNoMutation: Apply leaves its input program as it was (text, and the
// values of its constants) and shares no kernel or buffer with its output.
func TestNoMutation(t *testing.T) {
	m := zooModel(t, "lstm")
	before := m.p.String()
	inits := map[*dtype.Array]string{}
	for _, k := range m.p.Kernels {
		for _, b := range k.Buffers {
			if b.Init != nil {
				inits[b.Init] = b.Init.String()
			}
		}
	}
	for _, spec := range []string{"fp16", "fixed<16,6>", "int8", "int16:asym", "int8:channel", "int8:asym:channel"} {
		s, err := passes.ParsePrecisionSpec(spec)
		require.NoError(t, err)
		np, _, err := narrow.Apply(m.p, narrow.Options{Spec: s, Ranges: m.ranges})
		require.NoError(t, err)
		for i, k := range np.Kernels {
			assert.NotSame(t, m.p.Kernels[i], k)
			for j, b := range k.Buffers[:len(m.p.Kernels[i].Buffers)] {
				assert.NotSame(t, m.p.Kernels[i].Buffers[j], b)
			}
		}
		for i, b := range np.Buffers {
			assert.NotSame(t, m.p.Buffers[i], b)
		}
	}
	assert.Equal(t, before, m.p.String())
	for a, s := range inits {
		assert.Equal(t, s, a.String())
	}
}

// TestDeterministic: the same input gives the same program text and report.
func TestDeterministic(t *testing.T) {
	m := zooModel(t, "lstm")
	for _, spec := range []string{"amp", "fixed<18,8>", "int8", "default=int16,/lstm_layer/LSTM=bf16", "int8:asym", "int16:channel", "int8:asym:channel"} {
		s, err := passes.ParsePrecisionSpec(spec)
		require.NoError(t, err)
		var texts []string
		for range 3 {
			np, rep, err := narrow.Apply(m.p, narrow.Options{Spec: s, Ranges: m.ranges})
			require.NoError(t, err)
			texts = append(texts, np.String()+rep.String())
		}
		assert.Equal(t, texts[0], texts[1], spec)
		assert.Equal(t, texts[0], texts[2], spec)
	}
}
