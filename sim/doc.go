// Package sim estimates what a lowered model costs and computes in
// hardware. For now it holds the functional side: the accuracy of a
// narrowed program against fp32 (Compare), a digest of its outputs that
// back ends can be checked against each other by (OutputsSHA256), and the
// functional simulation itself (Functional), which runs the loop IR
// through the bit-accurate interpreter ir/loop/exec and counts the values
// that overflowed a fixed-point type.
package sim
