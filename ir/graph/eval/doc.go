// Package eval is the reference evaluation of the graph IR: ONNX's
// semantics for every operator kiln reads, float and integer.
//
// Kernels are listed per operator family (elem, move, nn, rnn, quant) in
// tables like the op table. Node evaluates one node: it infers the output
// shapes with graph.Infer, enforces the tensor size limit, runs the kernel
// and checks the kernel's result against the inference. Run evaluates a
// whole graph; Propagate runs shape inference over a graph and computes
// every value known at compile time, which constant folding uses.
//
// Floats narrower than f32 are computed in float32 and rounded to their
// kind; integers wrap to their width; ONNX's tolerance against ONNX's own
// test outputs is checked by package conform.
package eval
