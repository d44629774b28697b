#!/usr/bin/env bash
# The README's test command (after `npm ci`): installs what the tests need (code-server + Node 24 in test/host,
# Debian's chromium) and runs every test: type-check, lint, unit, integration in a real VS Code extension host,
# end-to-end in a real browser, the quick benchmark and the quick real-history suite check. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s ===\n' "$*"; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$(date +%s)
step "install test host (code-server, Node 24, chromium, bubblewrap)"; npm run --silent host:install
step "type-check";            npm run --silent typecheck
step "lint (typescript-eslint + layer boundaries)"; npm run --silent lint
step "build";                 npm run --silent build
step "unit tests";            npm run --silent test:unit 2>&1 | tee -a "$log"
step "integration tests (real VS Code extension host)"; npm run --silent test:integration 2>&1 | tee -a "$log"
step "end-to-end UI tests (chromium)"; npm run --silent test:e2e 2>&1 | tee -a "$log"
step "quick benchmark";       npm run --silent bench:quick
# Downloads a few release tarballs from the npm registry on a clean machine; later runs use ~/.cache/sale.
step "real-history suite, quick form (fail before / pass after)"; npm run --silent verify:suite:quick
# One closing line over the three mocha runs, in the plain "N passed, N failed" form.
passed=$(awk '/^ +[0-9]+ passing/ {s += $1} END {print s + 0}' "$log")
failed=$(awk '/^ +[0-9]+ failing/ {s += $1} END {print s + 0}' "$log")
printf '\nall test suites ran in %ss\n' "$(( $(date +%s) - start ))"
printf '%s passed, %s failed\n' "$passed" "$failed"
