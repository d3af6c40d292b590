"""The `memvisor` command: serve the suite, run the seed's walkthrough, run the scripted model."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from memvisor_common.logging import configure_logging
from memvisor_common.settings import ServerSettings
from memvisor_suite.composition import SERVICES


def _serve(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    if args.data_dir:
        overrides["data_dir"] = Path(args.data_dir)
    settings = ServerSettings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    services = [args.service] if args.service else list(SERVICES)

    async def main() -> None:
        from memvisor_common.grpc_host.server import GrpcHost
        from memvisor_suite.composition import build_components

        host = GrpcHost(build_components(settings, services), settings)
        await host.run_until_signal()

    asyncio.run(main())
    return 0


def _walkthrough(args: argparse.Namespace) -> int:
    from memvisor_suite.walkthrough import run_walkthrough

    return run_walkthrough(args.target)


def _demo(args: argparse.Namespace) -> int:
    from memvisor_suite.demo import run_demo

    return run_demo(Path(args.data_dir) if args.data_dir else None, args.port)


def _scripted_llm(args: argparse.Namespace) -> int:
    import time

    from memvisor_scripted_llm.seed_brain import SeedBrain
    from memvisor_scripted_llm.server import ScriptedLLMServer

    server = ScriptedLLMServer(SeedBrain(), port=args.port).start()
    print(f"scripted model (rule-based, not a real LLM) at {server.base_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="memvisor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the suite (or one service) until SIGTERM")
    serve.add_argument("--host", help="listen address (default 127.0.0.1, env MEMVISOR_HOST)")
    serve.add_argument("--port", type=int, help="port (default 50051, env MEMVISOR_PORT; 0 = any free)")
    serve.add_argument("--data-dir", help="where SQLite files and indexes live (default ~/.memvisor)")
    serve.add_argument("--service", choices=SERVICES, help="run only this service (peers from settings)")
    serve.set_defaults(func=_serve)

    walk = sub.add_parser("walkthrough", help="replay the seed walkthrough against a running suite")
    walk.add_argument(
        "--target", default=None, help="suite address (default MEMVISOR_TARGET or 127.0.0.1:50051)"
    )
    walk.set_defaults(func=_walkthrough)

    demo = sub.add_parser(
        "demo", help="start the suite, replay the walkthrough, restart, check memory survived"
    )
    demo.add_argument("--data-dir", help="data directory (default: a fresh temporary one)")
    demo.add_argument("--port", type=int, default=0, help="suite port (default: a free one)")
    demo.set_defaults(func=_demo)

    llm = sub.add_parser(
        "scripted-llm", help="run the rule-based scripted model as an OpenAI-compatible server"
    )
    llm.add_argument("--port", type=int, default=8009)
    llm.set_defaults(func=_scripted_llm)

    args = parser.parse_args(argv)
    logging.captureWarnings(True)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
