package graph

import (
	"fmt"
	"sort"
)

// Op is an operator. Names and meanings follow ONNX (ai.onnx domain); each
// operator has one meaning in kiln, its newest ONNX one, and the frontend
// upgrades older opsets to it.
type Op uint16

// The operators. Their one-line meanings are in the op table (the defs of
// ops_*.go), which a test checks is complete.
const (
	OpInvalid Op = iota
	// element-wise and reductions (ops_elem.go)
	OpAbs
	OpNeg
	OpExp
	OpLog
	OpSqrt
	OpReciprocal
	OpFloor
	OpCeil
	OpErf
	OpSign
	OpSigmoid
	OpTanh
	OpRelu
	OpLeakyRelu
	OpElu
	OpSelu
	OpHardSigmoid
	OpSoftplus
	OpPRelu
	OpNot
	OpIdentity
	OpDropout
	OpClip
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpPow
	OpMax
	OpMin
	OpSum
	OpMean
	OpEqual
	OpGreater
	OpLess
	OpGreaterOrEqual
	OpLessOrEqual
	OpAnd
	OpOr
	OpWhere
	OpSoftmax
	OpLogSoftmax
	OpReduceSum
	OpReduceMean
	OpReduceMax
	OpReduceMin
	OpReduceProd
	OpCumSum
	// data movement and shapes (ops_move.go)
	OpReshape
	OpFlatten
	OpSqueeze
	OpUnsqueeze
	OpTranspose
	OpConcat
	OpSplit
	OpSlice
	OpGather
	OpTile
	OpExpand
	OpPad
	OpShape
	OpConstantOfShape
	OpRange
	// neural-network layers (ops_nn.go)
	OpConv
	OpConvInteger
	OpQLinearConv
	OpAveragePool
	OpMaxPool
	OpGlobalAveragePool
	OpGlobalMaxPool
	OpGemm
	OpMatMul
	OpMatMulInteger
	OpQLinearMatMul
	OpEinsum
	OpBatchNormalization
	OpInstanceNormalization
	OpLayerNormalization
	// recurrent layers (ops_rnn.go)
	OpRNN
	OpGRU
	OpLSTM
	// types and quantisation (ops_quant.go)
	OpCast
	OpQuantizeLinear
	OpDequantizeLinear
	numOps
)

// InferFunc computes the kinds and shapes of a node's outputs from what is
// known of its inputs (in[i].Value is set for constant inputs; absent
// optional inputs have Kind Invalid). It returns one Meta per output of the
// node, absent outputs included, and an error naming what is inconsistent.
type InferFunc func(n *Node, in []Meta) ([]Meta, error)

// OpDef is one row of the op table.
type OpDef struct {
	Op             Op
	Name           string // ONNX name
	Doc            string // one-line meaning
	Infer          InferFunc
	MinIn, MaxIn   int // accepted number of inputs (absent optional ones count)
	MinOut, MaxOut int
}

// opTable is the op table, built from the per-family tables; index by Op.
var opTable = buildTable(elemOps, moveOps, nnOps, rnnOps, quantOps)

func buildTable(families ...[]OpDef) []OpDef {
	t := make([]OpDef, numOps)
	for _, f := range families {
		for _, d := range f {
			if t[d.Op].Name != "" {
				panic(fmt.Sprintf("graph: op %d defined twice", d.Op))
			}
			t[d.Op] = d
		}
	}
	return t
}

// Def returns the op's table row.
func (o Op) Def() OpDef {
	if o >= numOps {
		return OpDef{}
	}
	return opTable[o]
}

// String is the ONNX name.
func (o Op) String() string {
	if d := o.Def(); d.Name != "" {
		return d.Name
	}
	return fmt.Sprintf("op(%d)", uint16(o))
}

// OpByName finds an operator by its ONNX name.
func OpByName(name string) (Op, bool) {
	for o := Op(1); o < numOps; o++ {
		if opTable[o].Name == name {
			return o, true
		}
	}
	return OpInvalid, false
}

// Ops lists every operator, sorted by name.
func Ops() []OpDef {
	var out []OpDef
	for o := Op(1); o < numOps; o++ {
		if opTable[o].Name != "" {
			out = append(out, opTable[o])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Infer runs the op's shape inference on node n and checks its arity.
func Infer(n *Node, in []Meta) ([]Meta, error) {
	d := n.Op.Def()
	if d.Infer == nil {
		return nil, fmt.Errorf("%s: no shape inference for %v", n.Label(), n.Op)
	}
	if len(in) < d.MinIn || len(in) > d.MaxIn {
		return nil, fmt.Errorf("%s: has %d inputs, %v takes %d to %d", n.Label(), len(in), n.Op, d.MinIn, d.MaxIn)
	}
	if len(n.Out) < d.MinOut || len(n.Out) > d.MaxOut {
		return nil, fmt.Errorf("%s: has %d outputs, %v gives %d to %d", n.Label(), len(n.Out), n.Op, d.MinOut, d.MaxOut)
	}
	for i := range d.MinIn {
		if !in[i].Present() {
			return nil, fmt.Errorf("%s: input %d of %v is required but absent", n.Label(), i, n.Op)
		}
	}
	out, err := d.Infer(n, in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.Label(), err)
	}
	if len(out) != len(n.Out) {
		return nil, fmt.Errorf("%s: shape inference gave %d outputs for %d", n.Label(), len(out), len(n.Out))
	}
	return out, nil
}
