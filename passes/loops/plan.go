package loops

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Op is the loop transform a Step runs.
type Op uint8

// The transforms a plan can hold.
const (
	OpTile        Op = iota // band tiling: KERNEL.LOOP=S1[,S2,…]
	OpInterchange           // KERNEL.A=B
	OpUnroll                // KERNEL.LOOP=N|full[:expand]
	OpPartition             // KERNEL.BUFFER=MODE[:FACTOR][:DIM]
	OpCopy                  // KERNEL.BUFFER=LOOP: stage the part LOOP reads on chip
)

func (o Op) String() string {
	switch o {
	case OpTile:
		return "tile"
	case OpInterchange:
		return "interchange"
	case OpUnroll:
		return "unroll"
	case OpPartition:
		return "partition"
	case OpCopy:
		return "copy"
	}
	return "op?"
}

// ParseOp reads "tile", "interchange", "unroll", "partition" or "copy".
func ParseOp(s string) (Op, error) {
	for o := OpTile; o <= OpCopy; o++ {
		if o.String() == s {
			return o, nil
		}
	}
	return 0, fmt.Errorf("loops: transform %q (want tile, interchange, unroll, partition or copy)", s)
}

// Step is one loop transform a user chose, with where it came from for
// errors. Spec names the kernel (by its loop-IR name or by an ONNX node it
// computes) and the loop (the buffer for a partition); its values are
// canonical once ParseSteps or ParsePlan made it.
type Step struct {
	Op     Op
	Spec   Spec   // KERNEL.LOOP=VALUES (partition: KERNEL.BUFFER=MODE[:FACTOR][:DIM]; copy: KERNEL.BUFFER=LOOP)
	Source string // "--tile" or "plan.yaml:12"
}

// String is the step's canonical text: "tile gemm.j=16,8".
func (s Step) String() string { return s.Op.String() + " " + s.Spec.String() }

// where is the prefix of the step's errors: "--tile gemm.j=16" for a flag
// named after the op, "plan.yaml:12: tile gemm.j=16" otherwise.
func (s Step) where() string { return s.origin() + " " + s.Spec.String() }

// origin is where without the spec: "--tile" or "plan.yaml:12: tile".
func (s Step) origin() string {
	switch s.Source {
	case "--" + s.Op.String():
		return s.Source
	case "":
		return s.Op.String()
	}
	return s.Source + ": " + s.Op.String()
}

// Plan is the loop transforms a user chose, run in order.
type Plan []Step

