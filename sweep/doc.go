// Package sweep is the core of kiln sweep: design spaces, their lazy
// enumeration, sampling and sharding, the results stream and its
// resumption, the worker pool and the Pareto front. It evaluates nothing
// itself: an Evaluator (the caller's: plan, narrow, estimate, accuracy)
// turns a Design into the figures a results line records.
//
// A Space is read from YAML or JSON (ParseSpace): knobs precision, device,
// clock (ns), channels, batch, placement (the memory placement policy, as
// kiln sim's --placement: auto, onchip, offchip-weights or none), place
// (lists of placement overrides as --place writes them, or none), and
// per-loop knobs tile, interchange, copy, unroll and partition keyed
// KERNEL.LOOP (KERNEL.BUFFER for copy and partition) as the --tile …
// flags write them. Its designs are the product of the knobs' values,
// numbered 0 … Size()-1 in mixed radix with the knobs in a fixed order
// (precision, device, clock, channels, batch, placement, place, then tile,
// interchange, copy, unroll and partition knobs in the file's order),
// precision the most significant digit. A
// Design is its index; its values, Key, Plan and the rest are computed
// from the index, so nothing grows with the space. Check lets a caller
// that knows the model refuse values (a tile larger than its loop) with
// the same file:line errors as the parser's. Digest hashes the canonical
// space, so a results file is tied to the space that numbered it: a new
// kind of knob joins the order without changing the digest of a space
// that does not use it (Canonical lists only the knobs a space has).
//
// A Set is the designs to run: All, a Sample (without replacement, a
// seeded Feistel permutation of the indices: no list), and Shard(i, n) of
// either, contiguous slices whose union is the set.
//
// Results are JSON lines (see results.go): a header with the digest, then
// one line per design written whole with one write. Resume reads what a
// killed run left, cutting a torn last line and refusing another space's
// file; Append continues it; Merge joins shards' files without duplicates.
// Run evaluates a set on a pool of workers through bounded channels,
// skipping what Resume found. Front keeps a Pareto front incrementally;
// Progress draws a bar on a terminal and plain lines elsewhere.
package sweep
