#!/usr/bin/env bash
# Everything CI checks, in order: tools, lint, Rust tests against real Postgres and Redis,
# the fault suite, then the built app in Chromium through Playwright. Prints each phase's
# time at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/runstate/target}"
# Incremental artefacts only help edit-compile loops, and they grow by
# gigabytes per run: CI and test runs do without.
export CARGO_INCREMENTAL=0
# shellcheck source=scripts/services.sh
source scripts/services.sh

timings=() phase=""
e2e_data=""
finish() {
  local rc=$?
  stop_services
  [[ -z $e2e_data ]] || rm -rf "$e2e_data"
  echo "== timings (s)"
  printf '  %s\n' "${timings[@]}"
  if ((rc)); then echo "== FAILED in phase: $phase (exit $rc)" >&2; else echo "== all passed"; fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs one named phase and records how long it took.
run_phase() {
  phase=$1
  shift
  echo "== $phase"
  local t0=$SECONDS
  "$@"
  timings+=("$(printf '%-10s %5d' "$phase" $((SECONDS - t0)))")
}

run_phase install bash scripts/install.sh test
run_phase lint bash scripts/lint.sh
run_phase services start_services
# Never -p frontend here: its features would unify app's ssr and hydrate.
export RUNSTATE_REQUIRE_SERVICES=1
# promtool for server/tests/metrics.rs, where scripts/install.sh puts it.
export PATH="$PATH:$HOME/.cache/runstate/bin"
run_phase cargo-test cargo test --no-fail-fast -p kinds -p domain -p jobs -p migration -p server -p app
# Debug wasm: big, but its cold build is far quicker than the size-optimised one.
run_phase site bash scripts/build-site.sh debug
run_phase server cargo build -p server
# The fault suite (server/tests/it/faults, docs/faults.md): its own Postgres and Redis, the
# binary just built, one fault at a time. The same package list as cargo-test, so nothing
# is compiled again.
run_phase faults cargo test --no-fail-fast -p kinds -p domain -p jobs -p migration -p server -p app \
  --test it -- --ignored faults:: --test-threads=1 --nocapture

# --- schemathesis (scripts/schemathesis.sh, docs/development.md) ---
# The binary just built against its own OpenAPI document, as a user and as an admin, every
# check and every phase; any finding fails the run (decision 67).
run_phase schemathesis bash scripts/schemathesis.sh
# --- end schemathesis ---

# end2end/playwright.config.ts starts this binary itself (webServer) and waits for /healthz.
e2e_data=$(mktemp -d -t runstate-e2e.XXXXXX)
export RUNSTATE_E2E_BIN="$CARGO_TARGET_DIR/debug/runstate"
export RUNSTATE_E2E_DATA_DIR=$e2e_data
export RUNSTATE_E2E_SITE_ROOT="$PWD/target/site"
RUNSTATE_E2E_PORT=$(free_port 3123)
export RUNSTATE_E2E_PORT
run_phase e2e npx --no-install playwright test --config end2end/playwright.config.ts
