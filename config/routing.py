"""WebSocket routes. Each app that serves sockets exposes `websocket_urlpatterns`."""

from importlib import import_module

from django.conf import settings

websocket_urlpatterns: list = []
for app in ("racing", "events", "live"):
    if app in settings.INSTALLED_APPS:
        try:
            module = import_module(f"{app}.routing")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.routing":
                raise
            continue
        websocket_urlpatterns += module.websocket_urlpatterns
