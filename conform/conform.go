// Package conform runs models on stored test data and compares the outputs
// with ONNX's tolerance: the engine of `kiln eval` and `kiln conform`.
//
// A data folder holds test_data_set_*/input_<i>.pb and output_<i>.pb, the
// layout of ONNX's backend tests: input i binds the i-th graph input that
// has no initializer, output i the i-th graph output.
package conform

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/passes"
)

// Status is the outcome of one case or data set.
type Status int

// The outcomes.
const (
	Pass Status = iota
	Fail
	Unsupported
)

func (s Status) String() string {
	return [...]string{"PASS", "FAIL", "UNSUPPORTED"}[s]
}

// Result is the outcome of one data set (eval) or one case (conform).
type Result struct {
	Name   string
	Status Status
	Detail string // why it failed or is unsupported; empty on PASS
}

// Options control a run.
type Options struct {
	Load onnx.Options
	// Backend evaluates the prepared graph: "ref" (the default, the
	// reference ir/graph/eval) or another name, which Native runs.
	Backend string
	// Native runs the lowering back ends (loop, llvm, c: lowered to loop IR,
	// then interpreted or built and run); callers set it from package
	// backend (backend.Run with its options). conform does not import
	// backend, so that lowering's own tests can read conformance cases
	// without an import cycle (backend imports passes/lower).
	Native func(name string, g *graph.Graph, inputs []*dtype.Array) ([]*dtype.Array, error)
	// Jobs is how many cases Cases runs at a time (0 or 1: one).
	Jobs int
	// Raw skips the clean-up passes and evaluates the graph as read.
	Raw bool
	// Passes, when set, is the pass context of the clean-up (the CLI's
	// --dump-after, --verify-each, --pass-timing); nil verifies after each
	// pass.
	Passes *passes.Context
}

// Backends are the evaluation back ends kiln has: the reference, then the
// lowering ones (package backend's Names, checked by its tests).
var Backends = []string{"ref", "loop", "llvm", "c"}

// Check reports an unknown back end.
func (o Options) Check() error {
	if o.Backend == "" || slices.Contains(Backends, o.Backend) {
		return nil
	}
	return fmt.Errorf("backend %q is not available; kiln has %s", o.Backend, strings.Join(Backends, ", "))
}

// run evaluates g on opt's back end.
func run(g *graph.Graph, inputs []*dtype.Array, opt Options, limit int64) ([]*dtype.Array, error) {
	if opt.Backend == "" || opt.Backend == "ref" {
		return eval.Run(g, inputs, eval.Options{MaxTensorBytes: limit})
	}
	if opt.Native == nil {
		return nil, fmt.Errorf("backend %q: no runner given (conform.Options.Native)", opt.Backend)
	}
	return opt.Native(opt.Backend, g, inputs)
}

// Source is a model to evaluate: Load reads it with the given options
// (from a file, or from the embedded zoo) and Name says what it is in
// errors.
type Source struct {
	Name string
	Load func(onnx.Options) (*onnx.Model, error)
}

// File is the Source of a model file.
func File(path string) Source {
	return Source{Name: path, Load: func(o onnx.Options) (*onnx.Model, error) { return onnx.Load(path, o) }}
}

// DataSets lists the test_data_set_* folders at the root of data, sorted.
func DataSets(data fs.FS) ([]string, error) {
	sets, err := fs.Glob(data, "test_data_set_*")
	if err != nil {
		return nil, err
	}
	sort.Strings(sets)
	if len(sets) == 0 {
		return nil, errors.New("no test_data_set_* folders")
	}
	return sets, nil
}

