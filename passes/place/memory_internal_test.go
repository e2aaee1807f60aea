package place

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// TestBlocks checks the block counts against UG473's RAMB36 aspect ratios
// (32K×1 … 1K×36, 512×72) and UG573's 4K×72 UltraRAM.
func TestBlocks(t *testing.T) {
	cases := []struct {
		n, w       int64
		bram, uram int64
	}{
		{32768, 1, 1, 8}, {32769, 1, 2, 9},
		{16384, 2, 1, 4}, {8192, 4, 1, 2}, {4096, 9, 1, 1}, {4096, 8, 1, 1},
		{2048, 18, 1, 1}, {2048, 16, 1, 1}, {1024, 36, 1, 1}, {1024, 32, 1, 1},
		{1025, 32, 2, 1}, {512, 72, 1, 1}, {513, 72, 2, 1}, {1024, 64, 2, 1},
		{512, 73, 2, 2}, {4096, 72, 8, 1}, {4097, 72, 9, 2}, {1044480, 32, 1020, 255},
		{1, 1, 1, 1},
	}
	for _, c := range cases {
		assert.Equal(t, c.bram, bram36(c.n, c.w), "bram36(%d, %d)", c.n, c.w)
		assert.Equal(t, c.uram, uramBlocks(c.n, c.w), "uram(%d, %d)", c.n, c.w)
	}
}

// TestFootprintBanks: each bank of a partitioned buffer is a memory of its
// own, with its own blocks.
func TestFootprintBanks(t *testing.T) {
	cases := []struct {
		name  string
		part  []loop.Partition
		banks int64
		bram  int64
	}{
		{"none", nil, 1, 2},
		{"cyclic4", []loop.Partition{{Scheme: loop.Cyclic, Factor: 4, Dim: 0}}, 4, 4},
		{"block2", []loop.Partition{{Scheme: loop.Block, Factor: 2, Dim: 1}}, 2, 2},
		{"complete0", []loop.Partition{{Scheme: loop.Complete, Dim: 0}}, 16, 16},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &loop.Buffer{Name: "a", Kind: dtype.F32, Shape: []int{16, 128}, Partition: c.part}
			f := footprintOf(b)
			assert.Equal(t, int64(2048), f.elems)
			assert.Equal(t, int64(65536), f.bits)
			assert.Equal(t, c.banks, f.banks)
			assert.Equal(t, c.bram, f.blocks(BRAM))
		})
	}
}
