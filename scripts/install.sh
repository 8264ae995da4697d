#!/usr/bin/env bash
# Installs what building and testing RunState needs, and nothing that is already there.
#   scripts/install.sh run   the wasm target, wasm-bindgen-cli, npm tools (sass, wasm-opt, echarts)
#   scripts/install.sh test  all of `run`, plus Postgres, Redis, Chromium and faketime from apt,
#                            promtool (from Debian's prometheus package) and schemathesis
#                            (PyPI) in a venv
#   scripts/install.sh schemathesis-path   prints that venv's directory
# Idempotent and quiet: it prints one line per thing it actually installs, and on a
# failure the captured output of the step that failed.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "install.sh: $*" >&2; exit 1; }

# Runs "$@" with its output captured; shows that output only if the command fails, so a
# warm run stays silent but a broken download is still explained.
quietly() {
  local what=$1 log
  shift
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "could not install $what (see the output above)"
  fi
  rm -f "$log"
}

install_rust_target() {
  command -v rustup >/dev/null || die "rustup is missing: install Rust with rustup first"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "installing rust target wasm32-unknown-unknown"
    quietly "the rust target wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
  fi
}

install_wasm_bindgen() {
  # The CLI must match the wasm-bindgen crate exactly, or it refuses the wasm it is given.
  local want have=""
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [[ -n $want ]] || die "no wasm-bindgen package in Cargo.lock"
  if command -v wasm-bindgen >/dev/null; then
    have=$(wasm-bindgen --version | awk '{ print $2 }')
  fi
  if [[ $have != "$want" ]]; then
    echo "installing wasm-bindgen-cli $want (compiles for a few minutes)"
    # No --locked: the CLI's own lockfile pins a crate version the registry lacks.
    # CARGO_TARGET_DIR unset: keep the CLI's build out of the project's target dir.
    quietly "wasm-bindgen-cli $want" \
      env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$want"
  fi
}

install_npm() {
  command -v npm >/dev/null || die "npm is missing (apt-get install nodejs npm)"
  # node_modules is current when it was installed from this very lockfile.
  local stamp=node_modules/.runstate-package-lock.json
  if [[ -f package-lock.json ]] && cmp -s package-lock.json "$stamp"; then
    return
  fi
  echo "installing npm packages (sass, binaryen, echarts, @playwright/test)"
  # Playwright's browser download cannot work here; tests use Debian's chromium.
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [[ -f package-lock.json ]]; then
    quietly "the npm packages" npm ci --no-audit --no-fund
  else
    quietly "the npm packages" npm install --no-audit --no-fund
  fi
  cp package-lock.json "$stamp"
}

install_apt() {
  local pkg missing=()
  # faketime: the fault suite runs a worker with its wall clock 90 s ahead.
  for pkg in postgresql redis-server chromium faketime; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "apt packages missing (${missing[*]}): run as root"
  echo "installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  quietly "apt package lists" apt-get update
  quietly "${missing[*]} (apt)" apt-get install -y "${missing[@]}"
}

# --- promtool ---
# `promtool check metrics` lints what /metrics exports (server/tests/it/metrics.rs). Debian ships
# it in the `prometheus` package; only the tool is taken from it, into ~/.cache/runstate/bin,
# so no Prometheus server (nor its web assets) is installed or started.
PROMTOOL_DIR=$HOME/.cache/runstate/bin
install_promtool() {
  command -v promtool >/dev/null && return 0
  [[ -x $PROMTOOL_DIR/promtool ]] && return 0
  command -v apt-get >/dev/null || die "promtool is missing and there is no apt-get to fetch it"
  echo "installing promtool (from the Debian package prometheus)"
  local tmp
  tmp=$(mktemp -d)
  # apt-get download needs package lists: on a new machine, fetch them once and retry.
  if ! (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
    quietly "apt package lists" apt-get update
    (cd "$tmp" && quietly "the prometheus package" apt-get download prometheus)
  fi
  quietly "promtool (unpacking)" dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
  mkdir -p "$PROMTOOL_DIR"
  install -m 0755 "$tmp/root/usr/bin/promtool" "$PROMTOOL_DIR/promtool"
  rm -rf "$tmp"
}
# --- end promtool ---
# --- schemathesis (scripts/schemathesis.sh) ---
# A pinned version in its own venv outside the clone: the conformance run's verdicts must
# not change with whatever PyPI publishes next, and the venv survives new clones.
SCHEMATHESIS_VERSION=4.32.5
schemathesis_venv() { echo "${RUNSTATE_TOOLS_DIR:-$HOME/.cache/runstate}/schemathesis-$SCHEMATHESIS_VERSION"; }

install_schemathesis() {
  local venv
  venv=$(schemathesis_venv)
  [[ -x $venv/bin/st ]] && return 0
  command -v python3 >/dev/null || die "python3 is missing (apt-get install python3 python3-venv)"
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  rm -rf "$venv"
  quietly "a python venv" python3 -m venv "$venv"
  quietly "schemathesis $SCHEMATHESIS_VERSION" \
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}
# --- end schemathesis ---

for_run() {
  install_rust_target
  install_wasm_bindgen
  install_npm
}

for_test() {
  install_apt
  install_promtool
  for_run
  install_schemathesis
}

case ${1:-} in
  run | test) "for_$1" ;;
  schemathesis-path) schemathesis_venv ;;
  *) die "usage: scripts/install.sh run|test|schemathesis-path" ;;
esac
