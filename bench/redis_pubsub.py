"""What one Redis spends on the live layer's pub/sub: CPU per PUBLISH and per message delivered.

    REDIS_URL=redis://HOST:6379/N .venv/bin/python bench/redis_pubsub.py [--subscribers 1,16,64]
                                                                        [--publishes 5000]

With the Redis channel layer every live frame is one PUBLISH to the session's group channel, and
Redis copies it to each subscriber: one per server worker process that has a spectator of that
session (live/fanout/hub.py), whatever its number of spectators. This measures what that costs
Redis itself, so the cost model can say when one Redis is busy and the layer should be sharded.

For each subscriber count S: S connections SUBSCRIBE to one channel of this run's own (pub/sub
channels are shared by every database of a Redis server), drained by a reader thread; a client
sends `--publishes` PUBLISHes of a 400-byte message one after the other (about what channels_redis sends for one
frame). Redis's CPU is read from INFO cpu before and after. It is the whole server's CPU, so other
clients of the same Redis add to it; the runs are short. A least-squares line through the runs
splits the CPU into a part per PUBLISH and a part per message delivered. Figures only.
"""

from __future__ import annotations

import argparse
import os
import secrets
import selectors
import socket
import threading
import time
from urllib.parse import urlparse

import redis

MESSAGE = b"x" * 400


def resp(*parts: bytes) -> bytes:
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


def redis_cpu(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


class Subscribers:
    """S raw connections subscribed to `channel`, read and discarded by one thread."""

    def __init__(self, url: str, channel: bytes, count: int) -> None:
        parsed = urlparse(url)
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=5)
            if parsed.password:
                sock.sendall(resp(b"AUTH", parsed.password.encode()))
                sock.recv(64)
            sock.sendall(resp(b"SUBSCRIBE", channel))
            reply = b""
            while reply.count(b"\r\n") < 6:  # *3, $9 subscribe, $N channel, :1
                reply += sock.recv(4096)
            sock.setblocking(False)
            self.sockets.append(sock)
        self.received = 0
        self.stopping = False
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self) -> None:
        selector = selectors.DefaultSelector()
        for sock in self.sockets:
            selector.register(sock, selectors.EVENT_READ)
        while not self.stopping:
            for key, _ in selector.select(timeout=0.1):
                try:
                    data = key.fileobj.recv(1 << 16)  # type: ignore[union-attr]
                except BlockingIOError:
                    continue
                self.received += len(data)
        selector.close()

    def close(self) -> None:
        self.stopping = True
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def measure(url: str, subscribers: int, publishes: int) -> tuple[int, int, float, float]:
    """(PUBLISH calls, messages delivered, Redis CPU seconds, wall seconds) for one count."""
    channel = f"paddock-bench-pubsub-{os.getpid()}-{secrets.token_hex(4)}".encode()
    readers = Subscribers(url, channel, subscribers)
    client = redis.Redis.from_url(url, socket_timeout=30)
    try:
        expected_bytes = subscribers * publishes * (len(MESSAGE) + 40)
        time.sleep(0.2)
        cpu = redis_cpu(client)
        started = time.monotonic()
        delivered = 0
        # One PUBLISH at a time, as frames come (10 a second per race): Redis writes each message
        # to each subscriber with a write of its own. Pipelined, it would batch them into far
        # fewer writes and look several times cheaper than the live layer's traffic.
        for _ in range(publishes):
            delivered += int(client.publish(channel, MESSAGE))  # type: ignore[arg-type]
        # Redis writes to subscribers after the PUBLISH replies: wait until they have it all.
        deadline = time.monotonic() + 30
        while readers.received < expected_bytes * 0.99 and time.monotonic() < deadline:
            time.sleep(0.01)
        wall = time.monotonic() - started
        used = redis_cpu(client) - cpu
    finally:
        readers.close()
        client.close()
    return publishes, delivered, used, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", default="1,16,64")
    parser.add_argument("--publishes", type=int, default=5000)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    args = parser.parse_args()
    if not args.redis_url:
        raise SystemExit("no REDIS_URL in the environment and no --redis-url")
    client = redis.Redis.from_url(args.redis_url)
    version = client.info("server")["redis_version"]
    client.close()
    print(
        f"redis pub/sub: Redis {version}, {len(MESSAGE)}-byte messages, {args.publishes} "
        f"PUBLISHes one at a time per row; load average before "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print("subscribers  publishes  delivered  Redis CPU s  wall s  µs per delivered  delivered/s")
    rows = []
    for count in (int(c) for c in args.subscribers.split(",")):
        calls, delivered, cpu, wall = measure(args.redis_url, count, args.publishes)
        rows.append((calls, delivered, cpu))
        print(
            f"{count:>11} {calls:>10} {delivered:>10} {cpu:12.3f} {wall:7.2f} "
            f"{1e6 * cpu / max(delivered, 1):17.2f} {delivered / wall:12.0f}"
        )
    # cpu = a * calls + b * delivered, least squares over the rows.
    sxx = sum(c * c for c, _, _ in rows)
    sxy = sum(c * d for c, d, _ in rows)
    syy = sum(d * d for _, d, _ in rows)
    sxz = sum(c * z for c, _, z in rows)
    syz = sum(d * z for _, d, z in rows)
    det = sxx * syy - sxy * sxy
    if len(rows) >= 2 and det:
        per_call = (sxz * syy - syz * sxy) / det
        per_message = (syz * sxx - sxz * sxy) / det
        print(
            f"Redis CPU per PUBLISH {1e6 * per_call:.2f} µs + per message delivered "
            f"{1e6 * per_message:.2f} µs (least squares over the rows); one core of Redis is then "
            f"about {1 / per_message:,.0f} delivered messages per second"
            if per_message > 0
            else "Redis CPU per message delivered: not separable from noise in this run"
        )
    print(f"load average after {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
