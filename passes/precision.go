package passes

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// PrecisionKind is the number format family of a Precision.
type PrecisionKind uint8

// The precision kinds, with their names in a spec. Float formats round to
// nearest even after every operation; int8 and int16 are post-training
// quantised (a scale, and a zero point when asymmetric, from calibration).
const (
	NoPrecision PrecisionKind = iota // unset: the zero Precision
	FP32                             // "fp32": IEEE binary32, the model as exported
	FP16                             // "fp16": IEEE binary16, products and sums alike
	BF16                             // "bf16": bfloat16 (8 exponent, 7 fraction bits)
	FP8E4M3                          // "fp8e4m3": ONNX float8e4m3fn (4 exponent, 3 fraction bits)
	FP8E5M2                          // "fp8e5m2": ONNX float8e5m2 (5 exponent, 2 fraction bits)
	AMP                              // "amp": fp16 products, fp32 sums
	Int8                             // "int8": quantised to 8-bit integers
	Int16                            // "int16": quantised to 16-bit integers
	FixedPoint                       // "fixed<W,I>" or "ufixed<W,I>": a dtype.Fixed
	numPrecisionKinds
)

var precisionKindNames = [numPrecisionKinds]string{"", "fp32", "fp16", "bf16", "fp8e4m3", "fp8e5m2", "amp", "int8", "int16", "fixed"}

// String is the kind's name in a spec ("fixed" for FixedPoint, "" for
// NoPrecision).
func (k PrecisionKind) String() string {
	if k >= numPrecisionKinds {
		return fmt.Sprintf("precision(%d)", uint8(k))
	}
	return precisionKindNames[k]
}

// Precision is one number format a user can ask for: a float format, amp,
// a quantised integer format or a fixed-point type. The zero Precision is
// unset.
type Precision struct {
	Kind  PrecisionKind
	Fixed dtype.Fixed // the type, when Kind is FixedPoint
	// Asymmetric (int8, int16) quantises with a zero point as well as a
	// scale; the default is symmetric (zero point 0).
	Asymmetric bool
	// PerChannel (int8, int16) gives each output channel of a weight its own
	// scale; the default is one scale per tensor.
	PerChannel bool
}

// IsZero reports whether p is unset.
func (p Precision) IsZero() bool { return p == Precision{} }

// String is p as ParsePrecision reads it: "fp16", "int8:asym:channel",
// "fixed<16,6>", "ufixed<12,4,rne,sat>"; "" when p is unset.
func (p Precision) String() string {
	switch p.Kind {
	case FixedPoint:
		return p.Fixed.String()
	case Int8, Int16:
		s := p.Kind.String()
		if p.Asymmetric {
			s += ":asym"
		}
		if p.PerChannel {
			s += ":channel"
		}
		return s
	}
	return p.Kind.String()
}

const wantPrecision = "want fp32, fp16, bf16, fp8e4m3, fp8e5m2, amp, int8, int16, fixed<W,I> or ufixed<W,I>"

// ParsePrecision reads one precision: fp32, fp16, bf16, fp8e4m3, fp8e5m2,
// amp, int8, int16, fixed<W,I> or ufixed<W,I> (with ParseFixed's optional
// rounding and overflow modes, e.g. fixed<12,4,rne,sat>). int8 and int16
// take options after colons: ":asym" for a zero point, ":channel" for a
// scale per output channel (":sym" and ":tensor" name the defaults), in
// any order, e.g. int8:asym:channel. f32, float32, f16, float16 and
// bfloat16 are accepted as other names; names are case-insensitive and
// spaces around the whole are ignored. Errors quote s.
func ParsePrecision(s string) (Precision, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if strings.ContainsAny(t, "<>") || strings.HasSuffix(t, "fixed") {
		f, err := dtype.ParseFixed(s)
		if err != nil {
			return Precision{}, err
		}
		return Precision{Kind: FixedPoint, Fixed: f}, nil
	}
	name, opts, hasOpts := strings.Cut(t, ":")
	p, msg := precisionByName(name)
	if msg == "" && hasOpts {
		msg = p.parseOptions(opts)
	}
	if msg != "" {
		return Precision{}, fmt.Errorf("precision %q: %s", s, msg)
	}
	return p, nil
}

