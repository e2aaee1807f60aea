package dtype

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBytesFor(t *testing.T) {
	for _, c := range []struct {
		name  string
		k     Kind
		shape []int
		want  int64
	}{
		{"scalar", F32, nil, 4},
		{"packed bits", I4, []int{3}, 2},
		{"overflow saturates", F32, []int{1 << 40, 1 << 40}, math.MaxInt64},
		// an empty tensor needs nothing, whatever comes before the zero
		{"empty after huge", F32, []int{1 << 40, 1 << 40, 0}, 0},
		{"empty before huge", F32, []int{0, 1 << 40, 1 << 40}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, BytesFor(c.k, c.shape))
		})
	}
}
