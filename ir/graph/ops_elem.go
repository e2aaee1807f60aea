package graph

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// elemManyInputs is the MaxIn of the variadic operators (Max, Min, Sum, Mean).
const elemManyInputs = math.MaxInt32

// elemOps is the op table of the element-wise and reduction family.
var elemOps = []OpDef{
	{OpAbs, "Abs", "y = |x|", elemInferUnary(elemNum), 1, 1, 1, 1},
	{OpNeg, "Neg", "y = -x", elemInferUnary(elemFloat | elemSint), 1, 1, 1, 1},
	{OpExp, "Exp", "y = e^x", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpLog, "Log", "y = ln x", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpSqrt, "Sqrt", "y = √x", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpReciprocal, "Reciprocal", "y = 1/x", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpFloor, "Floor", "y = ⌊x⌋", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpCeil, "Ceil", "y = ⌈x⌉", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpErf, "Erf", "y = erf(x)", elemInferUnary(elemNum), 1, 1, 1, 1},
	{OpSign, "Sign", "y = -1, 0 or 1 by the sign of x", elemInferUnary(elemNum), 1, 1, 1, 1},
	{OpSigmoid, "Sigmoid", "y = 1/(1+e^-x)", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpTanh, "Tanh", "y = tanh x", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpRelu, "Relu", "y = max(x, 0)", elemInferUnary(elemFloat | elemSint), 1, 1, 1, 1},
	{OpLeakyRelu, "LeakyRelu", "y = x<0 ? Alpha·x : x", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpElu, "Elu", "y = x<0 ? Alpha·(e^x-1) : x", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpSelu, "Selu", "y = Gamma·(x<=0 ? Alpha·(e^x-1) : x)", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpHardSigmoid, "HardSigmoid", "y = clamp(Alpha·x+Beta, 0, 1)", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpSoftplus, "Softplus", "y = ln(e^x+1)", elemInferUnary(elemFloat), 1, 1, 1, 1},
	{OpPRelu, "PRelu", "y = x<0 ? slope·x : x, slope broadcast to x", elemInferPRelu, 2, 2, 1, 1},
	{OpNot, "Not", "y = !x on bools", elemInferUnary(elemBool), 1, 1, 1, 1},
	{OpIdentity, "Identity", "y = x", elemInferUnary(elemAll), 1, 1, 1, 1},
	{OpDropout, "Dropout", "inference dropout: y = x, optional mask all true", elemInferDropout, 1, 3, 1, 2},
	{OpClip, "Clip", "y = min(max(x, min), max); absent bounds do not bound", elemInferClip, 1, 3, 1, 1},
	{OpAdd, "Add", "c = a + b, broadcast", elemInferBinary(elemNum, false), 2, 2, 1, 1},
	{OpSub, "Sub", "c = a - b, broadcast", elemInferBinary(elemNum, false), 2, 2, 1, 1},
	{OpMul, "Mul", "c = a · b, broadcast", elemInferBinary(elemNum, false), 2, 2, 1, 1},
	{OpDiv, "Div", "c = a / b, broadcast; integers truncate toward zero", elemInferBinary(elemNum, false), 2, 2, 1, 1},
	{OpPow, "Pow", "z = x^y, broadcast; z has x's kind", elemInferPow, 2, 2, 1, 1},
	{OpMax, "Max", "element-wise maximum of all inputs, broadcast", elemInferVariadic(elemNum), 1, elemManyInputs, 1, 1},
	{OpMin, "Min", "element-wise minimum of all inputs, broadcast", elemInferVariadic(elemNum), 1, elemManyInputs, 1, 1},
	{OpSum, "Sum", "element-wise sum of all inputs, broadcast", elemInferVariadic(elemFloat), 1, elemManyInputs, 1, 1},
	{OpMean, "Mean", "element-wise mean of all inputs, broadcast", elemInferVariadic(elemFloat), 1, elemManyInputs, 1, 1},
	{OpEqual, "Equal", "c = a == b (bool), broadcast", elemInferBinary(elemAll, true), 2, 2, 1, 1},
	{OpGreater, "Greater", "c = a > b (bool), broadcast", elemInferBinary(elemNum, true), 2, 2, 1, 1},
	{OpLess, "Less", "c = a < b (bool), broadcast", elemInferBinary(elemNum, true), 2, 2, 1, 1},
	{OpGreaterOrEqual, "GreaterOrEqual", "c = a >= b (bool), broadcast", elemInferBinary(elemNum, true), 2, 2, 1, 1},
	{OpLessOrEqual, "LessOrEqual", "c = a <= b (bool), broadcast", elemInferBinary(elemNum, true), 2, 2, 1, 1},
	{OpAnd, "And", "c = a && b, broadcast", elemInferBinary(elemBool, true), 2, 2, 1, 1},
	{OpOr, "Or", "c = a || b, broadcast", elemInferBinary(elemBool, true), 2, 2, 1, 1},
	{OpWhere, "Where", "z = cond ? x : y, all three broadcast", elemInferWhere, 3, 3, 1, 1},
	{OpSoftmax, "Softmax", "y = e^x / Σ e^x along Axis (Legacy: over the 2-D coercion at Axis)", elemInferSoftmax, 1, 1, 1, 1},
	{OpLogSoftmax, "LogSoftmax", "y = x - ln Σ e^x along Axis (Legacy: over the 2-D coercion at Axis)", elemInferSoftmax, 1, 1, 1, 1},
	{OpReduceSum, "ReduceSum", "sum over the axes of input 1 (empty set: 0)", elemInferReduce(elemNum), 1, 2, 1, 1},
	{OpReduceMean, "ReduceMean", "mean over the axes of input 1", elemInferReduce(elemNum), 1, 2, 1, 1},
	{OpReduceMax, "ReduceMax", "maximum over the axes of input 1 (empty set: lowest value)", elemInferReduce(elemAll), 1, 2, 1, 1},
	{OpReduceMin, "ReduceMin", "minimum over the axes of input 1 (empty set: highest value)", elemInferReduce(elemAll), 1, 2, 1, 1},
	{OpReduceProd, "ReduceProd", "product over the axes of input 1 (empty set: 1)", elemInferReduce(elemNum), 1, 2, 1, 1},
	{OpCumSum, "CumSum", "running sum along the axis of input 1 (Exclusive, Reverse)", elemInferCumSum, 2, 2, 1, 1},
}

