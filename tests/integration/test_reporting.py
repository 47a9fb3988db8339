"""Integration tests of `xborder report` and `xborder verify` on a real Redis.

Each test starts its own redis-server on a free port in a temporary
directory, files a known set of transfers into it, and runs the real
build/xborder against it. Nothing is mocked: the records are encoded by the
project's canonical encoder, chained with SHA-256 and checkpointed with real
Ed25519 signatures (tests/integration/reporting_fixture.c, compiled here
against build/libxborder.a).

FIXTURE RECORDS, ON PURPOSE. The gateway files every transfer itself now,
and every test issue 6 names runs on records it filed through real nginx:
tests/integration/test_reporting_gateway.py. The records here are written
by the fixture writer instead because they need dates the gateway cannot
produce: it stamps each record with the current time and has (by design)
no clock to fake. They cover transfers on past days and in a past year
(period filters, --from/--to windows anchored by checkpoints, year-to-date
resets, mechanism validity on a given day) and FTZ business-day deadlines
with holiday files and --as-of. The fixture writes exactly what
docs/redis-layout.md describes (canonical encoder, SHA-256 chain, real
Ed25519 checkpoints, heads); how the records get into Redis is confined to
the FIXTURE section below.
"""
import csv
import datetime
import io
import json
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from xb_browser import chromium
from xb_redis import Redis

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
XBORDER = os.environ.get("XBORDER_BIN", os.path.join(ROOT, "build", "xborder"))
CST = datetime.timezone(datetime.timedelta(hours=8))
AS_OF = "2026-11-18"


@pytest.fixture
def redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (make deps)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    client = None
    while time.time() < deadline:
        try:
            client = Redis(port)
            client("PING")
            break
        except OSError:
            time.sleep(0.05)
    if client is None:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield client
    proc.terminate()
    proc.wait(timeout=10)


def run(*args, check=None):
    proc = subprocess.run([XBORDER, *args], cwd=ROOT, capture_output=True, timeout=120)
    proc.out = proc.stdout.decode()
    proc.err = proc.stderr.decode()
    # Under a sanitizer build (XBORDER_BIN), a memory error is a failure even
    # where a non-zero exit is expected.
    assert "Sanitizer" not in proc.err and "runtime error:" not in proc.err, proc.err
    if check is not None and proc.returncode != check:
        raise AssertionError("xborder %s: exit %d, expected %d\n%s\n%s" % (
            " ".join(args), proc.returncode, check, proc.out, proc.err))
    return proc


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    if not os.access(XBORDER, os.X_OK):
        pytest.fail("build/xborder is missing: run `make` first")
    d = tmp_path_factory.mktemp("keys") / "gw"
    run("keygen", str(d), check=0)
    other = tmp_path_factory.mktemp("keys") / "other"
    run("keygen", str(other), check=0)
    return {"dir": d, "pub": str(d / "signing.pub"), "key": str(d / "signing.key"),
            "other_key": str(other / "signing.key")}


# --------------------------------------------------------------------------
# FIXTURE: the transfers and how they are filed. Only this part changes
# when the gateway files the records (issue 5).
# --------------------------------------------------------------------------

