"""Model handles: "provider/model", e.g. "openai/gpt-4o-mini"."""

from __future__ import annotations

from dataclasses import dataclass

from memvisor_common.errors import InvalidArgument

# Every provider here is reached through the OpenAI-compatible protocol at OPENAI_BASE_URL.
OPENAI_COMPATIBLE_PROVIDERS = frozenset({"openai", "ollama", "vllm", "llamacpp", "lmstudio"})

# Context windows of well-known models; anything else gets the configured default.
_CONTEXT_WINDOWS = {
    "gpt-4o-mini": 128_000,
    "gpt-4o": 128_000,
    "gpt-4.1": 1_047_576,
    "gpt-4.1-mini": 1_047_576,
    "gpt-4-turbo": 128_000,
    "gpt-3.5-turbo": 16_385,
}


@dataclass(frozen=True, slots=True)
class ModelHandle:
    provider: str
    model: str

    def context_window(self, default: int) -> int:
        for prefix, size in sorted(_CONTEXT_WINDOWS.items(), key=lambda kv: -len(kv[0])):
            if self.model == prefix or self.model.startswith(prefix + "-"):
                return size
        return default


def parse_model_handle(handle: str, field: str = "model") -> ModelHandle:
    provider, sep, model = handle.partition("/")
    if not sep or not provider or not model.strip():
        raise InvalidArgument(
            field, f"must look like 'provider/model' (e.g. 'openai/gpt-4o-mini'), got {handle!r}"
        )
    if provider not in OPENAI_COMPATIBLE_PROVIDERS:
        raise InvalidArgument(
            field,
            f"unknown provider {provider!r}; supported: {', '.join(sorted(OPENAI_COMPATIBLE_PROVIDERS))}",
        )
    return ModelHandle(provider, model)
