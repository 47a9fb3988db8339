"""Real Redis for the integration tests.

RedisServer: a redis-server in a temporary directory with AOF and
appendfsync always (what `make run` uses), on a free port, that a test can
kill -9, make slow (DEBUG SLEEP) and restart on the same port and data.

filing_directives(): the http-level directives of a gateway that files to
a spool and that Redis, with a signing key for checkpoints.

Redis: a RESP2 client on one connection (the one of tests/e2e/xb_redis.py,
loaded from there so that there is one), plus what an attacker who controls
Redis could do to the streams: read whole streams and rewrite them keeping
their ids.
"""
import importlib.util
import json
import os
import shutil
import signal
import subprocess

from xb_nginx import free_port, wait_port

_E2E = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "xb_redis.py")
_spec = importlib.util.spec_from_file_location("xb_e2e_redis", _E2E)
_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_e2e)

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"


class Redis(_e2e.Redis):
    """RESP2 client: replies as str/int/list/None, error replies raised."""

    def entries(self, stream):
        """[(id, {field: value})] of a whole stream."""
        return [(i, dict(zip(f[::2], f[1::2]))) for i, f in self("XRANGE", stream, "-", "+")]

    def rewrite(self, stream, entries):
        """Replace a stream by entries, keeping their ids: what someone who
        controls Redis can do to edit records 'in place'."""
        self("DEL", stream)
        for i, fields in entries:
            args = []
            for k, v in fields.items():
                args += [k, v]
            self("XADD", stream, i, *args)


class RedisServer:
    """A redis-server we can kill -9, make slow and restart on its port."""

    def __init__(self, tmp):
        self.dir = str(tmp)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", self.dir, "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--enable-debug-command", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_port(self.port, timeout=10, proc=self.proc), "redis-server did not start"

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def cli(self, *args):
        p = subprocess.run([REDIS_CLI, "-p", str(self.port), *args],
                           capture_output=True, timeout=30)
        return p.stdout.decode(errors="replace")

    def client(self):
        return Redis(self.port)

    def url(self):
        return "redis://127.0.0.1:%d" % self.port

    def records(self):
        """(transfer id, rec) of every record in the stream, in order."""
        out = []
        text = self.cli("--raw", "XRANGE", "xborder:records", "-", "+")
        for line in text.splitlines():
            if line.startswith("{") and '"transfer_id"' in line:
                rec = json.loads(line)
                out.append((rec["transfer_id"], rec))
        return out


def filing_directives(spool, redis=None, keys=None, node_id="gw-itest", checkpoint_every=7,
                      redis_timeout="400ms", more=""):
    """nginx http-context directives that turn filing on: records to the
    spool directory, and to `redis` (a RedisServer) when given, checkpoints
    signed with `keys`/signing.key (a `xborder keygen` directory) every
    `checkpoint_every` records when keys are given."""
    s = "    xborder_spool %s;\n    xborder_node_id %s;\n" % (spool, node_id)
    if redis:
        s += "    xborder_redis 127.0.0.1:%d;\n" % redis.port
        if redis_timeout:
            s += "    xborder_redis_timeout %s;\n" % redis_timeout
    if keys:
        s += "    xborder_signing_key %s/signing.key;\n    xborder_checkpoint_every %d;\n" % (
            keys, checkpoint_every)
    return s + more
