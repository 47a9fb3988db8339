"""End-to-end tests of `xborder policy check` and `xborder decide`.

They run the real binary on sample files under tests/data/policy/ with the
default catalogs (rules/catalogs) plus a test FTZ list, and check the
decision JSON and the exit codes documented in README.md "Export policy":
0 allow, 4 block, 5 mask or watermark, 1 error.
"""
import json
import os

from conftest import DATA, ROOT, run_xborder

POLICY_DIR = os.path.join(DATA, "policy")
POLICY = os.path.join(POLICY_DIR, "policy.xml")
FTZ_LIST = os.path.join(POLICY_DIR, "ftz-testzone.xml")
RULES = os.path.join(ROOT, "rules", "catalogs")
EXAMPLE = os.path.join(ROOT, "config", "policy.xml")
NOW = "2026-06-15"


def sample(name):
    return os.path.join(POLICY_DIR, name)


def decide(path, *args, policy=POLICY, stdin=None, now=NOW):
    """Run xborder decide; returns (exit code, decision or None, stderr)."""
    argv = ["decide", "--policy", policy, "--rules", RULES, "--rules", FTZ_LIST]
    if now:
        argv += ["--now", now]
    proc = run_xborder(*argv, *args, path, stdin=stdin)
    out = proc.stdout.decode()
    decision = json.loads(out) if out.strip() else None
    return proc.returncode, decision, proc.stderr.decode()


def notes(decision):
    return " | ".join(r["note"] for r in decision["reasons"])


def data_reasons(decision):
    return [r for r in decision["reasons"] if r["kind"] == "data"]


# ---- xborder policy check -------------------------------------------------

def test_policy_check_accepts_the_example_and_test_policies():
    for path in (EXAMPLE, POLICY):
        proc = run_xborder("policy", "check", path)
        assert proc.returncode == 0, proc.stderr.decode()
        assert ": ok (policy version" in proc.stdout.decode()


def test_policy_check_reports_every_problem_with_its_line():
    bad = sample("bad-policy.xml")
    proc = run_xborder("policy", "check", bad)
    assert proc.returncode == 1
    lines = proc.stderr.decode().splitlines()
    expected = [
        (8, "duplicate recipient id 'eu'"),
        (11, "unknown scenario 'holiday'"),
        (13, "not a valid unified social credit code"),
        (14, "is not a valid CIDR"),
        (15, "valid-from '2025-02-30' is not a calendar date"),
        (15, "unknown recipient 'nowhere'"),
    ]
    for line, text in expected:
        assert any(l.startswith("%s:%d: " % (bad, line)) and text in l for l in lines), \
            (line, text, lines)


def test_policy_check_against_catalogs():
    # the test policy's FTZ exporter needs the test list
    proc = run_xborder("policy", "check", "--rules", RULES, POLICY)
    assert proc.returncode == 1
    assert "FTZ 'testzone' version '2024'" in proc.stderr.decode()
    proc = run_xborder("policy", "check", "--rules", RULES, "--rules", FTZ_LIST, POLICY)
    assert proc.returncode == 0, proc.stderr.decode()


def test_policy_check_usage_errors():
    assert run_xborder("policy").returncode == 1
    assert run_xborder("policy", "lint", POLICY).returncode == 1
    assert run_xborder("policy", "check", "/nonexistent.xml").returncode == 1


# ---- xborder decide: the rules --------------------------------------------

def test_clean_file_is_allowed():
    rc, d, _ = decide(sample("clean.json"), "--exporter", "bare", "--recipient", "eu")
    assert rc == 0
    assert d["outcome"] == "allow"
    assert d["route"] == "none"
    assert d["rule"] == "R10"
    assert d["subjects"] == {"general": 0, "sensitive": 0}
    assert d["message_zh"] and d["message_en"]


def test_covered_transfer_is_watermarked():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "covered", "--recipient", "eu")
    assert rc == 5
    assert d["rule"] == "R9"              # one sensitive individual is enough
    assert d["route"] == "scc-or-cert"
    assert d["outcome"] == "watermark"
    assert d["watermark"] is True
    assert [m["ref"] for m in d["mechanisms"]] == ["沪网信数出备〔2025〕0001号"]
    # three records, two people: the repeated resident ID counts once
    assert d["subjects"] == {"general": 2, "sensitive": 2}
    assert d["counters_after"] == {"general": 2, "sensitive": 2}
    reasons = data_reasons(d)
    assert reasons
    for r in reasons:
        assert set(r) >= {"entry", "category", "path", "article", "mechanism"}
        assert r["mechanism"] == "沪网信数出备〔2025〕0001号"
    assert any(r["path"] == "/customers/*/idNo" for r in reasons)
    assert d["dest_country"] == "DE"      # the recipient's country by default
    assert "沪网信数出备〔2025〕0001号" in d["message_zh"]


def test_recipient_out_of_scope_is_blocked():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "covered", "--recipient", "us")
    assert rc == 4
    assert d["outcome"] == "block"
    assert d["mechanisms"] == []
    assert "scoped to recipient(s) eu, not us" in notes(d)
    assert "阻断" in d["message_zh"]
    assert "blocked" in d["message_en"]


