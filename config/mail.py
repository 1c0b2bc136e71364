"""The one way Paddock sends e-mail.

Every sender (event notices, co-driver invitations, bulk e-mail to entrants, staff invitations,
account mail from allauth) goes through here, so that the same rules hold everywhere:

- mail leaves only after the database change it reports is committed (a rolled-back change must
  not be announced, and a slow mail server must not hold the transaction open);
- subjects are made header-safe here, because a line break in a subject (an event title, a
  staff-written subject) makes Django refuse the whole message with ``BadHeaderError``;
- a failure to send never propagates: the action it reports is already committed, so an error
  page would tell the user it failed when it did not (and a retry would then be refused). Callers
  get a `Delivery` per message to record or report the failure instead.

This module is project-wide on purpose: `racing` may use it, and it imports neither app.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connections, transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from config import http_queue

logger = logging.getLogger(__name__)

# Long enough for an event title plus a prefix; mail clients cut far earlier, and RFC 5322 asks
# for lines under 998 characters, which header folding only keeps for text that has spaces.
SUBJECT_MAX_LENGTH = 200
ERROR_MAX_LENGTH = 500

SENT = "sent"
FAILED = "failed"
PENDING = "pending"


def header_safe(subject: str, *, limit: int = SUBJECT_MAX_LENGTH) -> str:
    """One line of printable text: line breaks and control characters become single spaces."""
    # Category C covers control, format and unassigned code points; Zl/Zp are the Unicode line
    # and paragraph separators, which some mail clients also treat as line ends.
    cleaned = "".join(
        " "
        if unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")
        else ch
        for ch in subject
    )
    folded = " ".join(cleaned.split())
    if len(folded) > limit:
        folded = folded[: limit - 1].rstrip() + "…"
    return folded


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
    to: list[str]
    from_email: str | None = None
    html: str = ""


@dataclass
class Delivery:
    mail: Mail
    status: str = PENDING
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def _fail(self, exc: BaseException) -> None:
        self.status = FAILED
        self.error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def _message(mail: Mail, connection: Any) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        header_safe(mail.subject),
        mail.body,
        mail.from_email or settings.DEFAULT_FROM_EMAIL,
        mail.to,
        connection=connection,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def deliver_now(deliveries: Sequence[Delivery]) -> None:
    """Send over one connection, filling in each delivery's status; never raises."""
    if not deliveries:
        return
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        logger.warning("mail server unreachable, %d message(s) not sent: %s", len(deliveries), exc)
        for delivery in deliveries:
            delivery._fail(exc)
        return
    try:
        for delivery in deliveries:
            try:
                _message(delivery.mail, connection).send()
            except Exception as exc:
                logger.warning("could not send mail to %s: %s", delivery.mail.to, exc)
                delivery._fail(exc)
            else:
                delivery.status = SENT
    finally:
        try:
            connection.close()
        except Exception:
            # The messages are already accepted or recorded as failed; a broken QUIT changes
            # neither.
            logger.debug("closing the mail connection failed", exc_info=True)


def after_commit(callback: Callable[[], None]) -> None:
    """Run a mail step once the current transaction commits (at once outside a transaction)."""
    # robust: an error in the step (even recording its result) is logged, never raised into a
    # request whose change is already committed.
    transaction.on_commit(callback, robust=True)


# One thread per process sends the mail handed to it, in order. A ThreadPoolExecutor's queued work
# is finished before the interpreter exits, so a server stopped the ordinary way (SIGTERM to
# uvicorn) sends what it was given first.
_background: ThreadPoolExecutor | None = None
_background_guard = threading.Lock()


def _background_thread() -> ThreadPoolExecutor:
    global _background
    with _background_guard:
        if _background is None:
            _background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="paddock-mail")
        return _background


