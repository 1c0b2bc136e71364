"""Every URL of the site, tried as every kind of visitor, against the access each one should have.

The routes come from the URL configuration itself, so a new URL is covered the moment it exists:
if it is not in RULES below, the test fails and says what to add. Each route is requested as an
anonymous visitor, a driver (who owns the private data and the entry), another driver, staff of a
rival organization, staff and the owner of the organization that owns the objects. Every response
body is also searched for marker strings planted in private fields (identity numbers, medical and
guardian details, phone numbers, e-mail addresses): a role that should not see a person's data
must never receive it, whatever the page.

Each request runs in a savepoint that is rolled back, so a POST (publish, cancel, delete) made by
an allowed role does not change the world the next request sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.views.regularity import passport_token
from tests import world as w
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "driver", "other_driver", "rival", "staff", "owner")

# Access kinds and what each role gets.
PUBLIC = "public"  # anyone: 200
PUBLIC_TOKEN = "public-token"  # anyone holding the secret in the URL (calendar apps cannot log in)
SIGNED_IN = "signed-in"  # any logged-in user: their own view of it
TOKEN = "token"  # any logged-in user holding the secret in the URL (invitations, co-driver)
STAFF = "staff"  # members of the owning organization
OWNER = "owner"  # owners of the owning organization; staff get 403
DRIVER = "driver"  # the driver who owns the object
WEBHOOK = "webhook"  # no session at all; refused without a valid signature
# An official of the driver's event (scrutineer, medical officer, clerk of the course) reveals
# private data: in the world, staff is the event's scrutineer; the owner has no duty there (403).
REVEALER = "revealer"

LOGIN = "302 to login"
OK = "ok"
NOT_FOUND = "404"
FORBIDDEN = "403"
BAD_REQUEST = "400"

EXPECTED: dict[str, dict[str, str]] = {
    PUBLIC: dict.fromkeys(ROLES, OK),
    PUBLIC_TOKEN: dict.fromkeys(ROLES, OK),
    SIGNED_IN: {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN},
    TOKEN: {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN},
    STAFF: {
        **dict.fromkeys(ROLES, NOT_FOUND),
        "anonymous": LOGIN,
        "staff": OK,
        "owner": OK,
    },
    OWNER: {
        **dict.fromkeys(ROLES, NOT_FOUND),
        "anonymous": LOGIN,
        "staff": FORBIDDEN,
        "owner": OK,
    },
    DRIVER: {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": LOGIN, "driver": OK},
    WEBHOOK: dict.fromkeys(ROLES, BAD_REQUEST),
    REVEALER: {
        **dict.fromkeys(ROLES, NOT_FOUND),
        "anonymous": LOGIN,
        "staff": OK,
        "owner": FORBIDDEN,
    },
}

# Whose personal data each role may receive. The driver has entered the organization's events,
# so its staff may see what the driver gave for those entries (racing.queries.privacy).
DRIVER_DATA = (*w.DRIVER_PRIVATE.values(), w.DRIVER_EMAIL, w.CO_DRIVER_EMAIL)
MEMBER_EMAILS = (w.OWNER_EMAIL, w.STAFF_EMAIL, w.INVITEE_EMAIL)
ALL_MARKERS = (*DRIVER_DATA, *MEMBER_EMAILS, w.OTHER_DRIVER_EMAIL, w.RIVAL_EMAIL)
MAY_SEE: dict[str, tuple[str, ...]] = {
    "anonymous": (),
    "driver": DRIVER_DATA,
    "other_driver": (w.OTHER_DRIVER_EMAIL,),
    "rival": (w.RIVAL_EMAIL,),
    "staff": (*DRIVER_DATA, *MEMBER_EMAILS),
    "owner": (*DRIVER_DATA, *MEMBER_EMAILS),
}


@dataclass(frozen=True)
class Rule:
    access: str
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    method: str = "get"
    # What an allowed GET answers when it is not a page (a redirect, or ninja's root).
    ok_status: int = 200
    # Personal data a token holder is meant to see (the address the invitation was sent to).
    token_reveals: tuple[str, ...] = ()


def org(world: World) -> dict[str, Any]:
    return {"org_slug": world.organization.slug}


def managed(world: World) -> dict[str, Any]:
    return {"org_slug": world.organization.slug, "slug": world.event.slug}


def finished(world: World) -> dict[str, Any]:
    return {"org_slug": world.organization.slug, "slug": world.finished_event.slug}


def race(world: World) -> dict[str, Any]:
    return {**finished(world), "session_id": world.race.pk}


def runs(world: World) -> dict[str, Any]:
    return {**finished(world), "session_id": world.extra["runs_session"].pk}


def championship(world: World) -> dict[str, Any]:
    return {"org_slug": world.organization.slug, "slug": world.championship.slug}


def competition_class(world: World) -> dict[str, Any]:
    return {
        "org_slug": world.organization.slug,
        "class_slug": world.extra["competition_class"].slug,
    }


def entered_driver(world: World) -> dict[str, Any]:
    return {"org_slug": world.organization.slug, "profile_id": world.extra["profile"].pk}


def live_transponder(world: World) -> dict[str, Any]:
    return {
        **org(world),
        "live_id": world.live_session.pk,
        "mapping_id": world.extra["live_transponder"].pk,
    }


RULES: dict[str, Rule] = {
    # config
    "healthz": Rule(PUBLIC),
    # read API (django-ninja): public data only
    # ninja's root exists only so that reverse("api:api-root") works: it answers 404 to all.
    "api:api-root": Rule(PUBLIC, ok_status=404),
    "api:openapi-json": Rule(PUBLIC),
    "api:openapi-view": Rule(PUBLIC),
    "api:list_events": Rule(PUBLIC),
    "api:get_event": Rule(PUBLIC, lambda x: {"slug": x.event.slug}),
    "api:event_results": Rule(PUBLIC, lambda x: {"slug": x.finished_event.slug}),
    "api:championship_standings": Rule(PUBLIC, lambda x: {"slug": x.championship.slug}),
    "api:live-session-snapshot": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk}),
    "api:live-session-messages": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk}),
    "api:live-session-replay": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk}),
    # racing: organizations
    "racing:organizer-home": Rule(SIGNED_IN),
    "racing:organization-create": Rule(SIGNED_IN),
    "racing:organization-detail": Rule(STAFF, lambda x: {"slug": x.organization.slug}),
    "racing:organization-edit": Rule(OWNER, lambda x: {"slug": x.organization.slug}),
    "racing:invitation-create": Rule(OWNER, lambda x: {"slug": x.organization.slug}, method="post"),
    "racing:invitation-resend": Rule(
        OWNER, lambda x: {"slug": x.organization.slug, "pk": x.invitation.pk}, method="post"
    ),
    "racing:invitation-accept": Rule(
        TOKEN, lambda x: {"token": x.invitation.token}, token_reveals=(w.INVITEE_EMAIL,)
    ),
    # racing: the privacy notice and a person's rights over their data (racing.views.privacy)
    "racing:privacy-notice": Rule(PUBLIC),
    "racing:my-privacy": Rule(SIGNED_IN),
    "racing:consent-withdraw": Rule(SIGNED_IN, method="post", ok_status=302),
    "racing:my-data-export": Rule(SIGNED_IN),
    "racing:account-delete": Rule(SIGNED_IN),
    # racing: a driver's own profile, licences and garage (racing.views.drivers)
    "racing:profile": Rule(SIGNED_IN),
    "racing:profile-edit": Rule(SIGNED_IN),
    "racing:licence-list": Rule(SIGNED_IN),
    "racing:licence-create": Rule(SIGNED_IN),
    "racing:licence-edit": Rule(DRIVER, lambda x: {"pk": x.extra["licence"].pk}),
    "racing:licence-delete": Rule(DRIVER, lambda x: {"pk": x.extra["licence"].pk}, method="post"),
    "racing:licence-document": Rule(DRIVER, lambda x: {"pk": x.extra["licence"].pk}),
    "racing:vehicle-list": Rule(SIGNED_IN),
    "racing:vehicle-create": Rule(SIGNED_IN),
    "racing:vehicle-edit": Rule(DRIVER, lambda x: {"pk": x.extra["vehicle"].pk}),
    "racing:vehicle-delete": Rule(DRIVER, lambda x: {"pk": x.extra["vehicle"].pk}, method="post"),
    # racing: competition classes and entered drivers (racing.views.classes)
    "racing:class-list": Rule(STAFF, org),
    "racing:class-create": Rule(STAFF, org),
    "racing:class-detail": Rule(STAFF, competition_class),
    "racing:class-edit": Rule(STAFF, competition_class),
    "racing:class-archive": Rule(STAFF, competition_class, method="post"),
    "racing:organizer-driver": Rule(STAFF, entered_driver),
    "racing:licence-verify": Rule(
        STAFF, lambda x: {**entered_driver(x), "licence_id": x.extra["licence"].pk}, method="post"
    ),
    # Revealing private data in full: only an official of the driver's event, stating why.
    "racing:organizer-driver-reveal": Rule(REVEALER, entered_driver, method="post"),
    # A scan is opened by an official who revealed the driver's data a moment ago (the world
    # holds such a reveal by staff).
    "racing:organizer-licence-document": Rule(
        REVEALER, lambda x: {**entered_driver(x), "licence_id": x.extra["licence"].pk}
    ),
    # events: public pages and feeds
    "events:home": Rule(PUBLIC),
    "events:event-list": Rule(PUBLIC),
    "events:event-detail": Rule(PUBLIC, lambda x: {"slug": x.event.slug}),
    "events:event-ics": Rule(PUBLIC, lambda x: {"slug": x.event.slug}),
    "events:tier-feed": Rule(PUBLIC, lambda x: {"tier": "national"}),
    "events:results-csv-guide": Rule(PUBLIC),
    "events:organization-feed": Rule(PUBLIC, lambda x: {"slug": x.organization.slug}),
    "events:personal-calendar": Rule(SIGNED_IN),
    "events:personal-feed": Rule(PUBLIC_TOKEN, lambda x: {"token": x.calendar_token.token}),
    # events: organizer pages
    "events:manage-events": Rule(STAFF, org),
    "events:event-create": Rule(STAFF, org),
    "events:manage-event": Rule(STAFF, managed),
    "events:event-edit": Rule(STAFF, managed),
    "events:event-publish": Rule(
        STAFF, lambda x: {**managed(x), "slug": x.draft_event.slug}, method="post"
    ),
    "events:event-cancel": Rule(STAFF, managed),
    "events:event-duplicate": Rule(STAFF, managed),
    "events:session-create": Rule(STAFF, managed),
    "events:session-edit": Rule(STAFF, lambda x: {**managed(x), "pk": x.session.pk}),
    "events:session-delete": Rule(
        STAFF, lambda x: {**managed(x), "pk": x.session.pk}, method="post"
    ),
    "events:class-create": Rule(STAFF, managed),
    "events:class-edit": Rule(STAFF, lambda x: {**managed(x), "pk": x.entry_class.pk}),
    "events:class-delete": Rule(
        STAFF, lambda x: {**managed(x), "pk": x.entry_class.pk}, method="post"
    ),
    # events: registration (driver side)
    "events:entry-create": Rule(SIGNED_IN, lambda x: {"slug": x.event.slug}),
    "events:my-entries": Rule(SIGNED_IN),
    "events:entry-detail": Rule(DRIVER, lambda x: {"pk": x.entry.pk}),
    "events:entry-pay": Rule(DRIVER, lambda x: {"pk": x.entry.pk}, method="post"),
    # Stripe's return address: checks the payment, then redirects to the entry.
    "events:entry-paid": Rule(DRIVER, lambda x: {"pk": x.entry.pk}, ok_status=302),
    "events:entry-deposit-authorised": Rule(DRIVER, lambda x: {"pk": x.entry.pk}, ok_status=302),
    "events:entry-cancel": Rule(DRIVER, lambda x: {"pk": x.entry.pk}, method="post"),
    "events:entry-offer": Rule(DRIVER, lambda x: {"pk": x.entry.pk}, method="post"),
    "events:co-driver-confirm": Rule(
        TOKEN, lambda x: {"token": x.entry.co_driver_token}, token_reveals=(w.CO_DRIVER_EMAIL,)
    ),
    "events:stripe-webhook": Rule(WEBHOOK, method="post"),
    "events:wechatpay-notify": Rule(
        WEBHOOK, lambda x: {"account_id": x.extra["wechatpay"].pk}, method="post"
    ),
    "events:alipay-notify": Rule(
        WEBHOOK, lambda x: {"account_id": x.extra["alipay"].pk}, method="post"
    ),
    "events:entry-pay-wechat": Rule(
        DRIVER, lambda x: {"pk": x.entry.pk, "payment_id": x.extra["wechat_payment"].pk}
    ),
    "events:entry-pay-wechat-signed-in": Rule(DRIVER, lambda x: {"pk": x.entry.pk}, ok_status=302),
    "events:entry-fapiao": Rule(DRIVER, lambda x: {"pk": x.entry.pk}),
    "events:entry-fapiao-file": Rule(DRIVER, lambda x: {"pk": x.entry.pk}),
    "events:merchant-settings": Rule(OWNER, org),
    "events:merchant-test": Rule(
        OWNER, lambda x: {**org(x), "provider": "wechatpay"}, method="post"
    ),
    "events:fapiao-queue": Rule(STAFF, managed),
    "events:fapiao-export": Rule(STAFF, lambda x: {**managed(x), "fmt": "xlsx"}),
    "events:fapiao-issue": Rule(
        STAFF, lambda x: {**managed(x), "pk": x.extra["fapiao"].pk}, method="post"
    ),
    "events:fapiao-reverse": Rule(
        STAFF, lambda x: {**managed(x), "pk": x.extra["fapiao"].pk}, method="post"
    ),
    "events:fapiao-file": Rule(STAFF, lambda x: {**managed(x), "pk": x.extra["fapiao"].pk}),
    # events: entry management (organizer side)
    "events:manage-entries": Rule(STAFF, managed),
    "events:manage-entries-csv": Rule(STAFF, managed),
    "events:manage-entries-email": Rule(STAFF, managed, method="post"),
    "events:manage-refund-cancelled-event": Rule(STAFF, managed, method="post"),
    "events:manage-refund-policy": Rule(STAFF, managed, method="post"),
    "events:manage-entries-check-in": Rule(STAFF, managed, method="post"),
    "events:manage-entry": Rule(STAFF, lambda x: {**managed(x), "pk": x.entry.pk}),
    # The event's audit trail: its details may hold the driver's data (staff may see it).
    "events:manage-audit": Rule(STAFF, managed),
    # Officials of an event: staff read the list; adding one is for owners (empty POST: 403
    # for staff, 400 for owners).
    "events:event-officials": Rule(STAFF, managed),
    "events:event-official-remove": Rule(
        OWNER, lambda x: {**managed(x), "pk": x.extra["official"].pk}, method="post"
    ),
    "events:retention-schedule": Rule(STAFF, org),
    "events:manage-audit-csv": Rule(STAFF, managed),
    # Sends the event's unsent mail again (to its drivers): any staff member, like bulk e-mail.
    "events:manage-mail-resend": Rule(STAFF, managed, method="post"),
    # Damage deposits: any staff member (they are taken and settled at the track).
    "events:manage-deposit": Rule(
        STAFF, lambda x: {**managed(x), "pk": x.entry.pk, "action": "release"}, method="post"
    ),
    "events:manage-entry-action": Rule(
        STAFF, lambda x: {**managed(x), "pk": x.entry.pk, "action": "cancel"}, method="post"
    ),
    # events: results and championships
    "events:event-results": Rule(PUBLIC, lambda x: {"slug": x.finished_event.slug}),
    "events:session-results": Rule(
        PUBLIC, lambda x: {"slug": x.finished_event.slug, "session_id": x.race.pk}
    ),
    "events:session-results-print": Rule(
        PUBLIC, lambda x: {"slug": x.finished_event.slug, "session_id": x.race.pk}
    ),
    "events:session-results-csv": Rule(
        PUBLIC, lambda x: {"slug": x.finished_event.slug, "session_id": x.race.pk}
    ),
    "events:driver-results": Rule(PUBLIC, lambda x: {"user_id": x.driver.pk}),
    "events:results-manage": Rule(STAFF, finished),
    "events:results-edit": Rule(STAFF, race),
    "events:results-upload": Rule(STAFF, race),
    "events:laps-upload": Rule(STAFF, race),
    "events:results-official": Rule(STAFF, race, method="post"),
    # events: kart meetings and efficiency runs
    "events:kart-meeting": Rule(STAFF, finished),
    "events:efficiency-entry": Rule(
        STAFF, lambda x: {**finished(x), "session_id": x.extra["efficiency_run"].pk}
    ),
    "events:kart-grid": Rule(
        PUBLIC, lambda x: {"slug": x.finished_event.slug, "session_id": x.extra["kart_final"].pk}
    ),
    "events:efficiency-board": Rule(
        PUBLIC,
        lambda x: {"slug": x.finished_event.slug, "session_id": x.extra["efficiency_run"].pk},
    ),
    # events: the staff page at the line of a timed-runs session
    "events:timed-runs": Rule(STAFF, runs),
    "events:timed-runs-official": Rule(STAFF, runs, method="post"),
    # events: regularity routes (staff), the marshal's control page (its token), standings
    "events:route-manage": Rule(STAFF, race),
    "events:control-create": Rule(STAFF, race),
    "events:control-edit": Rule(STAFF, lambda x: {**race(x), "control_id": x.extra["control"].pk}),
    "events:control-remove": Rule(
        STAFF, lambda x: {**race(x), "control_id": x.extra["control"].pk}, method="post"
    ),
    "events:control-revoke": Rule(
        STAFF, lambda x: {**race(x), "control_id": x.extra["control"].pk}, method="post"
    ),
    "events:control-qr": Rule(STAFF, lambda x: {**race(x), "control_id": x.extra["control"].pk}),
    "events:route-publish": Rule(STAFF, race, method="post"),
    "events:route-results": Rule(STAFF, race, method="post"),
    "events:route-rules": Rule(STAFF, race, method="post"),
    "events:route-card-print": Rule(STAFF, race),
    "events:stamps-manage": Rule(STAFF, race),
    # The control page needs no account: the token in its QR code is the marshal's credential.
    "events:control-page": Rule(PUBLIC_TOKEN, lambda x: {"token": x.extra["control"].token}),
    "events:control-sync": Rule(
        PUBLIC_TOKEN, lambda x: {"token": x.extra["control"].token}, method="post"
    ),
    "events:crews-manage": Rule(STAFF, race),
    "events:roll-call": Rule(STAFF, race),
    # A crew's passport link is its credential; a waypoint's page is for anyone who scans it.
    "events:passport": Rule(
        PUBLIC_TOKEN,
        lambda x: {"token": passport_token(x.entry.pk)},
    ),
    "events:waypoint": Rule(PUBLIC_TOKEN, lambda x: {"token": x.extra["waypoint"].waypoint_token}),
    "events:route-card": Rule(
        PUBLIC, lambda x: {"slug": x.finished_event.slug, "session_id": x.race.pk}
    ),
    "events:regularity-standings": Rule(
        PUBLIC, lambda x: {"slug": x.finished_event.slug, "session_id": x.race.pk}
    ),
    "events:crew-detail": Rule(
        PUBLIC, lambda x: {"slug": x.finished_event.slug, "session_id": x.race.pk, "number": 7}
    ),
    "events:championship-list": Rule(PUBLIC),
    "events:championship-detail": Rule(PUBLIC, lambda x: {"slug": x.championship.slug}),
    "events:championship-manage-list": Rule(STAFF, org),
    "events:championship-manage": Rule(STAFF, championship),
    "events:championship-round-add": Rule(STAFF, championship, method="post"),
    "events:championship-season": Rule(STAFF, championship, method="post"),
    "events:championship-promotion-exception": Rule(STAFF, championship, method="post"),
    "events:championship-round-remove": Rule(
        STAFF,
        lambda x: {**championship(x), "round_id": x.championship_round.pk},
        method="post",
    ),
    # live
    "live:board": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk}),
    "live:publish-results": Rule(STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}),
    "live:timing": Rule(STAFF, org),
    "live:timing-start": Rule(STAFF, lambda x: {**org(x), "session_id": x.race.pk}, method="post"),
    "live:timing-finish": Rule(
        STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}, method="post"
    ),
    "live:timing-encoding": Rule(
        STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}, method="post"
    ),
    "live:transponders": Rule(STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}),
    "live:transponder-add": Rule(
        STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}, method="post"
    ),
    "live:transponder-edit": Rule(STAFF, live_transponder, method="post"),
    "live:transponder-remove": Rule(STAFF, live_transponder, method="post"),
    "live:replay": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk}),
    "live:replay-deltas": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk}),
    "javascript-catalog": Rule(PUBLIC),
    "live:race-control-log": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk}),
    "live:car": Rule(PUBLIC, lambda x: {"session_id": x.live_session.pk, "car_key": "7"}),
    "live:records": Rule(PUBLIC),
    "live:race-control": Rule(STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}),
    "live:race-control-post": Rule(
        STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}, method="post"
    ),
    "live:race-control-pit": Rule(
        STAFF, lambda x: {**org(x), "live_id": x.live_session.pk}, method="post"
    ),
    "live:race-control-withdraw": Rule(
        STAFF,
        lambda x: {
            **org(x),
            "live_id": x.live_session.pk,
            "message_id": x.extra["race_control_message"].pk,
        },
        method="post",
    ),
}

# Reviewed exemptions: URL prefixes served by third-party code with its own, tested access rules.
EXEMPT_PREFIXES = {
    "admin/": "Django's admin: only is_staff users, checked by django.contrib.admin itself",
    "accounts/": "django-allauth's sign-up, login and account pages (tests/test_accounts.py)",
    "i18n/": "Django's set_language: stores a language choice, shows no data",
    "media/": "development-only static serving of public uploads (DEBUG)",
}


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(prefix + str(entry.pattern), name)


def site_routes() -> list[Route]:
    routes = []
    for route in walk(get_resolver().url_patterns):
        plain = route.pattern.lstrip("^")
        if plain.startswith(tuple(EXEMPT_PREFIXES)):
            continue
        routes.append(route)
    return routes


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    return build_world(make_user)


@pytest.fixture
def clients(world: World) -> dict[str, Client]:
    users = {
        "driver": world.driver,
        "other_driver": world.other_driver,
        "rival": world.rival,
        "staff": world.staff,
        "owner": world.owner,
    }
    # A view that raises must show up as a 500 in the report, not stop the sweep.
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    return clients


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        text = b"".join(response.streaming_content).decode("utf-8", "replace")
    else:
        text = response.content.decode("utf-8", "replace")
    # iCalendar folds long lines (RFC 5545 3.1): unfold so a marker split across lines is found.
    return text.replace("\r\n ", "").replace("\n ", "")


def outcome_problem(expected: str, rule: Rule, response: Any) -> str | None:
    method = rule.method
    status = response.status_code
    location = response.headers.get("Location", "")
    login = reverse("account_login")
    if expected == OK:
        if method == "get" and status == rule.ok_status and not location.startswith(login):
            return None
        # An empty POST may be refused as invalid input (400): that is past the permission check.
        if method == "post" and status in (200, 302, 303, 400) and not location.startswith(login):
            return None
    elif expected == LOGIN:
        if status == 302 and location.startswith(login):
            return None
    elif str(status) == expected:
        return None
    return f"expected {expected}, got {status} {location}".strip()


def request(client: Client, url: str, method: str) -> Any:
    # Rolled back after each request so POSTs by allowed roles leave the world as it was.
    with transaction.atomic():
        response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
        body = body_of(response)
        transaction.set_rollback(True)
    return response, body


def test_every_route_is_in_the_matrix_with_arguments_it_can_build(world):
    problems = []
    for route in site_routes():
        if not route.name:
            problems.append(f"{route.pattern!r} has no URL name: name it, then add it to RULES")
            continue
        rule = RULES.get(route.name)
        if rule is None:
            problems.append(
                f"{route.name} ({route.pattern}) is not in the authorization matrix: add it to "
                "RULES in tests/test_authorization_matrix.py with who may see it and how to "
                "build its URL from the World in tests/world.py"
            )
            continue
        try:
            reverse(route.name, kwargs=rule.kwargs(world))
        except Exception as exc:
            problems.append(
                f"{route.name} ({route.pattern}): cannot build its URL from the world "
                f"({type(exc).__name__}: {exc}); fix its kwargs in RULES, adding objects to "
                "tests/world.py if needed"
            )
    assert not problems, "\n".join(problems)


def test_rules_do_not_outlive_their_routes():
    names = {route.name for route in site_routes()}
    stale = sorted(set(RULES) - names)
    assert not stale, f"remove these from RULES, their URLs are gone: {stale}"


def test_every_route_gives_each_role_what_it_should_and_no_one_elses_data(world, clients):
    failures: list[str] = []
    seen_markers: set[str] = set()
    for route in site_routes():
        rule = RULES.get(route.name)
        if rule is None:
            continue  # reported by the test above
        url = reverse(route.name, kwargs=rule.kwargs(world))
        for role in ROLES:
            response, body = request(clients[role], url, rule.method)
            if response.status_code >= 500:
                failures.append(f"{role:12} {rule.method.upper()} {url}: server error")
                continue
            problem = outcome_problem(EXPECTED[rule.access][role], rule, response)
            if problem:
                failures.append(f"{role:12} {rule.method.upper()} {url} ({route.name}): {problem}")
            allowed = set(MAY_SEE[role])
            if rule.access in (TOKEN, PUBLIC_TOKEN) and role != "anonymous":
                allowed |= set(rule.token_reveals)
            for marker in ALL_MARKERS:
                if marker in body:
                    seen_markers.add(marker)
                    if marker not in allowed:
                        failures.append(
                            f"{role:12} {rule.method.upper()} {url} ({route.name}): "
                            f"response contains someone else's personal data {marker!r}"
                        )
    assert not failures, "\n".join(failures)
    # The search must be able to find something: the people themselves see their own data.
    assert w.DRIVER_EMAIL in seen_markers
    assert w.OWNER_EMAIL in seen_markers


def test_a_wrong_token_in_a_url_reveals_nothing(world, clients):
    for name, rule in RULES.items():
        if rule.access not in (TOKEN, PUBLIC_TOKEN):
            continue
        url = reverse(name, kwargs={**rule.kwargs(world), "token": "not-the-token"})
        response, body = request(clients["other_driver"], url, rule.method)
        # 404, or a page that says the link is not valid; never the object behind the real token.
        assert response.status_code in (200, 404), f"{name}: {response.status_code}"
        for secret in (*ALL_MARKERS, world.organization.name, world.event.title):
            if secret != w.OTHER_DRIVER_EMAIL:
                assert secret not in body, f"{name} with a wrong token shows {secret!r}"


def test_organizer_pages_of_a_draft_are_hidden_from_the_public(world, clients):
    # A draft event exists only for its organization's staff.
    for name in ("events:event-detail", "events:event-ics", "api:get_event"):
        response, _ = request(
            clients["rival"], reverse(name, kwargs={"slug": world.draft_event.slug}), "get"
        )
        assert response.status_code == 404, name
    listing = body_of(Client().get(reverse("events:event-list")))
    assert world.draft_event.title not in listing
    assert world.event.title in listing


def test_pages_need_no_inline_script_or_style(world, clients):
    """The content security policy forbids inline code, so no page may rely on it."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>")
    inline_style = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)
    failures = []
    for route in site_routes():
        rule = RULES.get(route.name)
        if rule is None or rule.method != "get":
            continue
        url = reverse(route.name, kwargs=rule.kwargs(world))
        for role in ("anonymous", "owner", "driver"):
            response, body = request(clients[role], url, "get")
            if "text/html" not in response.headers.get("Content-Type", ""):
                continue
            for pattern in (inline_script, inline_style):
                match = pattern.search(body)
                if match:
                    failures.append(f"{url} as {role}: {match.group(0)!r}")
    assert not failures, "\n".join(sorted(set(failures)))
