from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from events.admin import ServiceOwnedAdmin
from live.models import LiveFeedChunk, LiveSession, LiveTransponder


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ("name", "mode", "status", "source", "seq", "event_session", "updated_at")
    list_filter = ("status", "mode", "source")
    search_fields = ("name",)
    # Board state changes only through live.services, under the row lock that keeps seq in order;
    # edits here would bypass it, so the admin shows it read-only.
    readonly_fields = (
        "status",
        "seq",
        "snapshot",
        "engine_state",
        "rejected_records",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("event_session",)


@admin.register(LiveTransponder)
class LiveTransponderAdmin(ServiceOwnedAdmin):
    """Mappings change through live.services, which also update the board spectators see."""

    list_display = ("transponder", "number", "name", "class_name", "session")
    list_filter = ("session__status",)
    search_fields = ("=transponder", "number", "name", "session__name")
    list_select_related = ("session",)


@admin.register(LiveFeedChunk)
class LiveFeedChunkAdmin(ServiceOwnedAdmin):
    """The timing system's bytes as received: what a replay reads, so never edited."""

    list_display = ("id", "session", "format", "size", "received_at")
    list_filter = ("format",)
    search_fields = ("=session__id", "session__name")
    list_select_related = ("session",)
    fields = ("session", "format", "size", "received_at")
    readonly_fields = ("size",)
    date_hierarchy = "received_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LiveFeedChunk]:
        # The size without loading the bytes: a page of chunks can hold megabytes.
        return super().get_queryset(request).defer("data").annotate(data_size=Length("data"))

    @admin.display(description=_("size (bytes)"), ordering="data_size")
    def size(self, chunk: Any) -> int:
        return int(chunk.data_size)
