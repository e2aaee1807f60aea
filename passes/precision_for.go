package passes

import (
	"cmp"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// Resolved is what a spec gives one node: the precision of its weights,
// its activations and its accumulators, each set (FP32 where the spec says
// nothing) and concrete: amp is expanded to fp16 weights and activations
// with an fp32 accumulator, and the accumulator of an int8 or int16 All is
// Int32Acc (QuantAcc set).
type Resolved struct {
	Weights, Act, Acc Precision
	// QuantAcc says Acc is the int32 accumulator of a quantised (int8,
	// int16) layer: an integer sum of raw products, whose scale (fraction
	// bits) follows the products' and is chosen where the scales are known.
	QuantAcc bool
}

// Int32Acc is the accumulator of a quantised layer before its scale is
// known: a 32-bit integer, fixed<32,32>.
var Int32Acc = Precision{Kind: FixedPoint, Fixed: dtype.Fixed{W: 32, I: 32}}

// For resolves the precisions of the node named node by the rules of
// PrecisionSpec's "Meaning": for each role, the node's exact override
// (the role, then All), each matching prefix override, longest first, then
// Default; FP32 when none is set.
func (s PrecisionSpec) For(node string) Resolved {
	levels := s.levels(node)
	var r Resolved
	var fromAll [numRoles]bool
	for _, ro := range []role{roleWeights, roleAct, roleAcc} {
		p, all := pick(levels, ro)
		fromAll[ro] = all
		*r.field(ro) = p
	}
	switch {
	case r.Weights.Kind == AMP:
		r.Weights = Precision{Kind: FP16}
	case r.Weights.IsZero():
		r.Weights = Precision{Kind: FP32}
	}
	switch {
	case r.Act.Kind == AMP:
		r.Act = Precision{Kind: FP16}
	case r.Act.IsZero():
		r.Act = Precision{Kind: FP32}
	}
	switch {
	case r.Acc.Kind == AMP:
		r.Acc = Precision{Kind: FP32}
	case (r.Acc.Kind == Int8 || r.Acc.Kind == Int16) && fromAll[roleAcc]:
		r.Acc, r.QuantAcc = Int32Acc, true
	case r.Acc.IsZero():
		r.Acc = Precision{Kind: FP32}
	}
	return r
}

func (r *Resolved) field(ro role) *Precision {
	switch ro {
	case roleWeights:
		return &r.Weights
	case roleAct:
		return &r.Act
	}
	return &r.Acc
}

// levels are the sets that apply to node, most specific first: its exact
// override, the matching prefix overrides from the longest, the default.
func (s PrecisionSpec) levels(node string) []PrecisionSet {
	var exact []PrecisionSet
	var prefixes []LayerPrecision
	for _, l := range s.Layers {
		switch {
		case !l.Matches(node):
		case l.Prefix:
			prefixes = append(prefixes, l)
		default:
			exact = append(exact, l.PrecisionSet)
		}
	}
	slices.SortStableFunc(prefixes, func(a, b LayerPrecision) int { return cmp.Compare(len(b.Name), len(a.Name)) })
	out := exact
	for _, l := range prefixes {
		out = append(out, l.PrecisionSet)
	}
	return append(out, s.Default)
}

// pick is the first precision set for role ro over levels (the role, then
// All, at each level), and whether it came from an All.
func pick(levels []PrecisionSet, ro role) (Precision, bool) {
	for _, l := range levels {
		if p := *l.field(ro); !p.IsZero() {
			return p, false
		}
		if !l.All.IsZero() {
			return l.All, true
		}
	}
	return Precision{}, false
}
