package dtype

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every valid fixed type survives the trip through its kind, and its kind
// prints and parses as the type does.
func TestFixedKindRoundTrip(t *testing.T) {
	seen := map[Kind]Fixed{}
	for w := 1; w <= 64; w++ {
		for i := 0; i <= w; i++ {
			for _, u := range []bool{false, true} {
				for r := range numRoundings {
					for o := range numOverflows {
						f := Fixed{W: w, I: i, Unsigned: u, Round: r, Overflow: o}
						k := FixedKind(f)
						got, ok := k.Fixed()
						require.True(t, ok, "%v", f)
						require.Equal(t, f, got)
						require.True(t, k.Valid() && k.IsFixed() && k.Computable())
						require.False(t, k.IsInt() || k.IsFloat())
						require.Equal(t, ClassFixed, k.Class())
						require.Equal(t, w, k.Bits())
						back, ok := KindByName(k.String())
						require.True(t, ok, k.String())
						require.Equal(t, k, back)
						prev, dup := seen[k]
						require.False(t, dup, "%v and %v share kind %d", prev, f, k)
						seen[k] = f
					}
				}
			}
		}
	}
	for k := Invalid; k < numKinds; k++ {
		assert.False(t, k.IsFixed(), "%v", k)
	}
}

func TestFixedKindInvalidNumbers(t *testing.T) {
	for _, k := range []Kind{fixedFlag, fixedFlag | 65<<fixedWSh | 1, fixedFlag | 4<<fixedWSh | 9, fixedFlag | 3<<fixedRoundSh | 8<<fixedWSh} {
		_, ok := k.Fixed()
		assert.False(t, ok, "%#x", uint32(k))
		assert.False(t, k.Valid(), "%#x", uint32(k))
		assert.Equal(t, ClassNone, k.Class())
	}
	assert.Panics(t, func() { FixedKind(Fixed{W: 4, I: 9}) })
}

func TestFixedArray(t *testing.T) {
	k := FixedKind(Fixed{W: 8, I: 3, Round: RoundHalfEven, Overflow: Saturate})
	a := New(k, []int{3})
	a.Set(0, 1.30)     // 1.30·32 = 41.6 → 42
	a.Set(1, -9)       // below −4: saturates to −128
	a.Set(2, 0.015625) // 0.5 LSB, a tie: to even, 0
	assert.Equal(t, []int64{42, -128, 0}, a.I64)
	assert.Equal(t, 42.0/32, a.At(0))
	assert.Equal(t, int64(-128), a.Int(1))
	assert.Equal(t, []int64{0, 42}, a.Take([]int{2, 0}, []int{2}).I64)
	assert.Equal(t, int64(3), a.Bytes())
}
