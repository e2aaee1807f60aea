// Package narrow is the narrow-precision pass over loop programs: Apply
// rewrites a lowered program (lower.Program) so that each kernel computes
// in the precisions a passes.PrecisionSpec gives its layer — fp16, bf16,
// fp8, amp, int8, int16 or fixed<W,I> — and reports what it chose.
//
// Kinds. fp32, fp16, bf16, fp8e4m3 and fp8e5m2 are f32, f16, bf16,
// f8e4m3fn and f8e5m2; amp is f16 weights and activations with an f32
// accumulator; fixed<W,I…> is that fixed kind. int8 and int16 are
// symmetric, per-tensor, power-of-two scaled fixed types,
// fixed<8,I,rne,sat> and fixed<16,I,rne,sat>, with the smallest I ≥ 0 that
// holds the tensor's largest magnitude (a constant's values, an
// activation's calibrated MaxAbs), as Vitis AI and hls4ml quantise; their
// accumulator is a 32-bit integer of raw products, fixed<32, 32 − F> with
// F the most fraction bits of a product in the kernel (int16: 48 bits, a
// DSP48's accumulator, since F reaches 32). A kernel's own temporaries
// have no graph tensor and so no range: they take the type of the largest
// range among the kernel's arguments, and a table its own scale. Data
// beyond int8's (int16's) reach with a scale of at most 1 — |x| ≥ 128 —
// is an error, not silently saturated.
//
// int8:asym and int16:asym quantise as ONNX QuantizeLinear, TFLite and
// PyTorch do, per tensor: a tensor with values in [min, max] (calibrated;
// a constant's actual values), extended to hold 0, has the scale s =
// (max − min)/(2^w − 1), represented as ŝ with 16 significant bits (1 when
// min = max = 0), and the zero point z = clamp(round(qmin − min/ŝ), qmin,
// qmax), rounding half to even (the clamp acts when ŝ rounded down). Its
// buffer holds q in fixed<w,w,rne,sat>, an integer. A read dequantises
// exactly: (q − z)·ŝ, q − z in fixed<w+1,w+1>, the product in its exact
// type, then cast to the type with ŝ's fraction bits and the integer bits
// that (qmin − z)·ŝ and (qmax − z)·ŝ need (lossless). A write quantises in
// one fixed-point expression, cast<fixed<w,w,rne,sat>>(v·(1/ŝ) + z), 1/ŝ
// with 24 significant bits: quantising a dequantised q gives q back even
// for int16 (with 16 bits, q far from z moved by one). A float value
// (a model input, an f32 fallback) converts first to the dequantised type
// with one integer bit more; a value too wide for the product to fit 64
// bits drops fraction bits.
// Constants are quantised offline, q = sat(round(v/ŝ) + z) in float64. A
// model input or output of such a tensor stays f32 and rounds through q
// (quantise, dequantise). The layer accumulates in fixed<63, 63 − F>, F
// the sum of its operands' fraction bits, at most 47 (at least 16 integer
// bits; one bit of 64 left for the exact sum acc + product). A kernel's
// own temporaries have no range and take the symmetric type as above (and
// only when it cannot hold the arguments' range, q of their union); tables
// keep int8's and int16's own symmetric scale.
//
// int8:channel, int16:channel and int8:asym:channel (int16:asym:channel)
// give each output channel of a weight (a constant) its own scale;
// activations keep one per tensor. A constant's channel axis is found in
// its kernel: the axis whose index, at every load, is one loop variable
// (c·v + d: an LSTM's bias[0, g + 16]) bound outside the reduction loops
// of the store the load feeds — Gemm's w[j, k] and Conv's w[m, c, k]
// axis 0, MatMul's b[k, j] axis 1, an LSTM's w[0, g, i] axis 1, a bias
// b[j] axis 0. The reduction loops of an accumulating store are those
// around it but not around the store that initialises its buffer (acc =
// 0, acc = b[m]); with none, those its index does not use. With several
// such axes the first is taken. A constant with none (read as w[i, k] and
// w[k, i], through a data-dependent index, only by reduction variables),
// with one channel, or whose channels cannot be quantised, is quantised
// per tensor and the report says why. Its buffer holds q in
// fixed<w,w,rne,sat>, and a load of q at channel c (the load's index at
// the axis) reads, exactly, q·scale[c] (symmetric) or (q −
// zero[c])·scale[c] (asymmetric), scale and zero small constant tables
// named <constant>_scale and <constant>_zero, indexed by that same index
// expression; the product, in its exact type, is cast to a type holding
// every channel's values exactly (lossless) and the rest is as per
// tensor. Symmetric: channel c's scale is 2^−F_c with the most fraction
// bits F_c at which its max-abs rounds within ±(2^(w−1) − 1) — quantType's
// for F_c ≤ w, but F_c may exceed w (a channel of values below ½ keeps
// all w bits, which one fixed<w,I> per tensor, I ≥ 0, cannot), up to 2w;
// a channel of zeros takes the largest scale of the others. The table's
// type is ufixed<Fmax + I, I> (I = 1 when some F_c is 0, else 0), the
// dequantised type fixed<I_d + Fmax, I_d>, I_d = max(w − Fmin, 0). The
// int32 (int16: 48-bit) accumulator then has the integer bits of the
// channel with the coarsest scale (w − Fmin − F_act) and the fraction
// bits of the finest (Fmax + F_act): what an accumulator per channel would
// hold, aligned; but at most 64 − w bits, fraction bits dropped beyond,
// so that a product of it and an activation (an LSTM's f·c) stays exact
// in 64 bits: int16 layers keep the DSP48's 48 bits. Asymmetric:
// each channel has asymParams' ŝ_c and z_c over its own range; the scale
// table's type has the most integer and fraction bits of the ŝ_c, the
// zero table is fixed<w,w,rne,sat>, and the accumulator is as per tensor.
// The report prints each constant as "int8 per channel over axis 0, 256
// scales 2^-8…2^-11" (asymmetric: the scales' and zero points' ranges).
//
// Buffers. Only f32 buffers change. Constants take the weights kind,
// temporaries that accumulate (a store whose value loads the same buffer)
// the accumulator kind, the other temporaries and the tensors passed
// between kernels the activation kind of the kernel that writes them. The
// model's inputs and outputs stay f32: a load of an input converts to the
// activation kind of its tensor, a store to an output rounds through it.
//
// Expressions are retyped bottom-up. Two float kinds compute in the
// narrowest that holds both (f16 with bf16: f32); a literal takes its
// partner's kind; a store converts to its buffer's kind. In fixed point,
// Add, Sub and Mul take their exact result types (ap_fixed's rules); when
// that is wider than 64 bits the wider operand is converted to the
// accumulator type first (the pass does not narrow sooner: rounding
// happens at stores, as in hand-written HLS). Min, Max, comparisons and
// Select convert both sides to a type holding both. A literal is the
// smallest exact fixed type when it has at most 16 fraction bits and 32
// bits (0, 1, 0.5, −0.125), else the weights type widened to hold it;
// x / literal is x · (1/literal). A conversion of a fixed value to an
// integer goes through f32 (f64 above 24 bits) so that it truncates toward
// zero as the float did. Integer arithmetic is left alone.
//
// Non-linear operations (division, remainder, sqrt, exp, log, tanh, …,
// calls) have no fixed-point form. The largest float subtree around one
// that is a function of a single input L (equal occurrences count once;
// L has no non-linear operation, e.g. hg[j] + xg[j] in a sigmoid, c[j] in
// a tanh) becomes a read of a lookup table over [LUTLo, LUTHi) with
// Options.LUTSize buckets of width step (a power of two), filled from the
// original f32 subtree in float64, entries rounded to nearest (saturating)
// in the table's kind (the activation kind; for int8 and int16 its own
// scale); equal tables are shared. By default a table holds the N + 1
// values at the edges lo + i·step and the read interpolates linearly, all
// in exact fixed-point operations: u = (L − lo)/step (L cast, truncating
// and saturating, to a signed type holding [lo, hi) with the fraction
// bits it has; 1/step is an exact literal); i = clamp(⌊u⌋, 0, N − 1);
// t = u − i cast to ufixed<F+1, 1, trn, sat> (F: u's fraction bits, at
// most 32) and clamped to 1; T[i] + (T[i+1] − T[i])·t exact, then one
// cast to the table's kind. Below lo the read gives T[0], beyond hi
// T[N]. When L has no fraction bits below the step (int8's 5 bits with a
// step of 1/64), or the exact types would exceed 64 bits, or with
// Options.LUTNearest, the table holds the N midpoints lo + (i + ½)·step
// and the read is T[clamp(⌊(L − lo)/step⌋, 0, N − 1)].
//
// A table is made only when it can be right: every entry is finite (no
// NaN from sqrt or log of a negative, no pole at an edge); entries beyond
// the table's kind saturate only in a run at an end of the table (exp(x)
// beyond fixed<16,6>'s 32: the table gives the saturated value a
// saturating type would), never between entries within it (a peak); and
// no two adjacent entries differ by more than 1/8 of the range of the
// entries (a pole or singularity the step cannot follow, such as
// LayerNorm's 1/sqrt(var + ε) at var = 0 when the variance is far below
// one step). Otherwise the subtree falls back to f32 and the report says
// why the table was refused.
//
// A float fallback: a non-linear operation on fixed values (x / sum in
// Softmax, a refused table's sqrt) converts its operands to f32 and
// computes there. Its result has no known range, so the operations that
// take it in the same expression compute in f32 too (the fixed operand
// converts to f32), and a temporary that stores it stays f32 (the kernel
// is rewritten with it f32; LayerNorm's inv, 22 for a variance of 0.002,
// would saturate int16's temporaries); a store to any other buffer rounds
// it to the buffer's kind. The report counts every operation computed in
// f32 this way.
//
// Apply returns a new program and leaves its input alone; its output
// verifies, and the same input always gives the same text.
package narrow
