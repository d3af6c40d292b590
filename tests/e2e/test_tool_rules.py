"""Every tool-rule type, with a scripted model that tries to break it. A breaking call is not executed."""

from __future__ import annotations

import json

from memvisor_scripted_llm import Reply, tool_call

USER = [{"role": "user", "content": "go"}]


def call(name: str, heartbeat: bool = True, **args) -> Reply:
    return Reply.calls(tool_call(name, request_heartbeat=heartbeat, **args))


def say(text: str = "done", heartbeat: bool = False) -> Reply:
    return call("send_message", heartbeat, message=text)


def offered(request: dict) -> list[str]:
    return sorted(t["function"]["name"] for t in request.get("tools", []))


def returns(resp):
    return [m for m in resp.messages if m.message_type == "tool_return_message"]


def make_agent(client, rules, **kw):
    return client.agents.create(
        model="openai/gpt-4o-mini", tool_rules=rules, memory_blocks=[{"label": "human", "value": "Ann"}], **kw
    )


def test_rules_are_rendered_into_the_prompt(client):
    agent = make_agent(
        client,
        [
            {"type": "exit_loop", "tool_name": "send_message"},
            {"type": "max_count_per_step", "tool_name": "conversation_search", "max_count_limit": 2},
        ],
    )
    prompt = client.agents.context.retrieve(agent.id).system_prompt
    assert "<tool_usage_rules>" in prompt
    assert "<tool_rule>send_message ends your response (yields control) when called</tool_rule>" in prompt
    assert "conversation_search: at most 2 use(s) per response" in prompt
    assert agent.tool_rules[1] == {
        "type": "max_count_per_step",
        "tool_name": "conversation_search",
        "max_count_limit": 2,
    }


def test_exit_loop_ends_the_turn_even_when_a_heartbeat_is_requested(client, script, llm):
    agent = make_agent(client, [{"type": "exit_loop", "tool_name": "core_memory_append"}])
    script.push(call("core_memory_append", True, label="human", content="x"), say("never"))
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason == "tool_rule" and resp.usage.step_count == 1 and len(llm.requests) == 1


def test_continue_loop_continues_without_a_heartbeat(client, script):
    agent = make_agent(client, [{"type": "continue_loop", "tool_name": "conversation_search"}])
    script.push(call("conversation_search", False, query="x"), say())
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.stop_reason == "end_turn" and resp.usage.step_count == 2


def test_run_first_offers_only_the_init_tool_and_refuses_others(client, script, llm):
    agent = make_agent(client, [{"type": "run_first", "tool_name": "conversation_search"}])
    script.push(say("skipping the rule"), call("conversation_search", True, query="x"), say())
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert offered(llm.requests[0]) == ["conversation_search"]
    assert llm.requests[0]["tool_choice"] == "required"
    first = returns(resp)[0]
    assert first.status == "error" and "[ToolConstraintError] Cannot call send_message" in first.tool_return
    assert "must start with one of: conversation_search" in first.tool_return
    assert resp.messages[-1].content == "done" and resp.stop_reason == "end_turn"
    assert "send_message" in offered(llm.requests[2])


def test_constrain_child_tools_narrows_the_next_step(client, script, llm):
    agent = make_agent(
        client,
        [{"type": "constrain_child_tools", "tool_name": "core_memory_append", "children": ["send_message"]}],
    )
    script.push(
        call("core_memory_append", False, label="human", content="likes tea"),
        call("conversation_search", True, query="tea"),
        say("ok"),
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    # no heartbeat was requested, but the child rule keeps the turn going
    assert offered(llm.requests[1]) == ["send_message"]
    refused = returns(resp)[1]
    assert (
        refused.status == "error"
        and "after core_memory_append you must use one of: send_message" in refused.tool_return
    )
    assert resp.messages[-1].content == "ok"


def test_parent_last_tool_blocks_children_elsewhere(client, script):
    agent = make_agent(
        client,
        [
            {
                "type": "parent_last_tool",
                "tool_name": "conversation_search",
                "children": ["core_memory_replace"],
            }
        ],
    )
    script.push(
        call("core_memory_replace", True, label="human", old_content="Ann", new_content="Bob"),
        call("conversation_search", True, query="name"),
        call("core_memory_replace", False, label="human", old_content="Ann", new_content="Bob"),
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    statuses = [m.status for m in returns(resp)]
    assert statuses == ["error", "success", "success"]
    assert "can only be used right after conversation_search" in returns(resp)[0].tool_return
    assert client.agents.blocks.retrieve(agent.id, "human").value == "Bob"


def test_conditional_picks_the_next_tool_from_the_output(client, script, llm):
    coin = client.tools.upsert('def coin() -> str:\n    """Flips a coin."""\n    return \'heads\'\n')
    agent = make_agent(
        client,
        [
            {
                "type": "conditional",
                "tool_name": "coin",
                "child_output_mapping": {"heads": "send_message", "tails": "core_memory_append"},
            }
        ],
        tool_ids=[coin.id],
    )
    script.push(
        call("coin", False), call("core_memory_append", True, label="human", content="x"), say("heads!")
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert [m.status for m in returns(resp)] == ["success", "error"]
    assert offered(llm.requests[1]) == ["send_message"]
    assert "returned 'heads', which leads to send_message" in returns(resp)[1].tool_return
    assert resp.messages[-1].content == "heads!"
    assert client.agents.blocks.retrieve(agent.id, "human").value == "Ann"


def test_conditional_with_required_mapping_reports_an_unmapped_output(client, script):
    coin = client.tools.upsert('def coin() -> str:\n    """Flips a coin."""\n    return \'edge\'\n')
    agent = make_agent(
        client,
        [
            {
                "type": "conditional",
                "tool_name": "coin",
                "require_output_mapping": True,
                "child_output_mapping": {"heads": "send_message"},
            }
        ],
        tool_ids=[coin.id],
    )
    script.push(call("coin", False), say())
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    first = returns(resp)[0]
    assert first.status == "error" and "no rule maps to a next tool" in first.tool_return


def test_max_count_per_step_removes_the_tool_after_the_limit(client, script, llm):
    agent = make_agent(
        client, [{"type": "max_count_per_step", "tool_name": "conversation_search", "max_count_limit": 1}]
    )
    script.push(
        call("conversation_search", True, query="a"), call("conversation_search", True, query="b"), say()
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert [m.status for m in returns(resp)] == ["success", "error"]
    assert "conversation_search" not in offered(llm.requests[1])
    # the limit is per turn: the next turn may use it again
    script.push(call("conversation_search", False, query="c"))
    assert returns(client.agents.messages.create(agent_id=agent.id, messages=USER))[0].status == "success"


def test_required_before_exit_keeps_the_turn_going(client, script, llm):
    agent = make_agent(client, [{"type": "required_before_exit", "tool_name": "conversation_search"}])
    script.push(say("bye"), call("conversation_search", False, query="x"))
    resp = client.agents.messages.create(agent_id=agent.id, messages=USER)
    assert resp.usage.step_count == 2 and resp.stop_reason == "end_turn"
    nudge = json.loads(llm.requests[1]["messages"][-1]["content"])
    assert "You must call conversation_search before ending your turn" in nudge["reason"]
