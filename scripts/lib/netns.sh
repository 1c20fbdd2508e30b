# shellcheck shell=bash disable=SC2034  # variables here are used by the scripts that source it
# A bridge of network namespaces and a recorder on it, for the scripts that record test captures
# (scripts/make-test-captures, scripts/make-lateral-captures, scripts/make-exfil-captures). Needs iproute2, ethtool
# and tcpdump. The caller sources lib/common.sh first, then:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/netns.sh"
#   netns_init vtc                # namespaces vtc<pid>-*, a work dir, cleanup on exit
#   NETNS_MTU=65000               # optional, before netns_bridge: jumbo frames on the bridge and every veth
#   netns_bridge                  # $NS-lan with the bridge br0 (IPv4 only)
#   netns_attach srv 10.79.0.10   # namespace $NS-srv, eth0 on the bridge with that address (/24)
#   netns_onlink srv 198.51.100.0/24   # another prefix on the same segment: an on-link route on eth0
#   in_ns srv CMD...              # runs CMD in $NS-srv (foreground only, see below)
#   netns_sshd srv; netns_smbd srv 10.79.0.10 ...   # a real sshd (22/tcp), a real smbd (445/tcp, share 'files')
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
NETNS_MTU=${NETNS_MTU:-} # empty: the kernel's default (1500)
SSH_OPTS=()              # set by netns_sshd: a client's options for its key
SMB_PASSWORD=vigil-test-smb # root's password in netns_smbd's passdb

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
  # A bridge takes the smallest MTU of its ports; set, it also keeps its own when the first port is added.
  [[ -z $NETNS_MTU ]] || in_ns lan ip link set br0 mtu "$NETNS_MTU"
  in_ns lan ip link set br0 up
}

netns_attach() { # NAME ADDRESS
  local n=$1 addr=$2
  _netns_add "$n"
  ip link add "$NS$n" netns "$NS-lan" type veth peer name eth0 netns "$NS-$n"
  if [[ -n $NETNS_MTU ]]; then
    in_ns lan ip link set "$NS$n" mtu "$NETNS_MTU"
    in_ns "$n" ip link set eth0 mtu "$NETNS_MTU"
  fi
  in_ns lan ip link set "$NS$n" master br0 up
  in_ns "$n" ip addr add "$addr/24" dev eth0
  # Frames as a SPAN port sees them: without this the kernel hands the bridge TCP segments of up to 64 KB (TSO/GSO),
  # one "packet" where the wire has forty.
  in_ns "$n" ethtool -K eth0 tso off gso off gro off >/dev/null
  in_ns "$n" ip link set eth0 up
}

# netns_onlink NAME PREFIX...: routes each PREFIX on-link through eth0 (hosts of another network on the same segment,
# as behind a router that the capture does not show: the frames go straight to their MAC).
netns_onlink() {
  local n=$1 prefix
  shift
  for prefix in "$@"; do in_ns "$n" ip route add "$prefix" dev eth0; done
}

# netns_sshd NAME: a real sshd in $NS-NAME on 0.0.0.0:22 (every address of the namespace), with its own host key and
# config in $WORK: root logs in by key only ($WORK/id_ed25519, in SSH_OPTS for the clients); password authentication
# is offered but every password refused; no PAM. Waits until it accepts connections (probed on the namespace's own
# loopback, so nothing reaches the bridge).
netns_sshd() {
  local n=$1
  ssh-keygen -q -t ed25519 -N '' -C vigil-test-host -f "$WORK/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -C vigil-test-admin -f "$WORK/id_ed25519"
  cp "$WORK/id_ed25519.pub" "$WORK/authorized_keys"
  cat >"$WORK/sshd_config" <<EOF
ListenAddress 0.0.0.0
Port 22
HostKey $WORK/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $WORK/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 100
Subsystem sftp internal-sftp
EOF
  mkdir -p /run/sshd # sshd's privilege separation directory (Debian's openssh-server package makes it at boot)
  ip netns exec "$NS-$n" /usr/sbin/sshd -D -e -f "$WORK/sshd_config" >"$WORK/sshd.log" 2>&1 &
  PIDS+=($!)
  vigil_wait_until 10 "${PIDS[-1]}" in_ns "$n" bash -c "exec 3<>/dev/tcp/127.0.0.1/22" 2>/dev/null ||
    vigil_die "sshd did not start: $(cat "$WORK/sshd.log")"
  SSH_OPTS=(-F none -i "$WORK/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR
    -o UserKnownHostsFile="$WORK/known_hosts" -o StrictHostKeyChecking=accept-new)
  unset SSH_AUTH_SOCK
}

