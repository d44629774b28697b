#!/usr/bin/env bash
# Runs this checkout's red-team suite (test/redteam) against the code of another revision, to show each test fails
# there and passes here (issue 9: "each test fails on today's main and passes after the change").
#
#   scripts/redteam-against.sh REV [test/redteam/FILE.test.ts ...]
#
# REV is checked out in a scratch git worktree (npm ci there), the suite and its helpers are copied in, each file
# runs with mocha's JSON reporter against REV and against this checkout, and one line per test is printed:
# "REV: fail | here: pass | file | test". A file that cannot load against REV (a module it imports did not exist)
# shows as one failed "(file did not load)" line. The scratch worktree is removed at the end unless
# REDTEAM_WORKTREE names an existing one to reuse (kept). Results: $REDTEAM_OUT (default: a temp folder).
# mocha runs with --exit: on old code a hostile wait (Retry-After: 3600) would otherwise keep it alive for an hour.
set -euo pipefail
rev=${1:?usage: scripts/redteam-against.sh REV [test files...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(cd "$here" && ls test/redteam/*.test.ts)
fi
out=${REDTEAM_OUT:-$(mktemp -d -t sale-redteam-XXXXXX)}
mkdir -p "$out/old" "$out/new"

scratch=${REDTEAM_WORKTREE:-}
if [ -z "$scratch" ]; then
  scratch=$(mktemp -d -t sale-redteam-rev-XXXXXX)/tree
  git -C "$here" worktree add --detach "$scratch" "$rev" >/dev/null
  trap 'git -C "$here" worktree remove --force "$scratch"' EXIT
  (cd "$scratch" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi

# The suite and what it needs that REV may lack; files of the same name in REV are kept aside and put back.
copy_in() {
  local rel=$1
  if [ -e "$scratch/$rel" ] && [ ! -e "$scratch/$rel.redteam-orig" ]; then mv "$scratch/$rel" "$scratch/$rel.redteam-orig"; fi
  mkdir -p "$(dirname "$scratch/$rel")"
  cp -r "$here/$rel" "$scratch/$rel"
}
for rel in test/redteam test/setupTestEnv.ts test/unit/helpers/execHelpers.ts; do copy_in "$rel"; done
# Test-side stand-ins (test/redteam/compat/) for modules REV lacks that a test imports only for its own expectations
# (the caps' numbers, whether bwrap exists), never the protection itself. Files that import the protection (the
# journal's recovery, the sanitiser, the secret scrubber) are left to fail to load, and the summary says so.
for pair in execLimits.ts:src/core/execution/execLimits.ts commandSandbox.ts:src/core/execution/commandSandbox.ts; do
  [ -e "$scratch/${pair#*:}" ] || cp "$here/test/redteam/compat/${pair%%:*}" "$scratch/${pair#*:}"
done

run_file() { # dir file jsonOut
  (cd "$1" && timeout 900 npx mocha --no-config --exit --require tsx/cjs --require test/setupTestEnv.ts --timeout 120000 \
    --reporter json --reporter-option "output=$3" "$2" >/dev/null 2>"$3.stderr") || true
}
for f in "${files[@]}"; do
  name=$(basename "$f" .ts)
  echo "running $f against $rev ..." >&2
  run_file "$scratch" "$f" "$out/old/$name.json"
  echo "running $f here ..." >&2
  run_file "$here" "$f" "$out/new/$name.json"
done

node "$here/scripts/redteam-summary.mjs" "$rev" "$out"
echo "mocha JSON and stderr per file: $out" >&2
