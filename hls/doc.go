// Package hls holds kiln's emitters for PandA-Bambu: pure functions from
// loop IR (ir/loop) to the text of files; cmd/kiln writes them.
//
// EmitLLVM prints kernels as LLVM IR through github.com/llir/llvm, in the
// LLVM 14 dialect (typed pointers) that Bambu's front end reads: one void
// function per kernel; its inputs and outputs, in the kernel's parameter
// order, are flat row-major noalias pointers (float*, i32*, …; bool is an
// i8 0 or 1 in memory); constants are internal constant globals named
// <kernel>.<buffer> holding their values; temporaries are fixed-size
// allocas in the entry block, zeroed first as ir/loop/exec zeroes them.
// Loops are explicit blocks (name.header with the variable as an i32 phi,
// name.body, name.latch, name.exit) whose bounds are computed once before
// them; indices and address arithmetic are i32; If is a branch and && ||
// branch too, so that a guard protects the load it guards. Arithmetic is
// ir/loop/exec's: f32 operations round to float (no fused multiply-add),
// min and max on floats call fmin and fmax (fminf, fmaxf), other math calls
// the C library (expf for f32, exp for f64), integer / and % are sdiv,
// udiv, srem, urem, a float cast to an integer truncates into an i64 and
// wraps to the width. Bambu takes no half or bfloat: a narrow float (f16,
// bf16, the float8s, f4e2m1, f8e8m0) is a float holding a value of its
// kind, each operation computes in float (libm in double, as exec) and an
// internal helper kiln.round.<kind>(double) -> float, integer bit
// operations and one double add and subtract, rounds its result as
// dtype.RoundFloat does (ties to even, the kind's overflow, −0 and NaN
// rules). Sub-byte integers (i4, u4, i2, u2) are i8s wrapped to their width
// after each operation. Casts between every pair of kinds are exec's.
//
// EmitLLVMProgram and EmitCProgram emit a whole loop.Program: its kernels
// and the top function (forward_kernel) that calls them in order, whose
// arguments are the program's inputs then outputs, flat row-major
// pointers, with one signature in LLVM IR and in C; the tensors between
// kernels are internal zero-initialised globals (C: static arrays). The C
// comes as separate files and as one translation unit (CProgram.Unit).
//
// Off-chip weights: passes/place.Externalize turns a constant placed off
// chip into an input of its kernel and of the top that holds the data in
// its Init (a top input with data is a weight). The emitters make it a
// pointer argument like the model's inputs (no internal global; the top's
// arguments are then the model's inputs, the weights, the outputs, and
// the off-chip scratch arrays); Project writes its values into
// data/<name>.bin, and every testbench that takes it loads that file
// before the call (TBParam.File), under -DKILN_CSIM and in Bambu's
// co-simulation alike.
//
// CheckBambu enforces the subset of LLVM IR that Bambu synthesises on any
// module, emitted or hand-written: no vector types, no half or bfloat, no
// undef or poison, no recursion, no heap allocation, no alloca of a
// variable size, no call of a function the module does not define other
// than the C math library's. It reports every violation at once, each with
// its function and instruction.
//
// Where LLVM IR from EmitLLVM and ir/loop/exec still differ: an integer
// division by zero traps instead of being an error, and a float cast
// to u64 that lies in [2^63, 2^64) gives x86's integer indefinite. A loop's
// unroll directive becomes llvm.loop metadata (llvm.loop.unroll.count or
// .full) on its latch. A buffer's Partition field is a note the C emitter
// prints as a comment and LLVM ignores (Bambu takes no partition pragma):
// banking is done in the IR by passes/loops.Partition, whose banks are
// separate buffers and so separate arrays here.
package hls
