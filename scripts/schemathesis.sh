#!/usr/bin/env bash
# Conformance of the running server to its own OpenAPI document (/api/v1/openapi.json):
# schemathesis with every check and every phase (examples, coverage, fuzzing, stateful),
# once as a signed-in user and once as an admin, against the debug binary on SQLite with
# the outbound guard on. Any failure fails the script.
#   bash scripts/schemathesis.sh            what `make test` runs (phase `schemathesis`)
#   SCHEMATHESIS_MAX_TIME=30 bash …         a shorter budget per run (seconds, default 90)
#   SCHEMATHESIS_REPORT=dir bash …          keep the JUnit and NDJSON reports in dir
#   RUNSTATE_BIN=path bash …                another binary than the debug build
# Needs `cargo build -p server` and `scripts/install.sh test` (which installs schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
source scripts/services.sh # free_port only: this server runs embedded (SQLite, no Redis)

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/runstate/target}"
bin=${RUNSTATE_BIN:-$CARGO_TARGET_DIR/debug/runstate}
st=$(bash scripts/install.sh schemathesis-path)/bin/st
[[ -x $bin ]] || { echo "schemathesis.sh: no $bin: run cargo build -p server first" >&2; exit 1; }
[[ -x $st ]] || { echo "schemathesis.sh: no $st: run scripts/install.sh test first" >&2; exit 1; }

max_time=${SCHEMATHESIS_MAX_TIME:-90}
data=$(mktemp -d -t runstate-st.XXXXXX)
report=${SCHEMATHESIS_REPORT:-$data/report}
server_pid=""
cleanup() {
  [[ -z $server_pid ]] || { kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; } || true
  rm -rf "$data"
}
trap cleanup EXIT

port=$(free_port 3311)
base=http://127.0.0.1:$port
admin_email=admin@schemathesis.example.org
admin_password='schemathesis admin password 1'
user_email=user@schemathesis.example.org
user_password='schemathesis user password 1'

# `serve` on SQLite in a fresh data dir: the web app and API without the scheduler and the
# workers, so the monitors the fuzzer creates (any URL its patterns allow) are never checked,
# and nothing is looked up or sent off this host. The one route that sends from `serve`, a
# channel's test message, is left out of the runs below. The guard allows only the stand-in
# address, which nothing listens on here.
env -u DATABASE_URL -u REDIS_URL -u LEPTOS_SITE_ROOT \
  RUNSTATE_BIND="127.0.0.1:$port" RUNSTATE_DATA_DIR="$data" \
  RUNSTATE_ALLOW_TARGETS=127.0.0.2/32 \
  RUNSTATE_ADMIN_EMAIL=$admin_email RUNSTATE_ADMIN_PASSWORD="$admin_password" \
  RUST_LOG=warn "$bin" serve >"$data/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 120; i++)); do
  curl -fs "$base/healthz" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
  sleep 0.5
done

# POSTs JSON and prints the response body; fails on a non-2xx answer.
post() { curl -fsS -H 'content-type: application/json' -d "$2" "$base/api/v1$1"; }
token() {
  post /signin "{\"email\":\"$1\",\"password\":\"$2\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])'
}
post /signup "{\"email\":\"$user_email\",\"password\":\"$user_password\"}" >/dev/null
# Both sign in before either run: the fuzzer's own sign-in attempts use up the client's
# sign-in allowance (and get their documented 429s).
user_token=$(token $user_email "$user_password")
admin_token=$(token $admin_email "$admin_password")

failed=0
# One bounded run as one caller. Shrinking is off: it multiplies the time of a failing run,
# and the reports carry the failing request as it was. DELETE /account/sessions/{id} is left
# out: fed the session ids it has seen, it ends the run's own session, and every later
# request would be a 401 (server/tests/it/sessions.rs covers it). POST /channels/{id}/test is
# left out: it sends to the fuzzed channel's URL (server/tests/it/channels.rs covers it).
run() {
  local who=$1 token=$2
  echo "-- schemathesis as $who (${max_time}s)"
  "$st" --config-file scripts/schemathesis.toml run "$base/api/v1/openapi.json" \
    --checks all --phases examples,coverage,fuzzing,stateful \
    --max-time "$max_time" --max-examples 25 --no-shrink --workers 1 \
    --header "Authorization: Bearer $token" --exclude-operation-id end_session --exclude-operation-id test_channel \
    --report junit,ndjson --report-dir "$report/$who" \
    --suppress-health-check all --request-timeout 30 || failed=1
}
run user "$user_token"
run admin "$admin_token"
if grep -q 'panicked' "$data/server.log"; then
  grep -B2 -A5 'panicked' "$data/server.log" >&2
  failed=1
fi
exit $failed
