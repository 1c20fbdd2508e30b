#!/bin/sh
# Vigil sensor: the one-line installer, served by the tenants service for one enrollment token:
#   curl -fsSL '@URL@/install?token=…' | sudo sh -s -- [--interface IF] [--no-start]
# It downloads the vigil-sensor Debian package with the token, installs it (dpkg; apt-get when libpcap0.8 is missing),
# enrolls the sensor with the token (which uses it up), sets the capture interface, and starts the service.
# Remove it with: apt-get purge vigil-sensor (dpkg --purge vigil-sensor).
set -eu

url='@URL@'
token='@TOKEN@'
ingest='@INGEST@'
ingest_tls='@INGEST_TLS@'
iface=eth1
start=true

say() { echo "vigil-sensor install: $*"; }
die() { echo "vigil-sensor install: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --interface) [ $# -ge 2 ] || die "--interface needs a value"; iface=$2; shift 2 ;;
        --no-start) start=false; shift ;;
        *) die "unknown option: $1 (options: --interface IF, --no-start)" ;;
    esac
done
case "$iface" in
    ''|*[!A-Za-z0-9_.:@-]*) die "not an interface name: $iface" ;;
esac
[ "$(id -u)" -eq 0 ] || die "run as root: curl -fsSL '$url/install?token=…' | sudo sh"
command -v dpkg >/dev/null || die "this installer needs a Debian-based system (dpkg)"
[ "$(dpkg --print-architecture)" = amd64 ] || die "the package is for amd64, this machine is $(dpkg --print-architecture)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
deb="$tmp/vigil-sensor_amd64.deb"
say "downloading the sensor package from $url"
if command -v curl >/dev/null; then
    curl -fsS -o "$deb" "$url/api/v1/sensor-package?token=$token" || die "download failed (is the token still valid?)"
elif command -v wget >/dev/null; then
    wget -q -O "$deb" "$url/api/v1/sensor-package?token=$token" || die "download failed (is the token still valid?)"
else
    die "needs curl or wget"
fi

if dpkg-query -W -f='${Status}' libpcap0.8 2>/dev/null | grep -q 'install ok installed'; then
    dpkg -i "$deb"
else
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb"
fi

env_file=/etc/vigil-sensor/vigil-sensor.env
sed -i "s/^VIGIL_SENSOR_INTERFACE=.*/VIGIL_SENSOR_INTERFACE=$iface/" "$env_file"
sed -i "s/^ingest.tls=.*/ingest.tls=$ingest_tls/" /etc/vigil-sensor/sensor.properties

if [ -f /etc/vigil-sensor/credentials.properties ]; then
    say "already enrolled (/etc/vigil-sensor/credentials.properties): the token was not used"
else
    say "enrolling"
    set -- enroll --config-dir /etc/vigil-sensor --url "$url" --token "$token"
    [ -n "$ingest" ] && set -- "$@" --ingest "$ingest"
    runuser -u vigil-sensor -- /usr/bin/vigil-sensor "$@"
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl enable vigil-sensor.service >/dev/null 2>&1
    if $start; then
        systemctl restart vigil-sensor.service
        say "started on $iface: journalctl -u vigil-sensor -f; vigil-sensor status"
    else
        say "installed and enrolled; start it with: systemctl start vigil-sensor"
    fi
else
    say "installed and enrolled; systemd is not running here (no /run/systemd/system), so the service was not started"
fi
