package gridsim

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScenario(t *testing.T) {
	s := loadSystem(t)
	for i := range 12 {
		sc := s.Scenario(7, i)
		t.Run(string(rune('a'+i)), func(t *testing.T) {
			assert.Equal(t, sc, s.Scenario(7, i), "same (seed, index), same scenario")
			assert.Equal(t, 1+i%4, sc.Hops)
			assert.Equal(t, stdFactors[(i/4)%3], sc.K)
			assert.GreaterOrEqual(t, len(sc.Buses), 3)
			assert.LessOrEqual(t, len(sc.Buses), 7)
			assert.Len(t, sc.DeltaP, len(sc.Buses))
			assert.True(t, slices.IsSorted(sc.Buses) && len(slices.Compact(slices.Clone(sc.Buses))) == len(sc.Buses), "distinct, ascending: %v", sc.Buses)
			for j, b := range sc.Buses {
				assert.Positive(t, s.Buses[b-1].PLoad, "bus %d carries a load", b)
				assert.LessOrEqual(t, s.Hops[b-1], sc.Hops)
				assert.GreaterOrEqual(t, s.Hops[b-1], min(sc.Hops, 3), "4-hop case widens to 3 hops only")
				assert.NotZero(t, sc.DeltaP[j])
			}
		})
	}
	assert.NotEqual(t, s.Scenario(1, 0), s.Scenario(2, 0), "the seed matters")
}
