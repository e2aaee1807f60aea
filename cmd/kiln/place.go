package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/targets"
)

// placeFlags are the memory-placement flags (passes/place) of kiln
// compile and kiln sim.
type placeFlags struct {
	policy    string
	overrides []string
	offchip   string           // --offchip-memory: a memory of the device or a .json file
	fromFile  []place.Override // the place: entries of --loops FILE (readPlan)
}

func (pf *placeFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&pf.policy, "placement", "auto", "place every buffer: auto (by reuse and size within the device's on-chip memory, the rest off chip), onchip (or an error naming what does not fit), offchip-weights, or none (every array on chip, the model's inputs and outputs as pointer arguments: no check against the device)")
	f.StringVar(&pf.offchip, "offchip-memory", "", "the memory off-chip buffers live in: one the device lists (kiln targets --sources DEVICE: DDR4, HBM2…; default its first) or a .json file describing one, as an ASIC's DRAM (fields as in examples/dram-hbm2-stack.json, each figure with its source)")
	f.StringArrayVar(&pf.overrides, "place", nil, "place one buffer: KERNEL.BUFFER=reg|ram|rom|offchip|bram|uram, or BUFFER=… for the top's (repeatable; comma-separated)")
}

// check validates the flags that need no model.
func (pf *placeFlags) check() (place.Policy, []place.Override, error) {
	overrides := slices.Clone(pf.fromFile)
	for _, text := range pf.overrides {
		o, err := place.ParseOverrides(text, "--place")
		if err != nil {
			return "", nil, err
		}
		overrides = append(overrides, o...)
	}
	if pf.policy == "none" {
		if len(overrides) > 0 {
			return "", nil, fmt.Errorf("%s %s needs a placement (--placement none places nothing)", overrides[0].Source, overrides[0])
		}
		return "", nil, nil
	}
	policy, err := place.ParsePolicy(pf.policy)
	if err != nil {
		return "", nil, fmt.Errorf("--placement: %w (or none)", err)
	}
	return policy, overrides, nil
}

// apply places p's buffers on dev (p itself under --placement none, with
// a nil report).
func (pf *placeFlags) apply(p *loop.Program, dev targets.Device) (*loop.Program, *place.Report, error) {
	policy, overrides, err := pf.check()
	if err != nil || policy == "" {
		return p, nil, err
	}
	capacity, err := place.CapacityOf(dev)
	if err != nil {
		return nil, nil, err
	}
	return place.Apply(p, place.Options{Capacity: capacity, Policy: policy, Overrides: overrides})
}

// readPlan is the loop plan of the --loops file followed by the flags'
// steps. The file may also place buffers (- place: KERNEL.BUFFER=SPACE):
// those overrides join pf's, before the --place flags'.
func readPlan(file string, flags loops.Plan, pf *placeFlags) (loops.Plan, error) {
	if file == "" {
		return flags, nil
	}
	var fromFile []place.Override
	plan, err := loops.ReadPlanFileWith(file, map[string]func(text, source string) error{
		"place": func(text, source string) error {
			o, err := place.ParseOverrides(text, source)
			fromFile = append(fromFile, o...)
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	pf.fromFile = fromFile
	return append(plan, flags...), nil
}

// memory is dev with --offchip-memory as its off-chip memory: one the
// device lists by name, or one a .json file describes (every field of
// targets.OffChipMemory, sources included; unknown fields refused).
func (pf *placeFlags) memory(dev targets.Device) (targets.Device, error) {
	if pf.offchip == "" {
		return dev, nil
	}
	var m targets.OffChipMemory
	if strings.EqualFold(filepath.Ext(pf.offchip), ".json") {
		data, err := os.ReadFile(pf.offchip)
		if err != nil {
			return dev, fmt.Errorf("--offchip-memory: %w", err)
		}
		if m, err = targets.ParseOffChipMemory(data); err != nil {
			return dev, fmt.Errorf("--offchip-memory %s: %w", pf.offchip, err)
		}
	} else {
		var err error
		if m, err = dev.FindOffChip(pf.offchip); err != nil {
			return dev, fmt.Errorf("--offchip-memory: %w", err)
		}
	}
	d, err := dev.WithOffChip(m)
	if err != nil {
		return dev, fmt.Errorf("--offchip-memory %s: %w", pf.offchip, err)
	}
	return d, nil
}
