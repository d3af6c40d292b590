"""One turn's overhead with an instant LLM: p50/p95 per one-step turn, and turns/s with 8 agents.

The LLM is the scripted model in its own process (so its CPU does not compete with the suite's
event loop for the GIL); the suite and an asyncio gRPC client share this process. The LLM's own
round trip (openai client -> HTTP -> reply) is measured separately and reported, so the
orchestrator's share is visible.

    .venv/bin/python bench/turn_overhead.py [--turns 300] [--seconds 10] [--services memory,orchestrator]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
import openai

from memvisor.agents.v1 import agent_message_pb2 as am
from memvisor.agents.v1 import agent_service_pb2 as svc
from memvisor.agents.v1 import agent_service_pb2_grpc
from memvisor.memory.v1 import block_pb2
from memvisor_common.grpc_host.server import GrpcHost
from memvisor_common.logging import configure_logging
from memvisor_common.settings import ServerSettings
from memvisor_suite.composition import SERVICES, build_components


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def llm_round_trip(base_url: str, n: int) -> list[float]:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="x", max_retries=0)
    msgs = [
        {"role": "system", "content": "<human>\n<value>\nMy name is Ann\n</value>\n</human>"},
        {"role": "user", "content": "hi"},
    ]
    out = []
    for _ in range(n):
        t = time.perf_counter()
        await client.chat.completions.create(model="x", messages=msgs)
        out.append((time.perf_counter() - t) * 1000)
    await client.close()
    return out


async def main(args: argparse.Namespace) -> None:
    configure_logging("WARNING")
    llm_port = free_port()
    llm = subprocess.Popen(
        [sys.executable, "-m", "memvisor_suite.cli", "scripted-llm", "--port", str(llm_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    llm.stdout.readline()  # wait for "scripted model ... at URL"
    base_url = f"http://127.0.0.1:{llm_port}/v1"
    os.environ["OPENAI_BASE_URL"], os.environ["OPENAI_API_KEY"] = base_url, "bench"
    data_dir = Path(tempfile.mkdtemp(prefix="memvisor-bench-"))
    settings = ServerSettings(port=0, data_dir=data_dir, log_level="WARNING")
    host = GrpcHost(build_components(settings, args.services.split(",")), settings)
    port = await host.start()
    try:
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        stub = agent_service_pb2_grpc.AgentServiceStub(channel)

        async def new_agent() -> str:
            resp = await stub.CreateAgent(
                svc.CreateAgentRequest(
                    model="openai/bench",
                    memory_blocks=[
                        block_pb2.Block(label="human", value="My name is Ann"),
                        block_pb2.Block(label="persona", value="Helpful."),
                    ],
                )
            )
            return resp.agent.id

        async def turn(agent_id: str) -> float:
            t = time.perf_counter()
            resp = await stub.SendMessage(
                svc.SendMessageRequest(
                    agent_id=agent_id, messages=[am.MessageCreate(role="user", content="hows it going????")]
                )
            )
            assert resp.usage.step_count == 1 and resp.messages, resp
            return (time.perf_counter() - t) * 1000

        llm_ms = await llm_round_trip(base_url, 200)
        agent = await new_agent()
        for _ in range(20):
            await turn(agent)
        # Fresh agents every 50 turns keep the in-context history short (summarization is on the roadmap).
        times: list[float] = []
        for i in range(args.turns):
            if i % 50 == 0:
                agent = await new_agent()
            times.append(await turn(agent))

        agents = [await new_agent() for _ in range(8)]
        done = 0
        deadline = time.perf_counter() + args.seconds

        async def worker(agent_id: str) -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await turn(agent_id)
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(a) for a in agents))
        elapsed = time.perf_counter() - started
        await channel.close()
    finally:
        await host.stop(grace=0)
        llm.terminate()
    p50, p95 = pct(times, 0.5), pct(times, 0.95)
    l50 = statistics.median(llm_ms)
    print(f"services in process: {args.services}")
    print(
        f"one-step turn, end to end (client -> suite -> LLM -> suite -> client): "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms over {len(times)} turns"
    )
    print(
        f"LLM round trip alone (openai client -> scripted HTTP server): p50 {l50:.2f} ms, p95 {pct(llm_ms, 0.95):.2f} ms"
    )
    print(f"memvisor's own time per turn (p50 turn - p50 LLM): {p50 - l50:.2f} ms")
    print(f"8 agents in parallel for {args.seconds:.0f} s: {done / elapsed:.1f} turns/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--services", default=",".join(SERVICES))
    asyncio.run(main(parser.parse_args()))