// elemKinds is a set of kind classes an operand accepts.
type elemKinds uint8

const (
	elemFloat elemKinds = 1 << iota // every float kind
	elemSint                        // signed integers
	elemUint                        // unsigned integers
	elemBool
	elemNum = elemFloat | elemSint | elemUint
	elemAll = elemNum | elemBool
)

func (s elemKinds) has(k dtype.Kind) bool {
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return s&elemFloat != 0
	case dtype.ClassInt:
		return s&elemSint != 0
	case dtype.ClassUint:
		return s&elemUint != 0
	case dtype.ClassBool:
		return s&elemBool != 0
	}
	return false
}

func (s elemKinds) String() string {
	names := []string{"float", "signed integer", "unsigned integer", "bool"}
	out := ""
	for i, name := range names {
		if s&(1<<i) != 0 {
			if out != "" {
				out += ", "
			}
			out += name
		}
	}
	return out + " kinds"
}

func elemCheckKind(n *Node, i int, k dtype.Kind, s elemKinds) error {
	if !s.has(k) {
		return fmt.Errorf("input %d is %v, %v takes %v", i, k, n.Op, s)
	}
	return nil
}

// elemSameKinds checks that all of in have one kind, from s.
func elemSameKinds(n *Node, in []Meta, s elemKinds) error {
	for i, m := range in {
		if err := elemCheckKind(n, i, m.Kind, s); err != nil {
			return err
		}
		if m.Kind != in[0].Kind {
			return fmt.Errorf("input %d is %v, input 0 is %v", i, m.Kind, in[0].Kind)
		}
	}
	return nil
}

func elemInferUnary(s elemKinds) InferFunc {
	return func(n *Node, in []Meta) ([]Meta, error) {
		if err := elemCheckKind(n, 0, in[0].Kind, s); err != nil {
			return nil, err
		}
		return []Meta{{Kind: in[0].Kind, Shape: in[0].Shape}}, nil
	}
}

// LegacyAlign is B's shape under opset<7 broadcasting (BinaryAttrs.Aligned):
// B's dimensions line up with A's from axis, and B takes A's rank with ones
// elsewhere. A B of one element broadcasts as a scalar.
func LegacyAlign(a, b []int, axis int) ([]int, error) {
	if dtype.Size(b) == 1 {
		return b, nil
	}
	ax, err := NormAxis(axis, len(a))
	if err != nil {
		return nil, fmt.Errorf("broadcast %w", err)
	}
	if ax+len(b) > len(a) {
		return nil, fmt.Errorf("shape %v does not fit in %v from axis %d", b, a, axis)
	}
	out := make([]int, len(a))
	for i := range out {
		out[i] = 1
	}
	copy(out[ax:], b)
	return out, nil
}

// BinaryShapes are the shapes of a binary node's two inputs after the
// node's legacy alignment (BinaryAttrs), ready for numpy broadcasting.
func BinaryShapes(n *Node, a, b []int) ([]int, []int, error) {
	if at, ok := n.Attrs.(BinaryAttrs); ok && at.Aligned {
		nb, err := LegacyAlign(a, b, at.Axis)
		return a, nb, err
	}
	return a, b, nil
}

