"""LLM access through the `openai` package (any OpenAI-compatible endpoint)."""
