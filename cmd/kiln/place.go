package main

import (
	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/targets"
)

// placeFlags are the memory-placement flags (passes/place).
type placeFlags struct {
	policy    string
	overrides []string
}

func (pf *placeFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&pf.policy, "placement", "", "place every buffer: auto (by reuse and size within the device's on-chip memory, the rest off chip), onchip (or an error naming what does not fit), offchip-weights (default: none, every array on chip; --place implies auto)")
	f.StringArrayVar(&pf.overrides, "place", nil, "place one buffer: KERNEL.BUFFER=reg|ram|rom|offchip|bram|uram, or BUFFER=… for the top's (repeatable; comma-separated)")
}

// apply places p's buffers on the device named target, or returns p when
// no placement flag was given.
func (pf *placeFlags) apply(p *loop.Program, target string) (*loop.Program, error) {
	if pf.policy == "" && len(pf.overrides) == 0 {
		return p, nil
	}
	policy, err := place.ParsePolicy(pf.policy)
	if err != nil {
		return nil, err
	}
	var overrides []place.Override
	for _, text := range pf.overrides {
		o, err := place.ParseOverrides(text, "--place")
		if err != nil {
			return nil, err
		}
		overrides = append(overrides, o...)
	}
	dev, err := targets.Lookup(target)
	if err != nil {
		return nil, err
	}
	capacity, err := place.CapacityOf(dev)
	if err != nil {
		return nil, err
	}
	q, _, err := place.Apply(p, place.Options{Capacity: capacity, Policy: policy, Overrides: overrides})
	return q, err
}
