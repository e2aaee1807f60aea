package sim

// Figures is a Result as kiln sim --json, kiln compile's report.json and
// kiln sweep's results print it (DESIGN.md, "kiln sim --json"): FPGA
// resources with their utilization, or an ASIC's area.
type Figures struct {
	Cycles         int64    `json:"cycles"`
	LatencyUS      float64  `json:"latency_us"`
	IntervalCycles int64    `json:"interval_cycles"`
	ThroughputInfS float64  `json:"throughput_inf_s"`
	Resources      Hardware `json:"resources"`
	PowerW         float64  `json:"power_w"`
	StaticPowerW   float64  `json:"static_power_w"`
	DynamicPowerW  float64  `json:"dynamic_power_w"`
	ActivityPowerW float64  `json:"activity_power_w"`
	EnergyUJ       float64  `json:"energy_uj"`
	Ops            int64    `json:"ops"`
	Feasible       bool     `json:"feasible"`
	Infeasible     []string `json:"infeasible,omitempty"`
	Notes          []string `json:"notes,omitempty"`
	Layers         []Layer  `json:"layers,omitempty"`

	// off-chip traffic per inference and the share of cycles waiting on
	// its bandwidth (offchip.go); absent without off-chip buffers
	OffChipBytes        int64   `json:"offchip_bytes,omitempty"`
	BandwidthBoundShare float64 `json:"bandwidth_bound_share,omitempty"`
}

// Hardware is LUT, FF, DSP, BRAM and utilization for an FPGA, area for
// an ASIC.
type Hardware struct {
	LUT         *int         `json:"lut,omitempty"`
	FF          *int         `json:"ff,omitempty"`
	DSP         *int         `json:"dsp,omitempty"`
	BRAM        *int         `json:"bram,omitempty"`
	URAM        *int         `json:"uram,omitempty"` // only where the design uses UltraRAM
	AreaUM2     *float64     `json:"area_um2,omitempty"`
	MemoryBits  *int64       `json:"memory_bits,omitempty"` // an ASIC's on-chip arrays, not in AreaUM2
	Utilization *Utilization `json:"utilization,omitempty"`
}

// Figures is r as printed; asic says whether its device is a cell library.
// The figures share r's resources, notes and layers.
func (r *Result) Figures(asic bool) Figures {
	f := Figures{Cycles: r.Cycles, LatencyUS: r.LatencyUS, IntervalCycles: r.IntervalCycles, ThroughputInfS: r.ThroughputInfS,
		PowerW: r.PowerW, StaticPowerW: r.StaticPowerW, DynamicPowerW: r.DynamicPowerW, ActivityPowerW: r.ActivityPowerW,
		EnergyUJ: r.EnergyUJ, Ops: r.Ops, OffChipBytes: r.OffChipBytes, BandwidthBoundShare: r.BandwidthBoundShare, Feasible: r.Feasible, Infeasible: r.Infeasible, Notes: r.Notes, Layers: r.Layers}
	res := &r.Resources
	if asic {
		f.Resources.AreaUM2 = &res.AreaUM2
		if res.MemoryBits > 0 {
			f.Resources.MemoryBits = &res.MemoryBits
		}
	} else {
		f.Resources = Hardware{LUT: &res.LUT, FF: &res.FF, DSP: &res.DSP, BRAM: &res.BRAM, Utilization: r.Utilization}
		if res.URAM > 0 {
			f.Resources.URAM = &res.URAM
		}
	}
	return f
}
