"""End-to-end accuracy gate: generate the labelled corpus (tests/accuracy/
gen_corpus.py) into a temp dir, run tests/accuracy/eval.py's evaluation of
`xborder scan` on it, and assert the bars of issue 2 per identifier group,
plus: no finding on a value whose check digit fails.

Groups below their bar today are listed in KNOWN_WEAK with the figure they
must not regress under; remove an entry once its group reaches the bar.
"""
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ACC = os.path.join(ROOT, "tests", "accuracy")
XBORDER = os.path.join(ROOT, "build", "xborder")

# group -> (min precision, min recall) accepted while the group is below bar.
# Empty since record evidence (docs/accuracy.md): imei, ip and name meet
# their bars (measured 100/100, 100/100, 99.6/96.9 on this 240-document run).
# Floors above the bars guard the groups that have margin to lose.
KNOWN_WEAK = {}
FLOORS = {
    "name": (0.98, 0.95),
    "imei": (0.99, 0.99),
    "ip": (0.99, 0.99),
}


def _load_eval():
    spec = importlib.util.spec_from_file_location("acc_eval", os.path.join(ACC, "eval.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if not os.access(XBORDER, os.X_OK):
        pytest.skip("build/xborder not built")
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, os.path.join(ACC, "gen_corpus.py"), "--out", str(out),
                    "--docs", "240"], check=True, capture_output=True)
    ev = _load_eval()
    res, bad, ndocs = ev.evaluate(str(out), XBORDER)
    return ev, res, bad, ndocs


def test_corpus_is_deterministic(tmp_path):
    for d in ("a", "b"):
        subprocess.run([sys.executable, os.path.join(ACC, "gen_corpus.py"), "--out",
                        str(tmp_path / d), "--docs", "30"], check=True, capture_output=True)
    a = (tmp_path / "a" / "manifest.json").read_bytes()
    assert a == (tmp_path / "b" / "manifest.json").read_bytes()
    assert len(a) > 1000


def test_no_finding_on_failed_check_digit(results):
    _, _, bad, _ = results
    assert bad == [], bad[:5]


@pytest.mark.parametrize("group", ["ric", "bank_card", "uscc", "vin", "imei", "mobile", "email",
                                   "passport", "ip", "name", "address"])
def test_group_meets_bar(results, group):
    ev, res, _, _ = results
    r = res[group]
    assert r["tp"] > 20, "corpus holds too few %s samples" % group
    p_min, r_min = KNOWN_WEAK.get(group, (ev.BARS[group], ev.BARS[group]))
    p_min, r_min = max(p_min, FLOORS.get(group, (0, 0))[0]), max(r_min, FLOORS.get(group, (0, 0))[1])
    assert r["precision"] >= p_min, (group, r["precision"], r["fps"][:5])
    assert r["recall"] >= r_min, (group, r["recall"], r["fns"][:5])
