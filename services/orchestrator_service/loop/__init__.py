"""The agent loop: one turn = steps of (compile context, call LLM, run tools, persist)."""
