# RunState in a container: `docker build -t runstate .` then
#   docker run -p 3000:3000 -v runstate-data:/data runstate
# Two stages: the builder compiles the site (wasm, css) and the server with the project's own
# scripts; the final image holds the binary, the site and CA certificates, runs as an
# unprivileged user, keeps its database and keys in the /data volume, and checks itself with
# `runstate healthcheck` (no curl in the image). docs/deploy.md#containers.

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV CARGO_TARGET_DIR=/src/target/cargo
# The wasm target, wasm-bindgen-cli at the lockfile's version, npm's sass and wasm-opt.
RUN bash scripts/install.sh run \
 && bash scripts/build-site.sh release \
 && cargo build --release -p server \
 && cp target/cargo/release/runstate /usr/local/bin/runstate

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin runstate \
 && mkdir -p /data /usr/share/runstate \
 && chown runstate:runstate /data
COPY --from=build /usr/local/bin/runstate /usr/local/bin/runstate
COPY --from=build /src/target/site /usr/share/runstate/site
ENV RUNSTATE_DATA_DIR=/data \
    RUNSTATE_SITE_ROOT=/usr/share/runstate/site \
    RUNSTATE_BIND=0.0.0.0:3000
USER runstate
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/runstate", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/runstate"]
CMD ["all"]
