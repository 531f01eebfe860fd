#!/usr/bin/env bash
# Builds Taskgate and runs the whole system on this machine: PostgreSQL and Redis (real server
# binaries shipped in jars on Maven Central), one api-service and one worker-service. Data and
# logs stay in .taskgate/ between runs. Ctrl-C stops everything.
# TASKGATE_SKIP_BUILD=1 runs what is already built (the system tests start it that way).
# TASKGATE_JAVA picks the java the services run on (default: java on PATH); on Java 25 and later
# their start-up archive is an AOT cache, which starts them fastest. TASKGATE_STARTUP_ARCHIVE=off
# starts them without one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${TASKGATE_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q -DskipTests package -pl deploy/local-stack,deploy/llm-simulator,api-service,worker-service -am
fi
exec "${TASKGATE_JAVA:-java}" -cp 'deploy/local-stack/target/local-stack.jar:deploy/local-stack/target/lib/*' io.taskgate.local.LocalRun
