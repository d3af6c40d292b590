"""The heartbeat loop against a scripted model: chaining, tool errors, malformed output, LLM faults."""

from __future__ import annotations

import json
import time

import pytest

from memvisor.client import Memvisor
from memvisor_scripted_llm import Reply, tool_call

USER = [{"role": "user", "content": "hello"}]


def say(text: str, heartbeat: bool = False, thinking: str = "") -> Reply:
    return Reply.calls(
        tool_call("send_message", message=text, request_heartbeat=heartbeat), thinking=thinking
    )


@pytest.fixture
def agent(client: Memvisor):
    return client.agents.create(
        model="openai/gpt-4o-mini",
        memory_blocks=[{"label": "human", "value": "Name: Ann"}, {"label": "persona", "value": "I am kind."}],
    )


def history_is_consistent(client: Memvisor, agent_id: str) -> None:
    """Every tool call in recall has exactly one result, and vice versa."""
    history = client.agents.messages.list(agent_id=agent_id, limit=10_000)
    calls = {m.tool_call_id for m in history if m.message_type == "tool_call_message"}
    returns = [m.tool_call_id for m in history if m.message_type == "tool_return_message"]
    assert set(returns) <= calls and len(returns) == len(set(returns))


def test_heartbeat_chains_steps_and_memory_edit_is_visible_next_step(client, agent, script, llm):
    script.push(
        Reply.calls(
            tool_call("core_memory_append", label="human", content="Likes tea", request_heartbeat=True),
            thinking="remember this",
        ),
        say("Noted!"),
    )
    resp = client.agents.messages.create(
        agent_id=agent.id, messages=[{"role": "user", "content": "I like tea"}]
    )
    assert [m.message_type for m in resp.messages] == [
        "reasoning_message",
        "tool_call_message",
        "tool_return_message",
        "assistant_message",
    ]
    assert resp.usage.step_count == 2 and resp.stop_reason == "end_turn"
    assert resp.messages[2].status == "success" and "Likes tea" in resp.messages[2].tool_return
    # The second LLM call saw the edited block and the heartbeat that returned control.
    second = llm.requests[1]["messages"]
    assert "Name: Ann\nLikes tea" in second[0]["content"]
    assert json.loads(second[-1]["content"])["type"] == "heartbeat"
    # Every tool schema offered carries request_heartbeat.
    for t in llm.requests[0]["tools"]:
        assert "request_heartbeat" in t["function"]["parameters"]["required"]
    assert (
        client.agents.blocks.retrieve(agent_id=agent.id, block_label="human").value == "Name: Ann\nLikes tea"
    )


