from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from events.models import (
    AuditLog,
    CalendarToken,
    Deposit,
    EntryClass,
    Event,
    OutgoingMail,
    Payment,
    PromotionWaiver,
    Refund,
    Session,
)
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


class ServiceOwnedAdmin(admin.ModelAdmin):
    """Read-only admin for records that change only through Paddock's services.

    Payments, refunds, deposits, audit rows, live feed data and the like are written by the
    services, which lock the rows, talk to Stripe or the live board, and write the audit trail in
    the same transaction. An add, edit or delete here would skip all of that, so site
    administrators may look and search, never change.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Entry.__str__ names the event, the class and the driver.
ENTRY_RELATED = ["entry__event", "entry__entry_class", "entry__driver"]


@admin.register(Payment)
class PaymentAdmin(ServiceOwnedAdmin):
    list_display = [
        "id",
        "entry",
        "method",
        "status",
        "amount_minor",
        "refunded_minor",
        "currency",
        "created_at",
        "paid_at",
    ]
    list_filter = ["status", "method", "currency"]
    search_fields = [
        "=id",
        "entry__event__title",
        "entry__driver__email",
        "stripe_session_id",
        "stripe_payment_intent_id",
    ]
    list_select_related = ENTRY_RELATED
    date_hierarchy = "created_at"


@admin.register(Refund)
class RefundAdmin(ServiceOwnedAdmin):
    list_display = [
        "id",
        "payment__entry",
        "amount_minor",
        "payment__currency",
        "status",
        "reason",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "reason"]
    search_fields = [
        "=id",
        "=payment__id",
        "payment__entry__event__title",
        "payment__entry__driver__email",
        "stripe_refund_id",
    ]
    list_select_related = ["payment__" + name for name in ENTRY_RELATED]
    date_hierarchy = "created_at"


@admin.register(Deposit)
class DepositAdmin(ServiceOwnedAdmin):
    list_display = [
        "id",
        "entry",
        "method",
        "status",
        "amount_minor",
        "captured_minor",
        "currency",
        "held_at",
        "settled_at",
    ]
    list_filter = ["status", "method", "currency"]
    search_fields = [
        "=id",
        "entry__event__title",
        "entry__driver__email",
        "stripe_session_id",
        "stripe_payment_intent_id",
        "note",
    ]
    list_select_related = [*ENTRY_RELATED, "taken_by", "settled_by"]
    date_hierarchy = "created_at"


@admin.register(AuditLog)
class AuditLogAdmin(ServiceOwnedAdmin):
    list_display = ["created_at", "event", "action", "from_status", "to_status", "actor", "entry"]
    list_filter = ["action"]
    search_fields = ["event__title", "actor__email", "action", "detail"]
    list_select_related = ["event", "actor", *ENTRY_RELATED]
    date_hierarchy = "created_at"


@admin.register(PromotionWaiver)
class PromotionWaiverAdmin(ServiceOwnedAdmin):
    list_display = ["championship", "class_name", "driver", "reason", "granted_by", "granted_at"]
    list_filter = ["championship__season"]
    search_fields = ["championship__name", "class_name", "driver__email", "reason"]
    list_select_related = ["championship", "driver", "granted_by"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ServiceOwnedAdmin):
    # Read-only too: staff send unsent mail again from the event's page, which records the try.
    list_display = ["created_at", "event", "kind", "recipient", "status", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["event__title", "recipient", "subject"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