func precisionByName(name string) (Precision, string) {
	for k := FP32; k < FixedPoint; k++ {
		if name == k.String() {
			return Precision{Kind: k}, ""
		}
	}
	switch {
	case name == "f32" || name == "float32":
		return Precision{Kind: FP32}, ""
	case name == "f16" || name == "float16":
		return Precision{Kind: FP16}, ""
	case name == "bfloat16":
		return Precision{Kind: BF16}, ""
	case name == "":
		return Precision{}, "empty; " + wantPrecision
	case name == "fp8":
		return Precision{}, "fp8 needs a format: fp8e4m3 or fp8e5m2"
	case isWidth(name, "int") || isWidth(name, "uint"):
		return Precision{}, fmt.Sprintf("%s is not supported; want int8 or int16", name)
	case isWidth(name, "fp") || isWidth(name, "float"):
		return Precision{}, fmt.Sprintf("%s is not supported; want fp32, fp16, bf16, fp8e4m3 or fp8e5m2", name)
	}
	return Precision{}, "unknown precision; " + wantPrecision
}

// isWidth reports whether name is prefix followed by decimal digits.
func isWidth(name, prefix string) bool {
	digits, ok := strings.CutPrefix(name, prefix)
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// parseOptions sets an integer precision's options from "asym:channel".
func (p *Precision) parseOptions(opts string) string {
	if p.Kind != Int8 && p.Kind != Int16 {
		return fmt.Sprintf("options (after ':') apply to int8 and int16 only, not %s", p.Kind)
	}
	var haveSym, haveGrain bool
	for _, o := range strings.Split(opts, ":") {
		o = strings.TrimSpace(o)
		seen := &haveSym
		switch o {
		case "sym", "asym":
			p.Asymmetric = o == "asym"
		case "tensor", "channel":
			p.PerChannel, seen = o == "channel", &haveGrain
		default:
			return fmt.Sprintf("unknown option %q; want asym or sym, channel or tensor", o)
		}
		if *seen {
			return fmt.Sprintf("option %q conflicts with or repeats an earlier one", o)
		}
		*seen = true
	}
	return ""
}

// PrecisionSet is what a spec says for one layer, or for the whole model:
// one precision for all its tensors and, where the user says so, separate
// ones for its weights (constant inputs: weights and biases), its
// activations (the tensors it produces) and its accumulators (the sums
// inside Conv, Gemm, MatMul, LSTM …). Unset fields inherit (see
// PrecisionSpec).
type PrecisionSet struct {
	All, Weights, Act, Acc Precision
}

// IsZero reports whether nothing in s is set.
func (s PrecisionSet) IsZero() bool { return s == PrecisionSet{} }

// LayerPrecision is a per-layer override: the node whose name is Name or,
// when Prefix, every node whose name starts with Name.
type LayerPrecision struct {
	Name   string
	Prefix bool
	PrecisionSet
}

// Matches reports whether the override applies to the node named node.
func (l LayerPrecision) Matches(node string) bool {
	if l.Prefix {
		return strings.HasPrefix(node, l.Name)
	}
	return node == l.Name
}

// PrecisionSpec is a --precision spec: a default for the model plus
// per-layer overrides, each with optional separate weights, activations
// and accumulator precisions. Layers are sorted by Name, exact names before
// prefixes of the same text, so equal specs have deeply equal fields and
// print alike.
//
// Meaning (for the passes that apply a spec): a tensor of role R (weights,
// act or acc) of node N takes the first of these that is set: N's exact
// override's R, then its All; each prefix override matching N, longest
// first, R then All; Default's R, then All. If none is set it stays fp32.
// amp gives fp16 weights and activations and fp32 accumulators, and an
// int8 or int16 All gives int32 accumulators (quantised layers accumulate
// in int32); so amp may not be given for a single role, nor int8/int16 for
// acc.
//
// The text form (ParsePrecisionSpec, String) is a comma-separated list of
// KEY=PRECISION items, or one PRECISION alone for the whole model:
//
//	fixed<16,6>
//	default=fixed<16,6>,lstm=fixed<18,8>
//	default=fixed<16,6>,acc=fixed<32,12>,weights=fixed<8,3>
//	default=fp16,lstm.weights=int8:channel,enc/*=bf16
//
// KEY is default (the whole model), weights, act or acc (the model's
// weights, activations or accumulators; also default.weights …), LAYER or
// LAYER.weights, LAYER.act, LAYER.acc. LAYER is a node name; with a
// trailing * it is a prefix matching every node whose name starts with it.
// A node name that holds , = < > " or surrounding spaces, ends in * or in
// .weights/.act/.acc, or is a reserved key (default, weights, act, acc,
// activations, accumulators) is written Go-quoted: "weights"=int8,
// "a,b"*.acc=fp32. activations and accumulators are accepted for act and
// acc. Commas inside <…> belong to the fixed type.
type PrecisionSpec struct {
	Default PrecisionSet
	Layers  []LayerPrecision
}

// A role selects a field of a PrecisionSet.
type role uint8

const (
	roleAll role = iota
	roleWeights
	roleAct
	roleAcc
	numRoles
)

var roleNames = [numRoles]string{"", "weights", "act", "acc"}

func roleByName(s string) (role, bool) {
	switch s {
	case "weights":
		return roleWeights, true
	case "act", "activations":
		return roleAct, true
	case "acc", "accumulators":
		return roleAcc, true
	}
	return 0, false
}

func (s *PrecisionSet) field(r role) *Precision {
	return [numRoles]*Precision{&s.All, &s.Weights, &s.Act, &s.Acc}[r]
}

// target is what a key names: the model (layer == nil) or a layer, and a role.
type target struct {
	isDefault bool
	name      string
	prefix    bool
	role      role
}

// key is t's canonical text.
func (t target) key() string {
	var k string
	switch {
	case !t.isDefault:
		k = layerKey(t.name, t.prefix)
		if t.role != roleAll {
			k += "." + roleNames[t.role]
		}
	case t.role == roleAll:
		k = "default"
	default:
		k = roleNames[t.role]
	}
	return k
}

// set records p for t, checking that the role takes p and t is not set yet.
func (s *PrecisionSpec) set(t target, p Precision) error {
	switch {
	case p.Kind == AMP && t.role != roleAll:
		return fmt.Errorf("amp (fp16 products, fp32 sums) applies to a whole layer, not to %s alone", roleNames[t.role])
	case (p.Kind == Int8 || p.Kind == Int16) && t.role == roleAcc:
		return fmt.Errorf("%s is not an accumulator type (quantised layers accumulate in int32); give a float or fixed type", p.Kind)
	case p.PerChannel && (t.role == roleAct || t.role == roleAcc):
		return fmt.Errorf("per-channel quantisation (%s) applies to weights only", p)
	}
	set := &s.Default
	if !t.isDefault {
		i := slices.IndexFunc(s.Layers, func(l LayerPrecision) bool { return l.Name == t.name && l.Prefix == t.prefix })
		if i < 0 {
			s.Layers = append(s.Layers, LayerPrecision{Name: t.name, Prefix: t.prefix})
			i = len(s.Layers) - 1
		}
		set = &s.Layers[i].PrecisionSet
	}
	f := set.field(t.role)
	if !f.IsZero() {
		return fmt.Errorf("given twice (%s and %s)", f, p)
	}
	*f = p
	return nil
}

// finish sorts the layers and rejects a spec that sets nothing.
func (s *PrecisionSpec) finish() error {
	if s.Default.IsZero() && len(s.Layers) == 0 {
		return errors.New("empty spec; " + wantPrecision + ", or KEY=PRECISION items")
	}
	slices.SortFunc(s.Layers, func(a, b LayerPrecision) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if a.Prefix == b.Prefix {
			return 0
		}
		if a.Prefix {
			return 1
		}
		return -1
	})
	return nil
}

