from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from events.models import CalendarToken


@transaction.atomic
def revoke_calendar_tokens(*, user: Any) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def issue_calendar_token(*, user: Any) -> CalendarToken:
    """A new secret feed address for the user; any previous one stops working."""
    revoke_calendar_tokens(user=user)
    return CalendarToken.objects.create(user=user)
