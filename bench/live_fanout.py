"""Live fan-out benchmark: spectators at 10 updates per second, three servers, one run.

    .venv/bin/python bench/live_fanout.py [--sizes 500,1000,2000] [--window 8] [--ws websockets-sansio]
                                          [--deflate]

For each server (started here as a subprocess on 127.0.0.1, stopped at the end):
- paddock:  uvicorn config.asgi (Paddock's /ws/live/sessions/<id>/ with the per-process fan-out hub),
            in-memory channel layer, updates sent through live.broadcast.publish;
- naive:    uvicorn, a plain Channels consumer per socket in the group (one copy per consumer);
- plain:    a bare `websockets` server calling websockets.broadcast().
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
import shutil
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
        offer = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else ""
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            f"Origin: {origin}\r\n{offer}\r\n"
        ).encode()
        # Set when the server accepted permessage-deflate; None: frames arrive uncompressed.
        self.inflater: Any = None
        self.fresh_inflater_per_message = False
        self.tally = tally
        self.opened = opened
        self.buffer = bytearray()
        self.upgraded = False
        self.transport: asyncio.Transport | None = None

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
                if tally.t0 <= t <= tally.t1:
                    seq_at = payload.index(b'"seq":') + 6
                    tally.latencies.append((now - t) * 1000.0)
                    tally.wire_bytes += head + length
                    tally.seqs.add(int(payload[seq_at : payload.index(b",", seq_at)]))
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


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


def prepare_paddock_database(workdir: Path) -> tuple[dict[str, str], int]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
        "STATIC_ROOT": str(workdir),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}",
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


def uvicorn_argv(app: str, port: int, ws: str) -> list[str]:
    return [
        PYTHON, "-m", "uvicorn", app, "--app-dir", str(BENCH), "--host", HOST, "--port", str(port),
        "--ws", ws, "--loop", "uvloop", "--http", "httptools", "--lifespan", "on",
        "--no-access-log", "--log-level", "warning", "--backlog", "4096",
    ]  # fmt: skip


def servers(names: list[str], ws: str, workdir: Path, deflate: bool = False) -> list[Server]:
    result = []
    for name in names:
        port = free_port()
        if name == "paddock":
            env, session_id = prepare_paddock_database(workdir)
            env["FANOUT_SESSION_ID"] = str(session_id)
            argv = uvicorn_argv("fanout_paddock_app:app", port, ws)
            path = f"/ws/live/sessions/{session_id}/"
        elif name == "naive":
            env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}"}
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
    server: Server, sizes: list[int], workers: int, window: float, deflate: bool = False
) -> list[str]:
    lines = []
    context = multiprocessing.get_context("fork")
    server.process = subprocess.Popen(server.argv, cwd=ROOT, env=server.env)
    pipes: list[Connection] = []
    procs = []
    try:
        port = int(server.path.split(":")[2].split("/")[0])
        wait_for_port(port, server.process)
        time.sleep(1.0)
        idle_rss = rss_mb(server.process.pid)
        for _ in range(workers):
            parent, child = context.Pipe()
            proc = context.Process(target=worker, args=(child,), daemon=True)
            proc.start()
            pipes.append(parent)
            procs.append(proc)
        origin = f"http://{HOST}:{port}"
        connected = 0
        for size in sizes:
            add = size - connected
            shares = [add // workers + (1 if i < add % workers else 0) for i in range(workers)]
            for pipe, share in zip(pipes, shares, strict=True):
                pipe.send(("connect", server.path, origin, share, deflate))
            replies = [pipe.recv() for pipe in pipes]
            connected = sum(open_ for open_, _, _ in replies)
            failed = sum(failed for _, failed, _ in replies)
            compressed = sum(count for _, _, count in replies)
            time.sleep(WARMUP_S)
            t0 = time.time() + 0.5  # in the future: every worker knows the window before it opens
            t1 = t0 + window
            ask(pipes, "measure", t0, t1)
            time.sleep(max(0.0, t0 - time.time()))
            cpu_before = cpu_seconds(server.process.pid)
            time.sleep(max(0.0, t1 - time.time()))
            cpu_used = cpu_seconds(server.process.pid) - cpu_before
            # Wait until frames published after the window reach the clients, then a grace
            # period: whatever has not arrived by then counts as not delivered.
            deadline = time.monotonic() + CATCH_UP_MAX_S
            while time.monotonic() < deadline and min(ask(pipes, "caught_up")) <= t1:
                time.sleep(0.2)
            time.sleep(GRACE_S)
            reports = ask(pipes, "report")
            latencies = sorted(value for lat, _, _, _ in reports for value in lat)
            seqs = {seq for _, worker_seqs, _, _ in reports for seq in worker_seqs}
            alive = sum(alive for _, _, alive, _ in reports)
            wire = sum(wire for _, _, _, wire in reports)
            frames = (max(seqs) - min(seqs) + 1) if seqs else 0
            expected = frames * size
            rss = rss_mb(server.process.pid)
            delivered = len(latencies)
            lines.append(
                f"{server.name:8} {size:>6} {connected:>6} {failed:>5} {frames / window:5.1f} "
                f"{delivered:>9}/{expected:<9} {100.0 * delivered / max(expected, 1):6.2f}% "
                f"{percentile(latencies, 0.50):8.1f} {percentile(latencies, 0.99):8.1f} "
                f"{statistics.fmean(latencies) if latencies else float('nan'):8.1f} "
                f"{rss:7.1f} {(rss - idle_rss) * 1000 / size:8.1f} {100 * cpu_used / window:5.0f}% "
                f"{1e6 * cpu_used / max(delivered, 1):7.1f} {wire / max(delivered, 1):8.0f}"
                + ("" if alive == size else f"  ({alive} sockets open)")
                + (f"  (deflate on {compressed})" if deflate else "")
            )
            print(lines[-1], flush=True)
            connected = alive
    except Exception as exc:
        lines.append(f"{server.name:8} stopped early: {exc!r}")
        print(lines[-1], flush=True)
    finally:
        for pipe in pipes:
            with contextlib.suppress(Exception):
                pipe.send(("stop",))
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000")
    parser.add_argument("--servers", default="paddock,naive,plain")
    parser.add_argument("--window", type=float, default=8.0, help="seconds measured per size")
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn --ws implementation")
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="clients offer permessage-deflate, as browsers do; servers compress",
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
    print(
        "server    specs   open  fail  upd/s  delivered/expected       %   p50 ms   p99 ms"
        "  mean ms  RSS MB  MB/1k sp   CPU  CPU µs/frame  B/frame"
    )
    workdir = Path(tempfile.mkdtemp(prefix="paddock-fanout-"))
    try:
        for server in servers(args.servers.split(","), args.ws, workdir, args.deflate):
            if time.monotonic() - started > RUN_DEADLINE_S:
                print(f"{server.name:8} skipped: run deadline reached")
                continue
            run_server(server, sizes, args.workers, args.window, args.deflate)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"done in {time.monotonic() - started:.0f} s; load average now "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}. Latency is publish to client receive;"
        " MB/1k sp is (RSS - idle RSS) per 1,000 spectators; CPU is the server's share of one"
        " core during the window, and CPU µs/frame its CPU time per delivered frame; B/frame is"
        " what a spectator received per frame on the wire (WebSocket header included)."
    )


if __name__ == "__main__":
    main()
