#!/usr/bin/env bash
# Sets up everything the tests need (separate test instances of Postgres, Redis and ClickHouse under .data/test,
# on their own ports, so this can run while ./run.sh is up) and runs the whole test suite.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter HealthTests).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/stores.sh

DATA=.data/test
PG_PORT=${LANGFUSE_TEST_PG_PORT:-54339}
REDIS_PORT=${LANGFUSE_TEST_REDIS_PORT:-63809}
CH_HTTP_PORT=${LANGFUSE_TEST_CH_HTTP_PORT:-18133}
CH_TCP_PORT=${LANGFUSE_TEST_CH_TCP_PORT:-19010}
PG_PASSWORD=langfuse-test
CH_PASSWORD=langfuse-test

stores_install
start_postgres "$(prepare_store_dir "$DATA" postgres)" "$PG_PORT" "$PG_PASSWORD" off
PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='langfuse_test'" | grep -q 1 \
  || PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE langfuse_test" >/dev/null
start_redis "$DATA/redis" "$REDIS_PORT"
start_clickhouse "$(prepare_store_dir "$DATA" clickhouse)" "$CH_HTTP_PORT" "$CH_TCP_PORT" "$CH_PASSWORD"

export DATABASE_URL=postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/langfuse_test
export CLICKHOUSE_URL=http://127.0.0.1:$CH_HTTP_PORT
export CLICKHOUSE_USER=default
export CLICKHOUSE_PASSWORD=$CH_PASSWORD
export CLICKHOUSE_DB=langfuse_test
export REDIS_CONNECTION_STRING=redis://127.0.0.1:$REDIS_PORT
export SALT=test-salt
export LANGFUSE_LOG_LEVEL=${LANGFUSE_LOG_LEVEL:-warn}
unset LANGFUSE_INIT_ORG_ID LANGFUSE_INIT_PROJECT_ID PORT

# The real Langfuse JS SDKs the compatibility tests drive.
if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi

log=$DATA/dotnet-test.log
export LANGFUSE_TEST_FIGURES=$PWD/$DATA/figures.txt
rm -f "$LANGFUSE_TEST_FIGURES"
set +e
dotnet test tests/Langfuse.Tests/Langfuse.Tests.csproj -c Release --nologo \
  --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ -s "$LANGFUSE_TEST_FIGURES" ]; then echo; echo "Figures measured by the tests:"; sed 's/^/  /' "$LANGFUSE_TEST_FIGURES"; fi
# One plain closing line that any CI reader understands.
total=$(grep -E "^Total tests: [0-9]+" "$log" | tail -n1 | grep -oE "[0-9]+" || true)
if [ -n "$total" ]; then
  passed=$(grep -E "^ +Passed: [0-9]+" "$log" | tail -n1 | grep -oE "[0-9]+" || echo 0)
  failed=$(grep -E "^ +Failed: [0-9]+" "$log" | tail -n1 | grep -oE "[0-9]+" || echo 0)
  echo "tests: $passed passed, $failed failed"
fi
exit "$rc"
