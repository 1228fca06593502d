#!/usr/bin/env bash
# Reads curate's shards with an independent Arrow implementation (npm
# apache-arrow, installed under tools/ by `make test`): a DatasetDict written by
# the shards package, and, when they exist, the demo's fetch output and dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d tools/node_modules/apache-arrow ] || (cd tools && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CURATE_SHARDS_FIXTURE="$tmp/fixture" go test -count=1 -run TestWriteFixtureForOtherReaders ./shards >/dev/null
dirs=("$tmp/fixture")
if [ -x bin/curate ] && bin/curate demo --help >/dev/null 2>&1 && [ "${SKIP_DEMO:-}" = "" ]; then
  if bin/curate --quiet demo --out "$tmp/demo" >"$tmp/demo.log" 2>&1; then
    for d in "$tmp/demo/fetch" "$tmp/demo/filtered" "$tmp/demo/dataset"; do
      [ -e "$d/state.json" ] || [ -e "$d/dataset_dict.json" ] && dirs+=("$d")
    done
  else
    echo "curate demo failed:"; cat "$tmp/demo.log"; exit 1
  fi
fi
node tools/check-arrow.mjs "${dirs[@]}"
