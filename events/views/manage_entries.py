"""Entry management for the organizer's staff: lists, approval, the day's checks, e-mail, CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from config.csv_export import csv_attachment
from config.mail import Mail
from events.engine import money
from events.exceptions import EventsError, PaymentFlowError
from events.forms.entries import (
    DepositCaptureForm,
    EntryEmailForm,
    ReasonForm,
    RefundPolicyForm,
    StaffEntryForm,
)
from events.gateways import stripe
from events.models import Entry, Event, OutgoingMail, RefundPolicy
from events.queries.entries import (
    driver_facts,
    entry_for_staff,
    event_entries,
    paid_minor,
    sign_on_cells,
    with_sign_on_details,
)
from events.queries.events import event_for_staff
from events.services import deposits as deposit_services
from events.services import notifications, registration
from events.services.cancellation import refund_cancelled_event
from racing.queries.drivers import staff_name


def _entries_url(event: Event) -> str:
    from django.urls import reverse

    return reverse(
        "events:manage-entries", kwargs={"org_slug": event.organization.slug, "slug": event.slug}
    )


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _search(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:100]


def _entry_url(event: Event, entry: Entry) -> str:
    from django.urls import reverse

    return reverse(
        "events:manage-entry",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "pk": entry.pk},
    )


@login_required
@require_POST
def manage_entries_check_in(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    """Check in the ticked entries with one press: the sign-on desk works through a queue."""
    event = event_for_staff(request.user, org_slug, slug)
    ids = [int(raw) for raw in request.POST.getlist("entry") if raw.isdigit() and len(raw) < 10]
    if not ids:
        messages.error(request, _("Tick the entries to check in first."))
        return redirect(_entries_url(event))
    summary = registration.check_in_entries(event_id=event.pk, entry_ids=ids, actor=request.user)
    messages.success(
        request,
        ngettext("%(count)s entry checked in.", "%(count)s entries checked in.", summary.checked_in)
        % {"count": summary.checked_in},
    )
    for refusal in summary.refused:
        messages.error(request, refusal)
    return redirect(_entries_url(event))


@login_required
def manage_entries(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    class_id = _int_or_none(request.GET.get("class"))
    status = request.GET.get("status") or None
    if status not in Entry.Status.values:
        status = None
    search = _search(request)
    entries = event_entries(event, entry_class_id=class_id, status=status, search=search)
    context = {
        "event": event,
        "entries": entries,
        "search": search,
        "classes": event.entry_classes.all(),
        "statuses": Entry.Status.choices,
        "selected_class": class_id,
        "selected_status": status,
        "email_form": EntryEmailForm(event=event),
        "policy_form": RefundPolicyForm(initial=_policy_initial(event)),
        "deposits_to_hand_back": deposit_services.cash_to_hand_back(event.pk),
    }
    return render(request, "events/manage/entries.html", context)


def _policy_initial(event: Event) -> dict[str, int]:
    policy = RefundPolicy.objects.filter(event=event).first() or RefundPolicy()
    return {
        "full_refund_days": policy.full_refund_days,
        "partial_refund_days": policy.partial_refund_days,
        "partial_refund_percent": policy.partial_refund_percent,
    }


@login_required
@require_POST
def manage_refund_policy(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    form = RefundPolicyForm(request.POST)
    if form.is_valid():
        try:
            registration.set_refund_policy(event=event, **form.cleaned_data)
        except EventsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Refund policy saved. It applies to new entries."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(_entries_url(event))


@login_required
@require_http_methods(["GET", "POST"])
def manage_entry(request: HttpRequest, org_slug: str, slug: str, pk: int) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    entry = entry_for_staff(event, pk)
    initial = {
        "checked_in": entry.checked_in_at is not None,
        "scrutineering": entry.scrutineering,
        "scrutineering_notes": entry.scrutineering_notes,
        "transponder": entry.transponder,
        "car_number": entry.car_number,
    }
    form = StaffEntryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration.update_entry_day(
                    entry_id=entry.pk,
                    actor=request.user,
                    checked_in=data["checked_in"],
                    scrutineering=data["scrutineering"],
                    scrutineering_notes=data["scrutineering_notes"],
                    transponder=data["transponder"],
                    car_number=data["car_number"],
                )
            except EventsError as exc:
                form.add_error(getattr(exc, "field", None), str(exc))
            else:
                messages.success(request, _("Entry saved."))
                return redirect(request.path)
        status = 400
    context = {
        "event": event,
        "entry": entry,
        "form": form,
        "facts": driver_facts(entry),
        "reason_form": ReasonForm(),
        "fee": money.from_minor_units(entry.fee_minor, entry.currency),
        "deposit_form": DepositCaptureForm(),
        "stripe_enabled": stripe.stripe_enabled(),
    }
    return render(request, "events/manage/entry.html", context, status=status)


@login_required
@require_POST
def manage_deposit(
    request: HttpRequest, org_slug: str, slug: str, pk: int, action: str
) -> HttpResponse:
    """Take, capture, release or retry the entry's damage deposit (any staff member)."""
    event = event_for_staff(request.user, org_slug, slug)
    entry = entry_for_staff(event, pk)
    if action not in ("hold", "card", "capture", "release", "retry"):
        return HttpResponse(status=404)
    try:
        done = _deposit_action(request, entry, action)
    except EventsError as exc:
        messages.error(request, str(exc))
    except OperationalError:
        messages.error(request, _("Someone else is changing this entry. Please try again."))
    else:
        messages.success(request, done)
    return redirect(
        "events:manage-entry", org_slug=event.organization.slug, slug=event.slug, pk=entry.pk
    )


