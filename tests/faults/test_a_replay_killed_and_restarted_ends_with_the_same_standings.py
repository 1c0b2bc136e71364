"""The ingest process killed mid-replay (SIGKILL, no clean-up) and started again on the same
session ends with the same standings as a run that was never interrupted: no lap counted twice.

Real processes on a database of their own (a SQLite file), so that the kill lands wherever the
replay happens to be, transaction included.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
CAPTURE = "rmonitor-2009_Sebring_ALMS_Session_5.txt"  # 27,855 records, 13 cars, no reset


def environment(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{database}")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def new_session(env: dict[str, str], name: str) -> int:
    code = (
        "import django; django.setup();"
        "from live.services.timing import create_live_session;"
        f"print(create_live_session(name={name!r}, source='replay').pk)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return int(result.stdout.strip())


def seq_of(database: Path, session_id: int) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        row = db.execute("SELECT seq FROM live_livesession WHERE id = ?", [session_id]).fetchone()
    return int(row[0])


def standings(database: Path, session_id: int) -> list[dict[str, Any]]:
    with sqlite3.connect(database, timeout=30) as db:
        raw = db.execute(
            "SELECT snapshot FROM live_livesession WHERE id = ?", [session_id]
        ).fetchone()[0]
    return json.loads(raw)["rows"]


def stored_feed(database: Path, session_id: int) -> bytes:
    with sqlite3.connect(database, timeout=30) as db:
        chunks = db.execute(
            "SELECT data FROM live_livefeedchunk WHERE session_id = ? ORDER BY id", [session_id]
        ).fetchall()
    return b"".join(bytes(chunk[0]) for chunk in chunks)


def test_a_replay_killed_midway_and_restarted_matches_an_uninterrupted_one(
    tmp_path: Path, shared_timing_dir: str
) -> None:
    capture = Path(shared_timing_dir) / CAPTURE
    database = tmp_path / "live.sqlite3"
    env = environment(database)
    manage(env, "migrate", "--noinput", "-v0")
    reference = new_session(env, "uninterrupted")
    victim = new_session(env, "killed and restarted")

    replay_args = ["live_replay", str(capture), "--format", "rmonitor", "--speed", "0"]
    manage(env, *replay_args, "--session", str(reference))
    # A supervisor restarts the ingest with the same command line, so --resume is there from
    # the start; on a fresh session it changes nothing.
    replay_args.append("--resume")
    final_seq = seq_of(database, reference)
    assert final_seq > 20

    # Start the replay and kill it without warning once it is well under way.
    replay = subprocess.Popen(
        [sys.executable, "manage.py", *replay_args, "--session", str(victim)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while seq_of(database, victim) < final_seq // 3:
            assert replay.poll() is None, "the replay ended before it could be killed"
            assert time.monotonic() < deadline, "the replay made no progress"
            time.sleep(0.02)  # polling another process's progress; nothing to wait on instead
        replay.send_signal(signal.SIGKILL)
    finally:
        replay.wait(timeout=30)
    killed_at = seq_of(database, victim)
    assert killed_at < final_seq, "the kill came too late to interrupt anything"

    manage(env, *replay_args, "--session", str(victim))

    expected, resumed = standings(database, reference), standings(database, victim)
    assert resumed == expected
    assert sum(row["laps"] for row in resumed) == sum(row["laps"] for row in expected) > 400
    # What was received is kept once: the stored feed is the capture, not part of it twice.
    assert stored_feed(database, victim) == capture.read_bytes()
