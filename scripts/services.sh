# shellcheck shell=bash
# Throwaway Postgres and Redis on loopback for the integration tests (there is no systemd
# here, and tests must not touch a developer's own databases).
#
# Sourced:   source scripts/services.sh; trap stop_services EXIT; start_services
#            exports TEST_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/runstate_test
#                    TEST_REDIS_URL=redis://127.0.0.1:PORT
# Executed:  scripts/services.sh CMD ARGS...   runs CMD with both up, then stops them.

# Prints the first port from $1 upwards that nothing on 127.0.0.1 accepts connections on.
free_port() {
  # A port is free when binding it works: a connect test misses ports held by
  # other sockets (e.g. TIME-WAIT client ports in the ephemeral range).
  local port=$1
  until python3 -c 'import socket,sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

# Runs "$@"; on failure prints the log file $1 (the service's own words) and fails.
_svc_run() {
  local log=$1
  shift
  "$@" >>"$log" 2>&1 && return 0
  echo "services.sh: failed: $*" >&2
  cat "$log" >&2
  return 1
}

start_services() {
  local pg_bin i
  pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -x $pg_bin/initdb ]] || { echo "services.sh: Postgres is missing (scripts/install.sh test)" >&2; return 1; }
  command -v redis-server >/dev/null || { echo "services.sh: redis-server is missing (scripts/install.sh test)" >&2; return 1; }

  SERVICES_DIR=$(mktemp -d -t runstate-services.XXXXXX)
  chmod 755 "$SERVICES_DIR" # the postgres user must reach its data dir inside
  mkdir -m 700 "$SERVICES_DIR/pg" "$SERVICES_DIR/redis"
  chown postgres:postgres "$SERVICES_DIR/pg"
  SERVICES_PG_CTL=$pg_bin/pg_ctl

  # Postgres: initdb and pg_ctl refuse to run as root. trust is safe: loopback only, and
  # the cluster lives as long as the test run. Durability is traded for speed.
  SERVICES_PG_PORT=$(free_port 61432)
  _svc_run "$SERVICES_DIR/pg.log" runuser -u postgres -- "$pg_bin/initdb" -D "$SERVICES_DIR/pg/data" \
    -U postgres -A trust -E UTF8 --no-locale --no-sync || return 1
  cat >>"$SERVICES_DIR/pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $SERVICES_PG_PORT
unix_socket_directories = '$SERVICES_DIR/pg'
max_connections = 200
fsync = off
full_page_writes = off
synchronous_commit = off
EOF
  _svc_run "$SERVICES_DIR/pg.log" runuser -u postgres -- "$SERVICES_PG_CTL" -D "$SERVICES_DIR/pg/data" \
    -l "$SERVICES_DIR/pg/server.log" -w -t 60 start || { cat "$SERVICES_DIR/pg/server.log" >&2; return 1; }
  for ((i = 0; i < 60; i++)); do
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$SERVICES_PG_PORT" && break
    sleep 0.5
  done
  _svc_run "$SERVICES_DIR/pg.log" "$pg_bin/createdb" -h 127.0.0.1 -p "$SERVICES_PG_PORT" -U postgres runstate_test ||
    return 1

  # Redis: append-only like production, so job-survival tests mean something; no RDB dumps.
  SERVICES_REDIS_PORT=$(free_port $((SERVICES_PG_PORT + 1)))
  _svc_run "$SERVICES_DIR/redis.log" redis-server --daemonize yes --bind 127.0.0.1 \
    --port "$SERVICES_REDIS_PORT" --dir "$SERVICES_DIR/redis" --pidfile "$SERVICES_DIR/redis/redis.pid" \
    --logfile "$SERVICES_DIR/redis/redis.log" --appendonly yes --save '' || return 1
  for ((i = 0; i < 60; i++)); do
    [[ $(redis-cli -p "$SERVICES_REDIS_PORT" ping 2>/dev/null) == PONG ]] && break
    sleep 0.2
  done
  [[ $(redis-cli -p "$SERVICES_REDIS_PORT" ping 2>/dev/null) == PONG ]] || {
    echo "services.sh: redis did not start" >&2
    cat "$SERVICES_DIR/redis/redis.log" >&2
    return 1
  }

  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$SERVICES_PG_PORT/runstate_test"
  export TEST_REDIS_URL="redis://127.0.0.1:$SERVICES_REDIS_PORT"
  echo "services: postgres on 127.0.0.1:$SERVICES_PG_PORT, redis on 127.0.0.1:$SERVICES_REDIS_PORT"
}

# Safe to call more than once and after a start that failed half-way.
stop_services() {
  [[ -n ${SERVICES_DIR:-} ]] || return 0
  local pid
  if [[ -f $SERVICES_DIR/redis/redis.pid ]]; then
    pid=$(cat "$SERVICES_DIR/redis/redis.pid")
    redis-cli -p "$SERVICES_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  if [[ -f $SERVICES_DIR/pg/data/postmaster.pid ]]; then
    runuser -u postgres -- "$SERVICES_PG_CTL" -D "$SERVICES_DIR/pg/data" -m fast -w stop >/dev/null 2>&1 ||
      runuser -u postgres -- "$SERVICES_PG_CTL" -D "$SERVICES_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$SERVICES_DIR"
  unset SERVICES_DIR TEST_DATABASE_URL TEST_REDIS_URL
}

# Executed rather than sourced: run one command with the services up.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  [[ $# -gt 0 ]] || { echo "usage: scripts/services.sh CMD [ARGS...]" >&2; exit 2; }
  trap stop_services EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  start_services
  "$@"
fi