// ReadSet reads the numbered input_<i>.pb or output_<i>.pb files of a data
// set folder (prefix "input" or "output"), in order, with no gaps.
func ReadSet(data fs.FS, dir, prefix string, limit int64) ([]*dtype.Array, error) {
	files, err := fs.Glob(data, path.Join(dir, prefix+"_*.pb"))
	if err != nil {
		return nil, err
	}
	byIndex := map[int]string{}
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".pb")
		i, err := strconv.Atoi(strings.TrimPrefix(base, prefix+"_"))
		if err != nil || i < 0 {
			return nil, fmt.Errorf("%s: file name is not %s_<number>.pb", f, prefix)
		}
		byIndex[i] = f
	}
	out := make([]*dtype.Array, len(byIndex))
	for i := range out {
		f, ok := byIndex[i]
		if !ok {
			return nil, fmt.Errorf("%s: %s_%d.pb is missing", dir, prefix, i)
		}
		a, err := onnx.ReadTensorFS(data, f, limit)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// Prepare loads a model for the given inputs (binding symbolic dimensions
// from their shapes) and runs the clean-up passes unless opt.Raw. It returns
// the inputs the prepared graph still takes: when a shape depends on an
// input's value (ONNX's node tests feed Reshape's target or Slice's starts
// as graph inputs), kiln, which needs static shapes, specialises the model
// on the data's integer inputs and the graph no longer takes them.
func Prepare(model Source, inputs []*dtype.Array, opt Options) (*onnx.Model, []*dtype.Array, error) {
	lo := opt.Load
	if lo.InputShapes == nil && inputs != nil && lo.Batch == 0 && len(lo.Dims) == 0 {
		for _, a := range inputs {
			lo.InputShapes = append(lo.InputShapes, a.Shape)
		}
	}
	m, err := model.Load(lo)
	// Freeze the integer inputs first (shapes, axes, starts, pads), then,
	// if a shape still depends on an input (Range's float bounds), all.
	for _, freeze := range []func(dtype.Kind) bool{
		func(k dtype.Kind) bool { return k == dtype.I64 || k == dtype.I32 },
		func(dtype.Kind) bool { return true },
	} {
		if !errors.Is(err, graph.ErrNotConstant) || inputs == nil {
			break
		}
		lo.Frozen = make([]*dtype.Array, len(inputs))
		for i, a := range inputs {
			if freeze(a.Kind) {
				lo.Frozen[i] = a
			}
		}
		m, err = model.Load(lo)
	}
	if err != nil {
		return nil, nil, err
	}
	var rest []*dtype.Array
	for i, a := range inputs {
		if i >= len(lo.Frozen) || lo.Frozen[i] == nil {
			rest = append(rest, a)
		}
	}
	inputs = rest
	if !opt.Raw {
		ctx := opt.Passes
		if ctx == nil {
			ctx = &passes.Context{MaxTensorBytes: lo.MaxTensorBytes, VerifyEach: true}
		}
		if err := passes.RunGraph(ctx, m.Graph, passes.CleanupPipeline); err != nil {
			return nil, nil, err
		}
	}
	return m, inputs, nil
}

// Eval runs model on every data set at the root of data and compares with
// the stored outputs.
func Eval(model Source, data fs.FS, opt Options) ([]Result, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	sets, err := DataSets(data)
	if err != nil {
		return nil, err
	}
	tol, err := readTolerance(data)
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, set := range sets {
		results = append(results, evalSet(model, data, set, tol, opt))
	}
	return results, nil
}

func evalSet(model Source, data fs.FS, set string, tol Tolerance, opt Options) (res Result) {
	res.Name = set
	defer func() {
		if r := recover(); r != nil {
			res.Status, res.Detail = Fail, fmt.Sprintf("kiln bug: panic: %v", r)
		}
	}()
	limit := opt.Load.MaxTensorBytes
	if limit == 0 {
		limit = onnx.DefaultMaxTensorBytes
	}
	inputs, err := ReadSet(data, set, "input", limit)
	if err == nil {
		var want []*dtype.Array
		want, err = ReadSet(data, set, "output", limit)
		if err == nil {
			return compareSet(res, model, inputs, want, tol, opt, limit)
		}
	}
	// Data kiln cannot read (strings, sequences) usually belongs to a
	// model kiln does not support; say so when the model confirms it.
	if _, lerr := model.Load(opt.Load); isUnsupported(lerr) {
		return failure(res, lerr)
	}
	return failure(res, err)
}

func compareSet(res Result, model Source, inputs, want []*dtype.Array, tol Tolerance, opt Options, limit int64) Result {
	m, inputs, err := Prepare(model, inputs, opt)
	if err != nil {
		return failure(res, err)
	}
	g := m.Graph
	if len(inputs) != len(g.Inputs) {
		return failure(res, fmt.Errorf("the data set has %d inputs, the model %d", len(inputs), len(g.Inputs)))
	}
	inputs = legacyBF16(g, inputs)
	got, err := run(g, inputs, opt, limit)
	if err != nil {
		return failure(res, err)
	}
	if len(want) != len(got) {
		return failure(res, fmt.Errorf("the data set has %d outputs, the model %d", len(want), len(got)))
	}
	for i := range got {
		if got[i].Kind == dtype.BF16 && want[i].Kind == dtype.U16 {
			got[i] = bf16Bits(got[i])
		}
		if msg := CompareTol(got[i], want[i], tol); msg != "" {
			res.Status, res.Detail = Fail, fmt.Sprintf("output %d (%s): %s", i, g.Tensors[g.Outputs[i]].Name, msg)
			return res
		}
	}
	return res
}

// unsupportedNode is lowering's error for a node with no lowering
// (*lower.UnsupportedError, which conform cannot import: see Native).
type unsupportedNode interface {
	error
	UnsupportedNode() string
}

func isUnsupported(err error) bool {
	var op *onnx.UnsupportedOpError
	var ty *onnx.UnsupportedTypeError
	var low unsupportedNode
	return errors.As(err, &op) || errors.As(err, &ty) || errors.As(err, &low) || errors.Is(err, graph.ErrUnsupported)
}

func failure(res Result, err error) Result {
	if isUnsupported(err) {
		res.Status, res.Detail = Unsupported, unsupportedDetail(err)
		return res
	}
	res.Status, res.Detail = Fail, err.Error()
	return res
}

// unsupportedDetail lists every unsupported operator of a load error.
func unsupportedDetail(err error) string {
	var parts []string
	seen := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		s := ""
		switch u := e.(type) {
		case *onnx.UnsupportedOpError:
			s = u.Op + ": " + u.Reason
		case *onnx.UnsupportedTypeError, unsupportedNode:
			s = e.Error()
		}
		if s == "" && errors.Is(e, graph.ErrUnsupported) && errors.Unwrap(e) == graph.ErrUnsupported {
			s = e.Error()
		}
		if s != "" {
			if !seen[s] {
				seen[s] = true
				parts = append(parts, s)
			}
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range j.Unwrap() {
				walk(c)
			}
		} else if c := errors.Unwrap(e); c != nil {
			walk(c)
		}
	}
	walk(err)
	return strings.Join(parts, "; ")
}