def uscc(body17):
    """A USCC with its GB 32100-2015 check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(alphabet.index(c) * w for c, w in zip(body17, weights))
    return body17 + alphabet[(31 - total % 31) % 31]


USCC_ACME = uscc("91310115MA1K4HXA1")
USCC_BETA = uscc("91110108MA01GX7B2")


def ms(y, m, d, hh=10, mm=0):
    return int(datetime.datetime(y, m, d, hh, mm, tzinfo=CST).timestamp() * 1000)


ACME = {"exporter": "acme", "uscc": USCC_ACME, "name": "Acme Shanghai Trading Co., Ltd.",
        "ftz": "shanghai-lingang"}
BETA = {"exporter": "beta", "uscc": USCC_BETA, "name": 'Beta Health "Intl", Beijing',
        "ciio": "1"}
RIC_REASON = ("cn.spi.ric|identity|/customers/0/idNo|"
              "《促进和规范数据跨境流动规定》第八条|")


def transfers():
    """The filed transfers, in time order (the fixture files them so)."""
    t = []

    def add(party, when, **kw):
        rec = dict(party)
        rec["ts"] = when
        rec.update(kw)
        t.append(rec)

    # Monday 2 November 2026: acme to Germany and the US, beta to Singapore.
    add(ACME, ms(2026, 11, 2, 9), chain="gw1/0", country="DE", recipient="de-proc",
        recipient_name="Proc GmbH", cats="cn.pi.mobile:pi:3", general="a1,a2,a3",
        route="exempt", rule="R10", exempt="Art. 5(4)", bytes=1200, records=3)
    add(ACME, ms(2026, 11, 2, 10), chain="gw1/1", country="US", recipient="us-cloud",
        recipient_name="Cloud Inc", cats="cn.pi.mobile:pi:2,cn.spi.ric:sensitive-pi:2",
        general="a3,a4", sensitive="a3,a4", route="scc-or-cert", rule="R9",
        mech_type="scc", mech_ref="SCC-2026-0007", outcome="watermark", bytes=2000,
        records=2, watermark="wm01")
    add(BETA, ms(2026, 11, 2, 11), chain="gw1/0", country="SG", recipient="sg-lab",
        recipient_name="Lab Pte", cats="cn.pi.mobile:pi:1", general="b1",
        route="assessment", rule="R7", outcome="block",
        reasons="cn.pi.mobile|contact|/patients/0/phone|《促进和规范数据跨境流动规定》第七条|",
        bytes=500, records=1)
    # Tuesday 3 November: acme blocked (sensitive PI without a mechanism), and
    # a monitor-mode transfer that would have been blocked.
    add(ACME, ms(2026, 11, 3, 9), chain="gw1/1", country="DE", recipient="de-proc",
        recipient_name="Proc GmbH", cats="cn.spi.ric:sensitive-pi:5", sensitive="a5,a6",
        route="scc-or-cert", rule="R9", outcome="block", reasons=RIC_REASON, bytes=900,
        records=5)
    add(ACME, ms(2026, 11, 3, 15), chain="gw1/0", country="JP", recipient="jp-partner",
        recipient_name="Partner KK", cats="cn.pi.name:pi:4", general="a7,a8,a9,a10",
        route="scc-or-cert", rule="R9", outcome="block", enforced="allow", mode="monitor",
        reasons=RIC_REASON, bytes=800, records=4)
    # The following Monday and the week after.
    for i in range(6):
        add(ACME, ms(2026, 11, 9 + i, 14), chain="gw1/%d" % (i % 2), country="DE",
            recipient="de-proc", recipient_name="Proc GmbH", cats="cn.pi.mobile:pi:1",
            general="c%d" % i, route="exempt", rule="R10", bytes=100 + i, records=1)
    add(BETA, ms(2026, 11, 16, 9), chain="gw1/1", country="GB", recipient="uk-ins",
        recipient_name="Insurer plc", cats="cn.spi.health:sensitive-pi:2", sensitive="b2,b3",
        route="assessment", rule="R7", mech_type="assessment", mech_ref="CAC-SA-2025-031",
        bytes=3000, records=2)
    add(ACME, ms(2026, 11, 16, 10), chain="gw1/0", country="US", recipient="us-cloud",
        recipient_name="Cloud Inc", cats="cn.pi.mobile:pi:1", general="a1",
        route="scc-or-cert", rule="R9", mech_type="scc", mech_ref="SCC-2026-0007",
        bytes=150, records=1)
    # Last year: counted in the totals of 2025, not of 2026.
    t.insert(0, dict(ACME, ts=ms(2025, 12, 30, 9), chain="gw1/0", country="DE",
                     recipient="de-proc", recipient_name="Proc GmbH",
                     cats="cn.pi.mobile:pi:9", general="z1,z2", route="exempt", rule="R10",
                     bytes=99, records=2))
    return t


CHECKPOINT_EVERY = 3


def populate(redis, keys, tmp_path, items):
    """File the transfers into Redis; returns what was filed per transfer:
    dicts with tid, chain, seq, id (stream id) and the transfer's fields."""
    writer = build_fixture_writer(tmp_path)
    lines, counts = [], {}
    for n, t in enumerate(items):
        fields = dict(t)
        fields.setdefault("tid", "%016x" % (0x5eed0000 + n))
        lines.append("transfer\t" + "\t".join("%s=%s" % kv for kv in fields.items()))
        counts[t["chain"]] = counts.get(t["chain"], 0) + 1
        if counts[t["chain"]] % CHECKPOINT_EVERY == 0:
            lines.append("checkpoint\t%s\t%d" % (t["chain"], t["ts"] + 60000))
    proc = subprocess.run([writer, "127.0.0.1", str(redis.port), "xborder:", keys["key"]],
                          input="\n".join(lines).encode(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    filed = []
    rows = [line.split() for line in proc.stdout.decode().splitlines()]
    for t, row in zip(items, [r for r in rows if r[0] != "checkpoint"]):
        filed.append(dict(t, tid=row[0], chain=row[1], seq=int(row[2]), id=row[3]))
    return filed


_WRITER = {}


def build_fixture_writer(tmp_path):
    if "path" not in _WRITER:
        out = str(tmp_path / "reporting_fixture")
        src = os.path.join(ROOT, "tests", "integration", "reporting_fixture.c")
        lib = os.path.join(ROOT, "build", "libxborder.a")
        subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-I", ROOT, "-o", out, src, lib,
                        "-lcrypto", "-lhiredis"], check=True, timeout=120)
        _WRITER["path"] = out
    return _WRITER["path"]


