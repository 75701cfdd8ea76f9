#!/usr/bin/env bash
# Sets up everything (Postgres, Redis, ClickHouse from Debian's packages, private instances under .data/run)
# and serves Langfuse for .NET on http://localhost:${PORT:-3000}. `./run.sh stop` stops the stores;
# `./run.sh dead-letters [list|replay]` lists or replays what the workers could not process.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/stores.sh
source scripts/publish.sh

DATA=.data/run
PG_PORT=${LANGFUSE_RUN_PG_PORT:-54329}
REDIS_PORT=${LANGFUSE_RUN_REDIS_PORT:-63799}
CH_HTTP_PORT=${LANGFUSE_RUN_CH_HTTP_PORT:-18123}
CH_TCP_PORT=${LANGFUSE_RUN_CH_TCP_PORT:-19000}

if [ "${1:-}" = "stop" ]; then stop_stores "$DATA"; echo "Stores stopped."; exit 0; fi

stores_install
mkdir -p "$DATA"
# Local-only passwords and keys, made once and kept, so the keys an SDK was given keep working.
if [ ! -f "$DATA/secrets.env" ]; then
  cat > "$DATA/secrets.env" <<SECRETS
PG_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
CH_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
DEFAULT_SALT=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
DEFAULT_PK=pk-lf-$(cat /proc/sys/kernel/random/uuid)
DEFAULT_SK=sk-lf-$(cat /proc/sys/kernel/random/uuid)
SECRETS
fi
# Added for the initial web app user (secrets.env files made before it lack the line).
grep -q '^DEFAULT_USER_PASSWORD=' "$DATA/secrets.env" \
  || echo "DEFAULT_USER_PASSWORD=lf-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')-9!" >> "$DATA/secrets.env"
source "$DATA/secrets.env"

start_postgres "$(prepare_store_dir "$DATA" postgres)" "$PG_PORT" "$PG_PASSWORD" on
PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='langfuse'" | grep -q 1 \
  || PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE langfuse" >/dev/null
start_redis "$DATA/redis" "$REDIS_PORT"
start_clickhouse "$(prepare_store_dir "$DATA" clickhouse)" "$CH_HTTP_PORT" "$CH_TCP_PORT" "$CH_PASSWORD"

# Working defaults; anything already set in the environment wins.
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/langfuse}
export CLICKHOUSE_URL=${CLICKHOUSE_URL:-http://127.0.0.1:$CH_HTTP_PORT}
export CLICKHOUSE_USER=${CLICKHOUSE_USER:-default}
export CLICKHOUSE_PASSWORD=${CLICKHOUSE_PASSWORD:-$CH_PASSWORD}
export CLICKHOUSE_DB=${CLICKHOUSE_DB:-langfuse}
export REDIS_CONNECTION_STRING=${REDIS_CONNECTION_STRING:-redis://127.0.0.1:$REDIS_PORT}
export SALT=${SALT:-$DEFAULT_SALT}
export PORT=${PORT:-3000}
export HOSTNAME=${LANGFUSE_HOSTNAME:-0.0.0.0}
export LANGFUSE_LOG_LEVEL=${LANGFUSE_LOG_LEVEL:-info}
export LANGFUSE_INIT_ORG_ID=${LANGFUSE_INIT_ORG_ID:-local-org}
export LANGFUSE_INIT_ORG_NAME=${LANGFUSE_INIT_ORG_NAME:-Local}
export LANGFUSE_INIT_PROJECT_ID=${LANGFUSE_INIT_PROJECT_ID:-local-project}
export LANGFUSE_INIT_PROJECT_NAME=${LANGFUSE_INIT_PROJECT_NAME:-Local project}
export LANGFUSE_INIT_PROJECT_PUBLIC_KEY=${LANGFUSE_INIT_PROJECT_PUBLIC_KEY:-$DEFAULT_PK}
export LANGFUSE_INIT_PROJECT_SECRET_KEY=${LANGFUSE_INIT_PROJECT_SECRET_KEY:-$DEFAULT_SK}
export LANGFUSE_INIT_USER_EMAIL=${LANGFUSE_INIT_USER_EMAIL:-admin@local.test}
export LANGFUSE_INIT_USER_NAME=${LANGFUSE_INIT_USER_NAME:-Admin}
export LANGFUSE_INIT_USER_PASSWORD=${LANGFUSE_INIT_USER_PASSWORD:-$DEFAULT_USER_PASSWORD}
export NEXTAUTH_URL=${NEXTAUTH_URL:-http://localhost:$PORT}

echo "Building ..."
publish_app "$DATA/app" >/dev/null
# `./run.sh dead-letters [list|replay] [--project ID]`: what the workers could not process, listed or put back.
if [ "${1:-}" = "dead-letters" ]; then cd "$DATA/app"; exec dotnet Langfuse.dll "$@"; fi
cat <<INFO

  Langfuse for .NET: http://localhost:$PORT   (API docs: http://localhost:$PORT/api/public/docs)
  Sign in as $LANGFUSE_INIT_USER_EMAIL, initial password $LANGFUSE_INIT_USER_PASSWORD
  (kept in $DATA/secrets.env; a password changed in the app is not reset by this script)
  LANGFUSE_BASEURL=http://localhost:$PORT
  LANGFUSE_PUBLIC_KEY=$LANGFUSE_INIT_PROJECT_PUBLIC_KEY
  LANGFUSE_SECRET_KEY=$LANGFUSE_INIT_PROJECT_SECRET_KEY
  Ctrl-C stops the service; ./run.sh stop stops the stores.

INFO
cd "$DATA/app"
exec dotnet Langfuse.dll
