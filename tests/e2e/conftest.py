"""Shared fixtures for the end-to-end tests of the xborder command-line tool.

The tests run the real binary (build/xborder) on real files and parse what
it prints; nothing is mocked.
"""
import json
import os
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
XBORDER = os.path.join(ROOT, "build", "xborder")
DATA = os.path.join(ROOT, "tests", "data")


def run_xborder(*args, stdin=None, check=False):
    """Run build/xborder from the repository root; returns CompletedProcess."""
    proc = subprocess.run([XBORDER, *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError("xborder %s failed (%d): %s" %
                             (" ".join(args), proc.returncode, proc.stderr.decode()))
    return proc


def scan_jsonl(path, *extra, stdin=None):
    """Scan a file with --format jsonl --show-values; returns (rc, findings)."""
    proc = run_xborder("scan", "--format", "jsonl", "--show-values", *extra, path, stdin=stdin)
    findings = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    return proc.returncode, findings, proc.stderr.decode()


@pytest.fixture(scope="session", autouse=True)
def xborder_built():
    if not os.access(XBORDER, os.X_OK):
        pytest.fail("build/xborder is missing: run `make` first")