// String is one canonical step per line.
func (pl Plan) String() string {
	var b strings.Builder
	for _, s := range pl {
		b.WriteString(s.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// action is a step's values decoded.
type action struct {
	sizes  []int  // tile
	other  string // interchange: the inner loop; copy: the loop
	factor int    // unroll (loop.UnrollFull for full), partition
	expand bool   // unroll
	mode   Mode   // partition
	dim    int    // partition
}

// ParseSteps reads one flag value (comma-separated specs, as ParseSpecs
// reads them) for op, and checks every value; the steps' values are
// canonical. source says where the text came from ("--tile").
func ParseSteps(op Op, text, source string) ([]Step, error) {
	if op > OpCopy {
		return nil, fmt.Errorf("%s: loops: unknown transform %d", source, op)
	}
	specs, err := ParseSpecs(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Step{Op: op, Source: source}.origin(), err)
	}
	steps := make([]Step, 0, len(specs))
	for _, sp := range specs {
		s := Step{Op: op, Spec: sp, Source: source}
		a, err := s.decode()
		if err != nil {
			return nil, err
		}
		s.Spec.Values = a.values(op)
		steps = append(steps, s)
	}
	return steps, nil
}

// decode checks the step's names and values.
func (s Step) decode() (action, error) {
	fail := func(format string, args ...any) (action, error) {
		return action{}, fmt.Errorf("%s: loops: %s: "+format, append([]any{s.where(), s.Op}, args...)...)
	}
	if err := checkName("kernel", s.Spec.Kernel); err != nil {
		return fail("%v", err)
	}
	what := map[bool]string{true: "buffer", false: "loop"}[s.Op == OpPartition || s.Op == OpCopy]
	if err := checkName(what, s.Spec.Loop); err != nil {
		return fail("%v", err)
	}
	if len(s.Spec.Values) == 0 {
		return fail("no value")
	}
	if s.Op != OpTile && len(s.Spec.Values) > 1 {
		return fail("one value, not %d (%s)", len(s.Spec.Values), strings.Join(s.Spec.Values, ","))
	}
	var a action
	var err error
	switch s.Op {
	case OpTile:
		a.sizes, err = tileSizes(s.Spec.Values)
	case OpInterchange:
		a.other, err = s.Spec.Values[0], checkName("loop", s.Spec.Values[0])
		if err == nil && a.other == s.Spec.Loop {
			err = fmt.Errorf("loop %s cannot be swapped with itself", a.other)
		}
	case OpUnroll:
		a.factor, a.expand, err = unrollValue(s.Spec.Values[0])
	case OpPartition:
		a.mode, a.factor, a.dim, err = partitionValue(s.Spec.Values[0])
	case OpCopy:
		a.other, err = s.Spec.Values[0], checkName("loop", s.Spec.Values[0])
	default:
		err = fmt.Errorf("unknown transform %d", s.Op)
	}
	if err != nil {
		return fail("%v", err)
	}
	return a, nil
}

// values is the canonical text of a's values for op.
func (a action) values(op Op) []string {
	switch op {
	case OpTile:
		out := make([]string, len(a.sizes))
		for i, n := range a.sizes {
			out[i] = strconv.Itoa(n)
		}
		return out
	case OpInterchange, OpCopy:
		return []string{a.other}
	case OpUnroll:
		v := strconv.Itoa(a.factor)
		if a.factor == loop.UnrollFull {
			v = "full"
		}
		if a.expand {
			v += ":expand"
		}
		return []string{v}
	}
	v := a.mode.String()
	if a.mode != Complete {
		v += ":" + strconv.Itoa(a.factor)
	} else if a.dim != 0 {
		v += ":"
	}
	if a.dim != 0 {
		v += ":" + strconv.Itoa(a.dim)
	}
	return []string{v}
}

// checkName refuses an empty name, one with spaces or control characters,
// and one that a spec could not hold: with ',' or '=', or a kernel name
// with '.'.
func checkName(what, name string) error {
	if name == "" {
		return fmt.Errorf("empty %s name", what)
	}
	if strings.ContainsAny(name, ",=") || what == "kernel" && strings.Contains(name, ".") {
		return fmt.Errorf("%s name %q has a ',', an '=' or (a kernel's) a '.'", what, name)
	}
	if i := strings.IndexFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}); i >= 0 {
		return fmt.Errorf("%s name %q has a space, a control character or invalid UTF-8", what, name)
	}
	return nil
}

// number reads a decimal integer in [least, 2^31).
func number(what, s string, least int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("%s %q is not an integer", what, s)
	}
	if n < least || n >= maxStep {
		return 0, fmt.Errorf("%s %d (want %d ≤ %s < 2^31)", what, n, least, what)
	}
	return n, nil
}

func tileSizes(values []string) ([]int, error) {
	sizes := make([]int, len(values))
	for i, v := range values {
		if v == "full" {
			return nil, errors.New("tile sizes are integers; full is an unroll factor")
		}
		n, err := number("tile size", v, 1)
		if err != nil {
			return nil, err
		}
		sizes[i] = n
	}
	return sizes, nil
}

// unrollValue reads N|full[:expand].
func unrollValue(v string) (factor int, expand bool, err error) {
	f, rest, found := strings.Cut(v, ":")
	if found && rest != "expand" {
		return 0, false, fmt.Errorf("%q after the factor (want N, full, N:expand or full:expand)", ":"+rest)
	}
	if f == "full" {
		return loop.UnrollFull, found, nil
	}
	n, err := number("unroll factor", f, 2)
	if err != nil {
		return 0, false, fmt.Errorf("%w (or full)", err)
	}
	return n, found, nil
}

