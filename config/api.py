"""The read API, mounted at /api/ with its OpenAPI 3 document at /api/openapi.json.

Each app may provide `<app>.api.router`; it is mounted under /api/<app>/ so that apps can add
endpoints without editing this file (and without their paths colliding).
"""

from __future__ import annotations

from importlib import import_module

from ninja import NinjaAPI
from ninja.operation import Operation

from config import api_errors


class PaddockAPI(NinjaAPI):
    # Operation ids are public: they keep the module names of before the layout of issue 14.
    OPERATION_PREFIXES = {
        "events.api.events": "events_api",
        "events.api.results": "events_results_api",
        "live.api.board": "live_api",
    }

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        prefix = self.OPERATION_PREFIXES.get(module, module.replace(".", "_"))
        return f"{prefix}_{operation.view_func.__name__}"


api = PaddockAPI(
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
