"""`xborder report`, `verify` and `trace` on records filed by the real
gateway (issue 6).

Each test sends a known set of transfers through real nginx with the module
and filing on (three exporters told apart by X-Api-Key, two recipients in two
countries; outcomes watermark, allow, block, mask, a monitor-mode location,
and a pull export whose CSV response is watermarked), into a real Redis,
then runs the real build/xborder against that Redis. The expected figures
come from what the test sent and what the gateway answered (451 bodies) or
let through (the upstream's copy of a push, the client's copy of a pull),
never from the records.

Period filters, transfers of past days and years, and business-day
deadlines with holidays need records with timestamps the gateway cannot
produce (it stamps the current time, and has no clock to fake):
test_reporting.py covers those on records written by the same encoder and
chained the same way (tests/integration/reporting_fixture.c).
"""
import csv
import datetime
import hashlib
import io
import json
import os
import re
import subprocess

import pytest

from xb_nginx import (CATALOGS, DATA, EXPORT_COMMON, ROOT, Nginx, Upstream, free_port,
                      request, respond, ric)
from xb_browser import chromium
from xb_redis import RedisServer, filing_directives

XBORDER = os.environ.get("XBORDER_BIN", os.path.join(ROOT, "build", "xborder"))
CST = datetime.timezone(datetime.timedelta(hours=8))
USCC_SH = "91310115MA1K4HXA1Y"
USCC_MASK = "91440300MA5F00005N"
USCC_BETA = "91110108MA01GX7B2K"
NOTE = "客户希望在工作日上午送货，地址在东门附近的仓库，请提前一小时电话联系收货人。"
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴勇"]

POLICY = """<?xml version="1.0" encoding="UTF-8"?>
<policy format-version="1" version="report-itest-1">
  <description>xborder reporting integration tests</description>
  <outcomes mode="enforce" on-missing-mechanism="block" watermark="yes"
            on-uninspectable="block"/>
  <counting key-hex="00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"/>
  <recipients>
    <recipient id="eu-parent" country="DE" role="controller">
      <name>Acme Europe GmbH</name>
    </recipient>
    <recipient id="us-partner" country="US" role="entrusted">
      <name>Partner Analytics Inc.</name>
    </recipient>
  </recipients>
  <exporters>
    <exporter id="acme-sh">
      <name>艾克米贸易（上海）有限公司</name>
      <uscc>%s</uscc>
      <ftz zone="shanghai" list-version="2024"/>
      <match type="api-key">key-sh</match>
      <mechanism id="sh-scc" type="scc" ref="SH-SCC-0001"
                 valid-from="2020-01-01" valid-until="2099-12-31">
        <recipient>eu-parent</recipient>
        <category>identity</category>
        <category>contact</category>
        <category>basic-profile</category>
      </mechanism>
    </exporter>
    <exporter id="beta">
      <name>贝塔健康科技（北京）有限公司</name>
      <uscc>%s</uscc>
      <match type="api-key">key-beta</match>
      <mechanism id="beta-scc" type="scc" ref="BETA-SCC-0003"
                 valid-from="2020-01-01" valid-until="2099-12-31">
        <recipient>eu-parent</recipient>
        <category>identity</category>
        <category>contact</category>
        <category>basic-profile</category>
      </mechanism>
    </exporter>
    <exporter id="masker" on-missing-mechanism="mask" watermark="no">
      <name>马斯克尔汽车科技（深圳）有限公司</name>
      <uscc>%s</uscc>
      <match type="api-key">key-mask</match>
      <mechanism id="masker-scc" type="scc" ref="MASK-SCC-0002"
                 valid-from="2020-01-01" valid-until="2099-12-31">
        <recipient>us-partner</recipient>
        <category>contact</category>
        <category>basic-profile</category>
      </mechanism>
    </exporter>
  </exporters>
</policy>
""" % (USCC_SH, USCC_BETA, USCC_MASK)


