package lower

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Options control lowering. The zero value is the default.
type Options struct {
	// SparseDensity is the largest fraction of non-zeros at which a
	// MatMul's constant operand lowers to a loop over its non-zeros (CSR)
	// instead of a dense product. 0 means graph.SparseDensity; a negative
	// value turns sparse lowering off.
	SparseDensity float64
	// Fuse lowers each chain of element-wise consumers with its producer
	// as one kernel (see Chains and FusedProgram).
	Fuse bool
}

// UnsupportedError says that kiln has no lowering for a node's operator.
type UnsupportedError struct {
	Node string // the node's label
	Op   graph.Op
}

// UnsupportedNode is the node's label; the method marks the error for
// callers that cannot import this package (conform).
func (e *UnsupportedError) UnsupportedNode() string { return e.Node }

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("lower: %s: no lowering for %v", e.Node, e.Op)
}

// lowerFunc fills the body of b's kernel for b's node.
type lowerFunc func(b *builder) error

// lowerings is the union of the per-family tables, one per file.
var lowerings = func() map[graph.Op]lowerFunc {
	m := map[graph.Op]lowerFunc{}
	for _, t := range []map[graph.Op]lowerFunc{
		coreLowerings, elemLowerings, reduceLowerings, moveLowerings,
		rnnLowerings, quantLowerings, knownLowerings,
	} {
		for op, f := range t {
			if m[op] != nil {
				panic(fmt.Sprintf("lower: %v has two lowerings", op))
			}
			m[op] = f
		}
	}
	return m
}()

// coreLowerings are the operators of the first lowering files (elem.go,
// matmul.go, conv.go, move.go, norm.go, pool.go).
var coreLowerings = map[graph.Op]lowerFunc{
	graph.OpRelu: unary, graph.OpSigmoid: unary, graph.OpTanh: unary,
	graph.OpExp: unary, graph.OpAbs: unary, graph.OpNeg: unary,
	graph.OpSqrt: unary, graph.OpLeakyRelu: unary,
	graph.OpAdd: binary, graph.OpSub: binary, graph.OpMul: binary,
	graph.OpDiv: binary, graph.OpMax: binary, graph.OpMin: binary,
	graph.OpSum:  binary,
	graph.OpGemm: gemm, graph.OpMatMul: matmul, graph.OpConv: conv,
	graph.OpReshape: reshape, graph.OpFlatten: reshape,
	graph.OpSqueeze: reshape, graph.OpUnsqueeze: reshape,
	graph.OpTranspose: transpose, graph.OpLayerNormalization: layerNorm,
	graph.OpMaxPool: pool, graph.OpAveragePool: pool,
	graph.OpGlobalMaxPool: pool, graph.OpGlobalAveragePool: pool,
}

// Supported reports whether op has a lowering.
func Supported(op graph.Op) bool { return lowerings[op] != nil }

// Node lowers node n of g to one kernel, verified. Its parameters are the
// node's present inputs that are not constants, in order, then its present
// outputs; constants it reads are const buffers.
func Node(g *graph.Graph, n *graph.Node, opt Options) (*loop.Kernel, error) {
	f := lowerings[n.Op]
	if f == nil {
		return nil, &UnsupportedError{Node: n.Label(), Op: n.Op}
	}
	b := newBuilder(g, n, opt)
	if err := f(b); err != nil {
		return nil, fmt.Errorf("lower: %s: %w", n.Label(), err)
	}
	if err := b.params(); err != nil {
		return nil, fmt.Errorf("lower: %s: %w", n.Label(), err)
	}
	if err := loop.Verify(b.k); err != nil {
		return nil, fmt.Errorf("lower: %s: kernel does not verify: %w", n.Label(), err)
	}
	return b.k, nil
}

// Graph lowers every node of g, in order. It reports all unsupported nodes
// (and any other failures) at once, joined.
func Graph(g *graph.Graph, opt Options) ([]*loop.Kernel, error) {
	var ks []*loop.Kernel
	var errs []error
	for _, n := range g.Nodes {
		k, err := Node(g, n, opt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ks = append(ks, k)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ks, nil
}

// builder holds a kernel under construction for one node.
type builder struct {
	opt   Options
	g     *graph.Graph
	n     *graph.Node
	k     *loop.Kernel
	names map[string]bool
	bufs  map[graph.TensorID]loop.BufID
}

func newBuilder(g *graph.Graph, n *graph.Node, opt Options) *builder {
	b := &builder{opt: opt, g: g, n: n, names: map[string]bool{}, bufs: map[graph.TensorID]loop.BufID{}}
	name := n.Name
	if name == "" {
		name = fmt.Sprintf("%s%d", strings.ToLower(n.Op.String()), n.ID)
	}
	b.k = &loop.Kernel{Name: b.unique(name)}
	return b
}

// identifier turns s into an identifier: other characters become _, leading
// underscores are dropped, and a leading digit (or nothing) gets a t
// before it.
func identifier(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			r = '_'
		}
		sb.WriteRune(r)
	}
	// ONNX exporters name nodes and tensors /layer/Op: drop the leading
	// underscores that makes, as C reserves such names at file scope.
	id := strings.TrimLeft(sb.String(), "_")
	if id == "" || id[0] >= '0' && id[0] <= '9' {
		id = "t" + id
	}
	return id
}

