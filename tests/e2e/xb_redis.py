"""Helpers for the end-to-end tests that need a real Redis: start a private
redis-server on a free port, a minimal RESP2 client, and the spool fixture
(tests/e2e/spool_fixture.c) compiled against build/libxborder.a.

Used by test_spool_cli.py and test_redis_acl.py. Nothing is mocked.
"""
import os
import socket
import subprocess
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REDIS_SERVER = "/usr/bin/redis-server"


class RedisError(Exception):
    """An error reply (-ERR, -NOPERM, -NOSCRIPT ...)."""


class Redis:
    """A RESP2 client on one connection; replies as str/int/list/None."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("redis closed the connection")
                self.buf += chunk
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode("utf-8", "replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)

    def raw(self, *args):
        """Send a command; an error reply is returned (not raised)."""
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self._read()

    def __call__(self, *args):
        reply = self.raw(*args)
        if isinstance(reply, RedisError):
            raise reply
        return reply


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server child in a temporary directory, without persistence."""

    def __init__(self, tmp, *extra):
        if not os.access(REDIS_SERVER, os.X_OK):
            pytest.skip("%s is not installed (apt-get install redis-server)" % REDIS_SERVER)
        self.port = free_port()
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(tmp),
             "--save", "", "--appendonly", "no", "--daemonize", "no", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    answer = s.recv(100)
                    # PONG, or NOAUTH when the default user needs a password
                    if answer.startswith(b"+PONG") or answer.startswith(b"-NOAUTH"):
                        break
            except OSError:
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)

    def url(self, user=None, password=None):
        cred = ""
        if password is not None:
            cred = "%s:%s@" % (user or "", password)
        return "redis://%s127.0.0.1:%d" % (cred, self.port)

    def client(self):
        return Redis(self.port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def build_spool_fixture(tmp):
    """Compile tests/e2e/spool_fixture.c; returns the binary's path."""
    lib = os.path.join(ROOT, "build", "libxborder.a")
    if not os.path.exists(lib):
        pytest.fail("build/libxborder.a is missing: run `make` first")
    out = os.path.join(str(tmp), "spool_fixture")
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-I", ROOT, "-I/usr/include/libxml2",
                    "-o", out, os.path.join(ROOT, "tests", "e2e", "spool_fixture.c"), lib,
                    "-lxml2", "-lpcre2-8", "-lz", "-lcrypto", "-lm", "-lpthread"],
                   check=True, timeout=120)
    return out


def write_spool(fixture, directory, chain, first, last, key="-", prefix="xborder:",
                cp_every=0, torn=0):
    """Append frames of records first..last of chain to its spool file in
    directory; returns the file's path."""
    proc = subprocess.run([fixture, str(directory), chain, str(first), str(last), prefix,
                           str(key), str(cp_every), str(torn)],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode().strip()
