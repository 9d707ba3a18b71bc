#!/usr/bin/env bash
# Builds the native npm modules that did not build during `npm ci`: npm 11 skips install scripts that package.json's
# allowScripts does not approve, and older npm runs them. Each is probed first so nothing compiles twice.
set -euo pipefail
cd "$(dirname "$0")/.."
probe() {
  case $1 in
    zstd-napi) node -e "require('zstd-napi').compress(Buffer.from('x'))" ;;
    better-sqlite3) node -e "new (require('better-sqlite3'))(':memory:').close()" ;;
    esbuild) node -e "require('esbuild').transformSync('1')" ;;
  esac
}
for module in zstd-napi better-sqlite3 esbuild; do
  if ! probe "$module" >/dev/null 2>&1; then
    echo "building native module $module"
    npm rebuild "$module" >/dev/null
    probe "$module" >/dev/null || { echo "error: $module does not load after npm rebuild" >&2; exit 1; }
  fi
done