def uscc_ok(code):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(alphabet.index(c) * w for c, w in zip(code[:17], weights))
    return alphabet[(31 - total % 31) % 31] == code[17]


def person(i, ident=True, mobile=True):
    p = {"name": NAMES[i % len(NAMES)]}
    if ident:
        p["idNo"] = ric(100 + i)
    if mobile:
        p["mobile"] = "139%08d" % (1000 + i)
    p["note"] = NOTE
    return p


# (label, location, api key, recipient, customers, expected status). What
# each outcome was is read off what the upstream received (see outcome()).
TRANSFERS = [
    # a Shanghai FTZ exporter: personal information to its EU parent
    ("t1", "/export/t1", "key-sh", "eu-parent", [person(1), person(2), person(3)], 200),
    ("t2", "/export/t2", "key-sh", "eu-parent",
     [person(4, ident=False), person(5, ident=False)], 200),
    ("t3", "/export/t3", "key-sh", "eu-parent",
     [{"customerNo": "C-%d" % i, "note": NOTE} for i in range(3)], 200),
    # beta: contract with its EU parent only; resident IDs to the US are
    # blocked, and would be in monitor mode (sent, recorded as a block)
    ("t4", "/export/t4", "key-beta", "eu-parent", [person(6)], 200),
    ("t5", "/export/t5", "key-beta", "us-partner", [person(7)], 451),
    ("t6", "/monitor/t6", "key-beta", "us-partner", [person(7)], 200),
    # masker: what its US contract does not cover (resident IDs) is masked
    ("t7", "/export/t7", "key-mask", "us-partner", [person(8), person(9)], 200),
    # beta again, a pull export: its EU parent GETs a CSV the upstream
    # serves (served by serve_pull), watermarked on the way out
    ("t8", "/pull/t8", "key-beta", "eu-parent", [person(10), person(11), person(12)], 200),
]
CSV_COLUMNS = ("name", "idNo", "mobile", "note")
EXPORTER = {"key-sh": "acme-sh", "key-beta": "beta", "key-mask": "masker"}
COUNTRY = {"eu-parent": "DE", "us-partner": "US"}
EXPORTERS = ("acme-sh", "beta", "masker")


def customers_csv(customers):
    """The CSV the upstream serves for a pull export."""
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for c in customers:
        w.writerow([c.get(k, "") for k in CSV_COLUMNS])
    return out.getvalue().encode()


def serve_pull(handler, rec):
    """The upstream of the pull location: the CSV of the transfer the
    request's X-Test-Id names."""
    label = rec.header("X-Test-Id")
    customers = next(t[4] for t in TRANSFERS if t[0] == label)
    respond(handler, 200, customers_csv(customers), {"Content-Type": "text/csv; charset=utf-8"})


def rows_of(item):
    """The customers as they left (None when nothing left)."""
    if item["forwarded"] is None:
        return None
    if item["path"].startswith("/pull/"):
        return list(csv.DictReader(io.StringIO(item["forwarded"].decode(), newline="")))
    return json.loads(item["forwarded"])["customers"]


def outcome(item):
    """The outcome, from what the upstream received (or for a pull, what
    the client received); a monitor-mode
    transfer is sent untouched and recorded with what would have happened
    (t6 carries what t5 was blocked for)."""
    if item["forwarded"] is None:
        return "block"
    if item["path"].startswith("/monitor/"):
        return "block (monitor mode: allow)"
    if item["forwarded"] == item["body"]:
        return "allow"
    if "*" in item["forwarded"].decode():
        return "mask"
    return "watermark"


def run(*args):
    proc = subprocess.run([XBORDER, *args], cwd=ROOT, capture_output=True, timeout=120)
    proc.out, proc.err = proc.stdout.decode(), proc.stderr.decode()
    assert "Sanitizer" not in proc.err and "runtime error:" not in proc.err, proc.err
    return proc


