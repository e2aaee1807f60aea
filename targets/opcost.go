package targets

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

//go:generate go run ./gen -calib ../../shared/calibration -out opcosts.json

// OpKey names one operation: Op is one of add sub mul div rem neg abs min
// max cmp select and or xor shl shr cast load store, or a libm function by
// the loop IR's name (exp log sqrt tanh pow sin cos …); Type is "int",
// "uint" or "float"; Bits is the operand width (float: 16, 32 or 64; a
// fixed<W,I> value is an "int" of W bits, as the loop IR computes it).
type OpKey struct {
	Op, Type string
	Bits     int
}

func (k OpKey) String() string { return fmt.Sprintf("%s %s%d", k.Op, k.Type, k.Bits) }

// OpCost is what one operation costs on a device at a clock period.
type OpCost struct {
	Cycles   int     // latency in clock cycles; 0 = combinational (chains within a period)
	II       int     // initiation interval of a multi-cycle unit (1 = pipelined)
	DelayNS  float64 // combinational delay (what chaining adds up), or the last stage's
	LUT, FF  int     // FPGA area of one unit
	DSP      int     //
	BRAM     int     // as fu_library.csv counts it for the cell
	AreaUM2  float64 // ASIC area of one unit
	EnergyPJ float64 // dynamic energy per operation (both kinds)
	Source   string  // where the row comes from (file + line, or derivation)
	Latency  Latency // how a soft-float or libm unit's Cycles were derived; zero for a cell
}

// Latency is how a soft-float or libm unit's Cycles were derived from
// its characterised points, for a consumer that corrects what they
// measured (sim takes the input-register state of a top-function
// measurement off): Parts[:N], one per unit — a multiply then an add for
// fma, else one. Cycles is the sum of the parts'.
type Latency struct {
	N     int
	Parts [2]LatencyPart
}

// LatencyPart is one unit's latency at the clock asked: A's own
// (LatencyAt), A's total time spread over a shorter period
// (LatencySpread: ⌈A.Cycles·A.ClockNS/T⌉), A's kept for a longer one
// (LatencyKept), or interpolated in frequency between A and B and
// rounded to the nearest cycle (LatencyBetween).
type LatencyPart struct {
	How  LatencyHow
	A, B LatencyPoint
}

// LatencyHow is how a LatencyPart follows from its points.
type LatencyHow uint8

// The ways of LatencyPart.
const (
	LatencyAt LatencyHow = iota
	LatencySpread
	LatencyKept
	LatencyBetween
)

// LatencyPoint is one characterisation: Cycles at ClockNS. TopFunction:
// measured as the top function with registered inputs
// (softfloat_libm.csv), rather than inside a caller (the tutorial log).
type LatencyPoint struct {
	Cycles      int
	ClockNS     float64
	TopFunction bool
}

// variant, entry, point, soft and table mirror targets/gen's output.
type variant struct {
	Cycles  int     `json:"cycles"`
	II      int     `json:"ii"`
	DelayNS float64 `json:"delay_ns"`
	LUT     int     `json:"lut"`
	FF      int     `json:"ff"`
	DSP     int     `json:"dsp"`
	BRAM    int     `json:"bram"`
	Area    float64 `json:"area"`
	Source  string  `json:"source"`
}

type entry struct {
	Op       string    `json:"op"`
	Type     string    `json:"type"`
	Bits     int       `json:"bits"`
	Variants []variant `json:"variants"`
}

type point struct {
	ClockNS float64 `json:"clock_ns"`
	Cycles  int     `json:"cycles"`
	LUT     int     `json:"lut"`
	FF      int     `json:"ff"`
	DSP     int     `json:"dsp"`
	BRAM    int     `json:"bram"`
	Area    float64 `json:"area"`
	Top     bool    `json:"top_function"`
	Source  string  `json:"source"`
}

type soft struct {
	Op     string  `json:"op"`
	Bits   int     `json:"bits"`
	Points []point `json:"points"`
}

type table struct {
	Device string  `json:"device"`
	Ops    []entry `json:"ops"`
	Soft   []soft  `json:"soft"`

	ops  map[string][]entry // op/type → by width
	soft map[string][]soft  // op → by width
}

//go:embed opcosts.json
var opcostsJSON []byte

var loadTables = sync.OnceValues(func() (map[string]*table, error) {
	return parseTables(opcostsJSON)
})