def _wait_for_the_queue_to_clear(queued_at: float) -> None:
    """Let requests waiting for their turn into Django be answered first: a step waits until no
    request of this process has waited for PADDOCK_MAIL_QUIET_SECONDS, and at most until
    PADDOCK_MAIL_DEFER_SECONDS after it was queued. In an opening rush the winners' mails go out
    once the rush has been answered (composing them competes with the answers for the
    process's one interpreter); with no queue, at once."""
    deadline = queued_at + settings.PADDOCK_MAIL_DEFER_SECONDS
    while (now := time.monotonic()) < deadline:
        if http_queue.idle_for() >= settings.PADDOCK_MAIL_QUIET_SECONDS:
            return
        time.sleep(min(0.05, deadline - now))


def _run_in_background(callback: Callable[[], None], queued_at: float | None = None) -> None:
    try:
        if queued_at is not None:
            _wait_for_the_queue_to_clear(queued_at)
        callback()
    except Exception:
        logger.exception("mail step failed in the background")
    finally:
        # The thread's own database connections: back to the pool (or closed) between steps.
        connections.close_all()


def after_commit_in_background(callback: Callable[[], None]) -> None:
    """Run a mail step once the current transaction commits, on this process's mail thread, so
    the request answers without waiting for it (settings.PADDOCK_MAIL_IN_BACKGROUND; without it,
    as `after_commit`). The step must record what it sends (events.services.notifications does,
    as OutgoingMail rows that `manage.py retry_unsent_mail` tries again): a process killed
    outright before the step ran loses it, as one killed between a commit and its mail always
    did."""
    if not settings.PADDOCK_MAIL_IN_BACKGROUND:
        after_commit(callback)
        return

    def hand_over() -> None:
        _background_thread().submit(_run_in_background, callback, time.monotonic())

    after_commit(hand_over)


def wait_for_background_mail(timeout: float = 30) -> None:
    """Return once every mail step handed to this process's mail thread so far has run."""
    _background_thread().submit(lambda: None).result(timeout=timeout)


def send_after_commit(
    mails: Sequence[Mail], *, on_done: Callable[[list[Delivery]], None] | None = None
) -> list[Delivery]:
    """Queue mail for after commit; the returned deliveries are filled in when it is sent."""
    deliveries = [Delivery(mail) for mail in mails]

    def send() -> None:
        deliver_now(deliveries)
        if on_done is not None:
            on_done(deliveries)

    after_commit(send)
    return deliveries


@dataclass(frozen=True)
class SiteForMail:
    """What account e-mails call the site and where it is.

    Without django.contrib.sites allauth names the site after the request's host ("127.0.0.1:8811"),
    so the e-mails get the configured name and the domain of PADDOCK_SITE_URL instead.
    """

    name: str
    domain: str


def site_for_mail() -> SiteForMail:
    return SiteForMail(
        name=settings.PADDOCK_SITE_NAME, domain=urlsplit(settings.PADDOCK_SITE_URL).netloc
    )


class AccountMailAdapter(DefaultAccountAdapter):
    """allauth's mail (address confirmation, password reset) through the same path.

    The site's adapter (config.account_adapter) builds on this one.
    """

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": site_for_mail(),
            "site_url": settings.PADDOCK_SITE_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, full_context)
        body, html = str(message.body), ""
        if message.content_subtype == "html":
            body, html = strip_tags(body), body
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        mail = Mail(
            subject=str(message.subject),
            body=body,
            to=list(message.to),
            from_email=message.from_email,
            html=html,
        )

        def report(deliveries: list[Delivery]) -> None:
            # The account change is saved; the user can ask for the mail again from the page
            # that sent it, so tell them instead of showing an error page.
            if request is not None and any(d.failed for d in deliveries):
                messages.error(
                    request,
                    _(
                        "We could not send the e-mail to %(email)s just now. Please try "
                        "again in a few minutes."
                    )
                    % {"email": email},
                    fail_silently=True,
                )

        # Sent now rather than queued: allauth's views run in autocommit (no ATOMIC_REQUESTS),
        # so the account rows this mail is about are already committed when it is rendered.
        deliveries = [Delivery(mail)]
        deliver_now(deliveries)
        report(deliveries)
