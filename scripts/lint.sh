#!/usr/bin/env bash
# The docs' paths, formatting and clippy (warnings as errors); `make test` and CI run this
# before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/runstate/target}"

# Every path and relative link the docs name exists (under a second, so first).
bash scripts/check-docs.sh
# The Dockerfile, compose file, manifests, unit and workflows, as far as they can be checked here.
bash scripts/check-packaging.sh
cargo fmt --all --check
# Host crates and the wasm crate separately: one invocation would unify app's ssr and
# hydrate features, and frontend only builds for wasm32.
cargo clippy -p domain -p jobs -p kinds -p migration -p server -p app -p bench --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