def _deposit_action(request: HttpRequest, entry: Entry, action: str) -> str:
    if action == "hold":
        deposit_services.hold_deposit_at_track(entry_id=entry.pk, actor=request.user)
        return _("Deposit recorded as held at the track.")
    if action == "card":
        deposit_services.request_card_deposit(entry_id=entry.pk, actor=request.user)
        return _("The card authorisation link is ready and was e-mailed to the driver.")
    deposit = entry.deposit
    if deposit is None:
        raise PaymentFlowError(_("This entry has no deposit."))
    if action == "retry":
        deposit_services.retry_settlement(deposit_id=deposit.pk, actor=request.user)
        return _("Deposit settled.")
    if action == "release":
        reason = ReasonForm(request.POST)
        note = reason.cleaned_data["reason"] if reason.is_valid() else ""
        deposit_services.release_deposit(deposit_id=deposit.pk, actor=request.user, note=note)
        return _("Deposit released. The driver was told by e-mail.")
    form = DepositCaptureForm(request.POST)
    if not form.is_valid():
        raise PaymentFlowError(" ".join(str(e) for errors in form.errors.values() for e in errors))
    amount = form.cleaned_data["amount"]
    amount_minor = money.to_minor_units(amount, deposit.currency)
    if money.from_minor_units(amount_minor, deposit.currency) != amount:
        raise PaymentFlowError(
            _("%(currency)s has no such small unit: round the amount.")
            % {"currency": deposit.currency}
        )
    deposit_services.capture_deposit(
        deposit_id=deposit.pk,
        amount_minor=amount_minor,
        note=form.cleaned_data["note"],
        actor=request.user,
    )
    return _("Deposit kept for damage. The driver was told by e-mail.")


@login_required
@require_http_methods(["GET", "POST"])
def manage_entry_action(
    request: HttpRequest, org_slug: str, slug: str, pk: int, action: str
) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    entry = entry_for_staff(event, pk)
    if request.method == "GET":
        # Only cancelling asks first; the other actions are buttons on the entry's page.
        if action != "cancel":
            return HttpResponseNotAllowed(["POST"])
        return _confirm_staff_cancel(request, event, entry)
    reason = ReasonForm(request.POST)
    text = reason.cleaned_data["reason"] if reason.is_valid() else ""
    actions = {
        "approve": lambda: registration.approve_entry(entry_id=entry.pk, actor=request.user),
        "reject": lambda: registration.reject_entry(
            entry_id=entry.pk, actor=request.user, reason=text
        ),
        "cancel": lambda: registration.cancel_entry(
            entry_id=entry.pk, actor=request.user, by_staff=True, reason=text
        ),
        "mark-paid": lambda: registration.mark_paid_at_track(entry_id=entry.pk, actor=request.user),
    }
    if action not in actions:
        return HttpResponse(status=404)
    try:
        actions[action]()
    except EventsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect(
        "events:manage-entry", org_slug=event.organization.slug, slug=event.slug, pk=entry.pk
    )


def _confirm_staff_cancel(request: HttpRequest, event: Event, entry: Entry) -> HttpResponse:
    name = staff_name(entry.driver)
    consequences = [
        _("The entry of %(name)s in %(class)s is cancelled and its place is freed.")
        % {"name": name, "class": entry.entry_class.name},
    ]
    paid = paid_minor(entry)
    if paid:
        consequences.append(
            _("Everything paid is refunded in full: %(amount)s %(currency)s.")
            % {"amount": money.from_minor_units(paid, entry.currency), "currency": entry.currency}
        )
    deposit = entry.deposit
    if deposit is not None and deposit.status == "held":
        consequences.append(
            _("The damage deposit is released; one taken in cash must be handed back by hand.")
        )
    consequences.append(_("The driver is told by e-mail."))
    context = {
        "heading": _("Cancel this entry?"),
        "consequences": consequences,
        "action": request.path,
        "button": _("Cancel entry (full refund)"),
        "back": _entry_url(event, entry),
        "form": ReasonForm(),
    }
    return render(request, "confirm.html", context)


