// Package lower turns graph IR nodes into loop IR kernels: one kernel per
// node, an affine loop nest over flat row-major buffers.
//
// A kernel's parameters are the node's non-constant inputs, in order, then
// its outputs (role in and out, the tensors' shapes). Constant inputs that
// the loops read become const buffers holding the tensor's values; rank-0
// temporaries hold accumulators. Broadcasting is affine: a broadcast axis
// is indexed with coefficient 0. Padded convolution taps sit under an If
// whose affine condition the verifier uses to prove the loads in bounds.
// Sigmoid and Tanh are built from exp (Bambu's tanhf costs over ten times
// its expf): sigmoid(x) = 1/(1+exp(-x)), tanh(x) = 1 - 2/(exp(2x)+1).
//
// Reshape, Flatten, Squeeze and Unsqueeze lower to copy kernels over the
// finest shape both tensors are groupings of (affine on both sides); a
// Reshape whose shapes have no such common refinement reads its input at
// divisions and remainders of the output position. Only float32 tensors
// with no empty dimension are lowered for now.
// An operator with no lowering gives *UnsupportedError; Graph reports every
// such node at once.
package lower