class Filed:
    """The gateway, its Redis, and what was sent and answered."""

    def __init__(self, tmp):
        assert uscc_ok(USCC_SH) and uscc_ok(USCC_MASK)
        self.tmp = tmp
        self.keys = tmp / "keys"
        assert run("keygen", str(self.keys)).returncode == 0
        self.policy = tmp / "policy.xml"
        self.policy.write_text(POLICY)
        self.redis = RedisServer(tmp / "redis")
        self.client = self.redis.client()
        spool = tmp / "spool"
        spool.mkdir()
        self.up = Upstream()
        self.port = free_port()
        http = """
    xborder_rules %s;
    xborder_policy %s;
    xborder_watermark_key %s/watermark.key;
    xborder_zone xborder_report:8m;
%s
    map $http_x_recipient $xb_country {
        eu-parent   DE;
        us-partner  US;
        default     "";
    }
    upstream backend { server 127.0.0.1:%d; keepalive 8; }
    server {
        listen 127.0.0.1:%d;
        location /export/ { %s }
        location /monitor/ { %s xborder_mode monitor; }
        location /pull/ { %s xborder_inspect response;
                          add_header X-Xborder-Transfer-Id $xborder_transfer_id always; }
    }
""" % (CATALOGS, self.policy, DATA,
            filing_directives(spool, self.redis, self.keys, node_id="gw-report",
                              checkpoint_every=2, redis_timeout=None), self.up.port,
            self.port, EXPORT_COMMON, EXPORT_COMMON, EXPORT_COMMON)
        self.up.routes["/pull/"] = serve_pull
        self.nginx = Nginx(tmp / "nginx", http, workers=1)
        try:
            self.nginx.start(self.port)
            self.send_all()
        except BaseException:
            self.stop()
            raise

    def send_all(self):
        self.sent = []
        for label, path, key, recipient, customers, status in TRANSFERS:
            headers = {"X-Api-Key": key, "X-Recipient": recipient, "X-Test-Id": label}
            pull = path.startswith("/pull/")
            if pull:
                body = customers_csv(customers)
                r = request(self.port, "GET", path, None, headers)
            else:
                body = json.dumps({"customers": customers}, ensure_ascii=False).encode()
                r = request(self.port, "POST", path, body,
                            dict(headers, **{"Content-Type": "application/json"}))
            assert r.status == status, (label, r.status, r.body[:400])
            found = self.up.find(label)
            assert len(found) <= 1, label
            upstream = found[0] if found else None
            if pull:        # what left is the response the client received
                assert upstream is not None and status == 200, label
                left = r.body
            else:           # what left is the request the upstream received
                assert (upstream is None) == (status == 451), label
                left = upstream.body if upstream else None
            item = {"label": label, "path": path, "exporter": EXPORTER[key],
                    "recipient": recipient, "country": COUNTRY[recipient],
                    "customers": customers, "body": body,
                    "answer": r.json() if status != 200 else None,
                    "forwarded": left,
                    "tid": r.header("X-Xborder-Transfer-Id") if pull
                    else upstream.header("X-Xborder-Transfer-Id") if upstream
                    else r.json()["transfer_id"]}
            self.sent.append(item)
        self.records = self.redis.records()
        assert [t for t, _ in self.records] == [s["tid"] for s in self.sent]

    def by(self, label):
        return next(s for s in self.sent if s["label"] == label)

    def stop(self):
        for stop in (self.nginx.stop, self.up.stop, self.client.close, self.redis.stop):
            try:
                stop()
            except Exception:   # stop everything that can be stopped
                pass


@pytest.fixture
def filed(tmp_path):
    f = Filed(tmp_path)
    yield f
    f.stop()


def people_sent(items):
    """(general, sensitive) individuals whose PI left, from what the
    upstream received: a resident ID left in the clear is sensitive, a
    mobile or an ID is a person."""
    general, sensitive = set(), set()
    for s in items:
        if s["forwarded"] is None:
            continue
        for c in rows_of(s):
            ident = c.get("idNo", "")
            mobile = c.get("mobile", "")
            if re.fullmatch(r"\d{17}[\dX]", ident):
                sensitive.add(ident)
                general.add(ident)
            elif re.fullmatch(r"1\d{10}", mobile):
                general.add(mobile)
    return len(general), len(sensitive)