# netns_smbd NAME ADDRESS...: a real smbd in $NS-NAME, a standalone server (SMB2 or later) listening on 445/tcp of
# the given addresses only, its own dirs and passdb in $WORK (user root, password $SMB_PASSWORD), one share 'files'
# ($WORK/files). smbclient_in runs the client with the same config. Waits until every address accepts connections.
netns_smbd() {
  local n=$1 addr
  shift
  mkdir -p "$WORK/smb"/{private,lock,state,cache,pid,log,ncalrpc} "$WORK/files"
  cat >"$WORK/smb.conf" <<EOF
[global]
  server role = standalone server
  workgroup = VIGILTEST
  netbios name = FILES
  interfaces = $*
  bind interfaces only = yes
  smb ports = 445
  disable netbios = yes
  passdb backend = tdbsam:$WORK/smb/private/passdb.tdb
  private dir = $WORK/smb/private
  lock directory = $WORK/smb/lock
  state directory = $WORK/smb/state
  cache directory = $WORK/smb/cache
  pid directory = $WORK/smb/pid
  ncalrpc dir = $WORK/smb/ncalrpc
  log file = $WORK/smb/log/%m.log
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
  server min protocol = SMB2
  client min protocol = SMB2
[files]
  path = $WORK/files
  read only = no
EOF
  printf '%s\n%s\n' "$SMB_PASSWORD" "$SMB_PASSWORD" | smbpasswd -c "$WORK/smb.conf" -s -a root >/dev/null
  # In its own process group (never --no-process-group): smbd ends by signalling its whole process group, the script
  # too.
  ip netns exec "$NS-$n" /usr/sbin/smbd --foreground --debug-stdout -s "$WORK/smb.conf" >"$WORK/smbd.log" 2>&1 &
  PIDS+=($!)
  for addr in "$@"; do
    vigil_wait_until 15 "${PIDS[-1]}" in_ns "$n" bash -c "exec 3<>/dev/tcp/$addr/445" 2>/dev/null ||
      vigil_die "smbd did not start on $addr: $(tail -20 "$WORK/smbd.log")"
  done
}

# smbclient_in NAME SMBCLIENT-ARGS...: smbclient in $NS-NAME as root, with the client side of netns_smbd's config.
smbclient_in() {
  local n=$1
  shift
  in_ns "$n" smbclient -s "$WORK/smb.conf" -U "root%$SMB_PASSWORD" "$@" >>"$WORK/smbclient.log" 2>&1 ||
    vigil_die "smbclient $* failed: $(tail -5 "$WORK/smbclient.log")"
}

record_start() { # NAME: records the bridge into $WORK/NAME.pcap until record_stop
  # A 64 MiB buffer (-B, in KiB): a transfer of hundreds of MB on a jumbo-frame bridge must not outrun tcpdump.
  ip netns exec "$NS-lan" tcpdump -i br0 -U -n -B 65536 -s 256 -w "$WORK/$1.pcap" ip >"$WORK/tcpdump-$1.log" 2>&1 &
  TCPDUMP_PID=$!
  PIDS+=("$TCPDUMP_PID")
  vigil_wait_until 10 "$TCPDUMP_PID" grep -q "listening on" "$WORK/tcpdump-$1.log" ||
    vigil_die "tcpdump did not start: $(cat "$WORK/tcpdump-$1.log")"
}

record_stop() { # NAME: stops the recording and copies it to $OUT_DIR
  sleep 1
  kill "$TCPDUMP_PID"
  wait "$TCPDUMP_PID" 2>/dev/null || true
  # tcpdump's summary at exit: a capture that lost packets would meter fewer bytes than were sent.
  grep -q '^0 packets dropped by kernel' "$WORK/tcpdump-$1.log" ||
    vigil_die "tcpdump lost packets recording $1: $(tail -3 "$WORK/tcpdump-$1.log")"
  mkdir -p "$OUT_DIR"
  cp "$WORK/$1.pcap" "$OUT_DIR/$1.pcap"
  local packets
  packets=$(tcpdump -r "$OUT_DIR/$1.pcap" -n 2>/dev/null | wc -l)
  vigil_log "wrote $OUT_DIR/$1.pcap: $packets packets, $(stat -c %s "$OUT_DIR/$1.pcap") bytes"
}
