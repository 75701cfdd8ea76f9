#!/usr/bin/env bash
# Benchmarks on this machine, against private store instances under .data/bench (own ports).
#   ./bench.sh ingestion [--seconds 60] [--rate 5000]   end-to-end batch ingestion (events/s offered)
#   ./bench.sh prompts [--seconds 30] [--rate 1000]     GET a prompt by label (requests/s offered)
#   ./bench.sh otel [--seconds 30] [--rate 5000]        OTLP/HTTP protobuf exports end to end (spans/s offered)
#   ./bench.sh reads [--scale 1]                        read API over 1M traces / 10M observations / 2M scores
# Add --engine current (first) to run against ClickHouse 26 (chDB behind tests/chdb/front.mjs) instead of Debian's 18.16.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/stores.sh
source scripts/publish.sh

DATA=.data/bench
PG_PORT=54349; REDIS_PORT=63819; CH_HTTP_PORT=18143; CH_TCP_PORT=19020
PG_PASSWORD=langfuse-bench; CH_PASSWORD=langfuse-bench

engine=debian
if [ "${1:-}" = "--engine" ]; then engine=$2; shift 2; fi

stores_install
start_postgres "$(prepare_store_dir "$DATA" postgres)" "$PG_PORT" "$PG_PASSWORD" on
PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='langfuse_bench'" | grep -q 1 \
  || PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE langfuse_bench" >/dev/null
start_redis "$DATA/redis" "$REDIS_PORT"
start_clickhouse "$(prepare_store_dir "$DATA" clickhouse)" "$CH_HTTP_PORT" "$CH_TCP_PORT" "$CH_PASSWORD"

if [ "$engine" = "current" ]; then
  CH_HTTP_PORT=18163
  start_chdb_front "$DATA/chdb" "$CH_HTTP_PORT" "$CH_PASSWORD"
  echo "ClickHouse: $(head -n1 "$DATA/chdb/front.log")"
fi

what=${1:-ingestion}; shift || true
# `reads` keeps its data set (minutes to load) in a database of its own. The write benchmarks add to theirs run after
# run: dropping it before each run was tried and undone, because deleting a run's part files made ClickHouse
# slow to create files for minutes after (this machine's ext4 has no journal, and its inode allocator then skips
# every recently freed inode): readable p99 at 5,000 events/s 0.95–1.8 s right after a drop, 0.4–0.6 s without one.
# For a fresh machine's state, stop the stores and delete .data/bench. Redis is flushed: its leftovers (old projects'
# known-entities sets) only make its append-only file rewrites longer.
ch_db=langfuse_bench
if [ "$what" = "reads" ]; then ch_db=langfuse_bench_reads
else
  redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
fi

export DATABASE_URL=postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/langfuse_bench
export CLICKHOUSE_URL=http://127.0.0.1:$CH_HTTP_PORT CLICKHOUSE_USER=default CLICKHOUSE_PASSWORD=$CH_PASSWORD CLICKHOUSE_DB=$ch_db
export REDIS_CONNECTION_STRING=redis://127.0.0.1:$REDIS_PORT SALT=bench-salt

publish_app "$DATA/app" >/dev/null
dotnet build tests/Langfuse.Benchmarks/Langfuse.Benchmarks.csproj -c Release -nologo -v q -o "$DATA/bench" >/dev/null
export BENCH_APP_DLL=$PWD/$DATA/app/Langfuse.dll
case "$what" in
  ingestion|prompts|otel|reads) dotnet "$DATA/bench/Langfuse.Benchmarks.dll" "$what" "$@" ;;
  *) echo "unknown benchmark: $what" >&2; exit 2 ;;
esac
