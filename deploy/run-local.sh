#!/usr/bin/env bash
# Builds Taskgate and runs the whole system on this machine: PostgreSQL and Redis (real server
# binaries shipped in jars on Maven Central), one api-service and one worker-service. Data and
# logs stay in .taskgate/ between runs. Ctrl-C stops everything.
# TASKGATE_SKIP_BUILD=1 runs what is already built (the system tests start it that way).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${TASKGATE_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q -DskipTests package -pl deploy/local-stack,deploy/llm-simulator,api-service,worker-service -am
fi
exec java -cp 'deploy/local-stack/target/local-stack.jar:deploy/local-stack/target/lib/*' io.taskgate.local.LocalRun
