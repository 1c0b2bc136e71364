"""Live fan-out benchmark: spectators at 10 updates per second, three servers, one run.

    .venv/bin/python bench/live_fanout.py [--sizes 500,1000,2000] [--window 8] [--ws IMPL]
                                          [--deflate] [--servers paddock,naive,plain,paddock-redis,two-instances]
                                          [--server-workers 2] [--redis-url redis://HOST:6379/N]

For each server (started here as a subprocess on 127.0.0.1, stopped at the end):
- paddock:  uvicorn config.asgi (Paddock's /ws/live/sessions/<id>/ with the per-process fan-out hub),
            in-memory channel layer, updates sent through live.fanout.publish.publish;
- naive:    uvicorn, a plain Channels consumer per socket in the group (one copy per consumer);
- plain:    a bare `websockets` server calling websockets.broadcast();
- paddock-redis (only when asked for in --servers): the production shape. uvicorn
            config.asgi:application with `--workers N` (--server-workers) and REDIS_URL (the
            environment's, or --redis-url), so the Redis pub/sub channel layer and one hub
            subscription per worker; the workers share the listening socket and the kernel spreads
            the spectators over them. The updates come from a separate process
            (bench/fanout_redis_publisher.py) calling the synchronous live.fanout.publish.publish, as
            `manage.py live_ingest` does, at the same rate with the same delta. Its channel-layer
            names and cache keys carry a prefix of this run's own (pub/sub channels are shared by
            every database of a Redis server), and the keys under it are deleted at the end. When
            no Redis answers, the variant is skipped with a line saying so. For this server the
            RSS, MB/1k sp, CPU and CPU µs/frame columns are the SUMS over the worker processes
            (the uvicorn master's children; the master only supervises); the line ends with how
            many spectator sockets each worker holds, and the publisher's CPU share. A second
            line gives what Redis did in the window: subscribers of the live group's pub/sub
            channel (one per worker process), messages out per second (publishes x subscribers),
            Redis's CPU (INFO cpu: the whole server's, so other clients of that Redis count too)
            and its PUBLISH calls (INFO commandstats, everyone's) with their µs each;
- two-instances (only when asked for): the scale-out shape. Two paddock-redis servers, each its
            own uvicorn master on its own port with --server-workers workers, on the same Redis
            and the same publisher process; the spectators are split half and half over the two.
            RSS and CPU are summed over all the workers of both. With paddock-redis in the same
            run it prints `ratio: two instances / one instance`.
Every server: each spectator socket checks that every frame follows the one before it (seq + 1);
a row ends with how many sockets missed a frame of the window or saw a gap in seq, when any did,
and such a row counts as not every frame delivered.
the spectators ramp up to each size in turn (sockets stay open between sizes), then every frame
published during a measuring window is looked for at every spectator. Prints delivered frames,
p50/p99 latency (publish to client receive, same clock) and server memory; figures only, never a
verdict. Clients run in worker processes on the same machine: on a small machine they share the
CPU with the server, which is part of what the figures show. By default clients do not offer
permessage-deflate, so no server compresses: the figures compare fan-out, not zlib. With
`--deflate` every client offers it as browsers do (and inflates what it gets), uvicorn accepts it as
it does by default, and the plain server is started with compression on too.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import multiprocessing
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"
WARMUP_S = 2.0
GRACE_S = 2.0
CATCH_UP_MAX_S = 30.0
CONNECT_TIMEOUT_S = 90.0
RUN_DEADLINE_S = 20 * 60


# ---------------------------------------------------------------- client worker (own process)


@dataclass
class Tally:
    t0: float = float("inf")
    t1: float = float("-inf")
    latencies: list[float] = field(default_factory=list)
    seqs: set[int] = field(default_factory=set)
    open: int = 0
    failed: int = 0
    closed: int = 0
    last_t: float = 0.0
    deflate: int = 0  # sockets on which the server accepted permessage-deflate
    wire_bytes: int = 0  # frame bytes received in the window, header included
    # Frames a socket received whose seq did not follow the one before on the same socket.
    gaps: int = 0
    sockets: list[Spectator] = field(default_factory=list)


def upgrade_request(host: str, path: str, origin: str, deflate: bool = False) -> bytes:
    offer = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else ""
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
        f"Origin: {origin}\r\n{offer}\r\n"
    ).encode()


class Spectator(asyncio.Protocol):
    """A minimal WebSocket client: handshake, unmasked server frames, pongs. Python clients built
    on a full WebSocket library cost more CPU per frame than the servers measured here, and on a
    small machine they would share, and skew, the CPU; this one reads `seq` and `t` straight from
    the frame's bytes (every server sends them first, in that order)."""

    def __init__(
        self,
        host: str,
        path: str,
        origin: str,
        tally: Tally,
        opened: asyncio.Event,
        deflate: bool = False,
    ):
        self.request = upgrade_request(host, path, origin, deflate)
        # Set when the server accepted permessage-deflate; None: frames arrive uncompressed.
        self.inflater: Any = None
        self.fresh_inflater_per_message = False
        self.tally = tally
        self.opened = opened
        self.buffer = bytearray()
        self.upgraded = False
        self.transport: asyncio.Transport | None = None
        self.last_seq = 0  # the seq of the last frame this socket received
        self.in_window = 0  # frames this socket received that were published in the window
        tally.sockets.append(self)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.upgraded:
            self.tally.closed += 1
        elif not self.opened.is_set():
            self.tally.failed += 1
            self.opened.set()

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buf = self.buffer
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in buf[: buf.find(b"\r\n")]:
                assert self.transport is not None
                self.transport.close()
                return
            headers = bytes(buf[:end]).lower()
            if b"permessage-deflate" in headers:
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self.fresh_inflater_per_message = b"server_no_context_takeover" in headers
                self.tally.deflate += 1
            del buf[: end + 4]
            self.upgraded = True
            self.tally.open += 1
            self.opened.set()
        tally = self.tally
        pos, size = 0, len(buf)
        while size - pos >= 2:
            length, head = buf[pos + 1] & 0x7F, 2
            if length == 126:
                if size - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if size - pos < head + length:
                break
            opcode, compressed = buf[pos] & 0x0F, buf[pos] & 0x40
            payload = bytes(buf[pos + head : pos + head + length])
            pos += head + length
            if compressed and self.inflater is not None:
                if self.fresh_inflater_per_message:
                    self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
            if opcode == 1:
                t_at = payload.find(b'"t":')
                if t_at < 0:
                    continue
                t = float(payload[t_at + 4 : payload.index(b",", t_at)])
                seq_at = payload.index(b'"seq":') + 6
                seq = int(payload[seq_at : payload.index(b",", seq_at)])
                if self.last_seq and seq != self.last_seq + 1:
                    tally.gaps += 1
                self.last_seq = seq
                if tally.t0 <= t <= tally.t1:
                    tally.latencies.append((now - t) * 1000.0)
                    tally.wire_bytes += head + length
                    tally.seqs.add(seq)
                    self.in_window += 1
                if t > tally.last_t:
                    tally.last_t = t
            elif opcode == 9:
                self.pong(payload)
            elif opcode == 8:
                assert self.transport is not None
                self.transport.close()
        del buf[:pos]

    def pong(self, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert self.transport is not None
        self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)


