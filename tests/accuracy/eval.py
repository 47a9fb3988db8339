#!/usr/bin/env python3
"""Evaluate `xborder scan` against the labelled corpus from gen_corpus.py.

Why: gives per-group precision / recall / F1 with counts, and lists the
worst false positives and negatives, so classifier changes are measured
rather than guessed.  Findings are grouped by DETECTOR (not category):
sector and FTZ catalogs re-report the same value under their own entries,
so each (detector, span) is counted once.

Matching: an expected (group, text) pair and a finding of that group match
when their canonical forms are equal (full-width folded to ASCII, spaces,
dashes, brackets and a +86/86 prefix removed, upper-cased); for names and
addresses one may contain the other (an address may be reported with or
without its province).  Each expected item matches at most one finding.

Usage: eval.py --corpus DIR [--xborder build/xborder] [--json OUT] [--show N]
Standard library only.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

DETECTOR_GROUP = {
    "cn_ric18": "ric", "cn_ric15": "ric", "cn_hmt_residence": "ric",
    "cn_foreign_pr_2023": "ric", "cn_foreign_pr_2017": "ric",
    "bank_card": "bank_card", "cn_uscc": "uscc", "vin": "vin", "imei": "imei",
    "cn_mobile": "mobile", "cn_landline": "landline", "email": "email",
    "cn_passport": "passport", "hkmo_home_return_permit": "passport",
    "taiwan_permit": "passport", "mainland_hkmo_permit": "passport",
    "ipv4": "ip", "ipv6": "ip", "cn_plate": "plate",
    "person_name": "name", "address": "address",
}
CHECK_DIGIT_GROUPS = ["ric", "bank_card", "uscc", "vin", "imei"]
# USCC is an organisation identifier: it is reported at level "general"
# (cn.org.uscc), never as PI, and held to the check-digit bar.
BARS = {**{g: 0.99 for g in CHECK_DIGIT_GROUPS},
        "mobile": 0.97, "email": 0.97, "passport": 0.97, "ip": 0.97,
        "name": 0.90, "address": 0.90}
GROUPS = CHECK_DIGIT_GROUPS + ["mobile", "landline", "email", "passport", "ip", "plate",
                               "name", "address"]


def canon(group, s):
    s = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in s)
    s = s.replace("\u3000", " ")
    if group in ("name", "address"):
        return "".join(s.split())
    s = s.strip().upper()
    if group in ("mobile", "landline"):
        for p in ("(+86)", "+86", "0086"):
            if s.startswith(p):
                s = s[len(p):]
        s = "".join(c for c in s if c.isalnum())
        if group == "mobile" and len(s) == 13 and s.startswith("86"):
            s = s[2:]
        return s
    if group in ("ric", "bank_card", "imei", "uscc", "vin", "passport"):
        return "".join(c for c in s if c.isalnum())
    return s


def same(group, a, b):
    if a == b:
        return True
    if group in ("name", "address") and a and b:
        return a in b or b in a
    return False


def scan(xborder, path, ctype):
    p = subprocess.run([xborder, "scan", "--format", "jsonl", "--show-values",
                        "--content-type", ctype, path], capture_output=True)
    if p.returncode not in (0, 3):
        raise RuntimeError("scan failed on %s: %s" % (path, p.stderr.decode(errors="replace")))
    found, seen = [], set()
    for line in p.stdout.decode().splitlines():
        f = json.loads(line)
        g = DETECTOR_GROUP.get(f["detector"])
        key = (f["detector"], tuple(f["span"]))
        if g is None or key in seen:
            continue
        seen.add(key)
        found.append((g, f["value"], f.get("path", "")))
    return found


def evaluate(corpus, xborder):
    manifest = json.load(open(os.path.join(corpus, "manifest.json"), encoding="utf-8"))
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    fps, fns = collections.defaultdict(list), collections.defaultdict(list)
    check_fail_hits = []
    for doc in manifest:
        found = scan(xborder, os.path.join(corpus, doc["file"]), doc["content_type"])
        exp = [(g, t, canon(g, t)) for g, t in doc["expected"]]
        used = [False] * len(exp)
        negs = [(k, v) for k, v in doc["negatives"]]
        for g, v, path in found:
            c = canon(g, v)
            hit = next((i for i, (eg, _, ec) in enumerate(exp)
                        if not used[i] and eg == g and same(g, ec, c)), None)
            if hit is None:
                # a second finding on an already matched value is a duplicate, not an error
                if any(eg == g and same(g, ec, c) for eg, _, ec in exp):
                    continue
                fp[g] += 1
                fps[g].append((doc["file"], path, v))
                digits = "".join(ch for ch in canon("ric", v))
                for kind, nv in negs:
                    if kind.endswith(("bad-check", "bad-luhn")) and digits and digits in canon("ric", nv):
                        check_fail_hits.append((doc["file"], g, v, kind))
            else:
                used[hit] = True
                tp[g] += 1
        for i, (g, t, _) in enumerate(exp):
            if not used[i]:
                fn[g] += 1
                fns[g].append((doc["file"], t))
    res = {}
    for g in GROUPS:
        p = tp[g] / (tp[g] + fp[g]) if tp[g] + fp[g] else 1.0
        r = tp[g] / (tp[g] + fn[g]) if tp[g] + fn[g] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        res[g] = {"tp": tp[g], "fp": fp[g], "fn": fn[g], "precision": p, "recall": r, "f1": f1,
                  "bar": BARS.get(g), "fps": fps[g], "fns": fns[g]}
    return res, check_fail_hits, len(manifest)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--xborder", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                      "build", "xborder"))
    ap.add_argument("--json", help="write the figures (without examples) to this file")
    ap.add_argument("--show", type=int, default=5, help="examples of FP/FN per group")
    a = ap.parse_args()
    res, bad, ndocs = evaluate(a.corpus, a.xborder)
    print("%d documents" % ndocs)
    print("%-10s %6s %5s %5s %9s %7s %7s  %s" % ("group", "tp", "fp", "fn", "precision", "recall",
                                                 "F1", "bar"))
    for g, r in res.items():
        ok = "" if r["bar"] is None else ("ok" if min(r["precision"], r["recall"]) >= r["bar"]
                                          else "BELOW %.0f%%" % (100 * r["bar"]))
        print("%-10s %6d %5d %5d %8.2f%% %6.2f%% %6.2f%%  %s" % (
            g, r["tp"], r["fp"], r["fn"], 100 * r["precision"], 100 * r["recall"], 100 * r["f1"], ok))
    print("findings on failed-check-digit values: %d" % len(bad))
    for b in bad[:a.show]:
        print("  CHECK-FAIL HIT", *b)
    for g, r in res.items():
        for x in r["fps"][:a.show]:
            print("  FP %-9s %s %s %r" % (g, *x))
        for x in r["fns"][:a.show]:
            print("  FN %-9s %s %r" % (g, *x))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"documents": ndocs, "check_fail_hits": len(bad),
                       "groups": {g: {k: v for k, v in r.items() if k not in ("fps", "fns")}
                                  for g, r in res.items()}}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
