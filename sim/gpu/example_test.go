package gpu_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/sim/gpu"
	"github.com/kiln-hls/kiln/targets"
)

// A Linear layer of 4096×4096 at batch 8192, in fp32 and on the tensor
// cores in fp16, on the study's A100.
func Example() {
	g := gemmGraph(8192, 4096, 4096)
	a100, _ := targets.LookupGPU("a100-sxm4-40gb")
	for _, p := range []gpu.Precision{gpu.FP32, gpu.FP16} {
		r, err := gpu.Estimate(g, a100, gpu.Options{Batch: 8192, Precision: p, Params: gpu.DefaultParams()})
		if err != nil {
			fmt.Println(err)
			return
		}
		fc := r.Layers[1]
		fmt.Printf("%s: GEMM %.0f µs (%s-bound), batch %.0f µs, %.1f µs and %.0f µJ per inference\n",
			p, fc.TimeUS, fc.Bound, r.BatchLatencyUS, r.PerInferenceUS, r.EnergyUJ)
	}
	// Output:
	// fp32: GEMM 28249 µs (compute-bound), batch 185770 µs, 22.7 µs and 2533 µJ per inference
	// fp16: GEMM 1766 µs (compute-bound), batch 80528 µs, 9.8 µs and 663 µJ per inference
}
