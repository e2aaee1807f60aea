package loop

import "github.com/kiln-hls/kiln/ir/dtype"

// Stmt is a statement: *For, *Store or *If.
type Stmt interface{ isStmt() }

// Expr is an expression: *Load, *Const, *VarRef, *Bin, *Un, *Cast,
// *Select or *Call.
type Expr interface{ isExpr() }

// For runs Body for Var = Lo, Lo+Step, … while Var < Hi. The bounds may use
// the variables of enclosing loops.
type For struct {
	Var    VarID
	Lo, Hi Index
	Step   int // > 0
	Kind   LoopKind
	Dir    Directives
	Body   []Stmt
}

// LoopKind says what a loop's iterations may assume of each other.
type LoopKind uint8

// The loop kinds.
const (
	Serial   LoopKind = iota // iterations in order; they may carry dependences
	Parallel                 // iterations independent (printed "parallel")
	numLoopKinds
)

// Directives are the HLS directives of a loop, data that emitters translate.
type Directives struct {
	Unroll int // 0: none; n ≥ 2: unroll by n; UnrollFull: completely
}

// UnrollFull in Directives.Unroll unrolls a loop completely.
const UnrollFull = -1

// Store writes Value to Buf at Index (one Index per dimension; none for a
// scalar).
type Store struct {
	Buf   BufID
	Index []Index
	Value Expr
}

// If runs Then when Cond (a bool) holds, else Else. Index bounds inside Then
// may rely on the affine comparisons that Cond joins with &&.
type If struct {
	Cond       Expr
	Then, Else []Stmt
}

// Load reads Buf at Index.
type Load struct {
	Buf   BufID
	Index []Index
}

// Const is a constant of Kind. Float kinds keep the value in Float (exactly
// representable in Kind); integer and bool kinds in Int (unsigned kinds as
// the same bits, bool as 0 or 1); fixed kinds their raw in Int (the value
// is Int·2^−F).
type Const struct {
	Kind  dtype.Kind
	Float float64
	Int   int64
}

// VarRef is the value of a loop variable, an i64.
type VarRef struct {
	Var VarID
}

// Bin is a binary operation on two operands of the same kind. Arithmetic
// gives that kind, comparisons give bool. Fixed-point +, − and × are the
// exception: their operands may be any fixed kinds, and the result is the
// exact type (see doc.go).
type Bin struct {
	Op   BinOp
	X, Y Expr
}

// Un is a unary operation; Op names a negation or a libm function.
type Un struct {
	Op UnOp
	X  Expr
}

// Cast converts X to kind To (the only conversion there is).
type Cast struct {
	To dtype.Kind
	X  Expr
}

// Select is Cond ? X : Y, X and Y of one kind.
type Select struct {
	Cond, X, Y Expr
}

// Call calls a libm function by its double-precision name ("pow",
// "erf"); the emitters pick the float variant from the argument kind.
type Call struct {
	Func string
	Args []Expr
}

func (*For) isStmt()   {}
func (*Store) isStmt() {}
func (*If) isStmt()    {}

func (*Load) isExpr()   {}
func (*Const) isExpr()  {}
func (*VarRef) isExpr() {}
func (*Bin) isExpr()    {}
func (*Un) isExpr()     {}
func (*Cast) isExpr()   {}
func (*Select) isExpr() {}
func (*Call) isExpr()   {}

// Float returns a float constant of kind k.
func Float(k dtype.Kind, v float64) *Const { return &Const{Kind: k, Float: v} }

// Int returns an integer or bool constant of kind k, or the fixed-point
// constant of kind k whose raw is v.
func Int(k dtype.Kind, v int64) *Const { return &Const{Kind: k, Int: v} }
