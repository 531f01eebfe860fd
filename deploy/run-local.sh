#!/usr/bin/env bash
# Builds Taskgate and runs the whole system on this machine: PostgreSQL and Redis (real server
# binaries shipped in jars on Maven Central), one api-service and one worker-service. Data and
# logs stay in .taskgate/ between runs. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests package -pl deploy/local-stack,deploy/llm-simulator,api-service,worker-service -am
exec java -cp 'deploy/local-stack/target/local-stack.jar:deploy/local-stack/target/lib/*' io.taskgate.local.LocalRun