func elemInferBinary(s elemKinds, toBool bool) InferFunc {
	return func(n *Node, in []Meta) ([]Meta, error) {
		if err := elemSameKinds(n, in, s); err != nil {
			return nil, err
		}
		a, b, err := BinaryShapes(n, in[0].Shape, in[1].Shape)
		if err != nil {
			return nil, err
		}
		shape, err := BroadcastShapes(a, b)
		if err != nil {
			return nil, err
		}
		k := in[0].Kind
		if toBool {
			k = dtype.Bool
		}
		return []Meta{{Kind: k, Shape: shape}}, nil
	}
}

func elemInferPow(n *Node, in []Meta) ([]Meta, error) {
	if err := elemCheckKind(n, 0, in[0].Kind, elemFloat|elemSint|elemUint); err != nil {
		return nil, err
	}
	if err := elemCheckKind(n, 1, in[1].Kind, elemNum); err != nil {
		return nil, err
	}
	a, b, err := BinaryShapes(n, in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, err
	}
	shape, err := BroadcastShapes(a, b)
	if err != nil {
		return nil, err
	}
	return []Meta{{Kind: in[0].Kind, Shape: shape}}, nil
}

func elemInferPRelu(n *Node, in []Meta) ([]Meta, error) {
	if err := elemSameKinds(n, in, elemNum); err != nil {
		return nil, err
	}
	x, slope, err := BinaryShapes(n, in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, err
	}
	shape, err := BroadcastShapes(x, slope)
	if err != nil || !SameShape(shape, x) {
		return nil, fmt.Errorf("slope of shape %v does not broadcast to input shape %v", in[1].Shape, x)
	}
	return []Meta{{Kind: in[0].Kind, Shape: x}}, nil
}

func elemInferVariadic(s elemKinds) InferFunc {
	return func(n *Node, in []Meta) ([]Meta, error) {
		if err := elemSameKinds(n, in, s); err != nil {
			return nil, err
		}
		shapes := make([][]int, len(in))
		for i, m := range in {
			shapes[i] = m.Shape
		}
		shape, err := BroadcastShapes(shapes...)
		if err != nil {
			return nil, err
		}
		return []Meta{{Kind: in[0].Kind, Shape: shape}}, nil
	}
}

func elemInferWhere(n *Node, in []Meta) ([]Meta, error) {
	if in[0].Kind != dtype.Bool {
		return nil, fmt.Errorf("condition is %v, want bool", in[0].Kind)
	}
	if err := elemCheckKind(n, 1, in[1].Kind, elemAll); err != nil {
		return nil, err
	}
	if in[2].Kind != in[1].Kind {
		return nil, fmt.Errorf("input 2 is %v, input 1 is %v", in[2].Kind, in[1].Kind)
	}
	shape, err := BroadcastShapes(in[0].Shape, in[1].Shape, in[2].Shape)
	if err != nil {
		return nil, err
	}
	return []Meta{{Kind: in[1].Kind, Shape: shape}}, nil
}

// elemScalarBound checks an optional one-element operand.
func elemScalarBound(name string, m Meta) error {
	if m.Present() && dtype.Size(m.Shape) != 1 {
		return fmt.Errorf("%s has shape %v, want a scalar", name, m.Shape)
	}
	return nil
}

func elemInferClip(n *Node, in []Meta) ([]Meta, error) {
	x := in[0]
	if err := elemCheckKind(n, 0, x.Kind, elemNum); err != nil {
		return nil, err
	}
	for i := 1; i < len(in); i++ {
		m := in[i]
		if !m.Present() {
			continue
		}
		// Opset<11 bounds arrive as f32 constants whatever the float kind of x.
		if m.Kind != x.Kind && !(m.Kind.IsFloat() && x.Kind.IsFloat()) {
			return nil, fmt.Errorf("bound %d is %v, input is %v", i, m.Kind, x.Kind)
		}
		if err := elemScalarBound(fmt.Sprintf("bound %d", i), m); err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: x.Kind, Shape: x.Shape}}, nil
}

func elemInferDropout(n *Node, in []Meta) ([]Meta, error) {
	x := in[0]
	if err := elemCheckKind(n, 0, x.Kind, elemFloat); err != nil {
		return nil, err
	}
	if len(in) > 1 && in[1].Present() {
		if !in[1].Kind.IsFloat() {
			return nil, fmt.Errorf("ratio is %v, want a float kind", in[1].Kind)
		}
		if err := elemScalarBound("ratio", in[1]); err != nil {
			return nil, err
		}
	}
	if len(in) > 2 && in[2].Present() {
		t := in[2]
		if t.Kind != dtype.Bool || dtype.Size(t.Shape) != 1 {
			return nil, fmt.Errorf("training_mode is %v%v, want a bool scalar", t.Kind, t.Shape)
		}
		if t.Value == nil || t.Value.Bool[0] {
			return nil, fmt.Errorf("training_mode must be a constant false: training-mode Dropout is %w (kiln evaluates inference)", ErrUnsupported)
		}
	}
	out := []Meta{{Kind: x.Kind, Shape: x.Shape}}
	if len(n.Out) > 1 {
		out = append(out, Meta{Kind: dtype.Bool, Shape: x.Shape})
	}
	return out, nil
}

