package graph

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// String prints g in kiln's graph text form, deterministic for equal graphs:
//
//	graph "name"
//	  input  %x: f32[2,10,8]
//	  const  %w: f32[24,8]
//	  %y: f32[2,24] = MatMul(%x, %w)  # node "mm_0"
//	  output %y
func (g *Graph) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "graph %q\n", g.Name)
	for _, id := range g.Inputs {
		fmt.Fprintf(&sb, "  input  %s\n", g.decl(id))
	}
	uses := g.Uses()
	for _, t := range g.Tensors {
		if t.Init != nil && uses[t.ID] > 0 {
			fmt.Fprintf(&sb, "  const  %s\n", g.decl(t.ID))
		}
	}
	for _, n := range g.Nodes {
		sb.WriteString("  ")
		sb.WriteString(g.NodeString(n))
		sb.WriteByte('\n')
	}
	for _, id := range g.Outputs {
		fmt.Fprintf(&sb, "  output %s\n", g.ref(id))
	}
	return sb.String()
}

// NodeString prints one node: outputs, operator, inputs, attributes, name.
func (g *Graph) NodeString(n *Node) string {
	outs := make([]string, len(n.Out))
	for i, t := range n.Out {
		outs[i] = g.decl(t)
	}
	ins := make([]string, len(n.In))
	for i, t := range n.In {
		ins[i] = g.ref(t)
	}
	s := fmt.Sprintf("%s = %v(%s)", strings.Join(outs, ", "), n.Op, strings.Join(ins, ", "))
	if a := AttrString(n.Attrs); a != "" {
		s += " " + a
	}
	return s + fmt.Sprintf("  # node %q", n.Name)
}

var plainName = regexp.MustCompile(`^[A-Za-z0-9_.:/\-]+$`)

func (g *Graph) ref(id TensorID) string {
	if id == None {
		return "_"
	}
	name := g.Tensors[id].Name
	if plainName.MatchString(name) {
		return "%" + name
	}
	return fmt.Sprintf("%%%q", name)
}

func (g *Graph) decl(id TensorID) string {
	if id == None {
		return "_"
	}
	t := g.Tensors[id]
	return fmt.Sprintf("%s: %v%s", g.ref(id), t.Kind, shapeString(t.Shape))
}

func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// AttrString prints typed attributes as {Field: value, …}, fields in
// declaration order, zero values left out.
func AttrString(a Attrs) string {
	if a == nil {
		return ""
	}
	v := reflect.ValueOf(a)
	if v.Kind() != reflect.Struct {
		return fmt.Sprint(a)
	}
	var parts []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.IsZero() {
			continue
		}
		val := f.Interface()
		if s, ok := val.(fmt.Stringer); ok && f.Kind() != reflect.Pointer {
			parts = append(parts, fmt.Sprintf("%s: %s", v.Type().Field(i).Name, s))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %v", v.Type().Field(i).Name, val))
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
