package targets

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// How OpCost keeps its answers. A device's answers live in a devCache,
// one per device as OpCost sees it (devKey: a Device value edited by its
// caller has answers of its own); in it, each key is resolved once to a
// plan (its cell's variants or its soft-float unit's points). A plan
// keeps:
//   - its answers at the last keptClocks clocks it computed (the oldest
//     is replaced; an evicted clock is computed again, and comes out the
//     same);
//   - their Source texts by what they depend on (outcome: which variant or
//     point answered, how, and what that adds), with the clock period left
//     out and written in per answer, and the energy per operation: at
//     most maxTexts of them, the oldest replaced (a key has a few: a
//     cell's variants, a soft-float unit's points and the spans between
//     and beyond them; more only for a combinational cell spread over
//     many cycles of very short periods).
//
// So a clock never seen costs some arithmetic and at most one string, not
// the formatting of the text (TestPinnedAnswers: every answer as it was
// when each was formatted afresh). Errors are not kept (they are rare,
// and a plan exists only for a key that has a unit). Bounds: maxDevices
// device caches (all dropped when one more is needed), a plan per key
// with a unit (a finite set: the tables' operations × int, uint, float ×
// widths 1 to 64, a few thousand at most), keptClocks answers and
// maxTexts texts per plan.
const (
	keptClocks = 8
	maxTexts   = 32
	maxDevices = 64
)

// devKey is what a device's answers depend on.
type devKey struct {
	name, bambu       string
	kind              Kind
	logic, hard, um2  float64
	hasEnergy, hasUM2 bool
}

func keyOf(d Device) devKey {
	k := devKey{name: d.Name, bambu: d.Bambu, kind: d.Kind}
	if e := d.Energy; e != nil {
		k.logic, k.hard, k.hasEnergy = e.Logic, e.Hard, true
	}
	if a := d.ASICArea; a != nil {
		k.um2, k.hasUM2 = a.UM2PerUnit, true
	}
	return k
}

// devCache is one device's tables and kept answers.
type devCache struct {
	key   devKey
	t     *table
	err   error // no tables, or not the device data OpCost needs
	mu    sync.RWMutex
	plans map[OpKey]*plan
}

var caches struct {
	last atomic.Pointer[devCache] // the device asked last
	mu   sync.RWMutex
	m    map[devKey]*devCache
}

// cacheOf is d's cache.
func cacheOf(d Device) *devCache {
	k := keyOf(d)
	if dc := caches.last.Load(); dc != nil && dc.key == k {
		return dc
	}
	caches.mu.RLock()
	dc := caches.m[k]
	caches.mu.RUnlock()
	if dc == nil {
		dc = newDevCache(d, k)
	}
	caches.last.Store(dc)
	return dc
}

// newDevCache makes and keeps d's cache (or finds the one another
// goroutine made meanwhile).
func newDevCache(d Device, k devKey) *devCache {
	caches.mu.Lock()
	defer caches.mu.Unlock()
	if dc := caches.m[k]; dc != nil {
		return dc
	}
	if len(caches.m) >= maxDevices || caches.m == nil {
		caches.m = map[devKey]*devCache{}
	}
	dc := &devCache{key: k, plans: map[OpKey]*plan{}}
	dc.t, dc.err = d.table()
	switch {
	case dc.err != nil:
	case d.Energy == nil:
		dc.err = fmt.Errorf("targets: %s has no energy scale (devices.json energy)", d.Name)
	case d.Kind == ASIC && d.ASICArea == nil:
		dc.err = fmt.Errorf("targets: %s is an ASIC without an area scale (devices.json asic_area)", d.Name)
	}
	caches.m[k] = dc
	return dc
}

// plan is k's plan on the device, made on first use.
func (dc *devCache) plan(k OpKey) (*plan, error) {
	dc.mu.RLock()
	p := dc.plans[k]
	dc.mu.RUnlock()
	if p != nil {
		return p, nil
	}
	p, err := dc.t.newPlan(dc.key.name, k)
	if err != nil {
		return nil, err
	}
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if q := dc.plans[k]; q != nil {
		return q, nil
	}
	dc.plans[k] = p
	return p, nil
}

