"""A scripted, deterministic OpenAI-compatible HTTP server: the LLM test double (and offline demo)."""

from memvisor_scripted_llm.script import Reply, ReplyQueue, Script, tool_call
from memvisor_scripted_llm.server import ScriptedLLMServer

__all__ = ["Reply", "ReplyQueue", "Script", "ScriptedLLMServer", "tool_call"]
