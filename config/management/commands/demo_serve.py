"""Serve the ASGI app for the demo, with any demo background processes the apps ask for."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def served_environment(environ: Mapping[str, str], *, host: str, port: int) -> dict[str, str]:
    """The environment of the server and background processes: e-mailed links (receipts,
    confirmations) point at the port served unless a site URL is set."""
    env = {**environ, "PORT": str(port)}
    if not env.get("PADDOCK_SITE_URL"):
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
        env["PADDOCK_SITE_URL"] = f"http://{shown}:{port}"
    return env


class Command(BaseCommand):
    help = "Serve Paddock with uvicorn on 127.0.0.1 and run the demo's background processes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        env = served_environment(os.environ, host=options["host"], port=options["port"])
        background: list[subprocess.Popen[bytes]] = []
        for app in ("racing", "events", "live"):
            if app not in settings.INSTALLED_APPS:
                continue
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            for argv in getattr(module, "background_commands", lambda: [])():
                background.append(subprocess.Popen([sys.executable, "manage.py", *argv], env=env))  # noqa: S603
        server = [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            # What production runs (README): less memory per live-timing socket.
            "--ws",
            "config.uvicorn_ws:WebSocketProtocol",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
        ]
        try:
            subprocess.run(server, check=False, env=env)  # noqa: S603
        except KeyboardInterrupt:
            pass
        finally:
            for process in background:
                process.terminate()
            for process in background:
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
