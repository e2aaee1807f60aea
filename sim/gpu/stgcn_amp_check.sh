#!/bin/sh
# stgcn_amp_check.sh: on a CUDA GPU, tell apart the two readings of the
# study's STGCN rows that TestSTGCNAMPGap prints (FP32 99.8 µs and AMP
# 106.8 µs per window at batch 2048 on a DGX A100):
#   1. cuDNN ran the convolutions on the FMA units in both precisions;
#   2. TF32/fp16 tensor cores, plus ~38 µs per window of work outside the
#      graph that does not depend on the precision.
# It measures kiln's STGCN (frontend/zoo/train/train.py) end to end with
# measure.py, in fp32 (TF32 off), fp32 with PyTorch's default
# cudnn.allow_tf32, and amp, each with PyTorch's cuDNN heuristics and with
# cudnn.benchmark, and profiles every point. Read the *.profile.json files:
# convolution kernels named with xmma/tensorop/hmma/1688/16816 ran on
# tensor cores, implicit_convolve_sgemm/sgemm ones did not; the sum of the
# kernel times against the point's batch_latency_us says how much of the
# time is outside the GPU.
#
#   sh sim/gpu/stgcn_amp_check.sh [OUTDIR]      (from the repository root)
#
# PYTHON (default python3), BATCH (2048), DEVICE (cuda; cpu only tries the
# script) and REPEATS (20) override the defaults.
set -eu
out=${1:-stgcn-amp-check}
py=${PYTHON:-python3}
batch=${BATCH:-2048}
device=${DEVICE:-cuda}
repeats=${REPEATS:-20}
mkdir -p "$out"
run() { # name, then measure.py's own flags
	name=$1
	shift
	"$py" sim/gpu/measure.py --model stgcn --batch "$batch" --runtime pytorch --device "$device" \
		--repeats "$repeats" --warmup 3 --profile "$out/$name.profile.json" -o "$out/$name.json" "$@"
}
run heuristics --precision fp32 amp
run heuristics-tf32 --precision fp32 --cudnn-tf32-default
run benchmark --precision fp32 amp --cudnn-benchmark
run benchmark-tf32 --precision fp32 --cudnn-tf32-default --cudnn-benchmark
echo "stgcn_amp_check: results in $out/"
