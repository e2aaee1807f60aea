package loop

// BinOp is a binary operator.
type BinOp uint8

// The binary operators. Integer Div and Rem truncate toward zero, as C does.
const (
	Add BinOp = iota
	Sub
	Mul
	Div
	Rem
	Min
	Max
	Eq
	Ne
	Lt
	Le
	Gt
	Ge
	And // bool only
	Or  // bool only
	numBinOps
)

type binInfo struct {
	sym  string // infix symbol, or function name for Min/Max
	prec int    // 0 for the function form
}

var binOps = [numBinOps]binInfo{
	Add: {"+", 4}, Sub: {"-", 4}, Mul: {"*", 5}, Div: {"/", 5}, Rem: {"%", 5},
	Min: {"min", 0}, Max: {"max", 0},
	Eq: {"==", 3}, Ne: {"!=", 3}, Lt: {"<", 3}, Le: {"<=", 3}, Gt: {">", 3}, Ge: {">=", 3},
	And: {"&&", 2}, Or: {"||", 1},
}

func (op BinOp) String() string {
	if op >= numBinOps {
		return "binop?"
	}
	return binOps[op].sym
}

// IsCompare reports whether op is a comparison (its result is bool).
func (op BinOp) IsCompare() bool { return op >= Eq && op <= Ge }

// IsLogic reports whether op is && or ||.
func (op BinOp) IsLogic() bool { return op == And || op == Or }

// UnOp is a unary operator; all but Neg and Not are libm functions.
type UnOp uint8

// The unary operators.
const (
	Neg UnOp = iota // -x
	Not             // !x, bool only
	Abs
	Sqrt
	Exp
	Log
	Tanh
	Floor
	Ceil
	Rint // round half to even
	numUnOps
)

var unNames = [numUnOps]string{"-", "!", "abs", "sqrt", "exp", "log", "tanh", "floor", "ceil", "rint"}

func (op UnOp) String() string {
	if op >= numUnOps {
		return "unop?"
	}
	return unNames[op]
}

// FloatOnly reports whether op is defined on float kinds only.
func (op UnOp) FloatOnly() bool { return op >= Sqrt }

// libm lists the functions Call may name, with their argument counts. The
// unary operators are not repeated here.
var libm = map[string]int{
	"pow": 2, "fmod": 2, "atan2": 2, "hypot": 2, "fma": 3, "copysign": 2,
	"erf": 1, "sin": 1, "cos": 1, "tan": 1, "asin": 1, "acos": 1, "atan": 1,
	"sinh": 1, "cosh": 1, "asinh": 1, "acosh": 1, "atanh": 1,
	"exp2": 1, "expm1": 1, "log2": 1, "log10": 1, "log1p": 1, "cbrt": 1, "trunc": 1, "round": 1,
}

// LibmArity is the number of arguments of the libm function name, or 0 if
// Call may not name it.
func LibmArity(name string) int { return libm[name] }

func unOpByName(name string) (UnOp, bool) {
	for op := Abs; op < numUnOps; op++ {
		if unNames[op] == name {
			return op, true
		}
	}
	return 0, false
}
