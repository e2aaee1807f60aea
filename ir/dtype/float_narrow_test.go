package dtype

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var narrowKinds = []Kind{F16, BF16, F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, F4E2M1, F8E8M0}

// Every bit pattern decodes and re-encodes to itself, NaNs aside (they
// re-encode to a NaN pattern).
func TestBitsRoundTrip(t *testing.T) {
	for _, k := range narrowKinds {
		t.Run(k.String(), func(t *testing.T) {
			n := uint32(1) << k.Bits()
			for b := uint32(0); b < n; b++ {
				v := DecodeBits(k, b)
				got := EncodeBits(k, v)
				if math.IsNaN(float64(v)) {
					require.True(t, math.IsNaN(float64(DecodeBits(k, got))), "pattern %#x", b)
					continue
				}
				require.Equal(t, b, got, "pattern %#x value %v", b, v)
				require.Equal(t, float64(v), RoundFloat(k, float64(v), false), "pattern %#x is not a fixed point of RoundFloat", b)
			}
		})
	}
}

// BF16 is the top half of an f32.
func TestBF16IsTopHalf(t *testing.T) {
	for b := uint32(0); b < 1<<16; b++ {
		want := math.Float32frombits(b << 16)
		got := DecodeBits(BF16, b)
		if math.IsNaN(float64(want)) {
			assert.True(t, math.IsNaN(float64(got)))
			continue
		}
		require.Equal(t, want, got, "pattern %#x", b)
	}
}

// Values from the spec tables (technical-float8.md, technical-float4.md,
// IEEE 754 binary16).
func TestKnownPatterns(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		k    Kind
		bits uint32
		want float64
	}{
		{F16, 0x3c00, 1},
		{F16, 0x7bff, 65504},
		{F16, 0x0001, 0x1p-24},
		{F16, 0x7c00, inf},
		{F16, 0xc000, -2},
		{BF16, 0x3f80, 1},
		{BF16, 0x7f80, inf},
		{F8E4M3FN, 0x7e, 448},
		{F8E4M3FN, 0x01, 0x1p-9},
		{F8E4M3FN, 0x38, 1},
		{F8E4M3FN, 0xfe, -448},
		{F8E4M3FNUZ, 0x7f, 240},
		{F8E4M3FNUZ, 0x01, 0x1p-10},
		{F8E4M3FNUZ, 0x40, 1},
		{F8E5M2, 0x7b, 57344},
		{F8E5M2, 0x7c, inf},
		{F8E5M2, 0xfc, -inf},
		{F8E5M2, 0x01, 0x1p-16},
		{F8E5M2, 0x3c, 1},
		{F8E5M2FNUZ, 0x7f, 57344},
		{F8E5M2FNUZ, 0x01, 0x1p-17},
		{F8E5M2FNUZ, 0x40, 1},
		{F4E2M1, 0x1, 0.5},
		{F4E2M1, 0x2, 1},
		{F4E2M1, 0x3, 1.5},
		{F4E2M1, 0x4, 2},
		{F4E2M1, 0x5, 3},
		{F4E2M1, 0x6, 4},
		{F4E2M1, 0x7, 6},
		{F4E2M1, 0xf, -6},
		{F8E8M0, 0x7f, 1},
		{F8E8M0, 0x00, 0x1p-127},
		{F8E8M0, 0xfe, 0x1p127},
	}
	for _, tt := range tests {
		assert.Equal(t, float32(tt.want), DecodeBits(tt.k, tt.bits), "%v %#x", tt.k, tt.bits)
	}
	nans := []struct {
		k    Kind
		bits uint32
	}{{F8E4M3FN, 0x7f}, {F8E4M3FN, 0xff}, {F8E4M3FNUZ, 0x80}, {F8E5M2, 0x7d}, {F8E5M2, 0x7e}, {F8E5M2FNUZ, 0x80}, {F8E8M0, 0xff}, {F16, 0x7e00}}
	for _, tt := range nans {
		assert.True(t, math.IsNaN(float64(DecodeBits(tt.k, tt.bits))), "%v %#x", tt.k, tt.bits)
	}
}

