"""`memvisor demo`: the main job. Starts the suite as a real server process, replays the seed's
walkthrough through the client, restarts the suite, and shows that memory survived."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from memvisor.client import Memvisor
from memvisor_suite.walkthrough import run_walkthrough


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_serving(target: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                if (
                    stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return
            except grpc.RpcError:
                time.sleep(0.2)
    raise RuntimeError(f"suite at {target} did not become healthy within {timeout}s")


def _start_suite(port: int, data_dir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "memvisor_suite.cli",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir / "suite.log", "ab"),  # noqa: SIM115
    )
    _wait_serving(f"127.0.0.1:{port}")
    return proc


def _stop_suite(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_demo(data_dir: Path | None, port: int) -> int:
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="memvisor-demo-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    env = dict(os.environ)
    scripted = None
    if not env.get("OPENAI_BASE_URL"):
        from memvisor_scripted_llm.seed_brain import SeedBrain
        from memvisor_scripted_llm.server import ScriptedLLMServer
        from memvisor_suite.offline import LOCAL_EMBEDDING, offline_environment

        scripted = ScriptedLLMServer(SeedBrain()).start()
        env.update(offline_environment(scripted.base_url))
        print("=" * 78)
        print("No OPENAI_BASE_URL is set: using memvisor's SCRIPTED model, a rule-based test double that")
        print("plays the seed walkthrough deterministically. It is NOT a real LLM. The seed's OpenAI")
        print(f"embedding handles are served by {LOCAL_EMBEDDING}, an offline model. Set OPENAI_BASE_URL")
        print("(and OPENAI_API_KEY) to talk to OpenAI, vLLM, Ollama or any compatible endpoint.")
        print("=" * 78)
    else:
        print(f"Using the LLM endpoint at {env['OPENAI_BASE_URL']}")
    target = f"127.0.0.1:{port}"
    print(f"starting the suite on {target} (data in {data_dir}, log in {data_dir / 'suite.log'})")
    proc = _start_suite(port, data_dir, env)
    try:
        status = run_walkthrough(target)
        if status != 0:
            return status
        print("\n== Restart: stopping the suite and starting it again on the same data ==")
        _stop_suite(proc)
        proc = _start_suite(port, data_dir, env)
        with Memvisor(target=target) as client:
            agent = next(a for a in client.agents.list(name="simple_agent"))
            human = client.agents.blocks.retrieve(agent_id=agent.id, block_label="human").value
            history = client.agents.messages.list(agent_id=agent.id)
            said = [m.content for m in history if m.message_type == "user_message"]
            print(
                f"after restart: human block = {human!r}; {len(history)} messages in recall; user said {said}"
            )
            if "Sid" not in human or "my name actually is Sid" not in said:
                print("MEMORY DID NOT SURVIVE THE RESTART", file=sys.stderr)
                return 1
        print("memory survived the restart")
        return 0
    finally:
        _stop_suite(proc)
        if scripted is not None:
            scripted.stop()
