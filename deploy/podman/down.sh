#!/usr/bin/env bash
# Removes everything deploy/podman/up.sh made: its pods and their volumes, its network, its
# podman secret and the images it built, then its state folder. Safe to run twice.
set -euo pipefail
source "$(dirname "$0")/common.sh"

# The named volumes our containers use (emptyDirs become volumes), to remove after the pods.
volumes=""
# (Pods sit on the network through their infra container; the volumes are on the others.)
for pod in $(podman pod ps --filter "network=$network" --format '{{.Name}}' 2>/dev/null); do
    for container in $(podman ps -a --filter "pod=$pod" --format '{{.Names}}' 2>/dev/null); do
        volumes="$volumes $(podman inspect "$container" \
            --format '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' 2>/dev/null || true)"
    done
done

for played in services 'init-*' infrastructure; do
    for file in "$state"/$played.yaml; do
        [ -e "$file" ] || continue
        podman_quiet kube down "$file" >/dev/null 2>&1 || true
    done
done
# Whatever the files no longer name (a changed overlay): every pod on our network.
for pod in $(podman pod ps --filter "network=$network" --format '{{.Name}}' 2>/dev/null); do
    podman_quiet pod rm --force --time 10 "$pod" >/dev/null || true
done
for volume in $volumes; do
    podman volume rm --force "$volume" >/dev/null 2>&1 || true
done
if podman network exists "$network" 2>/dev/null; then
    podman network rm --force "$network" >/dev/null
fi
podman secret rm taskgate-secrets >/dev/null 2>&1 || true
if [ -f "$state/images" ]; then
    while read -r image; do
        # Not forced: an image some other container still uses stays.
        podman image rm "$image" >/dev/null 2>&1 || true
    done < "$state/images"
fi
# Layers left untagged by rebuilds of our images, and nothing else.
podman image prune --force --filter label=org.opencontainers.image.vendor=Taskgate >/dev/null 2>&1 || true
rm -rf "$state"
echo "down: nothing of the dev deployment is left" >&2
