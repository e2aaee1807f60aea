package gpu

import (
	"fmt"
	"strings"
)

// Params are the model's global parameters: the same for every model and
// every GPU. None is fitted per model; HostGBs and EffMax are calibrated
// on the study's measurements (see their comments and TestGlobalFit);
// L2US and DepOpUS, which only persistent recurrent kernels use, are set
// from published latencies and assumptions, not from a study row.
type Params struct {
	// EffMax is the fraction of a GPU's peak that a GEMM or convolution
	// reaches when its tiles are full. Calibrated: the least-squares
	// value over the study's batch-2048 rows (TestGlobalFit), set by the
	// one compute-bound row, STGCN FP32, so that row is a fit, not a
	// prediction. 0.5 is below what cuBLAS reaches on large square GEMMs
	// (80-95%, NVIDIA's published cuBLAS figures; not checked here) and
	// stands for cuDNN's implicit-GEMM convolutions of STGCN's shapes at
	// the fp32 FMA rate. PyTorch lets cuDNN run FP32 convolutions on the
	// TF32 tensor cores by default (torch.backends.cudnn.allow_tf32 =
	// True, PyTorch docs, "CUDA semantics", TensorFloat-32). With TF32
	// convolutions the model puts this row at 62 µs (-38%,
	// TestSTGCNAMPGap); refitting EffMax to it then gives 0.15, which
	// leaves STGCN AMP at -46% and pushes the batch-1 LSTM to +37%
	// (tried in this session, not kept). The fit assumes FMA kernels.
	EffMax float64
	// TileMin and TileMax bound the output tile (per side) of one thread
	// block of a GEMM, TileK is its reduction step: CUTLASS's default
	// threadblock shape is 128×128×32 and its smallest tensor-core tiles
	// are 16 wide (CUTLASS docs, "Efficient GEMM in CUDA"; assumption
	// that cuBLAS/cuDNN choose alike). A dimension that does not fill
	// its tiles, and a last wave of blocks that does not fill the SMs,
	// waste the rest: that is how efficiency falls for small problems.
	TileMin, TileMax, TileK int
	// MemEff is the fraction of peak memory bandwidth a streaming kernel
	// reaches. Assumption: STREAM-like kernels reach 80-90% of HBM peak
	// on data-center GPUs; 0.85 is the middle.
	MemEff float64
	// HostGBs is the rate, in GB/s, at which the framework moves a
	// batch's inputs and outputs between its host arrays and the
	// device's memory, on top of the link itself: pageable numpy arrays
	// become tensors, are staged through pinned buffers and come back.
	// Calibrated (derived): the study's LSTM takes 51.4 µs per window in
	// FP64 and 26.7 in FP32 on a DGX A100; FP64 moves 48,960 bytes more
	// per window (input 60×136 and output 30×136 values, 4 bytes more
	// each) and computes almost nothing more, so 48,960 B / ~24 µs ≈ 2
	// GB/s. 1.8 is the least-squares value (with EffMax) over the
	// study's batch-2048 numbers the model does not list as misses
	// (TestGlobalFit prints the fit).
	HostGBs float64
	// IdleFrac is the board power, as a fraction of TDP, while the GPU
	// waits for the host (launches, transfers). Assumption: an idle A100
	// SXM4 draws about 50-60 W of its 400 W (nvidia-smi readings; no data
	// sheet gives it), so 0.15.
	IdleFrac float64
	// L2US is the latency, in µs, of one load or atomic that misses an
	// SM's L1 and is served by the L2: how long a value written by one SM
	// takes to reach another. Derived: 193 cycles on a V100 (Jia et al.,
	// "Dissecting the NVIDIA Volta GPU Architecture via
	// Microbenchmarking", 2018, L2 hit latency) at the A100's 1410 MHz
	// boost clock (A100 data sheet) is 0.137 µs; assumption: the same
	// cycles on Ampere and Hopper, the same time on every GPU here.
	L2US float64
	// DepOpUS is the latency, in µs, of one dependent warp instruction in
	// a persistent recurrent kernel's chain: a warp shuffle of the
	// dot-product reduction or a special-function op (exp, reciprocal) of
	// the gates. Assumption: about 20 cycles (FMAs take 4, Jia et al.
	// 2018; shuffles and MUFU ops several times that) at 1410 MHz.
	//
	// No study row sets L2US or DepOpUS: the batch-1 LSTM row (35 µs) is
	// their one test, and it is sensitive to them: 42.6 µs (+22%) as set;
	// 10 to 30 cycles per op and 2 or 3 L2 trips per step give 28 to 49
	// µs (-19% to +40%).
	DepOpUS float64
}

