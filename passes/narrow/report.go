package narrow

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Report says what Apply chose, kernel by kernel.
type Report struct {
	Spec    string // the spec applied, in its text form
	Kernels []KernelReport
}

// KernelReport is one kernel's precisions and what its non-linear
// operations became.
type KernelReport struct {
	Kernel            string
	Nodes             []string // the graph nodes it computes (none for a copy)
	Weights, Act, Acc string   // the precisions resolved for its layer (a quantised layer's Acc: the accumulator's kind)
	Buffers           []BufferKind
	LUTs              int      // lookup tables made
	LUTUses           int      // subexpressions replaced by a table read
	Fallbacks         []string // operations computed in f32 instead (by name: "/", "sqrt", "pow" …)
	Refused           []string // why tables were refused (their operations are among the fallbacks)
}

// BufferKind is a buffer whose kind changed, and its new kind.
type BufferKind struct {
	Name string
	Role loop.Role
	Kind dtype.Kind
	// Quant is an int8:asym or int16:asym buffer's quantisation, "scale S
	// zero Z" (its value is (q − Z)·S); a :channel constant's, "int8 per
	// channel over axis A, N scales 2^-F1…2^-F2" (asymmetric: "int8:asym
	// per channel over axis A, N scales S1…S2, zeros Z1…Z2"), or why it
	// has one scale for the tensor; "" for the others.
	Quant string
}

// LUTs is the number of lookup tables made over all kernels.
func (r *Report) LUTs() int {
	n := 0
	for _, k := range r.Kernels {
		n += k.LUTs
	}
	return n
}

// Fallbacks is the number of operations computed in f32 over all kernels.
func (r *Report) Fallbacks() int {
	n := 0
	for _, k := range r.Kernels {
		n += len(k.Fallbacks)
	}
	return n
}

// String is the report as kiln prints it: a line per kernel with its
// layer, precisions, tables and fallbacks, then each changed buffer.
func (r *Report) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "narrow-precision %s: %d kernels, %d lookup tables, %d float fallbacks\n",
		r.Spec, len(r.Kernels), r.LUTs(), r.Fallbacks())
	for _, k := range r.Kernels {
		layer := "(copy)"
		if len(k.Nodes) > 0 {
			layer = strings.Join(k.Nodes, "+")
		}
		fmt.Fprintf(&sb, "  %s [%s]: weights %s, act %s, acc %s", k.Kernel, layer, k.Weights, k.Act, k.Acc)
		if k.LUTs > 0 {
			fmt.Fprintf(&sb, "; %d tables for %d non-linear subexpressions", k.LUTs, k.LUTUses)
		}
		if len(k.Refused) > 0 {
			fmt.Fprintf(&sb, "; %d tables refused (%s)", len(k.Refused), k.Refused[0])
		}
		if len(k.Fallbacks) > 0 {
			fmt.Fprintf(&sb, "; f32 fallback for %s", strings.Join(k.Fallbacks, ", "))
		}
		sb.WriteByte('\n')
		for _, b := range k.Buffers {
			fmt.Fprintf(&sb, "    %s %s: %v", b.Role, b.Name, b.Kind)
			if b.Quant != "" {
				fmt.Fprintf(&sb, " (%s)", b.Quant)
			}
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}