@login_required
@require_POST
def manage_entries_email(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    form = EntryEmailForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, _("The e-mail was not sent: give a subject and a message."))
        return redirect(_entries_url(event))
    recipients = event_entries(event, entry_class_id=form.cleaned_data["entry_class"]).filter(
        status__in=[Entry.Status.CONFIRMED, Entry.Status.PENDING_APPROVAL, Entry.Status.HELD]
    )
    subject = f"[{event.title}] {form.cleaned_data['subject']}"
    body = form.cleaned_data["body"]
    addresses = [e.driver.email for e in recipients if e.driver.email]
    sent = notifications.mail_event_after_commit(
        event_id=event.pk,
        kind="bulk",
        compose=lambda: [Mail(subject=subject, body=body, to=[a]) for a in addresses],
    )
    failed = sum(1 for row in sent if row.status == OutgoingMail.Status.FAILED)
    if failed:
        # The mail that did reach the server is gone; point staff to the list to send the rest.
        messages.warning(
            request,
            _(
                "%(failed)s of %(count)s could not be sent. They are listed on the event's "
                "page, where you can send them again."
            )
            % {"failed": failed, "count": len(addresses)},
        )
    else:
        messages.success(
            request, _("E-mail sent to %(count)s drivers.") % {"count": len(addresses)}
        )
    return redirect(_entries_url(event))


@login_required
def manage_entries_csv(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    entries = with_sign_on_details(
        event_entries(
            event,
            entry_class_id=_int_or_none(request.GET.get("class")),
            status=request.GET.get("status")
            if request.GET.get("status") in Entry.Status.values
            else None,
            search=_search(request),
        )
    )
    event_day = event.local(event.starts_at).date()
    response, export = csv_attachment(f"{event.slug}-entries.csv")
    export.row(
        [
            _("Class"),
            _("Car number"),
            _("Driver"),
            _("E-mail"),
            _("Status"),
            _("Co-driver or navigator"),
            _("Vehicle"),
            _("Transponder"),
            _("Checked in"),
            _("Scrutineering"),
            _("Fee"),
            _("Currency"),
            _("Paid"),
            _("Deposit"),
            _("Deposit kept"),
            _("Entered at"),
            # For the sign-on sheet: the event's own staff only (this view is staff-only).
            _("Real name"),
            _("Date of birth"),
            _("Licence number"),
            _("Emergency contact"),
        ]
    )
    for entry in entries:
        name = staff_name(entry.driver)
        deposit = entry.deposit
        export.row(
            [
                entry.entry_class.name,
                entry.car_number or "",
                name,
                entry.driver.email,
                entry.get_status_display(),
                entry.co_driver_email,
                entry.vehicle_description,
                entry.transponder,
                _("yes") if entry.checked_in_at else _("no"),
                entry.get_scrutineering_display(),
                money.from_minor_units(entry.fee_minor, entry.currency),
                entry.currency,
                _("yes") if entry.is_paid else _("no"),
                deposit.get_status_display() if deposit else "",
                deposit.captured if deposit and deposit.captured_minor else "",
                timezone.localtime(entry.created_at, event.zone).strftime("%Y-%m-%d %H:%M"),
                *sign_on_cells(entry, event_day),
            ]
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def manage_refund_cancelled_event(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    if request.method == "GET":
        active = Entry.objects.filter(event=event, status__in=Entry.ACTIVE_STATUSES).count()
        context = {
            "heading": _("Cancel all entries and refund?"),
            "consequences": [
                ngettext(
                    "%(count)s active entry is cancelled.",
                    "%(count)s active entries are cancelled.",
                    active,
                )
                % {"count": active},
                _("Every payment is refunded in full; card deposits are released."),
                _("Every driver is told by e-mail."),
                _("Refunds that fail can be resumed by pressing this button again."),
            ],
            "action": request.path,
            "button": _("Cancel all entries and refund"),
            "back": _entries_url(event),
        }
        return render(request, "confirm.html", context)
    try:
        summary = refund_cancelled_event(event_id=event.pk, actor=request.user)
    except EventsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(cancelled)s entries cancelled, %(refunded)s refunds made, %(failed)s failed.")
            % {
                "cancelled": summary.entries_cancelled,
                "refunded": len(summary.refunded),
                "failed": len(summary.failed),
            },
        )
        if summary.processing:
            messages.info(
                request,
                _(
                    "%(count)s refunds were accepted by WeChat Pay and are being paid out; each "
                    "is marked refunded when WeChat Pay says so."
                )
                % {"count": len(summary.processing)},
            )
        if summary.deposits_released or summary.deposits_waiting:
            messages.info(
                request,
                _(
                    "Card deposits: %(released)s released, %(waiting)s waiting for Stripe "
                    "(resume again to retry)."
                )
                % {
                    "released": summary.deposits_released,
                    "waiting": len(summary.deposits_waiting),
                },
            )
    return redirect(_entries_url(event))
