package place_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/targets"
)

// TestCapacityOf: the capacities the tests use are those targets gives
// the two parts; an ASIC has no on-chip limit, so the CNN stays on chip.
func TestCapacityOf(t *testing.T) {
	for _, c := range []struct {
		device string
		want   place.Capacity
	}{{"xc7z020-1clg484-VVD", zynq7020}, {"xcu280-2Lfsvh2892-VVD", u280}} {
		d, err := targets.Lookup(c.device)
		require.NoError(t, err)
		got, err := place.CapacityOf(d)
		require.NoError(t, err)
		assert.Equal(t, c.want, got, c.device)
	}
	d, err := targets.Lookup("nangate45")
	require.NoError(t, err)
	c, err := place.CapacityOf(d)
	require.NoError(t, err)
	assert.Equal(t, int64(math.MaxInt64), c.SRAMBits)
	q, r, err := place.Apply(zoo(t, "cnn"), place.Options{Capacity: c})
	require.NoError(t, err)
	assert.Equal(t, loop.ROM, spaces(q)["dense_layer_Gemm.dense_layer_weight"])
	assert.Contains(t, r.String(), "on-chip SRAM without limit, registers unlimited")
	_, err = place.CapacityOf(targets.Device{Name: "bare", Kind: targets.FPGA})
	assert.ErrorContains(t, err, "place: device bare: no on-chip memory")
}
