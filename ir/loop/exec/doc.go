// Package exec runs loop IR kernels bit-accurately: what the hardware that
// the HLS emitters describe computes, element for element.
//
// Compile turns a kernel into closures once; Program.Run binds arguments to
// the kernel's parameters in order and runs it (Run does both). Inputs are
// read, outputs written in place, constants come from their Init (or an
// argument that replaces it), temporaries start at zero. A Program keeps
// its temporaries and loop variables between runs and allocates nothing
// per element, so one Program serves many runs, one at a time.
//
// Arithmetic is that of the buffers' kinds:
//   - f32 rounds every operation to float32: an accumulator sums in
//     float32 in loop order, not in float64;
//   - f64 computes in float64;
//   - narrower floats (f16, bf16, the float8s) compute in float32 and round
//     to the kind after each operation (dtype.RoundFloat, ties to even, no
//     saturation: overflow gives infinity, or NaN for kinds without);
//   - integers wrap to their width (two's complement); / and % truncate
//     toward zero as in C, and dividing by zero is an error
//     (ErrDivideByZero);
//   - min and max on floats are C's fmin and fmax (a NaN operand gives the
//     other one); comparisons are IEEE's, unsigned ones unsigned;
//   - libm functions (exp, tanh, pow, erf, …) are computed in float64 by
//     package math and rounded to the argument's kind;
//   - Cast rounds floats to nearest even once from the exact value,
//     truncates floats toward zero into integers and wraps them to the
//     width (NaN, infinities and values beyond 64 bits give the most
//     negative int64, wrapped), wraps integers, and gives != 0 for bool;
//   - fixed point (dtype.FixedKind) holds int64 raws: + − × and Neg/Abs
//     are exact in their wider result types (ir/loop's rules), min, max,
//     comparisons and select compare raws, and only a Cast rounds or
//     overflows, bit for bit as dtype.Convert and dtype.FromFloat do (fast
//     paths precomputed per type pair, checked against them); Stats counts
//     the casts into fixed kinds of the last run and those that
//     overflowed;
//   - Select evaluates both arms, as a multiplexer does; && and || skip
//     their right operand as C's do, so a guard may protect a load.
//
// Unroll and other directives do not change results. Loop bounds and
// indices are an affine form over the loop variables plus an optional
// data-dependent part. Every access is checked as it runs: the verifier
// proves affine indices in bounds, but a kernel need not have been verified
// and gathered indices can be wrong, so an access outside its buffer stops
// the run with an *IndexError instead of a panic. Compile rejects what it
// cannot execute (mixed operand kinds, unknown buffers, variables or
// functions, constants without data) with errors.
package exec
