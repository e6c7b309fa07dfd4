"""A small HTTP/1.1 load generator for the benchmarks: one thread, non-blocking sockets,
keep-alive connections, requests prepared as bytes beforehand.

The benchmarks used to send each request from a thread pool through ``http.client`` on a
new connection; on 2 cores that client cost 0.6 ms of CPU per request, as much as a
quarter of what it measured, and made every request pay a TCP handshake that a
production deployment does not (nginx keeps its upstream connections open, see
docs/deployment.md). Here a request costs the client one ``send`` and a ``recv`` or two
(about 0.05 ms), so the server's figures are the server's.

    results, wall = run(port, requests, concurrency=32)

``requests`` are raw request bytes (``build``); each is sent exactly once, in order, on
whichever of ``concurrency`` connections is free. ``results[i]`` is (status, seconds)
for ``requests[i]``. Responses must carry Content-Length (Django's and granian's do) or
be chunked; the connection is reopened if the server closes it.
"""

from __future__ import annotations

import selectors
import socket
import time

__all__ = ["build", "run"]


def build(method: str, path: str, body: bytes | None = None,
          headers: dict[str, str] | None = None) -> bytes:
    """One HTTP/1.1 request, ready to send on a keep-alive connection."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + (body or b"")


class _Conn:
    __slots__ = ("sock", "index", "started", "buf")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.index = -1
        self.started = 0.0
        self.buf = b""


def _response_length(buf: bytes) -> tuple[int, int] | None:
    """(status, total length of the first response in ``buf``) once it is complete."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].decode("latin-1")
    status = int(head[9:12])
    length = None
    chunked = False
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        tail = buf.find(b"\r\n0\r\n\r\n", end)
        return (status, tail + 7) if tail >= 0 else None
    total = end + 4 + (length or 0)
    return (status, total) if len(buf) >= total else None


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setblocking(False)
    return sock


def _reopen(conn: _Conn, sel: selectors.BaseSelector, port: int,
            requests: list[bytes]) -> None:
    sel.unregister(conn.sock)
    conn.sock.close()
    conn.sock = _connect(port)
    conn.buf = b""
    sel.register(conn.sock, selectors.EVENT_READ, conn)
    if conn.index >= 0:
        conn.started = time.perf_counter()
        conn.sock.sendall(requests[conn.index])


def run(port: int, requests: list[bytes], concurrency: int = 16,
        timeout: float = 120.0) -> tuple[list[tuple[int, float]], float]:
    """Send every request once over ``concurrency`` keep-alive connections; return
    (status, latency) per request, in the order given, and the wall time."""
    results: list[tuple[int, float]] = [(0, 0.0)] * len(requests)
    sel = selectors.DefaultSelector()
    following = 0
    done = 0
    t0 = time.perf_counter()

    def send_next(conn: _Conn) -> None:
        nonlocal following
        if following >= len(requests):
            conn.index = -1
            return
        conn.index = following
        following += 1
        conn.started = time.perf_counter()
        conn.sock.sendall(requests[conn.index])

    conns = []
    for _ in range(min(concurrency, len(requests))):
        conn = _Conn(_connect(port))
        conns.append(conn)
        sel.register(conn.sock, selectors.EVENT_READ, conn)
        send_next(conn)
    deadline = t0 + timeout
    while done < len(requests):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(requests) - done} requests unanswered after {timeout} s")
        for key, _ev in sel.select(timeout=1.0):
            conn = key.data
            try:
                chunk = conn.sock.recv(65536)
            except BlockingIOError:
                continue
            if not chunk:  # closed by the server: reopen, resend what was in flight
                _reopen(conn, sel, port, requests)
                continue
            conn.buf += chunk
            while conn.index >= 0:
                parsed = _response_length(conn.buf)
                if parsed is None:
                    break
                status, length = parsed
                results[conn.index] = (status, time.perf_counter() - conn.started)
                done += 1
                conn.buf = conn.buf[length:]
                send_next(conn)
    wall = time.perf_counter() - t0
    for conn in conns:
        sel.unregister(conn.sock)
        conn.sock.close()
    sel.close()
    return results, wall