def refused(tally: Tally, opened: asyncio.Event, task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None and not opened.is_set():
        tally.failed += 1
        opened.set()


async def worker_main(pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    tally = Tally()
    transports: list[asyncio.Task[Any]] = []
    while True:
        command, *args = await loop.run_in_executor(None, pipe.recv)
        if command == "connect":
            uri, origin, count, deflate = args
            host_port, path = uri.removeprefix("ws://").split("/", 1)
            host, port = host_port.split(":")
            for start in range(0, count, 50):
                batch = [asyncio.Event() for _ in range(min(50, count - start))]
                for event in batch:
                    task = loop.create_task(
                        loop.create_connection(
                            partial(
                                Spectator, host_port, "/" + path, origin, tally, event, deflate
                            ),
                            host,
                            int(port),
                        )
                    )
                    task.add_done_callback(partial(refused, tally, event))
                    transports.append(task)
                try:
                    await asyncio.wait_for(
                        asyncio.gather(*(ev.wait() for ev in batch)), CONNECT_TIMEOUT_S
                    )
                except TimeoutError:
                    break
            pipe.send((tally.open - tally.closed, tally.failed, tally.deflate))
        elif command == "measure":
            tally.t0, tally.t1 = args
            tally.latencies, tally.seqs = [], set()
            pipe.send("ok")
        elif command == "continuity":
            # Frames of the window each upgraded socket received, and the seq gaps seen so far.
            pipe.send(([s.in_window for s in tally.sockets if s.upgraded], tally.gaps))
            for spectator in tally.sockets:
                spectator.in_window = 0
        elif command == "caught_up":
            pipe.send(tally.last_t)
        elif command == "report":
            pipe.send(
                (tally.latencies, sorted(tally.seqs), tally.open - tally.closed, tally.wire_bytes)
            )
            tally.wire_bytes = 0
            tally.t0, tally.t1 = float("inf"), float("-inf")
            tally.latencies, tally.seqs = [], set()
        elif command == "stop":
            for task in transports:
                if task.done() and not task.exception():
                    task.result()[0].close()
            await asyncio.sleep(0.2)
            pipe.send("stopped")
            return


def worker(pipe: Connection) -> None:
    import uvloop

    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(worker_main(pipe))


# ---------------------------------------------------------------- orchestration


@dataclass
class Server:
    name: str
    argv: list[str]
    path: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    # uvicorn --workers N: memory and CPU are summed over the master's worker processes. 0: the
    # server is the one process started.
    workers: int = 0
    # A process publishing the updates from outside the server, started once the server is ready.
    publisher: list[str] | None = None
    redis_url: str = ""
    redis_prefix: str = ""
    # Further instances (a master of their own on a port of their own, with as many workers),
    # started and measured with this one: the spectators are split evenly over all of them, and
    # memory and CPU are summed over every instance's workers.
    others: list[Server] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def other_port(taken: int) -> int:
    """A free port that is not `taken` (free_port may hand out a port just closed again)."""
    while (port := free_port()) == taken:
        pass
    return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port} within {timeout} s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def worker_pids(master: int) -> list[int]:
    """The worker processes of a `uvicorn --workers` master: its multiprocessing spawn children."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            if (
                int(process_stat(int(entry.name))[1]) == master
                and b"spawn_main" in (entry / "cmdline").read_bytes()
            ):
                pids.append(int(entry.name))
    return sorted(pids)


def measured_pids(server: Server) -> list[int]:
    assert server.process is not None
    return worker_pids(server.process.pid) if server.workers else [server.process.pid]


def server_port(server: Server) -> int:
    return int(server.path.split(":")[2].split("/")[0])


def redis_figures(url: str) -> dict[str, float]:
    """Redis's own counters: CPU seconds (the whole server, every client's work), PUBLISH calls and
    their µs, bytes sent to clients."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        cpu = client.info("cpu")
        stats = client.info("stats")
        publish = client.info("commandstats").get("cmdstat_publish", {})
    finally:
        client.close()
    return {
        "cpu_s": float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"]),
        "publish_calls": float(publish.get("calls", 0)),
        "publish_usec": float(publish.get("usec", 0)),
        "out_bytes": float(stats.get("total_net_output_bytes", 0)),
    }