def expected(filed, exporter):
    sel = [s for s in filed.sent if s["exporter"] == exporter]
    countries, recipients, outcomes = {}, {}, {}
    for s in sel:
        countries[s["country"]] = countries.get(s["country"], 0) + 1
        recipients[s["recipient"]] = recipients.get(s["recipient"], 0) + 1
        key = outcome(s)
        outcomes[key] = outcomes.get(key, 0) + 1
    general, sensitive = people_sent(sel)
    return {
        "transfers": len(sel),
        "blocked": sum(1 for s in sel if s["forwarded"] is None),
        "bytes_sent": sum(len(s["forwarded"]) for s in sel if s["forwarded"] is not None),
        "data_records": sum(len(s["customers"]) for s in sel if s["forwarded"] is not None),
        "countries": countries, "recipients": recipients, "outcomes": outcomes,
        "ytd_general": general, "ytd_sensitive": sensitive,
    }


def business_deadline(day, n=15):
    while n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def report(filed, fmt="json", *extra):
    proc = run("report", "--redis", filed.redis.url(), "--policy", str(filed.policy),
               "--format", fmt, *extra)
    assert proc.returncode == 0, proc.err
    return proc.out


def exporter_of(rep, exporter_id):
    found = [e for e in rep["exporters"] if e["id"] == exporter_id]
    assert len(found) == 1, [e["id"] for e in rep["exporters"]]
    return found[0]


# --------------------------------------------------------------------------
# xborder report
# --------------------------------------------------------------------------

def entries_in(item):
    """The default catalogs' personal-information entries a body carries."""
    found = set()
    for c in item["customers"]:
        if "idNo" in c:
            found.add("cn.pi.ric")
        if "mobile" in c:
            found.add("cn.pi.mobile")
        if "name" in c:
            found.add("cn.pi.name")
    return found