def test_tool_error_goes_back_to_the_model_and_the_turn_continues(client, agent, script, llm):
    script.push(
        Reply.calls(
            tool_call(
                "core_memory_replace",
                label="human",
                old_content="not there",
                new_content="x",
                request_heartbeat=False,
            )
        ),
        say("Sorry, let me fix that."),
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    ret = next(m for m in resp.messages if m.message_type == "tool_return_message")
    assert ret.status == "error" and "does not occur" in ret.tool_return
    assert resp.usage.step_count == 2  # the failure forced a heartbeat even though none was requested
    assert resp.stop_reason == "end_turn"
    failed = json.loads(llm.requests[1]["messages"][-2]["content"])
    assert failed["status"] == "Failed"
    assert client.agents.blocks.retrieve(agent_id=agent.id, block_label="human").value == "Name: Ann"


def test_edit_beyond_limit_is_refused_and_block_unchanged(client, script):
    agent = client.agents.create(
        model="openai/gpt-4o-mini", memory_blocks=[{"label": "human", "value": "abc", "limit": 10}]
    )
    script.push(
        Reply.calls(
            tool_call("core_memory_append", label="human", content="x" * 50, request_heartbeat=False)
        ),
        say("ok"),
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    ret = next(m for m in resp.messages if m.message_type == "tool_return_message")
    assert ret.status == "error" and "limit" in ret.tool_return.lower()
    assert client.agents.blocks.retrieve(agent_id=agent.id, block_label="human").value == "abc"


def test_repairable_arguments_and_tool_call_written_as_text(client, agent, script):
    script.push(
        # trailing comma and Python-style literal: repaired, not refused
        Reply.calls(
            tool_call(
                "core_memory_append",
                _raw="{'label': 'human', 'content': 'Owns a cat', 'request_heartbeat': True,}",
            )
        ),
        # a small local model writing its call as JSON in the message text, inside a code fence
        Reply(
            content='Sure.\n```json\n{"name": "send_message", "arguments": {"message": "Got it!", '
            '"request_heartbeat": false}}\n```'
        ),
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason == "end_turn"
    assert resp.messages[-1].message_type == "assistant_message" and resp.messages[-1].content == "Got it!"
    assert "Owns a cat" in client.agents.blocks.retrieve(agent_id=agent.id, block_label="human").value
    history_is_consistent(client, agent.id)


def test_unknown_tool_and_bad_json_are_fed_back_then_turn_stops(client, agent, script, llm):
    script.push(
        Reply.calls(tool_call("launch_rockets", target="moon")),
        Reply.calls(tool_call("send_message", _raw='{"message": "unterminated')),
        Reply.calls(tool_call("send_message")),  # missing required argument
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason == "invalid_tool_call"
    errors = [m.tool_return for m in resp.messages if m.message_type == "tool_return_message"]
    assert "does not exist" in errors[0] and "send_message" in errors[0]
    assert "not valid JSON" in errors[1]
    assert "missing required argument" in errors[2]
    assert resp.usage.step_count == 3
    history_is_consistent(client, agent.id)
    # The agent is not bricked: the next turn works.
    script.push(say("back to normal"))
    assert client.agents.messages.create(agent_id=agent.id, messages=USER).stop_reason == "end_turn"


def test_plain_text_without_tool_call_gets_an_alert_then_stops(client, agent, script, llm):
    script.push(Reply(content="I think hello"), Reply(content="still no tool"), Reply(content="nope"))
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason == "no_tool_call"
    assert resp.usage.step_count == 3
    assert [m.reasoning for m in resp.messages] == ["I think hello", "still no tool", "nope"]
    alert = json.loads(llm.requests[1]["messages"][-1]["content"])
    assert alert["type"] == "system_alert" and "send_message" in alert["message"]


def test_empty_answers_end_with_invalid_llm_response(client, agent, script):
    script.push(Reply(content=""), Reply(content=""), Reply(content=""))
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason == "invalid_llm_response"


def test_max_steps_stops_a_model_that_never_yields(client, agent, script):
    script.push(*[say(f"part {i}", heartbeat=True) for i in range(10)])
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER, max_steps=3)
    assert resp.stop_reason == "max_steps" and resp.usage.step_count == 3
    assert [m.content for m in resp.messages if m.message_type == "assistant_message"] == [
        "part 0",
        "part 1",
        "part 2",
    ]


def test_llm_5xx_and_429_are_retried(client, agent, script, llm):
    script.push(Reply(status=500), Reply(status=429), say("made it"))
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason == "end_turn" and resp.messages[-1].content == "made it"
    assert len(llm.requests) == 3


def test_llm_down_ends_turn_with_llm_api_error_and_keeps_user_message(client, agent, script):
    script.push(*[Reply(status=503) for _ in range(10)])
    resp = client.agents.messages.create(
        agent_id=agent.id, messages=[{"role": "user", "content": "are you there"}]
    )
    assert resp.stop_reason == "llm_api_error" and resp.messages == []
    history = client.agents.messages.list(agent_id=agent.id)
    assert [m.content for m in history] == ["are you there"]


def test_garbage_completion_body_is_an_llm_error_not_a_crash(client, agent, script):
    script.push(*[Reply(body={"unexpected": True}) for _ in range(5)])
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason in ("llm_api_error", "invalid_llm_response")


def test_stream_emits_the_same_events_then_usage_and_stop_reason(client, agent, script):
    script.push(
        Reply.calls(
            tool_call("conversation_search", query="tea", request_heartbeat=True), thinking="look back"
        ),
        say("Found nothing about tea."),
    )
    events = list(client.agents.messages.create_stream(agent_id=agent.id, messages=USER))
    kinds = [e.message_type for e in events]
    assert kinds == [
        "reasoning_message",
        "tool_call_message",
        "tool_return_message",
        "assistant_message",
        "usage_statistics",
        "stop_reason",
    ]
    assert events[-2].step_count == 2 and events[-1].stop_reason == "end_turn"
    stored = client.agents.messages.list(agent_id=agent.id)
    assert [m.id for m in stored if m.message_type != "user_message"] == [e.id for e in events[:4]]


def test_client_disconnect_mid_stream_leaves_memory_consistent(client, agent, script, llm):
    script.push(
        Reply.calls(
            tool_call("core_memory_append", label="human", content="step one", request_heartbeat=True)
        ),
        Reply(
            delay_seconds=0.5,
            content="",
            tool_calls=(
                tool_call("core_memory_append", label="human", content="step two", request_heartbeat=True),
            ),
        ),
        say("never reached"),
    )
    stream = client.agents.messages.create_stream(agent_id=agent.id, messages=USER)
    first = next(stream)
    assert first.message_type == "tool_call_message"
    stream.close()  # the client goes away while step two is with the LLM
    time.sleep(1.5)
    # Step two finished and was stored whole; the turn stopped instead of running step three.
    human = client.agents.blocks.retrieve(agent_id=agent.id, block_label="human").value
    assert human == "Name: Ann\nstep one\nstep two"
    assert len(llm.requests) == 2 and len(script.replies) == 1
    history_is_consistent(client, agent.id)
    script.replies.clear()
    script.push(say("hi again"))
    assert client.agents.messages.create(agent_id=agent.id, messages=USER).messages[-1].content == "hi again"


def test_turns_for_one_agent_are_serialized(client, agent, script):
    import threading

    script.push(
        *[
            Reply(
                delay_seconds=0.2,
                tool_calls=(tool_call("send_message", message=f"r{i}", request_heartbeat=False),),
            )
            for i in range(3)
        ]
    )
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(client.agents.messages.create(agent_id=agent.id, messages=USER))
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.stop_reason == "end_turn" for r in results)
    history = client.agents.messages.list(agent_id=agent.id)
    # user, assistant, user, assistant, ...: no interleaving of two turns.
    kinds = [m.message_type for m in history]
    assert kinds == ["user_message", "assistant_message"] * 3


def test_huge_tool_results_are_truncated_with_a_note(client, agent, script, llm):
    client.agents.messages.import_messages(agent.id, [{"role": "user", "content": "needle " + "x" * 60_000}])
    script.push(Reply.calls(tool_call("conversation_search", query="needle", request_heartbeat=False)))
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    ret = next(m for m in resp.messages if m.message_type == "tool_return_message")
    assert len(ret.tool_return) < 51_000 and "[NOTE: the tool's output was truncated" in ret.tool_return


def test_each_step_is_recorded_with_its_usage(client, agent, script, suite):
    from sqlalchemy import select

    from orchestrator_service.models import StepRow

    script.push(say("one", heartbeat=True), say("two"))
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    db = suite.components()["orchestrator"].db
    with db.transaction() as s:
        rows = s.execute(
            select(StepRow.prompt_tokens, StepRow.completion_tokens).where(StepRow.agent_id == agent.id)
        ).all()
    assert len(rows) == resp.usage.step_count == 2
    assert sum(r[0] for r in rows) == resp.usage.prompt_tokens
    assert sum(r[1] for r in rows) == resp.usage.completion_tokens
