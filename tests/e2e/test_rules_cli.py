"""End-to-end tests of `xborder rules` (check, test, list, import) on the
shipped catalogs and on fixtures under tests/data/catalogs/.

Every problem must come out as file:line: message with the line an officer
has to fix, and the exit status must say whether anything is wrong.
"""
import glob
import os
import re

import pytest

from conftest import DATA, ROOT, run_xborder

CATALOGS = os.path.join(DATA, "catalogs")
BAD = os.path.join(CATALOGS, "bad")
SHIPPED = sorted(glob.glob(os.path.join(ROOT, "rules", "catalogs", "*.xml")))


def rel(path):
    return os.path.relpath(path, ROOT)


def line_of(path, needle):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if needle in line:
                return n
    raise AssertionError("%r not in %s" % (needle, path))


def out(proc):
    return proc.stdout.decode("utf-8")


def err(proc):
    return proc.stderr.decode("utf-8")


# ------------------------------------------------------------------ help

@pytest.mark.parametrize("sub", ["check", "test", "list", "import"])
def test_help_for_each_subcommand(sub):
    proc = run_xborder("rules", sub, "--help")
    assert proc.returncode == 0
    assert ("xborder rules %s" % sub) in out(proc)


def test_rules_help_and_unknown_subcommand():
    proc = run_xborder("rules", "--help")
    assert proc.returncode == 0
    for sub in ("check", "test", "list", "import"):
        assert sub in out(proc)
    proc = run_xborder("rules", "frobnicate")
    assert proc.returncode == 1
    assert "unknown command 'frobnicate'" in err(proc)
    assert run_xborder("rules").returncode == 1


# ----------------------------------------------------------------- check

def test_check_shipped_catalogs_is_clean():
    assert len(SHIPPED) == 12
    proc = run_xborder("rules", "check", *[rel(p) for p in SHIPPED])
    assert proc.returncode == 0, err(proc)
    assert err(proc) == ""
    assert re.match(r"ok: 12 catalogs, \d+ entries, \d+ examples\n$", out(proc))


def test_check_defaults_to_the_shipped_directory():
    proc = run_xborder("rules", "check")
    assert proc.returncode == 0, err(proc)
    assert out(proc).startswith("ok: 12 catalogs")
    assert run_xborder("rules", "check", "--quiet").stdout == b""


BROKEN = [
    ("unknown-detector.xml", 'name="cn_ric19"', "unknown built-in detector 'cn_ric19'"),
    ("bad-regex.xml", "(abc[0-9", "does not compile at offset 8"),
    ("threshold-no-basis.xml", "<threshold", "threshold without basis"),
    ("threshold-route-none.xml", "<threshold", "route is none"),
    ("undeclared-switch.xml", 'id="bad.switch"', "is not declared in this catalog"),
    ("ftz-no-zone.xml", "<catalog", "needs zone and list-version"),
    ("no-detector.xml", "<detectors", "no detector"),
    ("empty-example.xml", "<no-match>", "example has no text"),
    ("unconfirmed-official.xml", 'id="bad.unconfirmed"', 'confirmed="false"'),
    ("schema-error.xml", "<colour>", "schema: Element 'colour'"),
    ("malformed.xml", "</entri>", "mismatch"),
    ("doctype.xml", "<!DOCTYPE", "DOCTYPE is not allowed"),
]


@pytest.mark.parametrize("name,needle,message", BROKEN)
def test_check_reports_file_and_line(name, needle, message):
    path = os.path.join(BAD, name)
    proc = run_xborder("rules", "check", rel(path))
    assert proc.returncode == 1
    assert out(proc) == ""
    expected = "%s:%d: " % (rel(path), line_of(path, needle))
    lines = [l for l in err(proc).splitlines() if l.startswith(expected)]
    assert any(message in l for l in lines), err(proc)
    assert re.search(r"^\d+ problems? found$", err(proc), re.M)


def test_check_every_broken_fixture_at_once():
    files = sorted(glob.glob(os.path.join(BAD, "*.xml")))
    proc = run_xborder("rules", "check", *[rel(p) for p in files])
    assert proc.returncode == 1
    reported = {l.split(":", 1)[0] for l in err(proc).splitlines() if ".xml:" in l}
    assert reported == {rel(p) for p in files}


