// Package loop is kiln's loop IR: affine loop nests over buffers, the form
// between the graph IR and the HLS emitters.
//
// A Kernel is one hardware function. Its Buffers are arrays (rank 0 for
// scalars such as accumulators) with an element kind from ir/dtype, a
// memory Space (unplaced, reg, ram, rom, offchip), a Role (in, out, const,
// temp) and partitioning directives; Params lists the buffers that are the
// function's arguments, in order; a constant's values are its Init. Buffers
// and loop variables are referred to by dense IDs (BufID, VarID), so
// interpreters and passes keep side tables in slices.
//
// Statements (Stmt) are For, Store and If; expressions (Expr) are Load,
// Const, VarRef, Bin, Un, Cast, Select and Call. Both are closed sum types:
// a type switch over the pointer types covers them all. A For runs its body
// for Var = Lo, Lo+Step, … < Hi and carries its HLS directives (unroll) as
// data; tiling names loops i.outer and i.inner. Loop bounds and buffer
// indices are Index values: an Affine form (constant + Σ coeff·var over the
// enclosing loops' variables) plus, for gathers and CSR loops, an optional
// data-dependent integer expression. There are no implicit conversions:
// operands of Bin and the value of a Store have one kind, and Cast converts.
//
// The text form (.kir) is what Kernel.String prints and Parse reads;
// printing what Parse returns gives the same text back:
//
//	kernel gemm(in x: f32[1,64], const w: f32[64,4080] rom = data(261120, 0xfd3b76a733dea0bc), out y: f32[1,4080]) {
//	  temp acc: f32 reg
//	  for i in 0..4080 {
//	    acc = 0.0
//	    for k in 0..64 unroll(4) {
//	      acc = acc + x[0, k] * w[k, i]
//	    }
//	    y[0, i] = acc
//	  }
//	}
//
// Declarations are "role name: kind[shape] space partition(…) = data"
// ("ram uram": on-chip RAM in UltraRAM blocks, Buffer.UltraRAM). A
// constant of up to InlineLimit elements prints its values ({0.5, 1.0});
// a larger one prints data(count, hash) and Parse takes its values from
// the caller. Literals are f32 when they have a point or exponent and i64
// (the kind of loop variables) when not; others carry a suffix (0.5:f16,
// 3:i8). Affine terms print outermost loop first, the constant last.
// Comments run from // to the end of the line.
//
// Fixed point. A buffer, constant or cast may have a fixed kind
// (dtype.FixedKind: fixed<W,I> and ufixed<W,I> with their rounding and
// overflow modes), W ≤ 64, but ufixed only to W ≤ 63 so that every raw fits
// a signed int64. Values are held as raws (the value of raw r is r·2^−F, F
// = W−I). The rules:
//
//   - Const{Kind: F, Int: raw}, raw within F's range. Its text is the
//     exact decimal value with the kind: 0.40625:fixed<8,3>, -3:fixed<8,3>.
//     Every fixed value has a finite decimal expansion (at most F fraction
//     digits), so the text is exact for any W; Parse never rounds it and
//     rejects a number that is not a multiple of 2^−F or is out of range.
//     Inline data of a fixed constant buffer is written the same way:
//     const w: fixed<8,3>[2] = {0.5, -1.25}.
//   - Add, Sub, Mul take two fixed operands of any fixed kinds and give
//     the exact type dtype.AddType/SubType/MulType (ap_fixed's rules): they
//     never round or overflow. Verify rejects a result wider than 64 bits
//     (63 unsigned); cast an operand to a narrower type first.
//   - Min, Max, Select and the comparisons take two operands of the same
//     fixed kind. Div, Rem, &&, || and every Call are not defined on fixed
//     point; of the unary operators only Neg and Abs are, and they give
//     SubType(t, t), one bit wider and signed (exact).
//   - Cast is the only conversion, and the only place that rounds and
//     overflows, in the target's modes: fixed → fixed as dtype.Convert;
//     float → fixed as dtype.FromFloat (NaN gives 0, ±Inf 0 under wrap and
//     the extreme under sat); an integer or bool n → fixed as the exact
//     integer n converted; fixed → float rounds the exact value (as
//     dtype.ToFloat then a cast from f64); fixed → integer takes the floor
//     and wraps it as an i64 → integer cast does; fixed → bool is raw ≠ 0.
//
// Verify checks a kernel and reports every problem at once: unknown
// buffers and variables, variables used outside their loop or bound twice,
// index counts against ranks, kinds, steps, constants' data, and that every
// index stays within its dimension. Index bounds are proved over the loop
// ranges by eliminating the innermost variable first (exact for
// rectangular and triangular nests), using the affine comparisons of an
// enclosing If as facts (padding), and bounding data-dependent indices by
// interval arithmetic over constants' values, kinds' ranges, min and max.
package loop