// A choice is which row of a unit answered at a clock, and how: what the
// answer's text depends on besides the clock.
type choice struct {
	how  uint8 // exact (the row itself), spread, below, above or between
	row  int16 // the variant or point (between: the shorter-period one)
	near int16 // between: the point whose resources are taken
	n    int   // spread: cycles
}

// The ways a row answers: pick's combinational row spread over n cycles;
// softAt's clock below, above or between its points.
const (
	rowExact uint8 = iota
	rowSpread
	rowBelow
	rowAbove
	rowBetween
)

// unit is one functional unit a key resolves to: a cell's variants or a
// soft-float unit's points.
type unit struct {
	vs       []variant // a cell's variants (pick); nil for a soft-float unit
	ps       []point   // a soft-float unit's points (softAt)
	half     bool      // a 16-bit float on the f32 unit
	prefix   string    // text before the row's (a float operation on an integer cell)
	note     string    // text after it
	cellKey  OpKey     // a cell's key, and the float key over it: named by pick's errors
	floatKey OpKey
}

// at is u's cost (without Source) at clockNS.
func (u *unit) at(name string, clockNS float64) (OpCost, choice, error) {
	if u.vs == nil {
		c, ch := softAt(u.ps, clockNS)
		if u.half {
			c.LUT, c.FF, c.AreaUM2 = (c.LUT+1)/2, (c.FF+1)/2, c.AreaUM2/2
			c.DSP = (c.DSP + 3) / 4
		}
		return c, ch, nil
	}
	c, ch, err := pick(u.vs, clockNS)
	if err != nil {
		err = fmt.Errorf("targets: %s: %s: %w", name, u.cellKey, err)
		if u.floatKey != (OpKey{}) {
			err = fmt.Errorf("targets: %s: %s: %w", name, u.floatKey, err)
		}
	}
	return c, ch, err
}

// add appends soft-float unit u's part at choice ch (a cell has none).
func (l *Latency) add(u *unit, ch choice) {
	if u.vs != nil {
		return
	}
	pt := func(i int16) LatencyPoint {
		p := &u.ps[i]
		return LatencyPoint{Cycles: p.Cycles, ClockNS: p.ClockNS, TopFunction: p.Top}
	}
	part := LatencyPart{A: pt(ch.row)}
	switch ch.how {
	case rowBelow:
		part.How = LatencySpread
	case rowAbove:
		part.How = LatencyKept
	case rowBetween:
		part.How, part.B = LatencyBetween, pt(ch.row+1)
	}
	l.Parts[l.N] = part
	l.N++
}

// text is u's Source for choice ch, clk the clock period's text.
func (u *unit) text(ch choice, clk string) string {
	if u.vs == nil {
		return u.prefix + softText(u.ps, ch, clk) + u.note
	}
	return u.prefix + pickText(u.vs, ch, clk) + u.note
}

// plan is one key's units on a device and its kept answers.
type plan struct {
	k     OpKey
	units []unit // one; fma: the multiplier, then the adder
	adder *unit  // a libm function's: the soft-float adder of its width (energy45), or nil

	mu       sync.Mutex
	texts    []keptText // at most maxTexts (a few: searched in order)
	nextText int        // the one replaced next once full (the oldest)
	kept     [keptClocks]keptAnswer
	nkept    int // answers in kept
	next     int // where the next one goes (the oldest once full)
}

// outcome is what an answer's text depends on besides the clock: the
// choice of each unit and of the adder.
type outcome [3]choice

type keptText struct {
	o outcome
	t *answerText
}

type keptAnswer struct {
	clockNS float64
	c       OpCost
}

// answerText is an answer's Source around the clock period's text (parts
// joined by it) and its energy per operation.
type answerText struct {
	parts    []string
	size     int // of the parts together
	energyPJ float64
}

