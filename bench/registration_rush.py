"""Registration rush: N concurrent drivers enter one class the moment it opens.

Runs the server as production does by default: DJANGO_DEBUG=0, collected static files, and no
DATABASE_POOL_MAX_SIZE (so the default pool), unless --pool is given. For each scenario it creates
a scratch PostgreSQL database, migrates it, seeds one event with one class of CAPACITY places and N
drivers (each with a signed-in session), starts uvicorn on it, and then:

1. measures a trivial view (/healthz, one SELECT 1) with the same N concurrent clients;
2. lets the N clients each GET the entry form (for its CSRF token) and POST an entry at once.

It prints requests per second, p50/p99 latency, places taken versus capacity and any 5xx, then
stops the server and drops the database. It reports and never asserts; not part of the test run.

    .venv/bin/python bench/registration_rush.py                   # 200 -> 20, then 1,000 -> 100
    .venv/bin/python bench/registration_rush.py --clients 200 --capacity 20 [--workers 2]
        [--pool 0] [--stripe]

--pool N sets DATABASE_POOL_MAX_SIZE=N for the server (0: no pool, as before it was the default).
With --stripe the entries are paid online: the fake Stripe server of the tests is started and every
successful entry also creates a Checkout Session through the real SDK.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


class Scratch:
    """A throwaway database: created on entry, dropped on exit."""

    def __init__(self) -> None:
        self.name = f"paddock_bench_{os.getpid()}_{secrets.token_hex(3)}"
        base = ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def __enter__(self) -> Scratch:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def seed(env: dict[str, str], clients: int, capacity: int) -> dict[str, Any]:
    """Runs in a child process with the scratch DATABASE_URL: returns the seeded facts."""
    code = f"""
import json, django
django.setup()
from datetime import timedelta
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from events.models import EntryClass, Event
from racing.models import Organization
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY

