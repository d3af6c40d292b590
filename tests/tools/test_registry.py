"""Registry CRUD and paging, on SQLite and PostgreSQL, scoped by tenant."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import grpc

from memvisor.tools.v1 import tool_service_pb2 as pb
from tests.tools.conftest import ToolsClient, expect_error


def _src(name: str) -> str:
    return f"def {name}(x: int) -> int:\n    \"\"\"Returns x.\"\"\"\n    return x\n"


async def test_crud(db_url: str, make_tools: Callable[..., Any]) -> None:
    tools: ToolsClient = await make_tools(database_url=db_url, warm_workers=0)
    created = await tools.upsert(_src("alpha"), tags=["math", "math", "util"], pip_requirements=["requests>=2"])
    assert created.id.startswith("tool-") and created.name == "alpha" and created.description == "Returns x."
    assert list(created.tags) == ["math", "util"] and list(created.pip_requirements) == ["requests>=2"]
    assert created.return_char_limit == tools.component.settings.default_return_char_limit
    by_name = (await tools.call("GetTool", pb.GetToolRequest(name="alpha"))).tool
    by_id = (await tools.call("GetTool", pb.GetToolRequest(tool_id=created.id))).tool
    assert by_name == by_id == created
    # Upsert by name replaces the tool and keeps its id.
    replaced = await tools.upsert(_src("alpha").replace("Returns x.", "Echoes."), tags=["util"])
    assert replaced.id == created.id and replaced.description == "Echoes." and list(replaced.tags) == ["util"]
    assert replaced.create_time == created.create_time
    assert replaced.update_time.ToDatetime() >= created.update_time.ToDatetime()
    await tools.call("DeleteTool", pb.DeleteToolRequest(tool_id=created.id))
    await expect_error(tools.call("GetTool", pb.GetToolRequest(tool_id=created.id)), grpc.StatusCode.NOT_FOUND,
                       "TOOL_NOT_FOUND")
    await expect_error(tools.call("DeleteTool", pb.DeleteToolRequest(tool_id=created.id)),
                       grpc.StatusCode.NOT_FOUND)
    await expect_error(tools.call("GetTool", pb.GetToolRequest()), grpc.StatusCode.INVALID_ARGUMENT)


async def test_paging_and_filters(db_url: str, make_tools: Callable[..., Any]) -> None:
    tools: ToolsClient = await make_tools(database_url=db_url, warm_workers=0)
    for i, name in enumerate(["e_tool", "a_tool", "c_tool", "b_tool", "d_tool"]):
        await tools.upsert(_src(name), tags=["even"] if i % 2 == 0 else ["odd"])
    seen, token, pages = [], "", 0
    while True:
        resp = await tools.call("ListTools", pb.ListToolsRequest(page_size=2, page_token=token))
        seen += [t.name for t in resp.tools]
        pages += 1
        token = resp.next_page_token
        if not token:
            break
    assert seen == ["a_tool", "b_tool", "c_tool", "d_tool", "e_tool"] and pages == 3
    even = await tools.call("ListTools", pb.ListToolsRequest(tags=["even"]))
    assert [t.name for t in even.tools] == ["c_tool", "d_tool", "e_tool"]
    named = await tools.call("ListTools", pb.ListToolsRequest(names=["b_tool", "zzz"]))
    assert [t.name for t in named.tools] == ["b_tool"]
    first = await tools.call("ListTools", pb.ListToolsRequest(page_size=1))
    await expect_error(tools.call("ListTools", pb.ListToolsRequest(page_size=1, tags=["odd"],
                                                                   page_token=first.next_page_token)),
                       grpc.StatusCode.INVALID_ARGUMENT)


async def test_tenants_do_not_see_each_other(db_url: str, make_tools: Callable[..., Any]) -> None:
    tools: ToolsClient = await make_tools(database_url=db_url, warm_workers=0)
    a, b = tools.as_tenant("tenant-a"), tools.as_tenant("tenant-b")
    tool_a = await a.upsert(_src("shared_name"))
    tool_b = await b.upsert(_src("shared_name"))
    assert tool_a.id != tool_b.id
    await expect_error(b.call("GetTool", pb.GetToolRequest(tool_id=tool_a.id)), grpc.StatusCode.NOT_FOUND)
    await expect_error(b.call("DeleteTool", pb.DeleteToolRequest(tool_id=tool_a.id)), grpc.StatusCode.NOT_FOUND)
    await expect_error(b.execute(tool_a), grpc.StatusCode.NOT_FOUND)
    assert [t.id for t in (await a.call("ListTools", pb.ListToolsRequest())).tools] == [tool_a.id]


async def test_limits_are_validated(make_tools: Callable[..., Any]) -> None:
    tools: ToolsClient = await make_tools(warm_workers=0)
    await expect_error(tools.upsert(_src("t"), return_char_limit=-1), grpc.StatusCode.INVALID_ARGUMENT)
    await expect_error(tools.upsert(_src("t"), tags=[""]), grpc.StatusCode.INVALID_ARGUMENT)
    assert (await tools.upsert(_src("t"), return_char_limit=10)).return_char_limit == 10
    schema = json.loads((await tools.upsert(_src("t"))).json_schema)
    assert schema["parameters"]["required"] == ["x"]
