#!/usr/bin/env bash
# Builds dlc and runs the main demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh

# Until dlc generates code (the next issue), the demo shows the front end:
# the checked types of the worked backpropagation example, and a shape error
# caught at compile time.
# TODO(codegen issue): compile and run examples/mnist.dl instead.
echo "== dlc --emit=ast examples/backprop.dl (the inferred type of every binding)"
build/bin/dlc --emit=ast examples/backprop.dl | grep -E '^  (let|var) '
echo
echo "== dlc --check examples/mlp.dl"
build/bin/dlc --check examples/mlp.dl && echo "no errors"
echo
echo "== dlc --check examples/shape_error.dl (a shape error, reported before anything runs)"
if build/bin/dlc --check examples/shape_error.dl; then
  echo "demo: expected a shape error" >&2
  exit 1
fi
