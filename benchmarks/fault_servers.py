"""Servers a fault script may break: its own PostgreSQL and Redis, and a TCP proxy.

The fault scenarios kill, cut off and black-hole their servers, so they never use a
server anyone else uses: ``private_postgres`` makes a throw-away cluster (``initdb`` in
a temporary directory, on a loopback port of its own) and ``private_redis`` a Redis
with no persistence; both are stopped and removed on exit. ``Proxy`` sits between the
application and a server and can refuse (cut off) or swallow (black hole) traffic.
"""

import contextlib
import os
import pwd
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import harness

PG_BIN = os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin")
PG_PORT = int(os.environ.get("BENCH_PRIVATE_PG_PORT", "5440"))
REDIS_PORT = int(os.environ.get("BENCH_PRIVATE_REDIS_PORT", "6391"))


def _wait_for_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _as_postgres(args):
    """PostgreSQL's tools refuse to run as root: run them as the ``postgres`` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextlib.contextmanager
def private_postgres(port=PG_PORT):
    """A PostgreSQL cluster of this script's own on 127.0.0.1:``port`` (trust auth,
    superuser ``postgres``); yields its URL without a database name."""
    directory = tempfile.mkdtemp(prefix="fb-faults-pg-")
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(directory, user.pw_uid, user.pw_gid)
    data = os.path.join(directory, "data")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(
        _as_postgres([f"{PG_BIN}/initdb", "-D", data, "-U", "postgres", "--auth=trust"]),
        **quiet,
    )
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {directory} -c max_connections=200 "
        "-c shared_buffers=64MB"
    )
    subprocess.run(
        _as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-o", options, "-l",
                      os.path.join(directory, "log"), "-w", "start"]),
        **quiet,
    )  # fmt: skip
    try:
        _wait_for_port(port)
        yield f"postgres://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def private_redis(port=REDIS_PORT):
    """A Redis of this script's own on 127.0.0.1:``port``, keeping nothing on disk."""
    directory = tempfile.mkdtemp(prefix="fb-faults-redis-")
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", directory],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}"
    finally:
        harness.stop(process, timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


class Proxy:
    """A TCP proxy on loopback in front of ``upstream_port``.

    ``cut_off()``: new connections are closed at once and open ones dropped, as by a
    host that is down. ``black_hole()``: connections are accepted and kept, but nothing
    passes either way, as when packets vanish on the network; ``restore()`` lets the
    held traffic through again, as TCP's retransmissions would.
    """

    def __init__(self, upstream_port):
        self.upstream = ("127.0.0.1", upstream_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.cut = threading.Event()
        self.hole = threading.Event()
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                readable, _, _ = select.select([self.listener], [], [], 0.2)
                if not readable:
                    continue
                client, _ = self.listener.accept()
            except OSError:  # closed by close()
                return
            if self.cut.is_set():
                client.close()  # refused, as by a host that is down
                continue
            threading.Thread(target=self._connect_and_pipe, args=(client,), daemon=True).start()

    def _connect_and_pipe(self, client):
        while self.hole.is_set() and not self.stopped.is_set():
            time.sleep(0.05)  # the connection's first packets vanish until the hole ends
        try:
            server = socket.create_connection(self.upstream, timeout=2)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        self._pipe(client, server)

    def _pipe(self, client, server):
        sockets = [client, server]
        try:
            while not self.stopped.is_set() and not self.cut.is_set():
                if self.hole.is_set():
                    time.sleep(0.05)
                    continue
                readable, _, _ = select.select(sockets, [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (server if sock is client else client).sendall(data)
        except OSError:
            pass
        finally:
            client.close()
            server.close()

    def cut_off(self):
        self.cut.set()

    def black_hole(self):
        self.hole.set()

    def restore(self):
        self.cut.clear()
        self.hole.clear()

    def close(self):
        self.stopped.set()
        self.listener.close()