def redis_subscriptions(url: str, prefix: str, group: str) -> tuple[int, int]:
    """Subscribers of the live group's pub/sub channel, and this run's pub/sub channels in all."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        numsub = client.pubsub_numsub(f"{prefix}__group__{group}")
        channels = client.pubsub_channels(f"{prefix}*")
    finally:
        client.close()
    return int(numsub[0][1]) if numsub else 0, len(channels)


def total_rss_mb(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += rss_mb(pid)
    return total


def total_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += cpu_seconds(pid)
    return total


def wait_for_workers(server: Server, timeout: float = 90) -> None:
    """The master listens before its workers have imported Django: wait until all of them exist
    and have gone idle (their CPU time stops growing)."""
    assert server.process is not None
    deadline = time.monotonic() + timeout
    before = -1.0
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}")
        pids = worker_pids(server.process.pid)
        used = total_cpu_seconds(pids)
        if len(pids) == server.workers and 0 <= used - before < 0.05:
            return
        before = used if len(pids) == server.workers else -1.0
        time.sleep(0.5)
    raise RuntimeError(f"{server.workers} workers not ready within {timeout} s")


def sockets_per_process(pids: list[int], port: int) -> list[int]:
    """Established TCP connections on the server's port held by each process."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in pids:
        count = 0
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    count += os.readlink(fd) in inodes
        counts.append(count)
    return counts


