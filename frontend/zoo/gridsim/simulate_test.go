package gridsim

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSteadyState: with no event the operating point is an equilibrium, so
// every bus stays at 60 Hz and at its load-flow voltage for 30 s.
func TestSteadyState(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		p    Params
	}{
		{"default", DefaultParams()},
		{"no governors, no added damping", Params{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadSystem(t)
			s.Params = tc.p
			tr, err := s.Simulate(Scenario{})
			require.NoError(t, err)
			require.Len(t, tr.Rows, Rows)
			for _, row := range tr.Rows {
				require.Len(t, row, Features)
				for i := range NumBuses {
					assert.InDelta(t, 60, float64(row[i]), 1e-6, "bus %d F", i+1)
					assert.InDelta(t, s.Buses[i].V, float64(row[NumBuses+i]), 1e-4, "bus %d Vm", i+1)
				}
			}
		})
	}
}

// TestPulse: a load increase makes the frequency dip, a decrease makes it
// rise; both stay bounded and settle near 60 Hz by 30 s, and the voltages stay
// near the operating point. The direction is checked on the inertia-weighted
// mean frequency of the generator buses at the end of the pulse (t = 1.30 s,
// sample 65 of the undropped run).
func TestPulse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		sc    Scenario
		p     Params
		below bool // a load increase
	}{
		{"load up at 20", Scenario{Buses: []int{20}, DeltaP: []float64{5}}, DefaultParams(), true},
		{"load down at 20", Scenario{Buses: []int{20}, DeltaP: []float64{-5}}, DefaultParams(), false},
		{"load up at 41, 52, no governors", Scenario{Buses: []int{41, 52}, DeltaP: []float64{4, 4}}, Params{DampingAdd: 2}, true},
		{"load down at 20, no governors", Scenario{Buses: []int{20}, DeltaP: []float64{-5}}, Params{DampingAdd: 2}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadSystem(t)
			s.Params = tc.p
			full, err := s.simulate(tc.sc, 0)
			require.NoError(t, err)
			var fh, h float64
			for _, m := range s.Machines {
				fh += m.HSys * float64(full.Rows[64][m.Bus-1])
				h += m.HSys
			}
			assert.Equal(t, tc.below, fh/h < 60-1e-3, "centre frequency at 1.30 s: %.5f Hz", fh/h)
			assert.Equal(t, !tc.below, fh/h > 60+1e-3, "centre frequency at 1.30 s: %.5f Hz", fh/h)
			kept := full.Rows[Dropped:]
			minF, maxF, minV, maxV := ranges(kept)
			if tc.below {
				assert.Less(t, minF, 59.995)
			} else {
				assert.Greater(t, maxF, 60.005)
			}
			assert.InDelta(t, 60, minF, 0.5)
			assert.InDelta(t, 60, maxF, 0.5)
			for i, f := range kept[len(kept)-1][:NumBuses] {
				assert.InDelta(t, 60, float64(f), 0.005, "bus %d F at 30 s", i+1)
			}
			assert.Greater(t, minV, 0.9)
			assert.Less(t, maxV, 1.1)
		})
	}
}

// TestScenarioRanges: drawn scenarios move the frequency by the README's
// ±0.02–0.2 Hz order of magnitude and keep Vm within about 0.9–1.1 pu.
func TestScenarioRanges(t *testing.T) {
	t.Parallel()
	s := loadSystem(t)
	var widest float64
	for i := range 6 {
		sc := s.Scenario(1, i)
		tr, err := s.Simulate(sc)
		require.NoError(t, err, "scenario %d", i)
		dev := math.Max(60-tr.MinF, tr.MaxF-60)
		widest = math.Max(widest, dev)
		assert.Greater(t, dev, 0.001, "scenario %d moves the frequency", i)
		assert.Less(t, dev, 0.5, "scenario %d", i)
		assert.Greater(t, tr.MinVm, 0.9, "scenario %d", i)
		assert.Less(t, tr.MaxVm, 1.1, "scenario %d", i)
	}
	assert.Greater(t, widest, 0.02, "the largest of the six reaches the README's range")
}

func ranges(rows [][]float32) (minF, maxF, minV, maxV float64) {
	minF, maxF, minV, maxV = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		for i := range NumBuses {
			f, v := float64(r[i]), float64(r[NumBuses+i])
			minF, maxF = math.Min(minF, f), math.Max(maxF, f)
			minV, maxV = math.Min(minV, v), math.Max(maxV, v)
		}
	}
	return minF, maxF, minV, maxV
}

// TestDeterministic: the same scenario gives the same trace, and Simulate is
// the undropped run less its first 100 samples.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	s := loadSystem(t)
	sc := s.Scenario(3, 1)
	a, err := s.Simulate(sc)
	require.NoError(t, err)
	b, err := s.Simulate(s.Scenario(3, 1))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	full, err := s.simulate(sc, 0)
	require.NoError(t, err)
	require.Len(t, full.Rows, Samples)
	assert.Equal(t, full.Rows[Dropped:], a.Rows)
	minF, maxF, minV, maxV := ranges(a.Rows)
	assert.Equal(t, [4]float64{minF, maxF, minV, maxV}, [4]float64{a.MinF, a.MaxF, a.MinVm, a.MaxVm}, "Trace ranges are over the kept rows")
}

func TestUnstable(t *testing.T) {
	t.Parallel()
	s := loadSystem(t)
	_, err := s.Simulate(Scenario{Buses: []int{20}, DeltaP: []float64{30}})
	var ue *UnstableError
	require.True(t, errors.As(err, &ue), "got %v", err)
	assert.InDelta(t, 1.1, ue.Time, 0.15, "during the pulse")
}

func TestSimulateErrors(t *testing.T) {
	s := loadSystem(t)
	for _, tc := range []struct {
		name string
		sc   Scenario
		want string
	}{
		{"lengths", Scenario{Buses: []int{1, 2}, DeltaP: []float64{1}}, "2 buses but 1 ΔP values"},
		{"bus 0", Scenario{Buses: []int{0}, DeltaP: []float64{1}}, "bus 0 is not in 1..68"},
		{"bus 69", Scenario{Buses: []int{69}, DeltaP: []float64{1}}, "bus 69 is not in 1..68"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Simulate(tc.sc)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestGenerate: the files do not depend on the number of workers.
func TestGenerate(t *testing.T) {
	t.Parallel()
	s := loadSystem(t)
	a, skA, err := s.Generate(2, 2, 1)
	require.NoError(t, err)
	b, skB, err := s.Generate(2, 2, 2)
	require.NoError(t, err)
	require.Len(t, a, 2)
	assert.Equal(t, a, b)
	assert.Equal(t, skA, skB)
	_, _, err = s.Generate(2, -1, 1)
	assert.Error(t, err)
}
