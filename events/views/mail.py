"""Staff send again the event's mail that the mail server did not take."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events.models import OutgoingMail
from events.queries.events import event_for_staff
from events.services import notifications


@login_required
@require_POST
def manage_mail_resend(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    event = event_for_staff(request.user, org_slug, slug)
    rows = notifications.failed_mail(event)
    # One message from the list, or all of them; ids of another event's mail match nothing.
    chosen = request.POST.get("mail", "")
    if chosen:
        # Bounded so that no input (a 30-digit id, a Unicode digit) reaches the database as 500.
        valid = chosen.isascii() and chosen.isdigit() and len(chosen) <= 12
        rows = rows.filter(pk=int(chosen)) if valid else rows.none()
    tried = notifications.resend(rows)
    still_failing = sum(1 for row in tried if row.status == OutgoingMail.Status.FAILED)
    if not tried:
        messages.info(request, _("There is no unsent e-mail to send again."))
    elif still_failing:
        messages.error(
            request,
            _("%(failed)s of %(count)s could still not be sent. Try again later.")
            % {"failed": still_failing, "count": len(tried)},
        )
    else:
        messages.success(
            request,
            ngettext("%(count)s e-mail sent.", "%(count)s e-mails sent.", len(tried))
            % {"count": len(tried)},
        )
    return redirect(event.get_manage_url())