def warm_workers(server: Server, port: int, attempts: int = 5) -> None:
    """Open a few spectator sockets until every worker (or the one server process) has served
    one, then close them: what a process does once, for its first spectator (imports, the Redis
    channel layer, the hub, Paddock's first database connection: 1.2 MB with SQLite), belongs in the
    idle RSS, not in the memory per spectator."""
    path = server.path.split(str(port), 1)[1]
    request = upgrade_request(f"{HOST}:{port}", path, f"http://{HOST}:{port}")
    for _ in range(attempts):
        probes = []
        try:
            for _ in range(4 * max(1, server.workers)):
                probe = socket.create_connection((HOST, port), timeout=10)
                probes.append(probe)
                probe.sendall(request)
            for probe in probes:
                answer = b""
                while b"\r\n\r\n" not in answer:
                    chunk = probe.recv(4096)
                    if not chunk:
                        raise RuntimeError("a probe socket was closed during the handshake")
                    answer += chunk
                status = answer.split(b"\r\n", 1)[0]
                if b" 101 " not in status:
                    raise RuntimeError(f"probe refused: {status!r}")
            time.sleep(0.5)
            if min(sockets_per_process(measured_pids(server), port)) > 0:
                return
        finally:
            for probe in probes:
                probe.close()
    raise RuntimeError(f"probe sockets did not reach all {server.workers} workers")


def redis_unreachable(url: str | None) -> str | None:
    """Why the paddock-redis server cannot run, or None when a Redis answers at `url`."""
    if not url:
        return "no REDIS_URL in the environment and no --redis-url"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:
        return f"no Redis answering at {url.rsplit('@', 1)[-1]} ({type(exc).__name__}: {exc})"
    return None


def delete_redis_keys(url: str, prefix: str) -> None:
    """Delete what the run left in Redis: the keys under its own prefix, nothing else."""
    import redis

    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def prepare_paddock_database(workdir: Path) -> tuple[dict[str, str], int]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
        "STATIC_ROOT": str(workdir),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}",
        # Every simulated spectator comes from 127.0.0.1: no per-address cap on sockets.
        "PADDOCK_LIVE_MAX_SOCKETS_PER_CLIENT": "0",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    created = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from live.models import LiveSession;"
            "print(LiveSession.objects.create(name='Bench', mode='race').pk)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return env, int(created.stdout.strip().splitlines()[-1])


def uvicorn_argv(app: str, port: int, ws: str, lifespan: str = "on") -> list[str]:
    return [
        PYTHON, "-m", "uvicorn", app, "--app-dir", str(BENCH), "--host", HOST, "--port", str(port),
        "--ws", ws, "--loop", "uvloop", "--http", "httptools", "--lifespan", lifespan,
        "--no-access-log", "--log-level", "warning", "--backlog", "4096",
    ]  # fmt: skip


def servers(
    names: list[str],
    ws: str,
    workdir: Path,
    deflate: bool = False,
    redis_url: str | None = None,
    server_workers: int = 2,
) -> list[Server]:
    result = []
    for name in names:
        port = free_port()
        if name in ("paddock-redis", "two-instances"):
            reason = redis_unreachable(redis_url)
            if reason is not None:
                print(f"{name} skipped: {reason}", flush=True)
                continue
            assert redis_url is not None
            env, session_id = prepare_paddock_database(workdir)
            prefix = f"paddock-bench-{os.getpid()}-{secrets.token_hex(4)}."
            env.update(
                REDIS_URL=redis_url,
                DJANGO_SETTINGS_MODULE="fanout_redis_settings",
                FANOUT_REDIS_PREFIX=prefix,
                FANOUT_SESSION_ID=str(session_id),
            )
            instances = [
                Server(
                    name,
                    # config.asgi answers no lifespan events (Channels' router has no such route).
                    [
                        *uvicorn_argv("config.asgi:application", instance_port, ws, "off"),
                        *("--workers", str(server_workers)),
                    ],
                    f"ws://{HOST}:{instance_port}/ws/live/sessions/{session_id}/",
                    env,
                    workers=server_workers,
                    redis_url=redis_url,
                    redis_prefix=prefix,
                )
                for instance_port in (
                    [port, other_port(port)] if name == "two-instances" else [port]
                )
            ]
            first = instances[0]
            first.publisher = [PYTHON, str(BENCH / "fanout_redis_publisher.py")]
            first.others = instances[1:]
            result.append(first)
            continue
        if name == "paddock":
            env, session_id = prepare_paddock_database(workdir)
            env["FANOUT_SESSION_ID"] = str(session_id)
            argv = uvicorn_argv("fanout_paddock_app:app", port, ws)
            path = f"/ws/live/sessions/{session_id}/"
        elif name == "naive":
            # Production settings (debug off) refuse to load without a secret key.
            env = {
                **os.environ,
                "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
            }
            env.pop("REDIS_URL", None)
            argv = uvicorn_argv("fanout_naive_channels_app:app", port, ws)
            path = "/ws/naive/"
        else:
            env = {**os.environ, "PYTHONPATH": str(BENCH)}
            argv = [PYTHON, str(BENCH / "fanout_plain_websockets.py"), str(port)]
            if deflate:
                argv.append("--deflate")
            path = "/"
        result.append(Server(name, argv, f"ws://{HOST}:{port}{path}", env))
    return result


