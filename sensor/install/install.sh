#!/usr/bin/env bash
# Installs (or removes) vigil-sensor as a systemd service: a dedicated system user with only CAP_NET_RAW and
# CAP_NET_ADMIN, config in /etc/vigil-sensor, spool in /var/lib/vigil-sensor, logs in the journal.
# Run ./install.sh --help for the options. Shellchecked (Debian shellcheck).
set -euo pipefail

NAME=vigil-sensor
USER_NAME=vigil-sensor
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    cat <<'USAGE'
Usage: install.sh [--interface IF | --collect HOST:PORT[,...] [--exporter CIDR[,...]]] [--app DIR] [--root DIR]
                  [--no-start]
       install.sh --uninstall [--purge] [--root DIR]

Installs the Vigil sensor as the systemd service vigil-sensor.service, in one of two modes:
  capture (run)       meters a SPAN port (--interface)
  collector (collect) receives NetFlow v5/v9 and IPFIX from the site's firewalls or routers (--collect), for a
                      site without a SPAN port
Files:
  /opt/vigil-sensor/app/            the application (a copy of sensor/target/quarkus-app)
  /opt/vigil-sensor/bin/vigil-sensor and /usr/local/bin/vigil-sensor   the launcher
  /etc/vigil-sensor/                sensor.properties, vigil-sensor.env (mode, interface or listen addresses),
                                    credentials (enroll)
  /var/lib/vigil-sensor/            the spool and the status file
  /etc/systemd/system/vigil-sensor.service
It runs as the system user vigil-sensor, no new privileges, a read-only system (ProtectSystem=strict) except its
state directory, and logs to the journal; capturing it holds only CAP_NET_RAW and CAP_NET_ADMIN, collecting none
(CAP_NET_BIND_SERVICE only for a port below 1024).

Options:
  --interface IF  capture mode: the capture interface (SPAN port); kept in /etc/vigil-sensor/vigil-sensor.env
                  (default: eth1, or what an earlier install set)
  --collect ADDR  collector mode: the UDP address(es) the firewalls export to, HOST:PORT, [IPv6]:PORT or PORT,
                  comma-separated (for example 0.0.0.0:2055,0.0.0.0:4739)
  --exporter CIDRS
                  collector mode: only these addresses or blocks may send records (comma-separated; strongly
                  advised: anyone else reaching the port could send flows in the site's name)
  --app DIR       the built application directory (default: ../target/quarkus-app next to this script)
  --root DIR      write every file under DIR instead of /, and skip what touches the live system (user creation,
                  ownership, systemctl): for packaging and for tests that check what is written
  --no-start      install and enable, but do not start the service
  --uninstall     stop and remove the service, the application and the launcher; keeps config and spool
  --purge         with --uninstall: also remove /etc/vigil-sensor, /var/lib/vigil-sensor and the user
  -h, --help      this text

Without --interface or --collect, a re-install keeps the mode and settings of the last one.
After installing, enroll the sensor as its user, then start it:
  sudo -u vigil-sensor vigil-sensor enroll --config-dir /etc/vigil-sensor --url https://... --token vet_...
  sudo systemctl start vigil-sensor && journalctl -u vigil-sensor -f
Needs Java 17 or later (Debian: openjdk-17-jre-headless); capture mode also libpcap (libpcap0.8).
USAGE
}

root=""
iface=""
listen=""
exporters=""
app="$here/../target/quarkus-app"
uninstall=false
purge=false
start=true

while (($# > 0)); do
    case "$1" in
        --interface) iface="${2:?--interface needs a value}"; shift 2 ;;
        --collect) listen="${2:?--collect needs HOST:PORT}"; shift 2 ;;
        --exporter) exporters="${2:?--exporter needs CIDRs}"; shift 2 ;;
        --app) app="${2:?--app needs a value}"; shift 2 ;;
        --root) root="${2:?--root needs a value}"; shift 2 ;;
        --no-start) start=false; shift ;;
        --uninstall) uninstall=true; shift ;;
        --purge) purge=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [[ -n "$root" ]]; then
    mkdir -p "$root"
    root="$(cd "$root" && pwd)"
fi
live=true
[[ -n "$root" ]] && live=false

opt="$root/opt/$NAME"
etc="$root/etc/$NAME"
state="$root/var/lib/$NAME"
unit="$root/etc/systemd/system/$NAME.service"
link="$root/usr/local/bin/$NAME"

say() { echo "install.sh: $*"; }

