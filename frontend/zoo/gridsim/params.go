package gridsim

import "math"

// Params are the dynamic-model choices that the data files do not fix.
type Params struct {
	// DampingAdd is added to every machine's D (pu on the machine base);
	// PAPER_MODELS.md "Simulating similar data" 3 asks for about 1–2 so a
	// classical model decays like PST's damper-winding model.
	DampingAdd float64
	// Governors adds tg_con's turbine-governor model to every machine.
	Governors bool
}

// DefaultParams are the parameters Load sets.
func DefaultParams() Params { return Params{DampingAdd: 2, Governors: true} }

// Constants of the simulation.
const (
	omegaS = 2 * math.Pi * 60 // rad/s; 60 Hz system: F = 60(1 + Δf), PAPER_MODELS.md "Simulating similar data" 6
	fNom   = 60.0             // Hz
	step   = 0.01             // s, sw_con step in the ScenarioDescription files
	tEnd   = 30.0             // s, sw_con end time
	// Steps is the number of integration steps, tEnd/step.
	Steps = 3000
	// sampleEvery steps make the 50 samples/s of the PMUs (fmeas_con).
	sampleEvery = 2
	// Samples is the number of PMU samples, 30 s at 50/s.
	Samples = Steps / sampleEvery
	// Dropped leading samples (TransientDataset in ProxyTSPRD grid.py).
	Dropped = 100
	// Rows and Features are the shape of a trace: [F(68) | Vm(68)].
	Rows     = Samples - Dropped
	Features = 2 * NumBuses
	// fmeasLag is the PMU frequency filter (fmeas_con: 0.1 s).
	fmeasLag = 0.1
)

// Turbine-governor data of tg_con in data16m_pd.m (all 16 machines equal):
// 1/R = 25 (machine base), servo Ts = 0.1 s, HP Tc = 0.5 s, T3 = 0,
// reheat T4 = 1.25 s, T5 = 5 s. The Tmax limit is not modelled.
const (
	govGain = 25.0
	govTs   = 0.1
	govTc   = 0.5
	govT4   = 1.25
	govT5   = 5.0
)

// Instability limits (chosen here; GridSTAGE flags runs by inspection): a
// rotor that moves more than π from its start relative to the centre of
// inertia has slipped a pole; a bus voltage outside [0.5, 1.5] pu or a speed
// deviation beyond 5 % is not a transient these models are trained on.
const (
	maxAngleSwing = math.Pi
	minVm, maxVm  = 0.5, 1.5
	maxSpeedDev   = 0.05
)