def test_check_duplicate_ids_across_files():
    proc = run_xborder("rules", "check", rel(os.path.join(CATALOGS, "dup-entry")))
    assert proc.returncode == 1
    b = rel(os.path.join(CATALOGS, "dup-entry", "b.xml"))
    a = rel(os.path.join(CATALOGS, "dup-entry", "a.xml"))
    assert ("%s:6: duplicate entry id 'dup.mobile' (first defined at %s:6)" % (b, a)) in err(proc)
    proc = run_xborder("rules", "check", rel(os.path.join(CATALOGS, "dup-catalog")))
    assert proc.returncode == 1
    assert "duplicate catalog id 'dup-same'" in err(proc)


def test_check_shipped_plus_duplicate_of_a_shipped_file(tmp_path):
    # Loading a shipped catalog twice (say, a copy left in another directory)
    # is caught: ids are unique across everything loaded.
    copy = tmp_path / "copy.xml"
    copy.write_bytes(open(SHIPPED[0], "rb").read())
    proc = run_xborder("rules", "check", rel(SHIPPED[0]), str(copy))
    assert proc.returncode == 1
    assert "duplicate catalog id" in err(proc)
    assert "duplicate entry id" in err(proc)


def test_check_missing_file():
    proc = run_xborder("rules", "check", "no/such/catalog.xml")
    assert proc.returncode == 1
    assert "no/such/catalog.xml:0: cannot open" in err(proc)


# ------------------------------------------------------------------ test

def test_shipped_examples_all_pass():
    proc = run_xborder("rules", "test", *[rel(p) for p in SHIPPED])
    assert proc.returncode == 0, out(proc) + err(proc)
    m = re.search(r"^(\d+) examples, 0 failures$", out(proc), re.M)
    assert m and int(m.group(1)) >= 250, out(proc)


def test_shipped_examples_pass_with_identity_switch_off():
    proc = run_xborder("rules", "test", "--set", "identity-numbers-sensitive=off")
    assert proc.returncode == 0, out(proc) + err(proc)


def test_failing_examples_are_reported_by_line():
    path = os.path.join(CATALOGS, "examples", "failing.xml")
    proc = run_xborder("rules", "test", rel(path))
    assert proc.returncode == 1
    text = out(proc)
    miss = line_of(path, "no phone number here")
    found = line_of(path, '"contact":"13800138000"')
    untested = line_of(path, 'id="fail.untested"')
    assert "%s:%d: entry fail.mobile: match example" % (rel(path), miss) in text
    assert "%s:%d: entry fail.mobile: no-match example" % (rel(path), found) in text
    assert "13800138000" in text
    assert ("%s:%d: entry fail.untested: needs at least one <match> and one <no-match>"
            % (rel(path), untested)) in text
    assert "4 examples, 3 failures" in text
    # The passing example is only shown with --verbose.
    ok = line_of(path, '"mobile":"13552535506"')
    assert ("%s:%d:" % (rel(path), ok)) not in text
    verbose = out(run_xborder("rules", "test", "--verbose", rel(path)))
    assert ("%s:%d: entry fail.mobile: match example ok" % (rel(path), ok)) in verbose


def test_test_refuses_broken_catalogs_and_unknown_switches():
    proc = run_xborder("rules", "test", rel(os.path.join(BAD, "bad-regex.xml")))
    assert proc.returncode == 1
    assert "does not compile" in err(proc)
    proc = run_xborder("rules", "test", "--set", "no-such-switch=on")
    assert proc.returncode == 1
    assert "no-such-switch" in err(proc)


# ------------------------------------------------------------------ list

def test_list_shows_effective_levels():
    proc = run_xborder("rules", "list", os.path.join("rules", "catalogs", "cn-national-pi.xml"))
    assert proc.returncode == 0, err(proc)
    rows = {l.split("\t")[1]: l.split("\t") for l in out(proc).splitlines()}
    assert rows["cn.pi.ric"][2] == "sensitive-pi"
    assert rows["cn.pi.mobile"][2] == "pi"
    assert rows["cn.pi.ric"][5] == "official"
    proc = run_xborder("rules", "list", "--set", "identity-numbers-sensitive=off",
                       os.path.join("rules", "catalogs", "cn-national-pi.xml"))
    rows = {l.split("\t")[1]: l.split("\t") for l in out(proc).splitlines()}
    assert rows["cn.pi.ric"][2] == "pi"


