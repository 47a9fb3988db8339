"""Filing (issue 5): every transfer's record is durable before the transfer
goes on, in Redis or - when Redis is down, slow or refusing - in the
worker's spool, replayed in order later; nothing is lost across Redis
crashes, nginx reloads and killed workers; a spool that cannot be written
fails closed.

Real Redis (AOF, appendfsync always) and real nginx with the module. The
oracle is `xborder verify` (hashes, links, gaps, heads, signatures) plus
the transfer ids the upstream received.
"""
import json
import os
import re
import signal
import subprocess
import threading
import time

import pytest

from xb_redis import REDIS_CLI
from xb_redis import RedisServer as Redis
from xb_nginx import (EXPORT_COMMON, NOTE, ROOT, Nginx, Upstream, free_port,
                      gateway_http, metrics, request, respond, ric, sample)

XBORDER = os.path.join(ROOT, "build", "xborder")


@pytest.fixture
def keys(tmp_path):
    d = tmp_path / "keys"
    subprocess.run([XBORDER, "keygen", str(d)], check=True, capture_output=True)
    return d


def stop_all(*running):
    """Stop nginx, upstreams and Redis servers a test started."""
    for thing in running:
        thing.stop()


def filing_extra(spool, redis=None, keys=None, more=""):
    s = "    xborder_spool %s;\n    xborder_node_id gw-itest;\n" % spool
    if redis:
        s += "    xborder_redis 127.0.0.1:%d;\n    xborder_redis_timeout 400ms;\n" % redis.port
    if keys:
        s += "    xborder_signing_key %s/signing.key;\n    xborder_checkpoint_every 7;\n" % keys
    return s + more


def start(tmp, extra, workers=2, inspect=""):
    os.makedirs(str(tmp), exist_ok=True)
    up = Upstream()
    port = free_port()
    servers = """
    server {
        listen 127.0.0.1:%d reuseport;
        location /export/ { %s %s }
        location = /xborder_status { xborder_status; }
    }
""" % (port, EXPORT_COMMON, inspect)
    ng = Nginx(tmp / "nginx", gateway_http(up.port, servers, extra), workers=workers)
    ng.start(port)
    time.sleep(0.3)     # workers connect to Redis
    return ng, up, port


def filing_gateway(tmp_path, keys, workers=2, more=""):
    """Redis, a spool directory and a gateway filing into both:
    (redis, spool, nginx, upstream, port)."""
    redis = Redis(tmp_path)
    spool = tmp_path / "spool"
    spool.mkdir()
    ng, up, port = start(tmp_path, filing_extra(spool, redis, keys, more), workers=workers)
    return redis, spool, ng, up, port


def post(port, n, test_id=None):
    body = json.dumps({"customers": [{"idNo": ric(n % 40), "note": NOTE}]}).encode()
    headers = {"Content-Type": "application/json", "X-Api-Key": "key-acme",
               "X-Recipient": "eu-parent"}
    if test_id:
        headers["X-Test-Id"] = test_id
    return request(port, "POST", "/export/x", body, headers)


