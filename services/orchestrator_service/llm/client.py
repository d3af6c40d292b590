"""Chat completions with tool calling, retried with backoff on timeouts, 429 and 5xx."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import openai
from memvisor_common.errors import FailedPrecondition, MemvisorError
from openai.types.chat import ChatCompletion
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

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
                    # The package's documented low-level call: same client, auth, errors and parsing as
                    # chat.completions.create, minus its recursive TypedDict transform of the request,
                    # which costs ~20 ms per call on a MemGPT-sized context (measured, bench/).
                    completion = await client.post("/chat/completions", body=body, cast_to=ChatCompletion)
        except _RETRYABLE as exc:
            log.warning("llm call failed after retries", extra={"error": type(exc).__name__})
            raise LLMCallFailed(f"LLM endpoint failed after {s.llm_max_attempts} attempts: {exc}") from None
        except openai.APIStatusError as exc:
            raise LLMCallFailed(
                f"LLM endpoint refused the request ({exc.status_code}): {exc.message}"
            ) from None
        except openai.OpenAIError as exc:
            raise LLMCallFailed(f"LLM call failed: {exc}") from None
        return _normalize(completion)


def _normalize(completion: Any) -> LLMResponse:
    if not getattr(completion, "choices", None):
        raise LLMCallFailed("LLM endpoint returned no choices")
    choice = completion.choices[0]
    message = choice.message
    calls = [
        LLMToolCall(id=c.id or "", name=c.function.name or "", arguments=c.function.arguments or "")
        for c in (message.tool_calls or [])
        if getattr(c, "function", None) is not None
    ]
    usage = completion.usage
    return LLMResponse(
        content=message.content or "",
        tool_calls=calls,
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        finish_reason=choice.finish_reason or "",
    )
