package sim

// Activity is the energy a design's logic draws every clock cycle, in pJ:
// per LUT and per DSP slice on an FPGA, per µm² on an ASIC (targets'
// Device.Activity, where its derivation is).
type Activity struct {
	LUTPJ, DSPPJ, UM2PJ float64
}

// power derives the power and energy figures. The whole design is
// clocked for the whole inference (Bambu gates no clocks), so its
// standing power — static plus activity — is paid during every layer:
// each layer's energy is its operations' plus the standing power over its
// latency, and they add up to the total.
func (e *Result) power(cfg Config, pj float64) {
	a := cfg.Activity
	perCycle := a.LUTPJ*float64(e.Resources.LUT) + a.DSPPJ*float64(e.Resources.DSP) + a.UM2PJ*e.Resources.AreaUM2
	e.ActivityPowerW = perCycle * 1e-3 / cfg.ClockNS // pJ per ns = mW
	e.StaticPowerW = cfg.StaticPowerW
	standing := e.StaticPowerW + e.ActivityPowerW
	e.EnergyUJ = pj*1e-6 + standing*e.LatencyUS
	e.DynamicPowerW = e.ActivityPowerW
	if e.LatencyUS > 0 {
		e.ThroughputInfS = 1e6 / e.LatencyUS
		e.DynamicPowerW += pj * 1e-6 / e.LatencyUS
	}
	e.PowerW = e.StaticPowerW + e.DynamicPowerW
	for i := range e.Layers {
		e.Layers[i].EnergyUJ += standing * e.Layers[i].LatencyUS
	}
}
