package dtype

import "fmt"

// Sub-byte elements (u4, i4, f4e2m1: 4 bits; u2, i2: 2 bits) are stored
// little-endian within a byte: the first element in the lowest bits, the
// unused high bits of the last byte zero (ONNX technical-int4.md,
// technical-int2.md, technical-float4.md).

// PackedBytes is the number of bytes n elements of width bits (1..8) take.
func PackedBytes(n int, bits int) int { return (n*bits + 7) / 8 }

// Pack packs the low bits of each code into bytes, little-endian. bits must
// be 1, 2, 4 or 8.
func Pack(codes []uint8, bits int) []byte {
	checkBits(bits)
	out := make([]byte, PackedBytes(len(codes), bits))
	per := 8 / bits
	mask := uint8(1)<<bits - 1
	for i, c := range codes {
		out[i/per] |= (c & mask) << (uint(i%per) * uint(bits))
	}
	return out
}

// Unpack extracts n codes of width bits from packed bytes, little-endian.
// It returns an error when data is shorter than n elements need.
func Unpack(data []byte, n int, bits int) ([]uint8, error) {
	checkBits(bits)
	if len(data) < PackedBytes(n, bits) {
		return nil, fmt.Errorf("%d bytes hold fewer than %d %d-bit elements", len(data), n, bits)
	}
	per := 8 / bits
	mask := uint8(1)<<bits - 1
	out := make([]uint8, n)
	for i := range out {
		out[i] = data[i/per] >> (uint(i%per) * uint(bits)) & mask
	}
	return out, nil
}

// SignExtend interprets the low bits of c as a two's complement number.
func SignExtend(c uint8, bits int) int64 {
	return int64(int8(c<<(8-bits)) >> (8 - bits))
}

func checkBits(bits int) {
	if bits != 1 && bits != 2 && bits != 4 && bits != 8 {
		panic(fmt.Sprintf("dtype: cannot pack %d-bit elements", bits))
	}
}
