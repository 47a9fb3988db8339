"""Request-path (push export) tests of the nginx module against real nginx.

One gateway (module scope) serves several locations; a recording Python
upstream shows exactly what left. Every action (allow, mask, watermark,
block) is checked for JSON, XML, form, multipart, CSV and gzip bodies, and
over chunked HTTP/1.1, HTTP/2 cleartext and bodies nginx spills to temporary
files.
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

from xb_nginx import (FORMATS, MOBILE, NOTE, RIC, RIC_MASKED, ROOT, DATA,
                      EXPORT_COMMON, Nginx, Upstream, count_marks, curl_h2,
                      free_port, gateway_http, identity, metrics, records,
                      request, sample, strip_marks)

ACTIONS = {
    # action: (api key, recipient, body carries PI)
    "allow": ("key-acme", "eu-parent", False),
    "watermark": ("key-acme", "eu-parent", True),
    "mask": ("key-mask", "us-partner", True),
    "block": ("key-acme", "us-partner", True),
}

_ids = itertools.count(1)


def new_id(prefix):
    return "%s-%d" % (prefix, next(_ids))


def drop_connection(handler, rec):
    """An upstream that reads the whole request, then hangs up unanswered."""
    handler.close_connection = True


class Gateway:
    def __init__(self, tmp):
        self.up = Upstream()
        self.dropper = Upstream()
        self.dropper.routes["/"] = drop_connection
        self.port = free_port()
        self.h2_port = free_port()
        locations = """
        location /export/ {{ {common} }}
        location /tempfile/ {{ {common} client_body_buffer_size 1k; }}
        location /monitor/ {{ {common} xborder_mode monitor; }}
        location /forbid/ {{ {common} xborder_block_status 403; }}
        location /cap/ {{ {common} xborder_max_inspect_size 2k; }}
        location /cap-pass/ {{ {common} xborder_max_inspect_size 2k;
                               xborder_oversize pass; }}
        location /pass-uninspectable/ {{ {common} xborder_uninspectable pass; }}
        location /geo/ {{
            xborder on;
            xborder_exporter $http_x_api_key;
            xborder_destination_country $geo_country;
            proxy_pass http://backend;
        }}
        location /retry/ {{ {retry}
                            proxy_next_upstream error timeout non_idempotent; }}
        location /off/ {{ proxy_pass http://backend; }}
        location = /xborder_status {{ xborder_status; }}
        """.format(common=EXPORT_COMMON,
                   retry=EXPORT_COMMON.replace("http://backend", "http://flaky"))
        servers = """
    upstream flaky {{
        server 127.0.0.1:{dropper} max_fails=0;
        server 127.0.0.1:{up} backup;
    }}
    geo $http_x_dest_ip $geo_country {{
        default      "";
        10.0.0.0/8   CN;
        8.8.8.0/24   US;
    }}
    server {{
        listen 127.0.0.1:{port};
        {locations}
    }}
    server {{
        listen 127.0.0.1:{h2} http2;
        {locations}
    }}
""".format(port=self.port, h2=self.h2_port, locations=locations,
           dropper=self.dropper.port, up=self.up.port)
        self.ng = Nginx(tmp, gateway_http(self.up.port, servers))
        self.ng.start(self.port)

    def post(self, path, body, headers, key=None, recipient=None, test_id=None,
             chunked=False, h2=False):
        h = dict(headers)
        if key:
            h["X-Api-Key"] = key
        if recipient:
            h["X-Recipient"] = recipient
        if test_id:
            h["X-Test-Id"] = test_id
        if h2:
            return curl_h2(self.h2_port, path, body, h)
        return request(self.port, "POST", path, body, h, chunked=chunked)

    def log_line(self, test_id):
        # nginx logs after the response went out: wait for the line
        deadline = time.time() + 5
        while True:
            lines = [l for l in self.ng.access_log.splitlines()
                     if l.endswith("test=" + test_id)]
            if lines or time.time() > deadline:
                break
            time.sleep(0.01)
        assert lines, "no access log line for %s" % test_id
        return lines[-1]

    def stop(self):
        self.ng.stop()
        self.up.stop()
        self.dropper.stop()


@pytest.fixture(scope="module")
def gw(tmp_path_factory):
    g = Gateway(tmp_path_factory.mktemp("gw"))
    yield g
    g.stop()


@pytest.fixture(scope="module")
def wm_extract(tmp_path_factory):
    """The library's watermark extractor, built for these tests."""
    out = str(tmp_path_factory.mktemp("wm") / "wm_extract")
    src = os.path.join(ROOT, "tests", "integration", "wm_extract.c")
    subprocess.run(["cc", "-std=c11", "-O1", "-I" + ROOT, "-o", out, src,
                    os.path.join(ROOT, "build", "libxborder.a"),
                    "-lpcre2-8", "-lxml2", "-lz", "-lcrypto", "-lm"], check=True)

    def extract(body):
        p = subprocess.run([out, os.path.join(DATA, "watermark.key")], input=body,
                           capture_output=True)
        return p.stdout.decode().strip() if p.returncode == 0 else None
    return extract


def check_block_answer(r, status=451):
    assert r.status == status, r.body
    if status == 451 and r.reason is not None:   # None: HTTP/2
        assert r.reason == "Unavailable For Legal Reasons"
    assert r.header("Content-Type").startswith("application/json")
    doc = r.json()
    assert doc["error"] == "transfer_blocked"
    assert re.fullmatch(r"[0-9a-f]{16}", doc["transfer_id"])
    assert r.header("X-Xborder-Transfer-Id") == doc["transfer_id"]
    assert doc["route"] == "scc-or-cert"
    assert doc["message_zh"] and doc["message_en"]
    ric = [x for x in doc["reasons"] if x.get("entry") == "cn.pi.ric"]
    assert ric, doc["reasons"]
    assert ric[0]["category"] == "identity"
    assert "idNo" in ric[0]["path"]
    assert ric[0]["article"]
    for reason in doc["reasons"]:
        for k in ("entry", "category", "path", "article"):
            assert k in reason
    return doc


def check_action(gw, fmt, action, body, r, test_id, wm_extract=None):
    got = gw.up.find(test_id)
    line = gw.log_line(test_id)
    if action == "block":
        doc = check_block_answer(r)
        assert got == [], "a blocked body reached the upstream"
        assert "decision=block" in line and ("id=" + doc["transfer_id"]) in line
        return
    assert r.status == 200, r.body
    assert len(got) == 1
    sent = got[0]
    assert int(sent.header("Content-Length")) == len(sent.body)
    original = identity(fmt, body)
    received = identity(fmt, sent.body)
    if fmt == "gzip":
        assert sent.header("Content-Encoding") == "gzip"
    assert "decision=%s" % action in line
    transfer_id = sent.header("X-Xborder-Transfer-Id")
    assert re.fullmatch(r"[0-9a-f]{16}", transfer_id)
    assert "id=" + transfer_id in line
    if action == "allow":
        assert sent.body == body
    elif action == "mask":
        assert RIC.encode() not in received
        assert RIC_MASKED.encode() in received
        assert received == original.replace(RIC.encode(), RIC_MASKED.encode())
    elif action == "watermark":
        text = received.decode("utf-8")
        if fmt == "form":
            # Library limitation: form values whose percent-decoding changes
            # their length ('+' for spaces) are not exact carriers, so the
            # decision is watermark but no mark can be placed; the body must
            # then leave untouched.
            assert received == original
            return
        assert count_marks(text) > 0
        assert strip_marks(text).encode() == original
        assert RIC.encode() in received
        if wm_extract:
            assert wm_extract(received) == transfer_id


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_action_every_format(gw, wm_extract, fmt, action):
    key, recipient, pi = ACTIONS[action]
    body, headers = sample(fmt, pi)
    tid = new_id("act")
    r = gw.post("/export/x", body, headers, key, recipient, tid)
    check_action(gw, fmt, action, body, r, tid, wm_extract)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_chunked_request_body(gw, wm_extract, action):
    key, recipient, pi = ACTIONS[action]
    body, headers = sample("json", pi)
    tid = new_id("chunked")
    r = gw.post("/export/x", body, headers, key, recipient, tid, chunked=True)
    check_action(gw, "json", action, body, r, tid, wm_extract)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_h2c(gw, wm_extract, action):
    key, recipient, pi = ACTIONS[action]
    body, headers = sample("json", pi)
    tid = new_id("h2")
    r = gw.post("/export/x", body, headers, key, recipient, tid, h2=True)
    check_action(gw, "json", action, body, r, tid, wm_extract)


def test_h2c_large_body_is_masked_completely(gw):
    # larger than the preread buffer and the initial stream window: nginx
    # reads it in many DATA frames with flow control
    body = records(1500)
    assert len(body) > 150000
    tid = new_id("h2big")
    r = gw.post("/export/x", body, {"Content-Type": "application/json"},
                "key-mask", "us-partner", tid, h2=True)
    assert r.status == 200, r.body
    sent = gw.up.find(tid)[0]
    doc = json.loads(sent.body)
    assert len(doc["customers"]) == 1500
    assert all(re.fullmatch(r"110105\*{8}\d{3}[\dX]", c["idNo"]) for c in doc["customers"])


@pytest.mark.parametrize("action", list(ACTIONS))
def test_body_in_temporary_file(gw, wm_extract, action):
    key, recipient, pi = ACTIONS[action]
    if pi:
        body = records(300)
    else:
        body = json.dumps({"rows": [{"sku": "SKU-%d" % i, "note": NOTE} for i in range(300)]}).encode()
    assert len(body) > 8 * 1024
    tid = new_id("tmpfile")
    r = gw.post("/tempfile/x", body, {"Content-Type": "application/json"}, key, recipient, tid)
    got = gw.up.find(tid)
    if action == "block":
        doc = check_block_answer(r)
        assert got == []
    else:
        assert r.status == 200, r.body
        sent = got[0]
        assert int(sent.header("Content-Length")) == len(sent.body)
        if action == "allow":
            assert sent.body == body
        elif action == "mask":
            doc = json.loads(sent.body)
            assert len(doc["customers"]) == 300
            assert all(c["idNo"].startswith("110105********") for c in doc["customers"])
            assert json.dumps(doc).count("*") >= 300 * 8
        else:
            text = sent.body.decode()
            assert count_marks(text) > 0
            assert strip_marks(text).encode() == body
            assert wm_extract(sent.body) == sent.header("X-Xborder-Transfer-Id")
    assert "is buffered to a temporary file" in gw.ng.error_log


def test_chunked_body_in_temporary_file_is_masked(gw):
    body = records(200, first=1000)
    tid = new_id("tmpchunk")
    r = gw.post("/tempfile/x", body, {"Content-Type": "application/json"},
                "key-mask", "us-partner", tid, chunked=True)
    assert r.status == 200, r.body
    sent = gw.up.find(tid)[0]
    doc = json.loads(sent.body)
    assert len(doc["customers"]) == 200
    assert all("********" in c["idNo"] for c in doc["customers"])


def _read_response(sock_file):
    status = sock_file.readline().decode()
    headers = {}
    while True:
        line = sock_file.readline().decode()
        if line in ("\r\n", "\n", ""):
            break
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    body = sock_file.read(int(headers.get("content-length", "0")))
    return status, headers, body


def test_keepalive_survives_a_block(gw):
    blocked, h1 = sample("json", True)
    clean, h2 = sample("json", False)
    tid_a, tid_b, tid_c = new_id("ka"), new_id("ka"), new_id("ka")

    def raw(body, key, recipient, tid):
        return (("POST /export/x HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                 "X-Api-Key: %s\r\nX-Recipient: %s\r\nX-Test-Id: %s\r\n"
                 "Content-Length: %d\r\n\r\n") % (key, recipient, tid, len(body))).encode() + body

    with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as s:
        f = s.makefile("rb")
        s.sendall(raw(blocked, "key-acme", "us-partner", tid_a))
        status, headers, body = _read_response(f)
        assert status.startswith("HTTP/1.1 451 Unavailable For Legal Reasons")
        assert headers.get("connection", "keep-alive").lower() == "keep-alive"
        assert json.loads(body)["error"] == "transfer_blocked"
        # an unknown exporter is refused before its body is read: nginx
        # discards the body and the connection still carries on
        s.sendall(raw(blocked, "no-such-key", "us-partner", tid_b))
        status, headers, body = _read_response(f)
        assert status.startswith("HTTP/1.1 403")
        assert json.loads(body)["error"] == "unknown_exporter"
        s.sendall(raw(clean, "key-acme", "eu-parent", tid_c))
        status, headers, body = _read_response(f)
        assert status.startswith("HTTP/1.1 200"), status
        assert body == b"ok"
    assert gw.up.find(tid_a) == [] and gw.up.find(tid_b) == []
    assert gw.up.find(tid_c)[0].body == clean


def test_unknown_exporter_is_refused(gw):
    body, headers = sample("json", False)
    tid = new_id("unknown")
    r = gw.post("/export/x", body, headers, "wrong-key", "eu-parent", tid)
    assert r.status == 403
    doc = r.json()
    assert doc["error"] == "unknown_exporter"
    assert doc["message_zh"] and doc["message_en"]
    assert gw.up.find(tid) == []


def test_block_status_403_when_configured(gw):
    body, headers = sample("xml", True)
    tid = new_id("forbid")
    r = gw.post("/forbid/x", body, headers, "key-acme", "us-partner", tid)
    check_block_answer(r, status=403)
    assert gw.up.find(tid) == []


def test_monitor_mode_decides_but_never_blocks_or_rewrites(gw):
    before = metrics(gw.port)
    for key, recipient in (("key-acme", "us-partner"), ("key-mask", "us-partner")):
        body, headers = sample("json", True)
        tid = new_id("monitor")
        r = gw.post("/monitor/x", body, headers, key, recipient, tid)
        assert r.status == 200, r.body
        assert gw.up.find(tid)[0].body == body
        expected = "block" if key == "key-acme" else "mask"
        assert "decision=%s" % expected in gw.log_line(tid)
    after = metrics(gw.port)
    for outcome in ("block", "mask"):
        k = 'xborder_transfers_total{direction="request",mode="monitor",outcome="%s"}' % outcome
        assert after[k] == before[k] + 1


def test_oversize_body_is_blocked_without_reading_it(gw):
    body = records(40)
    assert len(body) > 2048
    tid = new_id("cap")
    r = gw.post("/cap/x", body, {"Content-Type": "application/json"}, "key-acme", "eu-parent", tid)
    assert r.status == 451
    assert r.json()["error"] == "oversize"
    assert gw.up.find(tid) == []


def test_oversize_chunked_body_is_blocked(gw):
    body = records(40)
    tid = new_id("capchunk")
    r = gw.post("/cap/x", body, {"Content-Type": "application/json"}, "key-acme",
                "eu-parent", tid, chunked=True)
    assert r.status == 451
    assert r.json()["error"] == "oversize"
    assert gw.up.find(tid) == []


def test_oversize_pass_forwards_unexamined(gw):
    body = records(40)
    tid = new_id("cappass")
    before = metrics(gw.port)
    r = gw.post("/cap-pass/x", body, {"Content-Type": "application/json"}, "key-acme",
                "us-partner", tid)
    assert r.status == 200
    assert gw.up.find(tid)[0].body == body
    assert "decision=pass" in gw.log_line(tid)
    after = metrics(gw.port)
    assert after['xborder_oversize_total{direction="request"}'] == \
        before['xborder_oversize_total{direction="request"}'] + 1


def test_uninspectable_body_is_blocked_by_default(gw):
    tid = new_id("uninsp")
    r = gw.post("/export/x", b"\x00\x01binary\xff" * 50, {"Content-Type": "application/octet-stream"},
                "key-acme", "eu-parent", tid)
    assert r.status == 451
    assert gw.up.find(tid) == []
    tid = new_id("malformed")
    r = gw.post("/export/x", b'{"customers": [{"idNo": "1101', {"Content-Type": "application/json"},
                "key-acme", "us-partner", tid)
    assert r.status == 451
    assert gw.up.find(tid) == []


def test_uninspectable_pass_decides_on_what_was_inspected(gw):
    tid = new_id("uninsp-pass")
    body = b"\x00\x01binary\xff" * 50
    r = gw.post("/pass-uninspectable/x", body, {"Content-Type": "application/octet-stream"},
                "key-acme", "us-partner", tid)
    assert r.status == 200, r.body
    assert gw.up.find(tid)[0].body == body


def test_destination_country_from_geo(gw):
    body, headers = sample("json", True)
    # a destination inside mainland China is not an export (R0)
    tid = new_id("geo-cn")
    r = gw.post("/geo/x", body, dict(headers, **{"X-Dest-IP": "10.1.2.3"}), "key-acme", None, tid)
    assert r.status == 200, r.body
    assert gw.up.find(tid)[0].body == body
    # unknown (empty) counts as cross-border: no mechanism covers it
    tid = new_id("geo-unknown")
    r = gw.post("/geo/x", body, dict(headers, **{"X-Dest-IP": "192.0.2.1"}), "key-acme", None, tid)
    assert r.status == 451
    assert gw.up.find(tid) == []


def test_requests_without_body_pass(gw):
    r = request(gw.port, "GET", "/export/x", headers={"X-Test-Id": "get"})
    assert r.status == 200 and r.body == b"ok"


def test_variables_in_access_log(gw):
    body, headers = sample("json", True)
    tid = new_id("vars")
    r = gw.post("/export/x", body, headers, "key-acme", "us-partner", tid)
    doc = r.json()
    line = gw.log_line(tid)
    assert "id=%s " % doc["transfer_id"] in line
    assert "decision=block " in line
    assert "route=scc-or-cert " in line
    m = re.search(r"categories=(\S+)", line)
    assert "cn.pi.ric" in m.group(1).split(",") and "cn.pi.mobile" in m.group(1).split(",")
    assert re.search(r"subjects=general:\d+,sensitive:1 ", line)


def test_status_metrics(gw):
    m = metrics(gw.port)
    assert m['xborder_transfers_total{direction="request",mode="enforce",outcome="block"}'] >= 1
    assert m['xborder_transfers_total{direction="request",mode="enforce",outcome="mask"}'] >= 1
    assert m['xborder_transfers_total{direction="request",mode="enforce",outcome="watermark"}'] >= 1
    assert m['xborder_transfers_total{direction="request",mode="enforce",outcome="allow"}'] >= 1
    assert m['xborder_findings_total{entry="cn.pi.ric",category="identity"}'] >= 1
    assert m['xborder_inspected_bytes_total{direction="request"}'] > 1000
    assert m['xborder_inspection_seconds_bucket{le="+Inf"}'] == m["xborder_inspection_seconds_count"]
    assert m["xborder_inspection_seconds_sum"] > 0
    assert m['xborder_uninspectable_total{direction="request"}'] >= 1
    assert m["xborder_counted_subjects"] >= 1
    assert m["xborder_counter_errors_total"] == 0


@pytest.mark.parametrize("n", [1, 200])
def test_rewritten_body_is_resent_whole_to_the_next_upstream(gw, n):
    # the first upstream reads the masked body and hangs up; nginx resends
    # the request to the backup, which must receive the same, whole body
    # (the rewritten buffers start where their data starts); 1 record gives
    # a few pieces, 200 records the single-copy path
    body = records(n, first=5000)
    tid = new_id("retry")
    r = gw.post("/retry/x", body, {"Content-Type": "application/json"},
                "key-mask", "us-partner", tid)
    assert r.status == 200, r.body
    first, second = gw.dropper.find(tid), gw.up.find(tid)
    assert len(first) == 1 and len(second) == 1
    assert first[0].body == second[0].body
    assert int(second[0].header("Content-Length")) == len(second[0].body)
    doc = json.loads(second[0].body)
    assert len(doc["customers"]) == n
    assert all("********" in c["idNo"] for c in doc["customers"])


def test_client_gone_during_upload(gw):
    body, _ = sample("json", True)
    with socket.create_connection(("127.0.0.1", gw.port), timeout=5) as s:
        s.sendall(("POST /export/x HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                   "X-Api-Key: key-mask\r\nX-Recipient: us-partner\r\n"
                   "Content-Length: %d\r\n\r\n" % (len(body) + 5000)).encode() + body)
    # the gateway carries on
    clean, h = sample("json", False)
    tid = new_id("after-gone")
    r = gw.post("/export/x", clean, h, "key-acme", "eu-parent", tid)
    assert r.status == 200
    assert "[alert]" not in gw.ng.error_log
