#!/usr/bin/env bash
# Writes a small dpkg database and apt's record of what was installed automatically, from this Debian machine:
#   OUT/status           the paragraphs `dpkg-query -s` prints for PACKAGES (their real Depends and Pre-Depends)
#   OUT/extended_states  what apt-mark writes when all but MANUAL are marked automatically installed, as
#                        `apt-get install MANUAL` leaves it
#   OUT/showmanual.txt   `apt-mark showmanual` over that database: apt's own answer to "what was asked for"
# apt-mark works on a private copy of apt's state (Dir::State, Dir::Cache), offline, with no sources.
set -euo pipefail
out=${1:?usage: make.sh OUTDIR}
PACKAGES=${PACKAGES:-"base-files gcc-12-base libc6 libgcc-s1 libtinfo6 bash debianutils mawk"}
MANUAL=${MANUAL:-"bash mawk libtinfo6"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/state/lists" "$work/cache"
for p in $PACKAGES; do dpkg-query -s "$p"; echo; done > "$out/status"
apt_mark() {
  apt-mark -o Dir::State::status="$out/status" -o Dir::State="$work/state" -o Dir::State::Lists="$work/state/lists" \
    -o Dir::Cache="$work/cache" -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/none" \
    -o Debug::NoLocking=1 "$@" 2>/dev/null
}
auto=()
for p in $PACKAGES; do case " $MANUAL " in *" $p "*) ;; *) auto+=("$p") ;; esac; done
apt_mark auto "${auto[@]}" >/dev/null
cp "$work/state/extended_states" "$out/extended_states"
apt_mark showmanual > "$out/showmanual.txt"
