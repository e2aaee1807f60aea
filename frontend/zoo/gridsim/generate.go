package gridsim

import (
	"errors"
	"fmt"
	"sync"
)

// Result is a stable scenario and its trace.
type Result struct {
	Scenario Scenario
	Trace    *Trace
}

// Skipped is a scenario index discarded as unstable.
type Skipped struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// Generate simulates scenarios 0, 1, 2, … of seed until n are stable, using
// up to workers goroutines, and returns them in index order with the indices
// it discarded. The output depends only on (seed, n), not on workers. It
// gives up after 4n+16 indices.
func (s *System) Generate(seed int64, n, workers int) ([]Result, []Skipped, error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("gridsim: %d scenarios requested", n)
	}
	workers = max(workers, 1)
	maxTries := 4*n + 16
	var out []Result
	var skipped []Skipped
	for next := 0; len(out) < n; next += workers {
		if next >= maxTries {
			return nil, nil, fmt.Errorf("gridsim: only %d of %d scenarios stable after %d tries", len(out), n, next)
		}
		batch := make([]Result, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				sc := s.Scenario(seed, next+w)
				batch[w].Scenario = sc
				batch[w].Trace, errs[w] = s.Simulate(sc)
			})
		}
		wg.Wait()
		for w := range workers {
			var ue *UnstableError
			switch {
			case len(out) == n:
			case errors.As(errs[w], &ue):
				skipped = append(skipped, Skipped{Index: next + w, Reason: ue.Error()})
			case errs[w] != nil:
				return nil, nil, errs[w]
			default:
				out = append(out, batch[w])
			}
		}
	}
	return out, skipped, nil
}
