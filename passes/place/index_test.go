package place_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
)

// csrSrc is a sparse matrix times x in CSR form (each value counted
// twice): rowptr is read in a loop bound and col in an index, val only as
// data, and more often per element than either.
const csrSrc = `kernel gcn(in x: f32[5,2], out y: f32[5,2]) {
  const rowptr: i32[6] rom = {0, 2, 3, 5, 6, 8}
  const col: i32[8] rom = {0, 1, 1, 0, 2, 3, 3, 4}
  const val: f32[8] rom = {0.5, 0.5, 1.0, 0.25, 0.75, 1.0, 0.5, 0.5}
  temp acc: f32 reg
  for i in 0..5 parallel {
    for f in 0..2 {
      acc = 0.0
      for p in rowptr[i]..rowptr[i + 1] {
        acc = acc + val[p] * x[col[p], f] + val[p]
      }
      y[i, f] = acc
    }
  }
}`

// TestIndexArraysStayOnChip: a constant read in an index or a loop bound
// stays on chip (rom) under auto and offchip-weights however little room
// there is, with its own reason, while the data array beside it goes off
// chip though it has more reuse (the index arrays are placed first); Externalize then has nothing left off chip that is not a
// parameter. Registers off (RegisterBits −1) so that the arrays compete
// for memory.
func TestIndexArraysStayOnChip(t *testing.T) {
	p := oneKernel(t, csrSrc)
	for _, c := range []struct {
		name string
		opt  place.Options
	}{
		{"offchip-weights", place.Options{Capacity: zynq7020, Policy: place.OffChipWeights, WeightBits: 32, RegisterBits: -1, DistRAMBits: -1}},
		{"auto, one block", place.Options{Capacity: place.Capacity{BRAM36: 2, Ports: 2}, RegisterBits: -1, DistRAMBits: -1}},
		{"auto, sram", place.Options{Capacity: place.Capacity{SRAMBits: 6*32 + 8*32}, RegisterBits: -1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, r, err := place.Apply(p, c.opt)
			require.NoError(t, err)
			s := spaces(q)
			for _, n := range []string{"rowptr", "col"} {
				assert.Equal(t, loop.ROM, s["gcn."+n], n)
				bp, ok := r.Buffer("gcn", n)
				require.True(t, ok)
				assert.Equal(t, place.IndexArray, bp.Why, n)
			}
			assert.Equal(t, loop.OffChip, s["gcn.val"], "val is read as data only: it competes (and loses)")
			x, err := place.Externalize(q)
			require.NoError(t, err)
			for id, b := range x.Kernels[0].Buffers {
				if b.Space == loop.OffChip {
					assert.Contains(t, x.Kernels[0].Params, loop.BufID(id), "%s off chip but kept in the kernel", b.Name)
				}
			}
		})
	}
}

// TestIndexArraysRefuseOffChip: an override sending an index array off
// chip is refused, naming the buffer and why; one sending the data array
// off chip is not; an index array with no room on chip is an error under
// auto too, not a silent move off chip.
func TestIndexArraysRefuseOffChip(t *testing.T) {
	p := oneKernel(t, csrSrc)
	for _, text := range []string{"gcn.rowptr=offchip", "gcn.col=offchip"} {
		ov, err := place.ParseOverrides(text, "--place")
		require.NoError(t, err)
		_, _, err = place.Apply(p, place.Options{Capacity: zynq7020, Overrides: ov})
		require.Error(t, err, text)
		assert.Contains(t, err.Error(), "--place "+text)
		assert.Contains(t, err.Error(), "cannot go off chip: it is read in an index: the emitters need its data to prove bounds")
	}
	ov, err := place.ParseOverrides("gcn.val=offchip,gcn.col=rom", "--place")
	require.NoError(t, err)
	q, _, err := place.Apply(p, place.Options{Capacity: zynq7020, Overrides: ov})
	require.NoError(t, err)
	assert.Equal(t, loop.OffChip, spaces(q)["gcn.val"])
	assert.Equal(t, loop.ROM, spaces(q)["gcn.col"])

	_, _, err = place.Apply(p, place.Options{Capacity: place.Capacity{SRAMBits: 100}, RegisterBits: -1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "kernel gcn buffer rowptr (i32[6], 192 bits")
	assert.Contains(t, err.Error(), "needed by its use in an index (the emitters need its data to prove bounds, so it cannot go off chip)")
}

// TestSTGCNIndexArrays: the STGCN's sparse graph matmuls keep their CSR
// arrays on chip on the xc7z020 under offchip-weights, and everything
// placed off chip is externalized.
func TestSTGCNIndexArrays(t *testing.T) {
	p := zoo(t, "stgcn")
	q, r, err := place.Apply(p, place.Options{Capacity: zynq7020, Policy: place.OffChipWeights})
	require.NoError(t, err)
	n := 0
	for _, b := range r.Buffers {
		if b.Why == place.IndexArray {
			n++
			assert.NotEqual(t, loop.OffChip, b.Space, "%s.%s", b.Kernel, b.Name)
		}
	}
	assert.GreaterOrEqual(t, n, 2, "a CSR matmul has row pointers and columns")
	x, err := place.Externalize(q)
	require.NoError(t, err)
	for _, k := range x.Kernels {
		for id, b := range k.Buffers {
			if b.Space == loop.OffChip {
				assert.Contains(t, k.Params, loop.BufID(id), "%s.%s off chip but kept in the kernel", k.Name, b.Name)
			}
		}
	}
}
