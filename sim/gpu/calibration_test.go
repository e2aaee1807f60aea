package gpu_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

// study is one published measurement: per-window latency in µs, end to
// end in PyTorch. Batch 2048 on the DGX A100: "Analyzing inference
// workloads for spatiotemporal modeling" (Jain et al., FGCS 2024), as
// issue 7 quotes it; batch 1 on an A100 PCIe with cuDNN: issue 7 ("about
// 35 µs, 99th percentile", source not given there).
type study struct {
	model string
	gpu   string
	batch int
	prec  gpu.Precision
	us    float64
	miss  string // why the model is known to miss it by more than 25%
	// device: the number times the model's kernels on the GPU only
	// (Result.DeviceUS), not the host copies (see deviceOnly).
	device bool
}

// The rows the model misses, and why.
const (
	missSTGCNAMP = "under AMP the model runs STGCN's convolutions on the fp16 tensor cores, 16× the fp32 " +
		"FMA rate the FP32 row is fitted with, so they fall from about 45 to 4 µs per window; the " +
		"documented AMP mechanisms add back little (TestSTGCNAMPGap prints them: casts of weights every " +
		"call and of activations to fp16 and of LayerNorm's operands to fp32 2.9 µs, NCHW↔NHWC transposes " +
		"around each half convolution 3.4 µs; channel counts of 2 padded to 8 are already covered by the " +
		"16-wide minimum tile) against the 35 µs the row lacks. PyTorch's default TF32 convolutions " +
		"(cudnn.allow_tf32) do not help: they put the FP32 row at -38% too. The one reading that fits " +
		"both rows, convolutions at the fp32 FMA rate in both precisions (PyTorch's half convolutions " +
		"compute in fp32 and only allow, not force, tensor cores: ConvolutionDescriptor::set in " +
		"ATen/cudnn/Descriptors.h), gives AMP -13%, but no documented rule says when cuDNN's heuristics " +
		"pass over its tensor-core kernels for a 64→64-channel convolution, so the model does not adopt it. " +
		"The other reading that fits both (AMP -17%), TF32 convolutions plus about 38 µs per window of " +
		"precision-independent work outside the graph (the study's host pipeline, whose code is not here), " +
		"is invisible in an ONNX graph. measure.py --profile on an A100 would tell the two apart"
	// deviceOnly: why the batch-1 number is compared with the device time.
	// "With cuDNN" and a 99th percentile point to timing the cuDNN call;
	// end to end it cannot be: copying the 32,640-byte window in and the
	// 16,320-byte prediction out of pageable host arrays alone takes
	// about 30 µs at the staging rate the batch-2048 rows give (HostGBs),
	// leaving 5 µs for 60 recurrent steps. An assumption: the issue gives
	// no source for the number.
	deviceOnly  = "timed on the device (see deviceOnly)"
	missFP64AMP = "the study's own LSTM and CNN numbers give 51.4/26.3 = 1.95× and 58.6/33.9 = 1.73×, mean " +
		"1.84×; its 1.56× must average runs not quoted here (no STGCN FP64 number is given); against 1.84× " +
		"the model is within 25%"
)

var studyRows = []study{
	{"lstm", "a100-sxm4-40gb", 2048, gpu.FP32, 26.7, "", false},
	{"lstm", "a100-sxm4-40gb", 2048, gpu.AMP, 26.3, "", false},
	{"lstm", "a100-sxm4-40gb", 2048, gpu.FP64, 51.4, "", false},
	{"cnn", "a100-sxm4-40gb", 2048, gpu.FP32, 34.7, "", false},
	{"cnn", "a100-sxm4-40gb", 2048, gpu.AMP, 33.9, "", false},
	{"cnn", "a100-sxm4-40gb", 2048, gpu.FP64, 58.6, "", false},
	{"stgcn", "a100-sxm4-40gb", 2048, gpu.FP32, 99.8, "", false},
	{"stgcn", "a100-sxm4-40gb", 2048, gpu.AMP, 106.8, missSTGCNAMP, false},
	{"lstm", "a100-pcie-40gb", 1, gpu.FP32, 35, "", true},
}

var graphs sync.Map // "model/batch" -> *graph.Graph

// builtin loads a built-in model at a batch through CompilePipeline.
func builtin(t testing.TB, name string, batch int) *graph.Graph {
	key := fmt.Sprintf("%s/%d", name, batch)
	if g, ok := graphs.Load(key); ok {
		return g.(*graph.Graph)
	}
	z, err := zoo.Lookup(name)
	require.NoError(t, err)
	m, err := z.Load(onnx.Options{Batch: batch})
	require.NoError(t, err)
	require.NoError(t, passes.RunGraph(nil, m.Graph, passes.CompilePipeline))
	graphs.Store(key, m.Graph)
	return m.Graph
}

