"""Insert throughput of the archival-service (SQLite, in-process manager calls).

  python bench/archival/bench_insert.py [--passages 20000] [--model-passages 1000]

"excluding embedding": vectors come ready-made (InstantProvider), so the number is SQL + index.
"with the local model": all-MiniLM-L6-v2 (int8 ONNX) embeds every passage on this machine's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import InstantProvider, make_component, percentiles  # noqa: E402

from archival_service.manager import PassageInput  # noqa: E402

TEXT = "Passage {i}: the quarterly planning meeting moved to Thursday, and the budget review follows it."


async def run(embedding: str, n: int, batch: int, instant: bool) -> float:
    component, tmp = make_component(embedding)
    if instant:
        component.embeddings._providers["local/hash-384"] = InstantProvider()
    await component.start()
    agent = "agent-00000000-0000-4000-8000-000000000001"
    await component.archives.create_agent_archive("default", agent, embedding)
    started = time.perf_counter()
    for start in range(0, n, batch):
        items = [PassageInput(text=TEXT.format(i=i)) for i in range(start, min(n, start + batch))]
        await component.archives.insert("default", agent, items)
    elapsed = time.perf_counter() - started
    await component.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return n / elapsed


async def single_latency(n: int) -> list[float]:
    component, tmp = make_component("local/hash-384")
    component.embeddings._providers["local/hash-384"] = InstantProvider()
    await component.start()
    agent = "agent-00000000-0000-4000-8000-000000000002"
    samples = []
    for i in range(n):
        t = time.perf_counter()
        await component.archives.insert("default", agent, [PassageInput(text=TEXT.format(i=i))])
        samples.append((time.perf_counter() - t) * 1000)
    await component.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return samples


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--model-passages", type=int, default=1000)
    args = parser.parse_args()
    print(f"insert, excluding embedding, batches of 100: {await run('local/hash-384', args.passages, 100, True):,.0f} passages/s")
    print(f"insert, excluding embedding, one per call:   {await run('local/hash-384', 2000, 1, True):,.0f} passages/s")
    print(f"single insert latency (no model): {percentiles(await single_latency(1000))}")
    rate = await run("local/all-minilm-l6-v2", args.model_passages, 100, False)
    print(f"insert with local MiniLM embedding, batches of 100: {rate:,.0f} passages/s")
    rate = await run("local/all-minilm-l6-v2", 200, 1, False)
    print(f"insert with local MiniLM embedding, one per call:   {rate:,.0f} passages/s")


if __name__ == "__main__":
    asyncio.run(main())
