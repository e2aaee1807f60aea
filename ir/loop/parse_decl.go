package loop

import (
	"strconv"

	"github.com/kiln-hls/kiln/ir/dtype"
)

var roleByName = map[string]Role{"temp": Temp, "in": Input, "out": Output, "const": Constant}

// decl reads "role name: kind[shape] space partition(…) = data".
func (p *parser) decl() BufID {
	rt := p.next()
	role, ok := roleByName[rt.text]
	if !ok || rt.kind != tIdent {
		p.failAt(rt, "expected a buffer declaration (in, out, const, temp), found %s", describe(rt))
	}
	nt := p.name("buffer")
	if _, dup := p.k.Buffer(nt.text); dup {
		p.failAt(nt, "buffer %s declared twice", nt.text)
	}
	p.expect(":")
	b := &Buffer{Name: nt.text, Role: role, Kind: p.kind()}
	if p.accept("[") {
		b.Shape = []int{}
		for !p.accept("]") {
			if len(b.Shape) > 0 {
				p.expect(",")
			}
			b.Shape = append(b.Shape, p.smallInt("dimension"))
		}
	}
	p.bufferAttrs(b)
	return p.k.NewBuffer(b)
}

var spaceByName = map[string]Space{"reg": Register, "ram": RAM, "rom": ROM, "offchip": OffChip}

func (p *parser) bufferAttrs(b *Buffer) {
	for {
		t := p.peek()
		if s, ok := spaceByName[t.text]; ok && t.kind == tIdent {
			if b.Space != SpaceAuto {
				p.failAt(t, "buffer %s has two memory spaces", b.Name)
			}
			p.next()
			b.Space = s
			continue
		}
		switch {
		case t.kind == tIdent && t.text == "uram":
			if b.UltraRAM {
				p.failAt(t, "buffer %s says uram twice", b.Name)
			}
			p.next()
			b.UltraRAM = true
		case p.accept("partition"):
			b.Partition = append(b.Partition, p.partition())
		case p.accept("="):
			b.Init = p.init(t, b)
			return
		default:
			return
		}
	}
}

var schemeByName = map[string]Scheme{"cyclic": Cyclic, "block": Block, "complete": Complete}

// partition reads "(cyclic, 4, dim 1)" or "(complete, dim 0)".
func (p *parser) partition() Partition {
	p.expect("(")
	t := p.next()
	s, ok := schemeByName[t.text]
	if !ok {
		p.failAt(t, "unknown partition scheme %s (cyclic, block, complete)", describe(t))
	}
	pt := Partition{Scheme: s}
	p.expect(",")
	if s != Complete {
		pt.Factor = p.smallInt("partition factor")
		p.expect(",")
	}
	p.expect("dim")
	pt.Dim = p.smallInt("dimension")
	p.expect(")")
	return pt
}

// smallInt reads a non-negative decimal integer below 2^31.
func (p *parser) smallInt(what string) int {
	t := p.peek()
	v, err := strconv.ParseInt(t.text, 10, 32)
	if t.kind != tInt || err != nil || v < 0 {
		p.failAt(t, "expected a %s (an integer from 0 to 2^31-1), found %s", what, describe(t))
	}
	p.next()
	return int(v)
}

// init reads "{v, …}" or "data(count, 0xHASH)" for buffer b.
func (p *parser) init(at token, b *Buffer) *dtype.Array {
	if !b.Kind.Computable() {
		p.failAt(at, "buffer %s: kind %v cannot hold data", b.Name, b.Kind)
	}
	if p.accept("data") {
		return p.dataRef(at, b)
	}
	p.expect("{")
	var vals []*Const
	for !p.accept("}") {
		if len(vals) > 0 {
			p.expect(",")
		}
		vals = append(vals, p.literalOf(b.Kind))
	}
	if len(vals) != dtype.Size(b.Shape) {
		p.failAt(at, "buffer %s has %d elements, data has %d", b.Name, dtype.Size(b.Shape), len(vals))
	}
	a := dtype.New(b.Kind, b.Shape)
	for i, c := range vals {
		setElem(a, i, c)
	}
	return a
}

func (p *parser) dataRef(at token, b *Buffer) *dtype.Array {
	p.expect("(")
	nt := p.peek()
	n, err := strconv.ParseInt(nt.text, 0, 64)
	if nt.kind != tInt || err != nil {
		p.failAt(nt, "expected an element count, found %s", describe(nt))
	}
	p.next()
	p.expect(",")
	ht := p.next()
	h, err := strconv.ParseUint(ht.text, 0, 64)
	if ht.kind != tInt || err != nil {
		p.failAt(ht, "expected a data hash, found %s", describe(ht))
	}
	p.expect(")")
	a := p.data[b.Name]
	switch {
	case a == nil:
		p.failAt(at, "constant %s: its values are not in the text; pass them to Parse", b.Name)
	case int64(a.Len()) != n || Digest(a) != h:
		p.failAt(at, "constant %s: the values passed have %d elements and hash %#016x, the text says %d and %#016x",
			b.Name, a.Len(), Digest(a), n, h)
	}
	return a
}

func setElem(a *dtype.Array, i int, c *Const) {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		a.F32[i] = float32(c.Float)
	case dtype.ClassDouble:
		a.F64[i] = c.Float
	case dtype.ClassInt, dtype.ClassFixed:
		a.I64[i] = c.Int
	case dtype.ClassUint:
		a.U64[i] = uint64(c.Int)
	case dtype.ClassBool:
		a.Bool[i] = c.Int != 0
	}
}
