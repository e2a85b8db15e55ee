#!/usr/bin/env bash
# The test command: builds everything, then runs every test (unit and lit).
#
#   scripts/test.sh              the normal build (build/) and its tests
#   scripts/test.sh --sanitize   a clang-19 build with AddressSanitizer and
#                                UndefinedBehaviorSanitizer (build-sanitize/):
#                                compiler, runtime, tests, and the programs dlc
#                                compiles; every test runs under them, leak
#                                checking on, and any report fails the test
#
# Under CI (CI=true) the sanitizer run leaves out the MNIST training run: it
# takes minutes under ASan and exercises nothing the digits do not.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sanitize=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
  esac
done

if [ "$sanitize" = 0 ]; then
  bash scripts/build.sh
  status=0
  ctest --test-dir build --output-on-failure -j2 || status=$?
  exit "$status"
fi

bash scripts/install-deps.sh
if [ ! -f build-sanitize/build.ninja ]; then
  CC=clang-19 CXX=clang++-19 cmake -S . -B build-sanitize -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDLC_SANITIZE=ON
fi
cmake --build build-sanitize -j"$(nproc)"
# detect_leaks: LeakSanitizer on (the default on x86-64 Linux, stated here).
# Reports go to stderr, and a sanitizer error exits non-zero, so a test that
# checks output or status fails on one.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
exclude=()
if [ "${CI:-}" = true ]; then exclude=(-E '^e2e-example-mnist$'); fi
status=0
ctest --test-dir build-sanitize --output-on-failure -j2 "${exclude[@]}" || status=$?
exit "$status"
