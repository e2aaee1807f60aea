// Package gpu estimates what a model costs on a GPU, as a framework
// (PyTorch with cuBLAS and cuDNN) runs it: the baselines kiln's FPGA and
// ASIC estimates are compared with.
//
// For each node of a graph (after passes.CompilePipeline) the model plans
// the kernels a framework launches:
//   - Gemm, MatMul and Conv (as cuDNN's implicit GEMM) are one GEMM each;
//   - LSTM, GRU and RNN run one GEMM of the inputs of every step, then the
//     recurrence: for small batches whose recurrent weights fit in the
//     register files (not in fp64) as cuDNN's persistent algorithm, one
//     kernel whose steps cost a latency chain (three trips through the L2
//     for the grid-wide exchange of the state, and the dependent
//     instructions of the dot products and gates); otherwise as cuDNN's
//     standard algorithm, per step a GEMM of the hidden state and an
//     element-wise kernel for the gates and the cell;
//   - element-wise operators, normalisations and reductions stream their
//     operands once; Transpose, Concat, Gather and the like copy; Reshape,
//     Squeeze, Slice, a Gather of one index and a Transpose that only moves
//     axes of length 1 are views and cost nothing; a GEMM too small to give
//     every SM a block takes smaller tiles;
//   - a convolution's bias is added after cuDNN's convolution by a kernel
//     of its own (PyTorch's _convolution), a Linear's inside its GEMM;
//   - under amp (autocast), GEMM and convolution operands are cast to
//     fp16, and the operands of the ops on autocast's fp32 list
//     (layer_norm, softmax, exp, log, pow, sum, …) back to fp32, each
//     cast a kernel; other ops run in the widest type of their inputs; in
//     half precision, cuDNN transposes a convolution's NCHW input and
//     filter to NHWC for its tensor-core kernels and the output back.
//
// fp32 means what cuDNN's FMA kernels do: PyTorch's default
// (torch.backends.cudnn.allow_tf32 = True) lets cuDNN run FP32
// convolutions on the TF32 tensor cores, but the study's FP32 STGCN fits
// FMA-rate convolutions, and TF32 ones only with about 38 µs per window
// of work outside the graph (TestSTGCNAMPGap); tf32 is its own precision.
//
// A kernel costs the GPU's launch overhead plus the larger of its compute
// time (FLOPs over the peak for the precision times an efficiency that
// falls when a GEMM's dimensions do not fill its thread-block tiles or its
// last wave of blocks) and its memory time (bytes over the bandwidth). The
// batch's inputs and outputs cross the host link and the framework's
// staging. Energy counts the board at TDP while kernels run and at a
// fraction of it while it waits.
//
// The global parameters (Params) are few and each has a meaning; two are
// calibrated on the study's DGX A100 measurements (see TestCalibration,
// which prints the table, including the rows the model misses and why).
//
// Measured numbers come in through Baseline files (baseline.go), written
// by measure.py on a machine with a GPU, and imported by kiln baseline
// import. stgcn_amp_check.sh runs the measurements and kernel profiles
// that would tell apart the two readings of the study's STGCN rows
// (TestSTGCNAMPGap); no GPU has run it yet.
package gpu