# systemd's own test (sd_booted): a container or chroot without systemd as PID 1 gets the files, user and
# ownership, and is told how to start the service, instead of failing on systemctl.
systemd_running() { [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; }

if $live && [[ $EUID -ne 0 ]]; then
    echo "install.sh: run as root (or use --root DIR to write into a directory)" >&2
    exit 1
fi

if $uninstall; then
    if $live && systemd_running; then
        systemctl disable --now "$NAME.service" 2>/dev/null || true
    fi
    rm -f "$unit" "$link"
    rm -rf "$opt"
    if $purge; then
        rm -rf "$etc" "$state"
        if $live && id "$USER_NAME" >/dev/null 2>&1; then
            userdel "$USER_NAME"
        fi
        say "removed $NAME, its configuration, its spool and its user"
    else
        say "removed $NAME; kept $etc and $state (--purge removes them)"
    fi
    if $live && systemd_running; then
        systemctl daemon-reload
    fi
    exit 0
fi

if [[ ! -f "$app/quarkus-run.jar" ]]; then
    echo "install.sh: $app/quarkus-run.jar is missing: build the sensor first (mvn -B install -DskipTests -pl sensor -am) or give --app" >&2
    exit 1
fi
if $live; then
    command -v java >/dev/null || say "warning: no java on PATH; install openjdk-17-jre-headless"
    ldconfig -p 2>/dev/null | grep -q libpcap || say "warning: libpcap not found; install libpcap0.8 (capture mode)"
    if ! id "$USER_NAME" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir "/var/lib/$NAME" --shell /usr/sbin/nologin "$USER_NAME"
        say "created system user $USER_NAME"
    fi
fi

# The application, replaced whole on every install (an upgrade is a re-install).
rm -rf "$opt/app"
install -d -m 0755 "$opt" "$opt/bin" "$(dirname "$link")" "$(dirname "$unit")"
cp -r "$app" "$opt/app"
chmod -R u=rwX,go=rX "$opt/app"
cat > "$opt/bin/$NAME" <<LAUNCHER
#!/bin/sh
# vigil-sensor launcher (installed by install.sh). Short jobs (replay, enroll, status) use the C1 compiler only,
# which is ready sooner; the long-lived run and collect keep C2. VIGIL_SENSOR_JAVA_OPTS comes later and can
# override.
jit=-XX:TieredStopAtLevel=1
case "\${1:-}" in run|collect) jit="" ;; esac
# shellcheck disable=SC2086
exec java \$jit \${VIGIL_SENSOR_JAVA_OPTS:-} -jar /opt/$NAME/app/quarkus-run.jar "\$@"
LAUNCHER
chmod 0755 "$opt/bin/$NAME"
ln -sfn "/opt/$NAME/bin/$NAME" "$link"

# Config: the sensor's user may write it (enroll stores the credentials there, mode 0600); nobody else may read it.
install -d -m 0750 "$etc"
install -d -m 0750 "$state"
if [[ ! -f "$etc/sensor.properties" ]]; then
    cat > "$etc/sensor.properties" <<PROPS
# vigil-sensor settings (see the sensor README for every key). Environment VIGIL_SENSOR_<KEY> overrides these.
data-dir=/var/lib/$NAME
spool.max-bytes=1g
ingest.tls=true
# ingest.address=ingest.vigil.example.net:443
# ingest.ca-file=/etc/$NAME/ca.pem
# capture.snaplen=512
# capture.buffer-size=64m
# capture.bpf=
# collector.exporters=192.168.1.1,192.168.1.2
# collector.stitch-wait=4s
PROPS
    chmod 0640 "$etc/sensor.properties"
fi
env_file="$etc/$NAME.env"
# A value an earlier install kept in the env file (empty if none).
setting() { if [[ -f "$env_file" ]]; then sed -n "s/^$1=//p" "$env_file"; fi; }
if [[ -n "$iface" && -n "$listen" ]]; then
    echo "install.sh: --interface (capture) and --collect (collector) are two modes: give one" >&2
    exit 2
fi
if [[ -n "$listen" ]]; then
    mode=collect
elif [[ -n "$iface" ]]; then
    mode=run
else
    mode="$(setting VIGIL_SENSOR_MODE)"
    mode="${mode:-run}"
