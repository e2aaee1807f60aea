// Package sim estimates what a lowered model costs and computes in
// hardware.
//
// The functional side: the accuracy of a narrowed program against fp32
// (Compare), a digest of its outputs that back ends can be checked against
// each other by (OutputsSHA256), and the functional simulation (Functional),
// which runs the loop IR through the bit-accurate interpreter ir/loop/exec.
//
// The cost side: the schedule model (Estimate, EstimateKernel, Estimator;
// its rules at the top of estimate.go) turns loop IR into the cycles,
// resources and power of what Bambu would build from it, from a device's
// cost tables (ForDevice, targets).
//
// Calibration (calibration_test.go, go test ./sim -run Calibration -v):
// SODA's PolyBench runs (../shared/calibration/polybench_bambu.csv, the
// files of testdata/polybench) with DefaultTuning, median |cycle error|:
// xc7vx690t at 10 ns none 8.5 %, full/nbt 6.2 %; nangate45 at 2 ns none
// 8.2 %, full/nbt 6.5 %. Fitted on gemm, atax, two_mm and syrk only, the
// held-out gemver, trmm and doitgen stay within 7.7 %. The tuning is
// global: one state per loop latch and per call (assumptions the fit
// agrees with within a state), one registered-input state taken off the
// latencies softfloat_libm.csv measured as top functions (every row ran
// with --registered-inputs=top; the nangate45 tutorial log's latencies are
// a caller's already, estimate_units.go). Worst rows: doitgen N=16 none
// (+96 %), doitgen full (+67…+159 %), syrk N=4 full (−69 %, Bambu's 222
// cycles for N=4 against 16 for N=2 and 1211 for N=8 are not explained by
// the loop structure). DSP counts match in 30 of 52 FPGA rows; LUTs are
// off by a median 40 % and power by 10 % (power is dominated by the
// static 0.33 W). The SODA tutorial's batch_matmul on nangate45 at 5 ns
// (testdata/tutorial): baseline cycles +2 %, area +4 % of Bambu's;
// optimized cycles +36 %, area +55 %; power not reached.
package sim
