"""Year-to-date distinct-person counts in Redis (issue 5): decisions start
from the counts in Redis, which every worker and every gateway node share;
the sets stay exact when the same people go through two workers at once;
when Redis is unreachable the decision starts from the last known counts
plus xborder_counter_margin (conservative).

The thresholds are those of the Provisions: 10,000 sensitive individuals
moves a transfer from R9 (standard contract, which the test exporter has)
to R8 (security assessment, which it lacks: blocked). The Redis baseline
hash puts the exporter just below it, so the outcome shows which counts a
decision used. Real Redis, real nginx.
"""
import datetime
import json
import subprocess
import threading
import time

from test_filing import (Redis, filing_extra, filing_gateway, keys, start,  # noqa: F401
                         stop_all)
from xb_nginx import metrics, request, ric
from xb_redis import REDIS_CLI

USCC = "91110105MA01AB004T"     # the exporter of key-acme (data/policy.xml)


def year_cst():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).year


def sets(redis):
    base = "xborder:subjects:%s:%d:" % (USCC, year_cst())
    return base + "general", base + "sensitive"


def send(port, people):
    """One transfer of the resident IDs of `people` (sensitive PI)."""
    body = json.dumps({"customers": [{"idNo": ric(p)} for p in people]}).encode()
    headers = {"Content-Type": "application/json", "X-Api-Key": "key-acme",
               "X-Recipient": "eu-parent"}
    return request(port, "POST", "/export/x", body, headers)


