# shellcheck shell=bash
# Sourced by the set-up scripts. Native modules (zstd-napi, better-sqlite3) compile with node-gyp, which would
# download Node's headers; only the npm registry is reachable here, so point it at the headers installed beside
# node (/usr/include/node) unless npm is already configured with a nodedir.
if [ -f /usr/include/node/node.h ] && [ -z "${npm_config_nodedir:-}" ]; then
  case "$(npm config get nodedir 2>/dev/null)" in
    "" | undefined | null) export npm_config_nodedir=/usr ;;
  esac
fi
# node-gyp also needs a C++ compiler, make and python3; a fresh Debian machine with only Node.js may lack them.
# As root with apt, install the missing ones (Debian's archive is reachable); otherwise leave it to npm to report.
if ! command -v g++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing g++, make and python3 for native npm modules"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++ make python3 >/dev/null
  fi
fi
