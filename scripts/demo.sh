#!/usr/bin/env bash
# shipshape's main job on the bundled example, on a fresh Debian 12 machine (as root, Node.js present):
# install, build, assemble the example image reproducibly (twice, to show the digest does not change), then
# `shipshape inspect` it and `shipshape copy` it to a docker archive, an OCI layout and — when a Docker engine
# answers — into the engine, and run it there.
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

step "assemble the example image (examples/hello-image/assemble.sh), twice"
mkdir -p "$out"
first=$(bash examples/hello-image/assemble.sh "$out/hello-oci" latest)
second=$(bash examples/hello-image/assemble.sh "$out/hello-oci-again" latest)
echo "first:  $first"
echo "second: $second"
if [ "$first" != "$second" ]; then echo "demo: the example is not reproducible" >&2; exit 1; fi
echo "reproducible: both assemblies have the same manifest digest"
rm -rf "$out/hello-oci-again"

step "shipshape inspect oci:$out/hello-oci:latest"
shipshape inspect "oci:$out/hello-oci:latest"

step "shipshape copy → docker archive, OCI layout"
rm -rf "$out/hello.tar" "$out/hello-copy"
shipshape copy "oci:$out/hello-oci:latest" "docker-archive:$out/hello.tar:shipshape-example/hello:latest"
shipshape copy "oci:$out/hello-oci:latest" "oci:$out/hello-copy:latest"
ls -l "$out/hello.tar"
step "shipshape inspect docker-archive:$out/hello.tar"
shipshape inspect "docker-archive:$out/hello.tar"

if "$docker" version >/dev/null 2>&1; then
  step "shipshape copy → the Docker engine, then docker run"
  shipshape copy "oci:$out/hello-oci:latest" docker-daemon:shipshape-example/hello:latest
  "$docker" run --rm --network none shipshape-example/hello:latest
else
  step "no Docker engine answers: skipped copying into the engine (bash scripts/testenv.sh up starts one)"
fi

step "done: results in $out"
