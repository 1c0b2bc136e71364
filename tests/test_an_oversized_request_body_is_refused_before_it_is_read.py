"""On a real uvicorn server, a request body over its route's limit is answered 413 before it is
read: a declared Content-Length at once, a chunked body as soon as it passes the limit.

Django's ASGI handler reads the whole body into a temporary file before anything else runs, so an
anonymous 2 GB POST to /healthz used to fill /tmp. Each test here proves the body was not read by
getting the 413 while the client has sent only a small part of its 50 MB.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from allauth.account.models import EmailAddress
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from PIL import Image

from racing.models import Licence, LicenceIssuer
from tests.racing.factories import make_profile
from tests.servers import uvicorn_in_this_loop

FIFTY_MB = 50 * 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture
async def server() -> AsyncIterator[int]:
    async with uvicorn_in_this_loop() as port:
        yield port


async def open_socket(port: int) -> socket.socket:
    sock = socket.socket()
    # A small send buffer: what the client has sent is close to what reached the server.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, CHUNK)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return sock


async def read_answer(sock: socket.socket) -> bytes:
    loop = asyncio.get_running_loop()
    answer = b""
    while chunk := await asyncio.wait_for(loop.sock_recv(sock, 65536), 10):
        answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert match, answer[:200]
    return int(match.group(1))


async def declare_50_mb_and_read_the_answer(port: int, path: str, language: str) -> bytes:
    """Sends only the head of a 50 MB POST: a server that read the body first would wait here
    until the timeout."""
    sock = await open_socket(port)
    await asyncio.get_running_loop().sock_sendall(
        sock,
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {FIFTY_MB}\r\nAccept-Language: {language}\r\n\r\n"
        ).encode(),
    )
    answer = await read_answer(sock)
    sock.close()
    return answer


async def test_a_declared_50_mb_body_is_refused_before_a_byte_of_it_is_sent(server: int) -> None:
    answer = await declare_50_mb_and_read_the_answer(server, "/healthz", "en")
    assert status_of(answer) == 413
    assert b"at most 1 MB" in answer
    assert len(answer) < 1000


async def test_a_chunked_50_mb_body_is_cut_off_at_the_limit(server: int) -> None:
    sock = await open_socket(server)
    loop = asyncio.get_running_loop()
    await loop.sock_sendall(
        sock,
        b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    answer_task = asyncio.create_task(read_answer(sock))
    chunk = f"{CHUNK:x}\r\n".encode() + b"x" * CHUNK + b"\r\n"
    sent = 0
    while sent < FIFTY_MB and not answer_task.done():
        try:
            await asyncio.wait_for(loop.sock_sendall(sock, chunk), 10)
        except (ConnectionResetError, BrokenPipeError, TimeoutError):
            break  # the server closed after answering: what it sent is still readable
        sent += CHUNK
    answer = await answer_task
    sock.close()
    assert status_of(answer) == 413
    # The limit is 1 MB; the rest is what the sockets' buffers held when the answer came.
    assert sent < 8 * 1024 * 1024, f"sent {sent} bytes before the answer"


async def test_the_limit_answers_in_the_readers_language(server: int) -> None:
    answer = await declare_50_mb_and_read_the_answer(server, "/accounts/login/", "zh-CN,zh;q=0.9")
    assert status_of(answer) == 413
    assert "请求过大" in answer.decode()


def noise_png(size_bytes: int) -> bytes:
    side = int((size_bytes / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signed_in_driver() -> tuple[Any, str]:
    user = get_user_model().objects.create_user(
        username="upload.driver", email="upload.driver@example.test", password="x-secret-42"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    make_profile(user)
    client = Client()
    client.force_login(user)
    return user, client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
async def test_a_licence_scan_over_the_small_limit_still_uploads(server: int) -> None:
    user, session = await sync_to_async(signed_in_driver)()
    issuer, _ = await LicenceIssuer.objects.aget_or_create(
        code="CAMF", defaults={"name_zh": "中国汽车摩托车运动联合会", "name_en": "CAMF"}
    )
    scan = noise_png(3 * 1024 * 1024)
    assert 1024 * 1024 < len(scan) < 10 * 1024 * 1024
    today = timezone.localdate()
    token = "k" * 32  # Django accepts its unmasked CSRF secret in the form as well
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{server}",
        cookies={"sessionid": session, "csrftoken": token},
        timeout=30,
    ) as http:
        response = await http.post(
            reverse("racing:licence-create"),
            data={
                "csrfmiddlewaretoken": token,
                "issuer": str(issuer.pk),
                "discipline": "circuit",
                "is_temporary": "on",
                "number": "TMP-0042",
                "valid_from": today.isoformat(),
                "valid_to": (today + timedelta(days=365)).isoformat(),
                "medical_valid_to": (today + timedelta(days=365)).isoformat(),
            },
            files={"document": ("scan.png", scan, "image/png")},
        )
    assert response.status_code == 302, response.text[:500]
    licence = await Licence.objects.aget(profile__user=user)
    with licence.document.open("rb") as stored:
        assert stored.read() == scan


def test_every_upload_route_named_in_the_settings_exists(settings: Any) -> None:
    # A renamed upload view would otherwise silently fall back to the small limit.
    resolver = get_resolver()
    for name in settings.PADDOCK_UPLOAD_URL_NAMES:
        namespace, _, url_name = name.partition(":")
        _, app_resolver = resolver.namespace_dict[namespace]
        assert url_name in app_resolver.reverse_dict, name