// The Cast tables of Operators.md (float 8, float 4) and IEEE rounding.
func TestRoundFloat(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		k        Kind
		v        float64
		saturate bool
		want     float64
	}{
		{F8E4M3FN, inf, true, 448},
		{F8E4M3FN, -inf, true, -448},
		{F8E4M3FN, inf, false, nan},
		{F8E4M3FN, 1e6, true, 448},
		{F8E4M3FN, 1e6, false, nan},
		{F8E4M3FN, 464, false, 448}, // tie between 448 (even) and 480
		{F8E4M3FN, 465, false, nan},
		{F8E4M3FN, 0.3, true, 0.3125},
		{F8E4M3FN, 1e-7, true, 0},
		{F8E4M3FNUZ, inf, true, 240},
		{F8E4M3FNUZ, 1e6, false, nan},
		{F8E4M3FNUZ, -1e-7, true, 0},
		{F8E5M2, inf, false, inf},
		{F8E5M2, 1e6, false, inf},
		{F8E5M2, -1e6, false, -inf},
		{F8E5M2, 1e6, true, 57344},
		{F8E5M2, 61440, false, inf}, // tie, rounds to even = 2^16
		{F8E5M2FNUZ, -inf, false, nan},
		{F8E5M2FNUZ, -1e6, true, -57344},
		{F16, 65519, false, 65504},
		{F16, 65520, true, inf}, // saturate does not apply to f16
		{F16, 1.0 + 0x1p-11, false, 1},
		{F16, 1.0 + 3*0x1p-11, false, 1 + 0x1p-9},
		{F16, 0x1p-25, false, 0},
		{F16, 0x1.8p-25, false, 0x1p-24},
		{BF16, 1.0 + 0x1p-8, false, 1},
		{BF16, 1.0 + 3*0x1p-8, false, 1 + 0x1p-6},
		{F4E2M1, 2.5, false, 2},
		{F4E2M1, 3.5, false, 4},
		{F4E2M1, 5, false, 4},
		{F4E2M1, 5.1, false, 6},
		{F4E2M1, 9, false, 6},
		{F4E2M1, -inf, false, -6},
		{F4E2M1, nan, false, math.Copysign(0, -1)}, // ONNX backend tests, not technical-float4.md
		{F4E2M1, 0.25, false, 0},
		{F4E2M1, 0.26, false, 0.5},
	}
	for _, tt := range tests {
		got := RoundFloat(tt.k, tt.v, tt.saturate)
		if math.IsNaN(tt.want) {
			assert.True(t, math.IsNaN(got), "%v(%v, sat=%v) = %v", tt.k, tt.v, tt.saturate, got)
			continue
		}
		assert.Equal(t, tt.want, got, "%v(%v, sat=%v)", tt.k, tt.v, tt.saturate)
	}
	assert.True(t, math.Signbit(RoundFloat(F8E4M3FN, math.Copysign(0, -1), true)), "E4M3FN keeps -0")
	assert.False(t, math.Signbit(RoundFloat(F8E4M3FNUZ, math.Copysign(0, -1), true)), "E4M3FNUZ has no -0")
	assert.Equal(t, uint32(0x80), EncodeBits(F8E5M2FNUZ, float32(nan)))
	assert.Equal(t, uint32(0x7f), EncodeBits(F8E4M3FN, float32(nan)))
	assert.Equal(t, uint32(0x00), EncodeBits(F8E4M3FNUZ, float32(math.Copysign(0, -1))))
}

func TestRoundE8M0(t *testing.T) {
	tests := []struct {
		v        float64
		mode     string
		saturate bool
		want     float64
	}{
		{1, "up", true, 1},
		{1.1, "up", true, 2},
		{1.1, "down", true, 1},
		{1.4, "nearest", true, 1},
		{1.5, "nearest", true, 2},
		{3, "down", false, 2},
		{0, "up", true, 0x1p-127},
		{0, "nearest", false, math.NaN()},
		{math.Inf(1), "up", true, 0x1p127},
		{math.Inf(1), "nearest", false, math.NaN()},
		{0x1.8p127, "up", true, 0x1p127},
		{0x1.8p127, "up", false, math.NaN()},
		{math.NaN(), "up", true, math.NaN()},
	}
	for _, tt := range tests {
		got := RoundE8M0(tt.v, tt.mode, tt.saturate)
		if math.IsNaN(tt.want) {
			assert.True(t, math.IsNaN(got), "%v %s %v: %v", tt.v, tt.mode, tt.saturate, got)
			continue
		}
		assert.Equal(t, tt.want, got, "%v %s %v", tt.v, tt.mode, tt.saturate)
	}
}