def load(port, n, threads=6, results=None, pause=0.0):
    """n transfers from several clients; returns [(status, transfer id)]"""
    results = [] if results is None else results
    lock = threading.Lock()
    counter = iter(range(n))

    def client():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            try:
                r = post(port, i)
                item = (r.status, r.header("X-Xborder-Transfer-Id"), r.body)
            except OSError as e:
                item = (0, None, str(e).encode())
            with lock:
                results.append(item)
            if pause:
                time.sleep(pause)

    ts = [threading.Thread(target=client) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


def wait_backlog_zero(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = metrics(port)
        if m.get("xborder_spool_backlog", 1) == 0:
            return m
        time.sleep(0.2)
    raise AssertionError("spool backlog did not drain: %r" % metrics(port))


def verify(redis, keys):
    p = subprocess.run([XBORDER, "verify", "--redis", redis.url(), "--pubkey",
                        str(keys / "signing.pub")], capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode() + p.stderr.decode()


def forwarded_ids(up):
    return [r.header("X-Xborder-Transfer-Id") for r in up.requests]


def assert_complete(redis, keys, up, expect_transfers):
    recs = redis.records()
    ids = [t for t, _ in recs]
    assert len(ids) == len(set(ids)), "duplicate records"
    assert len(ids) == expect_transfers, (len(ids), expect_transfers)
    # every transfer the upstream received has its record
    missing = set(forwarded_ids(up)) - set(ids)
    assert not missing, missing
    rc, out = verify(redis, keys)
    assert rc == 0, out
    return recs


def test_records_are_filed_with_chains_checkpoints_and_counts(tmp_path, keys):
    redis, spool, ng, up, port = filing_gateway(tmp_path, keys)
    try:
        res = load(port, 30, threads=3)
        assert all(s == 200 for s, _, _ in res), res[:3]
        recs = assert_complete(redis, keys, up, 30)
        rec = recs[0][1]
        assert rec["direction"] == "push"
        assert rec["exporter"]["uscc"] == "91110105MA01AB004T"
        assert rec["decision"]["outcome"] in ("watermark", "mask", "allow")
        assert re.fullmatch(r"[0-9a-f]{64}", rec["content"]["sha256_original"])
        assert rec["ts_start"].endswith("+08:00")
        # the record is the proof, never the data
        for _, r in recs:
            assert ric(0) not in json.dumps(r, ensure_ascii=False)
        # checkpoints every 7 records per chain, signed
        assert int(redis.cli("XLEN", "xborder:checkpoints")) >= 2
        # the people sent are in the year's sets, exactly
        year = rec["counters"]["year"]
        key = "xborder:subjects:91110105MA01AB004T:%d:sensitive" % year
        assert int(redis.cli("SCARD", key)) == 30
    finally:
        stop_all(ng, up, redis)


def test_redis_killed_under_load_loses_nothing(tmp_path, keys):
    redis, spool, ng, up, port = filing_gateway(tmp_path, keys)
    try:
        results = []
        t = threading.Thread(target=load, args=(port, 400), kwargs={"results": results,
                                                                     "pause": 0.005})
        t.start()
        while len(results) < 100:
            time.sleep(0.01)
        redis.kill9()
        down_at = len(results)
        time.sleep(1.0)
        redis.start()
        t.join()
        assert len(results) == 400
        assert all(s == 200 for s, _, _ in results), [r for r in results if r[0] != 200][:3]
        m = wait_backlog_zero(port)
        assert m['xborder_records_filed_total{to="spool"}'] > 0, m
        assert len(results) > down_at
        assert_complete(redis, keys, up, 400)
    finally:
        stop_all(ng, up, redis)


def test_slow_redis_sends_records_to_the_spool_and_the_gateway_answers(tmp_path, keys):
    redis, spool, ng, up, port = filing_gateway(tmp_path, keys)
    try:
        post(port, 0)
        sleeper = subprocess.Popen([REDIS_CLI, "-p", str(redis.port), "DEBUG", "SLEEP", "4"],
                                   stdout=subprocess.DEVNULL)
        time.sleep(0.2)
        statuses = [post(port, i).status for i in range(1, 9)]
        # all answered while Redis was still asleep
        assert sleeper.poll() is None
        assert statuses == [200] * 8
        sleeper.wait(timeout=20)
        m = wait_backlog_zero(port)
        assert m['xborder_records_filed_total{to="spool"}'] >= 1, m
        assert m["xborder_redis_errors_total"] >= 1, m
        assert_complete(redis, keys, up, 9)
    finally:
        stop_all(ng, up, redis)


def test_reload_and_a_killed_worker_lose_nothing(tmp_path, keys):
    redis, spool, ng, up, port = filing_gateway(tmp_path, keys)
    try:
        results = []
        t = threading.Thread(target=load, args=(port, 300), kwargs={"results": results,
                                                                     "pause": 0.005})
        t.start()
        while len(results) < 60:
            time.sleep(0.01)
        ng.reload()
        while len(results) < 150:
            time.sleep(0.01)
        # Redis goes away, a worker files to its spool and is killed
        redis.kill9()
        time.sleep(0.3)
        while len(results) < 220:
            time.sleep(0.01)
        victim = ng.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        had_spool = any(str(victim) in f for f in os.listdir(spool))
        t.join()
        redis.start()
        ok = [r for r in results if r[0] == 200]
        # a transfer in flight on the killed worker may have failed; every
        # other one succeeded
        assert len(ok) >= 300 - 10, [r for r in results if r[0] != 200][:5]
        deadline = time.time() + 30
        while time.time() < deadline:
            left = [f for f in os.listdir(spool) if f.endswith(".spool")]
            ids = {i for i, _ in redis.records()}
            if set(forwarded_ids(up)) <= ids and not any(
                    f for f in left if str(victim) in f):
                break
            time.sleep(0.3)
        recs = redis.records()
        ids = [i for i, _ in recs]
        assert len(ids) == len(set(ids)), "duplicate records"
        missing = set(forwarded_ids(up)) - set(ids)
        assert not missing, missing
        # the dead worker's spool was adopted, replayed and retired
        if had_spool:
            assert any(f.endswith(".replayed") and str(victim) in f
                       for f in os.listdir(spool)), os.listdir(spool)
        rc, out = verify(redis, keys)
        assert rc == 0, out
    finally:
        stop_all(ng, up, redis)


def mount_tmpfs(path, size="16k"):
    path.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", str(path)],
                       capture_output=True)
    if p.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): " + p.stderr.decode())
    return path


def test_a_full_spool_fails_closed(tmp_path):
    spool = mount_tmpfs(tmp_path / "spool")
    try:
        ng, up, port = start(tmp_path, filing_extra(spool), workers=1)
        try:
            r = post(port, 0, test_id="first")
            assert r.status == 200 and up.find("first")
            # fill the filesystem
            with open(spool / "filler", "wb") as f:
                try:
                    f.write(b"x" * (64 * 1024))
                except OSError:
                    pass
            r = post(port, 1, test_id="full")
            assert r.status == 503, (r.status, r.body)
            assert r.json()["error"] == "filing_unavailable"
            assert not up.find("full")
            assert "No space left" in ng.error_log

            os.unlink(spool / "filler")
            r = post(port, 2, test_id="room")
            assert r.status == 200, r.body
            assert up.find("room")
            m = metrics(port)
            assert m["xborder_filing_failures_total"] >= 1
        finally:
            ng.stop()
            up.stop()
    finally:
        subprocess.run(["umount", str(spool)])


def test_a_read_only_spool_fails_closed_or_open_as_configured(tmp_path):
    for mode, expect in (("closed", 503), ("open", 200)):
        spool = mount_tmpfs(tmp_path / ("spool-" + mode))
        try:
            ng, up, port = start(tmp_path / mode, filing_extra(
                spool, more="    xborder_spool_fail %s;\n" % mode), workers=1)
            try:
                subprocess.run(["mount", "-o", "remount,ro", str(spool)], check=True)
                r = post(port, 1, test_id="ro")
                assert r.status == expect, (mode, r.status, r.body)
                if mode == "closed":
                    assert r.json()["error"] == "filing_unavailable"
                    assert not up.find("ro")
                    assert "Read-only file system" in ng.error_log
                else:
                    assert up.find("ro")
                    assert "WITHOUT A RECORD" in ng.error_log
            finally:
                ng.stop()
                up.stop()
        finally:
            subprocess.run(["umount", str(spool)])


def test_pull_transfers_are_filed_before_the_client_sees_a_byte(tmp_path, keys):
    redis = Redis(tmp_path)
    spool = tmp_path / "spool"
    spool.mkdir()
    ng, up, port = start(tmp_path, filing_extra(spool, redis, keys),
                         inspect="xborder_inspect response;")
    body = json.dumps({"customers": [{"idNo": ric(7), "note": NOTE}]}).encode()
    up.routes["/export/"] = lambda h, rec: respond(h, 200, body,
                                                   {"Content-Type": "application/json"})
    try:
        for i in range(5):
            r = request(port, "GET", "/export/x?respond=json&n=%d" % i, None,
                        {"X-Api-Key": "key-acme", "X-Recipient": "eu-parent"})
            assert r.status in (200, 451), r.body[:200]
        recs = redis.records()
        assert len(recs) == 5
        assert all(rec["direction"] == "pull" for _, rec in recs)
        rc, out = verify(redis, keys)
        assert rc == 0, out
    finally:
        stop_all(ng, up, redis)


def test_filing_directives_are_checked_by_nginx_t(tmp_path):
    up = Upstream()
    try:
        for extra, message in [
            ("    xborder_spool %s/nope;\n" % tmp_path, "is not a writable directory"),
            ("    xborder_spool %s;\n    xborder_redis redis.example:6379;\n" % tmp_path,
             "is not an IP address"),
            ("    xborder_redis 127.0.0.1:6379;\n", "\"xborder_spool\" is not"),
            ("    xborder_spool %s;\n    xborder_signing_key %s/missing.key;\n"
             % (tmp_path, tmp_path), "xborder_signing_key"),
            ("    xborder_spool %s;\n    xborder_counter_margin lots;\n" % tmp_path,
             "takes a number of individuals"),
        ]:
            servers = "server { listen 127.0.0.1:%d; location / { %s } }" % (
                free_port(), EXPORT_COMMON)
            ng = Nginx(tmp_path / ("ng%d" % abs(hash(message))),
                       gateway_http(up.port, servers, extra))
            rc, err = ng.test_config()
            assert rc != 0 and message in err, err
            assert "nginx.conf:" in err
    finally:
        up.stop()


def test_keepalive_connections_wait_for_their_records(tmp_path, keys):
    """Many transfers over one keep-alive connection, Redis up then down: a
    write event of the (already writable) client connection must not let a
    transfer go on before its record is durable."""
    import http.client
    redis, spool, ng, up, port = filing_gateway(tmp_path, keys, workers=1)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        statuses = []
        for i in range(40):
            if i == 20:
                redis.kill9()
            body = json.dumps({"customers": [{"idNo": ric(i), "note": NOTE}]}).encode()
            conn.request("POST", "/export/x", body,
                         {"Content-Type": "application/json", "X-Api-Key": "key-acme",
                          "X-Recipient": "eu-parent"})
            resp = conn.getresponse()
            resp.read()
            statuses.append(resp.status)
        conn.close()
        assert statuses == [200] * 40, statuses
        assert "exited on signal" not in ng.error_log
        redis.start()
        wait_backlog_zero(port)
        assert_complete(redis, keys, up, 40)
    finally:
        stop_all(ng, up, redis)


def test_every_outcome_is_filed_once_and_a_block_before_its_451(tmp_path, keys):
    """allow, mask, watermark, block, and monitor mode: one record each, with
    the outcome, the body digests (sent differs from original only when the
    body was rewritten, none for a block) and never the data."""
    import hashlib
    redis = Redis(tmp_path)
    spool = tmp_path / "spool"
    spool.mkdir()
    up = Upstream()
    port = free_port()
    servers = """
    server {
        listen 127.0.0.1:%d;
        location /export/ { %s }
        location /monitor/ { %s xborder_mode monitor; }
    }
""" % (port, EXPORT_COMMON, EXPORT_COMMON)
    ng = Nginx(tmp_path / "nginx", gateway_http(up.port, servers, filing_extra(spool, redis, keys)))
    ng.start(port)
    cases = [  # path, api key, recipient, PI?, expected status, outcome
        ("/export/a", "key-acme", "eu-parent", False, 200, "allow"),
        ("/export/w", "key-acme", "eu-parent", True, 200, "watermark"),
        ("/export/m", "key-mask", "us-partner", True, 200, "mask"),
        ("/export/b", "key-acme", "us-partner", True, 451, "block"),
        ("/monitor/b", "key-acme", "us-partner", True, 200, "block"),
    ]
    try:
        seen = {}
        for path, key, recipient, pi, status, outcome in cases:
            body, headers = sample("json", pi=pi)
            headers = dict(headers, **{"X-Api-Key": key, "X-Recipient": recipient})
            before = {t for t, _ in redis.records()}
            r = request(port, "POST", path, body, headers)
            assert r.status == status, (path, r.status, r.body[:300])
            # durable before the answer: the record is there already
            new = [(t, rec) for t, rec in redis.records() if t not in before]
            assert len(new) == 1, (path, new)
            seen[path] = (new[0][0], body, new[0][1])
        recs = redis.records()
        assert len(recs) == len(cases) == len({t for t, _ in recs})
        for path, key, recipient, pi, status, outcome in cases:
            tid, body, rec = seen[path]
            assert rec["decision"]["outcome"] == outcome, (path, rec["decision"])
            assert rec["content"]["sha256_original"] == hashlib.sha256(body).hexdigest()
            sent = rec["content"].get("sha256_sent")
            got = [q for q in up.requests if q.header("X-Xborder-Transfer-Id") == tid]
            if status == 451:
                assert not got and not sent, (path, sent)
                continue
            assert len(got) == 1
            assert sent == hashlib.sha256(got[0].body).hexdigest(), path
            assert (sent != rec["content"]["sha256_original"]) == (outcome in ("mask", "watermark")
                                                                  and path.startswith("/export/"))
            if pi:
                assert ric(0) not in json.dumps(rec, ensure_ascii=False)
        monitored = seen["/monitor/b"][2]["decision"]
        assert (monitored["mode"], monitored["enforced"]) == ("monitor", "allow"), monitored
        rc, out = verify(redis, keys)
        assert rc == 0, out
    finally:
        stop_all(ng, up, redis)
