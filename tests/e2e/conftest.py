"""End-to-end fixtures: a scripted LLM endpoint and the suite serving on a free port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from memvisor.client import Memvisor
from memvisor_scripted_llm import ReplyQueue, ScriptedLLMServer
from memvisor_suite.offline import offline_environment
from tests.suite_harness import SuiteThread

SUITE_SERVICES = tuple(
    os.environ.get("MEMVISOR_TEST_SERVICES", "memory,archival,tools,orchestrator").split(",")
)


@pytest.fixture
def script() -> ReplyQueue:
    return ReplyQueue()


@pytest.fixture
def llm(script: ReplyQueue, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedLLMServer]:
    server = ScriptedLLMServer(script).start()
    for key, value in offline_environment(server.base_url).items():
        monkeypatch.setenv(key, value)
    yield server
    server.stop()


@pytest.fixture
def suite(tmp_path: Path, llm: ScriptedLLMServer) -> Iterator[SuiteThread]:
    running = SuiteThread(tmp_path / "data", SUITE_SERVICES).start()
    yield running
    running.stop()


@pytest.fixture
def client(suite: SuiteThread) -> Iterator[Memvisor]:
    with Memvisor(target=suite.target, timeout=60) as c:
        yield c
