#!/usr/bin/env bash
# Bytes per raw check and per rollup row on Postgres (table + indexes), on synthetic rows.
# Run inside the throwaway services: bash scripts/services.sh bash scripts/storage-sizes.sh
# Needs the release binary: cargo build -p server --release.
set -e
base=${TEST_DATABASE_URL%/*}
db="sizes_$(date +%s)"
psql "$TEST_DATABASE_URL" -qc "create database $db"
url="$base/$db"
"${CARGO_TARGET_DIR:-$HOME/.cache/runstate/target}/release/runstate" migrate --database-url "$url" >/dev/null 2>&1
psql "$url" -q <<'SQL'
insert into users(id,email,password_hash,role,disabled,token_version,created_at,updated_at)
  values ('00000000-0000-0000-0000-000000000001','a@example.org','x','USER',false,0,now(),now());
insert into monitors(id,owner_id,name,kind,target,config,interval_seconds,timeout_ms,confirmations,recoveries,paused,next_check_at,created_at,updated_at)
  select md5(m::text)::uuid,'00000000-0000-0000-0000-000000000001','m','http','https://example.org/','{}',60,1000,2,1,true,now(),now(),now()
  from generate_series(1,100) m;
-- 100 monitors × 1,440 minute rows with an 8-bucket histogram (16 bytes), like a day of minutes
insert into check_rollups(monitor_id,resolution,bucket_start,checks,healthy,latency_count,latency_sum,latency_max,histogram)
  select md5(m::text)::uuid, 60, timestamp '2026-11-01' + (i || ' minutes')::interval, 60, 60, 60, 6000, 250,
         decode('0a030b050c100d140e080f041002110a','hex')
  from generate_series(1,100) m, generate_series(1,1440) i;
insert into checks(id,monitor_id,checked_at,status,latency_ms,http_status,error,region)
  select md5(m::text || '-' || i)::uuid, md5(m::text)::uuid, timestamp '2026-11-01' + (i || ' seconds')::interval,
         'up', 100 + i % 50, 200, null, 'default'
  from generate_series(1,100) m, generate_series(1,1440) i;
vacuum analyze check_rollups; vacuum analyze checks;
SQL
psql "$url" -Atc "select 'rollup bytes/row (table+indexes)', pg_total_relation_size('check_rollups')/count(*) from check_rollups"
psql "$url" -Atc "select 'check bytes/row (table+indexes)', pg_total_relation_size('checks')/count(*) from checks"
