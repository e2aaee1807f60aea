package place_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/passes/place"
)

// BenchmarkApply: placing each built-in model on the xc7z020 afresh
// (Apply verifies its input and result, and counts every kernel's
// accesses), and again through a Memo that has seen its kernels.
func BenchmarkApply(b *testing.B) {
	for _, name := range models {
		m, err := lowertestZoo(name)
		require.NoError(b, err)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_, _, err := place.Apply(m, place.Options{Capacity: zynq7020})
				require.NoError(b, err)
			}
		})
		b.Run(name+"/memo", func(b *testing.B) {
			var memo place.Memo
			for b.Loop() {
				_, err := memo.Place(m, place.Options{Capacity: zynq7020})
				require.NoError(b, err)
			}
		})
	}
}

func lowertestZoo(name string) (*loop.Program, error) {
	m, err := lowertest.Zoo(name, 1)
	if err != nil {
		return nil, err
	}
	return m.Program, nil
}
