package graph

import (
	"fmt"
	"slices"
	"strings"
)

// EinsumPlan is an Einsum equation bound to the shapes of its operands.
// Every index letter is a label, and so is every dimension an ellipsis
// stands for (ellipses are right-aligned and broadcast like numpy's, so
// all of them share the same labels). Operand axes that repeat a label take
// the diagonal; labels missing from the output are summed over.
type EinsumPlan struct {
	Sizes    []int   // size of each label
	Operands [][]int // for each operand, the label of each axis
	Output   []int   // the labels of the output axes, in order
	Summed   []int   // the labels summed over, in order of first use
}

// OutShape is the shape of the Einsum's result.
func (p *EinsumPlan) OutShape() []int {
	s := make([]int, len(p.Output))
	for i, l := range p.Output {
		s[i] = p.Sizes[l]
	}
	return s
}

// nnEinsumTerm is one side of an equation: its letters, with the position of
// the ellipsis among them (-1 when there is none).
type nnEinsumTerm struct {
	letters []byte
	ell     int
}

// ParseEinsum parses an Einsum equation (Operators.md, Einsum) for operands
// of the given shapes: explicit ("ij,jk->ik") and implicit ("ij,jk", output
// = ellipsis dimensions, then the letters used once, in ASCII order) forms,
// repeated letters (diagonals), ellipses and spaces.
func ParseEinsum(eq string, shapes [][]int) (*EinsumPlan, error) {
	eq = strings.ReplaceAll(eq, " ", "")
	lhs, rhs, explicit := strings.Cut(eq, "->")
	if strings.Contains(rhs, "->") {
		return nil, fmt.Errorf("equation %q has more than one \"->\"", eq)
	}
	parts := strings.Split(lhs, ",")
	if len(parts) != len(shapes) {
		return nil, fmt.Errorf("equation %q has %d terms for %d inputs", eq, len(parts), len(shapes))
	}
	terms := make([]nnEinsumTerm, len(parts))
	ellRank := 0
	for i, s := range parts {
		t, err := nnParseEinsumTerm(s)
		if err != nil {
			return nil, fmt.Errorf("equation %q: %w", eq, err)
		}
		terms[i] = t
		r := len(shapes[i]) - len(t.letters)
		if t.ell < 0 && r != 0 || r < 0 {
			return nil, fmt.Errorf("equation %q: term %q has %d letters for input %d of rank %d", eq, s, len(t.letters), i, len(shapes[i]))
		}
		ellRank = max(ellRank, r)
	}
	p := &EinsumPlan{}
	ids := map[byte]int{}
	count := map[byte]int{}
	// the ellipsis labels come first: 0..ellRank-1
	for range ellRank {
		p.Sizes = append(p.Sizes, 1)
	}
	for i, t := range terms {
		labels, err := p.bindTerm(t, shapes[i], ellRank, ids, count)
		if err != nil {
			return nil, fmt.Errorf("equation %q, input %d: %w", eq, i, err)
		}
		p.Operands = append(p.Operands, labels)
	}
	if explicit {
		out, err := nnParseEinsumTerm(rhs)
		if err != nil {
			return nil, fmt.Errorf("equation %q: output: %w", eq, err)
		}
		for i, c := range out.letters {
			if i == out.ell {
				p.Output = append(p.Output, nnSeq(ellRank)...)
			}
			id, ok := ids[c]
			if !ok {
				return nil, fmt.Errorf("equation %q: output letter %q is in no input", eq, c)
			}
			if slices.Contains(p.Output, id) {
				return nil, fmt.Errorf("equation %q: output letter %q repeated", eq, c)
			}
			p.Output = append(p.Output, id)
		}
		if out.ell == len(out.letters) {
			p.Output = append(p.Output, nnSeq(ellRank)...)
		}
	} else {
		p.Output = nnSeq(ellRank)
		var once []byte
		for c, k := range count {
			if k == 1 {
				once = append(once, c)
			}
		}
		slices.Sort(once)
		for _, c := range once {
			p.Output = append(p.Output, ids[c])
		}
	}
	for l := range p.Sizes {
		if !slices.Contains(p.Output, l) {
			p.Summed = append(p.Summed, l)
		}
	}
	return p, nil
}

// bindTerm gives the labels of one operand's axes and records the sizes.
func (p *EinsumPlan) bindTerm(t nnEinsumTerm, shape []int, ellRank int, ids, count map[byte]int) ([]int, error) {
	labels := make([]int, 0, len(shape))
	r := len(shape) - len(t.letters) // dims under the ellipsis
	for i := 0; i <= len(t.letters); i++ {
		if i == t.ell {
			labels = append(labels, nnSeq(ellRank)[ellRank-r:]...)
		}
		if i == len(t.letters) {
			break
		}
		c := t.letters[i]
		count[c]++
		id, ok := ids[c]
		if !ok {
			id = len(p.Sizes)
			ids[c] = id
			p.Sizes = append(p.Sizes, 1)
		}
		labels = append(labels, id)
	}
	seen := map[int]int{}
	for a, l := range labels {
		d := shape[a]
		if prev, ok := seen[l]; ok && prev != d {
			return nil, fmt.Errorf("repeated index has sizes %d and %d", prev, d)
		}
		seen[l] = d
		switch {
		case d == p.Sizes[l] || d == 1:
		case p.Sizes[l] == 1:
			p.Sizes[l] = d
		default:
			return nil, fmt.Errorf("axis %d has size %d, another operand gives that index size %d", a, d, p.Sizes[l])
		}
	}
	return labels, nil
}

func nnParseEinsumTerm(s string) (nnEinsumTerm, error) {
	t := nnEinsumTerm{ell: -1}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			t.letters = append(t.letters, c)
		case c == '.' && strings.HasPrefix(s[i:], "..."):
			if t.ell >= 0 {
				return t, fmt.Errorf("term %q has two ellipses", s)
			}
			t.ell = len(t.letters)
			i += 2
		default:
			return t, fmt.Errorf("term %q has the character %q", s, c)
		}
	}
	return t, nil
}

func nnSeq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
