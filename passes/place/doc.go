// Package place is the place-memory pass: it gives every buffer of a
// loop.Program a memory space (loop.Space: reg, ram, rom, offchip) from a
// policy and the user's overrides, within a device's on-chip capacity,
// and reports the footprint per space and why each buffer is where it is.
//
// Apply(p, Options) returns a copy of p (p is untouched) and a Report;
// Memo.Place returns the same program for programs that share kernels
// (a sweep's designs) at a fraction of the cost, each kernel analysed
// once and each placed kernel built once. Options carry:
//
//   - Capacity: what the device has on chip — 36 Kb block RAMs (RAMB36),
//     288 Kb UltraRAMs, ports per block, register bits; or, for an ASIC,
//     SRAMBits (memory counted in bits). The caller maps a targets.Device
//     to it.
//   - Policy: Auto (default), OnChip (everything but the model's inputs
//     and outputs on chip, or an error) or OffChipWeights (constants over
//     Options.WeightBits off chip, the rest as Auto).
//   - Overrides, parsed by ParseOverrides from KERNEL.BUFFER=SPACE (a
//     kernel's buffer; KERNEL is the loop-IR name or an ONNX node the
//     kernel computes) and BUFFER=SPACE (a buffer of the top), SPACE one
//     of reg, ram, rom, offchip, bram, uram.
//
// Reuse. What stays on chip is chosen by reuse: the loads and stores of a
// buffer in one inference, counted from the loop nests (each access times
// the iterations that run it; triangular and CSR loops exactly, their
// bounds evaluated from the loop variables and constants' data; both
// branches of an If), divided by its elements. A dense layer's weight,
// read once per inference, has reuse 1 and is the first to go off chip;
// an LSTM's recurrent weights, read at every time step, have 60. A top
// buffer's accesses are those of the kernel parameters it is passed as.
//
// Index arrays. A constant read in an index or a loop bound (a sparse
// matrix's CSR row pointers and columns) stays on chip under every
// policy, placed before the buffers that compete by reuse: Externalize
// keeps it in its kernel (loop.Verify and the emitters prove indices in
// bounds from its data), so off chip it would be counted where it is not.
// An override sending one off chip is refused ("read in an index: the
// emitters need its data to prove bounds"), and one that does not fit is
// an error, not a move off chip.
//
// Sizes. A buffer on chip takes whole blocks: n words of w bits take
// ⌈n/depth⌉ RAMB36 at the narrowest aspect ratio that holds w (AMD UG473:
// 32K×1 … 1K×36, 512×72; side by side above 72 bits), or ⌈w/72⌉·⌈n/4096⌉
// UltraRAMs (AMD UG573: 4K×72 only); each bank of a partitioned buffer
// its own blocks. Arrays of at most Options.DistRAMBits (256, Bambu's
// --distram-threshold default) take LUT RAM and no block, as sim counts
// them. Constants (rom, or ram for a constant) use block RAM only: an
// UltraRAM's contents cannot be initialised by the bitstream (UG573).
//
// Errors name the buffer, its size in bits and blocks, and the device's
// capacity: "place: kernel dense_layer_Gemm buffer dense_layer_weight
// (f32[4080,256], 33423360 bits = 1020 BRAM36 or 255 URAM) does not fit
// in rom: 25 of the device's 140 BRAM36 (5160960 bits) are left, and it
// has no URAM; needed by the onchip policy".
//
// What placement does not do: it does not weigh ports or bandwidth (the
// capacity's Ports is carried into the report for the emitters and the
// simulator), it does not copy tiles of off-chip buffers on chip (the
// loop pass loops.Copy does: its BUF_tile is a temporary this pass
// places like any other), and LUT RAM is not checked against the
// device's LUTs.
package place
