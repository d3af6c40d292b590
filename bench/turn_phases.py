"""Where a turn's time goes: runs bench/turn_overhead.py while timing every peer call, the agent
lookup, the step record and the LLM call (p50 and mean per call, by name).

    .venv/bin/python bench/turn_phases.py [--turns 300] [--seconds 1]
"""

from __future__ import annotations

import collections
import runpy
import sys
import time
from pathlib import Path

from memvisor_common.grpc_host import peer as peer_mod
from orchestrator_service import store as orchestrator_store
from orchestrator_service.llm import client as llm_client

timings: dict[str, list[float]] = collections.defaultdict(list)


def _timed(label: str, fn):  # noqa: ANN001, ANN202
    async def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            timings[label].append((time.perf_counter() - started) * 1000)

    return wrapper


_local = peer_mod.Peer.local.__func__


def _timed_local(cls, name, servicer):  # noqa: ANN001, ANN202
    peer = _local(cls, name, servicer)
    inner = peer._call
    peer._call = lambda method, request, timeout: _timed(f"{name}.{method}", inner)(method, request, timeout)
    return peer


peer_mod.Peer.local = classmethod(_timed_local)
orchestrator_store.AgentStore.get = _timed("orchestrator.store.get", orchestrator_store.AgentStore.get)
orchestrator_store.AgentStore.record_steps = _timed(
    "orchestrator.store.record_steps", orchestrator_store.AgentStore.record_steps
)
llm_client.LLMClient.complete = _timed("llm.complete", llm_client.LLMClient.complete)

if __name__ == "__main__":
    sys.argv = [sys.argv[0], *(sys.argv[1:] or ["--turns", "300", "--seconds", "1"])]
    try:
        runpy.run_path(str(Path(__file__).with_name("turn_overhead.py")), run_name="__main__")
    finally:
        print("\nper call (all turns, including agent creation):")
        for label, values in sorted(timings.items(), key=lambda kv: -sum(kv[1])):
            values.sort()
            print(
                f"  {label:42s} n={len(values):5d}  p50 {values[len(values) // 2]:7.3f} ms"
                f"  mean {sum(values) / len(values):7.3f} ms"
            )
