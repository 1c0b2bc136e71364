"""The floor to compare with: a bare `websockets` server that broadcasts each update to all.

fanout_plain_websockets.py PORT [--deflate]   (--deflate: accept permessage-deflate)
"""

from __future__ import annotations

import sys
from typing import Any

import uvloop
from fanout_common import encode, run_publisher
from websockets.asyncio.server import ServerConnection, broadcast, serve

connections: set[ServerConnection] = set()


async def handler(connection: ServerConnection) -> None:
    connections.add(connection)
    try:
        await connection.wait_closed()
    finally:
        connections.discard(connection)


async def send(seq: int, message: dict[str, Any]) -> None:
    broadcast(connections, encode(message))


async def main(port: int, deflate: bool) -> None:
    compression = "deflate" if deflate else None
    async with serve(handler, "127.0.0.1", port, backlog=4096, compression=compression):
        await run_publisher(send)


if __name__ == "__main__":
    uvloop.run(main(int(sys.argv[1]), "--deflate" in sys.argv[2:]))
