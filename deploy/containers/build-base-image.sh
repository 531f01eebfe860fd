#!/usr/bin/env bash
# Builds, from Debian packages, the images that the Containerfiles and the dev overlay otherwise
# take from a registry, for machines that reach Debian's mirrors but no container registry:
#   localhost/taskgate-debian:12     Java 17 runtime (the services' BASE_IMAGE), plus PostgreSQL 15,
#                                    Redis 7, PgBouncer and nginx, so one bootstrap serves them all
#   localhost/taskgate-postgres:15   started like the official postgres image (POSTGRES_* variables)
#   localhost/taskgate-redis:7       started like the official redis image
#   localhost/taskgate-pgbouncer:1   pgbouncer on PATH, as the postgres user (for deploy/compose.yaml)
#   localhost/taskgate-nginx:1       nginx on PATH (for deploy/compose.yaml)
# Users with a registry need none of this. Safe to run again: existing images are kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
base=localhost/taskgate-debian:12

if ! podman image exists "$base"; then
    command -v mmdebstrap >/dev/null || { echo "mmdebstrap is missing: apt-get install mmdebstrap" >&2; exit 2; }
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    # passwd brings useradd (the Containerfiles add an unprivileged user); util-linux brings setpriv.
    mmdebstrap --quiet --variant=apt \
        --include=openjdk-17-jre-headless,ca-certificates,passwd,util-linux,postgresql-15,redis-server,pgbouncer,nginx \
        --customize-hook='rm -rf "$1"/var/lib/postgresql/15/main "$1"/etc/postgresql/15/main' \
        bookworm "$work/rootfs.tar"
    podman import --quiet --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        "$work/rootfs.tar" "$base" >/dev/null
    echo "built $base" >&2
fi
for kind in postgres:15 redis:7 pgbouncer:1 nginx:1; do
    image="localhost/taskgate-$kind"
    if ! podman image exists "$image"; then
        podman build --quiet --format docker --build-arg BASE_IMAGE="$base" \
            -f "$here/debian/${kind%%:*}.Containerfile" -t "$image" "$here/debian" >/dev/null
        echo "built $image" >&2
    fi
done
