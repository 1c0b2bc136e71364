"""The read API, mounted at /api/ with its OpenAPI 3 document at /api/openapi.json.

Each app may provide `<app>.api.router`; it is mounted under /api/<app>/ so that apps can add
endpoints without editing this file (and without their paths colliding).
"""

from __future__ import annotations

from importlib import import_module

from ninja import NinjaAPI

from config import api_errors

api = NinjaAPI(
    title="Paddock API",
    version="1",
    description="Public, read-only data of Paddock: events, schedules, classes and live timing.",
    urls_namespace="api",
)
api_errors.install(api)

for app in ("racing", "events", "live"):
    try:
        module = import_module(f"{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.api":
            raise
        continue
    api.add_router(f"/{app}/", module.router)
