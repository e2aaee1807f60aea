// Package graph is kiln's graph IR: a dataflow graph of ONNX-style
// operators over tensors whose shapes are all known.
//
// A Graph holds Tensors and Nodes indexed by dense IDs (TensorID, NodeID),
// so side tables are slices. A Tensor is a graph input, a constant (Init) or
// the output of one node (Producer). A Node applies an Op — one row of the
// op table, named as in ONNX, with one meaning: the newest ONNX one — to
// input tensors, with typed Attrs (ConvAttrs, RNNAttrs, …; never a map).
//
// Shape inference (Infer, one InferFunc per op) gives every output's kind
// and shape from the inputs' kinds, shapes and, for constants, values.
// Verify checks the invariants and re-runs inference; String prints the
// deterministic text form. The reference semantics live next door, in
// ir/graph/eval.
package graph
