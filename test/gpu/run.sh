#!/usr/bin/env bash
# test/gpu/run.sh: every check and benchmark that needs an NVIDIA GPU, in one
# go. Two phases, so that the GPU machine needs no compiler toolchain:
#
#   bash test/gpu/run.sh prepare [DIR]  on a machine with dlc built (build/bin/dlc,
#                                       or $DLC): compiles every example and
#                                       benchmark with --target=cuda into DIR
#                                       (default build-gpu), with this script,
#                                       the comparison script and the data
#   bash test/gpu/run.sh run [DIR]      on the GPU machine: runs them; the report
#                                       goes to DIR/report.md and stdout
#   bash test/gpu/run.sh [DIR]          both, on a machine with dlc and a GPU
#                                       (then the lit tests marked REQUIRES: cuda too)
#
# What "run" does:
#   1. each example with --device=cpu and --device=cuda: the text must match and
#      every number agree within 1e-4 relative (test/gpu/compare_outputs.py);
#      --stats shows the launches and the bytes copied each way;
#   2. GEMM (n = 1024, 2048, 4096): dlc's generated kernel against cuBLAS SGEMM
#      (cublas_sgemm.cu, built with nvcc here or there; FP32, no TF32);
#   3. a fused elementwise update over 2^24 floats, against the device's copy
#      bandwidth (cudaMemcpy device to device, from the same harness);
#   4. the 784-512-256-10 training step (bench/mlp784.dl) against PyTorch on
#      the same GPU when its torch has CUDA (Debian's does not: it says so).
# A dlc figure is (time of the program with R repetitions - time with 0) / R,
# medians of 3 runs, so start-up, PTX loading and data generation cancel out.
#
# DLC_GPU_DRY_RUN=1 runs the "cuda" side with --device=cpu: a check of this
# script on a machine without a GPU (its figures mean nothing).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mode=all
case "${1:-}" in prepare|run) mode=$1; shift ;; esac
dir=${1:-$root/build-gpu}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

