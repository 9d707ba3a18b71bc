# shellcheck shell=bash
# Sourced by the set-up scripts. Native modules (zstd-napi, better-sqlite3) compile with node-gyp, which would
# download Node's headers; only the npm registry is reachable here, so point it at the headers installed beside
# node (/usr/include/node) unless npm is already configured with a nodedir.
if [ -f /usr/include/node/node.h ] && [ -z "${npm_config_nodedir:-}" ]; then
  case "$(npm config get nodedir 2>/dev/null)" in
    "" | undefined | null) export npm_config_nodedir=/usr ;;
  esac
fi
