#!/usr/bin/env bash
# Facade: one command to run the whole system, one to run every test.
#   ./run.sh            edge (http://127.0.0.1:5000) + MCP adapter (5010) + device edge (5020, MQTT 1883) + legacy API mock (5030)
#                       + device simulator (control 5040; SIMULATED_DEVICES devices, default 5, owned by the demo user)
#                       + agent responder (health 5050; answers the research agent's skills with a demo agent key)
#                       on embedded defaults
#   ./run.sh cluster    the scaled topology on one host: HAProxy on 8080 over two edges, two adapters, two device-edge
#                       workers sharing mosquitto (README "Several nodes")
#   ./run.sh test       every test (installs what the tests need: Chromium for the browser tests, Node.js, the MCP
#                       TypeScript SDK client for the end-to-end tests and the MCP conformance suite for facade-mcp,
#                       mosquitto for the device edge's External mode)
#   ./run.sh admin …    the edge's admin commands on the same database (users|keys|clients …; ./run.sh admin --help)
#   ./run.sh bench      the benchmark harness (docs/performance.md); --smoke runs every scenario for a second or two;
#                       --cluster measures one edge against two behind HAProxy (PostgreSQL, Redis) instead
#   ./run.sh soak       10 minutes of mixed REST, MCP, MQTT and realtime load: errors, memory of every service, lost
#                       telemetry (bench/results/soak-*.md); --minutes N for another length
# Both are idempotent and install what they need on a fresh Debian machine with the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\033[1;34m[facade]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[facade]\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs Debian packages that are missing (by the command they provide).
ensure_packages() {
  local missing=()
  while [ $# -gt 0 ]; do
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_install "${missing[@]}"
}

apt_install() {
  log "installing $* (apt)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian starts a server package's own service when it installs it. The tests, the benchmark and ./run.sh cluster start
# their own servers (free ports, or the cluster's), so that service is stopped and disabled: stop_package_service <service> <port>
stop_package_service() {
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now "$1" >/dev/null 2>&1 || log "could not stop the $1 service; it may hold port $2"
  elif [ -x "/etc/init.d/$1" ]; then
    as_root "/etc/init.d/$1" stop >/dev/null 2>&1 || log "could not stop the $1 service; it may hold port $2"
  fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is required (dotnet not on PATH)"
  dotnet --list-sdks | grep -q '^10\.' || die "the .NET 10 SDK is required (found: $(dotnet --list-sdks | tr '\n' ' '))"
  dotnet tool restore >/dev/null
}

# The end-to-end tests also drive the official MCP TypeScript SDK client (tests/clients/ts), which needs Node.js 20 or
# later. Debian's nodejs is used when it is new enough (Debian 12 ships 18): otherwise a Node.js 20 build is taken from
# the npm registry, where the node-linux-<arch> package carries the binary, into artifacts/node and put first on PATH.
NODE_FALLBACK_VERSION=20.20.2
ensure_node() {
  ensure_packages node nodejs npm npm
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    local arch
    case "$(uname -m)" in
      x86_64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) die "Node.js 20 or later is required for the TypeScript SDK client tests (found $(node --version) on $(uname -m))" ;;
    esac
    local bin="$ROOT/artifacts/node/node_modules/node-linux-$arch/bin"
    if [ ! -x "$bin/node" ]; then
      log "Node.js $(node --version) is too old for the TypeScript SDK client: installing Node.js $NODE_FALLBACK_VERSION (npm)"
      npm install --prefix "$ROOT/artifacts/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$NODE_FALLBACK_VERSION" >/dev/null
    fi
    export PATH="$bin:$PATH"
  fi
  log "installing the TypeScript SDK test client (npm ci, node $(node --version))"
  npm ci --prefix tests/clients/ts --no-audit --no-fund --loglevel=error >/dev/null
  # The MCP conformance suite grades facade-mcp (tests/Facade.Mcp.Bridge.Tests/Conformance); it brings its own Node.js 22.
  log "installing the MCP conformance suite (npm ci)"
  npm ci --prefix tests/clients/conformance --no-audit --no-fund --loglevel=error >/dev/null
}

# The device edge's External broker tests and the benchmark's ingest scenario start mosquitto themselves (a temporary
# folder, a free loopback port); the tests fail, never skip, without it. The package's own service would hold 1883, the
# embedded broker's port in ./run.sh.
ensure_mosquitto() {
  [ -x /usr/sbin/mosquitto ] && [ -x /usr/bin/mosquitto_passwd ] && return 0
  ensure_packages /usr/sbin/mosquitto mosquitto /usr/bin/mosquitto_passwd mosquitto
  stop_package_service mosquitto 1883
}

# PostgreSQL (Debian's postgresql): the edge's PostgreSQL tests start their own throwaway server from its programs, and
# ./run.sh cluster runs one in data/cluster/postgres; nothing here uses the package's own service. postgres_bin prints the
# folder of the newest server's programs.
postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/postgres" ] && printf '%s\n' "$bin"
}
ensure_postgresql() {
  postgres_bin >/dev/null && return 0
  apt_install postgresql
  stop_package_service postgresql 5432
  postgres_bin >/dev/null || die "postgresql was installed but no server program is under /usr/lib/postgresql/*/bin"
}

