from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from events.models import AuditLog, Deposit, Entry
from live.models import LiveSession, LiveTransponder
from racing.models import CompetitionClass, Licence, Membership, Organization

pytestmark = pytest.mark.django_db(transaction=True)


def demo_counts() -> dict[str, int]:
    models = (
        get_user_model(),
        Organization,
        Membership,
        CompetitionClass,
        Licence,
        Entry,
        Deposit,
        AuditLog,
        LiveSession,
        LiveTransponder,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_is_idempotent_and_prints_the_passwords(client):
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    counts = demo_counts()
    call_command("seed_demo", stdout=second)
    assert counts == demo_counts()
    assert Organization.objects.count() >= 2
    out = second.getvalue()
    for line in out.splitlines():
        if line.strip().startswith(("organizer", "driver")):
            _, email, _, password = line.split()[:4]
            assert client.login(
                username=get_user_model().objects.get(email=email).username, password=password
            )
            break
    else:
        pytest.fail("no demo credentials printed:\n" + out)
    assert "driver@paddock.demo" in out