prepare() {
  local dlc=${DLC:-$root/build/bin/dlc}
  [ -x "$dlc" ] || { echo "run.sh: no dlc at $dlc (build it: bash scripts/build.sh)"; exit 1; }
  echo "== preparing $dir with $dlc"
  mkdir -p "$dir/bin" "$dir/examples" "$dir/scripts"
  cp "$root/test/gpu/run.sh" "$root/test/gpu/compare_outputs.py" "$root/test/gpu/mlp784_torch_cuda.py" \
     "$root/test/gpu/cublas_sgemm.cu" "$dir/scripts/"
  rm -rf "$dir/examples/data" && cp -r "$root/examples/data" "$dir/examples/data"
  : > "$dir/examples.list"
  for f in "$root"/examples/*.dl; do
    name=$(basename "$f" .dl)
    case $name in shape_error) continue ;; esac
    # MNIST needs its data (scripts/fetch-mnist.sh), and takes minutes on the CPU.
    if [ "$name" = mnist ] && [ ! -e "$root/examples/data/mnist" ] && ! ls "$root"/examples/data/*ubyte* >/dev/null 2>&1; then
      echo "skip mnist (no data)"; continue
    fi
    "$dlc" --target=cuda "$f" -o "$dir/bin/$name" || { echo "run.sh: cannot compile $f"; exit 1; }
    echo "$name" >> "$dir/examples.list"
  done
  # GEMM: var c = a @ b, then REPS more products.
  for n in 1024 2048 4096; do
    reps=$(( n == 1024 ? 400 : n == 2048 ? 60 : 10 ))
    for r in "$reps" 0; do
      printf 'seed(0)\nlet a = rand([%d, %d])\nlet b = rand([%d, %d])\nvar c = a @ b\nfor i in 0..%d {\n    c = a @ b\n}\nprint(sum(c) > 0.0)\n' \
        "$n" "$n" "$n" "$n" "$r" > "$dir/gemm.dl"
      "$dlc" --target=cuda "$dir/gemm.dl" -o "$dir/bin/gemm${n}_$r" || exit 1
    done
    echo "$n $reps" >> "$dir/gemm.list"
  done
  # A fused elementwise update (reads c and a, writes the new c, then the store copies it).
  for r in 200 0; do
    printf 'seed(0)\nlet a = rand([16777216])\nvar c = rand([16777216])\nfor i in 0..%d {\n    c = c * 0.5 + a\n}\nprint(sum(c) > 0.0)\n' \
      "$r" > "$dir/map.dl"
    "$dlc" --target=cuda "$dir/map.dl" -o "$dir/bin/map_$r" || exit 1
  done
  sort -u "$dir/gemm.list" -o "$dir/gemm.list"
  # The MLP step: bench/mlp784.dl with 300 and 0 steps.
  for s in 300 0; do
    sed "s/0\.\.300 {/0..$s {/" "$root/bench/mlp784.dl" > "$dir/mlp784.dl"
    "$dlc" --target=cuda "$dir/mlp784.dl" -o "$dir/bin/mlp784_$s" || exit 1
  done
  # The cuBLAS harness, when this machine has nvcc (the GPU machine may build it instead).
  local nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
  if [ -x "$nvcc" ]; then
    "$nvcc" -O2 -o "$dir/bin/cublas_sgemm" "$root/test/gpu/cublas_sgemm.cu" -lcublas || rm -f "$dir/bin/cublas_sgemm"
  fi
  strip "$dir"/bin/* 2>/dev/null  # the runtime's debug information: tens of MB in all
  echo "prepared: $(wc -l < "$dir/examples.list") examples, GEMM, map and MLP benchmarks in $dir"
}

# Median wall time of 3 runs of a command (seconds); the command's stdout is discarded.
median3() {
  /usr/bin/python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(3):
    start = time.perf_counter()
    r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    times.append(time.perf_counter() - start)
    if r.returncode != 0:
        print("nan"); sys.stderr.write(r.stderr); sys.exit(0)
print(f"{statistics.median(times):.6f}")
PY
}

run() {
  local report=$dir/report.md failures=0 cuda=--device=cuda
  [ "${DLC_GPU_DRY_RUN:-0}" = 1 ] && cuda=--device=cpu
  local scripts=$dir/scripts
  [ -d "$dir/bin" ] || { echo "run.sh: $dir is not prepared (bash test/gpu/run.sh prepare $dir)"; exit 1; }
  exec > >(tee "$report") 2>&1
  echo "# GPU run, $(date -u '+%Y-%m-%d %H:%M UTC')"
  [ "$cuda" = --device=cpu ] && echo "DRY RUN (DLC_GPU_DRY_RUN=1): the 'cuda' side ran on the CPU; no figure below means anything"
  echo
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/device: /'
  # Is the GPU usable by our programs at all?
  local probe
  probe=$(head -1 "$dir/examples.list")
  if ! (cd "$dir" && "bin/$probe" $cuda > /dev/null 2> "$dir/probe.err"); then
    echo "no usable GPU for dlc programs:"; cat "$dir/probe.err"; exit 1
  fi
  echo
  echo "## 1. Examples: --device=cuda against --device=cpu (same binary), numbers within 1e-4 relative"
  echo
  echo "| example | result | cpu s | cuda s | cuda --stats |"
  echo "| --- | --- | --- | --- | --- |"
  while read -r name; do
    local work=$dir/work/$name
    rm -rf "$work" && mkdir -p "$work/cpu/examples" "$work/cuda/examples"
    ln -s "$dir/examples/data" "$work/cpu/examples/data"
    ln -s "$dir/examples/data" "$work/cuda/examples/data"
    local t0 t1 t2 status=ok
    t0=$(date +%s.%N)
    (cd "$work/cpu" && "$dir/bin/$name" --device=cpu > ../cpu.out 2> ../cpu.err) || status="cpu run failed"
    t1=$(date +%s.%N)
    (cd "$work/cuda" && "$dir/bin/$name" $cuda --stats > ../cuda.out 2> ../cuda.err) || status="cuda run failed: $(grep -m1 error "$work/cuda.err")"
    t2=$(date +%s.%N)
    if [ "$status" = ok ]; then
      if compare=$(/usr/bin/python3 "$scripts/compare_outputs.py" "$work/cpu.out" "$work/cuda.out"); then
        status="ok: $compare"
      else
        status="DIFFERS: $compare"
      fi
    fi
    case $status in ok*) ;; *) failures=$((failures + 1)) ;; esac
    local stats
    stats=$(grep -m1 'stats: cuda' "$work/cuda.err" | sed 's/stats: cuda: //')
    printf '| %s | %s | %.2f | %.2f | %s |\n' "$name" "$status" "$(awk "BEGIN {print $t1 - $t0}")" "$(awk "BEGIN {print $t2 - $t1}")" "$stats"
  done < "$dir/examples.list"
  echo

  echo "## 2. GEMM, f32, n x n: dlc's kernel against cuBLAS SGEMM (FP32, no TF32)"
  echo
  local cublas=$dir/bin/cublas_sgemm
  if ! "$cublas" 64 1 > /dev/null 2>&1; then
    local nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
    if [ -x "$nvcc" ] && "$nvcc" -O2 -o "$dir/cublas_sgemm.here" "$scripts/cublas_sgemm.cu" -lcublas 2>/dev/null; then
      cublas=$dir/cublas_sgemm.here
    else
      cublas=""
      echo "(no cuBLAS figures: the prepared harness does not run here and there is no nvcc to build it)"
    fi
  fi
  echo "| n | dlc GFLOP/s | cuBLAS GFLOP/s | dlc / cuBLAS |"
  echo "| --- | --- | --- | --- |"
  while read -r n reps; do
    local full base ours theirs=""
    [ "$cuda" = --device=cpu ] && [ "$n" -gt 1024 ] && continue  # a dry run on the CPU: the small one only
    full=$(median3 "$dir/bin/gemm${n}_$reps" $cuda)
    base=$(median3 "$dir/bin/gemm${n}_0" $cuda)
    ours=$(/usr/bin/python3 -c "print(f'{2.0*$n**3*$reps/max($full-$base,1e-9)/1e9:.1f}')")
    [ -n "$cublas" ] && theirs=$("$cublas" "$n" 20 | awk '/sgemm/ {print $3}')
    local ratio="-"
    [ -n "$theirs" ] && ratio=$(/usr/bin/python3 -c "print(f'{$ours/$theirs:.2f}')")
    echo "| $n | $ours | ${theirs:--} | $ratio |"
  done < "$dir/gemm.list"
  echo

  echo "## 3. Fused elementwise update c = c * 0.5 + a, 2^24 floats, against the copy bandwidth"
  echo
  local full base copy="" n=16777216
  full=$(median3 "$dir/bin/map_200" $cuda)
  base=$(median3 "$dir/bin/map_0" $cuda)
  [ -n "$cublas" ] && copy=$("$cublas" 64 1 | awk '/copy/ {print $2}')
  # Per step: the kernel reads c and a and writes the result (12 bytes an element);
  # the store into `c` copies it (8 more).
  /usr/bin/python3 -c "
t = max($full - $base, 1e-9) / 200
kernel_and_store = 20.0 * $n / t / 1e9
print(f'- one step (fused kernel + store copy): {t*1e3:.3f} ms, {kernel_and_store:.0f} GB/s moved')
copy = '$copy'
if copy: print(f'- device copy bandwidth (cudaMemcpy D2D): {float(copy):.0f} GB/s; ratio {kernel_and_store/float(copy):.2f}')
"
  echo

  echo "## 4. 784-512-256-10 MLP, batch 128, SGD with momentum: ms per training step"
  echo
  full=$(median3 "$dir/bin/mlp784_300" $cuda)
  base=$(median3 "$dir/bin/mlp784_0" $cuda)
  local ours
  ours=$(/usr/bin/python3 -c "print(f'{1000*max($full-$base,1e-9)/300:.3f}')")
  echo "- dlc --device=cuda: $ours ms per step ($("$dir/bin/mlp784_300" $cuda | tail -1))"
  local torch_out
  torch_out=$(/usr/bin/python3 "$scripts/mlp784_torch_cuda.py" 300 2>&1)
  case $? in
    0) echo "- PyTorch eager on the same GPU: $(echo "$torch_out" | awk '/ms_per_step/ {print $2}') ms per step ($(echo "$torch_out" | grep 'final loss'))" ;;
    77) echo "- PyTorch: not measured: $torch_out" ;;
    *) echo "- PyTorch failed: $torch_out" ;;
  esac
  echo
  echo "failures: $failures"
  return "$failures"
}

case $mode in
  prepare) prepare ;;
  run) run ;;
  all)
    prepare
    status=0
    run || status=$?
    # The lit tests that need a GPU (their `cuda` feature is set only when one is usable).
    if [ -f "$root/build/test/lit/lit.site.cfg.py" ]; then
      /usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv \
        --param dlc_site_config="$root/build/test/lit/lit.site.cfg.py" "$root/test/lit/cuda" || status=1
    fi
    exit "$status"
    ;;
esac