// ParsePrecisionSpec reads the text form of a spec (see PrecisionSpec).
// Errors quote s and say what is wrong in it.
func ParsePrecisionSpec(s string) (PrecisionSpec, error) {
	spec, err := parseSpec(s)
	if err != nil {
		return PrecisionSpec{}, fmt.Errorf("precision spec %q: %w", s, err)
	}
	return spec, nil
}

func parseSpec(s string) (PrecisionSpec, error) {
	var spec PrecisionSpec
	items, err := splitOutside(s, ',', -1)
	if err != nil {
		return spec, err
	}
	for i, item := range items {
		item = strings.TrimSpace(item)
		kv, _ := splitOutside(item, '=', 2)
		switch {
		case item == "" && len(items) == 1:
			return spec, errors.New("empty spec; " + wantPrecision + ", or KEY=PRECISION items")
		case item == "":
			return spec, fmt.Errorf("item %d is empty (a stray comma?)", i+1)
		case len(kv) == 1 && len(items) == 1:
			p, err := ParsePrecision(item)
			if err != nil {
				return spec, err
			}
			spec.Default.All = p
			continue
		case len(kv) == 1:
			return spec, fmt.Errorf("item %q has no KEY=; write default=%s for the model's default", item, item)
		}
		if err := spec.parseItem(strings.TrimSpace(kv[0]), strings.TrimSpace(kv[1])); err != nil {
			return spec, err
		}
	}
	return spec, spec.finish()
}