def test_report_totals_equal_what_was_sent(filed):
    # what the gateway did, from what left: every outcome is present
    assert [outcome(s) for s in filed.sent] == [
        "allow", "allow", "allow", "watermark", "block", "block (monitor mode: allow)",
        "mask", "watermark"]
    rep = json.loads(report(filed))
    assert rep["records_in_period"] == len(TRANSFERS)
    for exporter in EXPORTERS:
        exp, got = expected(filed, exporter), exporter_of(rep, exporter)
        for k in ("transfers", "blocked", "bytes_sent", "data_records"):
            assert got[k] == exp[k], (exporter, k, got[k], exp[k])
        assert {c["key"]: c["transfers"] for c in got["by_country"]} == exp["countries"]
        assert {c["key"]: c["transfers"] for c in got["by_recipient"]} == exp["recipients"]
        assert {c["key"]: c["transfers"] for c in got["by_outcome"]} == exp["outcomes"]
        assert got["year_to_date"]["general"] == exp["ytd_general"], exporter
        assert got["year_to_date"]["sensitive"] == exp["ytd_sensitive"], exporter
        # data categories: transfers whose body carried each entry
        cats = {c["key"]: c["transfers"] for c in got["by_category"]}
        for entry in ("cn.pi.ric", "cn.pi.mobile", "cn.pi.name"):
            n = sum(1 for s in filed.sent if s["exporter"] == exporter and entry in entries_in(s))
            assert cats.get(entry, 0) == n, (exporter, entry, cats)

    # thresholds: sensitive PI of one person already needs SCC or
    # certification (R9); the gauges show the counts against the limits
    for exporter in EXPORTERS:
        got, exp = exporter_of(rep, exporter), expected(filed, exporter)
        assert got["year_to_date"]["route_now"] == ("scc-or-cert" if exp["ytd_sensitive"]
                                                    else "exempt"), exporter
        gauge = {t["id"]: t for t in got["year_to_date"]["thresholds"]}
        assert gauge["general-100k"]["count"] == exp["ytd_general"]
        assert gauge["sensitive-10k"]["percent"] == pytest.approx(
            100.0 * exp["ytd_sensitive"] / 10000, abs=0.01)

    # the blocked attempt, with the reasons of the 451 the client got
    beta = exporter_of(rep, "beta")
    attempts = beta["blocked_attempts"]["attempts"]
    answer = filed.by("t5")["answer"]
    assert [a["transfer_id"] for a in attempts] == [answer["transfer_id"]]
    for reason in answer["reasons"]:
        if reason.get("entry"):
            assert "%s at %s" % (reason["entry"], reason["path"]) in attempts[0]["reasons"]
    assert answer["article"] in attempts[0]["reasons"]
    assert attempts[0]["rule"] == answer["rule"]
    # why: one line per reason of the 451 (a catalog entry found in two
    # fields is one reason), each counting the one blocked transfer
    why = beta["blocked_attempts"]["reasons"]
    distinct = {(x.get("entry") or "", x.get("article") or "") for x in answer["reasons"]}
    assert {x.get("entry") or "" for x in answer["reasons"]} >= {"cn.pi.ric"}
    assert len(why) == len(distinct), (why, distinct)
    for line in why:
        assert line["transfers"] == line["blocked"] == 1, line
        assert line["label"].count("rule %s" % answer["rule"]) == 1, line["label"]

    # mechanisms: the contracts the transfers that left relied on, valid
    # per the policy (the FTZ exporter's transfers relied on the zone's
    # negative list, not on its contract; the monitor-mode transfer on none)
    mechs = {m["ref"]: m for m in beta["mechanisms"]}
    relied = [s for s in filed.sent if s["exporter"] == "beta" and s["forwarded"] is not None
              and not s["path"].startswith("/monitor/")]
    assert [s["recipient"] for s in relied] == ["eu-parent", "eu-parent"]
    assert mechs["BETA-SCC-0003"]["transfers"] == len(relied)
    assert mechs["BETA-SCC-0003"]["validity"] == "valid"
    assert {m["ref"]: m["transfers"] for m in exporter_of(rep, "masker")["mechanisms"]} \
        == {"MASK-SCC-0002": 1}
    sh = exporter_of(rep, "acme-sh")
    assert {m["ref"]: m["transfers"] for m in sh["mechanisms"]} == {"SH-SCC-0001": 0}
    assert {c["key"]: c["transfers"] for c in sh["by_route"]} == {"exempt": 3}

    # Shanghai FTZ: a post-export report within 15 business days of today
    today = datetime.datetime.now(CST).date()
    reports = {r["export_day"]: r for r in sh["ftz_reports"]}
    assert list(reports) == [today.isoformat()], reports
    day = reports[today.isoformat()]
    assert day["deadline"] == business_deadline(today).isoformat()
    assert day["status"] == "due" and day["transfers"] == 3 and day["destinations"] == "DE"
    assert exporter_of(rep, "beta")["ftz_reports"] == []
    due = run("report", "--redis", filed.redis.url(), "--due").out
    assert today.isoformat() in due and business_deadline(today).isoformat() in due


