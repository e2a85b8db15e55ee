#!/usr/bin/env bash
# Builds dlc and runs the main demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh

# For now the demo type- and shape-checks the worked backpropagation example.
# TODO(codegen issue): once dlc generates code, compile and run the MNIST
# example instead (dlc examples/mnist.dl -o build/mnist && build/mnist).
demo=examples/backprop.dl
if [ ! -f "$demo" ]; then
  echo "demo: $demo not found; nothing to run"
  exit 0
fi
status=0
build/bin/dlc --check "$demo" || status=$?
if [ "$status" -eq 0 ]; then
  echo "demo: dlc --check $demo: no errors"
else
  echo "demo: dlc --check $demo failed (exit $status)"
fi
exit "$status"