def test_expired_mechanism_is_blocked():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "covered", "--recipient", "eu",
                      now="2028-01-01")
    assert rc == 4
    assert "expired on 2027-12-31" in notes(d)
    assert d["year"] == 2028


def test_domestic_destination_is_not_an_export():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "bare", "--dest-country", "CN")
    assert rc == 0
    assert d["rule"] == "R0"
    assert d["route"] == "none"
    rc, d, _ = decide(sample("customers.json"), "--exporter", "bare", "--recipient", "cn-dc")
    assert rc == 0 and d["rule"] == "R0"
    # Hong Kong is outside the mainland for this purpose
    rc, d, _ = decide(sample("customers.json"), "--exporter", "bare", "--dest-country", "HK")
    assert rc == 4 and d["rule"] == "R9"


def test_unknown_destination_counts_as_cross_border():
    rc, d, _ = decide(sample("contacts.json"), "--exporter", "bare")
    assert rc == 0
    assert d["rule"] == "R10"
    assert d["route"] == "exempt"
    assert d["dest_country"] is None
    assert "treated as cross-border" in notes(d)


def test_general_thresholds():
    # contacts.json: one person (the same mobile twice)
    rc, d, _ = decide(sample("contacts.json"), "--exporter", "bare", "--recipient", "eu",
                      "--ytd-general", "99998")
    assert rc == 0
    assert d["subjects"]["general"] == 1
    assert d["counters_after"]["general"] == 99999
    assert d["rule"] == "R10" and "第五条第四项" in d["article"]
    rc, d, _ = decide(sample("contacts.json"), "--exporter", "bare", "--recipient", "eu",
                      "--ytd-general", "99999")
    assert rc == 4
    assert d["counters_after"]["general"] == 100000
    assert d["rule"] == "R9"
    rc, d, _ = decide(sample("contacts.json"), "--exporter", "bare", "--recipient", "eu",
                      "--ytd-general", "999999")
    assert d["counters_after"]["general"] == 1000000
    assert d["rule"] == "R8" and d["route"] == "assessment"


def test_sensitive_thresholds():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "covered", "--recipient", "eu",
                      "--ytd-sensitive", "9997")
    assert d["counters_after"]["sensitive"] == 9999
    assert d["rule"] == "R9" and rc == 5
    rc, d, _ = decide(sample("customers.json"), "--exporter", "covered", "--recipient", "eu",
                      "--ytd-sensitive", "9998")
    assert d["counters_after"]["sensitive"] == 10000
    assert d["rule"] == "R8"
    # an SCC does not satisfy a required assessment
    assert rc == 4
    assert "does not satisfy a required assessment" in notes(d)


def test_exemption_scenarios():
    for scenario, article in (("contract-necessity", "第五条第一项"),
                              ("hr-management", "第五条第二项"),
                              ("emergency", "第五条第三项")):
        rc, d, _ = decide(sample("customers.json"), "--exporter", "bare", "--recipient", "us",
                          "--scenario", scenario)
        assert rc == 0, scenario
        assert d["rule"] == "R5" and d["route"] == "exempt"
        assert article in d["article"]
    rc, d, _ = decide(sample("clean.json"), "--exporter", "bare", "--scenario", "trade")
    assert rc == 0 and d["rule"] == "R3" and "第三条" in d["article"]
    rc, d, _ = decide(sample("customers.json"), "--exporter", "bare",
                      "--scenario", "foreign-origin-reexport")
    assert rc == 0 and d["rule"] == "R4"


def test_ciio_needs_an_assessment():
    rc, d, _ = decide(sample("contacts.json"), "--exporter", "grid", "--recipient", "eu")
    assert rc == 4
    assert d["rule"] == "R7"
    assert d["route"] == "assessment"


def test_ftz_on_list_and_off_list():
    # on the zone's list in its scenario (the exporter's default)
    rc, d, _ = decide(sample("crew.json"), "--exporter", "port", "--recipient", "eu")
    assert rc == 4
    assert d["rule"] == "R2"
    assert d["route"] == "assessment"
    assert any(r["entry"] == "testzone.crew-record" for r in data_reasons(d))
    # personal information off the list: exempt under Art. 6
    rc, d, _ = decide(sample("customers.json"), "--exporter", "port", "--recipient", "eu")
    assert rc == 0
    assert d["rule"] == "R1"
    assert "第六条" in d["article"]
    # without the list loaded the national rules apply
    proc = run_xborder("decide", "--policy", POLICY, "--rules", RULES, "--now", NOW,
                       "--exporter", "port", "--recipient", "eu", sample("customers.json"))
    assert proc.returncode == 4
    d = json.loads(proc.stdout)
    assert d["rule"] == "R9"
    assert "not loaded" in notes(d)
    assert "warning:" in proc.stderr.decode()


