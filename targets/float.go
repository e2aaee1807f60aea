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
func fma(m, a OpCost) OpCost {
	return OpCost{Cycles: m.Cycles + a.Cycles, II: m.II + a.II, DelayNS: a.DelayNS, LUT: m.LUT + a.LUT, FF: m.FF + a.FF,
		DSP: m.DSP + a.DSP, BRAM: m.BRAM + a.BRAM, AreaUM2: m.AreaUM2 + a.AreaUM2}
}

// fmaText is fma's Source from the multiplier's and the adder's.
func fmaText(m, a string) string {
	return fmt.Sprintf("fma as a soft-float multiply then add (derivation): [%s] + [%s]", m, a)
}

// floatBits are the widths of the float formats (narrower kinds compute in
// the next one: bf16 and f16 in 16 bits).
var floatBits = []int{16, 32, 64}

// floatUnits resolves a float key to its unit (fma: the multiplier, then
// the adder; see fma). add, sub, mul, div and libm functions are Bambu's
// soft-float units (--soft-float: multi-cycle, not pipelined, II =
// latency, assumption) characterised per clock in softfloat_libm.csv
// (and, for nangate45, the tutorial log); see softAt for clocks between
// and outside those. cast (float↔int or between float widths) has no
// characterisation: it is taken as the soft-float adder of the width
// (assumption: both align and normalise a mantissa). 16-bit floats (f16,
// bf16 through --fp-format) have no characterisation either: they take
// the f32 unit's latency with LUT, FF and area × 1/2 and DSPs × 1/4
// rounded up (derivation by operand width; a narrower mantissa does not
// make the unit slower).
func (t *table) floatUnits(name string, k OpKey) ([]unit, error) {
	i := slices.IndexFunc(floatBits, func(b int) bool { return b >= k.Bits })
	if i < 0 {
		return nil, fmt.Errorf("targets: %s: %s: floats are 16, 32 or 64 bits", name, k)
	}
	bits := floatBits[i]
	if op, ok := floatOther[k.Op]; ok {
		u, err := t.cellUnit(name, OpKey{op, "int", bits})
		if err != nil {
			return nil, fmt.Errorf("targets: %s: %s: %w", name, k, err)
		}
		u.prefix, u.floatKey = fmt.Sprintf("float %s as the %d-bit integer %s cell: ", k.Op, bits, op), k
		return []unit{u}, nil
	}
	if k.Op == "fma" {
		var us []unit
		for _, op := range []string{"mul", "add"} {
			u, err := t.floatUnits(name, OpKey{op, "float", k.Bits})
			if err != nil {
				return nil, fmt.Errorf("targets: %s: %s: %w", name, k, err)
			}
			us = append(us, u...)
		}
		return us, nil
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
		return nil, fmt.Errorf("targets: %s: %s: no soft-float or libm unit of %d bits characterised for %q", name, k, bits, op)
	}
	return []unit{{ps: ss[j].Points, half: half, note: note}}, nil
}

// softAt is a soft-float unit's cost at a clock period from its points
// (sorted by clock): a characterised clock gives its row; a clock between
// two interpolates the latency linearly in frequency (1/period), rounded
// to the nearest cycle, with the resources of the nearer point; a longer
// period than any keeps the longest one's latency (no fewer cycles
// assumed: the unit's registered steps remain); a shorter one than any
// spreads the shortest one's total time over the period, ceil(n·c/T) (an
// upper bound). The result is registered: DelayNS is the whole period
// (nothing chains after it in its last cycle; assumption). The cost has
// no Source: softText writes it from the choice.
func softAt(ps []point, clockNS float64) (OpCost, choice) {
	mk := func(p point, cycles int) OpCost {
		return OpCost{Cycles: cycles, II: cycles, DelayNS: clockNS, LUT: p.LUT, FF: p.FF, DSP: p.DSP,
			BRAM: p.BRAM, AreaUM2: p.Area}
	}
	const eps = 1e-9
	first, last := ps[0], ps[len(ps)-1]
	for j, p := range ps {
		if math.Abs(p.ClockNS-clockNS) < eps {
			return mk(p, p.Cycles), choice{row: int16(j)}
		}
	}
	switch {
	case clockNS < first.ClockNS:
		n := int(math.Ceil(float64(first.Cycles) * first.ClockNS / clockNS))
		return mk(first, n), choice{how: rowBelow}
	case clockNS > last.ClockNS:
		return mk(last, last.Cycles), choice{how: rowAbove, row: int16(len(ps) - 1)}
	}
	k := slices.IndexFunc(ps, func(p point) bool { return p.ClockNS > clockNS })
	a, b := ps[k-1], ps[k]
	f := (1/clockNS - 1/a.ClockNS) / (1/b.ClockNS - 1/a.ClockNS)
	n := int(math.Round(float64(a.Cycles) + f*float64(b.Cycles-a.Cycles)))
	near := k - 1
	if f > 0.5 {
		near = k
	}
	return mk(ps[near], n), choice{how: rowBetween, row: int16(k - 1), near: int16(near)}
}

// softText is the Source of softAt's choice, clk the clock period's text.
func softText(ps []point, ch choice, clk string) string {
	p := ps[ch.row]
	switch ch.how {
	case rowBelow:
		return p.Source + fmt.Sprintf("; %d cycles × %g ns spread over %s ns periods", p.Cycles, p.ClockNS, clk)
	case rowAbove:
		return p.Source + fmt.Sprintf("; latency at %g ns kept for the longer period %s ns", p.ClockNS, clk)
	case rowBetween:
		b := ps[ch.row+1]
		return fmt.Sprintf("interpolated in frequency between %d cycles @ %g ns [%s] and %d cycles @ %g ns [%s]; resources of the nearer",
			p.Cycles, p.ClockNS, p.Source, b.Cycles, b.ClockNS, b.Source)
	}
	return p.Source
}
