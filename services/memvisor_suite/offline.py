"""Settings for running without any real model endpoint (the offline demo and the tests).

The scripted model answers chat completions only, so the seed's OpenAI embedding handles are served
by the local MiniLM model instead, through the archival-service's documented override setting.
"""

from __future__ import annotations

import json

SEED_EMBEDDING_HANDLES = (
    "openai/text-embedding-3-small",
    "openai/text-embedding-ada-002",
    "openai/text-embedding-3-large",
)
LOCAL_EMBEDDING = "local/all-minilm-l6-v2"


def offline_environment(scripted_llm_base_url: str) -> dict[str, str]:
    """Environment variables that point the suite at the scripted model and the local embedder."""
    return {
        "OPENAI_BASE_URL": scripted_llm_base_url,
        "OPENAI_API_KEY": "scripted",
        "MEMVISOR_ARCHIVAL_EMBEDDING_OVERRIDES": json.dumps(
            {h: LOCAL_EMBEDDING for h in SEED_EMBEDDING_HANDLES}
        ),
    }
