#!/bin/sh
# Joins the CouchDB nodes of docker-compose.yml into one cluster through CouchDB's /_cluster_setup API
# (enable_cluster -> add_node -> finish_cluster), then checks that every node sees every other.
#
# Idempotent, so the setup job runs it on every `docker compose up`:
# - a node that is already enabled (the normal case: 10-outpost.ini binds 0.0.0.0 and the admin comes from the
#   environment) is not enabled again;
# - a node already listed in /_membership is not added again;
# - finish_cluster is always called. It first copies the coordinator's admin password hash, [couchdb] uuid and
#   cookie secret to the other nodes, then creates _users and _replicator if they are missing and otherwise
#   answers 400 "Cluster is already finished". Calling it every time re-syncs a node whose config volume was
#   replaced. The coordinator (the first node) is the source of truth for those three values.
#
# Environment:
#   COUCH_ADMIN_USER, COUCH_ADMIN_PASSWORD  the server admin (COUCHDB_USER / COUCHDB_PASSWORD of every node)
#   COUCH_CLUSTER_NODES  the nodes' host names, space-separated, coordinator first. Each must equal the node's
#                        NODENAME (the Erlang node is couchdb@<host>) and contain a dot: Erlang long names reject
#                        a bare host name when connecting.
#   COUCH_PORT           CouchDB's HTTP port on every node (default 5984)
#   COUCH_WAIT_SECONDS   how long to wait for each node's /_up and for the nodes to connect (default 120)
#
# Needs only a POSIX sh and curl. Credentials never appear on a command line, where `ps` on the host would show
# them: curl reads them from a private config file, and request bodies go in on stdin. Nothing secret is printed.
set -eu
# No pathname expansion: node lists are split on spaces below, and nothing here needs a glob.
set -f

fail() {
  echo "cluster-setup: $*" >&2
  exit 1
}
log() { echo "cluster-setup: $*"; }

: "${COUCH_ADMIN_USER:?set COUCH_ADMIN_USER}"
: "${COUCH_ADMIN_PASSWORD:?set COUCH_ADMIN_PASSWORD}"
: "${COUCH_CLUSTER_NODES:?set COUCH_CLUSTER_NODES to the node host names, coordinator first}"
PORT="${COUCH_PORT:-5984}"
WAIT="${COUCH_WAIT_SECONDS:-120}"

set -- $COUCH_CLUSTER_NODES
NODE_COUNT=$#
COORDINATOR=$1
[ "$NODE_COUNT" -ge 2 ] || fail "COUCH_CLUSTER_NODES lists $NODE_COUNT node; a cluster needs at least 2 (Outpost runs 3)"
for host in "$@"; do
  case "$host" in
    *.*) ;;
    *) fail "node host '$host' has no dot; Erlang long node names need one (e.g. couchdb-1.outpost.internal)" ;;
  esac
done

umask 077
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# Escape for a double-quoted string in a curl config file and in JSON: backslash and double quote.
quote() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
ADMIN_USER_JSON=$(quote "$COUCH_ADMIN_USER")
ADMIN_PASSWORD_JSON=$(quote "$COUCH_ADMIN_PASSWORD")
printf 'user = "%s:%s"\n' "$ADMIN_USER_JSON" "$ADMIN_PASSWORD_JSON" >"$TMP/curlrc"

# call METHOD URL [JSON_BODY]: sets STATUS (000 when the node is unreachable) and BODY.
call() {
  if [ $# -ge 3 ]; then
    STATUS=$(printf '%s' "$3" | curl -sS -K "$TMP/curlrc" -o "$TMP/body" -w '%{http_code}' -X "$1" \
      -H 'Content-Type: application/json' --data-binary @- "$2") || STATUS=000
  else
    STATUS=$(curl -sS -K "$TMP/curlrc" -o "$TMP/body" -w '%{http_code}' -X "$1" "$2") || STATUS=000
  fi
  BODY=$(cat "$TMP/body" 2>/dev/null || true)
  : >"$TMP/body"
}

url() { echo "http://$1:$PORT$2"; }

# The "cluster_nodes" list of a /_membership body (the nodes in the cluster, connected or not).
cluster_nodes() { printf '%s' "$1" | sed -n 's/.*"cluster_nodes":\[\([^]]*\)\].*/\1/p'; }
# The "all_nodes" list of a /_membership body (the nodes this node is connected to, itself included).
connected_nodes() { printf '%s' "$1" | sed -n 's/.*"all_nodes":\[\([^]]*\)\].*/\1/p'; }
lists() { case ",$1," in *",\"couchdb@$2\","*) return 0 ;; *) return 1 ;; esac; }

