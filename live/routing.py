from django.urls import re_path

from live.views.consumers import live_session_socket

# Any last segment reaches the socket's application, so a bad id is closed with 4404 instead of
# failing the handshake.
websocket_urlpatterns = [
    # An ASGI application, not a Django view: Channels' URLRouter takes either.
    re_path(r"^ws/live/sessions/(?P<session_id>[^/]+)/$", live_session_socket),  # type: ignore[arg-type]
]