def ask(pipes: list[Connection], *message: Any) -> list[Any]:
    for pipe in pipes:
        pipe.send(message)
    return [pipe.recv() for pipe in pipes]


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def run_server(
    server: Server,
    sizes: list[int],
    workers: int,
    window: float,
    deflate: bool = False,
    name_width: int = 8,
) -> list[str]:
    lines = []
    context = multiprocessing.get_context("fork")
    instances = [server, *server.others]
    for instance in instances:
        instance.process = subprocess.Popen(instance.argv, cwd=ROOT, env=instance.env)
    publisher: subprocess.Popen[bytes] | None = None
    pipes: list[Connection] = []
    procs = []
    server_pids: list[int] = []
    redis_group = f"live.{server.env.get('FANOUT_SESSION_ID', '')}"
    try:
        for instance in instances:
            assert instance.process is not None
            wait_for_port(server_port(instance), instance.process)
            if instance.workers:
                wait_for_workers(instance)
            # Every server, plain included, serves a few spectators before its idle RSS is read.
            warm_workers(instance, server_port(instance))
        time.sleep(1.0)
        server_pids = [pid for instance in instances for pid in measured_pids(instance)]
        idle_rss = total_rss_mb(server_pids)
        if server.publisher:
            publisher = subprocess.Popen(server.publisher, cwd=ROOT, env=server.env)
        for _ in range(workers):
            parent, child = context.Pipe()
            proc = context.Process(target=worker, args=(child,), daemon=True)
            proc.start()
            pipes.append(parent)
            procs.append(proc)
        connected = 0
        for size in sizes:
            add = size - connected
            # Split evenly over the instances, then over the client processes.
            for index, instance in enumerate(instances):
                part = add // len(instances) + (1 if index < add % len(instances) else 0)
                shares = [
                    part // workers + (1 if i < part % workers else 0) for i in range(workers)
                ]
                origin = f"http://{HOST}:{server_port(instance)}"
                for pipe, share in zip(pipes, shares, strict=True):
                    pipe.send(("connect", instance.path, origin, share, deflate))
                replies = [pipe.recv() for pipe in pipes]
            connected = sum(open_ for open_, _, _ in replies)
            failed = sum(failed for _, failed, _ in replies)
            compressed = sum(count for _, _, count in replies)
            time.sleep(WARMUP_S)
            t0 = time.time() + 0.5  # in the future: every worker knows the window before it opens
            t1 = t0 + window
            ask(pipes, "measure", t0, t1)
            server_pids = [pid for instance in instances for pid in measured_pids(instance)]
            time.sleep(max(0.0, t0 - time.time()))
            cpu_before = total_cpu_seconds(server_pids)
            publisher_before = cpu_seconds(publisher.pid) if publisher else 0.0
            redis_before = redis_figures(server.redis_url) if server.redis_url else {}
            time.sleep(max(0.0, t1 - time.time()))
            cpu_used = total_cpu_seconds(server_pids) - cpu_before
            publisher_used = (cpu_seconds(publisher.pid) if publisher else 0.0) - publisher_before
            redis_after = redis_figures(server.redis_url) if server.redis_url else {}
            # Wait until frames published after the window reach the clients, then a grace
            # period: whatever has not arrived by then counts as not delivered.
            deadline = time.monotonic() + CATCH_UP_MAX_S
            while time.monotonic() < deadline and min(ask(pipes, "caught_up")) <= t1:
                time.sleep(0.2)
            time.sleep(GRACE_S)
            reports = ask(pipes, "report")
            continuity = ask(pipes, "continuity")
            per_socket = [count for counts, _ in continuity for count in counts]
            gaps = sum(gap for _, gap in continuity)
            latencies = sorted(value for lat, _, _, _ in reports for value in lat)
            seqs = {seq for _, worker_seqs, _, _ in reports for seq in worker_seqs}
            alive = sum(alive for _, _, alive, _ in reports)
            wire = sum(wire for _, _, _, wire in reports)
            frames = (max(seqs) - min(seqs) + 1) if seqs else 0
            expected = frames * size
            rss = total_rss_mb(server_pids)
            delivered = len(latencies)
            # Every spectator must have every frame of the window, in order.
            short = sum(count < frames for count in per_socket) + max(0, size - len(per_socket))
            spread = ""
            if server.workers:
                counts = [
                    "/".join(
                        str(count)
                        for count in sockets_per_process(
                            measured_pids(instance), server_port(instance)
                        )
                    )
                    for instance in instances
                ]
                spread = (
                    f"  ({len(server_pids)} workers, sockets {' + '.join(counts)}; "
                    f"publisher {100 * publisher_used / window:.1f}% CPU)"
                )
            lines.append(
                f"{server.name:{name_width}} {size:>6} {connected:>6} {failed:>5} {frames / window:5.1f} "
                f"{delivered:>9}/{expected:<9} {100.0 * delivered / max(expected, 1):6.2f}% "
                f"{percentile(latencies, 0.50):8.1f} {percentile(latencies, 0.99):8.1f} "
                f"{statistics.fmean(latencies) if latencies else float('nan'):8.1f} "
                f"{rss:7.1f} {(rss - idle_rss) * 1000 / size:8.1f} {100 * cpu_used / window:5.0f}% "
                f"{1e6 * cpu_used / max(delivered, 1):7.1f} {wire / max(delivered, 1):8.0f}"
                + ("" if alive == size else f"  ({alive} sockets open)")
                + (f"  (deflate on {compressed})" if deflate else "")
                + spread
                + (f"  ({short} sockets missed frames, {gaps} seq gaps)" if short or gaps else "")
            )
            print(lines[-1], flush=True)
            if redis_before and redis_after:
                lines.append(
                    redis_line(
                        server, redis_group, redis_before, redis_after, frames, window, name_width
                    )
                )
                print(lines[-1], flush=True)
            RESULTS[(server.name, size)] = (
                (rss - idle_rss) * 1000 / size,
                1e6 * cpu_used / max(delivered, 1),
                delivered == expected and not short and not gaps,
            )
            connected = alive
    except Exception as exc:
        lines.append(f"{server.name:{name_width}} stopped early: {exc!r}")
        print(lines[-1], flush=True)
    finally:
        for pipe in pipes:
            with contextlib.suppress(Exception):
                pipe.send(("stop",))
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
        for process in (publisher, *(instance.process for instance in instances)):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if server.workers:
            # Workers outliving a master that had to be killed: only this run's own.
            for pid in server_pids:
                with contextlib.suppress(OSError):
                    if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        os.kill(pid, signal.SIGKILL)
        if server.redis_prefix:
            delete_redis_keys(server.redis_url, server.redis_prefix)
    return lines


