from django.contrib import admin

from events.models import CalendarToken, EntryClass, Event, Session


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


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    readonly_fields = ["token"]