// clockMark stands for the clock period in a text while it is kept
// (parseTables refuses sources with it).
const clockMark = "\x00"

// cost is p's answer at clockNS on dc's device.
func (p *plan) cost(dc *devCache, clockNS float64) (OpCost, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.nkept {
		if p.kept[i].clockNS == clockNS {
			return p.kept[i].c, nil
		}
	}
	c, addArea, o, err := p.eval(dc.key.name, clockNS)
	if err != nil {
		return OpCost{}, err
	}
	txt := p.textOf(dc.key, c, addArea, o)
	c.Source, c.EnergyPJ = txt.source(clockNS), txt.energyPJ
	if dc.key.kind == ASIC {
		c.AreaUM2 *= dc.key.um2
		c.LUT, c.FF, c.DSP, c.BRAM = 0, 0, 0, 0
	} else {
		c.AreaUM2 = 0
	}
	p.kept[p.next] = keptAnswer{clockNS, c}
	p.next = (p.next + 1) % keptClocks
	p.nkept = min(p.nkept+1, keptClocks)
	return c, nil
}

// eval is p's cost at clockNS in Bambu's units, without Source and
// energy, the area of the adder energy45 scales a libm function's energy
// by, and the outcome that gives them.
func (p *plan) eval(name string, clockNS float64) (OpCost, float64, outcome, error) {
	var o outcome
	c, ch, err := p.units[0].at(name, clockNS)
	if err != nil {
		return OpCost{}, 0, o, err
	}
	o[0] = ch
	var lat Latency
	lat.add(&p.units[0], ch)
	if len(p.units) == 2 {
		a, ch, _ := p.units[1].at(name, clockNS) // a soft-float adder: no error
		c, o[1] = fma(c, a), ch
		lat.add(&p.units[1], ch)
	}
	c.Latency = lat
	addArea := 0.0
	if p.adder != nil {
		var a OpCost
		a, o[2], _ = p.adder.at(name, clockNS)
		addArea = a.AreaUM2
	}
	return c, addArea, o, nil
}

// textOf is the kept text of outcome o, made (see text) and kept if
// there is none.
func (p *plan) textOf(key devKey, c OpCost, addArea float64, o outcome) *answerText {
	for i := range p.texts {
		if p.texts[i].o == o {
			return p.texts[i].t
		}
	}
	t := p.text(key, c, addArea, o)
	if len(p.texts) < maxTexts {
		p.texts = append(p.texts, keptText{o, t})
	} else {
		p.texts[p.nextText] = keptText{o, t}
		p.nextText = (p.nextText + 1) % maxTexts
	}
	return t
}

// text makes the text and energy of outcome o, c and addArea being an
// answer of it in Bambu's units (its area and hard blocks, and the
// adder's area, are the same at every clock of o).
func (p *plan) text(key devKey, c OpCost, addArea float64, o outcome) *answerText {
	src := p.units[0].text(o[0], clockMark)
	if len(p.units) == 2 {
		src = fmaText(src, p.units[1].text(o[1], clockMark))
	}
	e, why := energy45(p.k, c.AreaUM2, addArea)
	scale := key.logic
	if c.DSP > 0 || c.BRAM > 0 {
		scale = key.hard
	}
	src += fmt.Sprintf("; energy %.4g pJ at 45 nm (%s) × %g (devices.json energy)", e, why, scale)
	t := &answerText{parts: strings.Split(src, clockMark), energyPJ: e * scale}
	for _, s := range t.parts {
		t.size += len(s)
	}
	return t
}

// source is the text at clockNS (formatted as %g formats it).
func (t *answerText) source(clockNS float64) string {
	if len(t.parts) == 1 {
		return t.parts[0]
	}
	var buf [32]byte
	clk := strconv.AppendFloat(buf[:0], clockNS, 'g', -1, 64)
	var b strings.Builder
	b.Grow(t.size + len(clk)*(len(t.parts)-1))
	for i, s := range t.parts {
		if i > 0 {
			b.Write(clk)
		}
		b.WriteString(s)
	}
	return b.String()
}
