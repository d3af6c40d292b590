"""Execution results through a real server: every failure is an ExecutionResult, not an RPC error."""

from __future__ import annotations

import json
import os

import grpc

from memvisor.tools.v1 import tool_pb2, tool_service_pb2 as pb
from tests.tools.conftest import ToolsClient, expect_error

S = tool_pb2


async def test_success_returns_json_value(tools: ToolsClient) -> None:
    tool = await tools.upsert("def add(a: int, b: int = 2) -> int:\n    \"\"\"Adds.\"\"\"\n    print('adding')\n"
                              "    return a + b\n")
    result = await tools.execute(tool, json.dumps({"a": 40}))
    assert result.status == S.EXECUTION_STATUS_SUCCESS, result
    assert json.loads(result.return_value) == 42
    assert result.stdout == "adding\n"
    assert result.duration_ms > 0


async def test_agent_state_is_plain_data(tools: ToolsClient) -> None:
    src = ('def get_agent_id(agent_state: "AgentState"):\n    """\n    Query your agent ID field\n    """\n'
           "    return [agent_state.id, agent_state.name, agent_state.tags, agent_state.memory.get_block('human').value]\n")
    tool = await tools.upsert(src)
    assert json.loads(tool.json_schema)["parameters"]["properties"] == {}
    state = tool_pb2.AgentState(id="agent-1", name="bob", tags=["a"], memory={"human": "likes tea"})
    result = await tools.execute(tool, "{}", agent_state=state)
    assert result.status == S.EXECUTION_STATUS_SUCCESS, result
    assert json.loads(result.return_value) == ["agent-1", "bob", ["a"], "likes tea"]


async def test_exception_is_an_error_result(tools: ToolsClient) -> None:
    tool = await tools.upsert("def boom() -> str:\n    raise ValueError('no luck')\n")
    result = await tools.execute(tool)
    assert result.status == S.EXECUTION_STATUS_ERROR
    assert result.error.startswith("ValueError: no luck")
    assert "ValueError" in result.stderr


async def test_non_json_return_is_an_error_result(tools: ToolsClient) -> None:
    tool = await tools.upsert("def odd() -> str:\n    return {1, 2}\n")
    result = await tools.execute(tool)
    assert result.status == S.EXECUTION_STATUS_ERROR
    assert "ReturnValueNotSerializable" in result.error


async def test_bad_arguments_go_back_to_the_llm(tools: ToolsClient) -> None:
    tool = await tools.upsert("def echo(text: str) -> str:\n    return text\n")
    for args, needle in [("{not json", "not valid JSON"), ("[1]", "JSON object"),
                         ('{"text": "a", "x": 1}', "unexpected arguments"), ("{}", "missing required")]:
        result = await tools.execute(tool, args)
        assert result.status == S.EXECUTION_STATUS_ERROR, args
        assert needle in result.error and result.error.startswith("InvalidArguments"), result.error


async def test_unknown_tool_is_not_found(tools: ToolsClient) -> None:
    await expect_error(tools.execute("no_such_tool"), grpc.StatusCode.NOT_FOUND, "TOOL_NOT_FOUND")


async def test_return_value_is_truncated_to_the_tool_limit(tools: ToolsClient) -> None:
    tool = await tools.upsert("def big() -> str:\n    return 'x' * 5000\n", return_char_limit=100)
    result = await tools.execute(tool)
    assert result.status == S.EXECUTION_STATUS_SUCCESS and result.return_value_truncated
    value = json.loads(result.return_value)
    assert value.startswith("x" * 100) and "truncated 4900" in value


async def test_env_is_only_what_the_caller_configured(tools: ToolsClient) -> None:
    os.environ["MEMVISOR_TEST_SERVICE_SECRET"] = "s3cret-service-value"
    try:
        tool = await tools.upsert("import os\ndef env() -> dict:\n    return dict(os.environ)\n")
        result = await tools.execute(tool, env={"API_KEY": "k"})
    finally:
        del os.environ["MEMVISOR_TEST_SERVICE_SECRET"]
    env = json.loads(result.return_value)
    assert env["API_KEY"] == "k" and env["MEMVISOR_TENANT"] == "default" and env["MEMVISOR_TOOL_ID"] == tool.id
    assert "MEMVISOR_TEST_SERVICE_SECRET" not in env
    await expect_error(tools.execute(tool, env={"BAD NAME": "x"}), grpc.StatusCode.INVALID_ARGUMENT,
                       "INVALID_ENV_NAME")


async def test_async_tool_and_timeout(tools: ToolsClient) -> None:
    tool = await tools.upsert("import asyncio\nasync def nap(seconds: float) -> str:\n"
                              "    await asyncio.sleep(seconds)\n    return 'rested'\n")
    assert json.loads((await tools.execute(tool, '{"seconds": 0.01}')).return_value) == "rested"
    result = await tools.execute(tool, '{"seconds": 30}', timeout_seconds=0.5)
    assert result.status == S.EXECUTION_STATUS_TIMEOUT and "0.5 s" in result.error


async def test_each_call_gets_a_fresh_process(tools: ToolsClient) -> None:
    tool = await tools.upsert("import os\nimport sys\ndef mark() -> list:\n    seen = hasattr(sys, 'marked')\n"
                              "    sys.marked = True\n    open('left-behind', 'w').write('x')\n"
                              "    return [seen, os.path.exists('left-behind'), os.getpid()]\n")
    first, second = [json.loads((await tools.execute(tool)).return_value) for _ in range(2)]
    assert first[0] is False and second[0] is False  # module state does not survive a call
    assert first[1] is True and second[1] is True


async def test_sandbox_status_reports_isolation(tools: ToolsClient) -> None:
    status = (await tools.call("GetSandboxStatus", pb.GetSandboxStatusRequest())).status
    iso = tools.component.runner.isolation
    expected = S.SANDBOX_ISOLATION_BWRAP if iso.use_bwrap else S.SANDBOX_ISOLATION_PROCESS_LIMITS
    assert status.isolation == expected
    assert status.network_isolated == iso.network_isolated
    assert status.pool_size == 2 and status.cpu_seconds == 2
    assert status.client_target.startswith("unix://")


async def test_fallback_status_says_what_is_missing(make_tools) -> None:  # noqa: ANN001
    tools = await make_tools(use_bwrap=False)
    status = (await tools.call("GetSandboxStatus", pb.GetSandboxStatusRequest())).status
    assert status.isolation == S.SANDBOX_ISOLATION_PROCESS_LIMITS
    assert not status.network_isolated and not status.filesystem_isolated
    assert any("bubblewrap" in n for n in status.notes)
    result = await tools.execute(await tools.upsert("def one() -> int:\n    return 1\n"))
    assert result.status == S.EXECUTION_STATUS_SUCCESS
