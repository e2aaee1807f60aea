package sweep

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/place"
)

// Design is one point of a space: its index and, through it, one value of
// every knob. A Design is a small value; its knobs are computed from the
// index when asked for.
type Design struct {
	Index uint64
	space *Space
}

// Design returns the design numbered i (see Space for the numbering); i
// must be below Size (an index out of range is an error of the caller's
// code, and panics).
func (s *Space) Design(i uint64) Design {
	if i >= s.size {
		panic(fmt.Sprintf("sweep: design %d of a space of %d", i, s.size))
	}
	return Design{Index: i, space: s}
}

// Space is the space d belongs to.
func (d Design) Space() *Space { return d.space }

// values fills vals (len(Knobs) long) with d's value of each knob.
func (d Design) values(vals []*Value) {
	i := d.Index
	ks := d.space.Knobs
	for j := len(ks) - 1; j >= 0; j-- {
		n := uint64(len(ks[j].Values))
		vals[j] = &ks[j].Values[i%n]
		i /= n
	}
}

// scratch is room for a design's values without allocating, for spaces of
// up to 32 knobs.
type scratch [32]*Value

func (d Design) valuesIn(buf *scratch) []*Value {
	var vals []*Value
	if n := len(d.space.Knobs); n <= len(buf) {
		vals = buf[:n]
	} else {
		vals = make([]*Value, n)
	}
	d.values(vals)
	return vals
}

// Value is d's value of the knob at position k of its space's Knobs.
func (d Design) Value(k int) *Value {
	i := d.Index
	ks := d.space.Knobs
	for j := len(ks) - 1; j > k; j-- {
		i /= uint64(len(ks[j].Values))
	}
	return &ks[k].Values[i%uint64(len(ks[k].Values))]
}

// Values is d's value of every knob, in the order of the space's Knobs.
func (d Design) Values() []*Value {
	out := make([]*Value, len(d.space.Knobs))
	d.values(out)
	return out
}

// Key is d's stable text: name=value for every knob in enumeration order,
// separated by spaces ("precision=fp16 clock=5 tile:gemm.j=16"). Equal
// keys mean equal designs of the same space.
func (d Design) Key() string {
	var buf scratch
	vals := d.valuesIn(&buf)
	n := max(len(vals)-1, 0)
	for _, v := range vals {
		n += len(v.key)
	}
	var b strings.Builder
	b.Grow(n)
	for j, v := range vals {
		if j > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.key)
	}
	return b.String()
}

// AppendKey appends d's Key to b (no allocation where b has room).
func (d Design) AppendKey(b []byte) []byte {
	var buf scratch
	for j, v := range d.valuesIn(&buf) {
		if j > 0 {
			b = append(b, ' ')
		}
		b = append(b, v.key...)
	}
	return b
}

// appendKnobsJSON appends d's knobs as a JSON object.
func (d Design) appendKnobsJSON(b []byte) []byte {
	var buf scratch
	b = append(b, '{')
	for j, v := range d.valuesIn(&buf) {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, v.json...)
	}
	return append(b, '}')
}

// find is d's value of the first knob of kind k, if the space has one.
func (d Design) find(k Kind) (*Value, bool) {
	for j := range d.space.Knobs {
		if d.space.Knobs[j].Kind == k {
			return d.Value(j), true
		}
	}
	return nil, false
}

// Precision is d's precision spec; ok is false where the space has no
// precision knob (the caller's default applies).
func (d Design) Precision() (spec passes.PrecisionSpec, ok bool) {
	v, ok := d.find(KindPrecision)
	if !ok {
		return passes.PrecisionSpec{}, false
	}
	return v.Precision, true
}

// Device is d's device name; ok is false where the space has none.
func (d Design) Device() (name string, ok bool) {
	v, ok := d.find(KindDevice)
	if !ok {
		return "", false
	}
	return v.Text, true
}

// ClockNS is d's clock period in ns; ok is false where the space has none.
func (d Design) ClockNS() (float64, bool) { return d.number(KindClock) }

// Channels is d's number of memory channels; ok is false where the space
// has none.
func (d Design) Channels() (int, bool) { n, ok := d.number(KindChannels); return int(n), ok }

// Batch is d's batch size; ok is false where the space has none.
func (d Design) Batch() (int, bool) { n, ok := d.number(KindBatch); return int(n), ok }

// Placement is d's memory placement (auto, onchip, offchip-weights or
// none); ok is false where the space has no placement knob.
func (d Design) Placement() (string, bool) {
	v, ok := d.find(KindPlacement)
	if !ok {
		return "", false
	}
	return v.Text, true
}

// Overrides is d's placement overrides (nil for none); ok is false where
// the space has no place knob.
func (d Design) Overrides() ([]place.Override, bool) {
	v, ok := d.find(KindPlace)
	if !ok {
		return nil, false
	}
	return v.Overrides, true
}

func (d Design) number(k Kind) (float64, bool) {
	v, ok := d.find(k)
	if !ok {
		return 0, false
	}
	return v.Num, true
}

// Plan is d's loop transforms in the space's knob order: tiles, then
// interchanges, copies, unrolls and partitions, each kind in the file's
// order (a copy after the interchanges that move its loop, before the
// unrolls that would replicate its reads); knobs at none add nothing.
// Each step's Source is the line of its value in the space file.
func (d Design) Plan() loops.Plan {
	var plan loops.Plan
	for j := range d.space.Knobs {
		if !d.space.Knobs[j].Kind.IsLoop() {
			continue
		}
		if v := d.Value(j); v.Step != nil {
			plan = append(plan, *v.Step)
		}
	}
	return plan
}