// partitionValue reads MODE[:FACTOR][:DIM]: cyclic:F[:D], block:F[:D],
// complete or complete::D (complete takes no factor).
func partitionValue(v string) (mode Mode, factor, dim int, err error) {
	fields := strings.Split(v, ":")
	if len(fields) > 3 {
		return 0, 0, 0, fmt.Errorf("%q has %d fields (want MODE[:FACTOR][:DIM])", v, len(fields))
	}
	mode, err = ParseMode(fields[0])
	if err != nil {
		return 0, 0, 0, errors.New(strings.TrimPrefix(err.Error(), "loops: "))
	}
	switch {
	case mode == Complete && len(fields) > 1 && fields[1] != "":
		return 0, 0, 0, fmt.Errorf("complete takes no factor (got %s); write complete::DIM to choose the dimension", fields[1])
	case mode == Complete && len(fields) == 2:
		return 0, 0, 0, errors.New("complete: want complete or complete::DIM")
	case mode != Complete && (len(fields) < 2 || fields[1] == ""):
		return 0, 0, 0, fmt.Errorf("%v needs a factor: %v:FACTOR[:DIM]", mode, mode)
	case mode != Complete:
		if factor, err = number("partition factor", fields[1], 2); err != nil {
			return 0, 0, 0, err
		}
	}
	if len(fields) == 3 {
		if dim, err = number("dimension", fields[2], 0); err != nil {
			return 0, 0, 0, err
		}
	}
	return mode, factor, dim, nil
}

// Apply runs the steps in order on a copy of p (p is untouched) and
// verifies the result. Every error is prefixed with the step's source and
// canonical text.
func (pl Plan) Apply(p *loop.Program) (*loop.Program, error) {
	if p == nil {
		return nil, errors.New("loops: plan: nil program")
	}
	q := *p
	q.Kernels = slices.Clone(p.Kernels)
	for _, s := range pl {
		a, err := s.decode()
		if err != nil {
			return nil, err
		}
		kernel, err := KernelName(&q, s.Spec.Kernel)
		if err == nil {
			var n *loop.Program
			n, err = OnKernel(&q, kernel, func(k *loop.Kernel) (*loop.Kernel, error) { return a.run(s, k) })
			if err == nil {
				q = *n
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.where(), err)
		}
	}
	if err := loop.VerifyProgram(&q); err != nil {
		return nil, fmt.Errorf("loops: plan: the result does not verify: %w", err)
	}
	return &q, nil
}

// run is the step's pass on k.
func (a action) run(s Step, k *loop.Kernel) (*loop.Kernel, error) {
	switch s.Op {
	case OpTile:
		return tileBand(k, s.Spec.Loop, a.sizes)
	case OpInterchange:
		return Interchange(k, s.Spec.Loop, a.other)
	case OpUnroll:
		return Unroll(k, s.Spec.Loop, a.factor, a.expand)
	case OpCopy:
		return Copy(k, s.Spec.Loop, a.other)
	}
	n, err := Partition(k, s.Spec.Loop, a.mode, a.factor, a.dim)
	if errors.Is(err, ErrNotStatic) {
		return nil, fmt.Errorf("%w (unrolling the loops that index %s with :expand first makes the banks static)", err, s.Spec.Loop)
	}
	return n, err
}