@pytest.fixture
def filed(redis, keys, tmp_path):
    return populate(redis, keys, tmp_path, transfers())


# --------------------------------------------------------------------------
# Expected figures, computed from the transfers themselves.
# --------------------------------------------------------------------------

def day_of(ts_ms):
    return datetime.datetime.fromtimestamp(ts_ms / 1000, CST).date()


def blocked(t):
    return t.get("enforced", t.get("outcome", "allow")) == "block"


def expected(items, exporter, first=None, last=None):
    sel = [t for t in items if t["exporter"] == exporter and
           (first is None or day_of(t["ts"]) >= first) and
           (last is None or day_of(t["ts"]) <= last)]
    people = {"general": set(), "sensitive": set()}
    for t in items:
        if t["exporter"] == exporter and day_of(t["ts"]).year == 2026 and not blocked(t):
            for kind in people:
                people[kind].update(p for p in t.get(kind, "").split(",") if p)
    countries = {}
    for t in sel:
        countries[t["country"]] = countries.get(t["country"], 0) + 1
    return {
        "transfers": len(sel),
        "blocked": sum(1 for t in sel if blocked(t)),
        "bytes_sent": sum(int(t["bytes"]) for t in sel if not blocked(t)),
        "data_records": sum(int(t["records"]) for t in sel if not blocked(t)),
        "countries": countries,
        "ytd_general": len(people["general"]),
        "ytd_sensitive": len(people["sensitive"]),
        "days_left": sorted({day_of(t["ts"]) for t in sel if not blocked(t)}),
    }


def business_deadline(day, n=15, holidays=()):
    while n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            n -= 1
    return day


def report_json(redis, *extra):
    proc = run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--format", "json",
               "--as-of", AS_OF, *extra, check=0)
    return json.loads(proc.out)


def exporter_of(report, exporter_id):
    found = [e for e in report["exporters"] if e["id"] == exporter_id]
    assert len(found) == 1, [e["id"] for e in report["exporters"]]
    return found[0]


# --------------------------------------------------------------------------
# xborder report
# --------------------------------------------------------------------------