def redis_line(
    server: Server,
    group: str,
    before: dict[str, float],
    after: dict[str, float],
    frames: int,
    window: float,
    name_width: int,
) -> str:
    """What Redis did during the window: the live group's subscribers (one per worker process),
    the messages it delivered for this run (frames x subscribers), its CPU (the whole server's:
    other clients of the same Redis count too) and PUBLISH calls (everyone's)."""
    subscribers, channels = redis_subscriptions(server.redis_url, server.redis_prefix, group)
    delivered = frames * subscribers / window
    cpu = after["cpu_s"] - before["cpu_s"]
    calls = after["publish_calls"] - before["publish_calls"]
    usec = after["publish_usec"] - before["publish_usec"]
    out = (after["out_bytes"] - before["out_bytes"]) / window
    return (
        f"{'':{name_width}}   redis: {subscribers} subscribers of the group ({channels} pub/sub "
        f"channels of this run), {frames / window:.1f} publishes/s -> {delivered:.0f} messages/s "
        f"out; Redis CPU {100 * cpu / window:.1f}% of a core, "
        f"{1e6 * cpu / max(frames * subscribers, 1):.0f} µs per message out (whole server); "
        f"PUBLISH {calls / window:.1f} calls/s, {usec / max(calls, 1):.1f} µs per call; "
        f"{out / 1024:.1f} KiB/s sent to clients"
    )


