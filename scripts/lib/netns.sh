# shellcheck shell=bash disable=SC2034  # variables here are used by the scripts that source it
# A bridge of network namespaces and a recorder on it, for the scripts that record test captures
# (scripts/make-test-captures, scripts/make-lateral-captures). Needs iproute2, ethtool and tcpdump. The caller
# sources lib/common.sh first, then:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/netns.sh"
#   netns_init vtc                # namespaces vtc<pid>-*, a work dir, cleanup on exit
#   netns_bridge                  # $NS-lan with the bridge br0 (IPv4 only)
#   netns_attach srv 10.79.0.10   # namespace $NS-srv, eth0 on the bridge with that address (/24)
#   in_ns srv CMD...              # runs CMD in $NS-srv (foreground only, see below)
#   record_start NAME; ...; record_stop NAME   # tcpdump -i br0 -s 256 ip into $OUT_DIR/NAME.pcap
#
# Background processes are started as `ip netns exec "$NS-NAME" CMD &` and their pid added to PIDS, never through
# in_ns: a function runs in a subshell, so $! would be that subshell, and killing it would leave the process itself
# running. On exit (success, failure, or INT, TERM or HUP) every process still in one of the namespaces is killed, whoever started it,
# then the namespaces and the work dir are removed.

NS=
WORK=
PIDS=()
NETNS_NAMES=()
TCPDUMP_PID=

# netns_init PREFIX: names the namespaces PREFIX<pid>-*, makes the work dir $WORK and sets the exit trap.
netns_init() {
  NS=$1$$
  WORK=$(mktemp -d)
  trap netns_cleanup EXIT
  # Without these a signal would end bash at once, without the EXIT trap, leaving the namespaces and their processes.
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
}

netns_cleanup() {
  local pid n
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Whatever the listed processes forked (sshd's sessions, smbd's children) is still in the namespace: end it too.
  for n in "${NETNS_NAMES[@]}"; do
    for pid in $(ip netns pids "$NS-$n" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  sleep 0.2
  for n in "${NETNS_NAMES[@]}"; do
    for pid in $(ip netns pids "$NS-$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$NS-$n" 2>/dev/null || true
  done
  [[ -z $WORK ]] || rm -rf "$WORK"
}

in_ns() { local n=$1; shift; ip netns exec "$NS-$n" "$@"; }

# IPv4 only: otherwise each namespace's link-local IPv6 chatter (router solicitations, MLD reports) lands in the pcaps.
_netns_add() {
  ip netns add "$NS-$1"
  NETNS_NAMES+=("$1")
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  in_ns "$1" ip link set lo up
}

netns_bridge() {
  vigil_log "building the bridge (namespaces $NS-*)"
  _netns_add lan
  in_ns lan ip link add br0 type bridge
  in_ns lan ip link set br0 up
}

netns_attach() { # NAME ADDRESS
  local n=$1 addr=$2
  _netns_add "$n"
  ip link add "$NS$n" netns "$NS-lan" type veth peer name eth0 netns "$NS-$n"
  in_ns lan ip link set "$NS$n" master br0 up
  in_ns "$n" ip addr add "$addr/24" dev eth0
  # Frames as a SPAN port sees them: without this the kernel hands the bridge TCP segments of up to 64 KB (TSO/GSO),
  # one "packet" where the wire has forty.
  in_ns "$n" ethtool -K eth0 tso off gso off gro off >/dev/null
  in_ns "$n" ip link set eth0 up
}

record_start() { # NAME: records the bridge into $WORK/NAME.pcap until record_stop
  ip netns exec "$NS-lan" tcpdump -i br0 -U -n -s 256 -w "$WORK/$1.pcap" ip >"$WORK/tcpdump-$1.log" 2>&1 &
  TCPDUMP_PID=$!
  PIDS+=("$TCPDUMP_PID")
  vigil_wait_until 10 "$TCPDUMP_PID" grep -q "listening on" "$WORK/tcpdump-$1.log" ||
    vigil_die "tcpdump did not start: $(cat "$WORK/tcpdump-$1.log")"
}

record_stop() { # NAME: stops the recording and copies it to $OUT_DIR
  sleep 1
  kill "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" 2>/dev/null || true
  mkdir -p "$OUT_DIR"
  cp "$WORK/$1.pcap" "$OUT_DIR/$1.pcap"
  local packets
  packets=$(tcpdump -r "$OUT_DIR/$1.pcap" -n 2>/dev/null | wc -l)
  vigil_log "wrote $OUT_DIR/$1.pcap: $packets packets, $(stat -c %s "$OUT_DIR/$1.pcap") bytes"
}