def wait_ready(port, redis, timeout=15):
    """Until a transfer is counted by Redis again (reconnect + backoff)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        before = metrics(port).get('xborder_counts_total{source="redis"}', 0)
        send(port, [999])
        if metrics(port).get('xborder_counts_total{source="redis"}', 0) > before:
            return
        time.sleep(0.3)
    raise AssertionError("the gateway did not count with Redis again")



def test_decisions_use_the_counts_in_redis_shared_by_nodes(tmp_path, keys):  # noqa: F811
    redis = Redis(tmp_path)
    redis.cli("HSET", "xborder:baseline:%s:%d" % (USCC, year_cst()), "sensitive", "9998")
    spool_a, spool_b = tmp_path / "spool-a", tmp_path / "spool-b"
    spool_a.mkdir()
    spool_b.mkdir()
    a = start(tmp_path / "a", filing_extra(spool_a, redis, keys), workers=1)
    b = start(tmp_path / "b", filing_extra(spool_b, redis, keys).replace(
        "gw-itest", "gw-other"), workers=1)
    try:
        # 9998 + 1 = 9999 sensitive individuals: R9, covered by the SCC
        r = send(a[2], [1])
        assert r.status == 200, r.body
        # two more new people would make 10001: R8, assessment, blocked.
        # Node a's own zone knows nothing of the baseline: only Redis does.
        r = send(a[2], [2, 3])
        assert r.status == 451, r.body
        assert "R8" in r.body.decode(), r.body
        # node b has never seen person 1, but Redis has: not new, 9999, allowed
        r = send(b[2], [1])
        assert r.status == 200, r.body
        # and a new person through node b is the 10000th: blocked there too
        r = send(b[2], [4])
        assert r.status == 451, r.body

        g, s = sets(redis)
        # blocked people are not counted; a person with sensitive PI is one
        # whose PI left too
        assert int(redis.cli("SCARD", s)) == 1
        assert int(redis.cli("SCARD", g)) == 1
        # the records carry the counts the decisions used
        recs = [rec for _, rec in redis.records()]
        assert [r["counters"]["sensitive_ytd"] for r in recs] == [9999, 10001, 9999, 10000]
        for port in (a[2], b[2]):
            m = metrics(port)
            assert m['xborder_counts_total{source="redis"}'] >= 2, m
            assert m['xborder_counts_total{source="estimate"}'] == 0, m
    finally:
        a[0].stop()
        b[0].stop()
        a[1].stop()
        b[1].stop()
        redis.stop()


def test_counts_stay_exact_through_two_workers_at_once(tmp_path, keys):  # noqa: F811
    redis, spool, ng, up, port = filing_gateway(tmp_path, keys, workers=2)
    people = list(range(40))
    results, lock = [], threading.Lock()

    def client(k):
        # every client sends every person, in overlapping batches of 5
        for i in range(0, len(people), 5):
            batch = people[(i + 5 * k) % 40:][:5] or people[:5]
            r = send(port, batch)
            with lock:
                results.append(r.status)

    try:
        ts = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert results and all(s == 200 for s in results), results
        g, s = sets(redis)
        assert int(redis.cli("SCARD", s)) == len(people)
        assert int(redis.cli("SCARD", g)) == len(people)
        recs = [rec for _, rec in redis.records()]
        assert len(recs) == len(results)
        chains = {rec["chain"] for rec in recs}
        assert len(chains) == 2, chains    # both workers filed
        # a decision never saw fewer people than were counted before it
        # started: the last record's year-to-date count is at most the
        # people plus what concurrent transfers saw as new (conservative)
        assert max(r["counters"]["sensitive_ytd"] for r in recs) >= len(people)
        m = metrics(port)
        assert m['xborder_counts_total{source="redis"}'] == len(results), m
    finally:
        stop_all(ng, up, redis)


def test_without_redis_decisions_use_last_known_counts_plus_margin(tmp_path, keys):  # noqa: F811
    redis = Redis(tmp_path)
    redis.cli("HSET", "xborder:baseline:%s:%d" % (USCC, year_cst()), "sensitive", "9990")
    spool = tmp_path / "spool"
    spool.mkdir()
    ng, up, port = start(tmp_path, filing_extra(spool, redis, keys,
                                                "    xborder_counter_margin 10;\n"), workers=1)
    try:
        r = send(port, [1])             # Redis: 9990 + 1
        assert r.status == 200, r.body
        redis.kill9()
        # last known 9990 + 1 counted here since + margin 10 + 1 new = 10002
        r = send(port, [2])
        assert r.status == 451, r.body
        assert "R8" in r.body.decode(), r.body
        # a person this node counted is not new, but the margin still applies
        r = send(port, [1])
        assert r.status == 451, r.body
        m = metrics(port)
        assert m['xborder_counts_total{source="estimate"}'] == 2, m
        assert "deciding on estimated counts (last known Redis counts + margin 10/10)" \
            in ng.error_log

        redis.start()
        wait_ready(port, redis)
        # Redis again: 9990 + 1 (+ person 999 of wait_ready) + 1 new
        r = send(port, [2])
        assert r.status == 200, r.body
        g, s = sets(redis)
        # every record reached Redis (replayed from the spool) and only
        # people actually sent were counted
        deadline = time.time() + 20
        while time.time() < deadline and metrics(port).get("xborder_spool_backlog", 1):
            time.sleep(0.2)
        members = set(redis.cli("--raw", "SMEMBERS", s).split())
        assert len(members) == 3, members
        outcomes = [rec["decision"]["outcome"] for _, rec in redis.records()]
        # the two blocked above (wait_ready's probes may add more while
        # Redis is coming back), the last one allowed (watermarked)
        assert outcomes[1:3] == ["block", "block"] and outcomes[-1] == "watermark", outcomes
    finally:
        stop_all(ng, up, redis)


def test_margins_per_class_when_redis_was_never_reached(tmp_path, keys):  # noqa: F811
    """No Redis since start: this node's counts plus the margins. Any
    sensitive margin puts a general-PI transfer into R9 (>= 1 sensitive
    individual this year), which acme has no contract for towards
    us-partner: blocked. A sensitive margin of 0 leaves it exempt (R10)."""
    (tmp_path / "r").mkdir()
    dead = Redis(tmp_path / "r")
    dead.stop()                       # a port where nothing answers
    body = json.dumps({"customers": [{"mobile": "1380013800%d" % i} for i in range(3)]})
    headers = {"Content-Type": "application/json", "X-Api-Key": "key-acme",
               "X-Recipient": "us-partner"}
    for margins, status in (("1000 0", 200), ("1000 1", 451)):
        tmp = tmp_path / margins.replace(" ", "-")
        spool = tmp / "spool"
        spool.mkdir(parents=True)
        ng, up, port = start(tmp, filing_extra(spool, dead, keys,
                                               "    xborder_counter_margin %s;\n" % margins),
                             workers=1)
        try:
            r = request(port, "POST", "/export/x", body.encode(), headers)
            assert r.status == status, (margins, r.body)
            if status == 451:
                assert r.json()["rule"] == "R9", r.body
            assert "deciding on estimated counts (this node's counts + margin %s)" \
                % margins.replace(" ", "/") in ng.error_log
        finally:
            ng.stop()
            up.stop()


def test_a_worker_that_just_started_waits_for_its_redis_connection(tmp_path, keys):  # noqa: F811
    """Redis busy while the worker sets up its connection (DEBUG SLEEP holds
    SCRIPT LOAD): the first transfer waits for the connection instead of
    deciding on an estimate (which, with the default margins, would put this
    exporter past 10,000 sensitive individuals and block it)."""
    redis = Redis(tmp_path)
    redis.cli("HSET", "xborder:baseline:%s:%d" % (USCC, year_cst()), "sensitive", "9998")
    spool = tmp_path / "spool"
    spool.mkdir()
    sleeper = subprocess.Popen([REDIS_CLI, "-p", str(redis.port), "DEBUG", "SLEEP", "1.5"],
                               stdout=subprocess.DEVNULL)
    time.sleep(0.1)
    extra = filing_extra(spool, None, keys) + (
        "    xborder_redis 127.0.0.1:%d;\n    xborder_redis_timeout 5s;\n"
        "    xborder_redis_connect_timeout 5s;\n" % redis.port)
    ng, up, port = start(tmp_path, extra, workers=1)
    try:
        started = time.time()
        r = send(port, [1])
        assert r.status == 200, r.body
        sleeper.wait(timeout=10)
        m = metrics(port)
        assert m['xborder_counts_total{source="redis"}'] == 1, m
        assert m['xborder_counts_total{source="estimate"}'] == 0, m
        assert time.time() - started < 5
        assert [rec["counters"]["sensitive_ytd"] for _, rec in redis.records()] == [9999]
    finally:
        stop_all(ng, up, redis)
