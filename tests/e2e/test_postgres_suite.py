"""The whole suite on one PostgreSQL database (the Kubernetes configuration): every service migrates
its own prefixed tables into the same schema, and a turn with memory, archival and a tool works."""

from __future__ import annotations

import pytest

from memvisor.client import Memvisor
from memvisor_scripted_llm import Reply, tool_call
from tests.e2e.conftest import SUITE_SERVICES
from tests.suite_harness import SuiteThread


@pytest.mark.postgres
def test_turns_on_one_shared_postgres_database(tmp_path, postgres_url, llm, script, monkeypatch):
    for service in ("MEMORY", "ARCHIVAL", "TOOLS", "ORCHESTRATOR"):
        monkeypatch.setenv(f"MEMVISOR_{service}_DATABASE_URL", postgres_url)
    suite = SuiteThread(tmp_path / "data", SUITE_SERVICES).start()
    try:
        with Memvisor(target=suite.target, timeout=60) as client:
            echo = client.tools.upsert(
                'def echo(text: str) -> str:\n    """Echoes.\n\n    Args:\n'
                '        text: what to echo\n    """\n    return text.upper()\n'
            )
            agent = client.agents.create(
                model="openai/gpt-4o-mini",
                tool_ids=[echo.id],
                memory_blocks=[{"label": "human", "value": "Ann"}],
            )
            script.push(
                Reply.calls(
                    tool_call("core_memory_append", label="human", content="likes PG", request_heartbeat=True)
                ),
                Reply.calls(
                    tool_call(
                        "archival_memory_insert", content="Ann likes PostgreSQL", request_heartbeat=True
                    )
                ),
                Reply.calls(tool_call("echo", text="hi", request_heartbeat=True)),
                Reply.calls(tool_call("send_message", message="done", request_heartbeat=False)),
            )
            resp = client.agents.messages.create(
                agent_id=agent.id, messages=[{"role": "user", "content": "go"}]
            )
            returns = [m for m in resp.messages if m.message_type == "tool_return_message"]
            assert [r.status for r in returns] == ["success"] * 3 and returns[2].tool_return == "HI"
            assert resp.stop_reason == "end_turn" and resp.usage.step_count == 4
            assert client.agents.blocks.retrieve(agent.id, "human").value == "Ann\nlikes PG"
            assert client.agents.passages.search(agent.id, "database")[0].text == "Ann likes PostgreSQL"
            assert client.agents.messages.search(agent.id, "go")  # recall search on PostgreSQL full-text
            ctx = client.agents.context.retrieve(agent.id)
            assert "1 memories you saved are stored in archival memory" in ctx.system_prompt
            assert "echo" in {t["function"]["name"] for t in ctx.tools}
    finally:
        suite.stop()