def test_mask_when_a_mechanism_is_missing():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "masker", "--recipient", "eu")
    assert rc == 5
    assert d["outcome"] == "mask"
    # the SCC covers contact and basic profile, not identity numbers
    assert d["mask"] and all(p.endswith("/idNo") for p in d["mask"])
    assert len(d["mask"]) == 3
    assert d["masked"]["rule"] == "R10"
    assert d["subjects"]["sensitive"] == 0
    assert d["rule"] == "R9"


def test_monitor_mode_never_blocks():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "bare", "--recipient", "eu",
                      "--mode", "monitor")
    assert rc == 0
    assert d["outcome"] == "block"
    assert d["enforced"] == "allow"
    assert d["mode"] == "monitor"
    assert "monitor mode" in d["message_en"]


def test_uninspectable_body_is_blocked():
    rc, d, _ = decide(sample("blob.png"), "--exporter", "covered", "--recipient", "eu",
                      "--content-type", "image/png")
    assert rc == 4
    assert d["rule"] == "R6"
    assert d["inspection"] == "not-inspectable"
    assert any(r["kind"] == "uninspected" for r in d["reasons"])


def test_stdin_and_exporter_by_api_key():
    body = open(sample("customers.json"), "rb").read()
    rc, d, _ = decide("-", "--exporter", "key-covered", "--recipient", "eu",
                      "--content-type", "application/json", stdin=body)
    assert rc == 5
    assert d["exporter"] == "covered"
    assert d["uscc"] == "91310000MA1FL0001R"


def test_example_policy_decides():
    rc, d, _ = decide(sample("customers.json"), "--exporter", "lumen-retail",
                      "--recipient", "eu-hq", policy=EXAMPLE)
    assert rc == 5
    assert d["policy_version"] == "2026.11-demo"
    assert d["mechanisms"][0]["ref"] == "京网信数出备〔2025〕0312号"
    rc, d, _ = decide(sample("customers.json"), "--exporter", "lumen-retail",
                      "--recipient", "sg-cloud", policy=EXAMPLE)
    assert rc == 4
    assert "expired on 2025-05-31" in notes(d)


def test_example_ftz_exporter_with_the_shanghai_list():
    # crew records are on the Shanghai FTZ list (scenario crew-management,
    # the exporter's default); the assessment on file covers sg-cloud only
    rc, d, _ = decide(sample("crew-sh.json"), "--exporter", "harbour-shipping",
                      "--recipient", "sg-cloud", policy=EXAMPLE)
    assert rc == 5
    assert d["rule"] == "R2"
    assert d["mechanisms"][0]["type"] == "assessment"
    assert all(r["entry"].startswith("ftz.shanghai.") for r in data_reasons(d))
    rc, d, _ = decide(sample("crew-sh.json"), "--exporter", "harbour-shipping",
                      "--recipient", "eu-hq", policy=EXAMPLE)
    assert rc == 4 and d["rule"] == "R2"
    # customer data is not on the Shanghai list: exempt under Art. 6
    rc, d, _ = decide(sample("customers.json"), "--exporter", "harbour-shipping",
                      "--recipient", "eu-hq", policy=EXAMPLE)
    assert rc == 0 and d["rule"] == "R1"


def test_sectors_limit_sector_specific_important_data():
    # the automotive "PI of more than 100,000 individuals" entry only concerns
    # automotive exporters: a retailer past 100,000 needs an SCC, not an assessment
    rc, d, _ = decide(sample("contacts.json"), "--exporter", "bare", "--recipient", "eu",
                      "--ytd-general", "200000")
    assert d["rule"] == "R9"
    assert not any((r["entry"] or "").startswith("auto.") for r in d["reasons"])
    rc, d, _ = decide(sample("contacts.json"), "--exporter", "mobility-lab",
                      "--recipient", "us-analytics", "--ytd-general", "200000", policy=EXAMPLE)
    assert d["rule"] == "R6"
    assert any(r["entry"] == "auto.important.pi-over-100k" for r in data_reasons(d))


# ---- xborder decide: errors -------------------------------------------------

def test_decide_errors():
    cases = [
        ("--exporter", "nobody"),
        ("--exporter", "bare", "--recipient", "nobody"),
        ("--exporter", "bare", "--scenario", "holiday"),
        ("--exporter", "bare", "--dest-country", "Germany"),
        ("--exporter", "bare", "--ytd-general", "-5"),
        ("--exporter", "bare", "--mode", "relaxed"),
    ]
    for args in cases:
        rc, d, err = decide(sample("clean.json"), *args)
        assert rc == 1, args
        assert d is None
        assert err
    rc, d, _ = decide(sample("clean.json"), "--exporter", "bare", now="2026-02-30")
    assert rc == 1
    proc = run_xborder("decide", "--exporter", "bare", sample("clean.json"))
    assert proc.returncode == 1
    proc = run_xborder("decide", "--policy", sample("bad-policy.xml"), "--exporter", "a",
                       sample("clean.json"))
    assert proc.returncode == 1
    assert "bad-policy.xml:13:" in proc.stderr.decode()
    proc = run_xborder("decide", "--policy", POLICY, "--exporter", "bare",
                       sample("no-such-file.json"))
    assert proc.returncode == 1
    assert run_xborder("decide", "--help").returncode == 0
