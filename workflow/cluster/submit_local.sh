#!/usr/bin/env bash
# A stand-in for sbatch/qsub, used by the tests of the cluster-generic executor:
# run the job script Snakemake hands over as a separate background process and
# print its PID as the "job id".
set -euo pipefail
"$@" > /dev/null 2>&1 &
echo $!
