"""Serve the ASGI app for the demo, with any demo background processes the apps ask for."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Paddock with uvicorn on 127.0.0.1 and run the demo's background processes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        background: list[subprocess.Popen[bytes]] = []
        for app in ("racing", "events", "live"):
            if app not in settings.INSTALLED_APPS:
                continue
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            for argv in getattr(module, "background_commands", lambda: [])():
                background.append(subprocess.Popen([sys.executable, "manage.py", *argv]))  # noqa: S603
        server = [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
        ]
        try:
            subprocess.run(server, check=False)  # noqa: S603
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
