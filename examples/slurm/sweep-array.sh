#!/usr/bin/env bash
# kiln sweep as a Slurm job array: task i of n sweeps shard i/n of the space
# into $OUT/shard-i; when every task has finished, join the shards with
#   kiln sweep merge $OUT/shard-*
#
#   sbatch examples/slurm/sweep-array.sh                      # 3 shards (--array=0-2)
#   sbatch --array=0-15 examples/slurm/sweep-array.sh         # 16 shards
#   MODEL=cnn SPACE=examples/sweep-cnn.yaml OUT=cnn-sweep sbatch examples/slurm/sweep-array.sh
#   sbatch examples/slurm/sweep-array.sh --sample 100000 --seed 1   # extra arguments go to kiln sweep
#
# Settings from the environment (sbatch passes the submitting shell's on):
#   KILN (kiln), MODEL (lstm), SPACE (examples/sweep-MODEL.yaml), OUT (sweep-MODEL).
# Relative paths are relative to the directory sbatch ran in. The task ids
# must run from 0 to n-1. A task that is run again (requeued, or the array
# resubmitted) resumes its shard rather than starting it over.
#
#SBATCH --job-name=kiln-sweep
#SBATCH --array=0-2
#SBATCH --cpus-per-task=1
#SBATCH --output=kiln-sweep-%A_%a.out
set -euo pipefail

KILN=${KILN:-kiln}
MODEL=${MODEL:-lstm}
SPACE=${SPACE:-examples/sweep-$MODEL.yaml}
OUT=${OUT:-sweep-$MODEL}

: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit me with sbatch}"
i=$SLURM_ARRAY_TASK_ID
n=$SLURM_ARRAY_TASK_COUNT
if [ "$SLURM_ARRAY_TASK_MIN" != 0 ] || [ "$SLURM_ARRAY_TASK_MAX" != $((n - 1)) ]; then
  echo "sweep-array.sh: the array's task ids must be 0 to n-1 (use --array=0-$((n - 1))), not $SLURM_ARRAY_TASK_MIN to $SLURM_ARRAY_TASK_MAX" >&2
  exit 2
fi

shard=$OUT/shard-$i
resume=()
if [ -s "$shard/results.jsonl" ]; then
  resume=(--resume)
fi
mkdir -p "$OUT"
echo "kiln-sweep: task $i of $n on $(hostname -s): $MODEL, $SPACE -> $shard"
exec "$KILN" sweep "$MODEL" --space "$SPACE" --shard "$i/$n" -j "${SLURM_CPUS_PER_TASK:-1}" \
  -o "$shard" "${resume[@]}" "$@"
