"""Staff change an existing live session's feed text encoding on the Live timing page; a running
ingest reads with it from its next connection to the timing system."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Session
from live.feeds.ingest import ingest
from live.models import LiveSession
from live.services.timing import create_live_session


@pytest.fixture
def live(organization) -> LiveSession:
    starts = timezone.now() + timedelta(days=1)
    event = Event.objects.create(
        organization=organization,
        title="Club Cup",
        slug="club-cup",
        tier="national",
        discipline="circuit",
        venue_name="Shanghai International Circuit",
        province="shanghai",
        city="Shanghai",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=Event.Status.PUBLISHED,
    )
    race = Session.objects.create(
        event=event,
        kind=Session.Kind.RACE,
        name="Final",
        starts_at=starts + timedelta(hours=2),
        ends_at=starts + timedelta(hours=3),
    )
    return create_live_session(
        name="Club Cup · Final", source=LiveSession.Source.RMONITOR, event_session=race
    )


def change(client, organization, live, value, language="en"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("live:timing-encoding", args=[organization.slug, live.pk]),
        {"feed_encoding": value},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.django_db
def test_staff_change_the_encoding_and_the_page_shows_it(
    client, staff_member, organization, live
) -> None:
    client.force_login(staff_member)
    page = client.get(reverse("live:timing", args=[organization.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("live:timing-encoding", args=[organization.slug, live.pk]) in page.text

    response = change(client, organization, live, "gb18030")

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.feed_encoding == "gb18030"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "from its next connection" in page.text
    assert '<option value="gb18030" selected>' in page.text


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["latin-1", "", "gb18030\x00"])
def test_a_bad_value_is_refused_with_a_translated_form_error(
    client, organizer, organization, live, value
) -> None:
    client.force_login(organizer)
    response = change(client, organization, live, value, language="zh-hans")
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.text or "这个字段是必填项" in response.text
    assert "数据流文本编码未更改" in response.text
    live.refresh_from_db()
    assert live.feed_encoding == "auto"


@pytest.mark.django_db
def test_another_organizations_session_is_not_found(
    client, organizer, other_organization, organization, live
) -> None:
    client.force_login(organizer)
    # The organizer is staff of `organization`; the session does not belong to other_organization.
    other = reverse("live:timing-encoding", args=[other_organization.slug, live.pk])
    assert client.post(other, {"feed_encoding": "utf-8"}).status_code == 404
    live.refresh_from_db()
    assert live.feed_encoding == "auto"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


FEED = '$A,"8","8",1001,"张","伟","CHN",1\r\n$C,1,"GT3"\r\n'.encode("gbk")


@pytest.mark.django_db(transaction=True)
async def test_a_running_ingest_reads_with_the_new_encoding_from_its_next_connection() -> None:
    session = await sync_to_async(create_live_session)(name="Live 1", feed_encoding="cp1252")
    seen: list[list[str]] = []

    def names() -> list[str]:
        return [row["name"] for row in LiveSession.objects.get(pk=session.pk).snapshot["rows"]]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not seen:
            # While the first connection is open, staff change the encoding (as the page does).
            await sync_to_async(
                lambda: LiveSession.objects.filter(pk=session.pk).update(feed_encoding="gb18030")
            )()
        else:
            seen.append(await sync_to_async(names)())
        seen.append([])
        writer.write(FEED)
        await writer.drain()
        writer.close()

    port = free_port()
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        stats = await ingest(
            session_id=session.pk,
            host="127.0.0.1",
            port=port,
            format="rmonitor",
            max_connections=2,
            initial_backoff_s=0.001,
        )
    assert stats.connections == 2
    # The first connection kept the encoding it started with; the second read the new one.
    assert seen[1] == ["ÕÅ Î°"]
    assert await sync_to_async(names)() == ["张 伟"]
