#!/usr/bin/env bash
# The test command: builds everything, then runs every test (unit and lit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/build.sh
status=0
ctest --test-dir build --output-on-failure -j2 || status=$?
exit "$status"
