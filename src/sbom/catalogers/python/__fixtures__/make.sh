#!/usr/bin/env bash
# Copies the metadata of a few of Debian 12's installed Python distributions from this machine's
# /usr/lib/python3/dist-packages into OUT/dist-packages: each folder's METADATA or PKG-INFO up to its first blank line
# (the header fields; the long description is left out) and an egg-info's requires.txt as it is.
set -euo pipefail
out=${1:?usage: make.sh OUTDIR}
src=${SRC:-/usr/lib/python3/dist-packages}
DIRS=${DIRS:-"httplib2-0.20.4.dist-info pyparsing-3.0.9.dist-info cryptography-38.0.4.dist-info PyGObject-3.42.2.egg-info lazr.restfulclient-0.14.5.egg-info Pygments-2.14.0.egg-info"}
rm -rf "$out/dist-packages"
for d in $DIRS; do
  mkdir -p "$out/dist-packages/$d"
  for f in METADATA PKG-INFO; do
    if [ -f "$src/$d/$f" ]; then sed '/^$/q' "$src/$d/$f" > "$out/dist-packages/$d/$f"; fi
  done
  if [ -f "$src/$d/requires.txt" ]; then cp "$src/$d/requires.txt" "$out/dist-packages/$d/requires.txt"; fi
done