// DefaultParams are the parameters kiln uses.
func DefaultParams() Params {
	return Params{EffMax: 0.5, TileMin: 16, TileMax: 128, TileK: 32, MemEff: 0.85, HostGBs: 1.8, IdleFrac: 0.15,
		L2US: 0.137, DepOpUS: 0.014}
}

func (p Params) check() error {
	if p.EffMax <= 0 || p.EffMax > 1 || p.MemEff <= 0 || p.MemEff > 1 || p.IdleFrac < 0 || p.IdleFrac > 1 {
		return fmt.Errorf("gpu: params: EffMax, MemEff and IdleFrac must be fractions (got %g, %g, %g)", p.EffMax, p.MemEff, p.IdleFrac)
	}
	if p.TileMin <= 0 || p.TileMax < p.TileMin || p.TileK <= 0 || p.HostGBs <= 0 || p.L2US <= 0 || p.DepOpUS <= 0 {
		return fmt.Errorf("gpu: params: tiles, HostGBs, L2US and DepOpUS must be positive")
	}
	return nil
}

// tile is the side of the tile covering a dimension of x.
func (p Params) tile(x int) int {
	t := p.TileMin
	for t < x && t < p.TileMax {
		t *= 2
	}
	return min(t, p.TileMax)
}

// Precision is how a framework runs the model on the GPU.
type Precision string

// The precisions: whole-model types, tf32 (fp32 storage, tensor-core
// products), and amp (PyTorch autocast: GEMMs, convolutions and recurrent
// layers in fp16, normalisations and reductions in fp32, element-wise ops
// in the wider of their inputs, with casts between).
const (
	FP64 Precision = "fp64"
	FP32 Precision = "fp32"
	TF32 Precision = "tf32"
	FP16 Precision = "fp16"
	BF16 Precision = "bf16"
	AMP  Precision = "amp"
	INT8 Precision = "int8"
)

// Precisions lists them.
var Precisions = []Precision{FP64, FP32, TF32, FP16, BF16, AMP, INT8}

// ParsePrecision reads a precision name.
func ParsePrecision(s string) (Precision, error) {
	for _, p := range Precisions {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(Precisions))
	for i, p := range Precisions {
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown GPU precision %q (want one of %s)", s, strings.Join(names, ", "))
}

// spec is what a precision means for the kernels.
type spec struct {
	act      int      // bytes per activation element (amp: of the GEMMs' operands)
	param    int      // bytes per weight as stored
	host     int      // bytes per element moved to and from the host
	gemm     []string // peak used by GEMMs, convolutions and recurrent layers, first present wins
	elem     []string // peak used by element-wise kernels
	castGEMM bool     // amp: cast operands to fp16 before GEMMs
}

// specs: fp64 GEMMs use the FP64 tensor cores where there are some (cuBLAS
// DGEMM does on A100/H100); int8 keeps fp32 host data and quantises on the
// device (boundary casts); fp16 and bf16 models take half-precision input
// from the host (x.half() before the copy).
var specs = map[Precision]spec{
	FP64: {act: 8, param: 8, host: 8, gemm: []string{"fp64_tc", "fp64"}, elem: []string{"fp64"}},
	FP32: {act: 4, param: 4, host: 4, gemm: []string{"fp32"}, elem: []string{"fp32"}},
	TF32: {act: 4, param: 4, host: 4, gemm: []string{"tf32_tc"}, elem: []string{"fp32"}},
	FP16: {act: 2, param: 2, host: 2, gemm: []string{"fp16_tc", "fp16"}, elem: []string{"fp16", "fp32"}},
	BF16: {act: 2, param: 2, host: 2, gemm: []string{"bf16_tc", "bf16"}, elem: []string{"bf16", "fp32"}},
	AMP:  {act: 2, param: 4, host: 4, gemm: []string{"fp16_tc", "fp16"}, elem: []string{"fp32"}, castGEMM: true},
	INT8: {act: 1, param: 1, host: 4, gemm: []string{"int8_tc"}, elem: []string{"fp32"}},
}
