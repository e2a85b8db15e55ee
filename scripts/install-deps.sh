#!/usr/bin/env bash
# Installs the Debian packages dlc needs to build, test and run its demos.
# Idempotent: packages already present are left alone, and nothing touches
# the network when everything is installed.
set -euo pipefail

packages=(
  # build tools
  cmake ninja-build g++
  # LLVM 19: code generation, FileCheck/not/lit for the tests, clang for fuzzing
  llvm-19-dev llvm-19-tools libzstd-dev zlib1g-dev clang-19 libclang-rt-19-dev
  # the parser generator and its C++ runtime
  antlr4 libantlr4-runtime-dev
  # C++ libraries: command line, JSON, formatting, unit tests
  libcli11-dev nlohmann-json3-dev libfmt-dev libgtest-dev googletest
  # PNG encoding for the pictures programs draw (plot, plot_boundary)
  libpng-dev
  # lit runs on python; PyTorch and friends check numbers against the reference
  python3 python3-torch python3-sklearn python3-numpy
  # editor support
  neovim
)

missing=()
for pkg in "${packages[@]}"; do
  # dpkg -s also knows removed packages whose config files remain: read the status.
  if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all dependencies present"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: not root and no sudo; install them by hand" >&2
    exit 1
  fi
fi

"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
