"""Splits a rendered overlay into what podman kube play can run, in the order it must run.

  infrastructure.yaml  ConfigMaps and a Pod per Deployment without a taskgate- prefix (databases, simulator)
  init-<name>.yaml     ConfigMaps and one Pod per Deployment with init containers, holding them
  services.yaml        ConfigMaps and a Pod per taskgate- Deployment, without its init containers

Each Deployment becomes one Pod named after it: podman has no Services, but its network resolves
pod names, so the Service names the manifests use (postgres, redis, ...) reach the right pod, and
the names do not depend on how a podman version names a Deployment's pods. Other kinds (Services,
autoscalers, budgets, policies, KEDA objects) need a cluster and are left out.
"""
import copy
import sys

import yaml

rendered, state = sys.argv[1], sys.argv[2]
with open(rendered) as source:
    documents = [doc for doc in yaml.safe_load_all(source) if doc]

config_maps = [doc for doc in documents if doc["kind"] == "ConfigMap"]
deployments = [doc for doc in documents if doc["kind"] == "Deployment"]


def pod(name, template, spec):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": dict(template["metadata"].get("labels", {}))},
            "spec": spec}


def write(name, docs):
    with open(f"{state}/{name}.yaml", "w") as target:
        yaml.safe_dump_all(config_maps + docs, target, sort_keys=False)


infrastructure = []
services = []
for deployment in deployments:
    name = deployment["metadata"]["name"]
    template = deployment["spec"]["template"]
    spec = copy.deepcopy(template["spec"])
    inits = spec.pop("initContainers", [])
    if len(inits) > 1:
        sys.exit(f"{name}: podman runs a pod's containers at once; only one init container can be run first")
    if inits:
        init_spec = copy.deepcopy(spec)
        init_spec["containers"] = inits
        init_spec["restartPolicy"] = "Never"
        init_spec.pop("terminationGracePeriodSeconds", None)
        write(f"init-{name}", [pod(f"init-{name}", template, init_spec)])
    (services if name.startswith("taskgate-") else infrastructure).append(pod(name, template, spec))

write("infrastructure", infrastructure)
write("services", services)
with open(f"{state}/infrastructure.pods", "w") as pods:
    pods.write("".join(f"{p['metadata']['name']}\n" for p in infrastructure))
