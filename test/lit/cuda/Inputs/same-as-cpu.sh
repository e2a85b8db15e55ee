#!/bin/sh
# same-as-cpu.sh DLC EXAMPLE.dl WORKDIR: compiles the example for cpu and for
# cuda, runs both in WORKDIR (which has examples/data), and fails unless
# stdout and every file written are byte-identical. On a machine without a
# usable GPU the cuda binary runs its CPU program, so this is the fallback's
# test; the cuda binary's stderr is left in WORKDIR/cuda.err.
set -eu
dlc=$1 example=$2 work=$3
examples=$(dirname "$example")
rm -rf "$work" && mkdir -p "$work/cpu/examples" "$work/cuda/examples"
ln -s "$examples/data" "$work/cpu/examples/data"
ln -s "$examples/data" "$work/cuda/examples/data"
"$dlc" "$example" -o "$work/prog.cpu"
"$dlc" --target=cuda "$example" -o "$work/prog.cuda"
(cd "$work/cpu" && ../prog.cpu > ../cpu.out)
(cd "$work/cuda" && ../prog.cuda > ../cuda.out 2> ../cuda.err)
cmp "$work/cpu.out" "$work/cuda.out"
# Files the program wrote (a saved model): the same bytes.
for f in "$work/cpu"/*; do
  [ -f "$f" ] || continue
  cmp "$f" "$work/cuda/$(basename "$f")"
done
echo "same output: $(basename "$example")"
