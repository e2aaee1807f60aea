package targets

import (
	"fmt"
	"math"
	"slices"
)

// floatOther maps the float operations that are not soft-float units to
// the integer cell Bambu's soft-float library reduces them to, on the bit
// pattern: neg flips the sign bit (xor), abs clears it (and), select is a
// multiplexer; cmp, min and max are taken as the integer comparator /
// min / max of the width (assumption: an IEEE compare is a sign-magnitude
// integer compare plus NaN checks; no soft-float comparison is
// characterised). load and store are the memory's; copysign takes each
// bit from one operand or the other, a multiplexer (select).
var floatOther = map[string]string{
	"neg": "xor", "abs": "and", "select": "select", "cmp": "cmp", "min": "min", "max": "max",
	"load": "load", "store": "store", "copysign": "select",
}

// libmAlias maps the loop IR's libm functions that softfloat_libm.csv does
// not characterise to the closest one it does (a float rem is C's fmod).
var libmAlias = map[string]string{"exp2": "exp", "log2": "log", "trunc": "floor", "round": "rint", "rem": "fmod"}

// fma is a float multiply then add: the two soft-float units one after the
// other, their latencies and resources added (derivation; no fused unit is
// characterised).
func (t *table) fma(d Device, k OpKey, clockNS float64) (OpCost, error) {
	m, err := t.floatCost(d, OpKey{"mul", "float", k.Bits}, clockNS)
	if err != nil {
		return OpCost{}, fmt.Errorf("targets: %s: %s: %w", d.Name, k, err)
	}
	a, err := t.floatCost(d, OpKey{"add", "float", k.Bits}, clockNS)
	if err != nil {
		return OpCost{}, fmt.Errorf("targets: %s: %s: %w", d.Name, k, err)
	}
	return OpCost{Cycles: m.Cycles + a.Cycles, II: m.II + a.II, DelayNS: a.DelayNS, LUT: m.LUT + a.LUT, FF: m.FF + a.FF,
		DSP: m.DSP + a.DSP, BRAM: m.BRAM + a.BRAM, AreaUM2: m.AreaUM2 + a.AreaUM2,
		Source: fmt.Sprintf("fma as a soft-float multiply then add (derivation): [%s] + [%s]", m.Source, a.Source)}, nil
}

// floatBits are the widths of the float formats (narrower kinds compute in
// the next one: bf16 and f16 in 16 bits).
var floatBits = []int{16, 32, 64}

// floatCost is a float operation's cost. add, sub, mul, div and libm
// functions are Bambu's soft-float units (--soft-float: multi-cycle, not
// pipelined, II = latency, assumption) characterised per clock in
// softfloat_libm.csv (and, for nangate45, the tutorial log); see softAt
// for clocks between and outside those. cast (float↔int or between float
// widths) has no characterisation: it is taken as the soft-float adder of
// the width (assumption: both align and normalise a mantissa). 16-bit
// floats (f16, bf16 through --fp-format) have no characterisation either:
// they take the f32 unit's latency with LUT, FF and area × 1/2 and DSPs ×
// 1/4 rounded up (derivation by operand width; a narrower mantissa does
// not make the unit slower).
func (t *table) floatCost(d Device, k OpKey, clockNS float64) (OpCost, error) {
	i := slices.IndexFunc(floatBits, func(b int) bool { return b >= k.Bits })
	if i < 0 {
		return OpCost{}, fmt.Errorf("targets: %s: %s: floats are 16, 32 or 64 bits", d.Name, k)
	}
	bits := floatBits[i]
	if op, ok := floatOther[k.Op]; ok {
		c, err := t.cellCost(d, OpKey{op, "int", bits}, clockNS)
		if err != nil {
			return OpCost{}, fmt.Errorf("targets: %s: %s: %w", d.Name, k, err)
		}
		c.Source = fmt.Sprintf("float %s as the %d-bit integer %s cell: %s", k.Op, bits, op, c.Source)
		return c, nil
	}
	if k.Op == "fma" {
		return t.fma(d, k, clockNS)
	}
	op, note := k.Op, ""
	if op == "cast" {
		op, note = "add", "; float cast taken as the soft-float adder (assumption)"
	}
	if a, ok := libmAlias[op]; ok {
		op, note = a, fmt.Sprintf("; %s taken as Bambu's %sf (assumption: the same kind of algorithm; %sf is not characterised)", k.Op, a, k.Op)
	}
	half := bits == 16
	if half {
		bits = 32
		note += "; 16-bit float: the f32 unit's latency, LUT/FF/area × 1/2, DSP × 1/4 rounded up (derivation)"
	}
	ss := t.soft[op]
	j := slices.IndexFunc(ss, func(s soft) bool { return s.Bits == bits })
	if j < 0 {
		return OpCost{}, fmt.Errorf("targets: %s: %s: no soft-float or libm unit of %d bits characterised for %q", d.Name, k, bits, op)
	}
	c := softAt(ss[j].Points, clockNS)
	if half {
		c.LUT, c.FF, c.AreaUM2 = (c.LUT+1)/2, (c.FF+1)/2, c.AreaUM2/2
		c.DSP = (c.DSP + 3) / 4
	}
	c.Source += note
	return c, nil
}

// softAt is a soft-float unit's cost at a clock period from its points
// (sorted by clock): a characterised clock gives its row; a clock between
// two interpolates the latency linearly in frequency (1/period), rounded
// to the nearest cycle, with the resources of the nearer point; a longer
// period than any keeps the longest one's latency (no fewer cycles
// assumed: the unit's registered steps remain); a shorter one than any
// spreads the shortest one's total time over the period, ceil(n·c/T) (an
// upper bound). The result is registered: DelayNS is the whole period
// (nothing chains after it in its last cycle; assumption).
func softAt(ps []point, clockNS float64) OpCost {
	mk := func(p point, cycles int, how string) OpCost {
		return OpCost{Cycles: cycles, II: cycles, DelayNS: clockNS, LUT: p.LUT, FF: p.FF, DSP: p.DSP,
			BRAM: p.BRAM, AreaUM2: p.Area, Source: p.Source + how}
	}
	const eps = 1e-9
	first, last := ps[0], ps[len(ps)-1]
	for _, p := range ps {
		if math.Abs(p.ClockNS-clockNS) < eps {
			return mk(p, p.Cycles, "")
		}
	}
	switch {
	case clockNS < first.ClockNS:
		n := int(math.Ceil(float64(first.Cycles) * first.ClockNS / clockNS))
		return mk(first, n, fmt.Sprintf("; %d cycles × %g ns spread over %g ns periods", first.Cycles, first.ClockNS, clockNS))
	case clockNS > last.ClockNS:
		return mk(last, last.Cycles, fmt.Sprintf("; latency at %g ns kept for the longer period %g ns", last.ClockNS, clockNS))
	}
	k := slices.IndexFunc(ps, func(p point) bool { return p.ClockNS > clockNS })
	a, b := ps[k-1], ps[k]
	f := (1/clockNS - 1/a.ClockNS) / (1/b.ClockNS - 1/a.ClockNS)
	n := int(math.Round(float64(a.Cycles) + f*float64(b.Cycles-a.Cycles)))
	near := a
	if f > 0.5 {
		near = b
	}
	c := mk(near, n, "")
	c.Source = fmt.Sprintf("interpolated in frequency between %d cycles @ %g ns [%s] and %d cycles @ %g ns [%s]; resources of the nearer",
		a.Cycles, a.ClockNS, a.Source, b.Cycles, b.ClockNS, b.Source)
	return c
}
