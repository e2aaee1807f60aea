package gridsim

import (
	"fmt"
	"math"
	"math/cmplx"
)

// Trace is one simulated scenario: Rows × Features float32 values, each row
// [F (Hz) of buses 1..68 | Vm (pu) of buses 1..68], sampled at 50/s from
// t = 2.02 s to 30.00 s.
type Trace struct {
	Rows         [][]float32
	MinF, MaxF   float64 // Hz, over the kept rows
	MinVm, MaxVm float64 // pu, over the kept rows
}

// UnstableError says a run left the region the simulator accepts.
type UnstableError struct {
	Time   float64 // s
	Reason string
}

func (e *UnstableError) Error() string {
	return fmt.Sprintf("gridsim: unstable at t = %.2f s: %s", e.Time, e.Reason)
}

// state is everything that is integrated: rotor angles and speed deviations
// (pu), three governor states per machine, and the pulse lag.
type state struct {
	delta, dw  []float64
	g1, g2, g3 []float64
	pulse      float64
}

func newState(nm int) state {
	return state{delta: make([]float64, nm), dw: make([]float64, nm),
		g1: make([]float64, nm), g2: make([]float64, nm), g3: make([]float64, nm)}
}

// axpy sets z = x + a·y over every field.
func (z *state) axpy(x *state, a float64, y *state) {
	for k := range z.delta {
		z.delta[k] = x.delta[k] + a*y.delta[k]
		z.dw[k] = x.dw[k] + a*y.dw[k]
		z.g1[k] = x.g1[k] + a*y.g1[k]
		z.g2[k] = x.g2[k] + a*y.g2[k]
		z.g3[k] = x.g3[k] + a*y.g3[k]
	}
	z.pulse = x.pulse + a*y.pulse
}

// run holds the per-simulation buffers.
type run struct {
	s        *System
	sc       Scenario
	inj      []complex128
	damp     []float64 // D on the 100 MVA base
	pulseBus []int
}

// Simulate integrates the scenario for 30 s with Heun's method (h = 0.01 s),
// solving the network at every stage, and returns the PMU trace. A run that
// loses synchronism returns an *UnstableError.
func (s *System) Simulate(sc Scenario) (*Trace, error) { return s.simulate(sc, Dropped) }

// simulate keeps the samples after the first drop (tests look at the pulse itself).
func (s *System) simulate(sc Scenario, drop int) (*Trace, error) {
	if len(sc.Buses) != len(sc.DeltaP) {
		return nil, fmt.Errorf("gridsim: scenario %d: %d buses but %d ΔP values", sc.Index, len(sc.Buses), len(sc.DeltaP))
	}
	r := &run{s: s, sc: sc, inj: make([]complex128, NumBuses)}
	for _, b := range sc.Buses {
		if b < 1 || b > NumBuses {
			return nil, fmt.Errorf("gridsim: scenario %d: bus %d is not in 1..%d", sc.Index, b, NumBuses)
		}
		r.pulseBus = append(r.pulseBus, b-1)
	}
	for _, m := range s.Machines {
		r.damp = append(r.damp, (m.D+s.Params.DampingAdd)*m.MVA/100)
	}
	nm := len(s.Machines)
	x, xp, k1, k2 := newState(nm), newState(nm), newState(nm), newState(nm)
	copy(x.delta, s.net.delta)
	v, vp, vn := append([]complex128(nil), s.net.v0...), make([]complex128, NumBuses), make([]complex128, NumBuses)
	df := make([]float64, NumBuses)
	a := math.Exp(-step / fmeasLag)
	tr := &Trace{Rows: make([][]float32, 0, Samples-drop), MinF: math.Inf(1), MaxF: math.Inf(-1), MinVm: math.Inf(1), MaxVm: math.Inf(-1)}
	on := func(n int) float64 { // the pulse switch at step n, exact in steps
		if n >= int(math.Round(PulseStart/step)) && n < int(math.Round(PulseEnd/step)) {
			return 1
		}
		return 0
	}
	for n := 0; n < Steps; n++ {
		r.deriv(&k1, &x, v, on(n))
		xp.axpy(&x, step, &k1)
		r.solve(vp, &xp, v)
		r.deriv(&k2, &xp, vp, on(n+1))
		x.axpy(&x, step/2, &k1)
		x.axpy(&x, step/2, &k2)
		r.solve(vn, &x, vp)
		t := float64(n+1) * step
		if err := r.check(t, &x, vn); err != nil {
			return nil, err
		}
		for i := range df {
			u := cmplx.Phase(vn[i]*cmplx.Conj(v[i])) / (step * omegaS)
			df[i] = a*df[i] + (1-a)*u
		}
		v, vn = vn, v
		if (n+1)%sampleEvery == 0 && (n+1)/sampleEvery > drop {
			tr.record(df, v)
		}
	}
	return tr, nil
}

