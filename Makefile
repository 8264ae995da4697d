# Entry points; the scripts in scripts/ do the work and say why.
#   make run    build everything optimised and start RunState on http://127.0.0.1:3000
#   make test   what CI runs: lint, Rust tests on real Postgres/Redis, Playwright
SHELL := /bin/bash
# Outside the clone, so that later CI runs on the same machine start warm.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/runstate/target

.PHONY: run test fmt lint site install

install:
	bash scripts/install.sh run

# Extra arguments for the binary: make run ARGS='--bind 0.0.0.0:3000'
run: install
	bash scripts/build-site.sh release
	cargo build -p server --release
	exec env -u RUNSTATE_SITE_ROOT -u LEPTOS_SITE_ROOT "$(CARGO_TARGET_DIR)/release/runstate" $(ARGS)

# Includes lint (scripts/lint.sh), so CI enforces fmt and clippy.
test:
	bash scripts/test.sh

fmt:
	cargo fmt --all

lint: install
	bash scripts/lint.sh

# make site MODE=debug for a quick unoptimised bundle.
MODE ?= release
site: install
	bash scripts/build-site.sh $(MODE)