// parseTables reads the generated cost tables, indexed by Bambu's device
// name, checking that every row has a source (without a NUL: clockMark).
func parseTables(data []byte) (map[string]*table, error) {
	var f struct {
		Note    string   `json:"note"`
		Devices []*table `json:"devices"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("targets: opcosts.json: %w", err)
	}
	out := map[string]*table{}
	for _, t := range f.Devices {
		t.ops, t.soft = map[string][]entry{}, map[string][]soft{}
		for _, e := range t.Ops {
			if len(e.Variants) == 0 || slices.ContainsFunc(e.Variants, func(v variant) bool {
				return v.Source == "" || strings.Contains(v.Source, clockMark)
			}) {
				return nil, fmt.Errorf("targets: opcosts.json: %s: %s %s%d has no unit or one without a source (or with a NUL in it)", t.Device, e.Op, e.Type, e.Bits)
			}
			t.ops[e.Op+"/"+e.Type] = append(t.ops[e.Op+"/"+e.Type], e)
		}
		for _, s := range t.Soft {
			if len(s.Points) == 0 || slices.ContainsFunc(s.Points, func(p point) bool {
				return p.Source == "" || strings.Contains(p.Source, clockMark) || p.ClockNS <= 0
			}) {
				return nil, fmt.Errorf("targets: opcosts.json: %s: float %s%d has no point or one without a source (or with a NUL in it) or clock", t.Device, s.Op, s.Bits)
			}
			t.soft[s.Op] = append(t.soft[s.Op], s)
		}
		out[t.Device] = t
	}
	return out, nil
}

func (d Device) table() (*table, error) {
	ts, err := loadTables()
	if err != nil {
		return nil, err
	}
	t := ts[d.Bambu]
	if t == nil {
		return nil, fmt.Errorf("targets: %s has no operation cost tables", d.Name)
	}
	return t, nil
}

// intOps are the operations with fu_library cells; every other Op is a
// libm function.
var intOps = []string{"add", "sub", "mul", "div", "rem", "neg", "abs", "min", "max", "cmp",
	"select", "and", "or", "xor", "shl", "shr", "cast", "load", "store"}

// OpCost is what operation k costs on d at a clock period of clockNS.
//
// Integer (and fixed-point) operations, loads and stores come from Bambu's
// characterisation of the device's cells (fu_library.csv): a width between
// the characterised ones (1, 8, 16, 32, 64) takes the next wider cell; of
// the cell's variants, see pick.
// uint operations without an unsigned cell use the signed one. Float add,
// sub, mul, div and libm functions are Bambu's soft-float units (see
// floatUnits); other float operations are integer cells on the bit
// pattern (see floatOther). The error names the key: an unknown
// operation, type or width, or a period shorter than every variant's
// stage. Answers are kept (cache.go): the tables and devices.json are
// immutable, and a simulator asks for the same few keys at every design
// point.
func (d Device) OpCost(k OpKey, clockNS float64) (OpCost, error) {
	dc := cacheOf(d)
	if dc.err != nil {
		return OpCost{}, dc.err
	}
	if !(clockNS > 0) || math.IsInf(clockNS, 0) {
		return OpCost{}, fmt.Errorf("targets: %s: %s: clock period %g ns is not a positive number", d.Name, k, clockNS)
	}
	p, err := dc.plan(k)
	if err != nil {
		return OpCost{}, err
	}
	return p.cost(dc, clockNS)
}

// newPlan resolves key k on table t to its units, or says why it has
// none (device name for the errors).
func (t *table) newPlan(name string, k OpKey) (*plan, error) {
	if k.Bits <= 0 {
		return nil, fmt.Errorf("targets: %s: %s: width must be positive", name, k)
	}
	p := &plan{k: k}
	switch k.Type {
	case "int", "uint":
		if !slices.Contains(intOps, k.Op) {
			return nil, fmt.Errorf("targets: %s: %s: %q is not an integer operation (%s)", name, k, k.Op, strings.Join(intOps, " "))
		}
		u, err := t.cellUnit(name, k)
		if err != nil {
			return nil, err
		}
		p.units = []unit{u}
	case "float":
		us, err := t.floatUnits(name, k)
		if err != nil {
			return nil, err
		}
		p.units = us
		if !slices.Contains(intOps, k.Op) {
			if a, err := t.floatUnits(name, OpKey{"add", "float", k.Bits}); err == nil {
				p.adder = &a[0]
			}
		}
	default:
		return nil, fmt.Errorf("targets: %s: %s: type %q (want int, uint or float)", name, k, k.Type)
	}
	return p, nil
}

// cellUnit resolves an int/uint key to its fu_library cell.
func (t *table) cellUnit(name string, k OpKey) (unit, error) {
	es := t.ops[k.Op+"/"+k.Type]
	note := ""
	if len(es) == 0 && k.Type == "uint" {
		es, note = t.ops[k.Op+"/int"], "; uint as int (no unsigned cell)"
	}
	if len(es) == 0 {
		return unit{}, fmt.Errorf("targets: %s: %s: no cell for this operation", name, k)
	}
	i := slices.IndexFunc(es, func(e entry) bool { return e.Bits >= k.Bits })
	if i < 0 {
		return unit{}, fmt.Errorf("targets: %s: %s: wider than the widest characterised cell (%d bits)", name, k, es[len(es)-1].Bits)
	}
	if es[i].Bits != k.Bits && k.Op != "load" && k.Op != "store" && k.Op != "cast" {
		note += fmt.Sprintf("; %d-bit cell for %d bits (next characterised width)", es[i].Bits, k.Bits)
	}
	return unit{vs: es[i].Variants, note: note, cellKey: k}, nil
}

// pick chooses a unit among a cell's variants (sorted: combinational
// first, then by cycles with falling stage period) at a clock period: the
// combinational one if its delay fits; else the fewer cycles of the
// fastest-fitting pipelined variant and of the combinational one spread
// over ceil(delay/period) cycles, not pipelined (the pipelined one on a
// tie). The cost has no Source: pickText writes it from the choice.
func pick(vs []variant, clockNS float64) (OpCost, choice, error) {
	best, ch := -1, choice{}
	for i, v := range vs {
		if v.DelayNS <= clockNS {
			if v.Cycles == 0 {
				return rowCost(v), choice{row: int16(i)}, nil
			}
			best, ch = i, choice{row: int16(i)}
			break
		}
	}
	if vs[0].Cycles == 0 {
		n := int(math.Ceil(vs[0].DelayNS / clockNS))
		if best < 0 || n < vs[best].Cycles {
			c := rowCost(vs[0])
			c.Cycles, c.II = n, n
			c.DelayNS = vs[0].DelayNS - float64(n-1)*clockNS
			return c, choice{how: rowSpread, n: n}, nil
		}
	}
	if best < 0 {
		return OpCost{}, choice{}, fmt.Errorf("clock period %g ns is shorter than every unit's stage (the shortest is %.3f ns: %s)",
			clockNS, vs[len(vs)-1].DelayNS, vs[len(vs)-1].Source)
	}
	return rowCost(vs[best]), ch, nil
}

// rowCost is a cell variant's cost, without its Source.
func rowCost(v variant) OpCost {
	return OpCost{Cycles: v.Cycles, II: max(v.II, 1), DelayNS: v.DelayNS, LUT: v.LUT, FF: v.FF,
		DSP: v.DSP, BRAM: v.BRAM, AreaUM2: v.Area}
}

// pickText is the Source of pick's choice, clk the clock period's text.
func pickText(vs []variant, ch choice, clk string) string {
	if ch.how == rowSpread {
		return vs[0].Source + fmt.Sprintf("; combinational delay %.3f ns over %d cycles of %s ns, not pipelined", vs[0].DelayNS, ch.n, clk)
	}
	return vs[ch.row].Source
}

// MinClockNS is the shortest clock period d's memories support: the
// largest, over the characterised load and store units, of their shortest
// stage (every kernel reads and writes buffers). Other operations may need
// a longer period; OpCost says so per operation. 0 for a device without
// tables. Soft-float units have no such limit (their latency grows as the
// period shrinks).
func (d Device) MinClockNS() float64 {
	t, err := d.table()
	if err != nil {
		return 0
	}
	m := 0.0
	for _, e := range t.Ops {
		if vs := e.Variants; (e.Op == "load" || e.Op == "store") && vs[0].Cycles > 0 {
			m = max(m, vs[len(vs)-1].DelayNS)
		}
	}
	return m
}
