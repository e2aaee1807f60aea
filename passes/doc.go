// Package passes holds kiln's compiler passes and the pass manager.
//
// A pass is a value (GraphPass{Name, Doc, Run}); a pipeline is an ordered
// literal table, and passOrder states which pass must precede which (a
// test checks the pipelines against it). The Context carries options and
// the CLI's hooks (--dump-after, --verify-each, --pass-timing), never pass
// state.
//
// CleanupPipeline makes exported models clean: fold-constants evaluates
// everything known at compile time (PyTorch's Shape→Gather→…→ConstantOfShape
// chains once the batch is fixed), remove-no-ops drops Identity and
// inference Dropout, eliminate-dead removes what no output needs.
package passes