org = Organization.objects.create(name="Bench Club", slug="bench-club", contact_email="b@b.test")
now = timezone.now()
event = Event.objects.create(
    organization=org, title="Rush Cup", slug="rush-cup", tier="national", discipline="circuit",
    venue_name="Bench Ring", province="shanghai", city="Shanghai",
    starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=8),
    status="published", registration_opens_at=now - timedelta(minutes=1),
    registration_closes_at=now + timedelta(days=20),
)
entry_class = EntryClass.objects.create(event=event, name="Sprint", capacity={capacity}, fee=Decimal("880"))
User = get_user_model()
users = User.objects.bulk_create(
    [User(username=f"rush{{i}}", email=f"rush{{i}}@bench.test", password="!") for i in range({clients})]
)
cookies = []
for user in User.objects.filter(username__startswith="rush").order_by("pk"):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookies.append(session.session_key)
print(json.dumps({{"slug": event.slug, "class_id": entry_class.pk, "fee_minor": 88000,
                  "sequence": event.sequence, "sessions": cookies}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def count_places(env: dict[str, str]) -> dict[str, int]:
    code = """
import json, django
django.setup()
from django.db.models import Count
from events.models import Entry
print(json.dumps(dict(Entry.objects.values_list("status").annotate(n=Count("pk")))))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


async def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{base}/healthz")).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("server did not start")


class Run:
    def __init__(self, name: str) -> None:
        self.name = name
        self.latencies: list[float] = []
        self.statuses: list[int] = []
        self.elapsed = 0.0

    def rps(self) -> float:
        return len(self.statuses) / self.elapsed if self.elapsed else 0.0

    def report(self) -> str:
        fivexx = sum(1 for s in self.statuses if s >= 500)
        dropped = self.statuses.count(0)
        rps = self.rps()
        return (
            f"{self.name:<26} {len(self.statuses):>5} req  {rps:8.1f} req/s  "
            f"p50 {percentile(self.latencies, 50) * 1000:7.1f} ms  "
            f"p99 {percentile(self.latencies, 99) * 1000:7.1f} ms  5xx {fivexx}  "
            f"dropped connections {dropped}"
        )


async def timed(run: Run, call: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await call()
    except httpx.TransportError:
        # Counted, not fatal: a dropped connection is a result worth reporting.
        run.latencies.append(time.perf_counter() - started)
        run.statuses.append(0)
        return None
    run.latencies.append(time.perf_counter() - started)
    run.statuses.append(response.status_code)
    return response


async def trivial(base: str, clients: int, rounds: int) -> Run:
    run = Run("trivial view /healthz")
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        started = time.perf_counter()

        async def one() -> None:
            for _ in range(rounds):
                await timed(run, lambda: client.get("/healthz"))

        await asyncio.gather(*(one() for _ in range(clients)))
        run.elapsed = time.perf_counter() - started
    return run


def driver_cookies(session_key: str) -> dict[str, str]:
    # The server's CSRF cookie is Secure (production) and this is plain HTTP, so the client
    # brings its own secret, which the form's token is then derived from.
    return {"sessionid": session_key, "csrftoken": secrets.token_hex(16), "django_language": "en"}


async def signed_in(base: str, facts: dict[str, Any], name: str) -> Run:
    """Every driver POSTs the minimal signed-in view at once (after one warm-up request each, as
    the rush's drivers load the form first): the baseline of the rush."""
    run, warm = Run(name), Run("warm-up")
    url = f"/bench/signed-in/{facts['class_id']}/"
    go = asyncio.Event()

    async def driver(session_key: str) -> None:
        cookies = driver_cookies(session_key)
        headers = {"X-CSRFToken": cookies["csrftoken"], "Referer": base + url}
        async with httpx.AsyncClient(base_url=base, timeout=120, cookies=cookies) as client:
            first = None
            while first is None or first.status_code != 200:
                first = await timed(warm, lambda: client.post(url, headers=headers))
            await go.wait()
            await timed(run, lambda: client.post(url, headers=headers))

    tasks = [asyncio.create_task(driver(key)) for key in facts["sessions"]]
    while sum(1 for s in warm.statuses if s == 200) < len(tasks):
        await asyncio.sleep(0.05)
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    run.elapsed = time.perf_counter() - started
    return run


def outcome_of(response: httpx.Response | None) -> str:
    if response is None:
        return "dropped connection"
    if response.status_code == 302:
        return "entered"
    if "This class is full" in response.text:
        return "refused: full"
    if "already entered" in response.text:
        return "refused: already entered"
    return f"HTTP {response.status_code}"


async def rush(base: str, facts: dict[str, Any]) -> tuple[Run, Run, dict[str, int], Run, str]:
    form_run, entry_run = Run("GET entry form"), Run("POST entry (place taking)")
    again_run = Run("POST entry again (2nd click)")
    outcomes: dict[str, int] = {}
    answered: dict[str, list[float]] = {}  # outcome -> seconds after the rush began
    rush_began = [0.0]
    url = f"/events/{facts['slug']}/enter/"
    go, again = asyncio.Event(), asyncio.Event()

    async def driver(session_key: str) -> None:
        async with httpx.AsyncClient(
            base_url=base, timeout=120, cookies=driver_cookies(session_key)
        ) as client:
            form = None
            while form is None or form.status_code != 200:  # the form is not what is measured
                form = await timed(form_run, lambda: client.get(url))
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            data = {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "entry_class": f"{facts['class_id']}:{facts['fee_minor']}",
                "event_sequence": str(facts["sequence"]),
            }
            await go.wait()  # everyone posts at the same moment, like an opening rush
            post = lambda: client.post(url, data=data, headers={"Referer": base + url})  # noqa: E731
            response = await timed(entry_run, post)
            outcome = outcome_of(response)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            answered.setdefault(outcome, []).append(time.perf_counter() - rush_began[0])
            if outcome == "entered":
                await again.wait()  # the winners click once more, all at once
                second = outcome_of(await timed(again_run, post))
                outcomes[f"2nd click: {second}"] = outcomes.get(f"2nd click: {second}", 0) + 1

    tasks = [asyncio.create_task(driver(key)) for key in facts["sessions"]]
    while sum(1 for s in form_run.statuses if s == 200) < len(tasks):
        await asyncio.sleep(0.05)
    form_run.elapsed = 1.0  # not meaningful as throughput: forms are fetched before the rush
    started = rush_began[0] = time.perf_counter()
    go.set()
    while len(entry_run.statuses) < len(tasks):
        await asyncio.sleep(0.01)
    entry_run.elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again.set()
    await asyncio.gather(*tasks)
    again_run.elapsed = time.perf_counter() - started
    timeline = ", ".join(
        f"{outcome} {min(times):.1f}-{max(times):.1f} s"
        for outcome, times in sorted(answered.items())
    )
    return form_run, entry_run, outcomes, again_run, timeline


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    if args.server == "gunicorn":
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--worker-class", "gthread", "--threads", str(args.threads),
            "--backlog", "4096", "--keep-alive", "60", "--log-level", "warning",
        ]  # fmt: skip
    return [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(args.workers), "--log-level", "warning", "--no-access-log",
        "--timeout-keep-alive", "60", "--backlog", "4096",
    ]  # fmt: skip


def topology(args: argparse.Namespace) -> str:
    if args.server == "gunicorn":
        return f"gunicorn {args.workers} workers x {args.threads} threads (WSGI)"
    bound = "the default" if args.http_concurrency is None else args.http_concurrency or "no bound"
    return f"uvicorn {args.workers} workers (ASGI, requests in Django per worker: {bound})"


def scenario(args: argparse.Namespace, clients: int, capacity: int) -> None:
    with Scratch() as db, tempfile.TemporaryDirectory() as static_root:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "DJANGO_", "STRIPE_"))
        }
        env.update(
            DATABASE_URL=db.url,
            DJANGO_SETTINGS_MODULE="rush_settings",
            PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
            ALLOWED_HOSTS="127.0.0.1",
            # Plain HTTP on loopback stands in for the TLS-terminating proxy.
            SECURE_SSL_REDIRECT="0",
            STATIC_ROOT=static_root,
            LOG_LEVEL="ERROR",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        if args.pool is not None:
            env["DATABASE_POOL_MAX_SIZE"] = str(args.pool)
        if args.http_concurrency is not None:
            env["PADDOCK_HTTP_CONCURRENCY"] = str(args.http_concurrency)
        stripe_server = None
        if args.stripe:
            sys.path.insert(0, str(ROOT))
            from tests.fakes.stripe_server import FakeStripeServer

            stripe_server = FakeStripeServer()
            state = stripe_server.__enter__()
            env.update(
                STRIPE_SECRET_KEY=state.api_key,
                STRIPE_API_BASE=state.url,
                STRIPE_WEBHOOK_SECRET="whsec_bench",
            )
        for command in (["migrate"], ["collectstatic"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "--noinput", "-v", "0"],
                env=env,
                cwd=ROOT,
                check=True,
            )
        facts = seed(env, clients, capacity)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(server_command(args, port), env=env, cwd=ROOT)
        try:
            asyncio.run(wait_until_up(base))
            trivial_run = asyncio.run(trivial(base, clients, args.trivial_rounds))
            # The baseline runs before and after the rush and counts as one: a shared machine's
            # load drifts over a minute, and a baseline on one side only would carry that drift
            # into the ratio.
            before = asyncio.run(signed_in(base, facts, "POST signed-in, before"))
            _form_run, entry_run, outcomes, again_run, timeline = asyncio.run(rush(base, facts))
            after = asyncio.run(signed_in(base, facts, "POST signed-in, after"))
        finally:
            server.terminate()
            server.wait(timeout=30)
            if stripe_server is not None:
                stripe_server.__exit__(None, None, None)
        statuses = count_places(env)

    taken = sum(statuses.get(s, 0) for s in ("held", "confirmed", "pending_approval", "offered"))
    pool = "default pool" if args.pool is None else f"pool {args.pool or 'off'}/worker"
    print(
        f"\nregistration rush: {clients} concurrent clients, capacity {capacity}, "
        f"{topology(args)}, PostgreSQL ({pool}), "
        f"{'Stripe Checkout (fake server)' if args.stripe else 'pay at track'}"
    )
    print(trivial_run.report())
    baseline_run = Run("POST signed-in baseline")
    for part in (before, after):
        baseline_run.statuses += part.statuses
        baseline_run.latencies += part.latencies
        baseline_run.elapsed += part.elapsed
    print(before.report())
    print(after.report())
    print(baseline_run.report() + "  (both together)")
    print(entry_run.report())
    print(again_run.report())
    ratio = entry_run.rps() / baseline_run.rps() if baseline_run.rps() else 0.0
    print(
        f"ratio: entry POST / signed-in POST throughput at {clients} drivers: {ratio:.2f}"
        " (the aim: at least 0.50)"
    )
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    print(f"answered after the rush began: {timeline}")
    print(f"entries by status: {statuses}")
    verdict = "OK" if taken == capacity else "OVERSOLD" if taken > capacity else "UNDER"
    print(f"places taken {taken} / capacity {capacity}: {verdict}")
    fivexx = sum(1 for s in entry_run.statuses + again_run.statuses if s >= 500)
    print(f"5xx on the entry POSTs: {fivexx}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, help="one scenario instead of 200/20 and 1000/100")
    parser.add_argument("--capacity", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=["uvicorn", "gunicorn"], default="uvicorn")
    parser.add_argument("--threads", type=int, default=8, help="per gunicorn worker")
    parser.add_argument("--trivial-rounds", type=int, default=2)
    parser.add_argument(
        "--pool", type=int, help="DATABASE_POOL_MAX_SIZE for the server (unset: the default)"
    )
    parser.add_argument(
        "--http-concurrency",
        type=int,
        help="PADDOCK_HTTP_CONCURRENCY for the server (unset: the default; 0: no bound)",
    )
    parser.add_argument("--stripe", action="store_true", help="pay online via the fake Stripe")
    args = parser.parse_args()
    if args.clients is not None:
        scenarios = [(args.clients, args.capacity or max(1, args.clients // 10))]
    else:
        scenarios = [(200, 20), (1000, 100)]
    for clients, capacity in scenarios:
        scenario(args, clients, capacity)


if __name__ == "__main__":
    main()
