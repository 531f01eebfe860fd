#!/usr/bin/env bash
# Starts the Kubernetes dev overlay (k8s/overlays/dev) on this machine with podman: builds the
# images, renders the overlay with kubectl kustomize, plays it with podman kube play, and leaves
# the api answering on 127.0.0.1:18080 with a demo API key printed. Safe to run again: it replaces
# what it started before. deploy/podman/down.sh removes everything it made.
#
#   TASKGATE_IMAGES=registry|debian   where PostgreSQL, Redis and the Java runtime come from;
#                                     by default a registry if one answers, else Debian packages
#   TASKGATE_SKIP_BUILD=1             use the jars already built instead of running Maven
#   TASKGATE_PODMAN_API_PORT=18080    the host port of the api
set -euo pipefail
source "$(dirname "$0")/common.sh"
require kubectl "install kubectl for kustomize (Debian: apt-get install kubernetes-client)"
require curl "install curl"
python3 -c "import yaml" 2>/dev/null || { echo "python3 with PyYAML is missing; install python3-yaml" >&2; exit 2; }
api_port="${TASKGATE_PODMAN_API_PORT:-18080}"
mkdir -p "$state"
log() { echo "up: $*" >&2; }

# --- where the images come from -------------------------------------------------------------
images="${TASKGATE_IMAGES:-}"
if [ -z "$images" ]; then
    if timeout 20 podman pull --quiet docker.io/library/redis:7 >/dev/null 2>&1; then
        images=registry
    else
        log "no container registry answers; building the base images from Debian packages"
        images=debian
    fi
fi
case "$images" in
    registry)
        base_image="${TASKGATE_BASE_IMAGE:-docker.io/library/eclipse-temurin:17-jre}"
        image_overrides="" ;;
    debian)
        # Only what it builds now is ours to remove later; images that were there stay.
        if ! "$root/deploy/containers/build-base-image.sh" 2> "$state/base-images.log"; then
            cat "$state/base-images.log" >&2
            exit 1
        fi
        sed -n 's/^built //p' "$state/base-images.log" >> "$state/images"
        base_image=localhost/taskgate-debian:12
        image_overrides="
  - name: docker.io/library/postgres
    newName: localhost/taskgate-postgres
    newTag: \"15\"
  - name: docker.io/library/redis
    newName: localhost/taskgate-redis
    newTag: \"7\"" ;;
    *) echo "TASKGATE_IMAGES must be registry or debian, not '$images'" >&2; exit 2 ;;
esac

# --- the services' images ---------------------------------------------------------------------
if [ "${TASKGATE_SKIP_BUILD:-}" = 1 ]; then
    for jar in "$root/api-service/target/quarkus-app/quarkus-run.jar" \
               "$root/worker-service/target/quarkus-app/quarkus-run.jar" "$root/deploy/llm-simulator/target/llm-simulator.jar"; do
        [ -f "$jar" ] || { echo "$jar is missing and TASKGATE_SKIP_BUILD=1: build the project first" >&2; exit 1; }
    done
else
    log "building the services (Maven)"
    (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
for service in api-service worker-service llm-simulator; do
    log "image localhost/taskgate/$service:dev"
    podman_quiet build --quiet --format docker --build-arg BASE_IMAGE="$base_image" \
        -f "$root/deploy/containers/$service.Containerfile" -t "localhost/taskgate/$service:dev" "$root" >/dev/null
    echo "localhost/taskgate/$service:dev" >> "$state/images"
done
sort -u -o "$state/images" "$state/images"

# --- secrets: made once, kept in the state folder (readable by its owner only) ----------------
umask 077
if [ ! -f "$state/secrets.env" ]; then
    random() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
    {
        echo "admin-token=$(random)"
        echo "database-password=$(random)"
        echo "redis-password=$(random)"
        echo "llm-api-key=simulator"
    } > "$state/secrets.env"
fi
umask 022
secret_json() {
    local first=1
    printf '{'
    while IFS='=' read -r key value; do
        [ $first = 1 ] || printf ','
        first=0
        printf '"%s":"%s"' "$key" "$(printf '%s' "$value" | base64 -w0)"
    done < "$state/secrets.env"
    printf '}'
}
# podman kube play reads secretKeyRef from a podman secret holding the keys, base64, as JSON.
podman secret rm taskgate-secrets >/dev/null 2>&1 || true
secret_json | podman secret create taskgate-secrets - >/dev/null
admin_token="$(sed -n 's/^admin-token=//p' "$state/secrets.env")"

# --- render: the dev overlay plus what podman needs -------------------------------------------
overlay="$(realpath --relative-to="$state" "$root/k8s/overlays/dev")"
cat > "$state/kustomization.yaml" <<YAML
# Written by deploy/podman/up.sh: the dev overlay as podman can play it.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $overlay
images:$image_overrides
patches:
  # The api on the host's loopback, as a port-forward would put it.
  - target: {kind: Deployment, name: taskgate-api}
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: taskgate-api}
      spec:
        template:
          spec:
            containers:
              - name: api
                ports:
                  - {name: http, containerPort: 8080, hostPort: $api_port, hostIP: 127.0.0.1}
