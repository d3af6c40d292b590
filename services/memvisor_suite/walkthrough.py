"""The seed article's walkthrough, call for call, through the Python client (client code only)."""

from __future__ import annotations

import sys

from memvisor.client import Memvisor, print_message

MODEL = "openai/gpt-4o-mini-2024-07-18"
EMBEDDING = "openai/text-embedding-3-small"


class WalkthroughFailed(AssertionError):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise WalkthroughFailed(what)
    print(f"   ✔ {what}")


def part_core_memory(client: Memvisor) -> str:
    print("\n== Part 1: an agent with core memory ==")
    agent_state = client.agents.create(
        name="simple_agent",
        memory_blocks=[
            {"label": "human", "value": "My name is Shilpa", "limit": 10000},
            {"label": "persona", "value": "You are a helpful assistant and you always use emojis"},
        ],
        model=MODEL,
        embedding=EMBEDDING,
    )
    print(f"created agent {agent_state.id} with blocks {[b.label for b in agent_state.memory.blocks]}")

    response = client.agents.messages.create(
        agent_id=agent_state.id, messages=[{"role": "user", "content": "hows it going????"}])
    for message in response.messages:
        print_message(message)
    print(response.usage.completion_tokens)
    print(response.usage.prompt_tokens)
    print(response.usage.step_count)
    check(any(m.message_type == "assistant_message" for m in response.messages), "the agent answered")
    check(response.usage.step_count >= 1 and response.usage.prompt_tokens > 0, "usage stats are reported")

    response = client.agents.messages.create(
        agent_id=agent_state.id, messages=[{"role": "user", "content": "my name actually is Sid"}])
    for message in response.messages:
        print_message(message)
    human = client.agents.blocks.retrieve(agent_id=agent_state.id, block_label="human").value
    print(f"human block: {human!r}")
    check("Sid" in human, "the agent edited its own 'human' block")
    return agent_state.id


def part_shared_blocks(client: Memvisor) -> None:
    print("\n== Part 2: blocks, listed and shared ==")
    agent_state = client.agents.create(
        memory_blocks=[
            {"label": "human", "value": "The human's name is Winnie the Pooh."},
            {"label": "persona", "value": "My name is Rabbit, the all-knowing sentient AI."},
        ],
        model="openai/gpt-4o-mini",
        embedding="openai/text-embedding-3-small",
    )
    blocks = client.agents.blocks.list(agent_id=agent_state.id)
    print([f"{b.label}: {b.value}" for b in blocks])
    check(len(blocks) == 2, "two blocks were created")
    company_block = client.blocks.create(
        value="The company is called AgentOS and is building AI tools to make it easier to create and deploy "
        "LLM agents.", label="company", limit=10000)
    a = client.agents.create(memory_blocks=[{"label": "persona", "value": "outreach"}], model=MODEL,
                             embedding=EMBEDDING, block_ids=[company_block.id])
    b = client.agents.create(memory_blocks=[{"label": "persona", "value": "evaluator"}], model=MODEL,
                             embedding=EMBEDDING, block_ids=[company_block.id])
    client.blocks.modify(company_block.id, value="The company has rebranded to Letta.")
    seen = {client.agents.blocks.retrieve(agent_id=x.id, block_label="company").value for x in (a, b)}
    check(seen == {"The company has rebranded to Letta."}, "a shared block edit is seen by both agents")


def run_walkthrough(target: str | None = None) -> int:
    with Memvisor(target=target) as client:
        try:
            part_core_memory(client)
            part_shared_blocks(client)
        except WalkthroughFailed as exc:
            print(f"\nWALKTHROUGH FAILED: {exc}", file=sys.stderr)
            return 1
    print("\nwalkthrough completed")
    return 0