# Redis (Debian's redis-server): the revocation bus tests start their own on a free port, ./run.sh cluster one on 6380.
ensure_redis() {
  [ -x /usr/bin/redis-server ] && return 0
  ensure_packages /usr/bin/redis-server redis-server
  stop_package_service redis-server 6379
}

build() {
  log "building ($1)"
  dotnet build Facade.sln -c "$1" -nologo -v quiet -clp:ErrorsOnly
}

wait_for() { # url name
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  die "$2 did not come up at $1"
}

# A service's command line as built, from its project folder (its content root, as under dotnet run, which would
# evaluate the project again on every call): cli <project folder> <assembly> arguments…
cli() { (cd "$1" && exec dotnet "bin/Release/net10.0/$2.dll" "${@:3}"); }

# The same in the background, recorded in pids (the caller's array) as the service's own pid, so stopping it stops
# the service and not a shell around it: spawn <project folder> <assembly> arguments…
spawn() {
  (cd "$1" && exec dotnet "bin/Release/net10.0/$2.dll" "${@:3}") &
  pids+=($!)
}

# The simulator's devices, registered for the demo user (the edge seeds it at start). `init` keeps the ids and secrets
# data/simulator/credentials.json already has and prints each device (id, type, name, secret; tab-separated);
# provisioning a device the demo user already has just sets the same secret again, so every run finds the same devices.
SIMULATOR_CREDENTIALS="$ROOT/data/simulator/credentials.json"
provision_simulated_devices() {
  local owner devices id type name secret out
  owner=$(cli proxy Facade.Proxy users show demo | sed -n 's/^id: //p') && [ -n "$owner" ] \
    || die "could not read the demo user's id (dotnet run --project proxy -- users show demo)"
  log "provisioning ${SIMULATED_DEVICES:-5} simulated devices for the demo user"
  devices=$(cli mocks/DeviceSimulator Facade.Mocks.DeviceSimulator init --devices "${SIMULATED_DEVICES:-5}" --credentials "$SIMULATOR_CREDENTIALS") \
    || die "the simulator's init failed for $SIMULATOR_CREDENTIALS (its reason is above)"
  while IFS=$'\t' read -r id type name secret; do
    # The output ends with the secret: shown only when provisioning fails, which it then does not hold.
    out=$(printf '%s\n' "$secret" | cli device-edge Facade.DeviceEdge devices provision "$id" \
      --owner "$owner" --name "$name" --type "$type" --tag simulator --secret-stdin) || die "simulated device $id: $out"
  done <<<"$devices"
}

# The research agent's runtime (mocks/AgentResponder) answers with an agent key of the demo user, created once with the
# edge's admin CLI (`keys create` prints the key alone on its last line) and kept in data/agent-responder/key (mode 600).
# A key the edge no longer accepts (a fresh database, a revoked key) is replaced. The key never goes on a command line.
AGENT_KEY_FILE="${AGENT_KEY_FILE:-$ROOT/data/agent-responder/key}"
ensure_agent_key() {
  local status key
  if [ -s "$AGENT_KEY_FILE" ]; then
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H @<(printf 'X-Agent-API-Key: %s\n' "$(head -n 1 "$AGENT_KEY_FILE")") \
      http://127.0.0.1:5000/oauth/key-token || true)
    [ "$status" = 200 ] && return 0
    log "the agent key in $AGENT_KEY_FILE is not accepted (HTTP $status); creating a new one"
  fi
  log "creating the research agent's key for the demo user"
  key=$(cli proxy Facade.Proxy keys create --user demo --agent research --scopes "agents:serve" | tail -n 1) && [ -n "$key" ] \
    || die "could not create the research agent's key (dotnet run --project proxy -- keys create --user demo --agent research --scopes agents:serve)"
  mkdir -p "$(dirname "$AGENT_KEY_FILE")"
  (umask 077 && printf '%s\n' "$key" >"$AGENT_KEY_FILE")
  chmod 600 "$AGENT_KEY_FILE"
}

