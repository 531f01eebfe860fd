#!/usr/bin/env bash
# Builds Taskgate and runs the pipeline benchmark against real local processes.
# Usage: bench/run.sh [submits] [clients] [end-to-end tasks] [worker concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests package -pl bench,api-service,worker-service -am
exec java -Dtaskgate.project.root="$PWD" -cp bench/target/bench.jar io.taskgate.bench.PipelineBenchmark "$@"
