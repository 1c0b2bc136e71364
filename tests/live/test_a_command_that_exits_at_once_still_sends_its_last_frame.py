"""Publishing does not wait for Redis, so a command that exits right after its last change (a fast
`live_replay`) must still send the frames it handed over: otherwise spectators keep a stale board
with no gap in seq to resync on."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from live.fanout.frames import group_name
from tests.live.test_an_ingest_process_publishes_over_one_redis_connection import (
    probe_until_subscribed,
)
from tests.live.test_an_ingest_process_publishes_over_one_redis_connection import (
    redis_layer as redis_layer,
)

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
SESSION_ID = 987_655
PUBLISH_AND_EXIT = f"""
import django
django.setup()
from live.fanout.publish import publish
publish({SESSION_ID}, {{"type": "delta", "seq": 2}})
"""


async def test_the_last_frame_of_an_exiting_process_is_sent(
    redis_layer: Any, settings: Any
) -> None:
    channel = await redis_layer.new_channel("test.")
    await redis_layer.group_add(group_name(SESSION_ID), channel)
    try:
        await probe_until_subscribed(redis_layer, channel, SESSION_ID)

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "REDIS_URL": settings.REDIS_URL,
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", PUBLISH_AND_EXIT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        frame = await asyncio.wait_for(redis_layer.receive(channel), 10)
    finally:
        await redis_layer.group_discard(group_name(SESSION_ID), channel)
    assert frame["seq"] == 2
