package loop

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// String prints k in the .kir text format (see the package documentation).
// Equal kernels print equal text, and Parse reads it back.
func (k *Kernel) String() string {
	p := newPrinter(k)
	p.kernel()
	return p.sb.String()
}

type printer struct {
	k     *Kernel
	sb    strings.Builder
	depth []int // nesting depth of each bound variable, -1 when unbound
	level int
}

func newPrinter(k *Kernel) *printer {
	p := &printer{k: k, depth: make([]int, len(k.Vars))}
	for i := range p.depth {
		p.depth[i] = -1
	}
	return p
}

func (p *printer) kernel() {
	k := p.k
	fmt.Fprintf(&p.sb, "kernel %s(", k.Name)
	param := make([]bool, len(k.Buffers))
	for i, id := range k.Params {
		if i > 0 {
			p.sb.WriteString(", ")
		}
		p.sb.WriteString(p.decl(id))
		if p.validBuf(id) {
			param[id] = true
		}
	}
	p.sb.WriteString(") {\n")
	p.level = 1
	for i := range k.Buffers {
		if !param[i] {
			p.line(p.decl(BufID(i)))
		}
	}
	p.stmts(k.Body)
	p.sb.WriteString("}\n")
}

func (p *printer) line(s string) {
	p.sb.WriteString(strings.Repeat("  ", p.level))
	p.sb.WriteString(s)
	p.sb.WriteByte('\n')
}

func (p *printer) validBuf(id BufID) bool {
	return id >= 0 && int(id) < len(p.k.Buffers) && p.k.Buffers[id] != nil
}

// decl prints a buffer declaration: role name: kind[shape] space partitions = data.
func (p *printer) decl(id BufID) string {
	if !p.validBuf(id) {
		return fmt.Sprintf("?buf%d", id)
	}
	b := p.k.Buffers[id]
	s := fmt.Sprintf("%v %s: %v", b.Role, b.Name, b.Kind)
	if b.Shape != nil {
		dims := make([]string, len(b.Shape))
		for i, d := range b.Shape {
			dims[i] = strconv.Itoa(d)
		}
		s += "[" + strings.Join(dims, ",") + "]"
	}
	if b.Space != SpaceAuto {
		s += " " + b.Space.String()
	}
	if b.UltraRAM {
		s += " uram"
	}
	for _, pt := range b.Partition {
		if pt.Scheme == Complete {
			s += fmt.Sprintf(" partition(%v, dim %d)", pt.Scheme, pt.Dim)
		} else {
			s += fmt.Sprintf(" partition(%v, %d, dim %d)", pt.Scheme, pt.Factor, pt.Dim)
		}
	}
	if b.Init != nil {
		s += " = " + dataString(b.Init)
	}
	return s
}

func (p *printer) stmts(body []Stmt) {
	for _, s := range body {
		p.stmt(s)
	}
}

func (p *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *For:
		p.line(p.forHead(s) + " {")
		p.bind(s.Var)
		p.block(s.Body)
		p.unbind(s.Var)
	case *If:
		p.line("if " + p.expr(s.Cond, 0) + " {")
		if len(s.Else) > 0 {
			p.level++
			p.stmts(s.Then)
			p.level--
			p.line("} else {")
			p.block(s.Else)
		} else {
			p.block(s.Then)
		}
	case *Store:
		p.line(p.storeString(s))
	default:
		p.line(fmt.Sprintf("?stmt(%T)", s))
	}
}

func (p *printer) block(body []Stmt) {
	p.level++
	p.stmts(body)
	p.level--
	p.line("}")
}

func (p *printer) bind(v VarID) {
	if int(v) >= 0 && int(v) < len(p.depth) {
		p.depth[v] = p.level
	}
}

func (p *printer) unbind(v VarID) {
	if int(v) >= 0 && int(v) < len(p.depth) {
		p.depth[v] = -1
	}
}

func (p *printer) forHead(f *For) string {
	s := fmt.Sprintf("for %s in %s..%s", p.varName(f.Var), p.index(f.Lo), p.index(f.Hi))
	if f.Step != 1 {
		s += fmt.Sprintf(" step %d", f.Step)
	}
	if f.Kind == Parallel {
		s += " parallel"
	}
	switch u := f.Dir.Unroll; {
	case u == UnrollFull:
		s += " unroll(full)"
	case u != 0:
		s += fmt.Sprintf(" unroll(%d)", u)
	}
	return s
}

func (p *printer) storeString(s *Store) string {
	return p.access(s.Buf, s.Index) + " = " + p.expr(s.Value, 0)
}

func (p *printer) access(id BufID, index []Index) string {
	name := fmt.Sprintf("?buf%d", id)
	if p.validBuf(id) {
		name = p.k.Buffers[id].Name
	}
	if len(index) == 0 {
		return name
	}
	parts := make([]string, len(index))
	for i, x := range index {
		parts[i] = p.index(x)
	}
	return name + "[" + strings.Join(parts, ", ") + "]"
}

func (p *printer) varName(v VarID) string {
	if int(v) < 0 || int(v) >= len(p.k.Vars) {
		return fmt.Sprintf("?var%d", v)
	}
	return p.k.Vars[v].Name
}

// index prints the affine part, terms from the outermost loop in, then the
// constant, then the dynamic part.
func (p *printer) index(x Index) string {
	s := p.affine(x.Aff)
	if x.Dyn == nil {
		return s
	}
	if s == "0" {
		return p.expr(x.Dyn, 0)
	}
	return s + " + " + p.expr(x.Dyn, 5)
}

func (p *printer) affine(a Affine) string {
	terms := append([]Term{}, a.Terms...)
	sort.SliceStable(terms, func(i, j int) bool { return p.termDepth(terms[i]) < p.termDepth(terms[j]) })
	var sb strings.Builder
	for _, t := range terms {
		c := t.Coeff
		switch {
		case sb.Len() == 0 && c < 0:
			sb.WriteString("-")
			c = -c
		case sb.Len() > 0 && c < 0:
			sb.WriteString(" - ")
			c = -c
		case sb.Len() > 0:
			sb.WriteString(" + ")
		}
		if c != 1 {
			fmt.Fprintf(&sb, "%d*", c)
		}
		sb.WriteString(p.varName(t.Var))
	}
	switch {
	case sb.Len() == 0:
		return strconv.Itoa(a.Const)
	case a.Const > 0:
		fmt.Fprintf(&sb, " + %d", a.Const)
	case a.Const < 0:
		fmt.Fprintf(&sb, " - %d", -a.Const)
	}
	return sb.String()
}

func (p *printer) termDepth(t Term) int {
	if int(t.Var) >= 0 && int(t.Var) < len(p.depth) {
		return p.depth[t.Var]
	}
	return -1
}
