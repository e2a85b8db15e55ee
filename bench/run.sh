#!/usr/bin/env bash
# Runs every benchmark from a clean checkout: installs what they need
# (OpenBLAS, so that PyTorch and numpy are measured on an optimised BLAS, and
# threadpoolctl to say which one they loaded), builds dlc, then runs
# bench/bench.py, writing the report to bench/results/latest.md as well.
#
#   bash bench/run.sh [bench.py arguments: --runs N, gemm mlp digits startup compile]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh
missing=()
for pkg in libopenblas0-pthread python3-threadpoolctl; do
  dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
mkdir -p bench/results
# The machine's OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE settings slow a current
# OpenBLAS down; the benchmark lets it pick its own kernel (and prints which).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/bench.py --out bench/results/latest.md "$@"