def test_report_totals_equal_what_was_filed(redis, filed):
    items = transfers()
    rep = report_json(redis, "--from", "2026-01-01", "--to", "2026-12-31")
    assert rep["records_in_period"] == len(items) - 1  # the 2025 transfer is outside
    for exporter in ("acme", "beta"):
        exp = expected(items, exporter, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        got = exporter_of(rep, exporter)
        for k in ("transfers", "blocked", "bytes_sent", "data_records"):
            assert got[k] == exp[k], (exporter, k)
        assert {c["key"]: c["transfers"] for c in got["by_country"]} == exp["countries"]
        assert got["year_to_date"]["general"] == exp["ytd_general"]
        assert got["year_to_date"]["sensitive"] == exp["ytd_sensitive"]
        assert sum(o["transfers"] for o in got["by_outcome"]) == exp["transfers"]

    acme = exporter_of(rep, "acme")
    # Sensitive PI of at least one person: SCC or certification (R9, Art. 8).
    assert acme["year_to_date"]["route_now"] == "scc-or-cert"
    gauge = {t["id"]: t for t in acme["year_to_date"]["thresholds"]}
    assert gauge["general-100k"]["count"] == expected(items, "acme")["ytd_general"]
    assert gauge["general-100k"]["limit"] == 100000
    assert gauge["sensitive-10k"]["percent"] == pytest.approx(
        100.0 * expected(items, "acme")["ytd_sensitive"] / 10000, abs=0.01)
    # A CIIO exporting personal information needs an assessment (R7).
    assert exporter_of(rep, "beta")["year_to_date"]["route_now"] == "assessment"
    # Monitor mode shows what would have happened.
    outcomes = {o["key"]: o["transfers"] for o in acme["by_outcome"]}
    assert outcomes["block (monitor mode: allow)"] == 1
    assert outcomes["block"] == 1
    # Blocked attempts with their reasons.
    attempts = acme["blocked_attempts"]["attempts"]
    assert len(attempts) == 1 and "cn.spi.ric" in attempts[0]["reasons"]
    assert "第八条" in attempts[0]["reasons"]
    # Mechanisms relied on (no policy: listed without validity).
    mechs = {m["ref"]: m for m in acme["mechanisms"]}
    assert mechs["SCC-2026-0007"]["transfers"] == 2
    assert mechs["SCC-2026-0007"]["validity"] == "unchecked"


def test_report_ftz_deadlines_and_due(redis, filed):
    items = transfers()
    rep = report_json(redis, "--from", "2026-11-01")
    acme = exporter_of(rep, "acme")
    exp_days = expected(items, "acme", datetime.date(2026, 11, 1))["days_left"]
    got = {r["export_day"]: r for r in acme["ftz_reports"]}
    assert sorted(got) == [d.isoformat() for d in exp_days]
    for d in exp_days:
        r = got[d.isoformat()]
        assert r["deadline"] == business_deadline(d).isoformat()
        assert r["status"] == ("due" if business_deadline(d) >= datetime.date(2026, 11, 18)
                               else "deadline passed")
    assert got["2026-11-02"]["deadline"] == "2026-11-23"
    assert got["2026-11-02"]["destinations"] == "DE US"
    assert got["2026-11-02"]["transfers"] == 2 and got["2026-11-02"]["exempt"] == 1
    # beta is not in a zone that asks for reports.
    assert exporter_of(rep, "beta")["ftz_reports"] == []

    due = run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--due", "--as-of",
              "2026-11-24", check=0).out
    # Exports of 2 and 3 November are past their deadline on 24 November.
    assert "2026-11-23" not in due
    assert "2026-12-0" in due  # the exports of 9-16 November are still due
    for line in due.splitlines()[1:-1]:
        assert line.split()[0] >= "2026-11-24"
    dj = json.loads(run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--due",
                        "--format", "json", "--as-of", "2026-11-24", check=0).out)
    assert {d["export_day"] for d in dj["due"]} == {
        d.isoformat() for d in exp_days if business_deadline(d) >= datetime.date(2026, 11, 24)}


