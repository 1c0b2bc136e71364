from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.engine.money import from_minor_units
from events.models import (
    AuditLog,
    CalendarToken,
    Championship,
    ChampionshipClass,
    ChampionshipRound,
    Deposit,
    Entry,
    EntryClass,
    Event,
    OutgoingMail,
    Payment,
    PromotionWaiver,
    Refund,
    ResultRow,
    Session,
    SessionResult,
)
from events.queries.audit import action_label, detail_text
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


def money_text(amount_minor: int | None, currency: str) -> str:
    """An amount as people read it ("500.00 CNY"), not in the minor units it is stored in."""
    if amount_minor is None:
        return ""
    return f"{from_minor_units(amount_minor, currency)} {currency}"


# Entry.__str__ names the event, the class and the driver.
ENTRY_RELATED = ["entry__event", "entry__entry_class", "entry__driver"]


@admin.register(Payment)
class PaymentAdmin(ServiceOwnedAdmin):
    list_display = [
        "id",
        "entry",
        "method",
        "status",
        "amount",
        "refunded",
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

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount(self, payment: Payment) -> str:
        return money_text(payment.amount_minor, payment.currency)

    @admin.display(description=_("refunded"), ordering="refunded_minor")
    def refunded(self, payment: Payment) -> str:
        return money_text(payment.refunded_minor, payment.currency)


@admin.register(Refund)
class RefundAdmin(ServiceOwnedAdmin):
    list_display = [
        "id",
        "payment__entry",
        "amount",
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

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount(self, refund: Refund) -> str:
        return money_text(refund.amount_minor, refund.payment.currency)


@admin.register(Deposit)
class DepositAdmin(ServiceOwnedAdmin):
    list_display = [
        "id",
        "entry",
        "method",
        "status",
        "amount",
        "captured",
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

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount(self, deposit: Deposit) -> str:
        return money_text(deposit.amount_minor, deposit.currency)

    @admin.display(description=_("kept for damage"), ordering="captured_minor")
    def captured(self, deposit: Deposit) -> str:
        return money_text(deposit.captured_minor, deposit.currency)


class AuditActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = AuditLog.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, str(action_label(code))) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditLog)
class AuditLogAdmin(ServiceOwnedAdmin):
    # Rows keep the codes they were written with; staff read the sentences the organizer's audit
    # page shows, in their own language. The code stays searchable.
    list_display = ["created_at", "event", "what", "from_status", "to_status", "actor", "entry"]
    list_filter = [AuditActionFilter]
    search_fields = ["event__title", "actor__email", "action", "detail"]
    list_select_related = ["event", "actor", *ENTRY_RELATED]
    date_hierarchy = "created_at"
    readonly_fields = ["what", "details"]

    @admin.display(description=_("action"), ordering="action")
    def what(self, row: AuditLog) -> str:
        return str(action_label(row.action))

    @admin.display(description=_("detail"))
    def details(self, row: AuditLog) -> str:
        return detail_text(row.action, row.detail, timezone.get_current_timezone())


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


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Staff fix what was typed (numbers, transponder, vehicle, notes) here; the entry's status,
    place and fee move only through the registration services, which hold the place locks and
    write the audit trail, so they are shown but not edited."""

    list_display = [
        "id",
        "event",
        "entry_class",
        "driver",
        "car_number",
        "status",
        "fee",
        "created_at",
    ]
    list_filter = ["status", "scrutineering", "event__tier"]
    search_fields = [
        "=id",
        "=car_number",
        "event__title",
        "driver__email",
        "driver__driver_profile__name_zh",
        "driver__driver_profile__name_latin",
        "transponder",
    ]
    list_select_related = ["event", "entry_class", "driver"]
    raw_id_fields = ["event", "entry_class", "driver", "vehicle", "co_driver"]
    readonly_fields = [
        "event",
        "entry_class",
        "driver",
        "status",
        "place_number",
        "expires_at",
        "waitlisted_at",
        "fee",
        "early_bird",
        "refund_policy",
        "checked_in_at",
        "scrutineering",
        "scrutineered_at",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "cancellation_reason",
    ]
    fields = [
        "event",
        "entry_class",
        "driver",
        "status",
        "place_number",
        "fee",
        "early_bird",
        "car_number",
        "preferred_car_number",
        "transponder",
        "vehicle",
        "vehicle_description",
        "co_driver_email",
        "co_driver",
        "scrutineering",
        "scrutineering_notes",
        "checked_in_at",
        "scrutineered_at",
        "expires_at",
        "waitlisted_at",
        "refund_policy",
        "language",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "cancellation_reason",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A new entry must take a place under the class lock: the entry form does that.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Payments and audit rows point at entries; cancelling is the organizer's action.
        return False

    @admin.display(description=_("fee"), ordering="fee_minor")
    def fee(self, entry: Entry) -> str:
        return money_text(entry.fee_minor, entry.currency)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["display_name", "event", "kind", "starts_at", "ends_at"]
    list_filter = ["kind", "event__tier"]
    search_fields = ["name", "event__title", "event__slug"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]
    date_hierarchy = "starts_at"

    def save_model(self, request: HttpRequest, obj: Session, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Sessions are events in subscribed calendars too: bump the event's SEQUENCE.
        touch_event(event=obj.event)


class ResultRowInline(admin.TabularInline):
    model = ResultRow
    extra = 0
    raw_id_fields = ["driver", "entry"]

    def _editable(self, result: SessionResult | None) -> bool:
        # An official result changes only by a correction with a reason, which keeps the
        # published rows as a revision (the organizer's results page does that).
        return result is None or result.state == SessionResult.State.PROVISIONAL

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(SessionResult)
class SessionResultAdmin(admin.ModelAdmin):
    list_display = ["session", "session__event", "state", "source"]
    list_filter = ["state", "source"]
    search_fields = ["session__name", "session__event__title", "rows__driver_name"]
    list_select_related = ["session__event"]
    raw_id_fields = ["session"]
    readonly_fields = ["state"]
    inlines = [ResultRowInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.state == SessionResult.State.PROVISIONAL


class ChampionshipClassInline(admin.TabularInline):
    model = ChampionshipClass
    extra = 0


class ChampionshipRoundInline(admin.TabularInline):
    model = ChampionshipRound
    extra = 0
    raw_id_fields = ["session", "qualifying_session"]


@admin.register(Championship)
class ChampionshipAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "season", "is_public", "standings_updated_at"]
    list_filter = ["season", "is_public"]
    search_fields = ["name", "slug", "organization__name"]
    list_select_related = ["organization"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["standings_updated_at", "season_closed_at", "season_closed_by"]
    inlines = [ChampionshipClassInline, ChampionshipRoundInline]
