package place

import (
	"errors"
	"fmt"
	"math"
)

// Capacity is the on-chip storage placement may use: the caller maps a
// device to it (an FPGA's block RAMs, UltraRAMs and flip-flops; an ASIC's
// memory budget in bits). A zero count means the device has none of that
// memory, except RegisterBits, where zero means no limit is given.
type Capacity struct {
	BRAM36       int   // 36 Kb block RAMs (RAMB36)
	URAM         int   // 288 Kb UltraRAM blocks (UltraScale+; 0 on 7-series parts)
	Ports        int   // ports per block (a RAMB36 and an UltraRAM have 2); carried into the report, not used to decide
	RegisterBits int64 // flip-flops for register buffers (0: no limit given)
	SRAMBits     int64 // on-chip memory counted in bits, not blocks (an ASIC's SRAM macros; math.MaxInt64: no limit)
}

// blocky reports whether the device's memory comes in blocks (an FPGA).
func (c Capacity) blocky() bool { return c.BRAM36 > 0 || c.URAM > 0 }

func (c Capacity) check() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int64
	}{{"BRAM36", int64(c.BRAM36)}, {"URAM", int64(c.URAM)}, {"Ports", int64(c.Ports)},
		{"RegisterBits", c.RegisterBits}, {"SRAMBits", c.SRAMBits}} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("place: capacity: %s is %d (want ≥ 0)", f.name, f.v))
		}
	}
	if c.blocky() && c.SRAMBits > 0 {
		errs = append(errs, errors.New("place: capacity: both blocks (BRAM36/URAM) and SRAMBits: an FPGA's memory is in blocks, an ASIC's in bits"))
	}
	return errors.Join(errs...)
}

// String is the capacity as the report's header says it.
func (c Capacity) String() string {
	s := ""
	switch {
	case c.blocky():
		s = fmt.Sprintf("%d BRAM36 + %d URAM", c.BRAM36, c.URAM)
		if c.Ports > 0 {
			s += fmt.Sprintf(" (%d ports per block)", c.Ports)
		}
	case c.SRAMBits == math.MaxInt64:
		s = "on-chip SRAM without limit"
	case c.SRAMBits > 0:
		s = fmt.Sprintf("%d bits of on-chip SRAM", c.SRAMBits)
	default:
		s = "no on-chip memory"
	}
	if c.RegisterBits > 0 {
		return s + fmt.Sprintf(", %d register bits", c.RegisterBits)
	}
	return s + ", registers unlimited"
}

// Policy is how buffers that no override names are placed.
type Policy string

// The policies.
const (
	// Auto: scalars and tiny arrays in registers, the model's inputs and
	// outputs off chip, the rest on chip by reuse while it fits.
	Auto Policy = "auto"
	// OnChip: every buffer but the model's inputs and outputs on chip, or
	// an error naming those that do not fit.
	OnChip Policy = "onchip"
	// OffChipWeights: constants larger than Options.WeightBits off chip,
	// the rest as Auto.
	OffChipWeights Policy = "offchip-weights"
)

// ParsePolicy reads "auto", "onchip" or "offchip-weights" ("" is auto).
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case "":
		return Auto, nil
	case Auto, OnChip, OffChipWeights:
		return p, nil
	}
	return "", fmt.Errorf("place: policy %q (want auto, onchip or offchip-weights)", s)
}

// Options say what placement may use and how it chooses.
type Options struct {
	Capacity  Capacity
	Policy    Policy // "" is Auto
	Overrides []Override
	// RegisterBits: a kernel's arrays (temporaries, constants) of at most
	// this many bits go in registers; scalars always do. 0 is the default,
	// 64; negative: scalars only. The default is an assumption (no tool
	// documents one for Bambu): one word of the widest kind (f64, i64),
	// where a register costs no more flip-flops than the word a memory
	// would read into one.
	RegisterBits int
	// WeightBits: under OffChipWeights, constants of more bits go off
	// chip. 0 is the default, 36864 (one RAMB36, AMD UG473): a weight
	// that takes more than one block. An assumption, not a tool's figure.
	WeightBits int64
	// DistRAMBits: on an FPGA, arrays of at most this many bits on chip
	// take distributed (LUT) RAM, not blocks. 0 is the default, 256:
	// Bambu's --distram-threshold default, also set by BAMBU-BALANCED-MP
	// (../shared/calibration/polybench_kernels.md §2.2), as sim counts it;
	// negative: none.
	DistRAMBits int
}

// The defaults of Options' zero fields.
const (
	defaultRegisterBits = 64
	defaultWeightBits   = bram36Bits
	defaultDistRAMBits  = 256
)

// resolved returns o with its defaults filled in, or why it is unusable.
func (o Options) resolved() (Options, error) {
	p, err := ParsePolicy(string(o.Policy))
	if err != nil {
		return o, err
	}
	o.Policy = p
	if err := o.Capacity.check(); err != nil {
		return o, err
	}
	if o.WeightBits < 0 {
		return o, fmt.Errorf("place: WeightBits %d (want ≥ 0; 0 is the default)", o.WeightBits)
	}
	o.RegisterBits = orDefault(o.RegisterBits, defaultRegisterBits)
	o.DistRAMBits = orDefault(o.DistRAMBits, defaultDistRAMBits)
	if o.WeightBits == 0 {
		o.WeightBits = defaultWeightBits
	}
	return o, nil
}

// orDefault is v, def when v is 0, and 0 when v is negative (none).
func orDefault(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}
