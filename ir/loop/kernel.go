package loop

import "github.com/kiln-hls/kiln/ir/dtype"

// BufID is a buffer's index in Kernel.Buffers.
type BufID int32

// VarID is a loop variable's index in Kernel.Vars.
type VarID int32

// Kernel is one hardware function: buffers, the loop variables its loops
// bind, which buffers are its arguments, and a body of statements.
type Kernel struct {
	Name    string
	Buffers []*Buffer // indexed by BufID
	Vars    []Var     // indexed by VarID; each is bound by exactly one For
	Params  []BufID   // the arguments, in order
	Body    []Stmt
}

// Var is a loop variable. Names may repeat across loops that do not nest
// (two sibling loops over i); a name never shadows one in scope.
type Var struct {
	Name string
}

// Buffer is an array (rank 0: a scalar) in one memory space. A constant's
// values are Init; every other buffer has Init == nil.
type Buffer struct {
	Name      string
	Kind      dtype.Kind
	Shape     []int // nil for a scalar
	Space     Space
	Role      Role
	Init      *dtype.Array
	Partition []Partition
	// UltraRAM says an on-chip RAM buffer (Space RAM) lives in UltraRAM
	// blocks, not block RAM: the place-memory pass's choice on parts that
	// have them, printed as "ram uram". Emitters ignore it (the synthesis
	// tools infer the memory); the simulator counts its blocks.
	UltraRAM bool
}

// Space is where a buffer lives. SpaceAuto means not placed yet.
type Space uint8

// The memory spaces.
const (
	SpaceAuto Space = iota // not placed yet; printed as nothing
	Register               // reg: flip-flops
	RAM                    // ram: on-chip RAM (BRAM/URAM)
	ROM                    // rom: on-chip ROM, constants only
	OffChip                // offchip: external memory reached through a pointer argument
	numSpaces
)

var spaceNames = [numSpaces]string{"", "reg", "ram", "rom", "offchip"}

func (s Space) String() string {
	if s >= numSpaces {
		return "space?"
	}
	return spaceNames[s]
}

// Role says what a buffer is to the kernel.
type Role uint8

// The buffer roles.
const (
	Temp     Role = iota // temp: scratch (accumulators, intermediates)
	Input                // in: an input argument, read only
	Output               // out: an output argument
	Constant             // const: constant data (weights), read only, with Init
	numRoles
)

var roleNames = [numRoles]string{"temp", "in", "out", "const"}

func (r Role) String() string {
	if r >= numRoles {
		return "role?"
	}
	return roleNames[r]
}

// Partition banks one dimension of a buffer into several memories.
type Partition struct {
	Scheme Scheme
	Factor int // banks; 0 for Complete
	Dim    int // 0-based dimension
}

// Scheme is a partitioning scheme.
type Scheme uint8

// The partitioning schemes (as Vitis HLS names them).
const (
	Cyclic   Scheme = iota // element j goes to bank j mod Factor
	Block                  // consecutive runs of ceil(n/Factor) elements per bank
	Complete               // one register per element
	numSchemes
)

var schemeNames = [numSchemes]string{"cyclic", "block", "complete"}

func (s Scheme) String() string {
	if s >= numSchemes {
		return "scheme?"
	}
	return schemeNames[s]
}

// NewBuffer appends b to k's buffers and returns its ID.
func (k *Kernel) NewBuffer(b *Buffer) BufID {
	k.Buffers = append(k.Buffers, b)
	return BufID(len(k.Buffers) - 1)
}

// NewVar appends a loop variable and returns its ID.
func (k *Kernel) NewVar(name string) VarID {
	k.Vars = append(k.Vars, Var{Name: name})
	return VarID(len(k.Vars) - 1)
}

// Buffer returns the buffer named name.
func (k *Kernel) Buffer(name string) (BufID, bool) {
	for i, b := range k.Buffers {
		if b.Name == name {
			return BufID(i), true
		}
	}
	return -1, false
}

// Rank is the number of dimensions.
func (b *Buffer) Rank() int { return len(b.Shape) }
