"""xb_nginx.py - harness for the gateway integration tests.

Drives the REAL thing: Debian's nginx with build/ngx_http_xborder_module.so,
the real rule catalogs (rules/catalogs) and a test policy
(tests/integration/data/policy.xml), in front of small Python upstream
servers that record every byte they receive. Each Nginx instance lives in
its own temporary prefix, listens on free loopback ports and is stopped by
its pid when the test (module) is done.

Used by the test_gateway_*.py files; deliberately not a conftest.py so that
it cannot collide with other suites in this directory.
"""
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# XBORDER_TEST_MODULE runs the suite against another build of the module
# (e.g. one compiled with AddressSanitizer, with XBORDER_TEST_PRELOAD naming
# the sanitizer runtime to preload into nginx).
MODULE = os.environ.get("XBORDER_TEST_MODULE") or os.path.join(ROOT, "build",
                                                                "ngx_http_xborder_module.so")
PRELOAD = os.environ.get("XBORDER_TEST_PRELOAD", "")
NGINX = "/usr/sbin/nginx"
DATA = os.path.join(ROOT, "tests", "integration", "data")
CATALOGS = os.path.join(ROOT, "rules", "catalogs")
POLICY = os.path.join(DATA, "policy.xml")
CURL = shutil.which("curl") or "/usr/bin/curl"

# Zero-width characters the watermark uses (design-notes §5.3).
ZW_CHARS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def require_module():
    if not os.path.exists(MODULE):
        pytest.fail("build/ngx_http_xborder_module.so is missing: run `make module`")
    if not os.access(NGINX, os.X_OK):
        pytest.fail("nginx is not installed: run `make deps`")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.02)
    return False


# --------------------------------------------------------------- upstream


class Recorded:
    """One request as the upstream received it."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class Upstream:
    """A threaded HTTP/1.1 server that records every request it receives.

    Responses: routes maps a path prefix to a function(handler, recorded)
    that writes the response itself; by default the answer is 200 "ok".
    """

    def __init__(self):
        self.requests = []
        self.routes = {}
        self.lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _read_body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        line = self.rfile.readline()
                        size = int(line.split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return data
                        data += self.rfile.read(size)
                        self.rfile.readline()
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def _handle(self):
                body = self._read_body()
                rec = Recorded(self.command, self.path, list(self.headers.items()), body)
                with upstream.lock:
                    upstream.requests.append(rec)
                for prefix, fn in sorted(upstream.routes.items(), key=lambda kv: -len(kv[0])):
                    if self.path.startswith(prefix):
                        fn(self, rec)
                        return
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(b"ok")

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def find(self, test_id):
        with self.lock:
            return [r for r in self.requests if r.header("X-Test-Id") == test_id]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def respond(handler, status=200, body=b"", headers=None):
    handler.send_response(status)
    for k, v in (headers or {}).items():
        handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def respond_chunked(handler, chunks, status=200, headers=None, delay=0.0):
    """Stream a chunked response, sleeping `delay` between chunks."""
    handler.send_response(status)
    for k, v in (headers or {}).items():
        handler.send_header(k, v)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for c in chunks:
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
        handler.wfile.flush()
        if delay:
            time.sleep(delay)
    handler.wfile.write(b"0\r\n\r\n")
    handler.wfile.flush()


# ------------------------------------------------------------------ nginx


CONF = """\
load_module {module};
{user}
worker_processes {workers};
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log {log_level};
{thread_pool}

events {{
    worker_connections 512;
}}