// reserved are the words of the loop IR text that cannot name anything.
var reserved = map[string]bool{
	"kernel": true, "in": true, "out": true, "const": true, "temp": true,
	"for": true, "if": true, "else": true, "step": true, "parallel": true, "unroll": true,
	"true": true, "false": true, "inf": true, "nan": true,
	"cast": true, "select": true, "min": true, "max": true,
	"partition": true, "reg": true, "ram": true, "rom": true, "offchip": true,
}

// unique turns s into an identifier (other characters become _, a leading
// digit gets a t before it) not used yet in the kernel nor reserved.
func (b *builder) unique(s string) string {
	base := identifier(s)
	name := base
	for i := 1; reserved[name] || b.names[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	b.names[name] = true
	return name
}

// in returns the buffer of input i: a param, or a const buffer if the
// tensor is a constant. It is an error for the input to be absent or of a
// kind the loop IR cannot hold.
func (b *builder) in(i int) (loop.BufID, error) {
	if i >= len(b.n.In) || b.n.In[i] == graph.None {
		return 0, fmt.Errorf("input %d is absent", i)
	}
	t := b.g.Tensor(b.n.In[i])
	role := loop.Input
	if t.Init != nil {
		role = loop.Constant
	}
	return b.tensor(t, role)
}

// out returns the buffer of output i.
func (b *builder) out(i int) (loop.BufID, error) {
	if i >= len(b.n.Out) || b.n.Out[i] == graph.None {
		return 0, fmt.Errorf("output %d is absent", i)
	}
	return b.tensor(b.g.Tensor(b.n.Out[i]), loop.Output)
}

// inOut returns the buffers of input 0 and output 0, the operands of
// most lowerings.
func (b *builder) inOut() (x, y loop.BufID, err error) {
	if x, err = b.in(0); err != nil {
		return 0, 0, err
	}
	y, err = b.out(0)
	return x, y, err
}

// has reports whether input i is present.
func (b *builder) has(i int) bool { return i < len(b.n.In) && b.n.In[i] != graph.None }

func (b *builder) tensor(t *graph.Tensor, role loop.Role) (loop.BufID, error) {
	if id, ok := b.bufs[t.ID]; ok {
		return id, nil
	}
	if !t.Kind.Computable() {
		return 0, fmt.Errorf("tensor %q is %v: the loop IR has no such kind", t.Name, t.Kind)
	}
	if slices.Contains(t.Shape, 0) && role != loop.Input {
		// An empty input is a parameter that nothing reads; an empty
		// output or constant would be an array of no elements.
		return 0, fmt.Errorf("tensor %q of shape %v is empty: not yet (only inputs may be empty)", t.Name, t.Shape)
	}
	buf := &loop.Buffer{Name: b.unique(t.Name), Kind: t.Kind, Role: role}
	if len(t.Shape) > 0 {
		buf.Shape = t.Shape
	}
	if role == loop.Constant {
		buf.Init = t.Init
	}
	id := b.k.NewBuffer(buf)
	b.bufs[t.ID] = id
	return id, nil
}

// tempOf adds a rank-0 temporary of kind k in registers.
func (b *builder) tempOf(name string, k dtype.Kind) loop.BufID {
	return b.k.NewBuffer(&loop.Buffer{Name: b.unique(name), Kind: k, Space: loop.Register, Role: loop.Temp})
}

// kindIn is the element kind of input i (Invalid if absent).
func (b *builder) kindIn(i int) dtype.Kind {
	if !b.has(i) {
		return dtype.Invalid
	}
	return b.g.Tensor(b.n.In[i]).Kind
}

// kindOut is the element kind of output i (Invalid if absent).
func (b *builder) kindOut(i int) dtype.Kind {
	if i >= len(b.n.Out) || b.n.Out[i] == graph.None {
		return dtype.Invalid
	}
	return b.g.Tensor(b.n.Out[i]).Kind
}

// params sets the kernel's parameters: every present non-constant input
// in the node's order (read or not; once when the node reads it twice),
// then every present output.
func (b *builder) params() error {
	seen := map[graph.TensorID]bool{}
	for i, t := range b.n.In {
		if t == graph.None || b.g.Tensor(t).Init != nil || seen[t] {
			continue // a tensor read twice (Add(x, x)) is one parameter
		}
		seen[t] = true
		id, err := b.in(i)
		if err != nil {
			return err
		}
		b.k.Params = append(b.k.Params, id)
	}
	for i, t := range b.n.Out {
		if t == graph.None {
			continue
		}
		id, err := b.out(i)
		if err != nil {
			return err
		}
		b.k.Params = append(b.k.Params, id)
	}
	return nil
}

func (b *builder) shape(id loop.BufID) []int { return b.k.Buffers[id].Shape }

// vars adds one loop variable per name.
func (b *builder) vars(names ...string) []loop.VarID {
	vs := make([]loop.VarID, len(names))
	for i, s := range names {
		vs[i] = b.k.NewVar(b.unique(s))
	}
	return vs
}

// axisVars adds n loop variables prefix0, prefix1, … (prefix alone when n
// is 1).
func (b *builder) axisVars(prefix string, n int) []loop.VarID {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	if n == 1 {
		names[0] = prefix
	}
	return b.vars(names...)
}
