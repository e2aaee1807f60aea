// Package gridsim simulates the IEEE 68-bus (16-machine NETS/NYPS) system to
// make training data for kiln's grid-forecasting models, following
// ../shared/models/PAPER_MODELS.md, "Simulating similar data".
//
// The network is the bus admittance matrix of lines.csv (π model, all 86 rows,
// transformer taps on the From side), with every load a constant admittance
// at the solved operating point of buses.csv. Each machine is classical: a
// constant EMF E' behind x'_d, swinging by dδ/dt = ω_s·Δω and
// 2H·dΔω/dt = Pm − Pe − D·Δω, with D raised by Params.DampingAdd on every
// machine and, by default, PST's tg_con turbine governor. E', δ and Pm come
// from the operating point, so with no event the system stays where it is.
//
// A Scenario is a load pulse: ΔP at 3–7 load buses from 1.00 to 1.25 s
// through a 0.05 s lag, injected as a current so that the factored network
// matrix never changes. Simulate integrates 30 s with Heun's method at
// h = 0.01 s, solving the network at every stage, and measures every bus's
// frequency the way PST's PMU model does: the angle derivative over ω_s
// through a 0.1 s lag. A Trace holds 1400 rows (t = 2.02 … 30.00 s at 50/s)
// of [F (68, Hz) | Vm (68, pu)], the layout ProxyTSPRD's TransientDataset
// reads; WriteNPY stores it for numpy.
package gridsim
