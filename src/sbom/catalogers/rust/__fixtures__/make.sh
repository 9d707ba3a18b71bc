#!/usr/bin/env bash
# Builds the Rust fixture: a tiny binary from main.rs, with cargo-auditable's `.dep-v0` section (zlib-compressed
# dep-v0.json) added by objcopy, as cargo-auditable's linker step would. Needs rustc, objcopy (binutils) and node.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rustc -C opt-level=z -C strip=symbols -C panic=abort "$here/main.rs" -o "$work/plain"
node -e 'const fs=require("fs"),z=require("zlib");fs.writeFileSync(process.argv[2],z.deflateSync(Buffer.from(JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1],"utf8"))))))' "$here/dep-v0.json" "$work/dep-v0.z"
objcopy --add-section .dep-v0="$work/dep-v0.z" --set-section-flags .dep-v0=noload,readonly "$work/plain" "$out/hello"
