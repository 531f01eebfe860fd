"""Splits a rendered overlay into what podman kube play can run, in the order it must run.

  infrastructure.yaml  ConfigMaps and the Deployments without a taskgate- prefix (databases, simulator)
  init-<name>.yaml     ConfigMaps and one Pod per Deployment with init containers, holding them
  services.yaml        ConfigMaps and the taskgate- Deployments, without their init containers

Other kinds (Services, autoscalers, budgets, policies, KEDA objects) need a cluster and are left out.
"""
import copy
import sys

import yaml

rendered, state = sys.argv[1], sys.argv[2]
with open(rendered) as source:
    documents = [doc for doc in yaml.safe_load_all(source) if doc]

config_maps = [doc for doc in documents if doc["kind"] == "ConfigMap"]
deployments = [doc for doc in documents if doc["kind"] == "Deployment"]


def write(name, docs):
    with open(f"{state}/{name}.yaml", "w") as target:
        yaml.safe_dump_all(config_maps + docs, target, sort_keys=False)


infrastructure = [d for d in deployments if not d["metadata"]["name"].startswith("taskgate-")]
write("infrastructure", infrastructure)
# podman names a Deployment's pod <name>-pod-0.
with open(f"{state}/infrastructure.pods", "w") as pods:
    pods.write("".join(f"{d['metadata']['name']}-pod-0\n" for d in infrastructure))

services = []
for deployment in (d for d in deployments if d["metadata"]["name"].startswith("taskgate-")):
    template = deployment["spec"]["template"]
    inits = template["spec"].pop("initContainers", [])
    if len(inits) > 1:
        sys.exit(f"{deployment['metadata']['name']}: podman runs a pod's containers at once; only one init container can be run first")
    if inits:
        pod_spec = copy.deepcopy(template["spec"])
        pod_spec["containers"] = inits
        pod_spec["restartPolicy"] = "Never"
        pod_spec.pop("terminationGracePeriodSeconds", None)
        name = f"init-{deployment['metadata']['name']}"
        write(name, [{"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": name, "labels": dict(template["metadata"].get("labels", {}))},
                      "spec": pod_spec}])
    services.append(deployment)
write("services", services)
