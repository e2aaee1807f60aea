package gridsim

import (
	"math/rand/v2"
	"slices"
)

// Scenario is one load-pulse event: ΔP (pu, 100 MVA base, positive = more
// load) at a few load buses from PulseStart to PulseEnd, through a PulseLag lag.
type Scenario struct {
	Seed   int64
	Index  int
	Hops   int       // case: loads Hops hops from the generator buses (see Scenario)
	K      float64   // standard-deviation factor: ΔP_i ~ N(0, (K·P_i)²)
	Buses  []int     // bus numbers, ascending
	DeltaP []float64 // pu, one per bus
}

// Pulse timing (s) of the GridSTAGE load-change scenarios: 1.00–1.25 s
// (../shared/data/ieee68/scenarios/grid_prediction-scenario1-ScenarioDescription.txt),
// lag T = 0.05 s (lmod_con in data16m_pd.m).
const (
	PulseStart = 1.00
	PulseEnd   = 1.25
	PulseLag   = 0.05
)

// stdFactors are the standard-deviation factors of ScenarioGeneration.csv.
var stdFactors = [...]float64{0.2, 0.4, 0.6}

// LoadBuses returns the buses with a load (P > 0) that lie hops hops from the
// nearest generator bus, ascending.
func (s *System) LoadBuses(hops int) []int {
	var out []int
	for i, b := range s.Buses {
		if b.PLoad > 0 && s.Hops[i] == hops {
			out = append(out, b.Num)
		}
	}
	return out
}

// Scenario draws scenario i of a seed, the way GridSTAGE's load-change
// benchmark (ScenarioGeneration.csv cases 1–4) does: the case cycles through
// loads 1, 2, 3, 4 hops from the generators, the factor k through 0.2, 0.4,
// 0.6; 3–7 of those loads change by ΔP_i ~ N(0, (k·P_i)²). Where fewer than
// 3 loads lie that far out (4 hops: buses 39 and 45 only), the next ring in is
// added. The same (seed, i) always gives the same scenario.
func (s *System) Scenario(seed int64, i int) Scenario {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
	sc := Scenario{Seed: seed, Index: i, K: stdFactors[(i/4)%len(stdFactors)]}
	sc.Hops = 1 + i%4
	cand := s.LoadBuses(sc.Hops)
	for h := sc.Hops - 1; len(cand) < 3 && h >= 1; h-- { // too few loads that far out: widen inwards
		cand = append(s.LoadBuses(h), cand...)
	}
	m := min(3+rng.IntN(5), len(cand))
	perm := rng.Perm(len(cand))
	for _, p := range perm[:m] {
		sc.Buses = append(sc.Buses, cand[p])
	}
	slices.Sort(sc.Buses)
	for _, b := range sc.Buses {
		sc.DeltaP = append(sc.DeltaP, rng.NormFloat64()*sc.K*s.Buses[b-1].PLoad)
	}
	return sc
}
