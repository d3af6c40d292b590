"""What the loop reads from an OpenAI-compatible completion, including the odd shapes servers send."""

from __future__ import annotations

import json

import pytest

from orchestrator_service.llm.client import LLMCallFailed, parse_completion


def test_tool_calls_content_and_usage():
    raw = json.dumps(
        {
            "choices": [
                {
                    "message": {
                        "content": "thinking",
                        "tool_calls": [
                            {
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "send_message", "arguments": '{"message": "hi"}'},
                            },
                            {"id": "c2", "function": {"name": "x", "arguments": {"already": "an object"}}},
                            {"type": "function"},  # no function: ignored
                        ],
                    },
                    "finish_reason": "tool_calls",
                }
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": 3},
        }
    ).encode()
    r = parse_completion(raw)
    assert r.content == "thinking" and r.finish_reason == "tool_calls"
    assert [(c.id, c.name) for c in r.tool_calls] == [("c1", "send_message"), ("c2", "x")]
    assert json.loads(r.tool_calls[1].arguments) == {"already": "an object"}
    assert (r.prompt_tokens, r.completion_tokens) == (12, 3)


def test_missing_usage_and_null_content_are_fine():
    r = parse_completion(b'{"choices": [{"message": {"content": null}}]}')
    assert (r.content, r.tool_calls, r.prompt_tokens) == ("", [], 0)


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"choices": []}', b'{"choices": [7]}', b"{}"])
def test_garbage_is_an_llm_error(raw):
    with pytest.raises(LLMCallFailed):
        parse_completion(raw)