fi
if [[ "$mode" == collect ]]; then
    listen="${listen:-$(setting VIGIL_SENSOR_LISTEN)}"
    exporters="${exporters:-$(setting VIGIL_SENSOR_COLLECTOR_EXPORTERS)}"
    # Each address: HOST:PORT, [IPv6]:PORT or PORT. Collecting needs no capability, unless a firewall must send to a
    # privileged port.
    address_re='^(\[[0-9A-Fa-f:.]+\]:|[A-Za-z0-9_.-]*:)?[0-9]{1,5}$'
    caps=""
    IFS=, read -ra addresses <<< "$listen"
    if (( ${#addresses[@]} == 0 )); then
        echo "install.sh: collector mode needs --collect HOST:PORT (where the firewalls send their flows)" >&2
        exit 2
    fi
    for a in "${addresses[@]}"; do
        if [[ ! "$a" =~ $address_re ]] || (( 10#${a##*:} > 65535 )); then
            echo "install.sh: not HOST:PORT, [IPv6]:PORT or PORT: $a" >&2
            exit 2
        fi
        if (( 10#${a##*:} < 1024 )); then
            caps="CAP_NET_BIND_SERVICE"
        fi
    done
    if [[ -n "$exporters" && ! "$exporters" =~ ^[0-9A-Fa-f:./,]+$ ]]; then
        echo "install.sh: not addresses or CIDR blocks: $exporters" >&2
        exit 2
    fi
    {
        printf '# vigil-sensor.service collects NetFlow/IPFIX: where it listens and who may send\n'
        printf 'VIGIL_SENSOR_MODE=collect\nVIGIL_SENSOR_LISTEN=%s\n' "$listen"
        printf 'VIGIL_SENSOR_COLLECTOR_EXPORTERS=%s\nVIGIL_SENSOR_JAVA_OPTS=-Xmx256m\n' "$exporters"
    } > "$env_file"
    exec_start="/opt/$NAME/bin/$NAME collect --config-dir /etc/$NAME --listen \${VIGIL_SENSOR_LISTEN}"
    description="Vigil sensor: collects a site's NetFlow/IPFIX into flows and exports them to Vigil"
    families="AF_UNIX AF_INET AF_INET6 AF_NETLINK"
    caps_comment="# Only what receiving flow records needs: nothing, or binding a port below 1024."
    [[ -z "$exporters" ]] && say "warning: no --exporter: anyone who reaches $listen can send flows in this site's name"
else
    [[ -z "$iface" ]] && iface="$(setting VIGIL_SENSOR_INTERFACE)"
    iface="${iface:-eth1}"
    if [[ ! "$iface" =~ ^[A-Za-z0-9_.:@-]+$ ]]; then
        echo "install.sh: not an interface name: $iface" >&2
        exit 2
    fi
    printf '# The capture interface of vigil-sensor.service\nVIGIL_SENSOR_MODE=run\nVIGIL_SENSOR_INTERFACE=%s\n%s\n' \
        "$iface" "VIGIL_SENSOR_JAVA_OPTS=-Xmx256m" > "$env_file"
    exec_start="/opt/$NAME/bin/$NAME run --config-dir /etc/$NAME --interface \${VIGIL_SENSOR_INTERFACE}"
    description="Vigil sensor: meters a SPAN port into flows and exports them to Vigil"
    families="AF_UNIX AF_INET AF_INET6 AF_PACKET AF_NETLINK"
    caps="CAP_NET_RAW CAP_NET_ADMIN"
    caps_comment="# Only what capture needs: raw sockets and promiscuous mode."
fi
chmod 0640 "$env_file"

cat > "$unit" <<UNIT
# Installed by vigil-sensor's install.sh; re-running it rewrites this file.
[Unit]
Description=$description
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$USER_NAME
Group=$USER_NAME
EnvironmentFile=/etc/$NAME/$NAME.env
ExecStart=$exec_start
Restart=always
RestartSec=5
TimeoutStopSec=30
$caps_comment
AmbientCapabilities=$caps
CapabilityBoundingSet=$caps
NoNewPrivileges=yes
# Everything read-only but the spool; no home, no devices, no kernel knobs.
ProtectSystem=strict
ReadWritePaths=/var/lib/$NAME
StateDirectory=$NAME
StateDirectoryMode=0750
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictAddressFamilies=$families
SystemCallArchitectures=native
UMask=0077
StandardOutput=journal
StandardError=journal
SyslogIdentifier=$NAME

[Install]
WantedBy=multi-user.target
UNIT
chmod 0644 "$unit"

if $live && ! systemd_running; then
    chown -R "$USER_NAME:$USER_NAME" "$etc" "$state"
    say "installed; systemd is not running here (no /run/systemd/system), so the service was not enabled or started"
    say "  once systemd runs: systemctl enable --now $NAME (after enrolling)"
elif $live; then
    chown -R "$USER_NAME:$USER_NAME" "$etc" "$state"
    systemctl daemon-reload
    systemctl enable "$NAME.service" >/dev/null
    if $start && [[ -f "$etc/credentials.properties" ]]; then
        systemctl restart "$NAME.service"
        say "started $NAME on ${iface:-$listen} (journalctl -u $NAME)"
    else
        say "installed and enabled; enroll first, then: systemctl start $NAME"
        say "  sudo -u $USER_NAME $NAME enroll --config-dir /etc/$NAME --url <tenants api> --token <one-time token>"
    fi
else
    say "wrote the sensor under $root (no user created, no ownership set, systemctl not run)"
fi
