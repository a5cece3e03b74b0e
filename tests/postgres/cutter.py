"""A TCP relay between a client and the real PostgreSQL server that can cut the connection
at the one moment a test needs (loopback only): after the server committed a write and
before its answer reaches the client, or before the write's COMMIT reaches the server; and
that can refuse new connections (a server that does not come back). Everything else passes
through unchanged."""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit, urlunsplit

COMMIT = b"COMMIT"
#: A write's COMMIT travels with the row of its id (``actions.RECORD``); a read's alone.
WRITE = b"applied_action"


class Cutter:
    """``url`` is the server's URL through the relay; set :attr:`cut` to ``"answer"`` (the
    next COMMIT is applied, its answer never arrives) or ``"commit"`` (the next COMMIT never
    arrives); :attr:`refusing` closes new connections at once."""

    def __init__(self, server_url: str) -> None:
        parts = urlsplit(server_url)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        auth, _, _ = parts.netloc.rpartition("@")
        netloc = f"{auth}@127.0.0.1:{port}" if auth else f"127.0.0.1:{port}"
        self.url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        self.cut: str | None = None
        self.write = WRITE  # what tells a write's transaction (its COMMIT is the one cut)
        self.refusing = False
        self.cuts = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            server = socket.create_connection(self.target)
            state = {"awaiting": False, "write": False}
            threading.Thread(target=self._upstream, args=(client, server, state),
                             daemon=True).start()  # fmt: skip
            threading.Thread(target=self._downstream, args=(server, client, state),
                             daemon=True).start()  # fmt: skip

    def _upstream(self, client: socket.socket, server: socket.socket,
                  state: dict[str, bool]) -> None:  # fmt: skip
        while data := self._recv(client):
            state["write"] = state["write"] or self.write in data
            with self._lock:
                cut = self.cut if COMMIT in data and state["write"] else None
                if cut is not None:
                    self.cut = None
                    self.cuts += 1
            if COMMIT in data:
                state["write"] = False
            if cut == "commit":
                _close(client, server)
                return
            if cut == "answer":
                state["awaiting"] = True
            try:
                server.sendall(data)
            except OSError:
                break
        _close(client, server)

    def _downstream(self, server: socket.socket, client: socket.socket,
                    state: dict[str, bool]) -> None:  # fmt: skip
        while data := self._recv(server):
            if state["awaiting"] and COMMIT in data:  # the server's CommandComplete: applied
                _close(client, server)
                return
            try:
                client.sendall(data)
            except OSError:
                break
        _close(client, server)

    @staticmethod
    def _recv(sock: socket.socket) -> bytes:
        try:
            return sock.recv(65536)
        except OSError:
            return b""

    def close(self) -> None:
        self.listener.close()


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
