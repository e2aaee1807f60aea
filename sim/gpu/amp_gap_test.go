package gpu

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/targets"
)

// The study's STGCN on the DGX A100 at batch 2048, µs per window (issue 7).
const (
	studySTGCNFP32 = 99.8
	studySTGCNAMP  = 106.8
)

func stgcn2048(t *testing.T) (*graph.Graph, targets.GPU) {
	z, err := zoo.Lookup("stgcn")
	require.NoError(t, err)
	m, err := z.Load(onnx.Options{Batch: 2048})
	require.NoError(t, err)
	require.NoError(t, passes.RunGraph(nil, m.Graph, passes.CompilePipeline))
	a100, err := targets.LookupGPU("a100-sxm4-40gb")
	require.NoError(t, err)
	return m.Graph, a100
}

// byWhat runs Estimate's plan and costing for one precision, with the
// convolutions' peak replaced by convRate (a rate name) when it is not
// empty, and returns µs per window: in total (transfers included) and by
// kernel kind (launch plus the larger of compute and memory).
func byWhat(t *testing.T, g *graph.Graph, gpu targets.GPU, p Precision, convRate string) (float64, map[string]float64) {
	const batch = 2048
	sp := specs[p]
	gemmPeak, err := peak(gpu, p, sp.gemm)
	require.NoError(t, err)
	elemPeak, err := peak(gpu, p, append(sp.elem, "fp32"))
	require.NoError(t, err)
	c := costing{gpu: gpu, p: DefaultParams(), gemmPeak: gemmPeak, elemPeak: elemPeak}
	conv := c
	if convRate != "" {
		conv.gemmPeak, err = peak(gpu, p, []string{convRate})
		require.NoError(t, err)
	}
	pl := newPlanner(g, p, gpu)
	in, _ := c.transferIn(g, pl, sp)
	total := in.TimeUS / batch
	kinds := map[string]float64{}
	for _, n := range g.Nodes {
		ks, err := pl.node(n)
		require.NoError(t, err)
		for _, k := range ks {
			cc := c
			if k.What == "conv" {
				cc = conv
			}
			cu, mu := cc.time(k)
			us := (gpu.LaunchUS + max(cu, mu)) * float64(k.Count) / batch
			kinds[k.What] += us
			total += us
		}
	}
	out, _ := c.transferOut(g, pl, sp)
	return total + out.TimeUS/batch, kinds
}

// TestSTGCNAMPGap prints what each documented autocast mechanism costs the
// STGCN at batch 2048 on the A100 and checks the conclusion the model's
// notes draw from it (calibration_test.go, missSTGCNAMP):
//   - autocast's own overheads (casts before half GEMMs and convolutions,
//     casts to fp32 for the ops on its fp32 list, cuDNN's NCHW↔NHWC
//     transposes around half convolutions) are a few µs per window, far
//     from the 35 µs the AMP row lacks;
//   - PyTorch's default TF32 convolutions (torch.backends.cudnn.allow_tf32
//     = True) would put the FP32 row 40% under the study, so the study's
//     FP32 row itself says its convolutions ran at the fp32 FMA rate;
//   - the reading that fits both rows is convolutions at the fp32 FMA rate
//     in both precisions (PyTorch's half convolutions compute in fp32,
//     CUDNN_DATA_FLOAT with CUDNN_TENSOR_OP_MATH: ConvolutionDescriptor::set,
//     ATen/cudnn/Descriptors.h; cuDNN may but need not pick a tensor-core
//     kernel), which no documented rule predicts for a 64→64-channel
//     convolution; the model does not adopt it;
//   - so does the other reading, TF32 convolutions plus about 38 µs per
//     window of work outside the graph that does not depend on the
//     precision (the study's host pipeline, say: its code is not here),
//     which the model cannot see in an ONNX graph either.
func TestSTGCNAMPGap(t *testing.T) {
	g, a100 := stgcn2048(t)
	fp32, fp32Kinds := byWhat(t, g, a100, FP32, "")
	amp, kinds := byWhat(t, g, a100, AMP, "")
	tf32Conv, _ := byWhat(t, g, a100, FP32, "tf32_tc")
	ampFMA, _ := byWhat(t, g, a100, AMP, "fp32")
	need := studySTGCNAMP / 1.25 // the least AMP time within 25% of the study
	overhead := kinds["cast"] + kinds["layout"]

	var b strings.Builder
	fmt.Fprintf(&b, "\nSTGCN, a100-sxm4-40gb, batch 2048, µs per window (study: FP32 %.1f, AMP %.1f)\n", studySTGCNFP32, studySTGCNAMP)
	fmt.Fprintf(&b, "  model FP32 (convolutions at the fp32 FMA rate)        %6.1f\n", fp32)
	fmt.Fprintf(&b, "    of which convolutions                                             %5.2f\n", fp32Kinds["conv"])
	fmt.Fprintf(&b, "  model AMP                                             %6.1f  (needs >= %.1f)\n", amp, need)
	fmt.Fprintf(&b, "    of which casts (to fp16 before GEMMs/convs, to fp32 for LayerNorm) %5.2f\n", kinds["cast"])
	fmt.Fprintf(&b, "    of which NCHW<->NHWC transposes around half convolutions          %5.2f\n", kinds["layout"])
	fmt.Fprintf(&b, "    of which convolutions on the fp16 tensor cores                    %5.2f\n", kinds["conv"])
	fmt.Fprintf(&b, "    of which the convolutions' bias adds (every precision)            %5.2f\n", kinds["bias"])
	fmt.Fprintf(&b, "  FP32 with PyTorch's default TF32 convolutions         %6.1f  (%+.0f%% against the study's FP32)\n", tf32Conv, 100*(tf32Conv/studySTGCNFP32-1))
	fmt.Fprintf(&b, "  AMP with convolutions at the fp32 FMA rate            %6.1f  (%+.0f%% against the study's AMP)\n", ampFMA, 100*(ampFMA/studySTGCNAMP-1))
	// The other reading: TF32 convolutions plus work outside the graph that
	// does not depend on the precision, as much as the FP32 row leaves.
	outside := studySTGCNFP32 - tf32Conv
	fmt.Fprintf(&b, "  AMP plus %4.1f µs outside the graph (TF32 reading)     %6.1f  (%+.0f%% against the study's AMP)\n", outside, amp+outside, 100*((amp+outside)/studySTGCNAMP-1))
	t.Log(b.String())

	assert.Less(t, amp+overhead, need, "autocast's documented overheads, even counted twice, now close the gap: revisit missSTGCNAMP")
	assert.Less(t, tf32Conv, 0.75*studySTGCNFP32, "TF32 convolutions no longer contradict the study's FP32 row: revisit the notes")
	assert.InDelta(t, 0, ampFMA/studySTGCNAMP-1, 0.25, "FMA-rate convolutions in both precisions no longer fit both rows: revisit the notes")
	assert.InDelta(t, 0, (amp+outside)/studySTGCNAMP-1, 0.25, "TF32 plus precision-independent work no longer fits both rows: revisit the notes")
}
