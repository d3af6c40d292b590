"""A rule-based model that plays the seed walkthrough: deterministic, offline, and honest about it.

It reads what a real model would read (the compiled system message with the memory blocks, the
conversation, the tools offered) and answers with tool calls in the MemGPT style. It is a test
double and an offline demo, not an LLM: anything outside the walkthrough gets a generic reply.
"""

from __future__ import annotations

import json
import re
from typing import Any

from memvisor_scripted_llm.script import Reply, tool_call

_BLOCK = re.compile(
    r"<(\w+)>\n<description>.*?</description>\n<metadata>.*?</metadata>\n<value>\n(.*?)\n</value>\n</\1>",
    re.DOTALL,
)


def _blocks(system: str) -> dict[str, str]:
    return {label: value for label, value in _BLOCK.findall(system)}


def _name_in(text: str) -> str | None:
    match = re.search(r"name (?:actually )?is ([A-Z][\w-]*)", text, re.IGNORECASE)
    return match.group(1) if match else None


def _packaged(content: str) -> tuple[bool, str]:
    try:
        data = json.loads(content)
        return data.get("status") == "OK", str(data.get("message", ""))
    except (ValueError, AttributeError):
        return True, content


def _is_internal(message: dict[str, Any]) -> bool:
    if message.get("role") != "user":
        return False
    try:
        return json.loads(message.get("content") or "").get("type") in ("heartbeat", "system_alert")
    except (ValueError, AttributeError):
        return False


def _say(text: str, thinking: str) -> Reply:
    return Reply.calls(tool_call("send_message", message=text, request_heartbeat=False), thinking=thinking)


class SeedBrain:
    def respond(self, request: dict[str, Any]) -> Reply:
        messages: list[dict[str, Any]] = request.get("messages", [])
        tools = {t["function"]["name"] for t in request.get("tools", []) if "function" in t}
        blocks = _blocks(messages[0].get("content", "")) if messages else {}
        last_user = next(
            (
                i
                for i in range(len(messages) - 1, -1, -1)
                if messages[i].get("role") == "user" and not _is_internal(messages[i])
            ),
            None,
        )
        if last_user is None:
            return _say("Hello!", "No user message yet.")
        since = messages[last_user + 1 :]
        calls = [c for m in since if m.get("role") == "assistant" for c in m.get("tool_calls") or []]
        results = {m.get("tool_call_id"): m.get("content", "") for m in since if m.get("role") == "tool"}
        text = messages[last_user].get("content") or ""
        if calls:
            last = calls[-1]
            ok, value = _packaged(results.get(last["id"], ""))
            return self._after(last["function"]["name"], ok, value, text, calls, tools, blocks)
        return self._first(text, tools, blocks)

    def _first(self, text: str, tools: set[str], blocks: dict[str, str]) -> Reply:
        lowered = text.lower()
        name = _name_in(text)
        if name and "core_memory_replace" in tools and "human" in blocks:
            return Reply.calls(
                tool_call(
                    "core_memory_replace",
                    label="human",
                    old_content=blocks["human"],
                    new_content=f"My name is {name}",
                    request_heartbeat=True,
                ),
                thinking=f"The user says their name is {name}; my human block says otherwise. "
                "Updating core memory.",
            )
        saved = re.search(r"save the information that ['\"](.+?)['\"] to archival", text, re.IGNORECASE)
        if saved and "archival_memory_insert" in tools:
            return Reply.calls(
                tool_call("archival_memory_insert", content=saved.group(1), request_heartbeat=True),
                thinking="The user wants this remembered long-term: saving to archival memory.",
            )
        if "archival" in lowered and "search" in lowered and "archival_memory_search" in tools:
            query = re.sub(r"(?i)^.*?search archival( memory)?( for)?", "", text).strip(" .?!") or text
            return Reply.calls(
                tool_call("archival_memory_search", query=query, request_heartbeat=True),
                thinking="I should look this up in archival memory.",
            )
        if "agent id" in lowered and "get_agent_id" in tools:
            return Reply.calls(
                tool_call("get_agent_id", request_heartbeat=True), thinking="Let me look up my id."
            )
        tasks = re.findall(r"'([^']+)'", text)
        if "task" in lowered and tasks and "task_queue_push" in tools:
            return Reply.calls(
                tool_call("task_queue_push", task_description=tasks[0], request_heartbeat=True),
                thinking=f"Queueing the task: {tasks[0]}",
            )
        if "next task" in lowered and "task_queue_pop" in tools:
            return Reply.calls(
                tool_call("task_queue_pop", request_heartbeat=True), thinking="Popping the next task."
            )
        who = _name_in(blocks.get("human", "")) or "there"
        emoji = " 😊" if "emoji" in blocks.get("persona", "").lower() else ""
        return _say(
            f"Hey {who}! I'm doing great, thanks for asking{emoji} How can I help you today?",
            f"The user is chatting. I'll answer warmly and use their name, {who}.",
        )

    def _after(
        self,
        tool: str,
        ok: bool,
        value: str,
        text: str,
        calls: list[dict[str, Any]],
        tools: set[str],
        blocks: dict[str, str],
    ) -> Reply:
        if not ok:
            return _say(f"Sorry, that did not work: {value}", f"The {tool} call failed; telling the user.")
        if tool in ("core_memory_replace", "core_memory_append"):
            name = _name_in(blocks.get("human", "")) or "friend"
            return _say(
                f"Got it, {name}! I've updated my memory. 😊", "Memory updated; confirming to the user."
            )
        if tool == "archival_memory_insert":
            return _say("Done! I saved that to my archival memory. 🧠", "Saved; confirming.")
        if tool == "archival_memory_search":
            try:
                hits = json.loads(value).get("results", [])
            except (ValueError, AttributeError):
                hits = []
            if not hits:
                return _say("I couldn't find anything about that in archival memory.", "Nothing found.")
            return _say(
                f"Here is what I found in archival memory: {hits[0]['content']}",
                f"Found {len(hits)} passage(s); sharing the best match.",
            )
        if tool == "get_agent_id":
            return _say(f"My agent id is {value}", "Got my id; telling the user.")
        if tool == "task_queue_push":
            wanted = re.findall(r"'([^']+)'", text)
            pushed = sum(1 for c in calls if c["function"]["name"] == "task_queue_push")
            if pushed < len(wanted):
                return Reply.calls(
                    tool_call("task_queue_push", task_description=wanted[pushed], request_heartbeat=True),
                    thinking=f"Queueing the next task: {wanted[pushed]}",
                )
            return _say(f"I added {pushed} tasks to the queue.", "All tasks queued.")
        if tool == "task_queue_pop":
            return _say(f"Next up: {value}", "Popped a task.")
        return _say(f"Done: {value}"[:500], f"{tool} finished.")
