#!/usr/bin/env bash
# shipshape's main job on the bundled example, on a fresh Debian 12 machine (as root, Node.js present):
# install and build shipshape, then `shipshape check examples/naive-node-app` — the naive Dockerfile linted and
# fixed, the build context explained, the app assembled without an engine (`shipshape build`) and measured
# (size, layers, waste, packages, vulnerabilities, user, secrets, build times). When a Docker engine answers, the
# naive and the fixed Dockerfile are built and measured too, on local stand-ins for `node:20` and `node:20-slim`
# assembled from Debian packages (no public registry needed).
#   bash scripts/demo.sh            # results under /tmp/shipshape-demo (SHIPSHAPE_DEMO_DIR to change)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${SHIPSHAPE_DEMO_DIR:-/tmp/shipshape-demo}
docker=/usr/bin/docker
[ -x "$docker" ] || docker=docker

step() { printf '\n== %s\n' "$*"; }

step "install (npm ci) and build"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # shellcheck source=scripts/node-headers.sh
  . scripts/node-headers.sh
  npm ci --no-audit --no-fund >/tmp/shipshape-demo-npm.log 2>&1 || { cat /tmp/shipshape-demo-npm.log; exit 1; }
  # npm 11 skips install scripts not approved in allowScripts; build the native ones explicitly
  bash scripts/native-modules.sh >>/tmp/shipshape-demo-npm.log 2>&1 || { cat /tmp/shipshape-demo-npm.log; exit 1; }
else
  echo "node_modules is up to date"
fi
npm run --silent build
shipshape() { node dist/cli/main.js "$@"; }
mkdir -p "$out"

args=()
if "$docker" version >/dev/null 2>&1; then
  # builds run on the host network: these machines allow no bridge network
  printf 'engine:\n  cli: %s\n  network: host\n' "$docker" >"$out/shipshape.yaml"
  args+=(--config "$out/shipshape.yaml")
  # local stand-ins for node:20 (a full image like the official one: buildpack-deps with compilers and -dev
  # libraries, ~950 MB) and node:20-slim (lean), assembled from Debian packages; one definition with the tests
  # (test/e2e/stand-ins.ts), built once and tagged by a hash of its inputs (the first build takes a few minutes)
  step "local stand-ins for node:20 and node:20-slim"
  standins=$(node_modules/.bin/vite-node test/e2e/stand-ins-cli.ts -- node:20 node:20-slim)
  mapfile -t standin_args <<<"$standins"
  args+=("${standin_args[@]}")
else
  step "no Docker engine answers: the daemonless path only (bash scripts/testenv.sh up starts an engine)"
fi

step "shipshape check examples/naive-node-app"
# exit 1 (thresholds) or 4 (the engine could not build the fixed Dockerfile) still leave the report to read
code=0
shipshape check examples/naive-node-app "${args[@]}" --export-json "$out/check.json" --export-html "$out/check.html" || code=$?

step "done (exit $code): the report in $out/check.html and $out/check.json; apply the fixes with --write"
exit "$code"
