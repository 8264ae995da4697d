#!/usr/bin/env bash
# Builds the browser half of RunState into target/site (in the project, not the cargo
# target dir), where the server finds it by default:
#   target/site/pkg/runstate.js, runstate_bg.wasm   hydrate bundle (wasm-bindgen --target web)
#   target/site/pkg/runstate.css                    style/main.scss through npm's sass
#   target/site/echarts.min.js, public/*            static assets
# Usage: scripts/build-site.sh [debug|release]   (debug: quick to build, big wasm)
# Needs scripts/install.sh run first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/runstate/target}"

mode=${1:-debug}
case $mode in
  debug) profile_args=() profile_dir=debug ;;
  release) profile_args=(--profile wasm-release) profile_dir=wasm-release ;; # size-tuned profile
  *) echo "usage: scripts/build-site.sh [debug|release]" >&2; exit 2 ;;
esac
for tool in wasm-bindgen node_modules/.bin/sass node_modules/.bin/wasm-opt; do
  command -v "$tool" >/dev/null || { echo "build-site.sh: $tool is missing: run scripts/install.sh run" >&2; exit 1; }
done

site=target/site
# Only frontend's lib: building it with anything else would unify app's ssr and hydrate.
cargo build -p frontend --lib --target wasm32-unknown-unknown "${profile_args[@]}"

rm -rf "$site/pkg" # no stale bundle survives a failed step below
mkdir -p "$site/pkg"
# The output name must stay "runstate": the server's HTML asks for runstate.js/_bg.wasm.
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name runstate \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile_dir/frontend.wasm"
wasm=$site/pkg/runstate_bg.wasm
if [[ $mode == release ]]; then
  # npm's binaryen, not Debian's: Debian's wasm-opt 108 emits a wasm that breaks at run time.
  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    -o "$wasm.opt" "$wasm"
  mv "$wasm.opt" "$wasm"
fi

node_modules/.bin/sass --no-source-map style/main.scss "$site/pkg/runstate.css"
if [[ -d public ]]; then cp -R public/. "$site/"; fi
cp node_modules/echarts/dist/echarts.min.js "$site/echarts.min.js"

raw=$(stat -c %s "$wasm")
gz=$(gzip -9c "$wasm" | wc -c)
printf 'site (%s): %s is %d bytes (%d KiB) raw, %d bytes (%d KiB) gzip\n' \
  "$mode" "$wasm" "$raw" $((raw / 1024)) "$gz" $((gz / 1024))