// Tolerance is ONNX's backend-test rule for floats: |got−want| ≤ Atol +
// Rtol·|want|.
type Tolerance struct {
	Rtol float64 `json:"rtol"`
	Atol float64 `json:"atol"`
}

// ONNXTolerance is the default of ONNX's backend tests
// (onnx/backend/test/loader: rtol 1e-3, atol 1e-7).
var ONNXTolerance = Tolerance{Rtol: 1e-3, Atol: 1e-7}

// readTolerance reads data.json at the root of a data folder, ONNX's way of
// overriding the tolerance of one case; without it, ONNXTolerance.
func readTolerance(data fs.FS) (Tolerance, error) {
	b, err := fs.ReadFile(data, "data.json")
	if errors.Is(err, fs.ErrNotExist) {
		return ONNXTolerance, nil
	}
	if err != nil {
		return Tolerance{}, err
	}
	tol := ONNXTolerance
	if err := json.Unmarshal(b, &tol); err != nil {
		return Tolerance{}, fmt.Errorf("data.json: %w", err)
	}
	if tol.Rtol < 0 || tol.Atol < 0 || math.IsNaN(tol.Rtol+tol.Atol) {
		return Tolerance{}, fmt.Errorf("data.json: tolerances must not be negative (rtol %v, atol %v)", tol.Rtol, tol.Atol)
	}
	return tol, nil
}

