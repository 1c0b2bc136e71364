"""The API's 422 answers explain bad parameters in the reader's language, keeping the codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from config.api_errors import translate_error

pytestmark = pytest.mark.django_db


def problems(client: Client, url: str, language: str) -> dict[str, dict[str, Any]]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    return {item["loc"][-1]: item for item in response.json()["detail"]}


def test_chinese_by_default_with_type_loc_and_ctx_kept(client: Client) -> None:
    found = problems(client, "/api/events/?page=abc&q=" + "x" * 101, "zh-hans")

    assert found["page"]["msg"] == "请输入整数。"
    assert found["page"]["type"] == "int_parsing"
    assert found["page"]["loc"] == ["query", "page"]
    assert found["q"]["msg"] == "最多输入 100 个字符。"
    assert found["q"]["ctx"] == {"max_length": 100}


def test_english_on_request(client: Client) -> None:
    found = problems(client, "/api/events/?page=0&tier=bogus", "en")

    assert found["page"]["msg"] == "Enter a value of at least 1."
    assert found["tier"]["msg"].startswith("Choose one of: 'national', ")


def test_a_path_parameter_of_the_live_api_too(client: Client) -> None:
    found = problems(client, "/api/live/sessions/abc/", "zh-hans")

    assert found["session_id"]["msg"] == "请输入整数。"


def test_an_error_type_without_a_translation_keeps_pydantics_words() -> None:
    error = {"type": "uuid_parsing", "loc": ["query", "x"], "msg": "Input should be a valid UUID"}
    with translation.override("zh-hans"):
        assert translate_error(error) == error


def test_a_context_missing_the_placeholder_keeps_pydantics_words() -> None:
    error = {"type": "string_too_long", "loc": ["query", "q"], "msg": "too long", "ctx": {}}
    with translation.override("zh-hans"):
        assert translate_error(error) == error
