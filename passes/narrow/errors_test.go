package narrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

const bigWeights = `kernel scale(in x: f32[2], out y: f32[2]) {
  const w: f32[2] = {1000.0, -3.5}
  for i in 0..2 {
    y[i] = x[i] * w[i]
  }
}`

// TestErrors: what Apply does not do says so, naming the layer, tensor
// or constant, and never panics.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		kir, src   string // a testdata kernel, or kernel text
		opt        narrow.Options
		noRanges   bool
		want       []string
	}{
		{name: "no range", spec: "int8", kir: "gemm", noRanges: true, want: []string{`tensor "x"`, "calibration data"}},
		{name: "act only", spec: "default=fp32,act=int16", kir: "silu", noRanges: true, want: []string{`tensor "x"`, "no calibrated range"}},
		{name: "lut step", spec: "fixed<16,6>", kir: "silu", opt: narrow.Options{LUTSize: 1000}, want: []string{"not a power of two"}},
		{name: "lut range", spec: "fixed<16,6>", kir: "silu", opt: narrow.Options{LUTLo: 2, LUTHi: -2}, want: []string{"low below high"}},
		{name: "lut size", spec: "fixed<16,6>", kir: "silu", opt: narrow.Options{LUTSize: -4}, want: []string{"LUTSize -4"}},
		{name: "int8 weights too big", spec: "int8", src: bigWeights, want: []string{"constant w", "max-abs 1000", "int8"}},
		{name: "int8 channel too big", spec: "int8:channel", src: bigWeights, want: []string{"constant w", "max-abs 1000", "per channel: channel 0: max-abs 1000"}},
		{name: "ufixed64", spec: "ufixed<64,8>", kir: "gemm", want: []string{"ufixed<64,8>", "63 bits"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p *loop.Program
			if tc.kir != "" {
				p = kernelProgram(t, tc.kir)
			} else {
				p = parseProgram(t, tc.src, "scale")
			}
			s, err := passes.ParsePrecisionSpec(tc.spec)
			require.NoError(t, err)
			opt := tc.opt
			opt.Spec = s
			if !tc.noRanges {
				opt.Ranges = wide(p)
			}
			before := p.String()
			np, rep, err := narrow.Apply(p, opt)
			require.Error(t, err)
			t.Log(err)
			assert.Nil(t, np)
			assert.Nil(t, rep)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, before, p.String())
		})
	}
	_, _, err := narrow.Apply(nil, narrow.Options{})
	assert.ErrorContains(t, err, "no program")
}
