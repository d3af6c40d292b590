"""The seed's first part, call for call, with the seed's rule-based model behind a real HTTP endpoint."""

from __future__ import annotations

import pytest

from memvisor.client import Memvisor
from memvisor_scripted_llm import ScriptedLLMServer
from memvisor_scripted_llm.seed_brain import SeedBrain
from memvisor_suite.offline import offline_environment
from tests.suite_harness import SuiteThread


@pytest.fixture
def seed_llm(monkeypatch: pytest.MonkeyPatch):
    server = ScriptedLLMServer(SeedBrain()).start()
    for key, value in offline_environment(server.base_url).items():
        monkeypatch.setenv(key, value)
    yield server
    server.stop()


def test_seed_part_one_and_restart(tmp_path, seed_llm):
    from tests.e2e.conftest import SUITE_SERVICES

    suite = SuiteThread(tmp_path / "data", SUITE_SERVICES).start()
    try:
        client = Memvisor(target=suite.target)
        agent_state = client.agents.create(
            name="simple_agent",
            memory_blocks=[
                {"label": "human", "value": "My name is Shilpa", "limit": 10000},
                {"label": "persona", "value": "You are a helpful assistant and you always use emojis"},
            ],
            model="openai/gpt-4o-mini-2024-07-18",
            embedding="openai/text-embedding-3-small",
        )
        assert [b.label for b in agent_state.memory.blocks] == ["human", "persona"]
        assert agent_state.memory.get_block("human").limit == 10000

        response = client.agents.messages.create(
            agent_id=agent_state.id, messages=[{"role": "user", "content": "hows it going????"}]
        )
        types = [m.message_type for m in response.messages]
        assert types == ["reasoning_message", "assistant_message"]
        assert "Shilpa" in response.messages[1].content and "😊" in response.messages[1].content
        assert response.usage.step_count == 1
        assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
        assert response.stop_reason == "end_turn"
        # The model saw the compiled memory: block rendered with its metadata, and recall statistics.
        system = seed_llm.requests[-1]["messages"][0]["content"]
        assert "<human>" in system and "My name is Shilpa" in system and "chars_limit=10000" in system
        assert "messages are stored in recall memory" in system

        response = client.agents.messages.create(
            agent_id=agent_state.id, messages=[{"role": "user", "content": "my name actually is Sid"}]
        )
        types = [m.message_type for m in response.messages]
        assert types == [
            "reasoning_message",
            "tool_call_message",
            "tool_return_message",
            "reasoning_message",
            "assistant_message",
        ]
        assert response.messages[1].tool_call.name == "core_memory_replace"
        assert response.messages[2].status == "success"
        assert response.usage.step_count == 2
        assert "Sid" in response.messages[4].content
        assert (
            client.agents.blocks.retrieve(agent_id=agent_state.id, block_label="human").value
            == "My name is Sid"
        )
        client.close()
    finally:
        suite.stop()

    # Stop and restart the suite on the same data: the conversation and memory are still there.
    suite = SuiteThread(tmp_path / "data", SUITE_SERVICES).start()
    try:
        with Memvisor(target=suite.target) as client:
            assert (
                client.agents.blocks.retrieve(agent_id=agent_state.id, block_label="human").value
                == "My name is Sid"
            )
            history = client.agents.messages.list(agent_id=agent_state.id)
            said = [m.content for m in history if m.message_type == "user_message"]
            assert said == ["hows it going????", "my name actually is Sid"]
            replies = [m.content for m in history if m.message_type == "assistant_message"]
            assert len(replies) == 2
            # The agent continues where it left off, with its in-context history intact.
            response = client.agents.messages.create(
                agent_id=agent_state.id, messages=[{"role": "user", "content": "hows it going????"}]
            )
            assert "Sid" in response.messages[-1].content
            context = client.agents.context.retrieve(agent_state.id)
            assert context.message_count >= 10 and "My name is Sid" in context.system_prompt
    finally:
        suite.stop()