http {{
    log_format xborder '$request_uri $status id=$xborder_transfer_id '
                       'decision=$xborder_decision route=$xborder_route '
                       'categories=$xborder_categories '
                       'subjects=$xborder_subjects pid=$pid '
                       'test=$http_x_test_id';
    access_log {prefix}/access.log xborder;

    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    client_max_body_size 16m;
    client_body_buffer_size 1m;
    keepalive_requests 1000;

{http}
}}
"""


class Nginx:
    """One nginx master with the module, in its own prefix directory."""

    def __init__(self, prefix, http, workers=1, log_level="info", thread_pool=""):
        require_module()
        self.prefix = str(prefix)
        os.makedirs(self.prefix, exist_ok=True)
        self.conf = os.path.join(self.prefix, "nginx.conf")
        self.proc = None
        user = "user root;" if os.geteuid() == 0 else ""
        with open(self.conf, "w") as f:
            f.write(CONF.format(module=MODULE, user=user, workers=workers,
                                prefix=self.prefix, http=http, log_level=log_level,
                                thread_pool=thread_pool))

    @property
    def error_log(self):
        try:
            with open(os.path.join(self.prefix, "error.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    @property
    def access_log(self):
        try:
            with open(os.path.join(self.prefix, "access.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def test_config(self):
        env = dict(os.environ)
        if PRELOAD:
            env["LD_PRELOAD"] = PRELOAD
        p = subprocess.run([NGINX, "-t", "-p", self.prefix, "-c", self.conf,
                            "-e", os.path.join(self.prefix, "error.log")],
                           capture_output=True, timeout=60, env=env)
        return p.returncode, p.stderr.decode(errors="replace")

    def start(self, port):
        env = dict(os.environ)
        if PRELOAD:
            env["LD_PRELOAD"] = PRELOAD
        with open(os.path.join(self.prefix, "stderr.log"), "ab") as err:
            self.proc = subprocess.Popen([NGINX, "-p", self.prefix, "-c", self.conf,
                                          "-e", os.path.join(self.prefix, "error.log")],
                                         stdout=subprocess.DEVNULL, stderr=err, env=env)
        if not wait_port(port, timeout=30, proc=self.proc):
            self.stop()
            raise AssertionError("nginx did not start:\n" + self.error_log)
        return self

    def master_pid(self):
        with open(os.path.join(self.prefix, "nginx.pid")) as f:
            return int(f.read().strip())

    def worker_pids(self):
        """The master's children (workers), from /proc."""
        pids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    stat = f.read()
            except OSError:
                continue
            # the command may contain spaces: fields start after the last ')'
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == self.proc.pid and fields[0] != "Z":
                pids.append(int(d))
        return sorted(pids)

    def reload(self):
        """`nginx -s reload`, exactly as an operator runs it."""
        env = dict(os.environ)
        if PRELOAD:
            env["LD_PRELOAD"] = PRELOAD
        subprocess.run([NGINX, "-s", "reload", "-p", self.prefix, "-c", self.conf,
                        "-e", os.path.join(self.prefix, "error.log")],
                       check=True, capture_output=True, timeout=60, env=env)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def gateway_http(upstream_port, servers, extra=""):
    """The http{} body shared by most tests: catalogs, policy, watermark
    key, a country map, the upstream, and the given server blocks."""
    return """
    xborder_rules {catalogs};
    xborder_policy {policy};
    xborder_watermark_key {data}/watermark.key;
    xborder_zone xborder_test:8m;

    map $http_x_recipient $xb_country {{
        eu-parent   DE;
        us-partner  US;
        default     "";
    }}

    upstream backend {{
        server 127.0.0.1:{up};
        keepalive 8;
    }}

{extra}
{servers}
""".format(catalogs=CATALOGS, policy=POLICY, data=DATA, up=upstream_port,
           extra=extra, servers=servers)


EXPORT_COMMON = """
            xborder on;
            xborder_exporter $http_x_api_key;
            xborder_recipient $http_x_recipient;
            xborder_destination_country $xb_country;
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Xborder-Transfer-Id $xborder_transfer_id;
"""


