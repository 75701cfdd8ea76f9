#!/usr/bin/env bash
# Installs (from Debian's packages) and starts private Postgres, Redis and ClickHouse instances
# under a data folder, on loopback ports of the caller's choosing. Sourced by run.sh and test.sh.
# Idempotent: a running instance is reused, stale pid files and half-started instances are cleaned.
set -euo pipefail

need_apt=()
command -v /usr/lib/postgresql/15/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql-15)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v clickhouse-server >/dev/null 2>&1 || need_apt+=(clickhouse-server clickhouse-client)

stores_install() {
  if [ ${#need_apt[@]} -gt 0 ]; then
    echo "Installing ${need_apt[*]} with apt-get ..."
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    # policy-rc.d keeps the packages' own services from starting: we run private instances.
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required (dotnet not found on PATH)." >&2; exit 1
  fi
}

wait_for() { # wait_for <seconds> <description> <command...>
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "$what did not come up within ${secs}s" >&2; return 1; fi
    sleep 0.1
  done
}

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }

# Where a store keeps its data: <data dir>/<store>, unless the store runs as its own user (root runs Postgres and
# ClickHouse as postgres and clickhouse) and that user cannot enter the clone (one under /root, mode 700). Then it is
# /var/lib/langfuse-dotnet/<hash of the data dir>/<store>, and <data dir>/<store> becomes a link to it.
store_dir() { # store_dir <data dir> <store: postgres|clickhouse>
  local data; data=$(realpath -m "$1"); local store=$2
  local user=$store
  if [ "$(id -u)" -ne 0 ] || ! id "$user" >/dev/null 2>&1; then echo "$data/$store"; return; fi
  local probe=$data
  while [ ! -e "$probe" ]; do probe=$(dirname "$probe"); done
  if runuser -u "$user" -- test -x "$probe" 2>/dev/null && [ ! -L "$data/$store" ]; then echo "$data/$store"; return; fi
  local key; key=$(printf '%s' "$data" | sha1sum | cut -c1-12)
  echo "/var/lib/langfuse-dotnet/$key/$store"
}

# Creates the store's directory (and the link in the data dir when it lives elsewhere); prints where it is.
prepare_store_dir() { # prepare_store_dir <data dir> <store>
  local dir; dir=$(store_dir "$1" "$2")
  local link; link="$(realpath -m "$1")/$2"
  mkdir -p "$dir" "$(dirname "$link")"
  if [ "$dir" != "$link" ] && [ ! -e "$link" ]; then ln -s "$dir" "$link"; fi
  echo "$dir"
}

# Postgres refuses to run as root: the data dir belongs to the postgres user.
run_as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() { # start_postgres <dir> <port> <password> [fsync on|off]
  local dir; dir=$(realpath -m "$1"); local port=$2 password=$3 fsync=${4:-on}
  local bin=/usr/lib/postgresql/15/bin
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    local pwfile; pwfile=$(mktemp); echo "$password" > "$pwfile"; chmod 644 "$pwfile"
    run_as_pg "$bin/initdb" -D "$dir" -U postgres --pwfile="$pwfile" -A scram-sha-256 -E UTF8 >/dev/null
    rm -f "$pwfile"
  fi
  if run_as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then return 0; fi
  rm -f "$dir/postmaster.pid"
  run_as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=200" start >/dev/null
}

start_redis() { # start_redis <dir> <port>
  local dir; dir=$(realpath -m "$1"); local port=$2
  mkdir -p "$dir"
  if pid_alive "$dir/redis.pid" && redis-cli -p "$port" ping >/dev/null 2>&1; then return 0; fi
  rm -f "$dir/redis.pid"
  # AOF on: an event acknowledged to an SDK is in Redis' append-only file within a second.
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --appendonly yes --appendfsync everysec --save "" >/dev/null
  wait_for 20 "Redis" redis-cli -p "$port" ping
}

start_clickhouse() { # start_clickhouse <dir> <http_port> <tcp_port> <password>
  local dir; dir=$(realpath -m "$1"); local http=$2 tcp=$3 password=$4
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  if pid_alive "$dir/clickhouse.pid" && curl -sf "http://127.0.0.1:$http/ping" >/dev/null; then return 0; fi
  if pid_alive "$dir/clickhouse.pid"; then kill "$(cat "$dir/clickhouse.pid")" 2>/dev/null || true; sleep 1; fi
  rm -f "$dir/clickhouse.pid" "$dir/data/status"
  cat > "$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><size>10M</size><count>2</count></logger>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
$( [ "${CLICKHOUSE_LOG_QUERIES:-0}" = 1 ] && echo '  <part_log><database>system</database><table>part_log</table></part_log>
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>7500</flush_interval_milliseconds></query_log>')
</yandex>
XML
  cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default>
    <max_memory_usage>4000000000</max_memory_usage>
    <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
    <log_queries>${CLICKHOUSE_LOG_QUERIES:-0}</log_queries>
  </default></profiles>
  <users><default>
    <password>$password</password>
    <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota>
  </default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  if [ "$(id -u)" -eq 0 ] && id clickhouse >/dev/null 2>&1; then
    chown -R clickhouse:clickhouse "$dir"
    runuser -u clickhouse -- /usr/sbin/clickhouse-server --config-file="$dir/config.xml" --pid-file="$dir/clickhouse.pid" --daemon
  else
    /usr/sbin/clickhouse-server --config-file="$dir/config.xml" --pid-file="$dir/clickhouse.pid" --daemon
  fi
  # A large data directory takes ClickHouse a while to load its parts (11 GB of benchmark data: over a minute on the
  # development machine), so wait as long as the server lives, up to ten minutes, and stop at once if it exits.
  local started=$SECONDS
  until curl -sf "http://127.0.0.1:$http/ping" >/dev/null 2>&1; do
    if [ $((SECONDS - started)) -ge 10 ] && ! pid_alive "$dir/clickhouse.pid"; then
      echo "ClickHouse exited while starting: see $dir/log/error.log" >&2; return 1
    fi
    if [ $((SECONDS - started)) -ge 600 ]; then echo "ClickHouse did not come up within 600s" >&2; return 1; fi
    sleep 0.1
  done
}

# A current ClickHouse for tests and benchmarks: chDB (ClickHouse 26, embedded; npm) behind tests/chdb/front.mjs, which
# speaks ClickHouse's HTTP interface. Stopped when the calling script exits.
start_chdb_front() { # start_chdb_front <dir> <port> <password>
  local dir=$1 port=$2 password=$3
  if [ ! -d tests/chdb/node_modules ] || [ tests/chdb/package-lock.json -nt tests/chdb/node_modules ]; then
    # `npm install`, not `npm ci`: chDB's optional builds for other platforms are not on this registry, so the lock file
    # cannot list them, and `npm ci` refuses a lock file without them.
    (cd tests/chdb && npm install --no-audit --no-fund --loglevel=error)
  fi
  mkdir -p "$dir"
  [ -f "$dir/front.pid" ] && kill "$(cat "$dir/front.pid")" 2>/dev/null || true
  node tests/chdb/front.mjs "$dir/data" "$port" "$password" > "$dir/front.log" 2>&1 &
  echo $! > "$dir/front.pid"
  trap "kill \$(cat '$dir/front.pid') 2>/dev/null || true" EXIT
  wait_for 60 "the chDB front" curl -sf "http://127.0.0.1:$port/ping"
}

stop_stores() { # stop_stores <data dir>
  local root=$1
  local ch; ch=$(store_dir "$root" clickhouse)
  local pg; pg=$(store_dir "$root" postgres)
  [ -f "$root/redis/redis.pid" ] && kill "$(cat "$root/redis/redis.pid")" 2>/dev/null || true
  [ -f "$ch/clickhouse.pid" ] && kill "$(cat "$ch/clickhouse.pid")" 2>/dev/null || true
  [ -f "$pg/PG_VERSION" ] && run_as_pg /usr/lib/postgresql/15/bin/pg_ctl -D "$pg" stop -m fast >/dev/null 2>&1 || true
}
