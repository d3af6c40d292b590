"""Runs one call in a worker and turns whatever happened into a structured outcome."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tool_service.sandbox.isolation import Isolation, count_user_tasks
from tool_service.sandbox.pool import Worker, WorkerPool
from tool_service.settings import ToolSettings

log = logging.getLogger(__name__)

_READ_CHUNK = 64 * 1024
_NPROC_CACHE_SECONDS = 2.0
_OUTPUT_GRACE_SECONDS = 1.0
# A worker that closed its result pipe without a result is exiting; a loaded host may take a
# moment to report its status, which tells a crash from a limit.
_EXIT_WAIT_SECONDS = 10.0


class Status(StrEnum):
    SUCCESS = "success"
    ERROR = "error"
    TIMEOUT = "timeout"
    CRASHED = "crashed"


@dataclass(frozen=True)
class Call:
    """Everything a worker needs for one call; serialized as JSON to the worker."""

    name: str
    source_code: str
    arguments: dict[str, Any]
    agent_state: dict[str, Any] | None
    env: dict[str, str]
    timeout_seconds: float
    return_char_limit: int


@dataclass
class Outcome:
    status: Status
    return_value: str = ""
    stdout: str = ""
    stderr: str = ""
    error: str = ""
    duration_ms: float = 0.0
    output_truncated: bool = False
    return_value_truncated: bool = False
    details: dict[str, Any] = field(default_factory=dict)


_SIGNAL_REASONS = {
    signal.SIGXCPU: (Status.TIMEOUT, "CPU time limit exceeded"),
    signal.SIGXFSZ: (Status.CRASHED, "file size limit exceeded"),
    signal.SIGSEGV: (Status.CRASHED, "segmentation fault"),
    signal.SIGKILL: (Status.CRASHED, "killed (SIGKILL), possibly by the memory or CPU limit"),
}


class _Capped:
    """Reads a stream to EOF, keeping the first `limit` bytes and counting the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.dropped = 0

    async def drain(self, reader: asyncio.StreamReader) -> None:
        while chunk := await reader.read(_READ_CHUNK):
            room = self.limit - len(self.data)
            if room > 0:
                self.data += chunk[:room]
            self.dropped += max(0, len(chunk) - max(room, 0))

    def text(self, max_chars: int) -> tuple[str, bool]:
        text = self.data.decode("utf-8", errors="replace")
        truncated = self.dropped > 0 or len(text) > max_chars
        if truncated:
            text = text[:max_chars] + f"\n... [output truncated; {self.dropped + max(0, len(self.data) - max_chars)} " \
                   "more bytes]"
        return text, truncated


