"""Pure pieces: what gets indexed, how queries are tokenized, the component's defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from memory_service import fulltext
from memory_service.component import MemoryComponent
from memory_service.domain import Kind, Role, ToolCall
from memory_service.settings import MemorySettings
from memvisor.memory.v1 import memory_service_pb2 as pb
from memvisor_common.settings import ServerSettings

from .helpers import agent_id


def test_search_text_indexes_chat_and_tool_arguments_only() -> None:
    calls = (ToolCall("c", "send_message", '{"message": "see you", "request_heartbeat": false, "n": ["x"]}'),)
    assert fulltext.search_text(Role.ASSISTANT, Kind.CHAT, "thought", calls) == "thought\nsee you\nx"
    assert (
        fulltext.search_text(Role.ASSISTANT, Kind.CHAT, "", (ToolCall("c", "f", "not json"),)) == "not json"
    )
    assert fulltext.search_text(Role.USER, Kind.CHAT, "hello", ()) == "hello"
    assert fulltext.search_text(Role.USER, Kind.HEARTBEAT, "hello", ()) == ""
    assert fulltext.search_text(Role.TOOL, Kind.CHAT, "result", ()) == ""
    assert fulltext.search_text(Role.SYSTEM, Kind.CHAT, "prompt", ()) == ""


def test_query_terms_are_words_only() -> None:
    assert fulltext.query_terms('"AND OR * ( Zebra zebra', 10) == ["and", "or", "zebra"]
    assert fulltext.query_terms("a b c d", 2) == ["a", "b"]
    assert fulltext.query_terms("*** ((", 10) == []
    assert fulltext.fts5_match(["and", "near"]) == '"and" OR "near"'


def test_settings_from_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("MEMVISOR_MEMORY_DEFAULT_BLOCK_LIMIT", "123")
    monkeypatch.setenv("MEMVISOR_MEMORY_DATABASE_URL", "sqlite:///x.db")
    settings = MemorySettings()
    assert (settings.default_block_limit, settings.database_url) == (123, "sqlite:///x.db")
    assert MemorySettings.model_fields["default_block_limit"].default == 20_000


async def test_default_database_lives_in_the_data_dir(
    server_settings: ServerSettings, start_host: Callable[..., Any], monkeypatch: Any
) -> None:
    monkeypatch.delenv("MEMVISOR_MEMORY_DATABASE_URL", raising=False)
    component = MemoryComponent(server_settings)
    await start_host([component])
    await component.servicer.CreateAgentMemory(pb.CreateAgentMemoryRequest(agent_id=agent_id()), None)  # type: ignore[arg-type]
    assert (server_settings.data_dir / "memory.db").stat().st_size > 0
