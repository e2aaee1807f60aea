// Package loops holds the loop transformations of the loop IR, one pass
// per file: Tile, Interchange, Unroll and Partition. Each takes one
// *loop.Kernel and returns a new kernel (the input is left untouched) that loop.Verify
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
//
// Plan, ParseSteps and ReadPlanFile read a user's choices (flags, or a
// YAML/JSON file) and Plan.Apply runs them on a program; a tile with
// several sizes tiles a band of perfectly nested loops and moves the tile
// loops outside the point loops with Interchange.
package loops
