#!/bin/sh
# gpu-vs-cpu.sh DLC PROGRAM.dl WORKDIR COMPARE.py: compiles PROGRAM for cuda,
# runs it with --device=cpu and --device=cuda --stats in WORKDIR (with
# examples/data beside it), and fails unless the outputs agree (text equal,
# numbers within 1e-4 relative: test/gpu/compare_outputs.py). Prints the
# comparison and the --stats line of the cuda run.
set -eu
dlc=$1 program=$2 work=$3 compare=$4
data=$(cd "$(dirname "$0")/../../../../examples/data" && pwd)
rm -rf "$work" && mkdir -p "$work/cpu/examples" "$work/cuda/examples"
ln -s "$data" "$work/cpu/examples/data"
ln -s "$data" "$work/cuda/examples/data"
"$dlc" --target=cuda "$program" -o "$work/prog"
(cd "$work/cpu" && ../prog --device=cpu > ../cpu.out)
(cd "$work/cuda" && ../prog --device=cuda --stats > ../cuda.out 2> ../cuda.err)
/usr/bin/python3 "$compare" "$work/cpu.out" "$work/cuda.out"
grep 'stats: cuda' "$work/cuda.err"
echo "agree: $(basename "$program")"
