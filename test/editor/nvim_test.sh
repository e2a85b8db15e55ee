#!/bin/sh
# Neovim end to end: a headless Neovim with its built-in LSP client runs
# `dlc lsp` on a .dl file with a shape error and checks the diagnostic's line
# and hover's shape, plus the Vim syntax files under editor/vim (init.lua has
# the checks).
#
# usage: nvim_test.sh PATH/TO/dlc
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "nvim_test: error: usage: nvim_test.sh PATH/TO/dlc (an executable)" >&2
  exit 2
fi
dlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

if ! command -v nvim >/dev/null 2>&1; then
  echo "nvim_test: error: Neovim (nvim, 0.7 or later) is not installed, so the editor test cannot run." >&2
  echo "nvim_test: install it with scripts/install-deps.sh (or: apt-get install -y neovim)." >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/shape_error.dl" "$work/shape_error.dl"
# Keep Neovim away from the user's config, data and logs.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" \
       XDG_CACHE_HOME="$work/cache"

echo "nvim_test: $(nvim --version | head -n 1), dlc: $dlc"
DLC="$dlc" DL_FILE="$work/shape_error.dl" EDITOR_DIR="$root/editor" RESULT="$work/result.txt" \
  timeout 120 nvim --headless -n -i NONE -u "$here/init.lua" </dev/null >"$work/nvim.log" 2>&1
status=$?

if [ -f "$work/result.txt" ]; then
  cat "$work/result.txt"
else
  echo "FAIL: Neovim wrote no results (exit status $status)"
  cat "$work/nvim.log"
  exit 1
fi
if [ $status -ne 0 ] || grep -q '^FAIL' "$work/result.txt"; then
  [ $status -eq 124 ] && echo "FAIL: Neovim timed out"
  echo "nvim_test: FAILED (exit status $status)"
  exit 1
fi
echo "nvim_test: all checks passed"
