package sweep_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kiln-hls/kiln/sweep"
)

// bruteFront is the indices of the points no other point dominates.
func bruteFront(pts [][]float64) []int {
	var out []int
	for i, p := range pts {
		dominated := false
		for j, q := range pts {
			if j != i && sweep.Dominates(q, p) {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, i)
		}
	}
	return out
}

// TestFrontRandom compares the incremental front with a brute-force
// dominance check on random points: 1 to 5 objectives, values from a
// small set (many ties and duplicates) or continuous, several seeds.
func TestFrontRandom(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 99))
		dims := 1 + int(seed%5)
		n := 1 + r.IntN(400)
		levels := []int{3, 10, 0}[seed%3] // 0: continuous
		pts := make([][]float64, n)
		for i := range pts {
			pts[i] = make([]float64, dims)
			for d := range pts[i] {
				if levels == 0 {
					pts[i][d] = r.NormFloat64()
				} else {
					pts[i][d] = float64(r.IntN(levels))
				}
			}
		}
		f := sweep.NewFront[int]("a", "b", "c", "d", "e")
		f = sweep.NewFront[int](f.Objectives()[:dims]...)
		maxLen := 0
		for i, p := range pts {
			f.Add(sweep.Point[int]{Values: p, Item: i})
			maxLen = max(maxLen, f.Len())
		}
		var got []int
		for _, p := range f.Points() {
			got = append(got, p.Item)
		}
		slices.Sort(got)
		want := bruteFront(pts)
		assert.Equal(t, want, got, "seed %d: %d points in %d dimensions, %d levels", seed, n, dims, levels)
		// Each point on the front dominates no other on it.
		for _, p := range f.Points() {
			for _, q := range f.Points() {
				assert.False(t, sweep.Dominates(p.Values, q.Values))
			}
		}
	}
}

func TestFront(t *testing.T) {
	f := sweep.NewFront[string]("latency", "area")
	add := func(lat, area float64, name string) bool {
		return f.Add(sweep.Point[string]{Values: []float64{lat, area}, Item: name})
	}
	assert.True(t, add(10, 10, "a"))
	assert.True(t, add(5, 20, "b"), "a trade-off")
	assert.False(t, add(10, 11, "c"), "dominated by a")
	assert.True(t, add(10, 10, "a2"), "equal to a: kept")
	assert.True(t, add(4, 9, "d"), "dominates everything")
	assert.Equal(t, 1, f.Len())
	assert.Equal(t, "d", f.Points()[0].Item)
	assert.False(t, add(math.NaN(), 1, "nan"))
	assert.True(t, add(math.Inf(-1), 100, "inf"))
	assert.Equal(t, 2, f.Len())
	assert.Panics(t, func() { f.Add(sweep.Point[string]{Values: []float64{1}}) })
	assert.False(t, sweep.Dominates([]float64{1, 2}, []float64{1, 2}))
	assert.True(t, sweep.Dominates([]float64{1, 1}, []float64{1, 2}))
}
