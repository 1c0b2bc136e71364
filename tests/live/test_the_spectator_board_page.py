"""The board page embeds its snapshot and labels; the script takes over from there."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from live.models import LiveSession

ROW = {
    "key": "7",
    "position": 1,
    "number": "7",
    "name": "Min Zhang",
    "class": "GT4",
    "class_position": 1,
    "laps": 12,
}


def embedded(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, element_id
    return json.loads(match.group(1))


@pytest.fixture
def session(db: None) -> LiveSession:
    return LiveSession.objects.create(
        name="GT4 Sprint <Race 2>", mode="race", seq=8, snapshot={"seq": 8, "rows": [ROW]}
    )


def test_the_board_embeds_the_current_snapshot_in_one_query(client: Client, session) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/live/{session.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    snapshot = embedded(html, "live-snapshot")
    assert snapshot["seq"] == 8
    assert snapshot["rows"] == [ROW]
    assert f'data-socket="/ws/live/sessions/{session.pk}/"' in html
    assert "GT4 Sprint &lt;Race 2&gt;" in html
    assert "js/live-board.js" in html
    assert len(queries) == 1


def test_the_board_speaks_chinese_by_default_and_english_on_request(
    client: Client, session
) -> None:
    chinese = embedded(client.get(f"/live/{session.pk}/").content.decode(), "live-labels")
    english = embedded(
        client.get(f"/live/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode(),
        "live-labels",
    )

    assert english["flag_yellow"] == "Yellow flag"
    assert chinese["flag_yellow"] == "黄旗"
    assert chinese.keys() == english.keys()


def test_an_unknown_live_session_is_a_404(client: Client, db: None) -> None:
    assert client.get("/live/424242/").status_code == 404
