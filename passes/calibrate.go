package passes

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// Range is what calibration saw of one tensor's values over a model's
// validation inputs: the extremes, the largest magnitude and the 99.9th
// percentile of the magnitudes (a clipping point that ignores rare
// outliers). N is the number of values seen; NaNs are skipped.
type Range struct {
	Min, Max float64
	MaxAbs   float64
	P999     float64
	N        int
}

// Calibrate runs each input set through the reference evaluator
// (ir/graph/eval) and records the range of every floating-point tensor the
// graph computes or takes as input, keyed by tensor name. Constants
// (weights) are not recorded: their values are known without running.
//
// P999 comes from a histogram of magnitudes with 64 bins per octave, so it
// is the upper edge of the bin holding the 99.9th percentile: at most
// 1.1% above the exact percentile, never below it, and never above MaxAbs.
func Calibrate(g *graph.Graph, sets [][]*dtype.Array) (map[string]Range, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("calibrate: no input sets")
	}
	stats := map[graph.TensorID]*rangeStats{}
	observe := func(t graph.TensorID, v *dtype.Array) {
		if !v.Kind.IsFloat() || g.Tensor(t).Init != nil {
			return
		}
		s := stats[t]
		if s == nil {
			s = newRangeStats()
			stats[t] = s
		}
		for i := range v.Len() {
			s.add(v.At(i))
		}
	}
	for i, in := range sets {
		if _, err := eval.Run(g, in, eval.Options{Observe: observe}); err != nil {
			return nil, fmt.Errorf("calibrate: input set %d: %w", i, err)
		}
	}
	out := make(map[string]Range, len(stats))
	for t, s := range stats {
		out[g.Tensor(t).Name] = s.finish()
	}
	return out, nil
}

// rangeStats accumulates a Range. The magnitude histogram has bins of
// 1/64 octave from 2^-150 (below every subnormal float32) up to 2^1030.
type rangeStats struct {
	r    Range
	bins []int64
	zero int64
}

const (
	binsPerOctave = 64
	binLowExp     = -150
	binOctaves    = 1030 - binLowExp
)

func newRangeStats() *rangeStats {
	return &rangeStats{r: Range{Min: math.Inf(1), Max: math.Inf(-1)}, bins: make([]int64, binOctaves*binsPerOctave)}
}

func (s *rangeStats) add(v float64) {
	if math.IsNaN(v) {
		return
	}
	s.r.N++
	s.r.Min, s.r.Max = min(s.r.Min, v), max(s.r.Max, v)
	a := math.Abs(v)
	s.r.MaxAbs = max(s.r.MaxAbs, a)
	if a == 0 {
		s.zero++
		return
	}
	s.bins[binOf(a)]++
}

// binOf is the histogram bin of a > 0: bin b holds [edge(b), edge(b+1)).
func binOf(a float64) int {
	if math.IsInf(a, 0) {
		return binOctaves*binsPerOctave - 1
	}
	b := int(math.Floor((math.Log2(a) - binLowExp) * binsPerOctave))
	// Log2 may round across an edge: settle it with the exact edges.
	for b > 0 && a < binEdge(b) {
		b--
	}
	for b+1 < binOctaves*binsPerOctave && a >= binEdge(b+1) {
		b++
	}
	return min(max(b, 0), binOctaves*binsPerOctave-1)
}

func binEdge(b int) float64 { return math.Exp2(float64(b)/binsPerOctave + binLowExp) }

func (s *rangeStats) finish() Range {
	r := s.r
	if r.N == 0 {
		return Range{}
	}
	// The smallest magnitude m with at least 99.9% of the values ≤ m.
	need := int64(math.Ceil(0.999 * float64(r.N)))
	seen := s.zero
	if seen >= need {
		return r // P999 is 0
	}
	for b, c := range s.bins {
		seen += c
		if seen >= need {
			r.P999 = min(binEdge(b+1), r.MaxAbs)
			break
		}
	}
	return r
}