def test_report_csv_parses_with_the_same_totals(filed, tmp_path):
    out = tmp_path / "report.csv"
    report(filed, "csv", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows and all(len(r) == len(rows[0]) for r in rows)
    summary = {r["exporter_id"]: r for r in rows if r["section"] == "summary"}
    for exporter in EXPORTERS:
        exp = expected(filed, exporter)
        assert int(summary[exporter]["transfers"]) == exp["transfers"]
        assert int(summary[exporter]["bytes"]) == exp["bytes_sent"]
    countries = {(r["exporter_id"], r["key"]): int(r["transfers"]) for r in rows
                 if r["section"] == "country"}
    for exporter in EXPORTERS:
        for country, n in expected(filed, exporter)["countries"].items():
            assert countries[(exporter, country)] == n


def test_report_html_renders_in_chromium_with_the_key_numbers(filed, tmp_path):
    out = tmp_path / "report.html"
    report(filed, "html", "-o", str(out))
    html = out.read_text()
    assert "<script" not in html and "<link" not in html and "<img" not in html
    proc = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--user-data-dir=%s" % (tmp_path / "profile"), "--dump-dom", out.as_uri()],
        capture_output=True, timeout=120)
    dom = proc.stdout.decode()
    assert proc.returncode == 0 and "</html>" in dom, proc.stderr.decode()[-2000:]
    for exporter, uscc in (("acme-sh", USCC_SH), ("beta", USCC_BETA), ("masker", USCC_MASK)):
        exp = expected(filed, exporter)
        section = dom.split('data-exporter="%s"' % uscc, 1)[1].split("</section>", 1)[0]
        for metric, value in (("transfers", exp["transfers"]), ("blocked", exp["blocked"]),
                              ("bytes-sent", exp["bytes_sent"]),
                              ("ytd-general", exp["ytd_general"]),
                              ("ytd-sensitive", exp["ytd_sensitive"])):
            m = re.search(r'data-metric="%s" data-value="(\d+)">([\d,]+)<' % metric, section)
            assert m, (exporter, metric)
            assert int(m.group(1)) == value and m.group(2) == "{:,}".format(value), metric
        assert "<svg" in section


# --------------------------------------------------------------------------
# xborder verify
# --------------------------------------------------------------------------

def verify(filed, *extra):
    return run("verify", "--redis", filed.redis.url(), "--pubkey",
               str(filed.keys / "signing.pub"), *extra)


def stream(filed):
    """[(stream id, fields)] of the records; the gateway's one chain."""
    entries = filed.client.entries("xborder:records")
    chains = {f["chain"] for _, f in entries}
    assert len(chains) == 1, chains
    return entries, chains.pop()


def test_verify_passes_on_the_intact_log(filed):
    proc = verify(filed)
    assert proc.returncode == 0, proc.out + proc.err
    assert proc.out.splitlines()[-1].startswith("OK: %d records in 1 chains" % len(TRANSFERS))
    js = json.loads(verify(filed, "--format", "json").out)
    assert js["ok"] and js["stats"]["checkpoints_valid"] == js["stats"]["checkpoints"] >= 3


def test_verify_names_a_changed_field(filed):
    entries, chain = stream(filed)
    sid, fields = entries[2]
    assert '"destination":{"country":"DE"' in fields["rec"], fields["rec"][:300]
    fields["rec"] = fields["rec"].replace('"destination":{"country":"DE"',
                                          '"destination":{"country":"CN"')
    filed.client.rewrite("xborder:records", entries)
    proc = verify(filed)
    assert proc.returncode == 1
    assert ("chain %s: record seq 3 (stream id %s) altered: hash mismatch" % (chain, sid)
            in proc.out), proc.out


def rehash(fields, old, new):
    """Change a record's text and store the hash of the new text, as a
    forger who knows the format would."""
    assert old in fields["rec"], fields["rec"][:300]
    fields["rec"] = fields["rec"].replace(old, new, 1)
    fields["hash"] = hashlib.sha256(fields["rec"].encode()).hexdigest()


def test_verify_names_a_rehashed_forgery(filed):
    """A changed field whose stored hash is recomputed: the next record's
    prev_hash no longer matches, and verify names the forged record."""
    entries, chain = stream(filed)
    sid, fields = entries[2]                     # seq 3, not under a checkpoint
    assert fields["seq"] == "3"
    rehash(fields, '"destination":{"country":"DE"', '"destination":{"country":"CN"')
    filed.client.rewrite("xborder:records", entries)
    proc = verify(filed)
    assert proc.returncode == 1
    assert "hash mismatch" not in proc.out
    assert ("chain %s: record seq 3 (stream id %s) altered" % (chain, sid)) in proc.out, proc.out


