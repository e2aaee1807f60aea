package targets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Memory is a device's memory hierarchy: what its fabric holds on chip
// and the memory its usual board gives it off chip. Registers are the
// flip-flops of Resources.FF.
type Memory struct {
	// OnChip is an FPGA's block RAM, UltraRAM and distributed RAM; nil on
	// an ASIC, whose SRAMs are synthesised to the design's size (bounded
	// by area, not by a fixed count).
	OnChip *OnChip `json:"on_chip,omitempty"`
	// OffChip lists the memories outside the chip, the default first
	// (the one Device.OffChip costs): HBM before DDR on the Alveo cards.
	OffChip []OffChipMemory `json:"off_chip"`
}

// OnChip is an FPGA's on-chip memory.
type OnChip struct {
	BRAM *Block `json:"bram"`           // 36 Kb block RAMs
	URAM *Block `json:"uram,omitempty"` // UltraRAMs, where the part has them
	// LUTRAMBits is the distributed RAM (LUTs of SLICEMs used as RAM) in
	// bits; 0 where no source gives it, LUTRAMSource saying so.
	LUTRAMBits   int64  `json:"lutram_bits"`
	LUTRAMSource string `json:"lutram_source"`
}

// Block is one kind of on-chip RAM block: how many the part has, the
// bits and ports of each, and its widest port in true dual-port mode.
type Block struct {
	Count     int    `json:"count"`
	Bits      int64  `json:"bits"`       // per block, parity bits included
	Ports     int    `json:"ports"`      // independent read/write ports
	WidthBits int    `json:"width_bits"` // widest port in true dual-port mode
	Source    string `json:"source"`
}

// OffChipMemory is a memory the chip reaches through its pins: DDR on
// the boards of the Zynq and Virtex parts, HBM in the Alveo packages, an
// assumed DRAM channel for the ASIC libraries.
type OffChipMemory struct {
	Name          string  `json:"name"` // what the board calls it, e.g. "HBM2"
	Kind          string  `json:"kind"` // one of MemoryKinds
	CapacityBytes int64   `json:"capacity_bytes"`
	PeakGBs       float64 `json:"peak_gb_s"` // all channels together, GB/s (10^9 B/s)
	// Channels is the number of independent ports the fabric reaches the
	// memory through (Zynq HP ports, HBM pseudo-channels, DDR controllers),
	// ChannelPeakGBs what one of them can carry alone and PortBits its
	// data width on the fabric side (0: no limit, an ASIC's own controller).
	Channels       int     `json:"channels"`
	ChannelPeakGBs float64 `json:"channel_peak_gb_s"`
	PortBits       int     `json:"port_bits"`
	Source         string  `json:"source"` // kind, capacity, bandwidth, channels, ports
	// LatencyNS is the time of one random (row-missing) read, request to
	// data, as the fabric sees it.
	LatencyNS     float64 `json:"latency_ns"`
	LatencySource string  `json:"latency_source"`
	// BurstBytes is the most one request on a fabric port moves (its
	// bus protocol's longest burst: beats x port width, within AXI's 4 KB
	// boundary), so what one latency buys a stream.
	BurstBytes  int    `json:"burst_bytes"`
	BurstSource string `json:"burst_source"`
	// AccessBytes is the data one DRAM burst moves (burst length x bus
	// width): the least any access transfers.
	AccessBytes  int    `json:"access_bytes"`
	AccessSource string `json:"access_source"`
}

// MemoryKinds are the off-chip memory kinds devices.json may name.
var MemoryKinds = []string{"ddr3", "ddr4", "hbm2"}

// OffChipCost is what an off-chip memory costs a design clocked at a
// given period.
type OffChipCost struct {
	Memory string // OffChipMemory.Name
	Kind   string
	// LatencyCycles is a random access's latency in whole cycles (ceil).
	LatencyCycles int
	// BytesPerCycle is the most all channels together carry per cycle:
	// the memory's peak, or the channels' ports where they are narrower.
	// It is the data sheets' peak: what refresh, row switches and read/
	// write turnarounds take from a real stream is not in it (no
	// measured efficiency in devices.json).
	BytesPerCycle float64
	// ChannelBytesPerCycle is the same for one channel.
	ChannelBytesPerCycle float64
	Channels             int
	// BurstBytes is the most one request moves (OffChipMemory.BurstBytes),
	// AccessBytes the least any access moves (a DRAM burst).
	BurstBytes  int
	AccessBytes int
	Source      string
}

// OffChip is the cost of the device's default off-chip memory (the first
// of Memory.OffChip) at a clock period in ns.
func (d Device) OffChip(clockNS float64) (OffChipCost, error) {
	if d.Memory == nil || len(d.Memory.OffChip) == 0 {
		return OffChipCost{}, fmt.Errorf("targets: device %s: no off-chip memory described", d.Name)
	}
	c, err := d.Memory.OffChip[0].Cost(clockNS)
	if err != nil {
		return OffChipCost{}, fmt.Errorf("targets: device %s: %w", d.Name, err)
	}
	return c, nil
}

// FindOffChip returns the device's off-chip memory named name ("HBM2",
// "DDR4"), case aside; an unknown name is an error listing those there
// are.
func (d Device) FindOffChip(name string) (OffChipMemory, error) {
	var names []string
	if d.Memory != nil {
		for _, m := range d.Memory.OffChip {
			if strings.EqualFold(m.Name, name) {
				return m, nil
			}
			names = append(names, m.Name)
		}
	}
	if len(names) == 0 {
		return OffChipMemory{}, fmt.Errorf("targets: device %s: no off-chip memory described", d.Name)
	}
	return OffChipMemory{}, fmt.Errorf("targets: device %s: no off-chip memory %q (it has %s)", d.Name, name, strings.Join(names, ", "))
}

