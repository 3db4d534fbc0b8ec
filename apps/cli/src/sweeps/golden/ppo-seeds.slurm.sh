#!/bin/bash
# irlkit sweep ppo-seeds: 3 runs as a Slurm job array, written by
# `irlkit sweep export --slurm` (write it again after changing the spec: indices follow the spec).
# Submit with: sbatch THIS_FILE. The spec and the sweep directory must be on a filesystem every
# node sees at the same path; results: irlkit sweep report DIR.
#SBATCH --job-name=irlkit-ppo-seeds
#SBATCH --array=0-2%2
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=01:00:00
#SBATCH --output=irlkit-ppo-seeds-%A_%a.out
#SBATCH --requeue
#
# Index → run:
#   0: 06b6cae8de36238d  ppo CartPole-v1 seed 0
#   1: e51ef46f2603c591  ppo CartPole-v1 seed 1
#   2: 9a96e5f6d9ff8cab  ppo CartPole-v1 seed 2
set -u
spec='/shared/specs/ppo-seeds.yaml'
directory='/shared/sweeps/ppo-seeds'
attempts=3
for attempt in $(seq 1 "$attempts"); do
  irlkit sweep run-one "$spec" --dir "$directory" --index "$SLURM_ARRAY_TASK_ID"
  code=$?
  # 0: done (or complete before). 1: permanent (a bad setting, a missing file, a diverged run).
  if [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; then exit "$code"; fi
  echo "irlkit: run $SLURM_ARRAY_TASK_ID, attempt $attempt of $attempts, exit $code; trying again from its checkpoint" >&2
  sleep $((attempt * 10))
done
exit "$code"
