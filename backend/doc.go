// Package backend runs a model's graph through lowering: the back ends of
// `kiln eval --backend` and `kiln conform --backend`.
//
// A back end takes a cleaned graph (the clean-up passes have run, so shapes
// are static and shape-only operators are constants), lowers it to a
// loop.Program with lower.Program and runs that program:
//
//   - loop: ir/loop/exec interprets it (exec.RunProgram).
//   - llvm: hls.EmitLLVMProgram emits one LLVM module; clang-16 (or
//     clang-14) builds it with a generic C driver.
//   - c: hls.EmitCProgram emits one C99 translation unit; gcc builds it
//     with the same driver (-std=c99 -O1 -ffp-contract=off, as hls says
//     the C must be built to compute what exec computes).
//
// The driver (driver/driver.c, embedded) holds nothing of the model: for
// each parameter of the top function forward_kernel, inputs then outputs,
// its command line gives a file name and a size in bytes; it reads the
// inputs, calls the top, writes the outputs. A small generated header
// gives only the top's name and parameter count. Files hold raw
// little-endian elements of the emitted element type: float for f32 and
// every narrower float kind (the value, exactly), double, integers of
// their width (sub-byte integers one byte), bool one byte 0 or 1.
//
// Each run builds in a new temporary folder that it removes; nothing is
// cached between runs. A missing compiler is an error that names it
// (ErrToolMissing); a failed build or run shows the tool's stderr; a node
// that has no lowering is an *UnsupportedError naming it.
package backend
