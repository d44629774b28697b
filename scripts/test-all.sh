#!/usr/bin/env bash
# The README's test command (after `npm ci`): installs what the tests need (code-server + Node 24 in test/host,
# Debian's chromium) and runs every test: type-check, unit, integration in a real VS Code extension host,
# end-to-end in a real browser, and the quick benchmark. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s ===\n' "$*"; }
start=$(date +%s)
step "install test host (code-server, Node 24, chromium)"; npm run --silent host:install
step "type-check";            npm run --silent typecheck
step "build";                 npm run --silent build
step "unit tests";            npm run --silent test:unit
step "integration tests (real VS Code extension host)"; npm run --silent test:integration
step "end-to-end UI tests (chromium)"; npm run --silent test:e2e
if npm run | grep -q '^  bench:quick$'; then step "quick benchmark"; npm run --silent bench:quick; fi
printf '\nall tests passed in %ss\n' "$(( $(date +%s) - start ))"