// Compare checks got against want with ONNX's backend-test rule (see
// CompareTol with ONNXTolerance).
func Compare(got, want *dtype.Array) string { return CompareTol(got, want, ONNXTolerance) }

// CompareTol checks got against want: same kind and shape, and for floats
// |got−want| ≤ tol.Atol + tol.Rtol·|want| element-wise (NaN matches NaN, an
// infinity only the same infinity); integers and bools exactly. It returns
// "" on a match, else the worst element and its error.
func CompareTol(got, want *dtype.Array, tol Tolerance) string {
	if got.Kind != want.Kind {
		return fmt.Sprintf("kind %v, want %v", got.Kind, want.Kind)
	}
	if !graph.SameShape(got.Shape, want.Shape) {
		return fmt.Sprintf("shape %v, want %v", got.Shape, want.Shape)
	}
	worst, worstExcess := -1, 0.0
	for i := 0; i < want.Len(); i++ {
		if excess := mismatch(got, want, i, tol); excess > worstExcess {
			worst, worstExcess = i, excess
		}
	}
	if worst < 0 {
		return ""
	}
	return fmt.Sprintf("element %v is %v, want %v (|error| %.3g)", coords(worst, want.Shape), fmtElem(got, worst), fmtElem(want, worst), math.Abs(got.At(worst)-want.At(worst)))
}

// mismatch is how far element i is outside the tolerance (0: within).
func mismatch(got, want *dtype.Array, i int, tol Tolerance) float64 {
	switch want.Kind.Class() {
	case dtype.ClassInt, dtype.ClassBool:
		if got.Int(i) != want.Int(i) {
			return math.Inf(1)
		}
		return 0
	case dtype.ClassUint:
		if got.U64[i] != want.U64[i] {
			return math.Inf(1)
		}
		return 0
	}
	g, w := got.At(i), want.At(i)
	switch {
	case math.IsNaN(w) || math.IsNaN(g):
		if math.IsNaN(w) && math.IsNaN(g) {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(w, 0) || math.IsInf(g, 0):
		if g == w {
			return 0
		}
		return math.Inf(1)
	}
	d := math.Abs(g-w) - (tol.Atol + tol.Rtol*math.Abs(w))
	if d > 0 {
		return d
	}
	return 0
}

func fmtElem(a *dtype.Array, i int) string {
	if a.Kind.Class() == dtype.ClassUint {
		return strconv.FormatUint(a.U64[i], 10)
	}
	return strconv.FormatFloat(a.At(i), 'g', -1, 64)
}

func coords(i int, shape []int) []int {
	c := make([]int, len(shape))
	for ax := len(shape) - 1; ax >= 0; ax-- {
		if shape[ax] > 0 {
			c[ax] = i % shape[ax]
			i /= shape[ax]
		}
	}
	return c
}

// legacyBF16 reinterprets u16 data given for a bf16 graph input as bfloat16
// bit patterns: ONNX's test data up to version 1.12 (Debian's
// libonnx-testdata) stores bfloat16 tensors as UINT16.
func legacyBF16(g *graph.Graph, inputs []*dtype.Array) []*dtype.Array {
	out := append([]*dtype.Array{}, inputs...)
	for i, a := range out {
		if i < len(g.Inputs) && a.Kind == dtype.U16 && g.Tensors[g.Inputs[i]].Kind == dtype.BF16 {
			b := dtype.New(dtype.BF16, a.Shape)
			for j, v := range a.U64 {
				b.F32[j] = dtype.DecodeBits(dtype.BF16, uint32(v))
			}
			out[i] = b
		}
	}
	return out
}

// bf16Bits is the inverse for outputs: bf16 values as u16 bit patterns.
func bf16Bits(a *dtype.Array) *dtype.Array {
	b := dtype.New(dtype.U16, a.Shape)
	for j, v := range a.F32 {
		b.U64[j] = uint64(dtype.EncodeBits(dtype.BF16, v))
	}
	return b
}
