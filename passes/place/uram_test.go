package place_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
)

// TestUltraRAMMarked: every buffer the report puts in UltraRAM is marked
// so in the placed program (loop.Buffer.UltraRAM, which the simulator
// counts), and no other; Memo.Place marks the same, and placing again
// with the marks in place keeps them.
func TestUltraRAMMarked(t *testing.T) {
	p := zoo(t, "stgcn")
	opt := place.Options{Capacity: place.Capacity{BRAM36: 2016, URAM: 960, Ports: 2}, Policy: place.Auto}
	q, rep, err := place.Apply(p, opt)
	require.NoError(t, err)
	marked := map[string]bool{}
	for _, k := range q.Kernels {
		for _, b := range k.Buffers {
			if b.UltraRAM {
				marked[k.Name+"."+b.Name] = true
			}
		}
	}
	for _, b := range q.Buffers {
		if b.UltraRAM {
			marked[b.Name] = true
		}
	}
	want := map[string]bool{}
	for _, b := range rep.Buffers {
		if b.Memory == place.URAM {
			name := b.Name
			if b.Kernel != "" {
				name = b.Kernel + "." + b.Name
			}
			want[name] = true
		}
	}
	require.NotEmpty(t, want, "the STGCN's large activations go to UltraRAM on a U280-sized part")
	assert.Equal(t, want, marked)
	for _, k := range q.Kernels {
		require.NoError(t, loop.Verify(k))
	}

	var m place.Memo
	r, err := m.Place(p, opt)
	require.NoError(t, err)
	assert.Equal(t, q.String(), r.String(), "Memo.Place marks what Apply marks")
	again, _, err := place.Apply(q, opt)
	require.NoError(t, err)
	assert.Equal(t, q.String(), again.String())

	none, _, err := place.Apply(q, place.Options{Capacity: place.Capacity{BRAM36: 1 << 20, Ports: 2}, Policy: place.Auto})
	require.NoError(t, err)
	assert.NotContains(t, none.String(), " uram", "a part without UltraRAM unmarks them")
}
