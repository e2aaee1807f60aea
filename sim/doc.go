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
// Calibration (calibration_test.go, go test ./sim -run 'Calibration|Tutorial' -v):
// SODA's PolyBench runs (../shared/calibration/polybench_bambu.csv, the
// files of testdata/polybench) with DefaultTuning, median |cycle error|:
// xc7vx690t at 10 ns none 8.5 %, full/nbt 6.2 %; nangate45 at 2 ns none
// 8.2 %, full/nbt 6.5 %. Fitted on gemm, atax, two_mm and syrk only, the
// held-out gemver, trmm and doitgen stay within 7.7 %. The tuning is
// global (DefaultTuning says what each value is and its evidence). Worst
// rows: doitgen N=16 none on the Virtex-7 (+96 %: Bambu's 5.3 cycles per
// inner iteration against 9.5 at N=8, while nangate45's rows scale evenly
// and the model is +7 % there), syrk N=4 full (−88 %: the model lets LLVM
// unroll the triangular nest at N=4 as at N=2; Bambu's 222 cycles say it
// did not), trmm N≥8 none (+23…+32 %). DSP counts match in 30 of 52 FPGA
// rows (units: the most busy in one state of the model's schedule; Bambu's
// schedule differs in the full variants, both ways); LUTs are off by a
// median 43 % and power by 10 % (power is mostly the static 0.33 W). The
// SODA tutorial's batch_matmul on nangate45 at 5 ns (testdata/tutorial,
// kiln sim FILE -t nangate45 --clock 5 --channels 2): baseline cycles +2 %,
// area +4 % of Bambu's; optimized cycles +36 %, area +55 % (the model
// schedules in program order, Bambu by priority); power not reached.
package sim
