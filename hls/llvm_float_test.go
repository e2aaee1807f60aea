package hls

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/types"
	"github.com/stretchr/testify/require"
)

// TestLLFloatPrintsAsLLIR: llFloat prints every value as llir's
// constant.Float prints it: special values, decimals that are exact and
// not, and 80,000 random floats and doubles.
func TestLLFloatPrintsAsLLIR(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 0.1, 1e-45, 3e38, 1e300, 5e-324, 123456789,
		math.Inf(1), math.Inf(-1), math.NaN(), math.Copysign(math.NaN(), -1), 1 << 24, 1<<24 + 2, 1e7, 1e6, 1e-5}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		vals = append(vals, float64(math.Float32frombits(r.Uint32())), math.Float64frombits(r.Uint64()),
			float64(float32(r.NormFloat64())), float64(r.IntN(2000)-1000)/64)
	}
	for _, v := range vals {
		for _, ty := range []*types.FloatType{types.Float, types.Double} {
			if ty == types.Float && !math.IsNaN(v) && float64(float32(v)) != v {
				continue
			}
			want := constant.NewFloat(ty, v).Ident()
			got := (&llFloat{t: ty, v: v}).Ident()
			require.Equal(t, want, got, "%v %b", ty, v)
		}
	}
}
