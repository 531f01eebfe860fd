# Shared by up.sh and down.sh: where their state lives and how podman is called here.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${TASKGATE_PODMAN_STATE:-$root/deploy/podman/.state}"
network=taskgate-dev

require() {
    command -v "$1" >/dev/null || { echo "$1 is missing; $2" >&2; exit 2; }
}
require podman "install podman (Debian: apt-get install podman runc catatonit netavark aardvark-dns iptables mmdebstrap)"
# Only a recommendation of Debian's podman package, yet "podman kube play" builds its pause
# image from it.
require catatonit "install catatonit (Debian: apt-get install catatonit)"
# netavark sets up the pods' network with it, and fails with a bare "No such file" without it.
require iptables "install iptables (Debian: apt-get install iptables)"

# Podman's default open-files limit for containers (1048576) is above the hard limit of some
# machines, and their cgroup layout may need runc rather than crun: there, use a configuration of
# our own rather than touch the machine's.
hard_files="$(ulimit -Hn)"
if [ "$hard_files" != unlimited ] && [ "$hard_files" -lt 1048576 ] && [ -z "${CONTAINERS_CONF:-}" ]; then
    mkdir -p "$state"
    {
        echo "[containers]"
        echo "default_ulimits = [\"nofile=$hard_files:$hard_files\", \"nproc=4096:4096\"]"
        if command -v runc >/dev/null; then
            echo "[engine]"
            echo 'runtime = "runc"'
        fi
        # The pods find each other by name: that takes netavark with aardvark-dns (CNI, which
        # podman falls back to without them, has no name resolution here).
        if [ -x /usr/lib/podman/netavark ] || command -v netavark >/dev/null; then
            echo "[network]"
            echo 'network_backend = "netavark"'
        fi
    } > "$state/containers.conf"
    export CONTAINERS_CONF="$state/containers.conf"
fi

podman_quiet() {
    # podman 4 warns about syslog on machines without one; the warning is noise. Its errors are
    # collected in a file, not a pipe: the containers' monitors inherit the descriptor and would
    # keep a pipe open long after this script ends.
    local errors status=0
    errors="$(mktemp)"
    podman "$@" 2>"$errors" || status=$?
    grep -v 'failed to connect to syslog' "$errors" >&2 || true
    rm -f "$errors"
    return $status
}