def test_verify_names_a_rechained_forgery(filed):
    """A forger who controls Redis changes seq 3, then rewrites every later
    record's prev_hash and hash and the chain head: the chain links again,
    but the signed checkpoints no longer match: verify names the first
    checkpointed record that differs and the records since the checkpoint
    before it, among them the forged one."""
    entries, chain = stream(filed)
    sid, fields = entries[2]
    rehash(fields, '"destination":{"country":"DE"', '"destination":{"country":"CN"')
    prev = fields["hash"]
    for _, later in entries[3:]:
        m = re.search(r'"prev_hash":"([0-9a-f]{64})"', later["rec"])
        rehash(later, m.group(0), '"prev_hash":"%s"' % prev)
        prev = later["hash"]
    filed.client.rewrite("xborder:records", entries)
    filed.client("HSET", "xborder:heads", chain, "%s %s" % (entries[-1][1]["seq"], prev))
    proc = verify(filed)
    assert proc.returncode == 1
    cp_ids = {f["seq"]: i for i, f in filed.client.entries("xborder:checkpoints")}
    assert "4" in cp_ids, cp_ids
    assert ("chain %s: record seq 4 (stream id %s) altered or replaced" % (chain, entries[3][0])
            in proc.out), proc.out
    assert "checkpoint at seq 4 (checkpoint id %s)" % cp_ids["4"] in proc.out, proc.out
    # the record actually forged lies between two checkpoints: it is named
    assert ("seq 3, after the last checkpoint that matches (seq 2), may have been rewritten "
            "with it") in proc.out, proc.out


def test_verify_names_a_deleted_record(filed):
    entries, chain = stream(filed)
    assert filed.client("XDEL", "xborder:records", entries[3][0]) == 1
    proc = verify(filed)
    assert proc.returncode == 1
    assert ("chain %s: missing seq 4 (between stream ids %s and %s)"
            % (chain, entries[2][0], entries[4][0])) in proc.out, proc.out


def test_verify_names_an_inserted_record(filed):
    entries, chain = stream(filed)
    original_id, fields = entries[3]        # t4, watermarked
    fields = dict(fields)
    assert '"enforced":"watermark"' in fields["rec"]
    fields["rec"] = fields["rec"].replace('"enforced":"watermark"', '"enforced":"allow"')
    fields["hash"] = hashlib.sha256(fields["rec"].encode()).hexdigest()
    new_id = filed.client("XADD", "xborder:records", "*",
                          *[x for kv in fields.items() for x in kv])
    proc = verify(filed)
    assert proc.returncode == 1
    assert ("chain %s: record inserted: seq 4 (stream id %s) conflicts with seq 4 filed at "
            "stream id %s" % (chain, new_id, original_id)) in proc.out, proc.out


def test_verify_names_a_forged_checkpoint(filed, tmp_path):
    cps = filed.client.entries("xborder:checkpoints")
    assert cps
    cid, fields = cps[-1]
    # A forger with another Ed25519 key signs the genuine checkpoint text.
    other = tmp_path / "forger"
    assert run("keygen", str(other)).returncode == 0
    text = tmp_path / "cp.txt"
    text.write_bytes(fields["cp"].encode())
    sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey",
                          str(other / "signing.key"), "-in", str(text)],
                         capture_output=True, check=True, timeout=30).stdout
    assert len(sig) == 64
    fields["sig"] = sig.hex()
    filed.client.rewrite("xborder:checkpoints", cps)
    proc = verify(filed)
    assert proc.returncode == 1
    assert ("checkpoint at seq %s (checkpoint id %s) forged: bad signature"
            % (fields["seq"], cid)) in proc.out, proc.out