def test_report_holidays_move_deadlines(redis, filed, tmp_path):
    hol = tmp_path / "holidays.txt"
    hol.write_text("# test calendar\n2026-11-20\n2026-11-23\n2026-11-21 workday\n")
    rep = report_json(redis, "--from", "2026-11-01", "--holidays", str(hol))
    got = {r["export_day"]: r for r in exporter_of(rep, "acme")["ftz_reports"]}
    holidays = {datetime.date(2026, 11, 20), datetime.date(2026, 11, 23)}
    # 21 Nov (a Saturday) is a working day, two weekdays are holidays: net +1.
    d = datetime.date(2026, 11, 2)
    n, day = 15, d
    while n:
        day += datetime.timedelta(days=1)
        if (day.weekday() < 5 and day not in holidays) or day == datetime.date(2026, 11, 21):
            n -= 1
    assert got["2026-11-02"]["deadline"] == day.isoformat() == "2026-11-24"
    assert "2026-11-21" in open(hol).read() and "holidays" in rep["business_days"]
    bad = tmp_path / "bad.txt"
    bad.write_text("2026-13-01\n")
    proc = run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--format", "json",
               "--holidays", str(bad))
    assert proc.returncode == 1 and "bad.txt:1" in proc.err


def test_report_filters_by_period_and_exporter(redis, filed):
    items = transfers()
    rep = report_json(redis, "--from", "2026-11-09", "--to", "2026-11-13", "--exporter", "acme")
    assert [e["id"] for e in rep["exporters"]] == ["acme"]
    exp = expected(items, "acme", datetime.date(2026, 11, 9), datetime.date(2026, 11, 13))
    assert exporter_of(rep, "acme")["transfers"] == exp["transfers"] == 5
    rep = report_json(redis, "--exporter", USCC_BETA)
    assert [e["id"] for e in rep["exporters"]] == ["beta"]


def test_report_mechanism_validity_from_policy(redis, filed, tmp_path):
    policy = tmp_path / "policy.xml"
    policy.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<policy format-version="1" version="test-7">
  <counting key-hex="00112233445566778899aabbccddeeff"/>
  <recipients>
    <recipient id="us-cloud" country="US" role="entrusted"><name>Cloud Inc</name></recipient>
  </recipients>
  <exporters>
    <exporter id="acme">
      <name>Acme Shanghai Trading Co., Ltd.</name>
      <uscc>%s</uscc>
      <ftz zone="shanghai" list-version="2024"/>
      <mechanism id="scc-us" type="scc" ref="SCC-2026-0007" valid-from="2026-01-01"
                 valid-until="2026-12-31">
        <recipient>us-cloud</recipient><category>cn.pi.*</category>
      </mechanism>
      <mechanism id="cert-old" type="certification" ref="CERT-2023-1" valid-from="2023-01-01"
                 valid-until="2025-12-31">
        <recipient>us-cloud</recipient><category>*</category>
      </mechanism>
    </exporter>
  </exporters>