// KernelName is the loop-IR name of the kernel that name means in a
// step: a kernel of that name, or the one kernel that computes the ONNX
// node name. An unknown name comes back as it is (OnKernel reports it).
func KernelName(p *loop.Program, name string) (string, error) {
	for _, k := range p.Kernels {
		if k != nil && k.Name == name {
			return name, nil
		}
	}
	var found []string
	for i, nodes := range p.KernelNodes {
		if i < len(p.Kernels) && p.Kernels[i] != nil && slices.Contains(nodes, name) {
			found = append(found, p.Kernels[i].Name)
		}
	}
	switch len(found) {
	case 0:
		return name, nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("loops: program %s: ONNX node %q is computed by several kernels (%s); name one", p.Name, name, strings.Join(found, ", "))
}

// tileBand tiles the band of loops that starts at the loop over name: the
// first size tiles it, the second the loop that is its whole body, and so
// on. With several sizes, Interchange then moves the tile loops outside
// the point loops (i.outer, j.outer, i.inner, j.inner); the error of a
// swap it refuses says which swap.
func tileBand(k *loop.Kernel, name string, sizes []int) (*loop.Kernel, error) {
	switch {
	case len(sizes) == 0:
		return nil, fmt.Errorf("loops: tile: no tile size")
	case len(sizes) == 1 || k == nil:
		return Tile(k, name, sizes[0])
	}
	if err := loop.Verify(k); err != nil {
		return nil, errorf("tile", k, name, "the input does not verify: %w", err)
	}
	names, err := band(k, name, len(sizes))
	if err != nil {
		return nil, err
	}
	n := k
	for i, nm := range names {
		if n, err = Tile(n, nm, sizes[i]); err != nil {
			return nil, err
		}
	}
	for j := 1; j < len(names); j++ {
		for i := j - 1; i >= 0; i-- {
			m, err := Interchange(n, names[i]+".inner", names[j]+".outer")
			if err != nil {
				return nil, swapError(k, n, names, i, j, err)
			}
			n = m
		}
	}
	return n, nil
}

// swapError says which swap of a band tiling failed, and why: err is
// Interchange's error on n, the kernel being tiled, k, the input.
func swapError(k, n *loop.Kernel, names []string, i, j int, err error) error {
	hint := ""
	if f := findLoop(n, n.Body, names[i]+".inner"); f != nil && len(f.Body) != 1 {
		hint = " (a size that does not divide its loop's trip count leaves a remainder loop beside the tile loop)"
	}
	tail := ""
	if errors.Is(err, ErrCarried) {
		tail = "; tiling one loop per step keeps the loops in their order"
	}
	return &bandError{errorf("tile", k, names[0], "band %s: moving %s.outer outside %s.inner%s: %s%s",
		strings.Join(names, ", "), names[j], names[i], hint, strings.TrimPrefix(err.Error(), "loops: "), tail), err}
}

// bandError is a refused swap of a band tiling: its text, and the
// Interchange error it wraps.
type bandError struct {
	msg   error
	cause error
}

func (e *bandError) Error() string { return e.msg.Error() }
func (e *bandError) Unwrap() error { return e.cause }

// band is the names of the first count loops of the band that starts at
// the loop over name. Each must be the first loop of its name, and the
// tiled names must be free, as the passes find loops by name.
func band(k *loop.Kernel, name string, count int) ([]string, error) {
	f := findLoop(k, k.Body, name)
	if f == nil {
		return nil, errorf("tile", k, name, "no such loop")
	}
	var names []string
	for {
		nm := k.Vars[f.Var].Name
		if findLoop(k, k.Body, nm) != f {
			return nil, errorf("tile", k, name, "band loop %s is not the first loop named %s", nm, nm)
		}
		for _, suffix := range []string{".outer", ".inner"} {
			if findLoop(k, k.Body, nm+suffix) != nil {
				return nil, errorf("tile", k, name, "band loop %s: a loop named %s exists already", nm, nm+suffix)
			}
		}
		names = append(names, nm)
		if len(names) == count {
			return names, nil
		}
		g, ok := onlyLoop(f.Body)
		if !ok {
			return nil, errorf("tile", k, name, "%d tile sizes but the band has %d loops (%s): the body of %s is not a single loop",
				count, len(names), strings.Join(names, ", "), nm)
		}
		f = g
	}
}

// onlyLoop is the loop that is all of body, if there is one.
func onlyLoop(body []loop.Stmt) (*loop.For, bool) {
	if len(body) != 1 {
		return nil, false
	}
	g, ok := body[0].(*loop.For)
	return g, ok
}
