from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_site_speaks_chinese_by_default(client):
    response = client.get("/")
    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "登录" in response.content.decode()


def test_the_browser_language_selects_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_a_chinese_browser_variant_gets_simplified_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"


def test_the_language_switcher_is_one_click_away_and_remembered(client):
    page = client.get("/").content.decode()
    assert 'name="language" value="en"' in page
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
    assert 'value="zh-hans"' in response.content.decode()


def test_error_pages_are_translated(client):
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not found" in page
    page = client.get("/no-such-page/").content.decode()
    assert "未找到" in page


def test_no_page_loads_anything_from_another_host(client):
    page = client.get("/").content.decode()
    for marker in ('src="http', "src='http", 'href="http', "//cdn", "googleapis"):
        assert marker not in page