YAML
kubectl kustomize "$state" > "$state/rendered.yaml"

# podman plays each Deployment as a Pod named after it (its network resolves pod names, so the
# Service names in the manifests reach them); Services, autoscalers, budgets and policies are for
# a cluster. podman 4 starts init containers without waiting for them, so each init container
# runs first as a pod of its own (the api's schema migration), and the services start after it.
python3 "$root/deploy/podman/split-for-podman.py" "$state/rendered.yaml" "$state"

if ! podman network exists "$network"; then
    podman network create "$network" >/dev/null
fi
play() {
    podman_quiet kube play --replace --network "$network" "$1" >/dev/null
}
wait_for() {
    local what="$1" seconds="$2"
    shift 2
    for _ in $(seq "$seconds"); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    echo "up: $what did not come up within ${seconds}s; see podman logs" >&2
    exit 1
}

# Running databases are kept, with their data (and the demo key in it); anything else is replaced.
infrastructure_running=1
while read -r pod; do
    [ "$(podman pod inspect "$pod" --format '{{.State}}' 2>/dev/null)" = Running ] || infrastructure_running=0
done < "$state/infrastructure.pods"
if [ $infrastructure_running = 1 ]; then
    log "PostgreSQL, Redis and the LLM simulator are running; kept"
else
    log "PostgreSQL, Redis and the LLM simulator"
    play "$state/infrastructure.yaml"
fi
wait_for PostgreSQL 90 podman exec postgres-postgres pg_isready -h 127.0.0.1 -U taskgate -d taskgate
wait_for Redis 60 podman exec redis-redis bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379'

for init in "$state"/init-*.yaml; do
    [ -e "$init" ] || continue
    pod="$(basename "$init" .yaml)"
    log "$pod (init containers)"
    podman_quiet kube down "$init" >/dev/null 2>&1 || true
    play "$init"
    container="$(podman pod inspect "$pod" --format '{{range .Containers}}{{.Name}} {{end}}' | tr ' ' '\n' | grep -v infra | head -1)"
    code="$(podman wait "$container")"
    if [ "$code" != 0 ]; then
        podman logs "$container" >&2 || true
        echo "up: $pod exited with $code" >&2
        exit 1
    fi
    podman_quiet kube down "$init" >/dev/null
done

log "api and worker"
play "$state/services.yaml"
wait_for "the api" 180 bash -c "exec 3<>/dev/tcp/127.0.0.1/$api_port && printf 'GET /q/health/ready HTTP/1.0\r\n\r\n' >&3 && grep -q '200 OK' <&3"

# --- a demo key, kept while it works ---------------------------------------------------------
api="http://127.0.0.1:$api_port"
key="$(cat "$state/demo-api-key" 2>/dev/null || true)"
if [ -z "$key" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$api/api/v1/tasks?limit=1")" != 200 ]; then
    key="$(curl -sf -X POST "$api/api/v1/admin/tenants/demo/api-keys" -H "Authorization: Bearer $admin_token" \
        -H 'Content-Type: application/json' -d '{"name":"demo","roles":["submit","read"]}' \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')"
    (umask 077 && printf '%s' "$key" > "$state/demo-api-key")
fi
cat <<TEXT

Taskgate (k8s dev overlay on podman) is up.
  API            $api/api/v1/tasks
  WebSocket      ws://127.0.0.1:$api_port/ws/tasks
  Demo API key   $key      (tenant demo; also in $state/demo-api-key)
  Admin token    in $state/secrets.env

  curl -si -X POST $api/api/v1/tasks -H 'Authorization: Bearer $key' \\
       -H 'Content-Type: application/json' -d '{"type":"echo","input":{"message":"hi"}}'

Stop and remove everything: deploy/podman/down.sh
TEXT
