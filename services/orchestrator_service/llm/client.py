"""Chat completions with tool calling, retried with backoff on timeouts, 429 and 5xx."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Any

import openai
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from memvisor_common.errors import FailedPrecondition, MemvisorError
from orchestrator_service.llm.handles import ModelHandle
from orchestrator_service.settings import OrchestratorSettings

log = logging.getLogger(__name__)

_RETRYABLE = (
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.RateLimitError,
    openai.InternalServerError,
)


@dataclass(frozen=True, slots=True)
class LLMToolCall:
    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class LLMResponse:
    content: str
    tool_calls: list[LLMToolCall]
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


class LLMCallFailed(MemvisorError):
    """The endpoint failed after retries, or refused the request."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="LLM_API_ERROR")


def endpoint_configured() -> bool:
    return bool(os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"))


class LLMClient:
    """One AsyncOpenAI client (connection pool) for the configured endpoint, created on first use."""

    def __init__(self, settings: OrchestratorSettings) -> None:
        self._settings = settings
        self._client: openai.AsyncOpenAI | None = None

    def ensure_configured(self) -> None:
        if not endpoint_configured():
            raise FailedPrecondition(
                "no LLM endpoint is configured: set OPENAI_BASE_URL (and OPENAI_API_KEY if it needs one)",
                reason="LLM_NOT_CONFIGURED",
            )

    def _get(self) -> openai.AsyncOpenAI:
        if self._client is None:
            self.ensure_configured()
            self._client = openai.AsyncOpenAI(
                # Local servers (vLLM, Ollama, llama.cpp) need no key, but the package insists on one.
                api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
                base_url=os.environ.get("OPENAI_BASE_URL") or None,
                timeout=self._settings.llm_timeout_seconds,
                max_retries=0,  # tenacity below owns retrying
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def complete(
        self,
        handle: ModelHandle,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        tool_choice: str,
    ) -> LLMResponse:
        client = self._get()
        s = self._settings
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(_RETRYABLE),
                stop=stop_after_attempt(s.llm_max_attempts),
                wait=wait_exponential_jitter(
                    multiplier=s.llm_backoff_initial_seconds,
                    max=s.llm_backoff_max_seconds,
                    jitter=s.llm_backoff_initial_seconds,
                ),
                reraise=True,
            ):
                with attempt:
                    body: dict[str, Any] = {"model": handle.model, "messages": messages}
                    if tools:
                        body["tools"] = tools
                        body["tool_choice"] = tool_choice
                    # The package's documented low-level call: same client, auth and errors as
                    # chat.completions.create, minus its recursive TypedDict transform of the request
                    # (~20 ms per call on a MemGPT-sized context) and its pydantic parse of the reply
                    # (~1 ms); we read the few fields we need from the JSON ourselves (bench/).
                    raw = await client.post("/chat/completions", body=body, cast_to=bytes)
        except _RETRYABLE as exc:
            log.warning("llm call failed after retries", extra={"error": type(exc).__name__})
            raise LLMCallFailed(f"LLM endpoint failed after {s.llm_max_attempts} attempts: {exc}") from None
        except openai.APIStatusError as exc:
            raise LLMCallFailed(
                f"LLM endpoint refused the request ({exc.status_code}): {exc.message}"
            ) from None
        except openai.OpenAIError as exc:
            raise LLMCallFailed(f"LLM call failed: {exc}") from None
        return parse_completion(raw)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def parse_completion(raw: bytes) -> LLMResponse:
    """The parts of a chat completion the loop uses; anything malformed is an LLM error."""
    try:
        data = json.loads(raw)
        choice = data["choices"][0]
        message = choice.get("message") or {}
        usage = data.get("usage") or {}
        calls = [
            LLMToolCall(
                id=_text(c.get("id")), name=_text(fn.get("name")), arguments=_text(fn.get("arguments"))
            )
            for c in message.get("tool_calls") or []
            if isinstance(c, dict) and isinstance(fn := c.get("function"), dict)
        ]
        return LLMResponse(
            content=_text(message.get("content")),
            tool_calls=calls,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=_text(choice.get("finish_reason")),
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise LLMCallFailed(f"LLM endpoint returned an unusable completion: {raw[:200]!r}") from None
