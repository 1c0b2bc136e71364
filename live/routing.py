from django.urls import re_path

from live.views.consumers import LiveSessionConsumer

# Any last segment reaches the consumer, so a bad id is closed with 4404 instead of failing the
# handshake.
websocket_urlpatterns = [
    re_path(r"^ws/live/sessions/(?P<session_id>[^/]+)/$", LiveSessionConsumer.as_asgi()),
]