# 1. Every node answers /_up (the compose healthcheck already waited; this covers running the script by hand).
for host in "$@"; do
  deadline=$(($(date +%s) + WAIT))
  until curl -fs -o /dev/null "$(url "$host" /_up)"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$(url "$host" /_up) did not answer within ${WAIT}s"
    sleep 2
  done
done
log "all $NODE_COUNT nodes are up"

# 2. Every node is enabled for clustering: a non-loopback bind address and an admin.
for host in "$@"; do
  call GET "$(url "$host" /_cluster_setup)"
  [ "$STATUS" = 200 ] || fail "GET $(url "$host" /_cluster_setup) answered $STATUS: $BODY"
  case "$BODY" in
    *'"cluster_disabled"'*)
      log "$host: enable_cluster"
      call POST "$(url "$host" /_cluster_setup)" \
        "{\"action\":\"enable_cluster\",\"bind_address\":\"0.0.0.0\",\"port\":$PORT,\"node_count\":$NODE_COUNT,\"username\":\"$ADMIN_USER_JSON\",\"password\":\"$ADMIN_PASSWORD_JSON\"}"
      [ "$STATUS" = 201 ] || fail "enable_cluster on $host answered $STATUS: $BODY"
      ;;
    *'"single_node_'*)
      fail "$host is configured as a single node ([couchdb] single_node = true or [cluster] n = 1): mount 20-cluster.ini, not 20-single-node.ini"
      ;;
    *'"cluster_enabled"'* | *'"cluster_finished"'*) ;;
    *) fail "unexpected /_cluster_setup state on $host: $BODY" ;;
  esac
done

# 3. The coordinator adds every node that is not yet a member.
call GET "$(url "$COORDINATOR" /_membership)"
[ "$STATUS" = 200 ] || fail "GET $(url "$COORDINATOR" /_membership) answered $STATUS: $BODY"
members=$(cluster_nodes "$BODY")
shift
for host in "$@"; do
  if lists "$members" "$host"; then
    log "couchdb@$host is already a member"
    continue
  fi
  log "adding couchdb@$host"
  call POST "$(url "$COORDINATOR" /_cluster_setup)" \
    "{\"action\":\"add_node\",\"host\":\"$host\",\"port\":$PORT,\"name\":\"couchdb\",\"username\":\"$ADMIN_USER_JSON\",\"password\":\"$ADMIN_PASSWORD_JSON\"}"
  [ "$STATUS" = 201 ] || fail "add_node $host answered $STATUS: $BODY"
done
set -- $COUCH_CLUSTER_NODES

# 4. finish_cluster: sync admin hash, uuid and secret, create the system databases once. It waits for the nodes
#    to be connected and fails (500) if they are not yet, so retry until the deadline.
deadline=$(($(date +%s) + WAIT))
while :; do
  call POST "$(url "$COORDINATOR" /_cluster_setup)" '{"action":"finish_cluster"}'
  case "$STATUS:$BODY" in
    201:*) log "finish_cluster: system databases created"; break ;;
    400:*'already finished'*) log "finish_cluster: already finished (admin hash, uuid and secret re-synced)"; break ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || fail "finish_cluster answered $STATUS: $BODY"
  sleep 3
done

# 5. Check: every node lists every node as a member and is connected to it, and the setup is finished.
for host in "$@"; do
  deadline=$(($(date +%s) + WAIT))
  while :; do
    call GET "$(url "$host" /_membership)"
    missing=""
    for other in "$@"; do
      if ! lists "$(cluster_nodes "$BODY")" "$other" || ! lists "$(connected_nodes "$BODY")" "$other"; then
        missing="$missing couchdb@$other"
      fi
    done
    [ -n "$missing" ] || break
    [ "$(date +%s)" -lt "$deadline" ] ||
      fail "$host does not see$missing (status $STATUS: $BODY). Are COUCHDB_COOKIE and the node names right?"
    sleep 2
  done
done
call GET "$(url "$COORDINATOR" /_cluster_setup)"
case "$BODY" in
  *'"cluster_finished"'*) log "cluster of $NODE_COUNT nodes is ready" ;;
  *) fail "cluster setup did not finish: $(url "$COORDINATOR" /_cluster_setup) says $BODY" ;;
esac
