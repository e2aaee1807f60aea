package passes_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/passes"
)

// TestPrecisionSpecFor: the lookup order of PrecisionSpec's "Meaning",
// role before All at each level, amp and int8/int16 expanded.
func TestPrecisionSpecFor(t *testing.T) {
	for _, tc := range []struct {
		spec, node        string
		weights, act, acc string
		quantAcc          bool
	}{
		{"fp16", "any", "fp16", "fp16", "fp16", false},
		{"amp", "any", "fp16", "fp16", "fp32", false},
		{"int8", "any", "int8", "int8", "fixed<32,32>", true},
		{"int16", "any", "int16", "int16", "fixed<32,32>", true},
		{"default=int8,acc=fixed<32,12>", "any", "int8", "int8", "fixed<32,12>", false},
		{"default=fixed<16,6>,acc=fixed<32,12>,weights=fixed<8,3>", "n", "fixed<8,3>", "fixed<16,6>", "fixed<32,12>", false},
		{"weights=bf16", "n", "bf16", "fp32", "fp32", false},
		// exact override beats prefixes and the default
		{"default=fp16,lstm=fixed<18,8>,ls*=bf16", "lstm", "fixed<18,8>", "fixed<18,8>", "fixed<18,8>", false},
		// exact override's role, then its All, before a prefix's role
		{"default=fp16,lstm.acc=fp32,ls*=bf16,ls*.weights=int8", "lstm", "int8", "bf16", "fp32", false},
		// the longest prefix first
		{"default=fp16,l*=bf16,lst*=amp", "lstm_1", "fp16", "fp16", "fp32", false},
		{"default=fp16,l*=bf16,lst*=amp", "lin", "bf16", "bf16", "bf16", false},
		{"default=fp16,l*=bf16,lst*=amp", "gemm", "fp16", "fp16", "fp16", false},
		// a role at a less specific level loses to All at a more specific one
		{"default=fp16,acc=fp32,lstm=int8", "lstm", "int8", "int8", "fixed<32,32>", true},
		{"default=fp16,acc=fp32,lstm=int8", "gemm", "fp16", "fp16", "fp32", false},
		{"lstm=int8:asym", "gemm", "fp32", "fp32", "fp32", false},
		{"lstm.weights=int8:channel", "lstm", "int8:channel", "fp32", "fp32", false},
	} {
		t.Run(tc.spec+"/"+tc.node, func(t *testing.T) {
			s, err := passes.ParsePrecisionSpec(tc.spec)
			require.NoError(t, err)
			r := s.For(tc.node)
			assert.Equal(t, tc.weights, r.Weights.String(), "weights")
			assert.Equal(t, tc.act, r.Act.String(), "act")
			assert.Equal(t, tc.acc, r.Acc.String(), "acc")
			assert.Equal(t, tc.quantAcc, r.QuantAcc, "quantAcc")
		})
	}
}

// TestPrecisionSpecForZero: the zero spec leaves everything fp32.
func TestPrecisionSpecForZero(t *testing.T) {
	r := passes.PrecisionSpec{}.For("x")
	fp32 := passes.Precision{Kind: passes.FP32}
	assert.Equal(t, passes.Resolved{Weights: fp32, Act: fp32, Acc: fp32}, r)
}