def test_a_record_export_verifies_offline(filed, tmp_path):
    export = tmp_path / "export.json"
    report(filed, "json", "-o", str(export))
    data = json.loads(export.read_text())
    assert len(data["records"]) == len(TRANSFERS)
    proc = run("verify", "--file", str(export), "--pubkey", str(filed.keys / "signing.pub"))
    assert proc.returncode == 0, proc.out
    victim = data["records"][0]
    victim["rec"] = victim["rec"].replace('"outcome":"', '"outcome":"x', 1)
    export.write_text(json.dumps(data))
    proc = run("verify", "--file", str(export), "--pubkey", str(filed.keys / "signing.pub"))
    assert proc.returncode == 1
    assert ("record seq %s (stream id %s) altered: hash mismatch" % (victim["seq"], victim["id"])
            in proc.out), proc.out


# --------------------------------------------------------------------------
# xborder trace
# --------------------------------------------------------------------------

def trace(filed, leaked):
    return run("trace", "--redis", filed.redis.url(), "--key",
               os.path.join(DATA, "watermark.key"), str(leaked))


def assert_traced(proc, item):
    assert proc.returncode == 0, proc.out + proc.err
    assert "transfer:      %s" % item["tid"] in proc.out, proc.out
    assert "beta" in proc.out and USCC_BETA in proc.out
    assert "eu-parent" in proc.out and "(DE)" in proc.out
    assert re.search(r"when:\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00", proc.out), proc.out
    assert "legal ground:" in proc.out and "BETA-SCC-0003" in proc.out, proc.out
    # the reasons, one readable line each: what, where, why, under what
    reasons = [line.split(":", 1)[1].strip() for line in proc.out.splitlines()
               if line.startswith("  reason:")]
    assert reasons and all("  " not in x and x for x in reasons), reasons
    assert any(x.startswith("cn.pi.ric at ") and x.endswith(", under mechanism BETA-SCC-0003")
               for x in reasons), reasons
    assert "rule R9 (《促进和规范数据跨境流动规定》第八条)" in reasons, reasons


def test_trace_recovers_the_transfer_after_reserialisation(filed, tmp_path):
    item = filed.by("t4")
    doc = json.loads(item["forwarded"])
    doc["customers"].reverse()
    doc["exported_by"] = "a partner's re-export"
    leaked = tmp_path / "leaked.json"
    leaked.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
    assert_traced(trace(filed, leaked), item)


def test_trace_recovers_the_transfer_from_one_pasted_string(filed, tmp_path):
    item = filed.by("t4")
    doc = json.loads(item["forwarded"])
    marked = [c["note"] for c in doc["customers"] if c["note"] != NOTE]
    assert marked, "no note carries a mark"
    leaked = tmp_path / "pasted.txt"
    leaked.write_text("Forwarded from a partner's ticket:\n%s\n-- end\n" % marked[0])
    assert_traced(trace(filed, leaked), item)


def test_trace_recovers_a_pulled_csv_after_reordering(filed, tmp_path):
    """The CSV a recipient pulled, re-serialised: columns and rows in
    another order, every cell quoted, LF line ends, a column added."""
    item = filed.by("t8")
    assert outcome(item) == "watermark"
    rows = rows_of(item)
    assert len(rows) == len(item["customers"])
    out = io.StringIO(newline="")
    columns = ["note", "mobile", "received", "name", "idNo"]
    w = csv.DictWriter(out, columns, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writeheader()
    for row in reversed(rows):
        w.writerow(dict(row, received="2026-01-02"))
    leaked = tmp_path / "leaked.csv"
    leaked.write_text(out.getvalue())
    assert_traced(trace(filed, leaked), item)


def test_trace_says_so_when_there_is_no_mark(filed, tmp_path):
    leaked = tmp_path / "clean.json"
    leaked.write_bytes(filed.by("t4")["body"])       # as the exporter sent it
    proc = trace(filed, leaked)
    assert proc.returncode == 1
    assert "no valid watermark" in proc.out
    assert filed.by("t4")["tid"] not in proc.out
