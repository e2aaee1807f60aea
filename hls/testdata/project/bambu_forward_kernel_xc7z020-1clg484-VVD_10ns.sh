#!/usr/bin/env bash
# Runs PandA-Bambu (2024.x) on forward_kernel.ll for xc7z020-1clg484-VVD at 10 ns: high-level synthesis
# and a Verilator co-simulation against the testbench. Written by kiln compile.
# Extra arguments go to Bambu (--evaluation adds logic synthesis: Vivado for
# FPGAs, OpenROAD for ASIC libraries). BAMBU names the executable (default:
# bambu); KILN_TB=xml uses the XML testbench; KILN_OUT the output folder.
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
tb="$project/testbench/forward_kernel_tb.c"
if [ "${KILN_TB:-c}" = xml ]; then tb="$project/testbench/forward_kernel.xml"; fi
out="${KILN_OUT:-$project/build/bambu/forward_kernel_xc7z020-1clg484-VVD_10ns}"
mkdir -p "$out"
cd "$out"
"${BAMBU:-bambu}" \
  -v3 \
  -lm \
  --soft-float \
  --compiler=I386_CLANG16 \
  --device-name=xc7z020-1clg484-VVD \
  --clock-period=10 \
  --experimental-setup=BAMBU-BALANCED-MP \
  --channels-number=2 \
  --memory-allocation-policy=ALL_BRAM \
  --disable-function-proxy \
  --generate-tb="$tb" \
  --simulate \
  --simulator=VERILATOR \
  --top-fname=forward_kernel \
  "$@" "$project/forward_kernel.ll" 2>&1 | tee bambu-log
