#!/bin/sh
# Builds the stand-ins for sharp's prebuilt addon and the libvips it bundles (see README.md). Needs gcc and libffi-dev.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'extern int ffi_prep_cif(void); int vips_init(void) { return ffi_prep_cif != 0; }\n' > "$tmp/vips.c"
printf 'extern int vips_init(void); int addon_init(void) { return vips_init(); }\n' > "$tmp/addon.c"
flags='-shared -fPIC -Os -s -Wl,--no-as-needed -Wl,--build-id=none'
# the bundled library: soname libvips-cpp.so.42, links the system's libffi
gcc $flags -Wl,-soname,libvips-cpp.so.42 -o libvips-cpp.so.42 "$tmp/vips.c" -lffi
# the addon: links libvips-cpp.so.42, found through its DT_RUNPATH beside the addon's package, as sharp's is
gcc $flags -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../../sharp-libvips-linux-x64/lib' -o sharp-linux-x64.node "$tmp/addon.c" -L. -l:libvips-cpp.so.42
# the same addon with DT_RPATH (the older linkers' default) and ${ORIGIN}
gcc $flags -Wl,--disable-new-dtags -Wl,-rpath,'${ORIGIN}/../../sharp-libvips-linux-x64/lib' -o sharp-linux-x64-rpath.node "$tmp/addon.c" -L. -l:libvips-cpp.so.42