run_system() {
  ensure_packages curl curl
  ensure_dotnet
  build Release
  pids=() # not local: the EXIT trap runs after the function's locals are gone, and must still stop every service
  trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
  export ASPNETCORE_ENVIRONMENT=Development
  dotnet run -c Release --no-build --project mocks/LegacyApi -- --port 5030 &
  pids+=($!)
  wait_for http://127.0.0.1:5030/healthz "legacy API mock"
  # The edge first: the adapter follows its revocation feed and refuses tokens (503) until it has reached it.
  dotnet run -c Release --no-build --project proxy --launch-profile proxy &
  pids+=($!)
  wait_for http://127.0.0.1:5000/healthz "edge"
  dotnet run -c Release --no-build --project mcp-adapter --launch-profile mcp-adapter &
  pids+=($!)
  provision_simulated_devices
  dotnet run -c Release --no-build --project device-edge --launch-profile device-edge &
  pids+=($!)
  wait_for http://127.0.0.1:5010/healthz "MCP adapter"
  wait_for http://127.0.0.1:5020/healthz "device edge"
  dotnet run -c Release --no-build --project mocks/DeviceSimulator --launch-profile device-simulator -- --credentials "$SIMULATOR_CREDENTIALS" &
  pids+=($!)
  wait_for http://127.0.0.1:5040/healthz "device simulator"
  ensure_agent_key
  dotnet run -c Release --no-build --project mocks/AgentResponder --launch-profile agent-responder -- --key-file "$AGENT_KEY_FILE" &
  pids+=($!)
  wait_for http://127.0.0.1:5050/healthz "agent responder"
  cat <<TXT

  Facade is running (Development mode, data in $ROOT/data)
    Edge + OAuth 2.1 authorization server  http://127.0.0.1:5000
      discovery   http://127.0.0.1:5000/.well-known/oauth-authorization-server
      resource    http://127.0.0.1:5000/.well-known/oauth-protected-resource/api
      REST        http://127.0.0.1:5000/api/tasks   (needs a token with tasks:read)
      MCP         http://127.0.0.1:5000/mcp         (streamable HTTP, also at / and /api/mcp; /sse for HTTP+SSE clients)
      agent MCP   http://127.0.0.1:5000/agents/planner/mcp, http://127.0.0.1:5000/agents/research/mcp
      devices     http://127.0.0.1:5000/devices     (needs devices:read; provisioning devices:write)
      login       http://127.0.0.1:5000/account/login
    MCP adapter (behind the edge, loopback) http://127.0.0.1:5010
    Device edge (behind the edge, loopback) http://127.0.0.1:5020
      MQTT broker for devices               127.0.0.1:1883   (user name = client id = device id, password = its secret)
    Legacy API mock (loopback)              http://127.0.0.1:5030
    Device simulator (loopback control)     http://127.0.0.1:5040   (GET /devices, POST /devices/{id}/offline[?seconds=N], POST /devices/{id}/online)
      simulated devices of the demo user    ${SIMULATED_DEVICES:-5} (ids and secrets in $SIMULATOR_CREDENTIALS)
    Agent responder (loopback health)       http://127.0.0.1:5050   (answers the research agent over MQTT; its key in $AGENT_KEY_FILE)
    Demo user                               demo / demo-password

  Ctrl+C stops everything.
TXT
  wait -n "${pids[@]}"
}

