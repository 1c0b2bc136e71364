"""seed_demo creates events in all four tiers, in several provinces, past and future, with
schedules and classes, and running it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import EntryClass, Event, Session, Tier

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_tier_and_several_provinces_past_and_future():
    call_command("seed_demo", stdout=StringIO())
    counts = (Event.objects.count(), Session.objects.count(), EntryClass.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert counts == (Event.objects.count(), Session.objects.count(), EntryClass.objects.count())

    public = Event.objects.exclude(status=Event.Status.DRAFT)
    assert set(public.values_list("tier", flat=True)) == set(Tier.values)
    assert public.values("province").distinct().count() >= 5
    now = timezone.now()
    assert public.filter(ends_at__lt=now).exists() and public.filter(starts_at__gt=now).exists()
    for event in public:
        assert event.sessions.exists() and event.entry_classes.exists(), event.slug
        for session in event.sessions.all():
            assert event.starts_at <= session.starts_at < session.ends_at <= event.ends_at
        event.full_clean()
