"""A live session's deltas are numbered once: `?since=` resumes from an unambiguous point."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from live.models import LiveDelta, LiveSession


@pytest.mark.django_db
def test_a_second_delta_with_the_same_seq_is_refused() -> None:
    session = LiveSession.objects.create(name="Race 1")
    LiveDelta.objects.create(session=session, seq=1, payload={"type": "delta", "seq": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveDelta.objects.create(session=session, seq=1, payload={"type": "delta", "seq": 1})


@pytest.mark.django_db
def test_two_sessions_may_each_have_their_own_seq_one() -> None:
    first = LiveSession.objects.create(name="Race 1")
    second = LiveSession.objects.create(name="Race 2")
    LiveDelta.objects.create(session=first, seq=1, payload={})
    LiveDelta.objects.create(session=second, seq=1, payload={})
    assert list(second.deltas.values_list("seq", flat=True)) == [1]
    assert first.seq == 0 and first.mode == "race" and first.snapshot == {}
