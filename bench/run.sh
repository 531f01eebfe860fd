#!/usr/bin/env bash
# Builds Taskgate and runs the pipeline benchmark against real local processes.
# Usage: bench/run.sh [submits] [clients] [end-to-end tasks] [worker concurrency]
#        bench/run.sh llm [tasks] [worker concurrency] [ms per call] [warm-up tasks]
#        bench/run.sh submit [seconds per round] [connections] [rounds] [count batch size]   (drives Debian's wrk)
#        bench/run.sh reads [seconds per round] [connections] [rounds]    (drives Debian's wrk)
#        bench/run.sh startup [rounds] [idle seconds]
#        bench/run.sh paced [tasks per second] [seconds] [ms per task] [warm-up seconds] [watch|nowatch]
#        bench/run.sh subscribers [sockets] [ms per task]
#        bench/run.sh soak [minutes] [tasks per second, 0 = half the measured capacity] [capacity tasks]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests package -pl bench,api-service,worker-service,deploy/llm-simulator -am
main=io.taskgate.bench.PipelineBenchmark
if [ "${1:-}" = "llm" ]; then
  main=io.taskgate.bench.LlmChatBenchmark
  shift
elif [ "${1:-}" = "submit" ]; then
  deploy/tools/require-packages.sh wrk
  main=io.taskgate.bench.SubmitBenchmark
  shift
elif [ "${1:-}" = "reads" ]; then
  deploy/tools/require-packages.sh wrk
  main=io.taskgate.bench.ReadBenchmark
  shift
elif [ "${1:-}" = "paced" ]; then
  main=io.taskgate.bench.PacedBenchmark
  shift
elif [ "${1:-}" = "subscribers" ]; then
  main=io.taskgate.bench.SubscribersBenchmark
  shift
elif [ "${1:-}" = "soak" ]; then
  main=io.taskgate.bench.SoakBenchmark
  shift
elif [ "${1:-}" = "startup" ]; then
  main=io.taskgate.bench.StartupBenchmark
  shift
fi
# TASKGATE_JVM_OPTIONS (space-separated) is given to every service the benchmark starts.
# TASKGATE_JAVA picks the java that runs the benchmark and the services (default: java on PATH).
exec "${TASKGATE_JAVA:-java}" -Dtaskgate.project.root="$PWD" -Dtaskgate.local.jvm-options="${TASKGATE_JVM_OPTIONS:-}" -cp bench/target/bench.jar "$main" "$@"
