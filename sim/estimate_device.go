package sim

import (
	"fmt"

	"github.com/kiln-hls/kiln/targets"
)

// DeviceCosts answers from a device's cost tables (targets.Device.OpCost).
type DeviceCosts struct {
	Device targets.Device
}

// OpCost is the device's cost of k at clockNS.
func (c DeviceCosts) OpCost(k OpKey, clockNS float64) (OpCost, error) {
	oc, _, err := c.opCostLatency(k, clockNS)
	return oc, err
}

// opCostLatency is OpCost and how its soft-float latency was derived
// (targets.OpCost.Latency), which costCache corrects (inDesignCycles).
func (c DeviceCosts) opCostLatency(k OpKey, clockNS float64) (OpCost, targets.Latency, error) {
	oc, err := c.Device.OpCost(targets.OpKey{Op: k.Op, Type: k.Type, Bits: k.Bits}, clockNS)
	if err != nil {
		return OpCost{}, targets.Latency{}, err
	}
	return OpCost{Cycles: oc.Cycles, II: oc.II, DelayNS: oc.DelayNS, LUT: oc.LUT, FF: oc.FF,
		DSP: oc.DSP, BRAM: oc.BRAM, AreaUM2: oc.AreaUM2, EnergyPJ: oc.EnergyPJ, Source: oc.Source}, oc.Latency, nil
}

// latencyCosts is Costs that also say how their soft-float and libm
// latencies were derived (DeviceCosts); a table without (the tests')
// gives latencies as they are inside a design.
type latencyCosts interface {
	opCostLatency(k OpKey, clockNS float64) (OpCost, targets.Latency, error)
}

// ForDevice is the Config of device d at clockNS with channels memory
// channels: its cost tables, resources (an FPGA's, for the feasibility
// check), static power and activity energy, its default off-chip memory
// (targets' Memory: where placed buffers go), LLVM's unrolling, arguments that do not alias
// (as kiln emits them). A period shorter than the device's tables
// support is an error.
func ForDevice(d targets.Device, clockNS float64, channels int) (Config, error) {
	if min := d.MinClockNS(); !(clockNS >= min) {
		return Config{}, fmt.Errorf("sim: %s cannot run at %g ns: its tables reach %g ns at the shortest", d.Name, clockNS, min)
	}
	cfg := Config{Costs: DeviceCosts{d}, ClockNS: clockNS, Channels: channels, LLVMUnroll: true, NoAlias: true,
		StaticPowerW: d.StaticPowerW, ASIC: d.Kind == targets.ASIC}
	if d.Memory != nil && len(d.Memory.OffChip) > 0 {
		c, err := d.OffChip(clockNS)
		if err != nil {
			return Config{}, fmt.Errorf("sim: %w", err)
		}
		cfg.OffChip = &OffChip{LatencyCycles: c.LatencyCycles, BytesPerCycle: c.BytesPerCycle,
			ChannelBytesPerCycle: c.ChannelBytesPerCycle, Channels: c.Channels, BurstBytes: c.BurstBytes, AccessBytes: c.AccessBytes}
	}
	if a := d.ASICArea; a != nil {
		cfg.AreaFixedUM2 = a.FixedUM2
		cfg.MuxUM2PerBit = a.MuxUnitsPerBit * a.UM2PerUnit
		cfg.MemoryInterfaceUM2 = a.MemoryInterfaceUnits * a.UM2PerUnit
	}
	if a := d.Activity; a != nil {
		cfg.Activity = Activity{LUTPJ: a.LUTPJ, DSPPJ: a.DSPPJ, UM2PJ: a.UM2PJ}
	}
	if r := d.Resources; r != nil {
		cfg.Capacity = &Capacity{LUT: r.LUT, FF: r.FF, DSP: r.DSP, BRAM36: r.BRAM36, URAM: r.URAM}
	}
	return cfg, nil
}
