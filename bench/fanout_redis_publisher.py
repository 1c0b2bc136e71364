"""The timing feed's side of the `paddock-redis` server in bench/live_fanout.py: a process of its
own, with no event loop, calling `live.fanout.publish.publish` (the synchronous path `manage.py
live_ingest` takes after each commit) with fanout_common's delta at its rate. The frames reach the
server's worker processes through Redis, as an ingest's do. Runs until terminated.

    FANOUT_SESSION_ID=<id> DJANGO_SETTINGS_MODULE=fanout_redis_settings REDIS_URL=... \\
        python bench/fanout_redis_publisher.py
"""

from __future__ import annotations

import contextlib
import os
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanout_redis_settings")
    django.setup()
    from fanout_common import Pace, delta

    from live.fanout.publish import publish

    session_id = int(os.environ["FANOUT_SESSION_ID"])
    pace = Pace()
    seq = 0
    while True:
        seq += 1
        publish(session_id, delta(seq))
        time.sleep(pace.delay())


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
