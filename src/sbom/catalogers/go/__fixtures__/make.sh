#!/usr/bin/env bash
# Rebuilds the Go fixture binary and its ground truth with Debian's Go 1.19 (apt-get install golang-1.19-go).
# No network: the dependencies are vendored (hello-src/vendor), one of them replaced by a local directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
export PATH=/usr/lib/go-1.19/bin:$PATH GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED=0
export GOCACHE=${GOCACHE:-$(mktemp -d)} GOPATH=${GOPATH:-$(mktemp -d)}
cd "$here/hello-src"
go build -buildvcs=false -trimpath -ldflags='-s -w' -o "$out/hello" .
(cd "$out" && go version -m hello) >"$out/hello.go-version-m.txt"
