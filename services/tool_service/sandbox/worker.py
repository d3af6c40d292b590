"""The sandbox child: runs exactly one tool call, then exits.

This file is executed by path (`python -I -B worker.py ...`) inside the sandbox, so it imports
only the standard library and nothing from the service. It starts ahead of time (a warm
worker), drops privileges, pre-imports common modules, then blocks until the service writes one
JSON request to stdin. Results go back as JSON on a dedicated pipe (never pickle); the tool's own
stdout and stderr stay on fds 1 and 2 and are captured by the service.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
import traceback
from typing import Any

# Kept small on purpose: every module imported here is paid for by each worker's start (the
# service's CPU budget for refilling the pool), while a call only pays for what its tool imports.


class Block:
    """One memory block as plain data."""

    def __init__(self, label: str, value: str) -> None:
        self.label = label
        self.value = value

    def __repr__(self) -> str:
        return f"Block(label={self.label!r}, value={self.value!r})"


class Memory:
    """The agent's core memory: `memory.get_block("human").value`, `memory["human"]`."""

    def __init__(self, blocks: dict[str, str]) -> None:
        self.blocks = [Block(k, v) for k, v in blocks.items()]

    def get_block(self, label: str) -> Block:
        for block in self.blocks:
            if block.label == label:
                return block
        raise KeyError(f"no memory block labelled {label!r}")

    def list_block_labels(self) -> list[str]:
        return [b.label for b in self.blocks]

    def __getitem__(self, label: str) -> str:
        return self.get_block(label).value

    def __contains__(self, label: object) -> bool:
        return any(b.label == label for b in self.blocks)


class AgentState:
    """What a tool declaring `agent_state` receives: id, name, tags, memory (built from JSON)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.id: str = data.get("id", "")
        self.name: str = data.get("name", "")
        self.tags: list[str] = list(data.get("tags", []))
        self.memory = Memory(dict(data.get("memory", {})))

    def __repr__(self) -> str:
        return f"AgentState(id={self.id!r}, name={self.name!r})"


def _drop_privileges(uid: int, gid: int) -> None:
    # Root started us (so the interpreter under a root-only prefix could be mounted); tool code
    # must not keep root: a fresh uid makes RLIMIT_NPROC count and file permissions apply.
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def _prctl_hardening() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: setuid binaries cannot regain privileges
        libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG=SIGKILL: die with the service (set after setuid)
    except (OSError, AttributeError):
        pass


def _apply_limits(limits: dict[str, int]) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime) + 1
    cpu = limits["cpu_seconds"] + spent  # the budget is the call's, not the warm-up's
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["max_processes"], limits["max_processes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["max_file_bytes"], limits["max_file_bytes"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _block_network() -> None:
    # Fallback only (no network namespace): refuse non-unix sockets at the Python level. Code
    # that calls libc through ctypes can bypass this; the status RPC says the network is open.
    import socket

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            sock = args[0]
            if getattr(sock, "family", None) != socket.AF_UNIX:
                raise PermissionError("network access is disabled for tools")
        elif event == "socket.getaddrinfo":
            raise PermissionError("network access is disabled for tools")

    sys.addaudithook(hook)


def _truncate(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[:limit] + f"... [truncated {len(text) - limit} characters]", True


def _encode_return(value: Any, limit: int) -> dict[str, Any]:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return {"status": "error", "error": f"ReturnValueNotSerializable: the tool returned a "
                f"{type(value).__name__}, which is not JSON-serializable ({exc})"}
    if isinstance(value, str):
        cut, truncated = _truncate(value, limit)
        return {"status": "success", "return_value": json.dumps(cut, ensure_ascii=False) if truncated else text,
                "return_value_truncated": truncated}
    if len(text) > limit:  # keep the result valid JSON: a cut-off JSON text becomes a string
        cut, _ = _truncate(text, limit)
        return {"status": "success", "return_value": json.dumps(cut, ensure_ascii=False),
                "return_value_truncated": True}
    return {"status": "success", "return_value": text, "return_value_truncated": False}


def _format_exception(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<tool")]
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _run(request: dict[str, Any]) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__memvisor_tool__", "AgentState": AgentState}
    code = compile(request["source_code"], f"<tool:{request['name']}>", "exec")
    exec(code, namespace)  # noqa: S102 - this process exists to run exactly this code
    func = namespace.get(request["name"])
    if not callable(func):
        return {"status": "error", "error": f"NameError: the source does not define {request['name']!r}"}
    kwargs = dict(request["arguments"])
    if request.get("agent_state") is not None:
        kwargs["agent_state"] = AgentState(request["agent_state"])
    value = func(**kwargs)
    if hasattr(value, "__await__"):  # an `async def` tool
        import asyncio

        value = asyncio.run(_await(value))
    return _encode_return(value, request["return_char_limit"])


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _parse_argv(argv: list[str]) -> dict[str, list[str]]:
    """`--flag value` pairs (argparse costs milliseconds per worker start)."""
    opts: dict[str, list[str]] = {}
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        opts.setdefault(flag, []).append(value)
    return opts


def main() -> None:
    opts = _parse_argv(sys.argv[1:])
    if "--drop-uid" in opts:
        uid = int(opts["--drop-uid"][0])
        _drop_privileges(uid, int(opts.get("--drop-gid", [uid])[0]))
    _prctl_hardening()
    os.umask(0o077)
    # Started with -S (site costs more than the rest of the start-up): the service passes the
    # client package and the interpreter's site-packages explicitly.
    sys.path[:0] = opts.get("--path", [])
    result_pipe = os.fdopen(int(opts["--result-fd"][0]), "w", encoding="utf-8")
    result_pipe.write("ready\n")  # the pool hands out ready workers first
    result_pipe.flush()

    raw = sys.stdin.buffer.read()  # the service writes one request and closes the pipe
    if not raw:  # the pool was closed while we were idle
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    request = json.loads(raw)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["workdir"])
    if request.get("block_network"):
        _block_network()
    _apply_limits(request["limits"])
    try:
        result = _run(request)
    except MemoryError:
        result = {"status": "memory", "error": "MemoryError: the tool exceeded its memory limit"}
    except RecursionError as exc:
        result = {"status": "error", "error": _format_exception(exc)}
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are tool errors too
        traceback.print_exc()
        result = {"status": "error", "error": _format_exception(exc)}
    _finish(result_pipe, result)


def _finish(result_pipe: Any, result: dict[str, Any]) -> None:
    # Close our stdout/stderr before the result goes out, so the service sees the end of the
    # output as soon as the result arrives (unless a child the tool left behind still holds them).
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        result_pipe.write(json.dumps(result, ensure_ascii=False))
        result_pipe.close()
    except (OSError, ValueError, MemoryError):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