# Test hosts may watch files (appsettings, certificate files), and .NET watches a file's whole folder tree: one inotify
# instance per watcher, one watch per folder. The test projects run side by side and start hundreds of hosts at once,
# more than Debian's defaults (128 instances per user); a watch that cannot be added fails silently, and then a test of
# hot reload waits for a change that never comes. Raised where we may; harmless where we may not.
ensure_inotify_limits() {
  local setting wanted current
  for setting in max_user_instances=1024 max_user_watches=1048576; do
    wanted=${setting#*=}
    current=$(cat "/proc/sys/fs/inotify/${setting%=*}" 2>/dev/null || echo 0)
    if [ "$current" -lt "$wanted" ]; then
      as_root sysctl -q -w "fs.inotify.$setting" >/dev/null 2>&1 \
        || log "could not raise fs.inotify.${setting%=*} ($current); tests may fail to watch files"
    fi
  done
}

run_tests() {
  ensure_packages curl curl chromium chromium /usr/sbin/haproxy haproxy
  ensure_mosquitto
  ensure_postgresql
  ensure_redis
  ensure_dotnet
  ensure_node
  ensure_inotify_limits
  build Debug
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results" && mkdir -p "$results"
  log "running every test"
  # Test hosts need not watch appsettings.json for changes (the routes file is polled, not watched): fewer inotify watches.
  export DOTNET_hostBuilder__reloadConfigOnChange=false
  set +e
  dotnet test --solution Facade.sln --no-build -c Debug --results-directory "$results" --report-xunit-trx "$@" 2>&1 | tee "$results/console.log"
  local status=${PIPESTATUS[0]}
  set -e
  # One closing line across all test projects, counted from the TRX reports.
  python3 - "$results" <<'PY' || true
import glob, re, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
# The failures again, last, with the start of their messages: CI keeps only the tail of a long log. From the TRX
# reports (any outcome but passed or skipped), else from the runner's own "failed <test>" lines.
shown = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    for result in ET.parse(path).getroot().findall(".//{*}UnitTestResult"):
        if result.get("outcome") in ("Passed", "NotExecuted", "Skipped"):
            continue
        message = result.find(".//{*}Message")
        stack = result.find(".//{*}StackTrace")
        print(f"FAILED ({result.get('outcome')}) {result.get('testName')}")
        shown += 1
        for text in (message, stack):
            if text is not None and text.text:
                for line in text.text.strip().splitlines()[:12]:
                    print(f"    {line[:300]}")
try:
    lines = [] if shown or not failed else [re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line.rstrip()) for line in open(sys.argv[1] + "/console.log", errors="replace")]
except OSError:
    lines = []
for index, line in enumerate(lines):
    if re.match(r"^\s*(failed|error) \S", line):
        print("RUNNER " + line.strip()[:300])
        for follow in lines[index + 1:index + 13]:
            print(f"    {follow.strip()[:300]}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
  return "$status"
}

# Builds only what the benchmark starts, so a test project in flux cannot stop it. A service that does not build
# stops the benchmark (an older build of it would be measured otherwise). Smoke runs judge no speed, so they reuse the
# Debug build of ./run.sh test (CI runs both); measured runs build Release. Build output goes to stderr: stdout is the
# table.
# Measured runs publish every server ReadyToRun for this machine (artifacts/bench/<assembly>/), as a deployment would:
# precompiled code is what gets the edge's cold start under 2 s (docs/performance.md). The peers get the same.
build_bench() {
  log "building ($1: edge, MCP adapter, device edge, agent responder, benchmark peers, harness)"
  local project rid
  case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) rid= ;; esac
  for project in proxy/Facade.Proxy.csproj mcp-adapter/Facade.McpAdapter.csproj device-edge/Facade.DeviceEdge.csproj \
      mocks/AgentResponder/Facade.Mocks.AgentResponder.csproj \
      bench/Backend/Facade.Bench.Backend.csproj bench/PlainYarp/Facade.Bench.PlainYarp.csproj bench/Facade.Bench/Facade.Bench.csproj; do
    dotnet build "$project" -c "$1" -nologo -v quiet -clp:ErrorsOnly >&2 \
      || die "$project does not build ($1); fix it before benchmarking (the errors are above)"
    if [ "$1" = Release ] && [ -n "$rid" ] && [ "$project" != bench/Facade.Bench/Facade.Bench.csproj ]; then
      local assembly
      assembly=$(basename "$project" .csproj)
      rm -rf "artifacts/bench/$assembly"
      dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
          -o "artifacts/bench/$assembly" -nologo -v quiet -clp:ErrorsOnly >&2 \
        || die "$project does not publish ReadyToRun ($rid); the errors are above"
    fi
  done
}

