"""Runs the whole suite on a free port in a background thread (its own event loop), so tests can
use the synchronous client the way users do. Restartable on the same data directory."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

from memvisor_common.grpc_host.server import GrpcHost
from memvisor_common.settings import ServerSettings
from memvisor_suite.composition import SERVICES, build_components


class SuiteThread:
    def __init__(self, data_dir: Path, services: Sequence[str] = SERVICES, port: int = 0) -> None:
        self.data_dir = data_dir
        self.services = list(services)
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._host: GrpcHost | None = None

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> SuiteThread:
        ready = threading.Event()
        failure: list[BaseException] = []
        self._loop = asyncio.new_event_loop()

        async def boot() -> None:
            settings = ServerSettings(
                host="127.0.0.1",
                port=self.port,
                data_dir=self.data_dir,
                log_level="WARNING",
                shutdown_grace_seconds=2,
            )
            self._host = GrpcHost(build_components(settings, self.services), settings)
            self.port = await self._host.start()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(boot())
            except BaseException as exc:  # noqa: BLE001
                failure.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="suite", daemon=True)
        self._thread.start()
        ready.wait(120)
        if failure:
            raise failure[0]
        return self

    def run(self, coro):  # noqa: ANN001, ANN201 - run a coroutine on the suite's loop (white-box checks)
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(60)

    def stop(self) -> None:
        if self._loop is None or self._host is None:
            return
        self.run(self._host.stop(grace=1))
        self._loop.call_soon_threadsafe(self._loop.stop)
        assert self._thread is not None
        self._thread.join(30)
        self._loop.close()
        self._loop = None
        self._host = None

    def components(self) -> dict[str, object]:
        assert self._host is not None
        return {c.name: c for c in self._host.components}
