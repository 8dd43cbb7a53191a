"""A real HTTP receiver on loopback (``http.server`` in a thread) that records what it is sent
and answers the statuses it is told to, in turn."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    # Statuses to answer, in turn; the last is repeated.
    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    body: bytes = b"ok"
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        index = min(len(self.received) - 1, len(self.statuses) - 1)
        return self.statuses[index]


def start(receiver: Receiver) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer()
            try:
                self.send_response(status)
                self.send_header("content-length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
