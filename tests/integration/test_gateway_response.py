"""Response-path (pull export) tests of the nginx module against real nginx.

The upstream serves exports; the gateway holds the headers, buffers and
classifies the body, then blocks (before any byte reaches the client),
masks, watermarks or releases it.
"""
import gzip
import itertools
import json
import os
import re
import socket
import subprocess
import time

import pytest

from xb_nginx import (DATA, EXPORT_COMMON, NOTE, RIC, RIC_MASKED, ROOT, Nginx,
                      Upstream, count_marks, curl_h2, free_port, gateway_http,
                      records, request, respond, respond_chunked, strip_marks)

_ids = itertools.count(1)

PI_BODY = json.dumps({"customers": [{"customerNo": "C-1", "idNo": RIC,
                                     "mobile": "13800138000", "note": NOTE}]}).encode()
CLEAN_BODY = json.dumps({"rows": [{"sku": "SKU-1", "note": NOTE}]}).encode()
BIG_BODY = records(60)

PULL = {
    "acme-eu": {"X-Api-Key": "key-acme", "X-Recipient": "eu-parent"},
    "acme-us": {"X-Api-Key": "key-acme", "X-Recipient": "us-partner"},
    "mask-us": {"X-Api-Key": "key-mask", "X-Recipient": "us-partner"},
}


def serve(handler, rec):
    name = rec.path.rsplit("/", 1)[-1]
    js = {"Content-Type": "application/json"}
    if name == "clean":
        respond(handler, 200, CLEAN_BODY, dict(js, **{"X-Upstream": "yes", "ETag": '"v1"'}))
    elif name == "pi":
        respond(handler, 200, PI_BODY, dict(js, **{"ETag": '"v2"',
                                                   "Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"}))
    elif name == "slow":
        # the first chunk carries no PI; the person arrives half a second later
        half = len(PI_BODY) // 2
        respond_chunked(handler, [PI_BODY[:half], PI_BODY[half:]], headers=js, delay=0.5)
    elif name == "gzip":
        respond(handler, 200, gzip.compress(PI_BODY), dict(js, **{"Content-Encoding": "gzip"}))
    elif name == "big":
        respond(handler, 200, BIG_BODY, js)
    elif name == "bigchunked":
        respond_chunked(handler, [BIG_BODY[i:i + 1000] for i in range(0, len(BIG_BODY), 1000)],
                        headers=js)
    elif name == "notfound":
        respond(handler, 404, b'{"error":"no such export"}', js)
    else:
        respond(handler, 200, b"ok", {"Content-Type": "text/plain"})


class PullGateway:
    def __init__(self, tmp):
        self.up = Upstream()
        self.up.routes["/"] = serve
        self.port = free_port()
        self.h2_port = free_port()
        locations = """
        location /pull/ {{ {common} xborder_inspect response; }}
        location /pull-cap/ {{ {common} xborder_inspect response;
                               xborder_max_inspect_size 2k; }}
        location /pull-cap-pass/ {{ {common} xborder_inspect response;
                                    xborder_max_inspect_size 2k;
                                    xborder_oversize pass; }}
        location /pull-gz/ {{ {common} xborder_inspect response;
                              gzip on; gzip_types application/json;
                              gzip_min_length 1; }}
        location /both/ {{ {common} xborder_inspect both; }}
        """.format(common=EXPORT_COMMON)
        servers = """
    server {{
        listen 127.0.0.1:{port};
        {locations}
    }}
    server {{
        listen 127.0.0.1:{h2} http2;
        {locations}
    }}
""".format(port=self.port, h2=self.h2_port, locations=locations)
        self.ng = Nginx(tmp, gateway_http(self.up.port, servers))
        self.ng.start(self.port)

    def get(self, path, who, extra=None):
        tid = "pull-%d" % next(_ids)
        h = dict(PULL[who], **{"X-Test-Id": tid})
        h.update(extra or {})
        return request(self.port, "GET", path, headers=h), tid

    def log_line(self, test_id):
        deadline = time.time() + 5
        while True:
            lines = [l for l in self.ng.access_log.splitlines() if l.endswith("test=" + test_id)]
            if lines or time.time() > deadline:
                break
            time.sleep(0.01)
        assert lines
        return lines[-1]

    def stop(self):
        self.ng.stop()
        self.up.stop()


@pytest.fixture(scope="module")
def gw(tmp_path_factory):
    g = PullGateway(tmp_path_factory.mktemp("pull"))
    yield g
    g.stop()


def test_clean_response_is_released_unchanged(gw):
    r, tid = gw.get("/pull/clean", "acme-us")
    assert r.status == 200
    assert r.body == CLEAN_BODY
    assert r.header("X-Upstream") == "yes"
    assert r.header("ETag") == '"v1"'
    assert int(r.header("Content-Length")) == len(CLEAN_BODY)
    assert "decision=allow" in gw.log_line(tid)


