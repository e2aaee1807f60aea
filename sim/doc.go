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
// cost tables (ForDevice, targets). An Estimator keeps each kernel's last
// estimate and, for a kernel met again at another clock or channel
// count, a trace of its build (estimate_trace.go), so a sweep reschedules
// only what the clock changes. Speed (go test ./sim -run xxx -bench
// EstimateSTGCN -cpu 1 -count 3; the STGCN, all 19 kernels, the test
// tables; a shared 2-core machine, before the traces in brackets): a
// clock never seen before ("cold", every kernel scheduled again)
// 45–47 µs (126–140), without LLVM's unrolling 33–36 µs (94–106), one
// kernel changed about 16 µs (15–17), the same design again about 6 µs
// (7–8), a one-off Estimate about 230 µs (259–283). With the Virtex-7's
// own tables ("cold-device", every clock new to targets too) 129–153 µs
// (216–240), some 40 % of it in targets.Device.OpCost.
//
// Calibration (calibration_test.go, go test ./sim -run 'Calibration|Tutorial' -v):
// SODA's PolyBench runs (../shared/calibration/polybench_bambu.csv, the
// files of testdata/polybench) with DefaultTuning, median |cycle error|:
// xc7vx690t at 10 ns none 9.1 %, full/nbt 1.7 %; nangate45 at 2 ns none
// 7.3 %, full/nbt 7.9 %. Fitted on gemm, atax, two_mm and syrk only, the
// grid picks the default tuning and the held-out gemver, trmm and doitgen
// stay within 7.1 %. The tuning is global (DefaultTuning says what each
// value is and its evidence). Worst rows: doitgen N=16 none on the
// Virtex-7 (+96 %: Bambu's 5.3 cycles per inner iteration against 9.5 at
// N=8, while nangate45's rows scale evenly), trmm N≥8 none on the
// Virtex-7 (+23…+32 %; within 8 % on nangate45), gemm and syrk N≤8 none
// (−15 %). Units are as many as the schedule keeps busy at once (Bambu
// binds soft-float calls to that many, the tutorial's logs show), with one
// address adder per distinct address; the schedule is redone by priority
// when a memory port made an access wait. DSP counts match in 35 of 52
// FPGA rows (17 miss: in the full variants Bambu has 1.25–2.2× the
// model's multipliers; gemm/trmm/two_mm N=4 none have 8 against 2); LUTs
// are off by a median 26 %, power by 7 % (static plus the logic's activity
// power, targets' devices.json). The SODA tutorial's batch_matmul on
// nangate45 at 5 ns (testdata/tutorial, kiln sim FILE -t nangate45 --clock
// 5 --channels 2): cycles +2 % / 0 %, area −8 % / −2 % of the 2025 run
// (units, their multiplexers and the memory controller, as Bambu's own
// estimate adds them up), power +1 % / +2 % of the PACT'22 run's (the 2025
// run's OpenROAD power, 0.0986 W and 0.114 W, does not follow the
// designs' size: −93 % / −42 %);
// on xc7vx690t at 5 ns (the ISC'22 run) cycles −15 % / −12 %, DSPs exact.
package sim
