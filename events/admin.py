from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from events.models import CalendarToken, EntryClass, Event, Session
from events.services.events import touch_event


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class EntryClassInline(admin.TabularInline):
    model = EntryClass
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "tier", "status", "starts_at", "province", "city"]
    list_filter = ["tier", "status", "discipline", "province"]
    search_fields = ["title", "slug", "venue_name", "city"]
    readonly_fields = ["uid", "sequence", "updated_at"]
    inlines = [SessionInline, EntryClassInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            # Admin edits bypass the services; subscribed calendars must still see a new
            # SEQUENCE, or they keep their old copy of the event.
            touch_event(event=form.instance)


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    readonly_fields = ["token"]
