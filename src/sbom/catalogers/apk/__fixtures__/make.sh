#!/usr/bin/env bash
# Builds two Alpine-style root filesystems from `installed` (an apk installed database) and `os-release`:
#   OUT/base    the database without the packages in ADDED, and those packages' files
#   OUT/rootfs  the whole database, every file it lists (what `apk add ssl_client` on top of base leaves)
# Every `R:` entry becomes a small regular file (placeholder content naming the path) inside its `F:` directory;
# `/etc/apk/world` is written too and owned by no package, as on a real Alpine system.
set -euo pipefail
out=${1:?usage: make.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
ADDED=${ADDED:-"libssl3 ssl_client"}

populate() { # $1 = root, $2 = database file
  local root=$1 db=$2
  mkdir -p "$root/lib/apk/db" "$root/etc/apk"
  cp "$db" "$root/lib/apk/db/installed"
  cp "$here/os-release" "$root/etc/os-release"
  awk -F: -v root="$root" '
    /^F:/ { dir = substr($0, 3); system("mkdir -p \"" root "/" dir "\"") }
    /^R:/ { path = dir "/" substr($0, 3); print "placeholder: /" path > (root "/" path); close(root "/" path) }
  ' "$db"
}

rm -rf "$out/base" "$out/rootfs"
mkdir -p "$out"
# the base database: every record whose P: is not in ADDED (records are separated by blank lines)
awk -v added=" $ADDED " 'BEGIN { RS = ""; ORS = "\n\n" } { n = split($0, l, "\n"); name = ""; for (i = 1; i <= n; i++) if (l[i] ~ /^P:/) name = substr(l[i], 3); if (index(added, " " name " ") == 0) print }' "$here/installed" > "$out/base.installed"
populate "$out/base" "$out/base.installed"
printf 'alpine-baselayout\n' > "$out/base/etc/apk/world"
populate "$out/rootfs" "$here/installed"
printf 'alpine-baselayout\nssl_client\n' > "$out/rootfs/etc/apk/world"
rm "$out/base.installed"
