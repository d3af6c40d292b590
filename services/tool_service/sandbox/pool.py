"""Warm workers: interpreters started ahead of time, each used for exactly one call.

A worker never runs a second call, so nothing a tool leaves behind (modules, globals, threads,
files, changed limits) can reach another tenant's or tool's call. Starting Python costs tens of
milliseconds; keeping a few started moves that cost off the call's path. The pool is refilled
in the background after every take.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass

from tool_service.sandbox.isolation import SANDBOX_WORKDIR, Isolation

log = logging.getLogger(__name__)


@dataclass
class Worker:
    """One started interpreter waiting for its request on stdin."""

    proc: asyncio.subprocess.Process
    results: asyncio.StreamReader  # "ready\n" once warm, then the call's JSON result
    ready: asyncio.Task[bytes]
    workdir: str  # the working directory as the tool sees it
    host_workdir: str | None  # a directory we created and must remove (no bwrap)
    started: float
    results_transport: asyncio.BaseTransport | None = None

    def alive(self) -> bool:
        return self.proc.returncode is None

    def is_ready(self) -> bool:
        return self.alive() and self.ready.done() and not self.ready.cancelled() and self.ready.result() == b"ready\n"

    def kill(self) -> None:
        """Kills the worker's whole process group (its children too), then frees its files."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.release()

    async def dispose(self, timeout: float = 10.0) -> None:
        """Kills the worker, waits for it, and closes every pipe to it (none outlives the loop)."""
        self.kill()
        try:
            # communicate() closes stdin, drains stdout/stderr to EOF and waits for the exit.
            await asyncio.wait_for(self.proc.communicate(), timeout)
        except (TimeoutError, ProcessLookupError, ValueError, OSError):
            log.error("tool worker %s did not exit after SIGKILL", self.proc.pid)

    def release(self) -> None:
        if self.results_transport is not None:
            self.results_transport.close()
            self.results_transport = None
        if not self.ready.done():
            self.ready.cancel()
        if self.host_workdir:
            shutil.rmtree(self.host_workdir, ignore_errors=True)
            self.host_workdir = None


class WorkerPool:
    """Keeps `size` idle workers; `take()` hands one out and starts a replacement."""

    def __init__(self, isolation: Isolation, size: int) -> None:
        self.isolation = isolation
        self.size = size
        self._idle: list[Worker] = []
        self._refill_task: asyncio.Task[None] | None = None
        self._closed = False
        self.spawned = 0

    @property
    def idle_count(self) -> int:
        """Idle workers that finished starting (a call on them pays no start-up)."""
        return sum(1 for w in self._idle if w.is_ready())

    async def start(self) -> None:
        self._kick()

    async def take(self) -> Worker:
        """An idle worker when one is ready, else a freshly started one (a cold call)."""
        for dead in [w for w in self._idle if not w.alive()]:
            self._idle.remove(dead)
            dead.kill()
        # A ready worker if any; else the oldest starting one (it is ready soonest).
        worker = next((w for w in self._idle if w.is_ready()), self._idle[0] if self._idle else None)
        if worker is not None:
            self._idle.remove(worker)
        else:
            worker = await self.spawn()
        self._kick()
        return worker

    def _kick(self) -> None:
        if self._closed or self.size == 0:
            return
        if self._refill_task is None or self._refill_task.done():
            self._refill_task = asyncio.get_running_loop().create_task(self._refill())

    async def _refill(self) -> None:
        failures = 0
        while not self._closed and len(self._idle) < self.size:
            try:
                worker = await self.spawn()
            except OSError:
                # e.g. a fork bomb exhausted the process table a moment ago; try again later.
                failures += 1
                log.warning("could not start a warm tool worker", exc_info=True)
                await asyncio.sleep(min(0.1 * 2**failures, 5.0))
                continue
            if self._closed:
                worker.kill()
                return
            self._idle.append(worker)

    async def spawn(self) -> Worker:
        iso = self.isolation
        host_workdir: str | None = None
        if iso.use_bwrap:
            workdir = SANDBOX_WORKDIR
        else:
            host_workdir = tempfile.mkdtemp(prefix="memvisor-tool-")
            if iso.drop_to is not None:
                os.chown(host_workdir, *iso.drop_to)
            workdir = host_workdir
        read_fd, write_fd = os.pipe()
        os.set_inheritable(write_fd, True)
        try:
            proc = await asyncio.create_subprocess_exec(
                *iso.command(write_fd, host_workdir),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=iso.spawn_env(), pass_fds=(write_fd,),
                cwd=host_workdir or "/", start_new_session=True,  # own process group: killpg reaches its children
            )
        except BaseException:
            os.close(read_fd)
            if host_workdir:
                shutil.rmtree(host_workdir, ignore_errors=True)
            raise
        finally:
            os.close(write_fd)
        self.spawned += 1
        loop = asyncio.get_running_loop()
        results = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(results),
                                                    os.fdopen(read_fd, "rb", 0))
        ready = loop.create_task(results.readline())
        return Worker(proc, results, ready, workdir, host_workdir, time.monotonic(), transport)

    async def close(self) -> None:
        self._closed = True
        if self._refill_task is not None:
            self._refill_task.cancel()
            try:
                await self._refill_task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        idle, self._idle = self._idle, []
        await asyncio.gather(*(worker.dispose(5) for worker in idle))
