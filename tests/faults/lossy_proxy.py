"""An HTTP proxy that delivers each request upstream and then hangs up without the answer.

This is the nastiest network failure for payments: the provider did the work (created the
Checkout Session) but we never learn it, so a naive retry would create a second one.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit


class LossyProxy:
    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        self.forwarded = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream_connection = http.client.HTTPConnection(
                    target.hostname, target.port, timeout=10
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                upstream_connection.request(self.command, self.path, body=body, headers=headers)
                upstream_connection.getresponse().read()
                upstream_connection.close()
                proxy.forwarded += 1
                # Drop the answer: close the socket without writing a status line.
                self.close_connection = True

            do_GET = _forward
            do_POST = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LossyProxy:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
