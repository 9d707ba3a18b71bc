#!/usr/bin/env bash
# Checks the hand-made vendored project with cargo itself and records cargo's view of each crate's license as the
# ground truth (vendored-src.licenses.json). Needs cargo; no network (`--offline --locked`, vendored sources).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/vendored-src" "$work/p"
cd "$work/p"
cargo build --offline --locked --quiet
cargo metadata --offline --locked --format-version 1 |
  python3 -c 'import json, sys; d = json.load(sys.stdin); print(json.dumps(sorted([{"name": p["name"], "version": p["version"], "license": p["license"], "license_file": p["license_file"]} for p in d["packages"]], key=lambda p: p["name"]), indent=1))' \
  >"$here/vendored-src.licenses.json"
