#!/usr/bin/env bash
# Makes sure the Debian packages given as arguments are installed, installing the missing ones
# with apt-get when run as root. The tests that need servers beyond the embedded ones (pgbouncer,
# nginx, a Redis 7 for a cluster, podman) call this first, so a fresh machine needs no set-up.
#   deploy/tools/require-packages.sh pgbouncer redis-server
set -euo pipefail

missing=()
for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "missing packages: ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]}) and run again" >&2
    exit 2
fi

# One installer at a time: concurrent test classes may ask at once.
exec 9>/var/lock/taskgate-require-packages.lock
flock 9
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# A package's own service is not wanted: the tests start their servers themselves.
for package in "${missing[@]}"; do
    if command -v systemctl >/dev/null && systemctl list-unit-files "$package.service" >/dev/null 2>&1; then
        systemctl disable --now "$package.service" >/dev/null 2>&1 || true
    fi
done
echo "installed: ${missing[*]}" >&2
