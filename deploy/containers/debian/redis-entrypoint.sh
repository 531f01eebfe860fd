#!/bin/bash
# Runs the given command (redis-server and its options) as the redis user, owning /data.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
