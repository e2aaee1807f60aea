package loops_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
)

// TestSweepLowered runs every pass on every loop of the kernels that
// passes/lower's goldens hold (convolutions, pooling, CSR gathers with
// data-dependent bounds, casts, fixed point): tile sizes 1..5 (up to the
// trip count), unroll by 2 and 3 expanded and as a directive, full
// expansion of short loops, and every interchange of a perfect nest. Each
// result computes the same bits as the kernel on random inputs; the only
// errors allowed are the documented refusals.
func TestSweepLowered(t *testing.T) {
	files, err := filepath.Glob("../lower/testdata/*.kir")
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no passes/lower goldens")
	}
	counts := map[string]int{}
	for _, file := range files {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		k, err := loop.Parse(string(src), nil)
		if err != nil {
			continue // large constants print as data(count, hash)
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			want := hashKernel(t, k, 11)
			check := func(pass, what string, got *loop.Kernel, err error) {
				t.Helper()
				switch {
				case errors.Is(err, loops.ErrCarried):
					counts[pass+"-refused"]++
				case err != nil:
					assert.Regexp(t, "data-dependent|needs constant bounds", err.Error(), what)
					counts[pass+"-error"]++
				default:
					assert.Equal(t, want, hashKernel(t, got, 11), what)
					counts[pass]++
				}
			}
			li := loopsOf(k)
			for _, name := range li.names {
				for size := 1; size <= 5; size++ {
					if trip, ok := li.trip[name]; ok && size > trip {
						continue
					}
					got, err := loops.Tile(k, name, size)
					check("tile", "tile "+name, got, err)
				}
				for _, f := range []int{2, 3, loop.UnrollFull} {
					for _, expand := range []bool{false, true} {
						if f == loop.UnrollFull && li.trip[name]*li.stmts[name] > 4096 {
							continue
						}
						got, err := loops.Unroll(k, name, f, expand)
						check("unroll", "unroll "+name, got, err)
					}
				}
			}
			for _, pair := range li.perfect {
				got, err := loops.Interchange(k, pair[0], pair[1])
				check("interchange", "interchange "+pair[0]+","+pair[1], got, err)
			}
			for _, name := range li.names {
				for _, buf := range readIn(k, name) {
					got, err := loops.Copy(k, buf, name)
					if err != nil && copyRefusal.MatchString(err.Error()) {
						counts["copy-refused"]++
						continue
					}
					check("copy", "copy "+buf+" at "+name, got, err)
				}
			}
		})
	}
	t.Logf("%v", counts)
	assert.Positive(t, counts["interchange"])
	assert.Positive(t, counts["interchange-refused"])
	assert.Positive(t, counts["copy"])
	assert.Positive(t, counts["copy-refused"])
}
