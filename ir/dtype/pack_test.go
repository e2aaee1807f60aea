package dtype

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPack(t *testing.T) {
	tests := []struct {
		name   string
		bits   int
		codes  []uint8
		packed []byte
	}{
		// ONNX technical-int4.md: pack(x, y) = y<<4 | x&0x0f.
		{"4-bit even", 4, []uint8{0x1, 0x2, 0xf, 0x0}, []byte{0x21, 0x0f}},
		{"4-bit odd pads high nibble", 4, []uint8{0x7, 0x8, 0x9}, []byte{0x87, 0x09}},
		// technical-int2.md: first element in bits 0-1.
		{"2-bit", 2, []uint8{1, 2, 3, 0, 3}, []byte{0x39, 0x03}},
		{"empty", 4, nil, []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.packed, Pack(tt.codes, tt.bits))
			got, err := Unpack(tt.packed, len(tt.codes), tt.bits)
			require.NoError(t, err)
			assert.Equal(t, append([]uint8{}, tt.codes...), got)
		})
	}
	_, err := Unpack([]byte{0}, 3, 4)
	assert.Error(t, err)
}

func TestSignExtend(t *testing.T) {
	assert.Equal(t, int64(-8), SignExtend(0x8, 4))
	assert.Equal(t, int64(7), SignExtend(0x7, 4))
	assert.Equal(t, int64(-1), SignExtend(0x3, 2))
	assert.Equal(t, int64(1), SignExtend(0x1, 2))
	assert.Equal(t, int64(-128), SignExtend(0x80, 8))
}
