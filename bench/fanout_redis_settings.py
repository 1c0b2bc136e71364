"""Paddock's settings, for the `paddock-redis` server of bench/live_fanout.py: the Redis channel
layer (REDIS_URL must be set) names its pub/sub channels, and the cache its keys, under
FANOUT_REDIS_PREFIX. Redis pub/sub channels are shared by every database of a Redis server, so a
database number alone would not keep the benchmark's `live.<id>` group apart from someone else's
on the same machine. Nothing else differs from production settings."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import CACHES, CHANNEL_LAYERS, REDIS_URL

if not REDIS_URL:
    raise RuntimeError("fanout_redis_settings needs REDIS_URL")
PREFIX = os.environ["FANOUT_REDIS_PREFIX"]
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = PREFIX
CACHES["default"]["KEY_PREFIX"] = PREFIX