# (server, spectators) -> (MB per 1,000 spectators, CPU µs per frame, every frame delivered)
RESULTS: dict[tuple[str, int], tuple[float, float, bool]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000")
    parser.add_argument("--servers", default="paddock,naive,plain")
    parser.add_argument("--window", type=float, default=8.0, help="seconds measured per size")
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument(
        "--ws",
        default="config.uvicorn_ws:WebSocketProtocol",
        help="uvicorn --ws implementation (default: the one production runs, README)",
    )
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="clients offer permessage-deflate, as browsers do; servers compress",
    )
    parser.add_argument(
        "--server-workers",
        type=int,
        default=2,
        help="uvicorn --workers for the paddock-redis server",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL"),
        help="Redis for the paddock-redis server (default: REDIS_URL from the environment)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(sizes) * 2 + 1024
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, wanted)), hard))
    started = time.monotonic()
    rate = os.environ.get("FANOUT_RATE", "10")
    print(
        f"live fan-out: {rate} updates/s, ~350-byte delta, sizes {sizes}, window {args.window:g} s,"
        f" uvicorn --ws {args.ws}, {args.workers} client processes, {os.cpu_count()} CPUs,"
        f" permessage-deflate {'offered' if args.deflate else 'not offered'} by clients"
    )
    print(f"load average before the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    names = args.servers.split(",")
    if "paddock-redis" in names:
        print(
            f"paddock-redis: uvicorn --workers {args.server_workers}, Redis channel layer, updates"
            " published by a separate process; its RSS and CPU are summed over the workers"
        )
    width = max(8, *(len(name) for name in names))
    print(
        f"{'server':{width}}  specs   open  fail  upd/s  delivered/expected       %   p50 ms"
        "   p99 ms  mean ms  RSS MB  MB/1k sp   CPU  CPU µs/frame  B/frame"
    )
    workdir = Path(tempfile.mkdtemp(prefix="paddock-fanout-"))
    try:
        chosen = servers(names, args.ws, workdir, args.deflate, args.redis_url, args.server_workers)
        for server in chosen:
            if time.monotonic() - started > RUN_DEADLINE_S:
                print(f"{server.name:{width}} skipped: run deadline reached")
                continue
            run_server(server, sizes, args.workers, args.window, args.deflate, width)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for (name, size), (memory, cpu, complete) in sorted(RESULTS.items()):
        plain = RESULTS.get(("plain", size))
        if name == "plain" or plain is None or not plain[0] or not plain[1]:
            continue
        print(
            f"ratio: {name} / plain at {size} spectators: RSS per 1,000 {memory / plain[0]:.2f}x,"
            f" CPU per frame {cpu / plain[1]:.2f}x"
            + ("" if complete else " (not every frame delivered)")
        )
    for (name, size), (memory, cpu, complete) in sorted(RESULTS.items()):
        one = RESULTS.get(("paddock-redis", size))
        if name != "two-instances" or one is None or not one[0] or not one[1]:
            continue
        print(
            f"ratio: two instances / one instance at {size} spectators: CPU per frame"
            f" {cpu / one[1]:.2f}x, RSS per 1,000 {memory / one[0]:.2f}x"
            + ("" if complete and one[2] else " (not every frame delivered)")
        )
    print(
        f"done in {time.monotonic() - started:.0f} s; load average now "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}. Latency is publish to client receive;"
        " MB/1k sp is (RSS - idle RSS) per 1,000 spectators; CPU is the server's share of one"
        " core during the window, and CPU µs/frame its CPU time per delivered frame; B/frame is"
        " what a spectator received per frame on the wire (WebSocket header included)."
    )


if __name__ == "__main__":
    main()
