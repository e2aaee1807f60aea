package targets

import (
	"errors"
	"fmt"
)

// checkMemory checks a device's memory section as devices.json loads: at
// least one off-chip memory, each named once; an FPGA has on-chip RAM
// whose block counts are its Resources' (BRAM36, URAM), an ASIC none;
// every figure has its source. (A device without a memory section loads;
// TestMemoryEveryDevice requires one of every device kiln ships.)
func checkMemory(d Device) error {
	m := d.Memory
	var errs []error
	if len(m.OffChip) == 0 {
		errs = append(errs, fmt.Errorf("memory: no off-chip memory"))
	}
	seen := map[string]bool{}
	for i, o := range m.OffChip {
		if err := o.Check(); err != nil {
			errs = append(errs, fmt.Errorf("memory: off_chip[%d]: %w", i, err))
		}
		if seen[o.Name] {
			errs = append(errs, fmt.Errorf("memory: off-chip memory %q listed twice", o.Name))
		}
		seen[o.Name] = true
	}
	switch {
	case d.Kind == ASIC && m.OnChip != nil:
		errs = append(errs, fmt.Errorf("memory: an ASIC has no fixed on-chip RAM (on_chip must be absent)"))
	case d.Kind == FPGA && m.OnChip == nil:
		errs = append(errs, fmt.Errorf("memory: FPGA without on_chip RAM"))
	case d.Kind == FPGA:
		errs = append(errs, checkOnChip(*m.OnChip, d.Resources)...)
	}
	return errors.Join(errs...)
}

// checkOnChip checks an FPGA's on-chip RAM against its resources.
func checkOnChip(o OnChip, r *Resources) []error {
	var errs []error
	if r == nil {
		return nil // checkData refuses an FPGA without resources first
	}
	if o.BRAM == nil {
		errs = append(errs, fmt.Errorf("memory: on_chip: no bram"))
	} else {
		errs = append(errs, o.BRAM.check("bram", r.BRAM36)...)
	}
	switch {
	case o.URAM == nil && r.URAM > 0:
		errs = append(errs, fmt.Errorf("memory: on_chip: no uram, but resources list %d UltraRAMs", r.URAM))
	case o.URAM != nil:
		errs = append(errs, o.URAM.check("uram", r.URAM)...)
	}
	if o.LUTRAMBits < 0 || o.LUTRAMSource == "" {
		errs = append(errs, fmt.Errorf("memory: on_chip: lutram_bits %d negative or without lutram_source", o.LUTRAMBits))
	}
	return errs
}

// check checks a block RAM kind against the count in the resources.
func (b *Block) check(name string, count int) []error {
	var errs []error
	if b.Count != count {
		errs = append(errs, fmt.Errorf("memory: on_chip: %s count %d, but resources list %d", name, b.Count, count))
	}
	if b.Count <= 0 || b.Bits <= 0 || b.Ports <= 0 || b.WidthBits <= 0 || b.Source == "" {
		errs = append(errs, fmt.Errorf("memory: on_chip: %s needs a positive count, bits, ports and width_bits and a source", name))
	}
	return errs
}