# --------------------------------------------------------------- requests


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def request(port, method, path, body=None, headers=None, chunked=False, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        if chunked:
            def gen(data=body, n=700):
                for i in range(0, len(data), n):
                    yield data[i:i + n]
            conn.request(method, path, body=gen(), headers=hdrs, encode_chunked=True)
        else:
            conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        conn.close()


def curl_h2(port, path, body, headers):
    """POST over HTTP/2 cleartext with prior knowledge (curl + nghttp2)."""
    args = [CURL, "-s", "--http2-prior-knowledge", "-o", "-", "-D", "/dev/stderr",
            "-X", "POST", "--data-binary", "@-"]
    for k, v in headers.items():
        args += ["-H", "%s: %s" % (k, v)]
    args.append("http://127.0.0.1:%d%s" % (port, path))
    p = subprocess.run(args, input=body, capture_output=True, timeout=30)
    head = p.stderr.decode(errors="replace")
    m = re.search(r"^HTTP/2 (\d+)", head, re.M)
    assert m, "curl failed: rc=%d %s" % (p.returncode, head)
    hdrs = []
    for line in head.splitlines()[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs.append((k.strip(), v.strip()))
    return Response(int(m.group(1)), None, hdrs, p.stdout)  # HTTP/2: no reason phrase


# ----------------------------------------------------------- sample bodies


def ric_check(body17):
    """GB 11643 MOD 11-2 check character of the first 17 digits."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(d) * k for d, k in zip(body17, w))
    return "10X98765432"[s % 11]


def ric(seq):
    """A valid resident ID number, distinct for each seq."""
    body = "110105" + "1980%02d%02d" % (1 + seq // 28 % 12, 1 + seq % 28) + "%03d" % (seq % 1000)
    return body + ric_check(body)


RIC = "11010519491231002X"
RIC_MASKED = "110105********002X"
MOBILE = "13800138000"
NOTE = "Prefers delivery on weekday mornings near the east gate"

FORMATS = ["json", "xml", "form", "multipart", "csv", "gzip"]


def sample(fmt, pi=True, ident=RIC):
    """(body bytes, headers) of a small customer export in one format.

    pi: the record carries a resident ID (sensitive PI) and a mobile number;
    otherwise only a customer number and a free-text note (no PI at all).
    """
    fields = [("customerNo", "C-1001")]
    if pi:
        fields += [("idNo", ident), ("mobile", MOBILE)]
    fields.append(("note", NOTE))
    if fmt in ("json", "gzip"):
        body = json.dumps({"customers": [dict(fields)]}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if fmt == "gzip":
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        return body, headers
    if fmt == "xml":
        inner = "".join("<%s>%s</%s>" % (k, v, k) for k, v in fields)
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><customers><customer>%s"
                "</customer></customers>" % inner).encode()
        return body, {"Content-Type": "application/xml"}
    if fmt == "form":
        body = "&".join("%s=%s" % (k, v.replace(" ", "+")) for k, v in fields)
        return body.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    if fmt == "multipart":
        b = "xbBoundary7MA4YWxk"
        body = "".join("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                       % (b, k, v) for k, v in fields) + "--%s--\r\n" % b
        return body.encode(), {"Content-Type": "multipart/form-data; boundary=" + b}
    if fmt == "csv":
        body = (",".join(k for k, _ in fields) + "\r\n"
                + ",".join(v for _, v in fields) + "\r\n")
        return body.encode(), {"Content-Type": "text/csv"}
    raise ValueError(fmt)


def records(n, first=0):
    """A JSON export of n customers with distinct resident IDs."""
    rows = [{"customerNo": "C-%05d" % i, "idNo": ric(i), "mobile": MOBILE,
             "note": NOTE} for i in range(first, first + n)]
    return json.dumps({"customers": rows}).encode()


def identity(fmt, body):
    """The body as the upstream parses it (gzip removed)."""
    return gzip.decompress(body) if fmt == "gzip" else body


def strip_marks(text):
    """Remove watermark characters (raw, and percent-encoded in forms)."""
    for ch in ZW_CHARS:
        text = text.replace(ch, "")
        text = text.replace("".join("%%%02X" % b for b in ch.encode()), "")
    return text


def count_marks(text):
    n = sum(text.count(ch) for ch in ZW_CHARS)
    n += sum(text.count("".join("%%%02X" % b for b in ch.encode())) for ch in ZW_CHARS)
    return n


def metrics(port, path="/xborder_status"):
    r = request(port, "GET", path)
    assert r.status == 200, r.body
    out = {}
    for line in r.body.decode().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, value = line.rsplit(" ", 1)
        out[name] = float(value)
    return out
