"""Overhead of executing a trivial tool in the sandbox, with warm workers.

    .venv/bin/python bench/tools/bench_execute.py [--calls 200] [--concurrency 4] [--warm 4] [--no-bwrap]

Prints p50/p95 latency of ExecuteTool (gRPC over loopback, and the servicer called in-process as
the orchestrator does) with the pool given time to refill between calls, then calls/s under
sustained load (where refilling the pool, i.e. starting interpreters, is the limit).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import grpc

sys.path[:0] = [str(Path(__file__).resolve().parents[2] / p) for p in ("services", "clients/python")]

from memvisor.tools.v1 import tool_pb2, tool_service_pb2 as pb, tool_service_pb2_grpc  # noqa: E402
from memvisor_common.grpc_host.server import GrpcHost  # noqa: E402
from memvisor_common.settings import ServerSettings  # noqa: E402
from tool_service.component import ToolComponent  # noqa: E402
from tool_service.settings import ToolSettings  # noqa: E402

TRIVIAL = "def ping(x: int = 0) -> int:\n    \"\"\"Returns x.\"\"\"\n    return x\n"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(label: str, values: list[float]) -> None:
    print(f"{label:<44} p50 {pct(values, 0.50):7.2f} ms   p95 {pct(values, 0.95):7.2f} ms   "
          f"mean {statistics.fmean(values):7.2f} ms   (n={len(values)})")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--warm", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--no-bwrap", action="store_true")
    opts = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="memvisor-bench-") as tmp:
        server = ServerSettings(port=0, data_dir=Path(tmp), log_level="WARNING", shutdown_grace_seconds=0)
        component = ToolComponent(server, ToolSettings(warm_workers=opts.warm,
                                                       use_bwrap=False if opts.no_bwrap else None))
        host = GrpcHost([component], server)
        port = await host.start()
        iso = component.runner.isolation
        print(f"sandbox: {'bwrap' if iso.use_bwrap else 'process limits'}, user separated: {iso.user_separated}, "
              f"network isolated: {iso.network_isolated}, warm workers: {opts.warm}")
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        stub = tool_service_pb2_grpc.ToolServiceStub(channel)
        tool = (await stub.UpsertTool(pb.UpsertToolRequest(tool=tool_pb2.Tool(source_code=TRIVIAL)))).tool
        req = pb.ExecuteToolRequest(tool_id=tool.id, arguments='{"x": 1}')

        async def settle() -> None:  # let the pool refill, as between an agent's LLM calls
            while component.runner.pool.idle_count < opts.warm:
                await asyncio.sleep(0.01)

        await settle()
        for _ in range(5):  # warm-up
            await stub.ExecuteTool(req)
            await settle()

        grpc_ms, in_sandbox_ms, local_ms = [], [], []
        for _ in range(opts.calls):
            await settle()
            t0 = time.perf_counter()
            resp = await stub.ExecuteTool(req)
            grpc_ms.append((time.perf_counter() - t0) * 1000)
            in_sandbox_ms.append(resp.result.duration_ms)
            assert resp.result.status == tool_pb2.EXECUTION_STATUS_SUCCESS, resp.result
        for _ in range(opts.calls):
            await settle()
            t0 = time.perf_counter()
            resp = await component.servicer.ExecuteTool(req, None)
            local_ms.append((time.perf_counter() - t0) * 1000)
        report("ExecuteTool over gRPC, warm worker", grpc_ms)
        report("ExecuteTool in-process (servicer), warm", local_ms)
        report("  of which request->result in the worker", in_sandbox_ms)

        done, lat = 0, []
        deadline = time.perf_counter() + opts.seconds

        async def client() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                r = await stub.ExecuteTool(req)
                lat.append((time.perf_counter() - t0) * 1000)
                assert r.result.status == tool_pb2.EXECUTION_STATUS_SUCCESS
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(opts.concurrency)))
        elapsed = time.perf_counter() - started
        print(f"sustained, {opts.concurrency} concurrent callers: {done / elapsed:.1f} calls/s "
              f"over {elapsed:.1f} s (workers started: {component.runner.pool.spawned})")
        report("  latency under sustained load", lat)
        await channel.close()
        await host.stop(grace=0)


if __name__ == "__main__":
    asyncio.run(main())
