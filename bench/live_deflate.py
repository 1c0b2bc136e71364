"""What permessage-deflate does to real live-timing frames: bytes on the wire and zlib CPU.

    .venv/bin/python bench/live_deflate.py [CAPTURE] [--format rmonitor|p3]

Replays a timing capture (default: the Sebring ALMS session 5 RMonitor feed in ../shared/data) into
a scratch SQLite database in the steps it arrived in real time (without waiting), takes the deltas
Paddock stored (the very frames spectators get), and sends each, in order, through a per-socket
compressor as a browser connection would negotiate it: with context takeover (uvicorn's default)
and without.
Prints bytes per frame and the compressor's CPU time per frame per socket; figures only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAPTURE_NAME = Path("shared", "data", "timing", "rmonitor-2009_Sebring_ALMS_Session_5.txt")
# Next to the checkout; from a git worktree under wt/, next to the directory that holds it.
DEFAULT_CAPTURE = next(
    (
        path
        for path in (ROOT.parent / CAPTURE_NAME, ROOT.parent.parent / CAPTURE_NAME)
        if path.exists()
    ),
    ROOT.parent / CAPTURE_NAME,
)


def stored_frames(capture: Path, feed_format: str, workdir: Path) -> list[bytes]:
    """Replay the capture step by step as it arrived in real time (without the waits) into a
    scratch database and return the deltas Paddock stored, encoded as sent."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'deflate.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Development settings (plain static files, no HTTPS redirect), as the demo runs them.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from live.fanout.frames import encode
    from live.feeds.replay import replay
    from live.models import LiveDelta
    from live.services.timing import create_live_session

    call_command("migrate", verbosity=0, interactive=False)
    session = create_live_session(name=capture.name, mode="race", source="replay")
    replay(
        session_id=session.pk,
        data=capture.read_bytes(),
        format=feed_format,
        speed=1.0,
        sleep=lambda seconds: None,
    )
    payloads = LiveDelta.objects.filter(session=session).order_by("seq")
    return [encode(payload).encode() for payload in payloads.values_list("payload", flat=True)]


def compress_all(frames: list[bytes], *, takeover: bool) -> tuple[int, float]:
    """Total compressed bytes and CPU seconds, one compressor as on one socket."""
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    total = 0
    started = time.process_time()
    for frame in frames:
        if not takeover:
            compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = compressor.compress(frame) + compressor.flush(zlib.Z_SYNC_FLUSH)
        total += len(data) - 4  # the 00 00 ff ff tail is not sent
    return total, time.process_time() - started


def header(length: int) -> int:
    return 2 if length < 126 else 4 if length < 65_536 else 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", nargs="?", default=str(DEFAULT_CAPTURE))
    parser.add_argument("--format", default="rmonitor", choices=("rmonitor", "p3"))
    args = parser.parse_args()
    capture = Path(args.capture)
    if not capture.exists():
        print(f"live deflate: {capture} not found; skipped")
        return
    with tempfile.TemporaryDirectory(prefix="paddock-deflate-") as tmp:
        frames = stored_frames(capture, args.format, Path(tmp))
    count = len(frames)
    raw = sum(len(f) + header(len(f)) for f in frames)
    print(f"live deflate: {capture.name}, {count} stored deltas (the frames spectators get)")
    print("encoding                          bytes/frame  ratio  zlib µs/frame/socket")
    print(f"{'none':32} {raw / count:12.0f} {1.0:6.2f} {0.0:14.1f}")
    for label, takeover in (
        ("permessage-deflate, takeover", True),
        ("permessage-deflate, no takeover", False),
    ):
        size, cpu = compress_all(frames, takeover=takeover)
        wire = size + sum(header(len(f)) for f in frames)
        print(f"{label:32} {wire / count:12.0f} {raw / wire:6.2f} {1e6 * cpu / count:14.1f}")


if __name__ == "__main__":
    main()
