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
// Declarations are "role name: kind[shape] space partition(…) = data". A
// constant of up to InlineLimit elements prints its values ({0.5, 1.0});
// a larger one prints data(count, hash) and Parse takes its values from
// the caller. Literals are f32 when they have a point or exponent and i64
// (the kind of loop variables) when not; others carry a suffix (0.5:f16,
// 3:i8). Affine terms print outermost loop first, the constant last.
// Comments run from // to the end of the line.
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
