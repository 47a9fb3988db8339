"""End-to-end tests of `xborder scan` on files under tests/data/scan/."""
import gzip
import os
import zlib

from conftest import DATA, run_xborder, scan_jsonl

SCAN = os.path.join(DATA, "scan")


def national(findings):
    """Findings of the national PI / sensitive-PI catalogs only: sector and
    FTZ catalogs report the same identifiers again under their own entries
    (e.g. "PI of more than 100,000 individuals" for the automotive sector)."""
    return [f for f in findings if f["category"].startswith(("cn.pi.", "cn.spi."))]


def values(findings, detector):
    return sorted(f["value"] for f in national(findings) if f["detector"] == detector)


def test_json_identifiers_found_with_paths_spans_and_records():
    rc, findings, _ = scan_jsonl(os.path.join(SCAN, "customers.json"))
    findings = national(findings)
    assert rc == 3
    body = open(os.path.join(SCAN, "customers.json"), "rb").read()
    ric = [f for f in findings if f["detector"] == "cn_ric18"]
    assert sorted(f["value"] for f in ric) == ["11010519491231002X", "440524188001010014"]
    first = next(f for f in ric if f["value"] == "11010519491231002X")
    assert first["path"] == "/customers/0/idNo"
    assert first["record"] == 0
    s, e = first["span"]
    assert body[s:e] == b"11010519491231002X"
    second = next(f for f in ric if f["value"] == "440524188001010014")
    assert second["record"] == 1
    # Separated and full-width mobiles are found; spans cover the original text.
    mobiles = [f for f in findings if f["detector"] == "cn_mobile"]
    assert sorted(f["value"] for f in mobiles) == ["138 0013 8000", "１３９１２３４５６７８"]
    fw = next(f for f in mobiles if f["value"].startswith("１"))
    s, e = fw["span"]
    assert body[s:e].decode() == "１３９１２３４５６７８"
    assert values(findings, "email") == ["zhang.wei@example.com"]
    assert values(findings, "bank_card") == ["6216261000000000018"]


def test_json_hard_negatives_produce_nothing():
    rc, findings, _ = scan_jsonl(os.path.join(SCAN, "customers.json"))
    bad = {"110105194912310021", "6216261000000000017", "12345678901", "1700000000000",
           "2024110512345678"}
    for f in findings:
        assert f["value"] not in bad, f
        assert "550e8400" not in f["value"]
    # Nothing at all in the opaque record except what validates (none of it does).
    assert not [f for f in findings if f["path"].startswith("/customers/2/") and
                f["detector"] not in ("person_name", "address")]


def test_values_are_masked_without_show_values():
    proc = run_xborder("scan", "--format", "jsonl", os.path.join(SCAN, "customers.json"))
    out = proc.stdout.decode()
    assert "11010519491231002X" not in out
    assert "zhang.wei@example.com" not in out
    assert '"detector":"cn_ric18"' in out


def test_csv_columns_and_rows():
    rc, findings, _ = scan_jsonl(os.path.join(SCAN, "customers.csv"))
    findings = national(findings)
    assert rc == 3
    ric = [f for f in findings if f["detector"] == "cn_ric18"]
    assert [(f["value"], f["path"], f["record"]) for f in ric] == [
        ("360426199101010071", "身份证号", 0)]
    mob = [f for f in findings if f["detector"] == "cn_mobile"]
    assert [(f["value"], f["record"]) for f in mob] == [("+86-138-0013-8001", 0)]
    assert values(findings, "email") == ["wang.fang@example.cn"]


def test_xml_paths_and_repeated_element_records():
    rc, findings, _ = scan_jsonl(os.path.join(SCAN, "customers.xml"))
    findings = national(findings)
    assert rc == 3
    ric = sorted((f["path"], f["record"]) for f in findings if f["detector"] == "cn_ric18")
    assert ric == [("/export[1]/person[1]/idCard[1]", 0), ("/export[1]/person[2]/idCard[1]", 1)]


def test_form_body():
    rc, findings, _ = scan_jsonl(os.path.join(SCAN, "customers.form"),
                                 "--content-type", "application/x-www-form-urlencoded")
    assert rc == 3
    assert [(f["path"]) for f in national(findings) if f["detector"] == "cn_ric18"] == ["idNo"]
    assert values(findings, "cn_mobile") == ["13800138000"]


def test_free_text_with_fullwidth_and_separators():
    rc, findings, _ = scan_jsonl(os.path.join(SCAN, "notes.txt"))
    assert rc == 3
    assert values(findings, "cn_ric18") == ["１１０１０５１９４９１２３１００２Ｘ"]
    assert values(findings, "cn_mobile") == ["138-0013-8000"]
    for f in findings:
        assert "2024110512345678" not in f["value"]
        assert "1234567890123" not in f["value"]


def test_gzip_and_deflate_bodies(tmp_path):
    raw = open(os.path.join(SCAN, "customers.json"), "rb").read()
    gz = tmp_path / "body.json.gz"
    gz.write_bytes(gzip.compress(raw))
    rc, findings, _ = scan_jsonl(str(gz), "--content-type", "application/json",
                                 "--content-encoding", "gzip")
    assert rc == 3
    assert len([f for f in national(findings) if f["detector"] == "cn_ric18"]) == 2
    df = tmp_path / "body.deflate"
    df.write_bytes(zlib.compress(raw))
    rc, findings, _ = scan_jsonl(str(df), "--content-type", "application/json",
                                 "--content-encoding", "deflate")
    assert rc == 3
    assert len([f for f in national(findings) if f["detector"] == "cn_ric18"]) == 2


def test_clean_body_exits_zero():
    rc, findings, _ = scan_jsonl(os.path.join(SCAN, "clean.json"))
    assert rc == 0
    assert findings == []


def test_malformed_body_is_an_error_not_clean():
    rc, _, err = scan_jsonl(os.path.join(SCAN, "truncated.json"))
    assert rc == 1
    assert "not inspectable" in err


def test_unknown_type_is_not_inspectable():
    rc, _, err = scan_jsonl(os.path.join(SCAN, "image.bin"), "--content-type", "image/png")
    assert rc == 1
    assert "not inspectable" in err


def test_stdin_input():
    data = open(os.path.join(SCAN, "customers.json"), "rb").read()
    rc, findings, _ = scan_jsonl("-", "--content-type", "application/json", stdin=data)
    assert rc == 3
    assert len([f for f in national(findings) if f["detector"] == "cn_ric18"]) == 2


def test_unsupported_encoding_is_an_error():
    rc, _, err = scan_jsonl(os.path.join(SCAN, "clean.json"), "--content-encoding", "br")
    assert rc == 1
    assert "br" in err


def test_bad_usage():
    proc = run_xborder("scan")
    assert proc.returncode == 1
    proc = run_xborder("scan", "--format", "yaml", os.path.join(SCAN, "clean.json"))
    assert proc.returncode == 1
