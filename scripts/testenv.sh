#!/usr/bin/env bash
# The end-to-end test environment on a Debian 12 machine (as root): Debian packages, a Docker engine without its
# bridge network, two loopback registries (plain on 127.0.0.1:5000, htpasswd on 127.0.0.1:5001) and the fixture
# images the e2e suite needs, built from .deb files and cached by a hash of their inputs.
#   bash scripts/testenv.sh up     # install what is missing, start what does not answer, build missing fixtures
#   bash scripts/testenv.sh down   # stop only what `up` started (pid files)
# Anything already answering (an engine, a registry started by someone else) is reused and never stopped.
# See docs/testing.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# One state folder per checkout, so that `down` in one checkout never stops what another one started.
state=${SHIPSHAPE_TESTENV_DIR:-/tmp/shipshape-testenv-$(printf '%s' "$root" | sha256sum | cut -c1-12)}
cache=${SHIPSHAPE_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape-testenv}
docker=/usr/bin/docker # Debian's client (20.10) has BuildKit built in; a newer one in /usr/local/bin may lack buildx
# The same overrides as test/e2e/env.ts; registries listen on 127.0.0.1 only.
registry_port=${SHIPSHAPE_TEST_REGISTRY:-127.0.0.1:5000}
registry_port=${registry_port##*:}
auth_registry_port=${SHIPSHAPE_TEST_AUTH_REGISTRY:-127.0.0.1:5001}
auth_registry_port=${auth_registry_port##*:}
# Must match test/e2e/env.ts.
auth_user=shipshape
auth_password=test-password-0
packages=(docker.io docker-registry skopeo umoci debootstrap apache2-utils shellcheck zstd xz-utils curl ca-certificates openssl podman)
extra_packages=(chromium golang-1.19-go rpm libcommons-lang3-java openjdk-17-jdk-headless binutils) # HTML report tests; SBOM ground truth (go version -m, rpm -qa, jars with pom.properties); keytool and javac for the Java cacerts checks; strip and readelf for the ELF stripper's tests; their recommends are not needed

say() { echo "testenv: $*"; }
die() { echo "testenv: error: $*" >&2; exit 1; }

apt_updated=
policy=/usr/sbin/policy-rc.d
own_policy=
apt_update_once() {
  [ -n "$apt_updated" ] && return 0
  say "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$state/apt.log" 2>&1 || { cat "$state/apt.log" >&2; die "apt-get update failed"; }
  apt_updated=1
}

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

install_packages() {
  local -a missing extra
  mapfile -t missing < <(missing_packages "${packages[@]}")
  mapfile -t extra < <(missing_packages "${extra_packages[@]}")
  if [ ${#missing[@]} -eq 0 ] && [ ${#extra[@]} -eq 0 ]; then
    say "packages: all present"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "missing packages (${missing[*]} ${extra[*]}) and not root"
  apt_update_once
  export DEBIAN_FRONTEND=noninteractive
  # Keep apt from starting services while installing (Debian's policy-rc.d convention): docker.io's own start
  # would bring up the default bridge with private-range addresses. We start dockerd ourselves, without it.
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && own_policy=1
    trap 'if [ -n "$own_policy" ]; then rm -f "$policy"; fi' EXIT
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get install -y -qq "${missing[@]}" >>"$state/apt.log" 2>&1 || { tail -n 30 "$state/apt.log" >&2; die "apt-get install failed"; }
  fi
  if [ ${#extra[@]} -gt 0 ]; then
    say "installing ${extra[*]}"
    apt-get install -y -qq --no-install-recommends "${extra[@]}" >>"$state/apt.log" 2>&1 || { tail -n 30 "$state/apt.log" >&2; die "apt-get install failed"; }
  fi
  if [ -n "$own_policy" ]; then rm -f "$policy" && own_policy=; fi
}

# Starts a detached background process and records its pid, so that `down` can stop exactly it.
start_background() {
  local name=$1
  shift
  setsid nohup "$@" >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

wait_for() {
  local what=$1 tries=$2
  shift 2
  local i
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$what did not answer; see $state/*.log"
}

engine_answers() { "$docker" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_engine() {
  if engine_answers; then
    say "docker engine: reusing the one that answers ($("$docker" version --format '{{.Server.Version}}'))"
    return 0
  fi
  say "docker engine: starting dockerd --bridge=none --iptables=false --ip-masq=false"
  start_background dockerd dockerd --bridge=none --iptables=false --ip-masq=false
  wait_for "dockerd" 120 engine_answers
}

# Podman's Docker-compatible API on a unix socket, for the docker-daemon: transport (DOCKER_HOST=unix://…).
# Rootful with vfs storage: overlay needs kernel and mount support these machines may not give a nested setup.
podman_sock=${SHIPSHAPE_TEST_PODMAN_SOCK:-/tmp/podman-shipshape.sock}
podman_answers() { curl -sf -o /dev/null -m 3 --unix-socket "$podman_sock" http://podman/_ping; }

start_podman() {
  if podman_answers; then
    say "podman service: reusing the one that answers on $podman_sock"
    return 0
  fi
  say "podman service: starting on $podman_sock (vfs storage)"
  rm -f "$podman_sock"
  start_background podman podman --storage-driver vfs system service --time=0 "unix://$podman_sock"
  wait_for "podman system service" 60 podman_answers
}

http_status() { curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$1/v2/" || true; }
registry_answers() { [ "$(http_status "$1")" = "$2" ]; }

start_registry() {
  local name=$1 port=$2 expect=$3 auth=$4
  if [ "$(http_status "$port")" != "000" ]; then
    registry_answers "$port" "$expect" || die "127.0.0.1:$port answers HTTP $(http_status "$port"), expected $expect from a registry"
    say "registry 127.0.0.1:$port: reusing the one that answers"
    return 0
  fi
  mkdir -p "$state/$name-data"
  {
    echo "version: 0.1"
    echo "log: { level: warn }"
    echo "storage:"
    echo "  filesystem: { rootdirectory: $state/$name-data }"
    echo "  delete: { enabled: true }"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    if [ "$auth" = htpasswd ]; then
      echo "auth:"
      echo "  htpasswd: { realm: shipshape-test, path: $state/htpasswd }"
    fi
  } >"$state/$name.yml"
  if [ "$auth" = htpasswd ]; then htpasswd -Bbc "$state/htpasswd" "$auth_user" "$auth_password" 2>/dev/null; fi
  say "registry 127.0.0.1:$port: starting${auth:+ ($auth: user $auth_user)}"
  start_background "$name" docker-registry serve "$state/$name.yml"
  wait_for "registry on 127.0.0.1:$port" 60 registry_answers "$port" "$expect"
}

# Fixture images: one folder per image under test/fixtures/images/NAME with a Dockerfile, a `packages` list of
# Debian packages unpacked into rootfs/, and any files it copies. Tagged shipshape-fixture/NAME:HASH (HASH covers the
# folder's files and each package's SHA256 in the archive), skipped when that tag exists, re-tagged :latest.
deb_sha256() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^SHA256: //p' | head -n 1; }

fixture_hash() {
  local dir=$1 p sum
  {
    (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    while read -r p; do
      [ -z "$p" ] || [ "${p#\#}" != "$p" ] && continue
      sum=$(deb_sha256 "$p")
      if [ -z "$sum" ]; then apt_update_once; sum=$(deb_sha256 "$p"); fi
      [ -n "$sum" ] || die "no Debian package $p"
      echo "$p $sum"
    done <"$dir/packages"
  } | sha256sum | cut -c1-16
}

build_fixture() {
  local dir=$1 name hash tag ctx p sum deb
  name=$(basename "$dir")
  hash=$(fixture_hash "$dir")
  tag=shipshape-fixture/$name:$hash
  if "$docker" image inspect "$tag" >/dev/null 2>&1; then
    say "fixture $tag: cached"
  else
    local started=$SECONDS
    ctx=$(mktemp -d "$state/fixture-$name.XXXXXX")
    cp -a "$dir/." "$ctx/"
    mkdir -p "$ctx/rootfs" "$cache/debs"
    while read -r p; do
      [ -z "$p" ] || [ "${p#\#}" != "$p" ] && continue
      sum=$(deb_sha256 "$p")
      deb=$cache/debs/${p}_$sum.deb
      if [ ! -f "$deb" ] || [ "$(sha256sum <"$deb" | cut -c1-64)" != "$sum" ]; then
        (cd "$ctx" && apt-get download -qq "$p" >/dev/null 2>&1) || { apt_update_once; (cd "$ctx" && apt-get download -qq "$p"); }
        mv "$ctx"/"${p}"_*.deb "$deb"
        [ "$(sha256sum <"$deb" | cut -c1-64)" = "$sum" ] || { rm -f "$deb"; die "$p: downloaded .deb does not match the archive's SHA256"; }
      fi
      dpkg-deb -x "$deb" "$ctx/rootfs"
    done <"$dir/packages"
    if [ -x "$ctx/rootfs/bin/busybox" ] && [ ! -e "$ctx/rootfs/bin/sh" ]; then ln -s busybox "$ctx/rootfs/bin/sh"; fi
    DOCKER_BUILDKIT=1 "$docker" build -q --network none -t "$tag" "$ctx" >"$state/fixture-$name.log" 2>&1 ||
      { cat "$state/fixture-$name.log" >&2; die "building fixture $name failed"; }
    rm -rf "$ctx"
    say "fixture $tag: built in $((SECONDS - started)) s"
  fi
  "$docker" tag "$tag" "shipshape-fixture/$name:latest"
}

stop_started() {
  local pidfile name pid i
  shopt -s nullglob
  for pidfile in "$state"/*.pid; do
    name=$(basename "$pidfile" .pid)
    pid=$(cat "$pidfile")
    # Only a live process that is still what we started (pids get reused).
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "${name%%-*}"; then
      say "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  up)
    mkdir -p "$state"
    started=$SECONDS
    install_packages
    start_engine
    start_registry registry "$registry_port" 200 ''
    start_registry registry-auth "$auth_registry_port" 401 htpasswd
    start_podman
    for dir in "$root"/test/fixtures/images/*/; do build_fixture "${dir%/}"; done
    say "ready in $((SECONDS - started)) s (state in $state)"
    ;;
  down)
    if [ -n "${SHIPSHAPE_TESTENV_KEEP:-}" ]; then say "SHIPSHAPE_TESTENV_KEEP is set: leaving everything running"; exit 0; fi
    [ -d "$state" ] || exit 0
    stop_started
    rm -rf "$state"/registry-data "$state"/registry-auth-data
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