// Cost is the memory's cost at a clock period in ns.
func (m OffChipMemory) Cost(clockNS float64) (OffChipCost, error) {
	if !(clockNS > 0) || math.IsInf(clockNS, 0) {
		return OffChipCost{}, fmt.Errorf("off-chip memory %s: clock period %g ns (want a positive finite period)", m.Name, clockNS)
	}
	if err := m.Check(); err != nil {
		return OffChipCost{}, err
	}
	// GB/s x ns = bytes: 10^9 B/s x 10^-9 s.
	channel := m.ChannelPeakGBs * clockNS
	if m.PortBits > 0 {
		channel = min(channel, float64(m.PortBits)/8)
	}
	return OffChipCost{
		Memory:               m.Name,
		Kind:                 m.Kind,
		LatencyCycles:        ceilCycles(m.LatencyNS, clockNS),
		BytesPerCycle:        min(m.PeakGBs*clockNS, float64(m.Channels)*channel),
		ChannelBytesPerCycle: channel,
		Channels:             m.Channels,
		BurstBytes:           m.BurstBytes,
		AccessBytes:          m.AccessBytes,
		Source: fmt.Sprintf("%s %s: %s; latency: %s; burst: %s; access: %s",
			m.Name, m.Kind, m.Source, m.LatencySource, m.BurstSource, m.AccessSource),
	}, nil
}

// ceilCycles is ns/clock rounded up, a quotient within 1e-9 of a whole
// number counting as that number (206.7/5.3 and the like are not exact
// in binary).
func ceilCycles(ns, clockNS float64) int {
	q := ns / clockNS
	if r := math.Round(q); math.Abs(q-r) <= 1e-9*max(1, r) {
		return int(r)
	}
	return int(math.Ceil(q))
}

// OnChipBits is the device's on-chip RAM in bits: block RAM, UltraRAM and
// distributed RAM (0 where the part has none or, for LUTRAM, where no
// source gives it; all 0 on an ASIC).
func (d Device) OnChipBits() (bram, uram, lutram int64) {
	if d.Memory == nil || d.Memory.OnChip == nil {
		return 0, 0, 0
	}
	o := d.Memory.OnChip
	return o.BRAM.total(), o.URAM.total(), o.LUTRAMBits
}

func (b *Block) total() int64 {
	if b == nil {
		return 0
	}
	return int64(b.Count) * b.Bits
}

// WithOffChip returns the device with m as its default off-chip memory
// (before the others), for a user's configured DRAM on an ASIC or a
// board other than the usual one. m is checked first.
func (d Device) WithOffChip(m OffChipMemory) (Device, error) {
	if err := m.Check(); err != nil {
		return Device{}, fmt.Errorf("targets: device %s: %w", d.Name, err)
	}
	mem := Memory{OffChip: []OffChipMemory{m}}
	if d.Memory != nil {
		mem.OnChip = d.Memory.OnChip
		for _, o := range d.Memory.OffChip {
			if o.Name != m.Name {
				mem.OffChip = append(mem.OffChip, o)
			}
		}
	}
	d.Memory = &mem
	return d, nil
}

// Check reports what is missing or out of range in an off-chip memory,
// every problem at once.
func (m OffChipMemory) Check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if m.Name == "" {
		bad("no name")
	}
	if !slices.Contains(MemoryKinds, m.Kind) {
		bad("kind %q (want one of %s)", m.Kind, strings.Join(MemoryKinds, ", "))
	}
	if m.CapacityBytes <= 0 {
		bad("capacity_bytes %d (want > 0)", m.CapacityBytes)
	}
	if !positive(m.PeakGBs) || !positive(m.ChannelPeakGBs) || m.ChannelPeakGBs > m.PeakGBs {
		bad("peak_gb_s %g, channel_peak_gb_s %g (want 0 < channel <= peak)", m.PeakGBs, m.ChannelPeakGBs)
	} else if m.Channels > 0 && float64(m.Channels)*m.ChannelPeakGBs < m.PeakGBs*(1-1e-3) {
		bad("%d channels of %g GB/s cannot carry the peak %g GB/s", m.Channels, m.ChannelPeakGBs, m.PeakGBs)
	}
	if m.Channels <= 0 || m.PortBits < 0 || m.PortBits%8 != 0 {
		bad("channels %d, port_bits %d (want channels > 0, port_bits a whole number of bytes >= 0)", m.Channels, m.PortBits)
	}
	if !positive(m.LatencyNS) {
		bad("latency_ns %g (want > 0)", m.LatencyNS)
	}
	if m.AccessBytes <= 0 || m.BurstBytes < m.AccessBytes {
		bad("burst_bytes %d, access_bytes %d (want 0 < access <= burst)", m.BurstBytes, m.AccessBytes)
	}
	if m.Source == "" || m.LatencySource == "" || m.BurstSource == "" || m.AccessSource == "" {
		bad("a figure without its source (source, latency_source, burst_source and access_source are all needed)")
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("off-chip memory %q: %w", m.Name, err)
	}
	return nil
}

func positive(x float64) bool { return x > 0 && !math.IsInf(x, 0) }

// ParseOffChipMemory reads one off-chip memory from JSON (the fields of
// OffChipMemory, every figure with its source; unknown fields and data
// after the object refused) and checks it: a user's DRAM for an ASIC or
// a board other than the usual one (Device.WithOffChip).
func ParseOffChipMemory(data []byte) (OffChipMemory, error) {
	var m OffChipMemory
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return OffChipMemory{}, fmt.Errorf("off-chip memory: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return OffChipMemory{}, errors.New("off-chip memory: data after the memory's object")
	}
	if err := m.Check(); err != nil {
		return OffChipMemory{}, err
	}
	return m, nil
}
