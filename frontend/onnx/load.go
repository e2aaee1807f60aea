package onnx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// DefaultMaxTensorBytes is the default limit on any one tensor (4 GiB).
const DefaultMaxTensorBytes = 4 << 30

// The opsets of the default domain kiln reads: MinOpset to MaxOpset, and
// older ones for models whose operators have not changed since (see
// checkOpVersion).
const (
	MinOpset = 6
	MaxOpset = 25
)

// Options control how a model is read.
type Options struct {
	// Batch binds symbolic (or unknown) leading dimensions of graph inputs
	// and outputs; 0 means 1.
	Batch int
	// Dims binds other symbolic dimensions by name.
	Dims map[string]int
	// MaxTensorBytes limits any one tensor; 0 means DefaultMaxTensorBytes.
	MaxTensorBytes int64
	// InputShapes, when set, are the shapes of the data the graph inputs
	// (those without an initializer, in order) will get: symbolic and
	// unknown dimensions are bound from them, fixed ones must agree.
	InputShapes [][]int
	// Frozen, when set, parallels the graph inputs (those without an
	// initializer, in order): a non-nil entry makes that input a constant
	// with this value, specialising the model on it. kiln needs static
	// shapes, so an input that decides a shape (Reshape's target, Slice's
	// starts…) must be frozen to evaluate the model.
	Frozen []*dtype.Array
}

func (o Options) limit() int64 {
	if o.MaxTensorBytes > 0 {
		return o.MaxTensorBytes
	}
	return DefaultMaxTensorBytes
}

// Model is a model read from ONNX: its graph and what the file said of it.
type Model struct {
	Graph      *graph.Graph
	Opset      int
	IRVersion  int64
	Producer   string
	SymbolDims map[string]int // the symbolic dimensions and what they were bound to
}

// UnsupportedOpError names one node whose operator kiln cannot read.
type UnsupportedOpError struct {
	Node   string
	Op     string
	Reason string
}

func (e *UnsupportedOpError) Error() string {
	return fmt.Sprintf("node %q: operator %s is not supported: %s", e.Node, e.Op, e.Reason)
}

// Load reads an ONNX model file. External data files are looked up next to
// it and may not leave its folder.
func Load(path string, opt Options) (*Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("onnx: %s is a folder, not a model file", path)
	}
	if st.Size() > opt.limit() {
		return nil, fmt.Errorf("onnx: %s: file of %d bytes exceeds the %d-byte limit", path, st.Size(), opt.limit())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	m, err := Decode(data, filepath.Dir(path), opt)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", path, err)
	}
	return m, nil
}

// Decode reads a serialized ModelProto; dir is the folder external data is
// confined to ("" forbids external data).
func Decode(data []byte, dir string, opt Options) (*Model, error) {
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(data, &mp); err != nil {
		return nil, fmt.Errorf("not an ONNX model (protobuf: %v)", err)
	}
	if mp.GetIrVersion() <= 0 || mp.Graph == nil {
		return nil, errors.New("not an ONNX model: no ir_version or no graph")
	}
	opset := defaultOpset(&mp)
	if err := checkOps(mp.Graph.GetNode(), opset); err != nil {
		return nil, err
	}
	if opset < 1 {
		return nil, errors.New("the model imports no version of the default (ai.onnx) operator set")
	}
	if opset > MaxOpset {
		return nil, fmt.Errorf("opset %d of the default domain is newer than the %d kiln knows", opset, MaxOpset)
	}
	b := &builder{g: &graph.Graph{Name: mp.Graph.GetName()}, opset: opset, dir: dir, opt: opt,
		names: map[string]graph.TensorID{}, syms: map[string]int{}}
	if err := b.build(mp.Graph); err != nil {
		return nil, err
	}
	return &Model{Graph: b.g, Opset: opset, IRVersion: mp.GetIrVersion(), Producer: strings.TrimSpace(mp.GetProducerName() + " " + mp.GetProducerVersion()), SymbolDims: b.syms}, nil
}

