"""Driver-facing registration pages, paying online, and the Stripe webhook."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import OperationalError
from django.forms import CheckboxInput
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from config.log_filters import EXPECTED_REFUSAL
from events.engine import money
from events.exceptions import (
    AlreadyEntered,
    ClassFull,
    EventsError,
    NotEligible,
    RegistrationError,
)
from events.forms.entries import EntryForm
from events.gateways import stripe, wechatpay
from events.gateways.base import Client
from events.models import Deposit, Entry, EntryClass, Event, Payment
from events.queries.entries import driver_entries, entry_for_driver, paid_minor
from events.services import full_classes, page_cache
from events.services.checkout import check_order_return, check_return, start_checkout
from events.services.deposits import check_return as check_deposit_return
from events.services.merchants import entry_providers
from events.services.registration import (
    KNOWN_FULL_SECONDS,
    accept_offer,
    cancel_entry,
    confirm_co_driver,
    refund_percent,
    refusal_without_lock,
    refusals_by_class,
    turn_at_the_lock,
)
from events.services.webhooks import handle_stripe_event
from events.views.payments import wechat_sign_in
from events.views.terms import class_rule_lines, refund_lines

logger = logging.getLogger(__name__)


# Per process, the event of each entry page (by slug) with the catalogue generation it was read
# under (events.services.page_cache): any write to an event or organization bumps the generation,
# and the event is read again.
_events_by_slug: dict[str, tuple[int, Event]] = {}

# How many items each of this module's per-process memories keeps before it starts again.
_KEPT = 512
K = TypeVar("K")
V = TypeVar("V")


def _keep(memory: dict[K, V], key: K, value: V) -> None:
    if len(memory) >= _KEPT:
        memory.clear()
    memory[key] = value


# Per process, the classes a POST found full from the cache's marker, with their event and when:
# for KNOWN_FULL_SECONDS the next POSTs to the class take both from here, with no round trip to
# the cache, unless this process changed a catalogue or places generation since (a place it
# freed is seen at once) or the marker lapsed. A place freed by another process may be refused
# for that second; a marker only ever refuses early, the registration service decides places.
_full_by_slug: dict[tuple[str, int], tuple[float, int, Event, full_classes.Marker]] = {}


def _known_full(slug: str, entry_class_id: int) -> tuple[Event, full_classes.Marker] | None:
    known = _full_by_slug.get((slug, entry_class_id))
    if known is None:
        return None
    since, changes, event, marker = known
    if (
        time.monotonic() - since < KNOWN_FULL_SECONDS
        and changes == page_cache.changes_in_this_process()
        and time.time() < marker.until
    ):
        return event, marker
    return None


def _registration_event(
    slug: str, *, entry_class_id: int | None = None
) -> tuple[Event, full_classes.Marker | None]:
    """The event, while no event or organization was written since it was read: every POST of
    a rush needs it. Places are never decided from it: the registration service locks and reads
    the event again. With `entry_class_id`, the class's full marker comes in the same round trip
    to the cache (None when the event had to be read first): a refusal of a rush costs one, and
    none while the class is known full in this process (`_full_by_slug`)."""
    if entry_class_id is not None and (recent := _known_full(slug, entry_class_id)) is not None:
        return recent
    changes = page_cache.changes_in_this_process()
    known = _events_by_slug.get(slug)
    marker_keys = (
        full_classes.keys(event_id=known[1].pk, entry_class_id=entry_class_id)
        if known is not None and entry_class_id is not None
        else []
    )
    found = cache.get_many([page_cache.CATALOGUE_KEY, *marker_keys])
    generation = found.get(page_cache.CATALOGUE_KEY)
    if generation is None:
        generation = page_cache.catalogue_generation()
    if known is not None and known[0] == generation:
        event = known[1]
        if entry_class_id is None:
            return event, None
        marker = full_classes.marker_from(found, event_id=event.pk, entry_class_id=entry_class_id)
        if marker.full:
            _keep(_full_by_slug, (slug, entry_class_id), (time.monotonic(), changes, event, marker))
        return event, marker
    fresh = _read_registration_event(slug)
    if fresh is None:
        raise Http404
    _keep(_events_by_slug, slug, (generation, fresh))
    return fresh, None


def _read_registration_event(slug: str) -> Event | None:
    return (
        Event.objects.select_related("organization")
        .exclude(status=Event.Status.DRAFT)
        .filter(slug=slug)
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, slug: str) -> HttpResponse:
    class_id, _sep, _fee = request.POST.get("entry_class", "").partition(":")
    if request.method != "POST" or not class_id.isdigit() or len(class_id) > 18:
        event, _marker = _registration_event(slug)
        return _entry_form(request, event)  # the form explains what is wrong with the input
    event, marker = _registration_event(slug, entry_class_id=int(class_id))
    refusal = _refusal(request, event, int(class_id), marker=marker)
    if refusal is None:
        try:
            with turn_at_the_lock(
                event.pk, entry_class_id=int(class_id), join_waitlist=_join_waitlist(request)
            ) as waited:
                # Again if this driver waited for the turn: in a rush the class has often filled.
                refusal = _refusal(request, event, int(class_id)) if waited else None
                if refusal is None:
                    return _entry_form(request, event)
        except RegistrationError as exc:  # found full while waiting, or no turn came in time
            refusal = exc
    return _refused_page(request, event, refusal)


def _entry_form(request: HttpRequest, event: Event) -> HttpResponse:
    now = timezone.now()
    currency = event.organization.currency
    classes = [
        (c, money.to_minor_units(c.fee_at(now), currency))
        for c in event.entry_classes.select_related("competition_class")
    ]
    # Offered classes are worked out only for a page that is shown (below): a POST that
    # registers never shows the form again.
    form = EntryForm(request.POST or None, event=event, classes=classes, driver=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        class_id, shown_fee = form.cleaned_data["entry_class"]
        try:
            chosen = next(c for c, _fee in classes if c.pk == class_id)  # the form checked it
            entry = _register(request, event, chosen, shown_fee, form)
        except (ClassFull, AlreadyEntered) as exc:
            # Found only under the lock (the class filled while this driver waited): the same
            # short page as for the refusals found before it.
            return _refused_page(request, event, exc)
        except NotEligible as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
        except OperationalError:
            form.add_error(
                None, _("Too many drivers are entering at this moment. Please try again.")
            )
        except RegistrationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return _after_registration(request, entry)
        status = 400
    elif request.method == "POST":
        status = 400
    refusals = refusals_by_class(
        driver=request.user, event=event, entry_classes=[c for c, _fee in classes]
    )
    form.offer_only({pk for pk, reasons in refusals.items() if not reasons})
    context = {
        "event": event,
        "form": form,
        "open": event.is_registration_open(now),
        "rows": [
            (c, money.from_minor_units(fee, currency), class_rule_lines(c), refusals[c.pk])
            for c, fee in classes
        ],
        "unavailable": [(c, refusals[c.pk]) for c, _fee in classes if refusals[c.pk]],
        "refund_lines": refund_lines(event),
    }
    return render(request, "events/entries/entry_form.html", context, status=status)


def _join_waitlist(request: HttpRequest) -> bool:
    return bool(CheckboxInput().value_from_datadict(request.POST, request.FILES, "join_waitlist"))


def _refusal(
    request: HttpRequest,
    event: Event,
    class_id: int,
    *,
    marker: full_classes.Marker | None = None,
) -> RegistrationError | None:
    """A full class or a second click, the POSTs a rush is mostly made of, found from three reads
    before the form (classes, garage, eligibility) is built. None: build the form and go on (it
    explains any other problem)."""
    refusal = refusal_without_lock(
        driver=request.user,
        entry_class_id=class_id,
        event_id=event.pk,
        join_waitlist=_join_waitlist(request),
        marker=marker,
    )
    return refusal if isinstance(refusal, (ClassFull, AlreadyEntered)) else None


# The refused page, rendered once per event, language and message, with stand-ins for the two
# parts that are the driver's own (the CSRF token, and what they posted): a rush answers hundreds
# of these a second. The stand-ins are markup, which no escaped text (an event's title) can be.
_refused_shells: dict[tuple[object, ...], str] = {}
_CSRF_STAND_IN = mark_safe("<!--paddock:csrf-->")
_FIELDS_STAND_IN = mark_safe("<!--paddock:posted-->")


def _refused_page(request: HttpRequest, event: Event, refusal: RegistrationError) -> HttpResponse:
    """A short page: the message, the waiting list a click away, and the way back to the form.
    Nine in ten answers of an opening rush are this page, so it is a page of its own (the site's
    style and name, no navigation) rendered without the context processors of the full pages."""
    waitlist = isinstance(refusal, ClassFull)
    message = str(refusal)
    key = (translation.get_language(), event.pk, event.slug, event.title, message, waitlist)
    shell = _refused_shells.get(key)
    if shell is None:
        context = {
            "event": event,
            "message": message,
            "waitlist": waitlist,
            "fields": _FIELDS_STAND_IN,
            "csrf_token": _CSRF_STAND_IN,
        }
        shell = render_to_string("events/entries/entry_refused.html", context)
        _keep(_refused_shells, key, shell)
    # What the driver posted, to post again with the waiting list ticked.
    kept = ("entry_class", "event_sequence", "vehicle", "co_driver_email", "preferred_car_number")
    fields = format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((name, request.POST[name]) for name in kept if request.POST.get(name)),
    )
    page = shell.replace(_CSRF_STAND_IN, escape(get_token(request)), 1).replace(
        _FIELDS_STAND_IN, fields, 1
    )
    # 409: the class's state (full, or already holding this driver's entry) refused the request,
    # the input was fine; not logged as a warning (config.log_filters). Other refusals that reach
    # this page (no turn at the lock came in time) stay 400.
    expected = isinstance(refusal, (ClassFull, AlreadyEntered))
    return HttpResponse(page, status=EXPECTED_REFUSAL if expected else 400)


def _register(
    request: HttpRequest, event: Event, entry_class: EntryClass, shown_fee: int, form: EntryForm
) -> Entry:
    from events.services.registration import register_entry

    data = form.cleaned_data
    return register_entry(
        driver=request.user,
        event_id=event.pk,
        entry_class_id=entry_class.pk,
        entry_class=entry_class,
        event_sequence=data["event_sequence"],
        shown_fee_minor=shown_fee,
        vehicle=data["vehicle"],
        co_driver_email=data["co_driver_email"],
        preferred_car_number=data["preferred_car_number"],
        join_waitlist=data["join_waitlist"],
        language=translation.get_language() or "zh-hans",
    )


def _after_registration(request: HttpRequest, entry: Entry) -> HttpResponse:
    messages_by_status: dict[str, str] = {
        Entry.Status.WAITLISTED: _("The class is full: you are on its waiting list."),
        Entry.Status.PENDING_APPROVAL: _("Entry received. The organizer will review it."),
        Entry.Status.CONFIRMED: _("Your entry is confirmed."),
        Entry.Status.HELD: _("Your place is held. Please pay to confirm it."),
    }
    messages.success(request, messages_by_status.get(entry.status, _("Entry saved.")))
    if entry.status == Entry.Status.HELD:
        return _go_to_checkout(request, entry)
    return redirect(entry.get_absolute_url())


def _client(request: HttpRequest) -> str:
    agent = request.headers.get("User-Agent", "")
    if "MicroMessenger" in agent:
        return Client.WECHAT
    if any(word in agent for word in ("Mobi", "Android", "iPhone", "iPad")):
        return Client.PHONE
    return Client.DESKTOP


def _go_to_checkout(request: HttpRequest, entry: Entry, provider: str = "") -> HttpResponse:
    """Start paying with `provider`; without one, with the only one offered, or on the entry
    page, which offers each."""
    offered = entry_providers(entry)
    if not provider and len(offered) == 1:
        provider = offered[0]
    if not provider:
        return redirect(entry.get_absolute_url() + "#pay")
    if provider not in offered:
        messages.error(request, _("This way to pay is not offered for this entry."))
        return redirect(entry.get_absolute_url())
    client = _client(request)
    if client == Client.WECHAT and provider == "wechatpay":
        # JSAPI: WeChat first signs the payer in to the club's official account for the openid.
        address = wechat_sign_in(request, entry)
        if address:
            return redirect(address)
    if client == Client.WECHAT and provider != "stripe":
        # Without the official account's AppSecret there is no openid for JSAPI, and WeChat's
        # browser blocks H5 pay and Alipay's pages.
        messages.error(
            request,
            _("Inside WeChat this way to pay cannot open: open this page in your phone's browser."),
        )
        return redirect(entry.get_absolute_url())
    try:
        payment = start_checkout(
            entry_id=entry.pk,
            driver=request.user,
            provider=provider,
            client=client,
            payer_ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
        )
    except EventsError as exc:
        messages.error(request, str(exc))
        return redirect(entry.get_absolute_url())
    if payment.checkout_url.startswith(("weixin://", wechatpay.JSAPI_PREFIX)):
        return redirect("events:entry-pay-wechat", pk=entry.pk, payment_id=payment.pk)
    return redirect(payment.checkout_url)


@login_required
def my_entries(request: HttpRequest) -> HttpResponse:
    return render(
        request, "events/entries/my_entries.html", {"entries": driver_entries(request.user)}
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_driver(request.user, pk)
    now = timezone.now()
    payments = list(entry.payments.all())
    due_at_track = next(
        (
            p
            for p in payments
            if p.method == Payment.Method.AT_TRACK and p.status == Payment.Status.PENDING
        ),
        None,
    )
    paid = any(p.status == Payment.Status.SUCCEEDED for p in payments)
    context = {
        "entry": entry,
        "fee": money.from_minor_units(entry.fee_minor, entry.currency),
        "refund_percent_now": refund_percent(policy=entry.refund_policy, event=entry.event, now=now)
        if entry.status in Entry.ACTIVE_STATUSES
        else None,
        "can_pay": entry.status == Entry.Status.HELD and not entry.hold_expired(now),
        "providers": entry_providers(entry) if entry.status == Entry.Status.HELD else [],
        "expired_now": entry.hold_expired(now),
        "payments": payments,
        # Nothing is paid yet when the only payment is the one due at the track: its
        # instructions say so, and a "receipt" would promise a payment that did not happen.
        "show_payments": paid or any(p is not due_at_track for p in payments),
        "paid": paid,
        "due_at_track": due_at_track,
        "due_amount": money.from_minor_units(due_at_track.amount_minor, due_at_track.currency)
        if due_at_track is not None
        else None,
        "pay_before": _first_start(entry.event) if due_at_track is not None else None,
    }
    return render(request, "events/entries/entry_detail.html", context)


def _first_start(event: Event) -> datetime:
    """When the driver must have paid at the track: the start of the first session."""
    first = event.sessions.order_by("starts_at").first()
    return first.starts_at if first is not None else event.starts_at


@login_required
@require_http_methods(["GET", "POST"])
def entry_pay(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_driver(request.user, pk)
    if request.method == "GET":
        # A bookmarked or pasted pay link: the entry page shows how (and whether) to pay.
        return redirect(entry.get_absolute_url())
    return _go_to_checkout(request, entry, request.POST.get("provider", ""))


@login_required
def entry_paid(request: HttpRequest, pk: int) -> HttpResponse:
    """Where Stripe, WeChat Pay and Alipay send the payer back: the redirect proves nothing, so
    ask the provider about the session or order."""
    entry = entry_for_driver(request.user, pk)
    session_id = request.GET.get("session_id", "")
    payment_id = request.GET.get("payment", "")
    if session_id or payment_id:
        try:
            if session_id:
                check_return(entry=entry, session_id=session_id)
            elif payment_id.isascii() and payment_id.isdigit():
                check_order_return(entry=entry, payment_id=int(payment_id))
        except EventsError as exc:
            messages.error(request, str(exc))
        except OperationalError:
            messages.warning(
                request, _("We are still confirming your payment; refresh in a moment.")
            )
    entry.refresh_from_db()
    if entry.status == Entry.Status.CONFIRMED:
        messages.success(request, _("Payment received: your entry is confirmed."))
    elif entry.status == Entry.Status.HELD:
        messages.info(
            request, _("Your payment is being processed. We will e-mail you when it is done.")
        )
    return redirect(entry.get_absolute_url())


@login_required
def entry_deposit_authorised(request: HttpRequest, pk: int) -> HttpResponse:
    """The deposit link's success_url: as for payments, ask Stripe rather than trust it."""
    entry = entry_for_driver(request.user, pk)
    session_id = request.GET.get("session_id", "")
    deposit = None
    if session_id:
        try:
            deposit = check_deposit_return(entry=entry, session_id=session_id)
        except EventsError as exc:
            messages.error(request, str(exc))
        except OperationalError:
            messages.warning(
                request, _("We are still confirming your deposit; refresh in a moment.")
            )
    if deposit is not None and deposit.status == Deposit.Status.HELD:
        messages.success(
            request, _("Your damage deposit is authorised on your card. Nothing is taken yet.")
        )
    elif deposit is not None and deposit.status == Deposit.Status.REQUESTED:
        messages.info(
            request, _("Your authorisation is being processed; this page shows it once done.")
        )
    return redirect(entry.get_absolute_url() + "#deposit")


