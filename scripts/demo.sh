#!/usr/bin/env bash
# Builds dlc and runs the main demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh

# The demo compiles and runs the lecture's worked backpropagation example
# and the seeded-tensor example, then shows a shape error caught at compile
# time. TODO(issue 4): train examples/mnist.dl instead, once data loading lands.
mkdir -p build/demo
for example in backprop tensors; do
  echo "== dlc examples/$example.dl -o build/demo/$example && build/demo/$example"
  build/bin/dlc "examples/$example.dl" -o "build/demo/$example"
  "build/demo/$example"
  echo
done
echo "== dlc --check examples/shape_error.dl (a shape error, reported before anything runs)"
if build/bin/dlc --check examples/shape_error.dl; then
  echo "demo: expected a shape error" >&2
  exit 1
fi
