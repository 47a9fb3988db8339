"""Multi-worker behaviour: exact counting of individuals across workers in
the shared zone, and `nginx -s reload` under a bounded load without a single
failed request (counts survive the reload with the zone)."""
import json
import re
import threading
import time

import pytest

from xb_nginx import (EXPORT_COMMON, NOTE, Nginx, Upstream, free_port,
                      gateway_http, metrics, request, ric, sample)


def start(tmp, workers=2):
    up = Upstream()
    port = free_port()
    servers = """
    server {
        listen 127.0.0.1:%d reuseport;
        location /export/ { %s }
        location = /xborder_status { xborder_status; }
    }
""" % (port, EXPORT_COMMON)
    ng = Nginx(tmp, gateway_http(up.port, servers), workers=workers)
    ng.start(port)
    return ng, up, port


def post(port, body, key, recipient, test_id):
    return request(port, "POST", "/export/x", body,
                   {"Content-Type": "application/json", "X-Api-Key": key,
                    "X-Recipient": recipient, "X-Test-Id": test_id})


def test_individuals_are_counted_exactly_across_workers(tmp_path):
    ng, up, port = start(tmp_path)
    try:
        # 60 transfers from 6 concurrent clients; each carries 5 of 30
        # people, every person is sent several times
        errors = []

        def client(c):
            for i in range(10):
                n = c * 10 + i
                people = [ric((n * 7 + k * 11) % 30) for k in range(5)]
                body = json.dumps({"customers": [{"idNo": p, "note": NOTE} for p in people]}).encode()
                r = post(port, body, "key-acme", "eu-parent", "count-%d" % n)
                if r.status != 200:
                    errors.append((n, r.status, r.body[:200]))

        threads = [threading.Thread(target=client, args=(c,)) for c in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        sent = set()
        for n in range(60):
            sent.update(ric((n * 7 + k * 11) % 30) for k in range(5))
        assert len(sent) == 30
        m = metrics(port)
        year = time.gmtime(time.time() + 8 * 3600).tm_year     # China time
        key = 'xborder_individuals{uscc="91110105MA01AB004T",year="%d",class="sensitive"}' % year
        assert m[key] == len(sent)
        # both workers took part
        time.sleep(0.2)
        pids = set(re.findall(r"pid=(\d+) test=count-", ng.access_log))
        assert len(pids) == 2, pids
        # the year-to-date count a decision sees is the exact one: a new
        # transfer of one known and one new person reports 31 after it
        body = json.dumps({"customers": [{"idNo": ric(0)}, {"idNo": ric(100)}]}).encode()
        r = post(port, body, "key-acme", "us-partner", "count-check")
        assert r.status == 451
        assert r.json()["counters_after"]["sensitive"] == 31
    finally:
        ng.stop()
        up.stop()


def test_reload_under_load_fails_no_request(tmp_path):
    ng, up, port = start(tmp_path)
    try:
        clean, h = sample("json", False)
        pi, _ = sample("json", True)
        results = {"ok": 0, "fail": []}
        lock = threading.Lock()
        stop = time.time() + 4.0

        def client(c):
            n = 0
            while time.time() < stop:
                n += 1
                kind = n % 3
                try:
                    if kind == 0:
                        r = post(port, clean, "key-acme", "eu-parent", "rl-%d-%d" % (c, n))
                        good = r.status == 200 and r.body == b"ok"
                    elif kind == 1:
                        r = post(port, pi, "key-acme", "us-partner", "rl-%d-%d" % (c, n))
                        good = r.status == 451 and r.json()["error"] == "transfer_blocked"
                    else:
                        r = post(port, pi, "key-mask", "us-partner", "rl-%d-%d" % (c, n))
                        good = r.status == 200
                    with lock:
                        if good:
                            results["ok"] += 1
                        else:
                            results["fail"].append((kind, r.status, r.body[:200]))
                except Exception as e:  # a reset or refused connection
                    with lock:
                        results["fail"].append((kind, repr(e)))

        threads = [threading.Thread(target=client, args=(c,)) for c in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.7)
        before = metrics(port)
        old_workers = ng.worker_pids()
        assert len(old_workers) == 2
        ng.reload()
        time.sleep(1.2)
        ng.reload()
        for t in threads:
            t.join()
        assert results["fail"] == []
        assert results["ok"] > 50
        # new workers run, and the zone (counters, metrics) survived
        deadline = time.time() + 10
        while set(ng.worker_pids()) & set(old_workers) and time.time() < deadline:
            time.sleep(0.1)
        assert not set(ng.worker_pids()) & set(old_workers)
        after = metrics(port)
        assert after["xborder_counted_subjects"] >= before["xborder_counted_subjects"] >= 1
        k = 'xborder_transfers_total{direction="request",mode="enforce",outcome="block"}'
        assert after[k] > before[k]
        assert "[alert]" not in ng.error_log and "[crit]" not in ng.error_log
    finally:
        ng.stop()
        up.stop()
