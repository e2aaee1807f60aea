package loop

func (p *parser) stmt() Stmt {
	t := p.peek()
	switch {
	case t.kind == tIdent && t.text == "for":
		return p.forStmt()
	case t.kind == tIdent && t.text == "if":
		return p.ifStmt()
	case t.kind == tIdent && !reserved[t.text]:
		return p.store()
	}
	p.failAt(t, "expected a statement, found %s", describe(t))
	return nil
}

// forStmt reads "for v in lo..hi step s parallel unroll(u) { … }".
func (p *parser) forStmt() Stmt {
	p.expect("for")
	nt := p.name("loop variable")
	if p.lookupVar(nt.text) >= 0 {
		p.failAt(nt, "loop variable %s shadows the enclosing loop's", nt.text)
	}
	if _, ok := p.k.Buffer(nt.text); ok {
		p.failAt(nt, "loop variable %s has a buffer's name", nt.text)
	}
	p.expect("in")
	f := &For{Lo: p.index(), Step: 1}
	p.expect("..")
	f.Hi = p.index()
	if p.accept("step") {
		f.Step = p.smallInt("step")
	}
	if p.accept("parallel") {
		f.Kind = Parallel
	}
	if p.accept("unroll") {
		p.expect("(")
		if p.accept("full") {
			f.Dir.Unroll = UnrollFull
		} else {
			f.Dir.Unroll = p.smallInt("unroll factor")
		}
		p.expect(")")
	}
	f.Var = p.k.NewVar(nt.text)
	p.scope = append(p.scope, f.Var)
	f.Body = p.block()
	p.scope = p.scope[:len(p.scope)-1]
	return f
}

func (p *parser) ifStmt() Stmt {
	p.expect("if")
	s := &If{Cond: p.expr(0)}
	s.Then = p.block()
	if p.accept("else") {
		s.Else = p.block()
	}
	return s
}

// store reads "name[i, …] = value" or "name = value".
func (p *parser) store() Stmt {
	nt := p.next()
	if p.lookupVar(nt.text) >= 0 {
		p.failAt(nt, "cannot assign to loop variable %s", nt.text)
	}
	id, ok := p.k.Buffer(nt.text)
	if !ok {
		p.failAt(nt, "unknown buffer %s", nt.text)
	}
	s := &Store{Buf: id, Index: p.indices()}
	p.expect("=")
	s.Value = p.expr(0)
	return s
}

// indices reads "[i, …]" if present.
func (p *parser) indices() []Index {
	if !p.accept("[") {
		return nil
	}
	var idx []Index
	for !p.accept("]") {
		if len(idx) > 0 {
			p.expect(",")
		}
		idx = append(idx, p.index())
	}
	return idx
}

// index reads an integer expression and splits it into its affine part and
// a data-dependent rest.
func (p *parser) index() Index {
	return splitIndex(p.expr(0))
}

func splitIndex(e Expr) Index {
	if a, ok := toAffine(e); ok {
		return Index{Aff: a}
	}
	if b, ok := e.(*Bin); ok && b.Op == Add {
		if a, ok := toAffine(b.X); ok {
			return Index{Aff: a, Dyn: b.Y}
		}
		if a, ok := toAffine(b.Y); ok {
			return Index{Aff: a, Dyn: b.X}
		}
	}
	return Index{Dyn: e}
}

func (p *parser) lookupVar(name string) VarID {
	for i := len(p.scope) - 1; i >= 0; i-- {
		if v := p.scope[i]; p.k.Vars[v].Name == name {
			return v
		}
	}
	return -1
}
