#!/usr/bin/env bash
# Facade: one command to run the whole system, one to run every test.
#   ./run.sh            edge (http://127.0.0.1:5000) + MCP adapter (5010) + device edge (5020, MQTT 1883) + legacy API mock (5030)
#                       + device simulator (control 5040; SIMULATED_DEVICES devices, default 5, owned by the demo user)
#                       + agent responder (health 5050; answers the research agent's skills with a demo agent key)
#                       on embedded defaults
#   ./run.sh test       every test (installs what the tests need: Chromium for the browser tests, Node.js and the
#                       MCP TypeScript SDK client for the end-to-end tests, mosquitto for the device edge's External mode)
#   ./run.sh admin …    the edge's admin commands on the same database (users|keys|clients …; ./run.sh admin --help)
#   ./run.sh bench      the benchmark harness (docs/performance.md); --smoke runs every scenario for a second or two
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
  log "installing ${missing[*]} (apt)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
}

# The device edge's External broker tests start mosquitto themselves (a temporary folder, a free loopback port); they
# fail, never skip, without it. Debian also starts the package's own service on 1883, the embedded broker's port in
# ./run.sh: when this script installs the package it stops and disables that service.
ensure_mosquitto() {
  [ -x /usr/sbin/mosquitto ] && [ -x /usr/bin/mosquitto_passwd ] && return 0
  ensure_packages /usr/sbin/mosquitto mosquitto /usr/bin/mosquitto_passwd mosquitto
  if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet mosquitto 2>/dev/null; then
    as_root systemctl disable --now mosquitto >/dev/null 2>&1 || log "could not stop the mosquitto service; it may hold port 1883"
  fi
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
cli() { (cd "$1" && dotnet "bin/Release/net10.0/$2.dll" "${@:3}"); }

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

# Every test host watches its configuration files; the test projects run side by side and start many hosts at once,
# more than Debian's default of 128 inotify instances per user. Raised where we may; harmless where we may not.
ensure_inotify_instances() {
  local current
  current=$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)
  if [ "$current" -lt 1024 ]; then
    as_root sysctl -q -w fs.inotify.max_user_instances=1024 >/dev/null 2>&1 \
      || log "could not raise fs.inotify.max_user_instances ($current); tests may fail to watch files"
  fi
}

run_tests() {
  ensure_packages curl curl chromium chromium
  ensure_mosquitto
  ensure_dotnet
  ensure_node
  ensure_inotify_instances
  build Debug
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results" && mkdir -p "$results"
  log "running every test"
  set +e
  dotnet test --solution Facade.sln --no-build -c Debug --results-directory "$results" --report-xunit-trx "$@" 2>&1 | tee "$results/console.log"
  local status=${PIPESTATUS[0]}
  set -e
  # One closing line across all test projects, counted from the TRX reports.
  python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
  return "$status"
}

# Builds only what the benchmark starts, so a test project in flux cannot stop it. A service that does not build
# stops the benchmark (an older build of it would be measured otherwise). Smoke runs judge no speed, so they reuse the
# Debug build of ./run.sh test (CI runs both); measured runs build Release. Build output goes to stderr: stdout is the
# table.
build_bench() {
  log "building ($1: edge, MCP adapter, device edge, agent responder, benchmark peers, harness)"
  local project
  for project in proxy/Facade.Proxy.csproj mcp-adapter/Facade.McpAdapter.csproj device-edge/Facade.DeviceEdge.csproj \
      mocks/AgentResponder/Facade.Mocks.AgentResponder.csproj \
      bench/Backend/Facade.Bench.Backend.csproj bench/PlainYarp/Facade.Bench.PlainYarp.csproj bench/Facade.Bench/Facade.Bench.csproj; do
    dotnet build "$project" -c "$1" -nologo -v quiet -clp:ErrorsOnly >&2 \
      || die "$project does not build ($1); fix it before benchmarking (the errors are above)"
  done
}

# The ingest scenario compares the device edge with Debian's mosquitto, which the harness starts itself on a free port.
# The package would also start (and enable) a system-wide broker on 1883, the device edge's own port: stop that one.
ensure_mosquitto() {
  [ -x /usr/sbin/mosquitto ] && return 0
  log "installing mosquitto (apt; its system service is stopped and disabled, the benchmark starts its own)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto >/dev/null
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now mosquitto >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/mosquitto ]; then
    as_root /etc/init.d/mosquitto stop >/dev/null 2>&1 || true
  fi
}

run_bench() {
  ensure_packages curl curl wrk wrk nginx nginx haproxy haproxy
  ensure_mosquitto
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

case "${1:-run}" in
  run) run_system ;;
  admin) shift; run_admin "$@" ;;
  test) shift; run_tests "$@" ;;
  bench) shift; run_bench "$@" ;;
  *) die "usage: ./run.sh [run|test|admin …|bench [--smoke]]" ;;
esac
