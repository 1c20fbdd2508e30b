# shellcheck shell=bash
# What installing vigil-sensor writes, in one place: sourced by install.sh (a source checkout, systemd installer) and
# embedded by scripts/package into the Debian package's build and maintainer scripts. Functions only; no side effect
# on sourcing. Shellchecked (Debian shellcheck).

VS_NAME=vigil-sensor
VS_USER=vigil-sensor

# The system user the service runs as (and its group), if it does not exist yet.
vs_create_user() {
    if ! id "$VS_USER" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir "/var/lib/$VS_NAME" --shell /usr/sbin/nologin "$VS_USER"
        echo "created system user $VS_USER"
    fi
}

# The user and its group, if they exist.
vs_remove_user() {
    if id "$VS_USER" >/dev/null 2>&1; then
        userdel "$VS_USER"
    fi
    if getent group "$VS_USER" >/dev/null 2>&1; then
        groupdel "$VS_USER"
    fi
}

# vs_write_launcher FILE: the launcher, /opt/vigil-sensor/bin/vigil-sensor. It runs the runtime bundled in
# /opt/vigil-sensor/jre when there is one (the Debian package), else the java on PATH (install.sh).
vs_write_launcher() {
    cat > "$1" <<LAUNCHER
#!/bin/sh
# vigil-sensor launcher. Short jobs (replay, enroll, status) use the C1 compiler only, which is ready sooner; the
# long-lived run and collect keep C2. VIGIL_SENSOR_JAVA_OPTS comes later and can override.
java=java
[ -x /opt/$VS_NAME/jre/bin/java ] && java=/opt/$VS_NAME/jre/bin/java
jit=-XX:TieredStopAtLevel=1
case "\${1:-}" in run|collect) jit="" ;; esac
# shellcheck disable=SC2086
exec "\$java" \$jit \${VIGIL_SENSOR_JAVA_OPTS:-} -jar /opt/$VS_NAME/app/quarkus-run.jar "\$@"
LAUNCHER
    chmod 0755 "$1"
}

# vs_write_properties DIR: DIR/sensor.properties with the service's defaults, unless the operator already has one.
vs_write_properties() {
    [[ -f "$1/sensor.properties" ]] && return 0
    cat > "$1/sensor.properties" <<PROPS
# vigil-sensor settings (see the sensor README for every key). Environment VIGIL_SENSOR_<KEY> overrides these.
data-dir=/var/lib/$VS_NAME
spool.max-bytes=1g
ingest.tls=true
# ingest.address=ingest.vigil.example.net:443
# ingest.ca-file=/etc/$VS_NAME/ca.pem
# capture.snaplen=512
# capture.buffer-size=64m
# capture.bpf=
# collector.exporters=192.168.1.1,192.168.1.2
# collector.stitch-wait=4s
PROPS
    chmod 0640 "$1/sensor.properties"
}

# vs_write_capture_env FILE IF: the env file of capture mode (run) on interface IF.
vs_write_capture_env() {
    printf '# The capture interface of vigil-sensor.service\nVIGIL_SENSOR_MODE=run\nVIGIL_SENSOR_INTERFACE=%s\n%s\n' \
        "$2" "VIGIL_SENSOR_JAVA_OPTS=-Xmx256m" > "$1"
    chmod 0640 "$1"
}

# vs_write_unit FILE MODE [CAPS] [WHO]: the systemd unit. MODE run (capture: CAP_NET_RAW and CAP_NET_ADMIN) or collect
# (no capability, or CAPS, e.g. CAP_NET_BIND_SERVICE for a port below 1024); WHO names the writer in its first line.
vs_write_unit() {
    local file=$1 mode=$2 caps=${3:-} who=${4:-"vigil-sensor's install.sh; re-running it rewrites this file."}
    local exec_start description families caps_comment
    if [[ "$mode" == collect ]]; then
        exec_start="/opt/$VS_NAME/bin/$VS_NAME collect --config-dir /etc/$VS_NAME --listen \${VIGIL_SENSOR_LISTEN}"
        description="Vigil sensor: collects a site's NetFlow/IPFIX into flows and exports them to Vigil"
        families="AF_UNIX AF_INET AF_INET6 AF_NETLINK"
        caps_comment="# Only what receiving flow records needs: nothing, or binding a port below 1024."
    else
        exec_start="/opt/$VS_NAME/bin/$VS_NAME run --config-dir /etc/$VS_NAME --interface \${VIGIL_SENSOR_INTERFACE}"
        description="Vigil sensor: meters a SPAN port into flows and exports them to Vigil"
        families="AF_UNIX AF_INET AF_INET6 AF_PACKET AF_NETLINK"
        caps="CAP_NET_RAW CAP_NET_ADMIN"
        caps_comment="# Only what capture needs: raw sockets and promiscuous mode."
    fi
    cat > "$file" <<UNIT
# Installed by $who
[Unit]
Description=$description
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$VS_USER
Group=$VS_USER
EnvironmentFile=/etc/$VS_NAME/$VS_NAME.env
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
ReadWritePaths=/var/lib/$VS_NAME
StateDirectory=$VS_NAME
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
SyslogIdentifier=$VS_NAME

[Install]
WantedBy=multi-user.target
UNIT
    chmod 0644 "$file"
}

# systemd's own test (sd_booted): a container or chroot without systemd as PID 1 gets the files, user and ownership,
# and is told how to start the service, instead of failing on systemctl.
vs_systemd_running() { [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; }
