"""End-to-end tests of `xborder trace` on copies marked exactly as the
gateway marks them (tests/e2e/wm_fixture.c: scan with carriers, embed,
rewrite)."""
import json
import os
import subprocess

import pytest

from conftest import ROOT, run_xborder

TRANSFER = "0123456789abcdef"

BODY = {
    "exportId": "EXP-1",
    "records": [
        {"name": "张伟", "mobile": "13800138000",
         "note": "客户要求周末送货，请提前电话联系，包裹放在快递柜即可。"},
        {"name": "李娜", "mobile": "13912345678",
         "note": "Please deliver the parcel to the front desk of the office building."},
        {"name": "王芳", "mobile": "13712345678",
         "note": "发票抬头与订单一致，已开具电子发票，退换货请保留原包装及配件。"},
    ],
}


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trace")
    keys = tmp / "keys"
    assert run_xborder("keygen", str(keys)).returncode == 0
    fixture = str(tmp / "wm_fixture")
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-I", ROOT, "-I/usr/include/libxml2",
                    "-o", fixture, os.path.join(ROOT, "tests", "e2e", "wm_fixture.c"),
                    os.path.join(ROOT, "build", "libxborder.a"), "-lxml2", "-lpcre2-8",
                    "-lz", "-lcrypto", "-lm"], check=True, timeout=120)
    src = tmp / "body.json"
    src.write_text(json.dumps(BODY, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    out = tmp / "marked.json"
    proc = subprocess.run([fixture, str(keys / "watermark.key"), TRANSFER, "application/json",
                           str(src), str(out)], cwd=ROOT, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    return {"keys": keys, "marked": out, "plain": src, "tmp": tmp}


def trace(key, path, *extra):
    proc = run_xborder("trace", "--key", str(key), *extra, str(path))
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_marked_copy_is_traced(marked):
    rc, out, err = trace(marked["keys"] / "watermark.key", marked["marked"])
    assert rc == 0, err
    assert "transfer " + TRANSFER in out


def test_reserialised_copy_is_traced(marked):
    doc = json.loads(marked["marked"].read_text(encoding="utf-8"))
    doc["records"].reverse()
    re = marked["tmp"] / "reformatted.json"
    re.write_text(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    rc, out, _ = trace(marked["keys"] / "watermark.key", re)
    assert rc == 0
    assert TRANSFER in out


def test_single_pasted_string_is_traced(marked):
    doc = json.loads(marked["marked"].read_text(encoding="utf-8"))
    notes = [r["note"] for r in doc["records"] if len(r["note"]) != len(
        next(b["note"] for b in BODY["records"] if b["name"] == r["name"]))]
    assert notes, "no note was marked"
    pasted = marked["tmp"] / "pasted.txt"
    pasted.write_text("今天在群里看到一段话：" + notes[0] + "\n", encoding="utf-8")
    rc, out, _ = trace(marked["keys"] / "watermark.key", pasted)
    assert rc == 0
    assert TRANSFER in out


def test_wrong_key_and_unmarked_copy_find_nothing(marked):
    other = marked["tmp"] / "other"
    assert run_xborder("keygen", str(other)).returncode == 0
    rc, out, _ = trace(other / "watermark.key", marked["marked"])
    assert rc == 1
    assert "no valid watermark" in out
    rc, out, _ = trace(marked["keys"] / "watermark.key", marked["plain"])
    assert rc == 1
    assert TRANSFER not in out
