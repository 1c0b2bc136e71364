from django.contrib import admin

from live.models import LiveSession


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
