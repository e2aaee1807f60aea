package gridsim

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
)

const piF = math.Pi

// taps are the transformer ratios of the PST line matrix (column 6), which
// lines.csv omits: ../shared/data/ieee68/README.md, "Conventions". PST puts the
// ratio on the From side. All phase shifts are 0.
var taps = map[[2]int]float64{
	{2, 53}: 1.025, {6, 54}: 1.07, {10, 55}: 1.07, {12, 11}: 1.06, {12, 13}: 1.06,
	{19, 20}: 1.06, {19, 56}: 1.07, {20, 57}: 1.009, {22, 58}: 1.025, {25, 60}: 1.025,
	{29, 61}: 1.025, {35, 34}: 0.946, {31, 62}: 1.04, {32, 63}: 1.04, {36, 64}: 1.04,
	{37, 65}: 1.04, {41, 66}: 1.0, {42, 67}: 1.0, {52, 68}: 1.0, {1, 27}: 1.0,
}

func tap(from, to int) float64 {
	if t, ok := taps[[2]int{from, to}]; ok {
		return t
	}
	return 1
}

// network is the precomputed algebraic part: the factored augmented admittance
// matrix and the machines' internal EMFs at the operating point.
type network struct {
	lu    *cluLU
	yLoad []complex128 // constant-admittance loads, pu on 100 MVA
	xd    []float64    // x'_d on the 100 MVA base
	emf   []float64    // |E'|
	delta []float64    // initial rotor angles, rad
	pm    []float64    // mechanical power = electrical power at t = 0
	gbus  []int        // bus index of each machine
	v0    []complex128 // network solution at t = 0
}

// ybus builds the bus admittance matrix (dense, row-major) from the π model of
// every line row, taps on the From side as PST's ybus.m does.
func ybus(lines []Line) []complex128 {
	y := make([]complex128, NumBuses*NumBuses)
	for _, l := range lines {
		f, t := l.From-1, l.To-1
		ys := 1 / complex(l.R, l.X)
		ysh := complex(0, l.B/2)
		y[f*NumBuses+f] += ys/complex(l.Tap*l.Tap, 0) + ysh
		y[t*NumBuses+t] += ys + ysh
		y[f*NumBuses+t] -= ys / complex(l.Tap, 0)
		y[t*NumBuses+f] -= ys / complex(l.Tap, 0)
	}
	return y
}

// initNetwork converts loads to admittances, places each machine's E' behind
// x'_d, factors the augmented matrix and solves the initial network.
func (s *System) initNetwork() error {
	n := &s.net
	y := ybus(s.Lines)
	n.yLoad = make([]complex128, NumBuses)
	v := make([]complex128, NumBuses)
	for i, b := range s.Buses {
		v[i] = cmplx.Rect(b.V, b.AngleDeg*piF/180)
		n.yLoad[i] = complex(b.PLoad, -b.QLoad) / complex(b.V*b.V, 0)
		y[i*NumBuses+i] += n.yLoad[i]
	}
	nm := len(s.Machines)
	n.xd, n.emf, n.delta, n.pm = make([]float64, nm), make([]float64, nm), make([]float64, nm), make([]float64, nm)
	n.gbus = make([]int, nm)
	seen := map[int]bool{}
	for k, m := range s.Machines {
		g := m.Bus - 1
		if seen[g] {
			return fmt.Errorf("two machines on bus %d", m.Bus)
		}
		seen[g] = true
		b := s.Buses[g]
		n.gbus[k] = g
		n.xd[k] = m.XdPrime * 100 / m.MVA // machine base → 100 MVA base (PAPER_MODELS.md, "Simulating similar data" 3)
		ig := cmplx.Conj(complex(b.PGen, b.QGen) / v[g])
		e := v[g] + complex(0, n.xd[k])*ig
		n.emf[k], n.delta[k] = cmplx.Abs(e), cmplx.Phase(e)
		y[g*NumBuses+g] += 1 / complex(0, n.xd[k])
	}
	lu, err := factor(y, NumBuses)
	if err != nil {
		return err
	}
	n.lu = lu
	n.v0 = make([]complex128, NumBuses)
	inj := make([]complex128, NumBuses)
	n.inject(inj, n.delta)
	n.lu.solve(n.v0, inj)
	for k := range n.pm {
		n.pm[k] = n.pe(k, n.delta[k], n.v0)
	}
	return nil
}

// inject writes the Norton current E'/(j x'_d) of every machine into inj.
func (n *network) inject(inj []complex128, delta []float64) {
	clear(inj)
	for k, g := range n.gbus {
		inj[g] += cmplx.Rect(n.emf[k], delta[k]) / complex(0, n.xd[k])
	}
}

// pe is machine k's electrical power for rotor angle d and bus voltages v.
func (n *network) pe(k int, d float64, v []complex128) float64 {
	e := cmplx.Rect(n.emf[k], d)
	i := (e - v[n.gbus[k]]) / complex(0, n.xd[k])
	return real(e * cmplx.Conj(i))
}

// adjacency is the undirected graph of the distinct line pairs (83 for the
// 68-bus system, the same as TopologyData68.mat's A), neighbours sorted.
func adjacency(lines []Line) [][]int {
	adj := make([][]int, NumBuses)
	for _, l := range lines {
		f, t := l.From-1, l.To-1
		if !slices.Contains(adj[f], t) {
			adj[f] = append(adj[f], t)
			adj[t] = append(adj[t], f)
		}
	}
	for _, a := range adj {
		slices.Sort(a)
	}
	return adj
}

// hopsFromGenerators is a breadth-first search from all generator buses at once.
func hopsFromGenerators(adj [][]int, ms []Machine) []int {
	hops := make([]int, NumBuses)
	for i := range hops {
		hops[i] = -1
	}
	var queue []int
	for _, m := range ms {
		hops[m.Bus-1] = 0
		queue = append(queue, m.Bus-1)
	}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		for _, c := range adj[b] {
			if hops[c] < 0 {
				hops[c] = hops[b] + 1
				queue = append(queue, c)
			}
		}
	}
	return hops
}
