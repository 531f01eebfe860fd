#!/bin/bash
# Container health check without curl or wget in the image: one HTTP/1.0 request over bash's
# /dev/tcp, healthy when the answer's status line is 200.
#   healthcheck.sh PORT PATH
set -u
exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
IFS= read -r -t 5 status <&3 || exit 1
[[ "$status" == HTTP/1.?" 200"* ]]