// SoftmaxAxis is where Softmax/LogSoftmax work on shape: each of outer rows
// of n elements, the elements inner apart.
func SoftmaxAxis(a SoftmaxAttrs, shape []int) (outer, n, inner int, err error) {
	ax, err := NormAxis(a.Axis, len(shape))
	if err != nil {
		return 0, 0, 0, err
	}
	outer = dtype.Size(shape[:ax])
	if a.Legacy {
		return outer, dtype.Size(shape[ax:]), 1, nil
	}
	return outer, shape[ax], dtype.Size(shape[ax+1:]), nil
}

func elemInferSoftmax(n *Node, in []Meta) ([]Meta, error) {
	if err := elemCheckKind(n, 0, in[0].Kind, elemFloat); err != nil {
		return nil, err
	}
	a, _ := n.Attrs.(SoftmaxAttrs)
	if _, _, _, err := SoftmaxAxis(a, in[0].Shape); err != nil {
		return nil, err
	}
	return []Meta{{Kind: in[0].Kind, Shape: in[0].Shape}}, nil
}

// ReducedAxes says which axes of a rank-rank input a Reduce* node reduces,
// from its attributes and its axes operand (nil when absent).
func ReducedAxes(a ReduceAttrs, rank int, axes *dtype.Array) ([]bool, error) {
	red := make([]bool, rank)
	if axes == nil || axes.Len() == 0 {
		if !a.NoopWithEmptyAxes {
			for i := range red {
				red[i] = true
			}
		}
		return red, nil
	}
	if !axes.Kind.IsInt() || len(axes.Shape) > 1 {
		return nil, fmt.Errorf("axes is %v%v, want a 1-D integer tensor", axes.Kind, axes.Shape)
	}
	for _, v := range axes.Ints() {
		ax, err := NormAxis(int(v), rank)
		if err != nil || int64(int(v)) != v {
			return nil, fmt.Errorf("axes: axis %d out of range for rank %d", v, rank)
		}
		if red[ax] {
			return nil, fmt.Errorf("axes: axis %d given twice", v)
		}
		red[ax] = true
	}
	return red, nil
}

func elemInferReduce(s elemKinds) InferFunc {
	return func(n *Node, in []Meta) ([]Meta, error) {
		x := in[0]
		if err := elemCheckKind(n, 0, x.Kind, s); err != nil {
			return nil, err
		}
		var axes *dtype.Array
		if len(in) > 1 && in[1].Present() {
			axes = in[1].Value
			if axes == nil && dtype.Size(in[1].Shape) != 0 {
				return nil, fmt.Errorf("input 1 (axes): %w (kiln needs static shapes)", ErrNotConstant)
			}
		}
		a, _ := n.Attrs.(ReduceAttrs)
		red, err := ReducedAxes(a, len(x.Shape), axes)
		if err != nil {
			return nil, err
		}
		shape := []int{}
		for i, d := range x.Shape {
			switch {
			case !red[i]:
				shape = append(shape, d)
			case a.KeepDims:
				shape = append(shape, 1)
			}
		}
		return []Meta{{Kind: x.Kind, Shape: shape}}, nil
	}
}

// CumSumAxis reads CumSum's axis operand and normalises it for rank.
func CumSumAxis(axis *dtype.Array, rank int) (int, error) {
	if !axis.Kind.IsInt() || axis.Len() != 1 || len(axis.Shape) > 1 {
		return 0, fmt.Errorf("axis is %v%v, want an integer scalar", axis.Kind, axis.Shape)
	}
	v := axis.Int(0)
	if v < -int64(rank) || v >= int64(rank) {
		return 0, fmt.Errorf("axis %d out of range for rank %d", v, rank)
	}
	return NormAxis(int(v), rank)
}

func elemInferCumSum(n *Node, in []Meta) ([]Meta, error) {
	x, axis := in[0], in[1]
	if err := elemCheckKind(n, 0, x.Kind, elemNum); err != nil {
		return nil, err
	}
	if !axis.Kind.IsInt() || dtype.Size(axis.Shape) != 1 || len(axis.Shape) > 1 {
		return nil, fmt.Errorf("axis is %v%v, want an integer scalar", axis.Kind, axis.Shape)
	}
	if axis.Value != nil {
		if _, err := CumSumAxis(axis.Value, len(x.Shape)); err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: x.Kind, Shape: x.Shape}}, nil
}