</policy>
""" % USCC_ACME)
    rep = report_json(redis, "--policy", str(policy))
    mechs = {m["ref"]: m for m in exporter_of(rep, "acme")["mechanisms"]}
    scc = mechs["SCC-2026-0007"]
    assert scc["validity"] == "expiring"  # 43 days left on 18 November
    assert scc["days_left"] == 43 and scc["valid_until"] == "2026-12-31"
    assert scc["transfers_outside_validity"] == 0
    # On file but unused: listed so that its expiry shows.
    assert mechs["CERT-2023-1"]["validity"] == "expired"
    assert mechs["CERT-2023-1"]["transfers"] == 0
    # beta's assessment is not in the policy.
    beta = {m["ref"]: m for m in exporter_of(rep, "beta")["mechanisms"]}
    assert beta["CAC-SA-2025-031"]["validity"] == "not-on-file"


def test_report_csv_opens_in_a_spreadsheet(redis, filed, tmp_path):
    out = tmp_path / "report.csv"
    run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--format", "csv", "-o",
        str(out), "--as-of", AS_OF, "--from", "2026-01-01", check=0)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    items = transfers()
    summary = {r["exporter_id"]: r for r in rows if r["section"] == "summary"}
    for exporter in ("acme", "beta"):
        exp = expected(items, exporter, datetime.date(2026, 1, 1))
        assert int(summary[exporter]["transfers"]) == exp["transfers"]
        assert int(summary[exporter]["bytes"]) == exp["bytes_sent"]
    # The name with a comma and quotes survived RFC 4180 quoting.
    assert summary["beta"]["exporter_name"] == 'Beta Health "Intl", Beijing'
    sections = {r["section"] for r in rows}
    assert {"country", "category", "threshold", "route-now", "mechanism", "blocked",
            "blocked-reason", "ftz-report", "day"} <= sections
    assert all(len(r) == len(rows[0]) for r in rows)


def test_report_html_renders_in_chromium(redis, filed, tmp_path):
    out = tmp_path / "report.html"
    run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--format", "html", "-o",
        str(out), "--as-of", AS_OF, "--from", "2026-01-01", check=0)
    html = out.read_text()
    # Self-contained: no script, no external style sheet, image or font.
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "@media print" in html
    proc = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--user-data-dir=%s" % (tmp_path / "profile"), "--dump-dom", out.as_uri()],
        capture_output=True, timeout=120)
    dom = proc.stdout.decode()
    assert proc.returncode == 0 and "</html>" in dom, proc.stderr.decode()[-2000:]
    items = transfers()
    for exporter, key in (("acme", USCC_ACME), ("beta", USCC_BETA)):
        exp = expected(items, exporter, datetime.date(2026, 1, 1))
        section = dom.split('data-exporter="%s"' % key, 1)[1].split("</section>", 1)[0]
        for metric, value in (("transfers", exp["transfers"]), ("blocked", exp["blocked"]),
                              ("bytes-sent", exp["bytes_sent"]),
                              ("ytd-general", exp["ytd_general"]),
                              ("ytd-sensitive", exp["ytd_sensitive"])):
            m = re.search(r'data-metric="%s" data-value="(\d+)">([\d,]+)<' % metric, section)
            assert m, metric
            assert int(m.group(1)) == value and m.group(2) == "{:,}".format(value), metric
        # Charts as inline SVG: volume, countries, categories, gauges.
        assert section.count("<svg") == 4
        assert 'data-threshold="sensitive-10k"' in section
    # A screenshot renders too (the page has no layout error that kills it).
    shot = tmp_path / "report.png"
    subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--user-data-dir=%s" % (tmp_path / "profile2"),
                    "--screenshot=%s" % shot, "--window-size=1200,2000", out.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10000


# --------------------------------------------------------------------------
# xborder verify
# --------------------------------------------------------------------------

def verify(redis, keys, *extra):
    return run("verify", "--redis", "redis://127.0.0.1:%d" % redis.port, "--pubkey",
               keys["pub"], *extra)


def entry_of(filed, chain, seq):
    return next(f for f in filed if f["chain"] == chain and f["seq"] == seq)


def test_verify_intact_log(redis, keys, filed):
    proc = verify(redis, keys)
    assert proc.returncode == 0, proc.out + proc.err
    assert proc.out.splitlines()[-1].startswith("OK: %d records in 2 chains" % len(filed))
    js = json.loads(verify(redis, keys, "--format", "json").out)
    assert js["ok"] and js["stats"]["checkpoints_valid"] == js["stats"]["checkpoints"] > 0


def test_verify_names_a_changed_field(redis, keys, filed):
    victim = entry_of(filed, "gw1/1", 4)
    entries = redis.entries("xborder:records")
    for i, f in entries:
        if i == victim["id"]:
            assert '"country":"DE"' in f["rec"]
            f["rec"] = f["rec"].replace('"country":"DE"', '"country":"CN"')
    redis.rewrite("xborder:records", entries)
    proc = verify(redis, keys)
    assert proc.returncode == 1
    assert ("chain gw1/1: record seq 4 (stream id %s) altered: hash mismatch" % victim["id"]
            in proc.out), proc.out


def test_verify_names_a_rehashed_copy(redis, keys, filed):
    """XADD a modified copy with a recomputed hash, XDEL the original."""
    import hashlib
    victim = entry_of(filed, "gw1/0", 5)
    fields = dict(redis.entries("xborder:records"))[victim["id"]]
    rec = fields["rec"].replace('"bytes_sent":', '"bytes_sent":1')
    fields.update(rec=rec, hash=hashlib.sha256(rec.encode()).hexdigest())
    args = [x for kv in fields.items() for x in kv]
    new_id = redis("XADD", "xborder:records", "*", *args)
    assert redis("XDEL", "xborder:records", victim["id"]) == 1
    out = verify(redis, keys).out
    assert "chain gw1/0: records reordered: seq 5 (stream id %s)" % new_id in out, out
    assert ("record seq 5 (stream id %s) altered: its hash is not the prev_hash of seq 6"
            % new_id) in out, out


def test_verify_names_a_deleted_record(redis, keys, filed):
    victim = entry_of(filed, "gw1/1", 3)
    redis("XDEL", "xborder:records", victim["id"])
    proc = verify(redis, keys)
    assert proc.returncode == 1
    before, after = entry_of(filed, "gw1/1", 2), entry_of(filed, "gw1/1", 4)
    assert ("chain gw1/1: missing seq 3 (between stream ids %s and %s)"
            % (before["id"], after["id"])) in proc.out, proc.out


def test_verify_names_an_inserted_record(redis, keys, filed):
    original = entry_of(filed, "gw1/0", 2)
    fields = dict(redis.entries("xborder:records"))[original["id"]]
    fields["rec"] = fields["rec"].replace('"enforced":"allow"', '"enforced":"block"')
    import hashlib
    fields["hash"] = hashlib.sha256(fields["rec"].encode()).hexdigest()
    new_id = redis("XADD", "xborder:records", "*", *[x for kv in fields.items() for x in kv])
    proc = verify(redis, keys)
    assert proc.returncode == 1
    assert ("chain gw1/0: record inserted: seq 2 (stream id %s) conflicts with seq 2 filed at "
            "stream id %s" % (new_id, original["id"])) in proc.out, proc.out


def test_verify_names_a_forged_checkpoint(redis, keys, filed, tmp_path):
    # A forger without the gateway's private key signs the head of gw1/1
    # with another key, as the fixture writer would sign it.
    writer = build_fixture_writer(tmp_path)
    proc = subprocess.run([writer, "127.0.0.1", str(redis.port), "xborder:", keys["other_key"]],
                          input=b"checkpoint\tgw1/1\t%d\n" % ms(2026, 12, 31),
                          capture_output=True, timeout=60, check=True)
    _, chain, seq, forged_id = proc.stdout.decode().split()
    out = verify(redis, keys)
    assert out.returncode == 1
    assert ("chain gw1/1: checkpoint at seq %s (checkpoint id %s) forged: bad signature"
            % (seq, forged_id)) in out.out, out.out

    # Someone who edits a genuine checkpoint's signed text breaks its signature.
    cps = redis.entries("xborder:checkpoints")
    cid, fields = cps[0]
    fields["cp"] = fields["cp"].replace('"seq":%s' % fields["seq"], '"seq":%d' % (
        int(fields["seq"]) + 1))
    redis.rewrite("xborder:checkpoints", cps)
    out = verify(redis, keys).out
    assert ("checkpoint at seq %s (checkpoint id %s) forged: bad signature"
            % (fields["seq"], cid)) in out, out


def test_verify_catches_truncation_with_the_heads(redis, keys, filed):
    last = max((f for f in filed if f["chain"] == "gw1/1"), key=lambda f: f["seq"])
    redis("XDEL", "xborder:records", last["id"])
    out = verify(redis, keys).out
    assert "chain gw1/1: missing seq %d after stream id" % last["seq"] in out, out
    assert "shows the chain goes on to seq %d" % last["seq"] in out


def test_verify_window_is_anchored_by_a_checkpoint(redis, keys, filed):
    proc = verify(redis, keys, "--from", "2026-11-16", "--to", "2026-11-16", "--format", "json")
    js = json.loads(proc.out)
    assert proc.returncode == 0 and js["ok"], proc.out
    assert 0 < js["stats"]["records"] < len(filed)
    assert js["stats"]["checkpoints_matched"] >= 1
    # A record altered before the last checkpoint preceding the window is
    # outside what the window needs, one after it is inside.
    early = entry_of(filed, "gw1/0", 1)
    entries = redis.entries("xborder:records")
    for i, f in entries:
        if i == early["id"]:
            f["rec"] = f["rec"].replace('"DE"', '"FR"')
    redis.rewrite("xborder:records", entries)
    assert verify(redis, keys, "--from", "2026-11-16", "--to", "2026-11-16").returncode == 0
    assert verify(redis, keys).returncode == 1


def test_verify_exported_file_offline(redis, keys, filed, tmp_path):
    export = tmp_path / "export.json"
    run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--format", "json", "-o",
        str(export), check=0)
    data = json.loads(export.read_text())
    assert len(data["records"]) == len(filed) and data["checkpoints"] and data["heads"]
    # The entries are exactly the filed bytes.
    stored = dict(redis.entries("xborder:records"))
    for e in data["records"]:
        assert e["rec"] == stored[e["id"]]["rec"] and e["hash"] == stored[e["id"]]["hash"]
    proc = run("verify", "--file", str(export), "--pubkey", keys["pub"])
    assert proc.returncode == 0, proc.out
    # Tamper with the file: one record's outcome.
    victim = data["records"][4]
    victim["rec"] = victim["rec"].replace('"outcome":"', '"outcome":"x', 1)
    export.write_text(json.dumps(data))
    proc = run("verify", "--file", str(export), "--pubkey", keys["pub"])
    assert proc.returncode == 1
    assert ("record seq %s (stream id %s) altered: hash mismatch" % (victim["seq"], victim["id"])
            in proc.out), proc.out


def test_export_of_a_period_verifies_from_its_anchor(redis, keys, filed, tmp_path):
    export = tmp_path / "period.json"
    run("report", "--redis", "redis://127.0.0.1:%d" % redis.port, "--format", "json",
        "--from", "2026-11-16", "-o", str(export), check=0)
    data = json.loads(export.read_text())
    assert 0 < len(data["records"]) < len(filed)
    proc = run("verify", "--file", str(export), "--pubkey", keys["pub"])
    assert proc.returncode == 0, proc.out
    assert "anchored by the signed checkpoint" in proc.out
    # Dropping the lead-in makes the window unprovable.
    data["records"] = data["records"][1:]
    export.write_text(json.dumps(data))
    proc = run("verify", "--file", str(export), "--pubkey", keys["pub"])
    assert proc.returncode == 1 and "missing seq" in proc.out, proc.out


def test_verify_usage_errors(redis, keys, tmp_path):
    assert verify(redis, keys, "--from", "2026-02-30").returncode == 2
    proc = run("verify", "--redis", "redis://127.0.0.1:1", "--pubkey", keys["pub"])
    assert proc.returncode == 2 and "cannot connect" in proc.err
    bad = tmp_path / "not-a-key.pub"
    bad.write_text("hello\n")
    assert run("verify", "--redis", "redis://127.0.0.1:%d" % redis.port, "--pubkey",
               str(bad)).returncode == 2