run_bench() {
  ensure_packages curl curl wrk wrk nginx nginx haproxy haproxy
  ensure_mosquitto
  case " $* " in *" --cluster "*) ensure_postgresql; ensure_redis ;; esac
  ensure_dotnet
  local configuration=Release
  case " $* " in *" --smoke "*) configuration=Debug ;; esac
  build_bench "$configuration"
  dotnet "bench/Facade.Bench/bin/$configuration/net10.0/Facade.Bench.dll" --root "$ROOT" --configuration "$configuration" "$@"
}

# The edge's admin commands (users, keys, clients) against the data folder ./run.sh uses, in Development mode unless
# ASPNETCORE_ENVIRONMENT says otherwise. Builds the edge first when it has not been built yet.
run_admin() {
  ensure_dotnet
  [ -f proxy/bin/Release/net10.0/Facade.Proxy.dll ] || dotnet build proxy/Facade.Proxy.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" cli proxy Facade.Proxy "$@"
}

# ./run.sh cluster: the scaled topology on one host (README "Several nodes"): mosquitto on 1883 for the devices, two
# edges (5000, 5001) on PostgreSQL (5433) with a Redis revocation bus (6380), two MCP adapters (5010, 5011), two device-edge workers (5020, 5021) sharing
# mosquitto through a shared subscription and a PostgreSQL database, the legacy API mock and the device simulator, and HAProxy on
# 8080, the public URL and issuer. Everything lives in data/cluster/ (logs in data/cluster/logs); Ctrl+C stops it all.
run_cluster() {
  ensure_packages curl curl /usr/sbin/haproxy haproxy
  ensure_mosquitto
  ensure_postgresql
  ensure_redis
  ensure_dotnet
  build Release
  local dir="$ROOT/data/cluster" public=http://127.0.0.1:8080/ service_password edge_data device_data
  edge_data="$dir/edge"
  device_data="$dir/device-edge"
  mkdir -p "$edge_data" "$device_data" "$dir/mosquitto" "$dir/logs" "$dir/simulator"
  pids=() # not local: the EXIT trap must still see them
  trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
  export ASPNETCORE_ENVIRONMENT=Development
  if [ ! -s "$dir/service-password" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/service-password")
  fi
  service_password=$(cat "$dir/service-password")

  # mosquitto: the first worker writes its password and ACL files and signals it (pid file) to reload them.
  touch "$dir/mosquitto/passwd" "$dir/mosquitto/acl"
  cat >"$dir/mosquitto/mosquitto.conf" <<CONF
per_listener_settings false
listener 1883 127.0.0.1
allow_anonymous false
password_file $dir/mosquitto/passwd
acl_file $dir/mosquitto/acl
use_username_as_clientid true
max_packet_size 262144
persistence true
persistence_location $dir/mosquitto/
pid_file $dir/mosquitto/mosquitto.pid
user $(id -un)
CONF
  /usr/sbin/mosquitto -c "$dir/mosquitto/mosquitto.conf" >"$dir/logs/mosquitto.log" 2>&1 &
  pids+=($!)

  cat >"$dir/haproxy.cfg" <<CONF
global
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  timeout check 2s
  option forwardfor
  option redispatch
  retries 2
frontend public
  bind 127.0.0.1:8080
  default_backend edges
backend edges
  balance roundrobin
  option httpchk GET /healthz/live
  server edge1 127.0.0.1:5000 check inter 1s fall 2 rise 1
  server edge2 127.0.0.1:5001 check inter 1s fall 2 rise 1
CONF
  /usr/sbin/haproxy -W -f "$dir/haproxy.cfg" >"$dir/logs/haproxy.log" 2>&1 &
  pids+=($!)

  # PostgreSQL for the edges and the workers on 5433 (5432 is left to a system server): a cluster made once in data/cluster/postgres,
  # trust authentication on loopback, as the postgres user when this runs as root (PostgreSQL refuses root).
  local pg_bin pg_dir="$dir/postgres" as_pg=() pg_connection="Host=127.0.0.1;Port=5433;Database=facade;Username=facade"
  pg_bin=$(postgres_bin)
  [ "$(id -u)" -eq 0 ] && as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups)
  if [ ! -s "$pg_dir/data/PG_VERSION" ]; then
    mkdir -p "$pg_dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pg_dir"
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U facade --auth=trust --encoding=UTF8 --locale=C >"$dir/logs/initdb.log" 2>&1 \
      || die "initdb failed (data/cluster/logs/initdb.log)"
  fi
  "${as_pg[@]}" "$pg_bin/postgres" -D "$pg_dir/data" -p 5433 -k "$pg_dir" -c listen_addresses=127.0.0.1 >"$dir/logs/postgres.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p 5433 && break; sleep 0.5; done
  "$pg_bin/pg_isready" -q -h 127.0.0.1 -p 5433 || die "PostgreSQL did not start (data/cluster/logs/postgres.log)"
  local database
  for database in facade devices; do
    "$pg_bin/psql" -h 127.0.0.1 -p 5433 -U facade -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 \
      || "$pg_bin/createdb" -h 127.0.0.1 -p 5433 -U facade "$database" || die "could not create the database $database"
  done
  # The device-edge workers' database (registry, telemetry, commands, shadows, rules), the same server.
  local device_database=(--DeviceEdge:DatabaseProvider=PostgreSql "--DeviceEdge:ConnectionString=Host=127.0.0.1;Port=5433;Database=devices;Username=facade"
    --DeviceEdge:DataDirectory="$device_data")

  # Redis on 6380 (6379 is left to a system server), no persistence: the edges' revocation bus.
  /usr/bin/redis-server --port 6380 --bind 127.0.0.1 --save "" --appendonly no >"$dir/logs/redis.log" 2>&1 &
  pids+=($!)

  spawn mocks/LegacyApi Facade.Mocks.LegacyApi --port 5030 >"$dir/logs/legacy.log" 2>&1
  wait_for http://127.0.0.1:5030/healthz "legacy API mock"

  # The edges share the PostgreSQL database (and with it the Data Protection key ring); the data folder still holds the
  # Development signing key and API key pepper they share here (a real cluster configures certificates and a pepper).
  local edge_database=(--Facade:DatabaseProvider=PostgreSql "--Facade:ConnectionString=$pg_connection" --Facade:DataDirectory="$edge_data")
  local edge_settings=(--Facade:PublicUrl=$public "${edge_database[@]}" --Facade:Edge:TrustedProxies:0=127.0.0.1
    --Facade:Redis:Configuration=127.0.0.1:6380
    --ReverseProxy:Clusters:mcp-adapter:Destinations:second:Address=http://127.0.0.1:5011/
    --ReverseProxy:Clusters:device-edge:Destinations:second:Address=http://127.0.0.1:5021/)
  local port
  for port in 5000 5001; do
    spawn proxy Facade.Proxy --urls "http://127.0.0.1:$port" "${edge_settings[@]}" >"$dir/logs/edge-$port.log" 2>&1
    wait_for "http://127.0.0.1:$port/healthz/live" "edge on $port"
  done
  wait_for "${public}healthz/live" "HAProxy on 8080"

  for port in 5010 5011; do
    spawn mcp-adapter Facade.McpAdapter --urls "http://127.0.0.1:$port" --Adapter:Issuer=$public >"$dir/logs/adapter-$port.log" 2>&1
  done

  local worker port_index=0
  for port in 5020 5021; do
    port_index=$((port_index + 1))
    worker=(--urls "http://127.0.0.1:$port" --DeviceEdge:Issuer=$public "${device_database[@]}"
      --DeviceEdge:Mqtt:Mode=External --DeviceEdge:Mqtt:External:Host=127.0.0.1 --DeviceEdge:Mqtt:External:Port=1883
      --DeviceEdge:Mqtt:External:UserName=facade.device-edge.$port_index --DeviceEdge:Mqtt:External:SharedSubscriptionGroup=workers)
    if [ "$port_index" = 1 ]; then
      worker+=(--DeviceEdge:Mqtt:Mosquitto:AccountsDirectory="$dir/mosquitto" --DeviceEdge:Mqtt:Mosquitto:PidFile="$dir/mosquitto/mosquitto.pid"
        --DeviceEdge:Mqtt:Mosquitto:OtherWorkers:0=facade.device-edge.2)
    fi
    DeviceEdge__Mqtt__External__Password="$service_password" spawn device-edge Facade.DeviceEdge "${worker[@]}" >"$dir/logs/device-edge-$port.log" 2>&1
    wait_for "http://127.0.0.1:$port/healthz/live" "device-edge worker on $port"
  done
  wait_for http://127.0.0.1:5010/healthz "MCP adapter on 5010"
  wait_for http://127.0.0.1:5011/healthz "MCP adapter on 5011"
  wait_for http://127.0.0.1:5020/healthz "device-edge worker on 5020"
  wait_for http://127.0.0.1:5021/healthz "device-edge worker on 5021"

  local owner devices id type name secret out credentials="$dir/simulator/credentials.json"
  owner=$(cli proxy Facade.Proxy users show demo "${edge_database[@]}" | sed -n 's/^id: //p') && [ -n "$owner" ] \
    || die "could not read the demo user's id in $edge_data"
  devices=$(cli mocks/DeviceSimulator Facade.Mocks.DeviceSimulator init --devices "${SIMULATED_DEVICES:-5}" --credentials "$credentials") \
    || die "the simulator's init failed for $credentials"
  while IFS=$'\t' read -r id type name secret; do
    out=$(printf '%s\n' "$secret" | cli device-edge Facade.DeviceEdge devices provision "$id" --owner "$owner" --name "$name" --type "$type" \
      --tag simulator --secret-stdin "${device_database[@]}") || die "simulated device $id: $out"
  done <<<"$devices"
  # Provisioned by the command line, not the running workers: rewrite mosquitto's files now.
  DeviceEdge__Mqtt__External__Password="$service_password" cli device-edge Facade.DeviceEdge devices mosquitto-sync \
    "${device_database[@]}" --DeviceEdge:Mqtt:Mode=External --DeviceEdge:Mqtt:External:Host=127.0.0.1 \
    --DeviceEdge:Mqtt:External:UserName=facade.device-edge.1 --DeviceEdge:Mqtt:Mosquitto:AccountsDirectory="$dir/mosquitto" \
    --DeviceEdge:Mqtt:Mosquitto:PidFile="$dir/mosquitto/mosquitto.pid" --DeviceEdge:Mqtt:Mosquitto:OtherWorkers:0=facade.device-edge.2 \
    >"$dir/logs/mosquitto-sync.log" 2>&1 || die "mosquitto-sync failed (data/cluster/logs/mosquitto-sync.log)"
  spawn mocks/DeviceSimulator Facade.Mocks.DeviceSimulator --credentials "$credentials" >"$dir/logs/simulator.log" 2>&1
  wait_for http://127.0.0.1:5040/healthz "device simulator"
  cat <<TXT

  Facade cluster is running (Development mode, data and logs in $dir)
    Public URL and issuer (HAProxy)   $public   (round robin over both edges, health-checked)
    Edges                             http://127.0.0.1:5000, http://127.0.0.1:5001   (one PostgreSQL database)
    PostgreSQL (edges, workers)       127.0.0.1:5433   (psql -h 127.0.0.1 -p 5433 -U facade facade|devices)
    Redis (the edges' revocation bus) 127.0.0.1:6380
    MCP adapters                      http://127.0.0.1:5010, http://127.0.0.1:5011
    Device-edge workers               http://127.0.0.1:5020, http://127.0.0.1:5021   (shared subscription 'workers', PostgreSQL 'devices')
    mosquitto for devices             127.0.0.1:1883
    Legacy API mock, device simulator http://127.0.0.1:5030, http://127.0.0.1:5040
    Demo user                         demo / demo-password

  Not in the cluster: the agent responder (agent channels need the embedded broker). Ctrl+C stops everything.
TXT
  wait -n "${pids[@]}"
}

case "${1:-run}" in
  run) run_system ;;
  admin) shift; run_admin "$@" ;;
  test) shift; run_tests "$@" ;;
  bench) shift; run_bench "$@" ;;
  soak) shift; run_bench --soak "$@" ;;
  cluster) run_cluster ;;
  *) die "usage: ./run.sh [run|cluster|test|admin …|bench [--smoke]|soak [--minutes N]]" ;;
esac
