#!/usr/bin/env bash
# Installs (or removes) vigil-sensor as a systemd service: a dedicated system user with only CAP_NET_RAW and
# CAP_NET_ADMIN, config in /etc/vigil-sensor, spool in /var/lib/vigil-sensor, logs in the journal.
# Run ./install.sh --help for the options. Shellchecked (Debian shellcheck).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The user, launcher, settings and unit, shared with the Debian package (scripts/package).
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$here/common.sh"
NAME=$VS_NAME
USER_NAME=$VS_USER

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
caps=""
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

systemd_running() { vs_systemd_running; }

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
        if $live; then
            vs_remove_user
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
    vs_create_user | while read -r line; do say "$line"; done
fi

# The application, replaced whole on every install (an upgrade is a re-install).
rm -rf "$opt/app"
install -d -m 0755 "$opt" "$opt/bin" "$(dirname "$link")" "$(dirname "$unit")"
cp -r "$app" "$opt/app"
chmod -R u=rwX,go=rX "$opt/app"
vs_write_launcher "$opt/bin/$NAME"
ln -sfn "/opt/$NAME/bin/$NAME" "$link"

# Config: the sensor's user may write it (enroll stores the credentials there, mode 0600); nobody else may read it.
install -d -m 0750 "$etc"
install -d -m 0750 "$state"
vs_write_properties "$etc"
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
    [[ -z "$exporters" ]] && say "warning: no --exporter: anyone who reaches $listen can send flows in this site's name"
else
    [[ -z "$iface" ]] && iface="$(setting VIGIL_SENSOR_INTERFACE)"
    iface="${iface:-eth1}"
    if [[ ! "$iface" =~ ^[A-Za-z0-9_.:@-]+$ ]]; then
        echo "install.sh: not an interface name: $iface" >&2
        exit 2
    fi
    vs_write_capture_env "$env_file" "$iface"
fi
chmod 0640 "$env_file"

vs_write_unit "$unit" "$mode" "$caps"

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
