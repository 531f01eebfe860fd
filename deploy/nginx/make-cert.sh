#!/usr/bin/env bash
# A self-signed certificate for local use (localhost, 127.0.0.1), valid for a year; kept if present.
#   deploy/nginx/make-cert.sh [DIR]    (default deploy/nginx/certs)
set -euo pipefail
dir="${1:-$(cd "$(dirname "$0")" && pwd)/certs}"
mkdir -p "$dir"
if [ -s "$dir/taskgate.crt" ] && [ -s "$dir/taskgate.key" ]; then
    exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/taskgate.key" -out "$dir/taskgate.crt" 2>/dev/null
chmod 600 "$dir/taskgate.key"
