"""A local HTTP server on loopback that misbehaves on purpose, one fault per path."""

from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 2.0  # longer than the tests' timeout, short enough to end on its own


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, body: bytes):
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.body = body
        self.hits: dict[str, int] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        # a short poll: shutdown() waits for it (the default 0.5 s, per test)
        threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send_body(self, body: bytes, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        hits = self.server.hits[path] = self.server.hits.get(path, 0) + 1
        body = self.server.body
        if path == "/ok":
            self._send_body(body)
        elif path == "/404":
            self.send_error(404, "Not Found")
        elif path == "/500":
            self.send_error(500, "Internal Server Error")
        elif path == "/500-once":  # a transient fault: fails the first time only
            if hits == 1:
                self.send_error(500, "Internal Server Error")
            else:
                self._send_body(body)
        elif path == "/reset":  # RST instead of a response
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif path == "/slow":  # no answer within the client's timeout
            time.sleep(SLOW_SECONDS)
            self._send_body(body)
        elif path == "/trickle":  # answers at once, then drips the body past the timeout
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(0, len(body), max(1, len(body) // 10)):
                self.wfile.write(body[i : i + max(1, len(body) // 10)])
                self.wfile.flush()
                time.sleep(SLOW_SECONDS / 10)
        elif path == "/truncated":  # promises the whole body, sends half, hangs up
            self._send_body(body[: len(body) // 2], length=len(body))
        elif path == "/wrong":
            self._send_body(body[::-1])
        elif path == "/endless":  # no length, and a body that never ends
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(bytes(1 << 16))
            except OSError:  # the client hung up
                pass
        elif path == "/huge":  # says at once that it is far too large
            self.send_response(200)
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
        elif path == "/drip":  # 100 bytes every 0.1 s, forever: each read gets something
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(bytes(100))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif path == "/loop":  # a redirect to itself
            self.send_response(308)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/donn%C3%A9es":  # the non-ASCII path /données, as a client must send it
            self._send_body(body)
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(400, "unknown fault")
