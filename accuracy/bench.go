// Package accuracy measures what narrowing a model's precision costs in
// accuracy: it prepares a model with its validation data (Prepare), runs
// it narrowed to a precision spec on a back end and compares the outputs
// with fp32 (Bench.Evaluate), and searches for small per-layer fixed-point
// widths that keep the error within a budget (Bench.Auto).
package accuracy

import (
	"fmt"
	"io/fs"
	"slices"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// Bench is a model ready for precision studies: its compiled graph, its
// validation inputs, the fp32 reference outputs on them, every tensor's
// calibrated range and the fp32 lowered program that narrowing starts
// from.
type Bench struct {
	Name    string
	Graph   *graph.Graph
	Sets    [][]*dtype.Array // validation input sets, the graph's inputs each
	Ref     [][]*dtype.Array // the reference evaluator's outputs, per set
	Ranges  map[string]passes.Range
	Program *loop.Program
	tables  narrow.Options // the lookup-table options of every narrowing
}

// Options control Prepare.
type Options struct {
	Load onnx.Options
	// Windows keeps only the first Windows entries along axis 0 of every
	// input (the batch of validation windows); 0 keeps all.
	Windows int
	// Tables sets the lookup tables of non-linear functions in fixed
	// point (narrow.Options' LUT fields; Spec and Ranges are ignored).
	Tables narrow.Options
}

// Prepare loads model with the shapes of the validation data in data
// (every test_data_set_*/input_*.pb; the sets must have equal shapes),
// runs the compile pipeline, computes the fp32 reference outputs with
// ir/graph/eval, calibrates every tensor's range on the same inputs and
// lowers the graph (fused, as kiln lower does).
func Prepare(model conform.Source, data fs.FS, opt Options) (*Bench, error) {
	names, err := conform.DataSets(data)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no test_data_set_* folders")
	}
	limit := opt.Load.MaxTensorBytes
	if limit == 0 {
		limit = onnx.DefaultMaxTensorBytes
	}
	var sets [][]*dtype.Array
	for _, n := range names {
		in, err := conform.ReadSet(data, n, "input", limit)
		if err != nil {
			return nil, err
		}
		if in, err = firstWindows(in, opt.Windows); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if len(sets) > 0 && !sameShapes(sets[0], in) {
			return nil, fmt.Errorf("%s: input shapes differ from %s's; a precision study needs one shape", n, names[0])
		}
		sets = append(sets, in)
	}
	m, rest, err := conform.Prepare(model, sets[0], conform.Options{Load: opt.Load, Raw: true})
	if err != nil {
		return nil, err
	}
	if len(rest) != len(sets[0]) {
		return nil, fmt.Errorf("model %s: shapes depend on input values; a precision study needs static shapes", model.Name)
	}
	g := m.Graph
	if err := passes.RunGraph(&passes.Context{VerifyEach: true}, g, passes.CompilePipeline); err != nil {
		return nil, err
	}
	b := &Bench{Name: model.Name, Graph: g, Sets: sets, tables: opt.Tables}
	for i, in := range sets {
		out, err := eval.Run(g, in, eval.Options{})
		if err != nil {
			return nil, fmt.Errorf("%s: reference: %w", names[i], err)
		}
		b.Ref = append(b.Ref, out)
	}
	if b.Ranges, err = passes.Calibrate(g, sets); err != nil {
		return nil, err
	}
	if b.Program, err = lower.Program(g, lower.Options{Fuse: true}); err != nil {
		return nil, err
	}
	return b, nil
}

// firstWindows keeps the first n entries along axis 0 of each input.
func firstWindows(in []*dtype.Array, n int) ([]*dtype.Array, error) {
	if n == 0 {
		return in, nil
	}
	out := make([]*dtype.Array, len(in))
	for i, a := range in {
		if len(a.Shape) == 0 || a.Shape[0] < n {
			return nil, fmt.Errorf("input %d is %v%v: cannot keep %d windows along axis 0", i, a.Kind, a.Shape, n)
		}
		shape := slices.Clone(a.Shape)
		shape[0] = n
		m := dtype.Size(shape)
		idx := make([]int, m)
		for j := range idx {
			idx[j] = j
		}
		out[i] = a.Take(idx, shape)
	}
	return out, nil
}

func sameShapes(a, b []*dtype.Array) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Kind != b[i].Kind || !slices.Equal(a[i].Shape, b[i].Shape) {
			return false
		}
	}
	return true
}
