package place_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
)

// TestRandomCapacities: on random capacities (fixed seed) the default
// policy never fails on the built-in models but for an index array (a CSR
// matrix's row pointers and columns, which cannot go off chip) on a part
// too small for it, and never takes more than the
// capacity: blocks, URAM, SRAM bits and register bits (at least the
// STGCN's 576 bits of scalars, which must be registers); the report's
// per-space sums agree with its buffers.
func TestRandomCapacities(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 27))
	for _, name := range models {
		p := zoo(t, name)
		for range 40 {
			c := place.Capacity{BRAM36: rng.IntN(300), Ports: 2, RegisterBits: int64(640 + rng.IntN(200))}
			if rng.IntN(2) == 0 {
				c.URAM = rng.IntN(100)
			}
			if rng.IntN(4) == 0 {
				c = place.Capacity{SRAMBits: rng.Int64N(1 << 24), RegisterBits: c.RegisterBits}
			}
			q, r, err := place.Apply(p, place.Options{Capacity: c, RegisterBits: rng.IntN(200) - 50})
			if err != nil && name == "stgcn" && c.BRAM36 < 4 && c.SRAMBits < 1<<14 {
				require.ErrorContains(t, err, "needed by its use in an index", "%s on %+v", name, c)
				continue
			}
			require.NoError(t, err, "%s on %+v", name, c)
			assert.LessOrEqual(t, r.BRAM36(), int64(c.BRAM36))
			assert.LessOrEqual(t, r.URAM(), int64(c.URAM))
			assert.LessOrEqual(t, r.Space(loop.Register).Bits, c.RegisterBits)
			var sram, bits [5]int64
			for _, b := range r.Buffers {
				if b.Memory == place.SRAM {
					sram[0] += b.Bits
				}
				bits[b.Space] += b.Bits
			}
			assert.LessOrEqual(t, sram[0], c.SRAMBits)
			for _, u := range r.Spaces {
				assert.Equal(t, bits[u.Space], u.Bits, "%v", u.Space)
			}
			checkPlaced(t, q)
		}
	}
}
