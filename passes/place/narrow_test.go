package place_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
	"github.com/kiln-hls/kiln/passes/place"
)

// TestFixedPoint: at fixed<16,6> (issue 9's second precision) the models
// fit both parts too, and a 16-bit weight takes half the blocks of an f32
// one (2K×18 instead of 1K×36, UG473): the CNN's dense weight is 510
// RAMB36, still more than an xc7z020 has; narrow's lookup tables are
// constants placed like the others.
func TestFixedPoint(t *testing.T) {
	spec, err := passes.ParsePrecisionSpec("fixed<16,6>")
	require.NoError(t, err)
	for _, name := range models {
		t.Run(name, func(t *testing.T) {
			p, _, err := narrow.Apply(zoo(t, name), narrow.Options{Spec: spec})
			require.NoError(t, err)
			for _, cap := range []place.Capacity{zynq7020, u280} {
				q, r, err := place.Apply(p, place.Options{Capacity: cap})
				require.NoError(t, err)
				assert.LessOrEqual(t, r.BRAM36(), int64(cap.BRAM36))
				assert.LessOrEqual(t, r.URAM(), int64(cap.URAM))
				checkPlaced(t, q)
			}
			if name != "cnn" {
				return
			}
			_, r, err := place.Apply(p, place.Options{Capacity: u280})
			require.NoError(t, err)
			w, ok := r.Buffer("dense_layer_Gemm", "dense_layer_weight")
			require.True(t, ok)
			assert.Equal(t, int64(4080*256*16), w.Bits)
			assert.Equal(t, int64(510), w.Blocks)
			assert.Equal(t, loop.ROM, w.Space)
			ov, err := place.ParseOverrides("dense_layer_Gemm.dense_layer_weight=rom", "")
			require.NoError(t, err)
			_, _, err = place.Apply(p, place.Options{Capacity: zynq7020, Overrides: ov})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "16711680 bits = 510 BRAM36")
		})
	}
}
