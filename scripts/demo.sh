#!/usr/bin/env bash
# shipshape's main job on the bundled example, on a fresh Debian 12 machine (as root, Node.js present):
# install and build shipshape, then `shipshape check examples/naive-node-app` — the naive Dockerfile linted and
# fixed, the build context explained, the app assembled without an engine (`shipshape build`) and measured
# (size, layers, waste, packages, vulnerabilities, user, secrets, build times). When a Docker engine answers, the
# naive and the fixed Dockerfile are built and measured too, on a local stand-in for `node:20` assembled from
# Debian packages (no public registry needed).
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
  # a stand-in for node:20 (and node:20-slim, which lint's fix picks): the nodejs base from Debian packages, npm
  # from this machine's Node.js, the `node` user of the official image; built once, tagged by a hash of its inputs
  npm_dir=$(npm root -g)/npm
  wrap=$(printf 'FROM %s\nENV PATH=/nodejs/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root\nCOPY npm /usr/local/lib/node_modules/npm\nCOPY npm.sh /usr/local/bin/npm\nRUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home --shell /bin/sh node\n' BASE)
  hash=$(printf '%s|%s|%s' "$(node --version)" "$(sha256sum <"$npm_dir/package.json")" "$wrap" | sha256sum | cut -c1-12)
  standin="shipshape-demo/node:20-$hash"
  if ! "$docker" image inspect "$standin" >/dev/null 2>&1; then
    step "a local stand-in for node:20 ($standin)"
    shipshape base build --preset nodejs --package dash --package passwd --output-image "docker-daemon:$standin-base" >/dev/null
    ctx=$(mktemp -d)
    cp -r "$npm_dir" "$ctx/npm"
    printf '#!/bin/sh\nexec /nodejs/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >"$ctx/npm.sh"
    chmod 755 "$ctx/npm.sh"
    printf '%s\n' "${wrap/BASE/$standin-base}" >"$ctx/Dockerfile"
    DOCKER_BUILDKIT=1 "$docker" build -q --network host -t "$standin" "$ctx" >/dev/null
    rm -rf "$ctx"
  fi
  args+=(--base-map "node:20=$standin" --base-map "node:20-slim=$standin")
else
  step "no Docker engine answers: the daemonless path only (bash scripts/testenv.sh up starts an engine)"
fi

step "shipshape check examples/naive-node-app"
# exit 1 (thresholds) or 4 (the engine could not build the fixed Dockerfile) still leave the report to read
code=0
shipshape check examples/naive-node-app "${args[@]}" --export-json "$out/check.json" --export-html "$out/check.html" || code=$?

step "done (exit $code): the report in $out/check.html and $out/check.json; apply the fixes with --write"
exit "$code"
