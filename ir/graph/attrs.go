package graph

import "github.com/kiln-hls/kiln/ir/dtype"

// Attrs are the typed attributes of a node: one struct per operator family,
// a closed sum type (the marker method isAttrs). The frontend fills them in
// their newest ONNX meaning: attributes that later opsets turned into inputs
// (Clip's min/max, Split's split, Squeeze's axes, Pad's pads, Reduce*'s axes,
// Slice's starts/ends…) arrive as constant inputs, whatever the model's opset.
type Attrs interface{ isAttrs() }

// NoAttrs is the Attrs of operators without attributes.
type NoAttrs struct{}

// ActAttrs are the coefficients of parametric activations: LeakyRelu
// (Alpha), Elu (Alpha), Selu (Alpha, Gamma), HardSigmoid (Alpha, Beta).
type ActAttrs struct{ Alpha, Beta, Gamma float32 }

// BinaryAttrs hold opset<7 broadcasting for Add, Sub, Mul, Div, Pow…: with
// Aligned set, B's dimensions line up with A's from Axis (legacy
// broadcast=1, axis=…); otherwise numpy broadcasting applies.
type BinaryAttrs struct {
	Aligned bool
	Axis    int
}

// CastAttrs: Cast to To. Saturate applies to float8 targets; RoundMode
// ("up", "down", "nearest") to float8e8m0.
type CastAttrs struct {
	To        dtype.Kind
	Saturate  bool
	RoundMode string
}

// QuantAttrs: QuantizeLinear / DequantizeLinear. Out is output_dtype when
// the model sets it, else Invalid and shape inference resolves the output
// kind (QuantOutKind: the zero point's kind, else u8; DequantOutKind: the
// scale's kind).
type QuantAttrs struct {
	Axis      int
	BlockSize int
	Saturate  bool
	Out       dtype.Kind
	Precision dtype.Kind // QuantizeLinear's division precision; Invalid = scale's kind
}

// SoftmaxAttrs: Softmax, LogSoftmax. Legacy (opset<13) coerces the input to
// 2-D at Axis (default 1); otherwise the operator works along Axis (default -1).
type SoftmaxAttrs struct {
	Axis   int
	Legacy bool
}

// ReduceAttrs: Reduce*. The axes are input 1 (absent: all axes, unless
// NoopWithEmptyAxes).
type ReduceAttrs struct {
	KeepDims          bool
	NoopWithEmptyAxes bool
}

// CumSumAttrs: CumSum (axis is input 1).
type CumSumAttrs struct{ Exclusive, Reverse bool }

// AxisAttrs: Concat, Gather, Flatten, and every other operator whose only
// attribute is an axis.
type AxisAttrs struct{ Axis int }

// SplitAttrs: Split. Split sizes are input 1 (absent: NumOutputs equal
// parts, the last one smaller when the axis does not divide).
type SplitAttrs struct {
	Axis       int
	NumOutputs int
}

// TransposeAttrs: Transpose; Perm nil reverses the axes.
type TransposeAttrs struct{ Perm []int }

// ReshapeAttrs: Reshape (shape is input 1).
type ReshapeAttrs struct{ AllowZero bool }

// PadAttrs: Pad ("constant", "reflect", "edge", "wrap"); pads, value and axes
// are inputs 1..3.
type PadAttrs struct{ Mode string }

// ShapeAttrs: Shape's optional slice [Start, End) of the dimensions; End is
// meaningful only with HasEnd.
type ShapeAttrs struct {
	Start  int
	End    int
	HasEnd bool
}

// ConstantOfShapeAttrs: ConstantOfShape's fill value (one element; nil means
// f32 zero).
type ConstantOfShapeAttrs struct{ Value *dtype.Array }

// ConvAttrs: Conv, ConvInteger, QLinearConv. Empty slices take ONNX's
// defaults (kernel from the weight, unit strides and dilations, zero pads).
// Pads are [x1_begin, x2_begin…, x1_end, x2_end…].
type ConvAttrs struct {
	AutoPad     string
	KernelShape []int
	Strides     []int
	Dilations   []int
	Pads        []int
	Group       int
}

// PoolAttrs: AveragePool, MaxPool (GlobalXPool has NoAttrs).
type PoolAttrs struct {
	AutoPad         string
	KernelShape     []int
	Strides         []int
	Dilations       []int
	Pads            []int
	CeilMode        bool
	CountIncludePad bool
	StorageOrder    int
}

// GemmAttrs: Gemm, Y = Alpha·A'·B' + Beta·C.
type GemmAttrs struct {
	Alpha, Beta    float32
	TransA, TransB bool
}

// EinsumAttrs: Einsum.
type EinsumAttrs struct{ Equation string }

// NormAttrs: BatchNormalization (inference form), InstanceNormalization,
// LayerNormalization (Axis, StashType).
type NormAttrs struct {
	Epsilon   float32
	Momentum  float32
	Axis      int
	StashType dtype.Kind
}

// RNNAttrs: RNN, GRU, LSTM. Activations holds one name per gate function
// and direction, already defaulted (RNN: Tanh; GRU: Sigmoid, Tanh; LSTM:
// Sigmoid, Tanh, Tanh), with Alpha/Beta for those that take them. Clip is
// applied when HasClip.
type RNNAttrs struct {
	Activations       []string
	ActivationAlpha   []float32
	ActivationBeta    []float32
	Clip              float32
	HasClip           bool
	Direction         string // "forward", "reverse" or "bidirectional"
	HiddenSize        int
	InputForget       bool
	LinearBeforeReset bool
	Layout            int
}

func (NoAttrs) isAttrs()              {}
func (ActAttrs) isAttrs()             {}
func (BinaryAttrs) isAttrs()          {}
func (CastAttrs) isAttrs()            {}
func (QuantAttrs) isAttrs()           {}
func (SoftmaxAttrs) isAttrs()         {}
func (ReduceAttrs) isAttrs()          {}
func (CumSumAttrs) isAttrs()          {}
func (AxisAttrs) isAttrs()            {}
func (SplitAttrs) isAttrs()           {}
func (TransposeAttrs) isAttrs()       {}
func (ReshapeAttrs) isAttrs()         {}
func (PadAttrs) isAttrs()             {}
func (ShapeAttrs) isAttrs()           {}
func (ConstantOfShapeAttrs) isAttrs() {}
func (ConvAttrs) isAttrs()            {}
func (PoolAttrs) isAttrs()            {}
func (GemmAttrs) isAttrs()            {}
func (EinsumAttrs) isAttrs()          {}
func (NormAttrs) isAttrs()            {}
func (RNNAttrs) isAttrs()             {}
