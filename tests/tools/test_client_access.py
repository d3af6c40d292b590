"""A sandboxed tool reaches the suite through the mounted unix socket, without network access."""

from __future__ import annotations

import json

from memvisor.tools.v1 import tool_pb2 as S
from tests.tools.conftest import ToolsClient

LIST_OVER_SOCKET = '''import os

def list_my_tools() -> dict:
    """Lists this tenant's tools through the suite, from inside the sandbox."""
    import grpc
    from memvisor.tools.v1 import tool_service_pb2 as pb, tool_service_pb2_grpc
    target = os.environ["MEMVISOR_TARGET"]
    with grpc.insecure_channel(target) as channel:
        stub = tool_service_pb2_grpc.ToolServiceStub(channel)
        resp = stub.ListTools(pb.ListToolsRequest(), timeout=20,
                              metadata=(("x-memvisor-tenant", os.environ["MEMVISOR_TENANT"]),))
    return {"target": target, "names": [t.name for t in resp.tools]}
'''

SEED_STYLE_CLIENT = '''def make_client() -> list:
    """The seed's import, unchanged: the sandbox maps letta_client onto the memvisor client."""
    from letta_client import Letta
    client = Letta(base_url="http://localhost:8283")
    return [type(client).__mro__[1].__name__, client.target]
'''


async def test_tool_calls_the_suite_over_the_socket(tools: ToolsClient) -> None:
    iso = tools.component.runner.isolation
    tenant = tools.as_tenant("tenant-socket")
    tool = await tenant.upsert(LIST_OVER_SOCKET)
    result = await tenant.execute(tool, env={"MEMVISOR_TARGET": "127.0.0.1:1"})
    assert result.status == S.EXECUTION_STATUS_SUCCESS, (result.error, result.stderr[-2000:])
    value = json.loads(result.return_value)
    assert value["names"] == ["list_my_tools"]  # the caller's tenant, propagated
    if iso.use_bwrap:  # the caller's TCP target cannot work in a network namespace; the socket does
        assert value["target"] == "unix:///run/memvisor/memvisor.sock"


async def test_seed_letta_import_maps_to_memvisor_client(tools: ToolsClient) -> None:
    result = await tools.execute(await tools.upsert(SEED_STYLE_CLIENT))
    assert result.status == S.EXECUTION_STATUS_SUCCESS, (result.error, result.stderr[-2000:])
    base, target = json.loads(result.return_value)
    assert base == "Memvisor" and target.startswith("unix://")


async def test_cpu_limit_stops_a_busy_tool(make_tools) -> None:  # noqa: ANN001
    tools = await make_tools(cpu_seconds=1)
    result = await tools.execute(await tools.upsert("def spin() -> int:\n    while True:\n        pass\n"),
                                 timeout_seconds=30)
    assert result.status == S.EXECUTION_STATUS_TIMEOUT and "CPU time limit" in result.error, result.error