@login_required
@require_http_methods(["GET", "POST"])
def entry_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_driver(request.user, pk)
    if request.method == "GET":
        return _confirm_cancel(request, entry)
    try:
        cancel_entry(entry_id=entry.pk, actor=request.user)
    except EventsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your entry is cancelled."))
    return redirect(entry.get_absolute_url())


def _confirm_cancel(request: HttpRequest, entry: Entry) -> HttpResponse:
    """What cancelling costs the driver today, before they press the button that does it."""
    if entry.status not in Entry.ACTIVE_STATUSES:
        messages.error(request, _("This entry is not active, so it cannot be cancelled."))
        return redirect(entry.get_absolute_url())
    percent = refund_percent(policy=entry.refund_policy, event=entry.event, now=timezone.now())
    paid = paid_minor(entry)
    consequences = [
        _("Your entry in %(class)s of %(event)s is cancelled and your place goes to someone else.")
        % {"class": entry.entry_class.name, "event": entry.event.title}
    ]
    if paid:
        consequences.append(
            _("You get %(percent)s%% of the %(amount)s %(currency)s you paid back.")
            % {
                "percent": percent,
                "amount": money.from_minor_units(paid, entry.currency),
                "currency": entry.currency,
            }
        )
    context = {
        "heading": _("Cancel your entry?"),
        "consequences": consequences,
        "action": request.path,
        "button": _("Cancel my entry"),
        "back": entry.get_absolute_url(),
    }
    return render(request, "confirm.html", context)


