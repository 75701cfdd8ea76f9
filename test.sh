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

# The web app's browser tests drive Debian's Chromium (headless, offline; no browser is downloaded).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
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

export LANGFUSE_TEST_FIGURES=$PWD/$DATA/figures.txt
rm -f "$LANGFUSE_TEST_FIGURES"
all_passed=0; all_failed=0; status=0

# run_suite <label> <log> <project> <dotnet test arguments...>: one run of a test project, then one summary line for it.
run_suite() {
  local label=$1 log=$2 project=$3; shift 3
  set +e
  dotnet test "$project" -c Release --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local passed failed
  passed=$(grep -a -E "^ +Passed: [0-9]+" "$log" | tail -n1 | grep -oE "[0-9]+" || echo 0)
  failed=$(grep -a -E "^ +Failed: [0-9]+" "$log" | tail -n1 | grep -oE "[0-9]+" || echo 0)
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # the run itself broke
  summaries+=("tests ($label): $passed passed, $failed failed")
  # The failing tests' names and first lines of their messages, so the last screen of a CI log says what broke.
  if [ "$failed" -ne 0 ]; then
    summaries+=("$(grep -a -E -A12 "^ +Failed Langfuse\\." "$log" | grep -a -v -E '^\{"@t"' | head -n 60 | sed 's/^/    /')")
  fi
  all_passed=$((all_passed + passed)); all_failed=$((all_failed + failed))
  [ "$rc" -eq 0 ] || status=$rc
}
summaries=()

SUITE=tests/Langfuse.Tests/Langfuse.Tests.csproj

# 0. The fast layer: pure logic (merge rule, usage and cost, filters, OTel mapping …), no stores, seconds.
run_suite "unit, no stores" "$DATA/dotnet-unit.log" tests/Langfuse.UnitTests/Langfuse.UnitTests.csproj "$@"

# 1. Against Debian's ClickHouse server (18.16), every test.
engines=${LANGFUSE_TEST_ENGINES:-debian current} # LANGFUSE_TEST_ENGINES=debian (or current) runs one of the two
[ "$engines" = "${engines#*debian}" ] || run_suite "ClickHouse $(dpkg-query -W -f='${Version}' clickhouse-server 2>/dev/null | cut -d+ -f1 || echo 18.16), Debian server" "$DATA/dotnet-test.log" "$SUITE" "$@"

# 2. Against a current ClickHouse (chDB, ClickHouse 26 embedded, behind a test-only front for its HTTP interface), every
#    test but the two five-minute outage tests, which stop and hang a server (they run on the Debian server above).
if [ "$engines" != "${engines#*current}" ]; then
  CH26_PORT=${LANGFUSE_TEST_CH26_PORT:-18153}
  start_chdb_front "$DATA/chdb" "$CH26_PORT" "$CH_PASSWORD"
  args=(); filtered=0
  while [ $# -gt 0 ]; do
    if [ "$1" = "--filter" ] && [ $# -gt 1 ]; then args+=(--filter "($2)&Engine!=debian-only"); filtered=1; shift 2
    else args+=("$1"); shift; fi
  done
  [ "$filtered" -eq 1 ] || args+=(--filter "Engine!=debian-only")
  CLICKHOUSE_URL=http://127.0.0.1:$CH26_PORT run_suite "ClickHouse $(head -n1 "$DATA/chdb/front.log" | grep -oE 'ClickHouse [0-9.]+' | cut -d' ' -f2 || echo 26), chDB" \
    "$DATA/dotnet-test-current.log" "$SUITE" $([ "$engines" = "${engines#*debian}" ] || echo --no-build) "${args[@]}"
fi

if [ -s "$LANGFUSE_TEST_FIGURES" ]; then echo; echo "Figures measured by the tests:"; sed 's/^/  /' "$LANGFUSE_TEST_FIGURES"; fi
echo
printf '%s\n' "${summaries[@]}"
# One plain closing line that any CI reader understands.
echo "tests: $all_passed passed, $all_failed failed"
exit "$status"
