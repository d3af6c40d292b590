# ruff: noqa - the seed's code, kept exactly as users will paste it
"""The seed's custom tools, verbatim (they use the best-known peer's client; the sandbox maps it)."""


def get_agent_id(agent_state: "AgentState"):
    """
    Query your agent ID field
    """
    return agent_state.id


def task_queue_push(agent_state: "AgentState", task_description: str):
    """
    Push to a task queue stored in core memory.
    Args:
    task_description (str): A description of the next task you must accomplish.
    Returns:
    Optional[str]: None is always returned as this function
    does not produce a response.
    """
    import json

    from letta_client import Letta

    client = Letta(base_url="http://localhost:8283")
    block = client.agents.blocks.retrieve(
        agent_id=agent_state.id,
        block_label="tasks",
    )
    tasks = json.loads(block.value)
    tasks.append(task_description)
    # update the block value
    client.agents.blocks.modify(agent_id=agent_state.id, value=json.dumps(tasks), block_label="tasks")
    return None


def task_queue_pop(agent_state: "AgentState"):
    """
    Get the next task from the task queue
    Returns:
    Optional[str]: Remaining tasks in the queue
    """
    import json

    from letta_client import Letta

    client = Letta(base_url="http://localhost:8283")
    # get the block
    block = client.agents.blocks.retrieve(
        agent_id=agent_state.id,
        block_label="tasks",
    )
    tasks = json.loads(block.value)
    if len(tasks) == 0:
        return None
    task = tasks[0]
    # update the block value
    remaining_tasks = json.dumps(tasks[1:])
    client.agents.blocks.modify(agent_id=agent_state.id, value=remaining_tasks, block_label="tasks")
    return f"Remaining tasks {remaining_tasks}"
