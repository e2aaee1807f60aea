package gridsim

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/cmplx"
	"os"
	"path/filepath"
	"strconv"
)

// NumBuses is the size of the IEEE 68-bus system (../shared/data/ieee68/README.md).
const NumBuses = 68

// Bus is one row of buses.csv: the solved PST load flow on the 100 MVA base.
type Bus struct {
	Num      int     // 1..68, PST numbering
	Type     int     // 1 swing, 2 PV, 3 PQ
	V        float64 // pu
	AngleDeg float64
	PGen     float64 // pu
	QGen     float64
	PLoad    float64
	QLoad    float64
}

// Line is one row of lines.csv plus its transformer tap (1 where none).
type Line struct {
	From, To int // bus numbers
	R, X, B  float64
	Tap      float64 // off-nominal ratio on the From side
}

// Machine is one row of generators.csv (machine data on the machine's own base).
type Machine struct {
	Num     int
	Bus     int
	H, D    float64 // s and pu, machine base
	MVA     float64
	XdPrime float64 // pu, machine base
	HSys    float64 // H on the 100 MVA base (H_sys100)
}

// System is the IEEE 68-bus network with its operating point, ready to simulate.
type System struct {
	Buses    []Bus     // index = bus number − 1
	Lines    []Line    // all 86 rows, duplicates kept
	Machines []Machine // index = machine number − 1
	Adj      [][]int   // undirected adjacency (bus indices), from the distinct line pairs
	Hops     []int     // hop distance of each bus from the nearest generator bus
	Params   Params

	net network
}

// Load reads lines.csv, buses.csv and generators.csv from dir, builds the
// network and initialises the machines at the stored operating point.
func Load(dir string) (*System, error) {
	s := &System{Params: DefaultParams()}
	var err error
	if s.Buses, err = readBuses(filepath.Join(dir, "buses.csv")); err != nil {
		return nil, err
	}
	if s.Lines, err = readLines(filepath.Join(dir, "lines.csv")); err != nil {
		return nil, err
	}
	if s.Machines, err = readMachines(filepath.Join(dir, "generators.csv")); err != nil {
		return nil, err
	}
	s.Adj = adjacency(s.Lines)
	s.Hops = hopsFromGenerators(s.Adj, s.Machines)
	if err := s.initNetwork(); err != nil {
		return nil, fmt.Errorf("gridsim: %s: %w", dir, err)
	}
	return s, nil
}

// InitialVoltages returns the bus voltages of the network solution at t = 0.
func (s *System) InitialVoltages() (mag, angleDeg []float64) {
	mag = make([]float64, NumBuses)
	angleDeg = make([]float64, NumBuses)
	for i, v := range s.net.v0 {
		mag[i] = cmplx.Abs(v)
		angleDeg[i] = cmplx.Phase(v) * 180 / piF
	}
	return mag, angleDeg
}

// table reads a CSV file, checks its header and returns the rows parsed as floats.
func table(path string, header []string) ([][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gridsim: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("gridsim: %s: header: %w", path, err)
	}
	for i, h := range header {
		if head[i] != h {
			return nil, fmt.Errorf("gridsim: %s: column %d is %q, want %q", path, i+1, head[i], h)
		}
	}
	var rows [][]float64
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("gridsim: %s: %w", path, err)
		}
		row := make([]float64, len(rec))
		for i, field := range rec {
			if row[i], err = strconv.ParseFloat(field, 64); err != nil {
				return nil, fmt.Errorf("gridsim: %s:%d: column %s: %w", path, line, header[i], err)
			}
		}
		rows = append(rows, row)
	}
}

func busNumber(path string, row int, v float64) (int, error) {
	n := int(v)
	if float64(n) != v || n < 1 || n > NumBuses {
		return 0, fmt.Errorf("gridsim: %s: row %d: bus %v is not in 1..%d", path, row+1, v, NumBuses)
	}
	return n, nil
}

func readBuses(path string) ([]Bus, error) {
	rows, err := table(path, []string{"bus", "type", "v_pu", "angle_deg", "p_gen_pu", "q_gen_pu", "p_load_pu", "q_load_pu"})
	if err != nil {
		return nil, err
	}
	if len(rows) != NumBuses {
		return nil, fmt.Errorf("gridsim: %s: %d buses, want %d", path, len(rows), NumBuses)
	}
	buses := make([]Bus, NumBuses)
	for i, r := range rows {
		n, err := busNumber(path, i, r[0])
		if err != nil {
			return nil, err
		}
		if n != i+1 {
			return nil, fmt.Errorf("gridsim: %s: row %d is bus %d, want buses in order 1..%d", path, i+1, n, NumBuses)
		}
		if r[2] <= 0 {
			return nil, fmt.Errorf("gridsim: %s: bus %d: voltage %v is not positive", path, n, r[2])
		}
		buses[i] = Bus{Num: n, Type: int(r[1]), V: r[2], AngleDeg: r[3], PGen: r[4], QGen: r[5], PLoad: r[6], QLoad: r[7]}
	}
	return buses, nil
}

func readLines(path string) ([]Line, error) {
	rows, err := table(path, []string{"from", "to", "r_pu", "x_pu", "b_pu"})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("gridsim: %s: no lines", path)
	}
	lines := make([]Line, len(rows))
	for i, r := range rows {
		from, err := busNumber(path, i, r[0])
		if err != nil {
			return nil, err
		}
		to, err := busNumber(path, i, r[1])
		if err != nil {
			return nil, err
		}
		if from == to || (r[2] == 0 && r[3] == 0) {
			return nil, fmt.Errorf("gridsim: %s: row %d: line %d-%d has no impedance or is a loop", path, i+1, from, to)
		}
		lines[i] = Line{From: from, To: to, R: r[2], X: r[3], B: r[4], Tap: tap(from, to)}
	}
	return lines, nil
}

func readMachines(path string) ([]Machine, error) {
	rows, err := table(path, []string{"bus", "H", "D", "machine", "mva_base", "ra_pu", "xd_pu", "xd_prime_pu", "xq_pu", "H_sys100"})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("gridsim: %s: no machines", path)
	}
	ms := make([]Machine, len(rows))
	for i, r := range rows {
		bus, err := busNumber(path, i, r[0])
		if err != nil {
			return nil, err
		}
		m := Machine{Num: int(r[3]), Bus: bus, H: r[1], D: r[2], MVA: r[4], XdPrime: r[7], HSys: r[9]}
		if m.Num != i+1 || m.MVA <= 0 || m.XdPrime <= 0 || m.HSys <= 0 {
			return nil, fmt.Errorf("gridsim: %s: row %d: machine %d needs number %d and positive mva_base, xd_prime_pu, H_sys100", path, i+1, m.Num, i+1)
		}
		ms[i] = m
	}
	return ms, nil
}