def test_block_before_any_byte_is_sent(gw):
    req = ("GET /pull/slow HTTP/1.1\r\nHost: gw\r\nX-Api-Key: key-acme\r\n"
           "X-Recipient: us-partner\r\nX-Test-Id: slow-1\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as s:
        start = time.time()
        s.sendall(req)
        first = s.recv(1)
        waited = time.time() - start
        data = first
        s.settimeout(2)
        head, _, body = b"", b"", b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
        head, body = data.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        while len(body) < length:
            body += s.recv(4096)
        # keepalive: the connection serves the next request
        s.sendall(("GET /pull/clean HTTP/1.1\r\nHost: gw\r\nX-Api-Key: key-acme\r\n"
                   "X-Recipient: us-partner\r\n\r\n").encode())
        nxt = b""
        while b"\r\n\r\n" not in nxt:
            nxt += s.recv(4096)
    # nothing at all was sent while the upstream body was incomplete
    assert waited >= 0.45, waited
    assert head.startswith(b"HTTP/1.1 451 Unavailable For Legal Reasons")
    assert NOTE.encode() not in body and RIC.encode() not in body
    assert b'"customerNo"' not in body
    doc = json.loads(body)
    assert doc["error"] == "transfer_blocked"
    assert any(x["entry"] == "cn.pi.ric" for x in doc["reasons"])
    assert nxt.startswith(b"HTTP/1.1 200")


def test_response_mask(gw):
    r, tid = gw.get("/pull/pi", "mask-us")
    assert r.status == 200, r.body
    assert r.body == PI_BODY.replace(RIC.encode(), RIC_MASKED.encode())
    assert int(r.header("Content-Length")) == len(r.body)
    assert r.header("ETag") is None and r.header("Last-Modified") is None
    assert "decision=mask" in gw.log_line(tid)


def test_response_watermark(gw, tmp_path):
    r, tid = gw.get("/pull/pi", "acme-eu")
    assert r.status == 200, r.body
    text = r.body.decode()
    assert count_marks(text) > 0
    assert strip_marks(text).encode() == PI_BODY
    assert int(r.header("Content-Length")) == len(r.body)
    line = gw.log_line(tid)
    assert "decision=watermark" in line
    transfer_id = re.search(r"id=([0-9a-f]{16})", line).group(1)
    exe = str(tmp_path / "wm_extract")
    subprocess.run(["cc", "-std=c11", "-O1", "-I" + ROOT, "-o", exe,
                    os.path.join(ROOT, "tests", "integration", "wm_extract.c"),
                    os.path.join(ROOT, "build", "libxborder.a"),
                    "-lpcre2-8", "-lxml2", "-lz", "-lcrypto", "-lm"], check=True)
    p = subprocess.run([exe, os.path.join(DATA, "watermark.key")], input=r.body,
                       capture_output=True)
    assert p.stdout.decode().strip() == transfer_id


def test_response_block(gw):
    r, tid = gw.get("/pull/pi", "acme-us")
    assert r.status == 451
    assert r.reason == "Unavailable For Legal Reasons"
    doc = r.json()
    assert doc["error"] == "transfer_blocked"
    assert r.header("X-Xborder-Transfer-Id") == doc["transfer_id"]
    assert r.header("ETag") is None
    assert RIC.encode() not in r.body


def test_gzip_response_is_masked_and_sent_as_identity(gw):
    r, tid = gw.get("/pull/gzip", "mask-us")
    assert r.status == 200, r.body
    assert r.header("Content-Encoding") is None
    assert r.body == PI_BODY.replace(RIC.encode(), RIC_MASKED.encode())


def test_gzip_response_block(gw):
    r, tid = gw.get("/pull/gzip", "acme-us")
    assert r.status == 451
    assert r.header("Content-Encoding") is None
    assert r.json()["error"] == "transfer_blocked"


def test_nginx_gzip_compresses_the_inspected_body(gw):
    r, tid = gw.get("/pull-gz/pi", "mask-us", {"Accept-Encoding": "gzip"})
    assert r.status == 200
    assert r.header("Content-Encoding") == "gzip"
    assert gzip.decompress(r.body) == PI_BODY.replace(RIC.encode(), RIC_MASKED.encode())


def test_oversize_response_block(gw):
    for name in ("big", "bigchunked"):
        r, tid = gw.get("/pull-cap/" + name, "acme-eu")
        assert r.status == 451, name
        assert r.json()["error"] == "oversize"
        assert NOTE.encode() not in r.body


def test_oversize_response_pass(gw):
    for name in ("big", "bigchunked"):
        r, tid = gw.get("/pull-cap-pass/" + name, "acme-us")
        assert r.status == 200, name
        assert r.body == BIG_BODY
        assert "decision=pass" in gw.log_line(tid)


def test_error_responses_are_inspected_too(gw):
    r, tid = gw.get("/pull/notfound", "acme-us")
    assert r.status == 404
    assert r.json() == {"error": "no such export"}


def test_head_request_passes(gw):
    r = request(gw.port, "HEAD", "/pull/pi", headers=PULL["acme-us"])
    assert r.status == 200
    assert r.body == b""


def test_unknown_exporter_on_response(gw):
    r = request(gw.port, "GET", "/pull/clean", headers={"X-Api-Key": "nope"})
    assert r.status == 403
    assert r.json()["error"] == "unknown_exporter"


def test_both_directions(gw):
    tid = "both-1"
    r = request(gw.port, "POST", "/both/pi", body=CLEAN_BODY,
                headers=dict(PULL["acme-us"], **{"Content-Type": "application/json",
                                                 "X-Test-Id": tid}))
    # the request was clean and went out; the answer carries PI and is held
    assert len(gw.up.find(tid)) == 1
    assert r.status == 451
    assert r.json()["error"] == "transfer_blocked"


def test_h2c_response_block_and_mask(gw):
    r = curl_h2(gw.h2_port, "/pull/pi", b"", PULL["acme-us"])
    assert r.status == 451
    assert json.loads(r.body)["error"] == "transfer_blocked"
    r = curl_h2(gw.h2_port, "/pull/pi", b"", PULL["mask-us"])
    assert r.status == 200
    assert r.body == PI_BODY.replace(RIC.encode(), RIC_MASKED.encode())