func (s *PrecisionSpec) parseItem(key, value string) error {
	if key == "" {
		return fmt.Errorf("item \"=%s\" has no key before '='", value)
	}
	t, err := parseKey(key)
	if err != nil {
		return err
	}
	if value == "" {
		return fmt.Errorf("%s= has no precision after '='", key)
	}
	p, err := ParsePrecision(value)
	if err == nil {
		err = s.set(t, p)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// splitOutside splits s at sep where sep is outside <…> and "…", into at
// most n parts (n < 0: all), checking that < > and quotes balance.
func splitOutside(s string, sep byte, n int) ([]string, error) {
	var parts []string
	depth, open, start, quote := 0, 0, 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote >= 0 && c == '\\':
			i++
		case quote >= 0:
			if c == '"' {
				quote = -1
			}
		case c == '"':
			quote = i
		case c == '<':
			if depth == 0 {
				open = i
			}
			depth++
		case c == '>':
			if depth == 0 {
				return nil, fmt.Errorf("'>' at offset %d has no matching '<'", i)
			}
			depth--
		case c == sep && depth == 0 && (n < 0 || len(parts) < n-1):
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	switch {
	case quote >= 0:
		return nil, fmt.Errorf("quote at offset %d is not closed", quote)
	case depth > 0:
		return nil, fmt.Errorf("'<' at offset %d is not closed by '>'", open)
	}
	return append(parts, s[start:]), nil
}

// parseKey reads KEY of a KEY=PRECISION item.
func parseKey(key string) (target, error) {
	if r, ok := roleByName(key); ok {
		return target{isDefault: true, role: r}, nil
	}
	if key == "default" {
		return target{isDefault: true}, nil
	}
	var t target
	rest := key
	if strings.HasPrefix(key, `"`) {
		q, err := strconv.QuotedPrefix(key)
		if err != nil {
			return t, fmt.Errorf("key %s: bad quoted layer name", key)
		}
		t.name, _ = strconv.Unquote(q)
		rest = key[len(q):]
		rest, t.prefix = strings.CutPrefix(rest, "*")
		if rest != "" {
			r, dot := strings.CutPrefix(rest, ".")
			var ok bool
			if t.role, ok = roleByName(r); !ok || !dot {
				return t, fmt.Errorf("key %s: want weights, act or acc after the quoted layer name, got %q", key, rest)
			}
		}
	} else {
		t.name = key
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			if r, ok := roleByName(key[i+1:]); ok {
				t.name, t.role = strings.TrimSpace(key[:i]), r
			}
		}
		if t.name == "default" {
			return target{isDefault: true, role: t.role}, nil
		}
		t.name, t.prefix = strings.CutSuffix(t.name, "*")
		if strings.ContainsAny(t.name, `"<>`) {
			return t, fmt.Errorf("key %s: a layer name with \" < or > must be quoted", key)
		}
	}
	if t.name == "" && t.prefix {
		return t, fmt.Errorf("key %s: an empty prefix matches every node; use default", key)
	}
	if t.name == "" {
		return t, fmt.Errorf("key %s: empty layer name", key)
	}
	return t, nil
}

// layerKey is the text form of a layer name, quoted where the bare name
// would read as something else.
func layerKey(name string, prefix bool) string {
	k := name
	if needsQuote(name) {
		k = strconv.Quote(name)
	}
	if prefix {
		k += "*"
	}
	return k
}

func needsQuote(name string) bool {
	if _, ok := roleByName(name); ok || name == "default" || name == "" {
		return true
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if _, ok := roleByName(name[i+1:]); ok {
			return true
		}
	}
	return strings.ContainsAny(name, `,=<>"`) || strings.TrimSpace(name) != name ||
		strings.HasSuffix(name, "*") || strconv.Quote(name) != `"`+name+`"`
}

// String is s's canonical text form, which ParsePrecisionSpec reads back
// to an equal spec: the default alone when nothing else is set, otherwise
// default=, weights=, act=, acc= and then each layer's items in order.
// The zero spec prints as "".
func (s PrecisionSpec) String() string {
	if len(s.Layers) == 0 && s.Default == (PrecisionSet{All: s.Default.All}) {
		return s.Default.All.String()
	}
	var items []string
	add := func(t target, set PrecisionSet) {
		for r := roleAll; r < numRoles; r++ {
			if p := *set.field(r); !p.IsZero() {
				t.role = r
				items = append(items, t.key()+"="+p.String())
			}
		}
	}
	add(target{isDefault: true}, s.Default)
	for _, l := range s.Layers {
		add(target{name: l.Name, prefix: l.Prefix}, l.PrecisionSet)
	}
	return strings.Join(items, ",")
}

// Check reports every layer override of s that matches no node of g, with
// the names of g's nodes or, in a large graph, the closest ones.
func (s PrecisionSpec) Check(g *graph.Graph) error {
	if g == nil {
		return fmt.Errorf("precision spec %q: no graph to check against", s)
	}
	var names []string
	for _, n := range g.Nodes {
		if n != nil && n.Name != "" {
			names = append(names, n.Name)
		}
	}
	var errs []error
	for _, l := range s.Layers {
		if !slices.ContainsFunc(names, l.Matches) {
			errs = append(errs, fmt.Errorf("precision spec %q: layer %s matches no node; %s",
				s, layerKey(l.Name, l.Prefix), nodeHint(names, l)))
		}
	}
	return errors.Join(errs...)
}

// maxListedNodes is how many node names an error lists in full; beyond it
// an error names the closest few (a judgement call: a short line to read).
const maxListedNodes, closestNodes = 12, 3

func nodeHint(names []string, l LayerPrecision) string {
	switch {
	case len(names) == 0:
		return "the graph has no named nodes"
	case len(names) <= maxListedNodes:
		return "the nodes are " + quoteAll(names)
	}
	type scored struct {
		name string
		dist int
	}
	closest := make([]scored, len(names))
	for i, n := range names {
		m := n
		if l.Prefix && len(m) > len(l.Name) {
			m = m[:len(l.Name)]
		}
		closest[i] = scored{n, editDistance(l.Name, m)}
	}
	slices.SortStableFunc(closest, func(a, b scored) int { return a.dist - b.dist })
	// Names within half the override's length in edits, else the nearest few.
	var best []string
	for i, c := range closest[:closestNodes] {
		if i == 0 || c.dist <= max(1, len(l.Name)/2) {
			best = append(best, c.name)
		}
	}
	return "closest: " + quoteAll(best)
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// editDistance is the Levenshtein distance between a and b in bytes, with
// long names cut to 256 bytes to bound the work.
func editDistance(a, b string) int {
	a, b = a[:min(len(a), 256)], b[:min(len(b), 256)]
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
