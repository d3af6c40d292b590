"""`memvisor serve` (one process, one port) and `memvisor serve --service NAME` (one service per process,
peers over the network) both run a turn end to end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from memvisor.agents.v1 import agent_message_pb2 as am
from memvisor.agents.v1 import agent_service_pb2 as svc
from memvisor.agents.v1 import agent_service_pb2_grpc
from memvisor.client import Memvisor
from memvisor.memory.v1 import block_pb2
from memvisor_scripted_llm import Reply, tool_call


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(target: str, service: str = "") -> None:
    deadline = time.monotonic() + 60
    with grpc.insecure_channel(target) as ch:
        stub = health_pb2_grpc.HealthStub(ch)
        while time.monotonic() < deadline:
            try:
                if stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=1).status == 1:
                    return
            except grpc.RpcError:
                time.sleep(0.2)
    raise AssertionError(f"{target} never became healthy")


def _serve(args: list[str], data_dir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "memvisor_suite.cli", "serve", "--data-dir", str(data_dir), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_each_service_alone_with_peers_over_the_network(tmp_path, llm, script):
    """The Kubernetes shape: memory-service and orchestrator in separate processes."""
    memory_port, orch_port = _free_port(), _free_port()
    env = dict(
        os.environ,
        MEMVISOR_LOG_LEVEL="WARNING",
        MEMVISOR_ORCHESTRATOR_MEMORY_ADDRESS=f"127.0.0.1:{memory_port}",
    )
    memory = _serve(["--service", "memory", "--port", str(memory_port)], tmp_path / "m", env)
    orchestrator = _serve(["--service", "orchestrator", "--port", str(orch_port)], tmp_path / "o", env)
    try:
        _wait_healthy(f"127.0.0.1:{memory_port}", "memvisor.memory.v1.MemoryService")
        _wait_healthy(f"127.0.0.1:{orch_port}", "memvisor.agents.v1.AgentService")
        with grpc.insecure_channel(f"127.0.0.1:{orch_port}") as ch:
            agents = agent_service_pb2_grpc.AgentServiceStub(ch)
            agent = agents.CreateAgent(
                svc.CreateAgentRequest(
                    model="openai/gpt-4o-mini", memory_blocks=[block_pb2.Block(label="human", value="Bo")]
                ),
                timeout=30,
            ).agent
            script.push(
                Reply.calls(
                    tool_call(
                        "core_memory_append", label="human", content="likes jazz", request_heartbeat=True
                    )
                ),
                Reply.calls(tool_call("send_message", message="noted", request_heartbeat=False)),
            )
            resp = agents.SendMessage(
                svc.SendMessageRequest(
                    agent_id=agent.id, messages=[am.MessageCreate(role="user", content="I like jazz")]
                ),
                timeout=30,
            )
            assert resp.messages[-1].assistant_message.content == "noted"
            # The edit went over the network into the memory-service process.
            with Memvisor(target=f"127.0.0.1:{memory_port}") as client:
                assert client.agents.blocks.retrieve(agent.id, "human").value == "Bo\nlikes jazz"
            # An unknown agent id at the memory-service surfaces as NOT_FOUND through the orchestrator.
            try:
                agents.GetAgent(
                    svc.GetAgentRequest(agent_id="agent-00000000-0000-4000-8000-000000000000"), timeout=5
                )
                raise AssertionError("expected NOT_FOUND")
            except grpc.RpcError as exc:
                assert exc.code() == grpc.StatusCode.NOT_FOUND
    finally:
        for proc in (orchestrator, memory):
            proc.send_signal(signal.SIGTERM)
        for proc in (orchestrator, memory):
            assert proc.wait(30) == 0, proc.stderr.read().decode()[-2000:]


def test_serve_whole_suite_one_port_health_reflection_and_graceful_stop(tmp_path, llm):
    port = _free_port()
    env = dict(os.environ, MEMVISOR_LOG_LEVEL="INFO")
    proc = _serve(["--port", str(port)], tmp_path / "data", env)
    try:
        target = f"127.0.0.1:{port}"
        _wait_healthy(target)
        for service in ("memvisor.memory.v1.MemoryService", "memvisor.agents.v1.AgentService"):
            _wait_healthy(target, service)
        with grpc.insecure_channel(target) as ch:
            stub = reflection_pb2_grpc.ServerReflectionStub(ch)
            reply = next(
                iter(
                    stub.ServerReflectionInfo(
                        iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5
                    )
                )
            )
            names = {s.name for s in reply.list_services_response.service}
        assert {
            "memvisor.memory.v1.MemoryService",
            "memvisor.agents.v1.AgentService",
            "grpc.health.v1.Health",
        } <= names
        with Memvisor(target=target) as client:
            assert client.agents.create(model="openai/gpt-4o-mini").id.startswith("agent-")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    log = proc.stderr.read().decode()
    assert '"msg": "serving"' in log and '"msg": "stopped"' in log  # structured JSON log lines
    assert (tmp_path / "data" / "orchestrator.db").exists() and (tmp_path / "data" / "memory.db").exists()


def test_client_imports_no_server_code():
    code = (
        "import sys, memvisor.client; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('memvisor_common', 'orchestrator_service', "
        "'memory_service', 'archival_service', 'tool_service', 'memvisor_suite', 'sqlalchemy', 'faiss', 'openai'));"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_service_starts_alone_serves_health_and_stops_on_sigterm(tmp_path):
    services = {
        "memory": "memvisor.memory.v1.MemoryService",
        "archival": "memvisor.archival.v1.ArchivalService",
        "tools": "memvisor.tools.v1.ToolService",
        "orchestrator": "memvisor.agents.v1.AgentService",
    }
    procs = {}
    try:
        for name in services:
            port = _free_port()
            procs[name] = (
                port,
                _serve(["--service", name, "--port", str(port)], tmp_path / name, dict(os.environ)),
            )
        for name, (port, _) in procs.items():
            _wait_healthy(f"127.0.0.1:{port}", services[name])
            with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
                stub = health_pb2_grpc.HealthStub(ch)
                others = [s for n, s in services.items() if n != name]
                try:  # a service alone does not claim to serve the others
                    stub.Check(health_pb2.HealthCheckRequest(service=others[0]), timeout=2)
                    raise AssertionError(f"{name} answered health for {others[0]}")
                except grpc.RpcError as exc:
                    assert exc.code() == grpc.StatusCode.NOT_FOUND
    finally:
        for _, proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        for name, (_, proc) in procs.items():
            assert proc.wait(30) == 0, (name, proc.stderr.read().decode()[-2000:])