class SandboxRunner:
    """The only way tool code runs: `await runner.run(call)` never raises for the tool's doing."""

    def __init__(self, settings: ToolSettings, isolation: Isolation) -> None:
        self.settings = settings
        self.isolation = isolation
        self.pool = WorkerPool(isolation, settings.warm_workers)
        self._slots = asyncio.Semaphore(settings.max_concurrent_calls)
        self._nproc_base = (0, 0.0)
        self._reapers: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()
        if self._reapers:
            await asyncio.gather(*self._reapers, return_exceptions=True)

    async def run(self, call: Call) -> Outcome:
        async with self._slots:
            worker = await self.pool.take()
            try:
                return await self._run_in(worker, call)
            finally:
                worker.kill()  # the call's leftovers (background children) die with it
                # Reaping is off the call's path: the result is already in hand.
                task = asyncio.get_running_loop().create_task(_reap(worker))
                self._reapers.add(task)
                task.add_done_callback(self._reapers.discard)

    async def _nproc_limit(self) -> int:
        """RLIMIT_NPROC counts every task of the uid, so the tool's budget sits on top of them."""
        count, at = self._nproc_base
        if time.monotonic() - at > _NPROC_CACHE_SECONDS:
            uid = self.isolation.drop_to[0] if self.isolation.drop_to else os.geteuid()
            count = await asyncio.to_thread(count_user_tasks, uid)
            self._nproc_base = (count, time.monotonic())
        return count + self.settings.max_processes

    async def _request(self, worker: Worker, call: Call) -> bytes:
        s = self.settings
        return json.dumps({
            "name": call.name, "source_code": call.source_code, "arguments": call.arguments,
            "agent_state": call.agent_state, "workdir": worker.workdir,
            "env": {**self.isolation.call_env(worker.workdir), **call.env},
            "return_char_limit": call.return_char_limit,
            "block_network": not self.isolation.network_isolated and not s.allow_network,
            "limits": {"cpu_seconds": s.cpu_seconds, "memory_bytes": s.memory_bytes,
                       "max_processes": await self._nproc_limit(), "max_file_bytes": s.max_file_bytes},
        }).encode()

    async def _run_in(self, worker: Worker, call: Call) -> Outcome:
        s = self.settings
        request = await self._request(worker, call)
        proc = worker.proc
        assert proc.stdin and proc.stdout and proc.stderr
        started = time.perf_counter()
        out, err = _Capped(s.max_output_chars * 4), _Capped(s.max_output_chars * 4)
        result = _Capped(call.return_char_limit * 6 + 64 * 1024)
        try:
            proc.stdin.write(request)
            await proc.stdin.drain()
            proc.stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the worker died before the call; reported below from its exit status
        output = asyncio.gather(out.drain(proc.stdout), err.drain(proc.stderr))
        timed_out = False
        try:
            async with asyncio.timeout(call.timeout_seconds):
                await _read_result(worker, result)
                # The worker closed its stdout/stderr before sending the result; only a child
                # left holding them keeps them open, and it is about to be killed.
                await asyncio.wait({output}, timeout=_OUTPUT_GRACE_SECONDS)
        except TimeoutError:
            timed_out = True
        duration_ms = (time.perf_counter() - started) * 1000
        if not output.done():
            worker.kill()
            try:
                await asyncio.wait_for(output, _OUTPUT_GRACE_SECONDS)
            except TimeoutError:
                log.error("a tool's descendant escaped its process group and holds its output open")
        stdout, out_cut = out.text(s.max_output_chars)
        stderr, err_cut = err.text(s.max_output_chars)
        outcome = Outcome(Status.CRASHED, stdout=stdout, stderr=stderr, duration_ms=duration_ms,
                          output_truncated=out_cut or err_cut)
        if timed_out:
            outcome.status = Status.TIMEOUT
            outcome.error = f"TimeoutError: the tool ran longer than {call.timeout_seconds:g} s and was killed"
            return outcome
        returncode = None
        if not result.data:  # no result: the exit status says why (the process has ended or ends now)
            try:
                returncode = await asyncio.wait_for(proc.wait(), _EXIT_WAIT_SECONDS)
            except TimeoutError:
                pass
        self._classify(outcome, result, returncode)
        return outcome

    def _classify(self, outcome: Outcome, result: _Capped, returncode: int | None) -> None:
        payload: dict[str, Any] | None = None
        if result.data and not result.dropped:
            try:
                payload = json.loads(result.data)
            except ValueError:
                payload = None
        if isinstance(payload, dict) and payload.get("status") in ("success", "error", "memory"):
            kind = payload["status"]
            outcome.status = {"success": Status.SUCCESS, "error": Status.ERROR, "memory": Status.CRASHED}[kind]
            outcome.return_value = str(payload.get("return_value", "")) if kind == "success" else ""
            outcome.return_value_truncated = bool(payload.get("return_value_truncated", False))
            outcome.error = str(payload.get("error", ""))[:4000]
            return
        if result.dropped:
            outcome.error = "the tool's result was larger than allowed"
            return
        sig = _signal_of(returncode, self.isolation.use_bwrap)
        if sig is not None:
            status, why = _SIGNAL_REASONS.get(sig, (Status.CRASHED, f"killed by {signal.Signals(sig).name}"))
            outcome.status = status
            outcome.error = f"{'TimeoutError' if status is Status.TIMEOUT else 'Crashed'}: {why}"
            return
        outcome.error = f"Crashed: the tool process exited with status {returncode} without a result"


def _signal_of(returncode: int | None, via_bwrap: bool) -> int | None:
    if returncode is None:
        return None
    if returncode < 0:
        return -returncode
    if via_bwrap and 128 < returncode < 128 + 65:  # bwrap reports a signalled child as 128+signo
        return returncode - 128
    return None


async def _read_result(worker: Worker, result: _Capped) -> None:
    """Skips the worker's "ready" line, then reads the call's result to EOF."""
    try:
        ready = await worker.ready
    except asyncio.CancelledError:
        ready = b""
    if ready == b"ready\n":
        await result.drain(worker.results)


async def _reap(worker: Worker) -> None:
    await worker.dispose()
