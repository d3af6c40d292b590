"""The Kubernetes base is consistent: every resource listed exists, every service runs with gRPC probes,
hardened containers, and peers that resolve to Services defined here."""

from __future__ import annotations

from pathlib import Path

import yaml

from memvisor_suite.composition import SERVICES

BASE = Path(__file__).resolve().parents[1] / "k8s" / "base"


def _docs() -> list[dict]:
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    docs = []
    for resource in kustomization["resources"]:
        assert (BASE / resource).exists(), resource
        docs += [d for d in yaml.safe_load_all((BASE / resource).read_text()) if d]
    return docs


def test_every_service_has_a_hardened_deployment_with_grpc_probes():
    docs = _docs()
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    assert (
        set(deployments)
        == services
        == {"memory-service", "archival-service", "tool-service", "orchestrator-service"}
    )
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["args"][1] in SERVICES, name
        assert container["readinessProbe"]["grpc"]["port"] == 50051
        assert container["livenessProbe"]["grpc"]["port"] == 50051
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        shutdown = next(
            e["value"] for e in container["env"] if e["name"] == "MEMVISOR_SHUTDOWN_GRACE_SECONDS"
        )
        assert float(shutdown) < grace  # the server finishes its graceful stop before the kubelet kills it


def test_orchestrator_peers_are_services_defined_here():
    docs = _docs()
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    for key in (
        "MEMVISOR_ORCHESTRATOR_MEMORY_ADDRESS",
        "MEMVISOR_ORCHESTRATOR_ARCHIVAL_ADDRESS",
        "MEMVISOR_ORCHESTRATOR_TOOLS_ADDRESS",
    ):
        assert config[key].split(":")[0] in services


def test_tool_service_accepts_only_the_orchestrator():
    policy = next(d for d in _docs() if d["kind"] == "NetworkPolicy")
    assert policy["spec"]["podSelector"]["matchLabels"] == {"app": "tool-service"}
    sources = policy["spec"]["ingress"][0]["from"]
    assert sources == [{"podSelector": {"matchLabels": {"app": "orchestrator-service"}}}]
    assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
