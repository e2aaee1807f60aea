// Package loops holds the loop transformations of the loop IR, one pass
// per file: Tile, Interchange and Unroll. Each takes one *loop.Kernel and
// returns a new kernel (the input is left untouched) that loop.Verify
// accepts and that computes the same bits: every transform keeps the order
// in which the iterations of a loop update any one element, so even
// floating-point reductions are unchanged. Interchange refuses (with an
// error wrapping ErrCarried) a swap it cannot show keeps that order.
//
// Loops are named by their variable; when several loops share a name (two
// sibling loops over i) the first in program order is meant. Tiling names
// the new loops i.outer and i.inner (the C emitter spells them i_outer and
// i_inner). ParseSpecs reads choices written KERNEL.LOOP=VALUE, and
// OnKernel applies a pass to one kernel of a program.
package loops