@login_required
@require_POST
def entry_offer(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_driver(request.user, pk)
    try:
        if request.POST.get("answer") == "accept":
            entry = accept_offer(entry_id=entry.pk, driver=request.user)
            if entry.status == Entry.Status.HELD:
                return _go_to_checkout(request, entry)
            messages.success(request, _("You took the place."))
        else:
            cancel_entry(entry_id=entry.pk, actor=request.user, reason="declined the offer")
            messages.success(request, _("You declined the place."))
    except EventsError as exc:
        messages.error(request, str(exc))
    return redirect(entry.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def co_driver_confirm(request: HttpRequest, token: str) -> HttpResponse:
    entry = (
        Entry.objects.select_related("event", "entry_class", "driver")
        .filter(co_driver_token=token)
        .exclude(co_driver_email="")
        .first()
    )
    if entry is None:
        raise Http404
    if request.method == "POST":
        try:
            confirm_co_driver(token=token, user=request.user)
        except EventsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You are confirmed as co-driver or navigator."))
            return redirect("events:my-entries")
    return render(request, "events/entries/co_driver_confirm.html", {"entry": entry})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = stripe.parse_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except stripe.InvalidWebhook as exc:
        logger.warning("refused a Stripe webhook: %s", exc)
        return HttpResponse("invalid signature", status=400, content_type="text/plain")
    try:
        fresh = handle_stripe_event(event)
    except OperationalError:
        # A lock wait timed out: nothing was stored, and Stripe retries a 503 later.
        logger.warning("Stripe event %s hit a lock timeout; asking Stripe to retry", event.id)
        return HttpResponse("busy, retry", status=503, content_type="text/plain")
    return HttpResponse("ok" if fresh else "duplicate", content_type="text/plain")
