from memvisor_scripted_llm import Reply, tool_call


def test_one_turn(client, script, llm):
    agent = client.agents.create(
        model="openai/gpt-4o-mini", memory_blocks=[{"label": "human", "value": "Ann"}]
    )
    script.push(
        Reply.calls(tool_call("send_message", message="hello Ann", request_heartbeat=False), thinking="greet")
    )
    resp = client.agents.messages.create(agent_id=agent.id, messages=[{"role": "user", "content": "hi"}])
    assert [m.message_type for m in resp.messages] == ["reasoning_message", "assistant_message"]
    assert resp.messages[1].content == "hello Ann"
    assert resp.stop_reason == "end_turn"
    assert resp.usage.step_count == 1