def test_list_shows_routes_and_thresholds():
    proc = run_xborder("rules", "list")
    assert proc.returncode == 0
    rows = {l.split("\t")[1]: l.split("\t") for l in out(proc).splitlines()}
    assert rows["auto.important.pi-over-100k"][3:5] == ["assessment", "100001/any"]
    assert rows["health.population-health-record"][3] == "prohibited"
    assert rows["ftz.tianjin.2024.electronic-information"][5] == "self-defined"


# ---------------------------------------------------------------- import

IMPORT = os.path.join(CATALOGS, "import")


def test_import_writes_a_catalog_that_checks_and_tests(tmp_path):
    target = tmp_path / "ftz-test-2024.xml"
    proc = run_xborder("rules", "import", "--csv", rel(os.path.join(IMPORT, "good.csv")),
                       "--catalog", "ftz-test-2024", "--zone", "testzone",
                       "--list-version", "2024", "--source", "测试清单（2024版）",
                       "-o", str(target))
    assert proc.returncode == 0, err(proc)
    assert out(proc) == ""
    xml = target.read_text(encoding="utf-8")
    assert 'kind="ftz-negative-list" zone="testzone" list-version="2024"' in xml
    assert '<entry id="ftz-test-2024.m-01" level="pi" route="scc-or-cert" provenance="official">' in xml
    assert '<threshold individuals="100000" basis="general"/>' in xml
    assert '<threshold individuals="10000" basis="sensitive"/>' in xml
    assert "<source>测试清单（2024版）, CSV line 2</source>" in xml
    check = run_xborder("rules", "check", str(target))
    assert check.returncode == 0, err(check)
    assert out(check).startswith("ok: 1 catalog, 3 entries, 6 examples")
    test = run_xborder("rules", "test", str(target))
    assert test.returncode == 0, out(test)
    # The imported list works alongside the shipped catalogs.
    both = run_xborder("rules", "check", "rules/catalogs", str(target))
    assert both.returncode == 0, err(both)


def test_import_to_standard_output():
    proc = run_xborder("rules", "import", "--csv", rel(os.path.join(IMPORT, "good.csv")),
                       "--catalog", "ftz-test-2024", "--zone", "testzone",
                       "--list-version", "2024")
    assert proc.returncode == 0, err(proc)
    assert out(proc).startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert out(proc).rstrip().endswith("</catalog>")


def test_import_reports_bad_rows_and_writes_nothing(tmp_path):
    path = os.path.join(IMPORT, "bad.csv")
    target = tmp_path / "out.xml"
    proc = run_xborder("rules", "import", "--csv", rel(path), "--catalog", "ftz-test-2024",
                       "--zone", "testzone", "--list-version", "2024", "-o", str(target))
    assert proc.returncode == 1
    assert not target.exists()
    e = err(proc)
    assert "%s:3: unknown route '评估'" % rel(path) in e
    assert "%s:4: bad threshold '十万人'" % rel(path) in e
    assert "%s:5: bad threshold '1万人以下'" % rel(path) in e
    assert "%s:6: 数据项 is empty" % rel(path) in e
    assert "%s:7: bad threshold '10万条'" % rel(path) in e
    assert "5 problems; nothing written" in e


def test_import_option_errors(tmp_path):
    good = rel(os.path.join(IMPORT, "good.csv"))
    proc = run_xborder("rules", "import", "--csv", good, "--catalog", "ftz-x")
    assert proc.returncode == 1
    assert "needs --zone and --list-version" in err(proc)
    proc = run_xborder("rules", "import", "--csv", good, "--catalog", "Bad Id",
                       "--zone", "z", "--list-version", "1")
    assert proc.returncode == 1
    assert "catalog id" in err(proc)
    proc = run_xborder("rules", "import", "--csv", good, "--catalog", "x",
                       "--kind", "sector-important")
    assert proc.returncode == 1
    assert "--article" in err(proc)
    proc = run_xborder("rules", "import", "--catalog", "x")
    assert proc.returncode == 1
    proc = run_xborder("rules", "import", "--csv", "no/such.csv", "--catalog", "x",
                       "--zone", "z", "--list-version", "1")
    assert proc.returncode == 1
    assert "no/such.csv" in err(proc)
