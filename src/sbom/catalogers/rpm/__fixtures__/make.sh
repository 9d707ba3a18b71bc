#!/usr/bin/env bash
# Builds three tiny noarch rpms with rpmbuild and registers them (--justdb) in a fresh sqlite rpmdb; see README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
spec() { # name version release epoch license files...
  local name=$1 version=$2 release=$3 epoch=$4 license=$5; shift 5
  {
    echo "Name: $name"; echo "Version: $version"; echo "Release: $release"
    [ -n "$epoch" ] && echo "Epoch: $epoch"
    echo "Summary: $name, a fixture package"; echo "License: $license"; echo "BuildArch: noarch"
    echo "%description"; echo "A fixture package for shipshape's rpm cataloger."
    echo "%install"
    for f in "$@"; do echo "mkdir -p %{buildroot}$(dirname "$f") && echo $name > %{buildroot}$f"; done
    echo "%files"
    for f in "$@"; do echo "$f"; done
  } >"$work/$name.spec"
  rpmbuild --quiet -bb --define "_topdir $work/top" --define '_build_id_links none' "$work/$name.spec" >/dev/null
}
spec hello 2.12.1 3.el9 '' GPL-3.0-or-later /usr/bin/hello /usr/share/doc/hello/README
spec tzdata-lite 2024a 1.fc40 '' 'Public Domain' /usr/share/zoneinfo/UTC
spec openssl-fake 3.0.7 27.el9 1 'Apache-2.0' /etc/pki/tls/openssl.cnf /usr/lib64/libssl.so.3 /usr/lib64/libcrypto.so.3
db="$work/db"
mkdir -p "$db"
rpm --define '_db_backend sqlite' --dbpath "$db" --initdb
rpm --define '_db_backend sqlite' --dbpath "$db" -i --justdb --nodeps --noscripts --ignorearch --ignoreos "$work"/top/RPMS/noarch/*.rpm
rpm --define '_db_backend sqlite' --dbpath "$db" -qa --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{LICENSE}\n' | sort >"$out/rpm-qa.txt"
rpm --define '_db_backend sqlite' --dbpath "$db" -qal | sort >"$out/rpm-qal.txt"
# rpm checkpoints on exit: the -wal file is empty, so rpmdb.sqlite alone holds every package
cp "$db/rpmdb.sqlite" "$out/rpmdb.sqlite"
