#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian 12 machine (as root) and runs them all:
# typecheck, lint, unit tests and end-to-end tests against a real Docker engine and registry.
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

phase_start=$(date +%s)
phase() {
  local now
  now=$(date +%s)
  if [ -n "${phase_name:-}" ]; then echo "== phase '${phase_name}' took $((now - phase_start)) s"; fi
  phase_name=$1
  phase_start=$now
  [ -n "$1" ] && echo "== phase '$1'"
  return 0
}

phase 'npm ci'
# shellcheck source=scripts/node-headers.sh
. scripts/node-headers.sh
npm ci --no-audit --no-fund --foreground-scripts=false >/tmp/shipshape-npm-ci.log 2>&1 || { cat /tmp/shipshape-npm-ci.log; exit 1; }
# npm 11 skips install scripts not approved in allowScripts; rebuild the native ones explicitly
bash scripts/native-modules.sh >>/tmp/shipshape-npm-ci.log 2>&1 || { cat /tmp/shipshape-npm-ci.log; exit 1; }

if [ -x scripts/testenv.sh ]; then
  phase 'test environment'
  bash scripts/testenv.sh up
  trap 'bash scripts/testenv.sh down || true' EXIT
fi

phase 'typecheck'
npm run --silent typecheck
phase 'lint'
npm run --silent lint
phase 'build'
npm run --silent build
phase 'tests'
report=$(mktemp /tmp/shipshape-vitest.XXXXXX.json)
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$report"
status=$?
set -e
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
phase ''
exit $status
