#!/usr/bin/env bash
# Assembles the bundled example image reproducibly, without any registry: an OCI image layout with two layers,
#   1. busybox-static from Debian's archive (apt-get download, checked against the SHA256 in the archive's index),
#   2. a small application this script writes (a greeting script, /etc/passwd for a non-root user).
# Same inputs → the same bytes → the same manifest digest: sorted tar entries, fixed owners and mtimes
# (SOURCE_DATE_EPOCH, default 2024-01-01), `gzip -n`, JSON written byte for byte.
#   bash examples/hello-image/assemble.sh OUT_DIR [TAG]     # then: shipshape inspect oci:OUT_DIR:TAG
# Prints the manifest digest on stdout; progress on stderr.
set -euo pipefail
export LC_ALL=C

out=${1:?usage: assemble.sh OUT_DIR [TAG]}
tag=${2:-latest}
epoch=${SOURCE_DATE_EPOCH:-1704067200}
package=busybox-static
cache=${SHIPSHAPE_EXAMPLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape-example}
log() { echo "assemble: $*" >&2; }

case "$(dpkg --print-architecture)" in
  amd64) arch=amd64 ;;
  arm64) arch=arm64 ;;
  *) echo "assemble: unsupported architecture $(dpkg --print-architecture)" >&2; exit 1 ;;
esac

work=$(mktemp -d)
chmod 0755 "$work" # apt-get download runs as _apt
trap 'rm -rf "$work"' EXIT

# --- the Debian package, verified --------------------------------------------------------------------------
archive_sha256() { apt-cache show --no-all-versions "$package" 2>/dev/null | sed -n 's/^SHA256: //p' | head -n 1; }
sum=$(archive_sha256)
if [ -z "$sum" ]; then
  log "apt-get update (no package index yet)"
  apt-get update -qq >&2
  sum=$(archive_sha256)
fi
[ -n "$sum" ] || { echo "assemble: $package is not in the package index" >&2; exit 1; }
version=$(apt-cache show --no-all-versions "$package" | sed -n 's/^Version: //p' | head -n 1)
mkdir -p "$cache"
deb=$cache/${package}_${sum}.deb
if [ ! -f "$deb" ] || [ "$(sha256sum <"$deb" | cut -c1-64)" != "$sum" ]; then
  log "downloading $package $version"
  (cd "$work" && apt-get download -qq "$package=$version" >&2)
  mv "$work"/"$package"_*.deb "$deb.tmp"
  mv "$deb.tmp" "$deb"
fi
if [ "$(sha256sum <"$deb" | cut -c1-64)" != "$sum" ]; then
  rm -f "$deb"
  echo "assemble: $package $version does not match the archive's SHA256 $sum" >&2
  exit 1
fi
log "$package $version (sha256 $sum)"

# --- layer 1: busybox --------------------------------------------------------------------------------------
base=$work/base
mkdir -p "$work/deb" "$base/bin" "$base/usr/share/doc/$package"
dpkg-deb -x "$deb" "$work/deb"
install -m 0755 "$work/deb/bin/busybox" "$base/bin/busybox"
install -m 0644 "$work/deb/usr/share/doc/$package/copyright" "$base/usr/share/doc/$package/copyright"
ln -s busybox "$base/bin/sh"

# --- layer 2: the application ------------------------------------------------------------------------------
app=$work/app
mkdir -p "$app/app" "$app/etc"
cat >"$app/app/hello.sh" <<'EOF'
#!/bin/sh
# The example's entrypoint: a greeting, then what the image is made of.
echo "Hello from shipshape's example image!"
echo "user: $(id -un) ($(id -u)), busybox: $(busybox | head -n 1)"
EOF
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$app/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$app/etc/group"
chmod 0755 "$app/app" "$app/etc" "$app/app/hello.sh"
chmod 0644 "$app/etc/passwd" "$app/etc/group"

# --- reproducible layer blobs ------------------------------------------------------------------------------
blobs=$work/layout/blobs/sha256
mkdir -p "$blobs"
find "$base" "$app" -exec touch -h -d "@$epoch" {} +
# tar_layer DIR → prints "diffid-hex size-of-blob blob-hex"
tar_layer() {
  local dir=$1 name
  name=$(basename "$dir")
  (cd "$dir" && LC_ALL=C tar --format=gnu --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -cf "$work/$name.tar" -- *)
  gzip -n -9 -c "$work/$name.tar" >"$work/$name.tar.gz"
  local diff blob size
  diff=$(sha256sum <"$work/$name.tar" | cut -c1-64)
  blob=$(sha256sum <"$work/$name.tar.gz" | cut -c1-64)
  size=$(stat -c %s "$work/$name.tar.gz")
  mv "$work/$name.tar.gz" "$blobs/$blob"
  echo "$diff $size $blob"
}
read -r base_diff base_size base_blob < <(tar_layer "$base")
read -r app_diff app_size app_blob < <(tar_layer "$app")

# put_blob FILE → moves FILE into blobs/, prints "hex size"
put_blob() {
  local hex size
  hex=$(sha256sum <"$1" | cut -c1-64)
  size=$(stat -c %s "$1")
  mv "$1" "$blobs/$hex"
  echo "$hex $size"
}

created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
printf '%s' \
  '{"architecture":"'"$arch"'","os":"linux","created":"'"$created"'",' \
  '"config":{"User":"65532:65532","Env":["PATH=/bin"],"Entrypoint":["/bin/sh","/app/hello.sh"],"WorkingDir":"/app",' \
  '"Labels":{"org.opencontainers.image.title":"shipshape hello example","org.opencontainers.image.description":"busybox-static '"$version"' from Debian 12 plus a greeting"}},' \
  '"rootfs":{"type":"layers","diff_ids":["sha256:'"$base_diff"'","sha256:'"$app_diff"'"]},' \
  '"history":[{"created":"'"$created"'","created_by":"examples/hello-image/assemble.sh: busybox-static '"$version"' from Debian"},' \
  '{"created":"'"$created"'","created_by":"examples/hello-image/assemble.sh: /app/hello.sh, /etc/passwd, /etc/group"}]}' \
  >"$work/config.json"
read -r config_hex config_size < <(put_blob "$work/config.json")

printf '%s' \
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' \
  '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$config_hex"'","size":'"$config_size"'},' \
  '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$base_blob"'","size":'"$base_size"'},' \
  '{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$app_blob"'","size":'"$app_size"'}]}' \
  >"$work/manifest.json"
read -r manifest_hex manifest_size < <(put_blob "$work/manifest.json")

printf '%s' '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"
printf '%s' \
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' \
  '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'"$manifest_hex"'","size":'"$manifest_size"',' \
  '"annotations":{"org.opencontainers.image.ref.name":"'"$tag"'"}}]}' \
  >"$work/layout/index.json"

# Replace OUT_DIR only when everything above succeeded, and only if it is empty or an OCI layout.
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/oci-layout" ]; then
  echo "assemble: $out exists and is not an OCI layout; not replacing it" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/layout" "$out"
total=$(du -sb "$out" | cut -f1)
log "wrote oci:$out:$tag ($total bytes)"
echo "sha256:$manifest_hex"