func estimate(t testing.TB, r study, p gpu.Params) gpu.Result {
	g, err := targets.LookupGPU(r.gpu)
	require.NoError(t, err)
	res, err := gpu.Estimate(builtin(t, r.model, r.batch), g, gpu.Options{Batch: r.batch, Precision: r.prec, Params: p})
	require.NoError(t, err)
	return res
}

// TestCalibration compares the model, with its default global parameters,
// with every published number and prints the table.
func TestCalibration(t *testing.T) {
	p := gpu.DefaultParams()
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n%-6s %-15s %5s %-5s %9s %9s %7s  %s\n", "model", "gpu", "batch", "prec", "study µs", "model µs", "error", "bound by")
	got := map[string]float64{}
	for _, r := range studyRows {
		res := estimate(t, r, p)
		us, note := res.PerInferenceUS, ""
		if r.device {
			us, note = res.DeviceUS/float64(r.batch), "; "+deviceOnly
		}
		e := us/r.us - 1
		got[r.model+"/"+string(r.prec)+fmt.Sprint(r.batch)] = us
		fmt.Fprintf(&tab, "%-6s %-15s %5d %-5s %9.1f %9.1f %+6.0f%%  transfer %.0f%%, launches %.0f%%, kernels %.0f%%%s\n",
			r.model, r.gpu, r.batch, r.prec, r.us, us, 100*e,
			100*res.TransferUS/res.BatchLatencyUS, 100*res.LaunchUS/res.BatchLatencyUS, 100*res.KernelUS/res.BatchLatencyUS, note)
		name := fmt.Sprintf("%s/%s/b%d/%s", r.model, r.gpu, r.batch, r.prec)
		if r.miss != "" {
			assert.Greater(t, math.Abs(e), 0.25, "%s: listed as a known miss (%s) but is now within 25%%: take it off the list", name, r.miss)
			continue
		}
		assert.InDelta(t, 0, e, 0.25, "%s: model %.1f µs, study %.1f µs", name, res.PerInferenceUS, r.us)
	}
	// The study's ratios: AMP over FP32 1.04× on average, FP64 to AMP 1.56×.
	ratio := func(a, b string, models ...string) float64 {
		var sum float64
		for _, m := range models {
			sum += got[m+"/"+a+"2048"] / got[m+"/"+b+"2048"]
		}
		return sum / float64(len(models))
	}
	ratios := []struct {
		name         string
		study, model float64
		miss         string
	}{
		{"AMP speed-up over FP32, LSTM and CNN", 1.04, ratio("fp32", "amp", "lstm", "cnn"), ""},
		{"AMP speed-up over FP32, all three", 1.04, ratio("fp32", "amp", "lstm", "cnn", "stgcn"), "STGCN AMP: " + missSTGCNAMP},
		{"FP64 to AMP speed-up, LSTM and CNN", 1.56, ratio("fp64", "amp", "lstm", "cnn"), missFP64AMP},
	}
	for _, r := range ratios {
		e := r.model/r.study - 1
		fmt.Fprintf(&tab, "%-38s study %.2f×, model %.2f× (%+.0f%%)\n", r.name, r.study, r.model, 100*e)
		if r.miss != "" {
			assert.Greater(t, math.Abs(e), 0.25, "%s: listed as a known miss but is now within 25%%", r.name)
			continue
		}
		assert.InDelta(t, 0, e, 0.25, r.name)
	}
	t.Log(tab.String())
}

// TestGlobalFit checks that the two calibrated parameters, HostGBs and
// EffMax, are where a least-squares fit (of log error) over the study's
// batch-2048 rows puts them, the others fixed, so a change of the model
// that moves the fit shows here. HostGBs is set by the transfer-bound LSTM
// and CNN rows, EffMax by the one compute-bound row, STGCN FP32.
func TestGlobalFit(t *testing.T) {
	p := gpu.DefaultParams()
	var best gpu.Params
	bestErr, n := math.Inf(1), 0
	for h := 1.5; h <= 2.5; h += 0.05 {
		for e := 0.3; e <= 0.95; e += 0.05 {
			p.HostGBs, p.EffMax = h, e
			var sq float64
			n = 0
			for _, r := range studyRows {
				if r.batch != 2048 || r.miss != "" {
					continue
				}
				d := math.Log(estimate(t, r, p).PerInferenceUS / r.us)
				sq, n = sq+d*d, n+1
			}
			if sq < bestErr {
				best, bestErr = p, sq
			}
		}
	}
	def := gpu.DefaultParams()
	t.Logf("least squares over %d rows: HostGBs %.2f GB/s, EffMax %.2f (rms log error %.3f); defaults %.2f, %.2f",
		n, best.HostGBs, best.EffMax, math.Sqrt(bestErr/float64(n)), def.HostGBs, def.EffMax)
	assert.InDelta(t, best.HostGBs, def.HostGBs, 0.1*best.HostGBs)
	assert.InDelta(t, best.EffMax, def.EffMax, 0.1*best.EffMax)
}