// defaultOpset is the version of the default domain the model imports, or
// 0 when it imports none.
func defaultOpset(mp *onnxpb.ModelProto) int {
	for _, o := range mp.GetOpsetImport() {
		if o.GetDomain() == "" || o.GetDomain() == "ai.onnx" {
			return int(min(max(o.GetVersion(), 0), 1<<20))
		}
	}
	if mp.GetIrVersion() < 3 && len(mp.GetOpsetImport()) == 0 {
		return 1 // IR versions before 3 had no opset_import
	}
	return 0
}

// checkOps reports, before anything else is read, every node whose
// operator kiln cannot read (all of them, as *UnsupportedOpError) or that
// does not exist at the model's opset.
func checkOps(nodes []*onnxpb.NodeProto, opset int) error {
	var errs []error
	for i, np := range nodes {
		name := nodeName(np, i)
		op := np.GetOpType()
		if d := np.GetDomain(); d != "" && d != "ai.onnx" {
			errs = append(errs, &UnsupportedOpError{Node: name, Op: d + "." + op, Reason: "only the default ai.onnx domain is supported"})
			continue
		}
		if o, ok := graph.OpByName(op); op != "Constant" && (!ok || parsers[o] == nil) {
			errs = append(errs, &UnsupportedOpError{Node: name, Op: op, Reason: "kiln has no implementation of it"})
			continue
		}
		if opset > 0 && opset <= MaxOpset {
			if err := checkOpVersion(op, opset); err != nil {
				errs = append(errs, fmt.Errorf("node %q: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

func nodeName(np *onnxpb.NodeProto, i int) string {
	if np.GetName() != "" {
		return np.GetName()
	}
	return fmt.Sprintf("%s_%d", np.GetOpType(), i)
}

type builder struct {
	g     *graph.Graph
	opset int
	dir   string
	opt   Options
	names map[string]graph.TensorID
	syms  map[string]int
}

func (b *builder) decode(tp *onnxpb.TensorProto) (*dtype.Array, error) {
	return DecodeTensor(tp, b.dir, b.opt.limit())
}

func (b *builder) define(name string, k dtype.Kind, shape []int, init *dtype.Array) (graph.TensorID, error) {
	if name == "" {
		return graph.None, errors.New("a tensor has an empty name")
	}
	if _, dup := b.names[name]; dup {
		return graph.None, fmt.Errorf("tensor %q is defined more than once", name)
	}
	id := b.g.AddTensor(name, k, shape, init)
	b.names[name] = id
	return id, nil
}

func (b *builder) build(gp *onnxpb.GraphProto) error {
	if len(gp.GetSparseInitializer()) > 0 {
		return errors.New("sparse initializers are not supported")
	}
	for _, tp := range gp.GetInitializer() {
		a, err := b.decode(tp)
		if err != nil {
			return fmt.Errorf("initializer %q: %w", tp.GetName(), err)
		}
		if _, err := b.define(tp.GetName(), a.Kind, a.Shape, a); err != nil {
			return err
		}
	}
	nInputs := 0
	for _, vi := range gp.GetInput() {
		if id, isInit := b.names[vi.GetName()]; isInit {
			// IR version 3: initializers are listed as inputs too; kiln
			// treats them as the constants they are, after checking the
			// declared type agrees.
			if err := b.checkDeclared(vi, id); err != nil {
				return err
			}
			continue
		}
		pos := nInputs
		nInputs++
		var given []int
		if pos < len(b.opt.InputShapes) {
			given = b.opt.InputShapes[pos]
		}
		var frozen *dtype.Array
		if pos < len(b.opt.Frozen) && b.opt.Frozen[pos] != nil {
			frozen = b.opt.Frozen[pos]
			given = frozen.Shape
		}
		k, shape, err := b.inputType(vi, given)
		if err != nil {
			return fmt.Errorf("graph input %q: %w", vi.GetName(), err)
		}
		if frozen != nil && frozen.Kind != k {
			return fmt.Errorf("graph input %q is %v, the value frozen into it is %v", vi.GetName(), k, frozen.Kind)
		}
		id, err := b.define(vi.GetName(), k, shape, frozen)
		if err != nil {
			return err
		}
		if frozen == nil {
			b.g.Inputs = append(b.g.Inputs, id)
		}
	}
	if err := b.nodes(gp.GetNode()); err != nil {
		return err
	}
	if err := b.sort(); err != nil {
		return err
	}
	if _, err := eval.Propagate(b.g, b.opt.limit()); err != nil {
		return err
	}
	for _, vi := range gp.GetOutput() {
		id, ok := b.names[vi.GetName()]
		if !ok {
			return fmt.Errorf("graph output %q is never computed", vi.GetName())
		}
		if err := b.checkDeclared(vi, id); err != nil {
			return err
		}
		b.g.Outputs = append(b.g.Outputs, id)
	}
	if len(b.g.Outputs) == 0 {
		return errors.New("the graph has no outputs")
	}
	for _, vi := range gp.GetValueInfo() {
		if id, ok := b.names[vi.GetName()]; ok {
			if err := b.checkDeclared(vi, id); err != nil {
				return err
			}
		}
	}
	return graph.Verify(b.g)
}

// inputType reads a graph input's kind and shape, binding its symbolic
// dimensions from the given data shape if any, else from the options.
func (b *builder) inputType(vi *onnxpb.ValueInfoProto, given []int) (dtype.Kind, []int, error) {
	tt := vi.GetType().GetTensorType()
	if tt == nil {
		return dtype.Invalid, nil, &UnsupportedTypeError{Type: typeName(vi.GetType())}
	}
	k, err := KindFromONNX(int64(tt.GetElemType()))
	if err != nil {
		return dtype.Invalid, nil, err
	}
	if tt.Shape == nil {
		return dtype.Invalid, nil, errors.New("has no shape; kiln needs the rank and dimensions of graph inputs")
	}
	dims := tt.GetShape().GetDim()
	if given != nil && len(given) != len(dims) {
		return dtype.Invalid, nil, fmt.Errorf("declared with rank %d, the data has shape %v", len(dims), given)
	}
	shape := make([]int, len(dims))
	for i, d := range dims {
		if given != nil {
			if p := d.GetDimParam(); p != "" {
				b.syms[p] = given[i]
			}
			if v, fixed := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimValue); fixed && int(v.DimValue) != given[i] {
				return dtype.Invalid, nil, fmt.Errorf("dimension %d is %d, the data has shape %v", i, v.DimValue, given)
			}
			shape[i] = given[i]
			continue
		}
		n, err := b.dim(d, i, true)
		if err != nil {
			return dtype.Invalid, nil, err
		}
		shape[i] = n
	}
	if bytes := dtype.BytesFor(k, shape); bytes > b.opt.limit() {
		return dtype.Invalid, nil, fmt.Errorf("shape %v needs %d bytes, over the %d-byte tensor limit (--max-tensor-bytes)", shape, bytes, b.opt.limit())
	}
	return k, shape, nil
}

func (b *builder) dim(d *onnxpb.TensorShapeProto_Dimension, axis int, bindBatch bool) (int, error) {
	switch v := d.GetValue().(type) {
	case *onnxpb.TensorShapeProto_Dimension_DimValue:
		if v.DimValue < 0 || v.DimValue > 1<<40 {
			return 0, fmt.Errorf("dimension %d is %d", axis, v.DimValue)
		}
		return int(v.DimValue), nil
	case *onnxpb.TensorShapeProto_Dimension_DimParam:
		if n, ok := b.opt.Dims[v.DimParam]; ok {
			b.syms[v.DimParam] = n
			return n, nil
		}
		if n, ok := b.syms[v.DimParam]; ok {
			return n, nil
		}
		if axis == 0 && bindBatch {
			n := max(b.opt.Batch, 1)
			b.syms[v.DimParam] = n
			return n, nil
		}
		return 0, fmt.Errorf("dimension %d is the symbol %q; bind it with --dim %s=N", axis, v.DimParam, v.DimParam)
	}
	if axis == 0 && bindBatch {
		return max(b.opt.Batch, 1), nil
	}
	return 0, fmt.Errorf("dimension %d is unknown; kiln needs static shapes", axis)
}

// checkDeclared compares what the file declares of a tensor with what kiln
// knows of it. Unbound symbolic dimensions match anything.
func (b *builder) checkDeclared(vi *onnxpb.ValueInfoProto, id graph.TensorID) error {
	t := b.g.Tensors[id]
	tt := vi.GetType().GetTensorType()
	if tt == nil {
		if vi.GetType() == nil {
			return nil
		}
		return fmt.Errorf("%q is declared as a non-tensor type", vi.GetName())
	}
	if et := tt.GetElemType(); et != 0 && dtype.Kind(et) != t.Kind {
		return fmt.Errorf("%q is declared %v but is %v", vi.GetName(), onnxpb.TensorProto_DataType(et), t.Kind)
	}
	if tt.Shape == nil {
		return nil
	}
	dims := tt.GetShape().GetDim()
	if len(dims) != len(t.Shape) {
		return fmt.Errorf("%q is declared with rank %d but its operators give shape %v", vi.GetName(), len(dims), t.Shape)
	}
	for i, d := range dims {
		if v, ok := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimValue); ok && int(v.DimValue) != t.Shape[i] {
			return fmt.Errorf("%q is declared with dimension %d = %d but its operators give shape %v", vi.GetName(), i, v.DimValue, t.Shape)
		}
		if p, ok := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimParam); ok {
			if n, bound := b.syms[p.DimParam]; bound && n != t.Shape[i] {
				return fmt.Errorf("%q is declared with dimension %d = %s (bound to %d) but its operators give shape %v", vi.GetName(), i, p.DimParam, n, t.Shape)
			}
		}
	}
	return nil
}

// sort puts the nodes in a topological order (stable: the file's order
// where it already is one) and rejects cycles.
func (b *builder) sort() error {
	g := b.g
	indeg := make([]int, len(g.Nodes))
	users := make([][]int, len(g.Tensors))
	for _, n := range g.Nodes {
		for _, t := range n.In {
			if t != graph.None && g.Tensors[t].Producer != graph.None {
				indeg[n.ID]++
				users[t] = append(users[t], int(n.ID))
			}
		}
	}
	var order []*graph.Node
	ready := []int{}
	for i := range g.Nodes {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		sort.Ints(ready)
		i := ready[0]
		ready = ready[1:]
		order = append(order, g.Nodes[i])
		for _, t := range g.Nodes[i].Out {
			if t == graph.None {
				continue
			}
			for _, u := range users[t] {
				if indeg[u]--; indeg[u] == 0 {
					ready = append(ready, u)
				}
			}
		}
	}
	if len(order) != len(g.Nodes) {
		var stuck []string
		for i, d := range indeg {
			if d > 0 {
				stuck = append(stuck, g.Nodes[i].Label())
			}
		}
		return fmt.Errorf("the graph has a cycle through %s", strings.Join(stuck, ", "))
	}
	renumber(g, order)
	return nil
}

// renumber gives nodes new dense IDs in the given order.
func renumber(g *graph.Graph, order []*graph.Node) {
	g.Nodes = order
	for i, n := range order {
		n.ID = graph.NodeID(i)
		for _, t := range n.Out {
			if t != graph.None {
				g.Tensors[t].Producer = n.ID
			}
		}
	}
}

// typeName names a non-tensor ValueInfo type for errors.
func typeName(t *onnxpb.TypeProto) string {
	switch t.GetValue().(type) {
	case *onnxpb.TypeProto_SequenceType:
		return "sequence"
	case *onnxpb.TypeProto_MapType:
		return "map"
	case *onnxpb.TypeProto_OptionalType:
		return "optional"
	case *onnxpb.TypeProto_SparseTensorType:
		return "sparse tensor"
	}
	return "undefined"
}