// solve writes the bus voltages for state x into v; guess is the previous
// solution, used for the pulse currents (one refinement while a pulse flows).
func (r *run) solve(v []complex128, x *state, guess []complex128) {
	net := &r.s.net
	net.inject(r.inj, x.delta)
	if x.pulse == 0 || len(r.pulseBus) == 0 {
		net.lu.solve(v, r.inj)
		return
	}
	base := append([]complex128(nil), r.inj...)
	g := guess
	for it := 0; it < 2; it++ {
		copy(r.inj, base)
		for j, b := range r.pulseBus { // extra load P drawn at the present voltage: I = P·V/|V|²
			vb := g[b]
			r.inj[b] -= complex(x.pulse*r.sc.DeltaP[j], 0) * vb / complex(real(vb)*real(vb)+imag(vb)*imag(vb), 0)
		}
		net.lu.solve(v, r.inj)
		g = v
	}
}

// deriv writes dx/dt into d for state x with bus voltages v and pulse switch u.
func (r *run) deriv(d, x *state, v []complex128, u float64) {
	net := &r.s.net
	for k, m := range r.s.Machines {
		pm := net.pm[k]
		if r.s.Params.Governors {
			d.g1[k] = (-govGain*x.dw[k] - x.g1[k]) / govTs
			d.g2[k] = (x.g1[k] - x.g2[k]) / govTc
			d.g3[k] = (x.g2[k] - x.g3[k]) / govT5
			pm += (govT4/govT5*x.g2[k] + (1-govT4/govT5)*x.g3[k]) * m.MVA / 100
		}
		d.delta[k] = omegaS * x.dw[k]
		d.dw[k] = (pm - net.pe(k, x.delta[k], v) - r.damp[k]*x.dw[k]) / (2 * m.HSys)
	}
	d.pulse = (u - x.pulse) / PulseLag
}

// check returns an *UnstableError when the state at time t is out of bounds.
func (r *run) check(t float64, x *state, v []complex128) error {
	var hsum, coi, coi0 float64
	for k, m := range r.s.Machines {
		hsum += m.HSys
		coi += m.HSys * x.delta[k]
		coi0 += m.HSys * r.s.net.delta[k]
	}
	coi, coi0 = coi/hsum, coi0/hsum
	for k := range x.delta {
		sw := (x.delta[k] - coi) - (r.s.net.delta[k] - coi0)
		switch {
		case math.IsNaN(sw) || math.IsNaN(x.dw[k]):
			return &UnstableError{t, fmt.Sprintf("machine %d: not a number", k+1)}
		case math.Abs(sw) > maxAngleSwing:
			return &UnstableError{t, fmt.Sprintf("machine %d: rotor angle moved %.0f° from its start (centre of inertia frame)", k+1, sw*180/math.Pi)}
		case math.Abs(x.dw[k]) > maxSpeedDev:
			return &UnstableError{t, fmt.Sprintf("machine %d: speed deviation %.3f pu", k+1, x.dw[k])}
		}
	}
	for i, vi := range v {
		if m := cmplx.Abs(vi); !(m >= minVm && m <= maxVm) {
			return &UnstableError{t, fmt.Sprintf("bus %d: |V| = %.3f pu", i+1, m)}
		}
	}
	return nil
}

// record appends one row [F | Vm] and updates the ranges of the stored
// (float32) values.
func (tr *Trace) record(df []float64, v []complex128) {
	row := make([]float32, Features)
	for i := range NumBuses {
		row[i], row[NumBuses+i] = float32(fNom*(1+df[i])), float32(cmplx.Abs(v[i]))
		f, m := float64(row[i]), float64(row[NumBuses+i])
		tr.MinF, tr.MaxF = math.Min(tr.MinF, f), math.Max(tr.MaxF, f)
		tr.MinVm, tr.MaxVm = math.Min(tr.MinVm, m), math.Max(tr.MaxVm, m)
	}
	tr.Rows = append(tr.Rows, row)
}
