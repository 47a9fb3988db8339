"""`xborder spool show` and `xborder spool replay` on real spool files and a
real Redis.

Spool files are written by tests/e2e/spool_fixture.c exactly as a gateway
that lost Redis writes them (real canonical records, SHA-256 chain, Ed25519
checkpoints, frames from classifier/record/xb_spool.c). The replayed Redis
is then checked with `xborder verify`, the tool an auditor runs.
"""
import fcntl
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, XBORDER
from xb_redis import RedisServer, build_spool_fixture, write_spool

CHAIN_A = "gw1/w0-4242-1763812224"
CHAIN_B = "gw1/w1-4243-1763812224"


def xborder(*args):
    proc = subprocess.run([XBORDER, *args], cwd=ROOT, capture_output=True, timeout=120)
    proc.out = proc.stdout.decode()
    proc.err = proc.stderr.decode()
    assert "Sanitizer" not in proc.err and "runtime error:" not in proc.err, proc.err
    return proc


@pytest.fixture(scope="module")
def tools(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spool_tools")
    keys = tmp / "keys"
    assert xborder("keygen", str(keys)).returncode == 0
    return {"fixture": build_spool_fixture(tmp), "keys": keys}


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def spool(tmp_path):
    d = tmp_path / "spool"
    d.mkdir()
    return d


def frames_of(show_out):
    """[(offset, script, {field: value})] of `spool show` frame lines."""
    out = []
    for line in show_out.splitlines():
        m = re.match(r"^(\d+) (append|checkpoint) (.*)$", line)
        if m:
            fields = dict(kv.split("=", 1) for kv in m.group(3).split(" "))
            out.append((int(m.group(1)), m.group(2), fields))
    return out


def verify(redis, tools):
    return xborder("verify", "--redis", redis.url(), "--pubkey",
                   str(tools["keys"] / "signing.pub"))


def test_help():
    proc = xborder("spool", "--help")
    assert proc.returncode == 0
    assert "xborder spool replay --redis URL" in proc.out
    assert ".replayed" in proc.out
    assert xborder("spool").returncode == 2
    assert xborder("spool", "frobnicate").returncode == 2
    assert xborder("spool", "replay", "somewhere").returncode == 2  # no --redis


def test_show_lists_every_frame(tools, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 5,
                       key=tools["keys"] / "signing.key", cp_every=2)
    assert os.path.basename(path) == "gw1%2Fw0-4242-1763812224.spool"
    proc = xborder("spool", "show", path)
    assert proc.returncode == 0, proc.err
    assert proc.err == ""
    frames = frames_of(proc.out)
    assert [(s, f["seq"]) for _, s, f in frames] == [
        ("append", "1"), ("append", "2"), ("checkpoint", "2"), ("append", "3"),
        ("append", "4"), ("checkpoint", "4"), ("append", "5")]
    assert frames[0][0] == 0
    offsets = [o for o, _, _ in frames]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    for _, script, f in frames:
        assert f["chain"] == CHAIN_A
        assert re.fullmatch(r"[0-9a-f]{64}", f["hash"])
    # a checkpoint names the head it signs: the hash of its record
    assert frames[2][2]["hash"] == frames[1][2]["hash"]
    assert frames[5][2]["hash"] == frames[4][2]["hash"]
    size = os.path.getsize(path)
    assert "%s: 7 frames (5 appends, 2 checkpoints), %d bytes, chain %s records seq 1..5" % (
        path, size, CHAIN_A) in proc.out


def test_show_torn_tail_is_a_warning(tools, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 3, torn=100)
    whole = os.path.getsize(path) - 100
    proc = xborder("spool", "show", path)
    assert proc.returncode == 0
    assert len(frames_of(proc.out)) == 3
    assert "warning" in proc.err and "torn last frame at byte %d" % whole in proc.err


def test_show_corruption_names_file_and_offset(tools, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 6)
    offsets = [o for o, _, _ in frames_of(xborder("spool", "show", path).out)]
    clean = path + ".clean"
    shutil.copy(path, clean)
    # one byte inside the payload of the 4th frame (seq 4)
    with open(path, "r+b") as f:
        f.seek(offsets[3] + 200)
        b = f.read(1)
        f.seek(offsets[3] + 200)
        f.write(bytes([b[0] ^ 0x01]))
    proc = xborder("spool", "show", path)
    assert proc.returncode == 1
    assert len(frames_of(proc.out)) == 3
    assert "%s: corrupt at byte %d: CRC mismatch" % (path, offsets[3]) in proc.err
    # the length of the last frame grown past the end of the file: damage,
    # not a torn tail that replay would ignore
    shutil.copy(clean, path)
    with open(path, "r+b") as f:
        f.seek(offsets[5] + 12)
        f.write(b"\x02")
    proc = xborder("spool", "show", path)
    assert proc.returncode == 1
    assert len(frames_of(proc.out)) == 5
    assert "%s: corrupt at byte %d: header CRC mismatch" % (path, offsets[5]) in proc.err
    assert "torn" not in proc.err


def test_replay_then_verify(tools, redis, spool):
    a = write_spool(tools["fixture"], spool, CHAIN_A, 1, 7,
                    key=tools["keys"] / "signing.key", cp_every=3)
    b = write_spool(tools["fixture"], spool, CHAIN_B, 1, 4,
                    key=tools["keys"] / "signing.key", cp_every=3, torn=50)
    proc = xborder("spool", "replay", "--redis", redis.url(), str(spool))
    assert proc.returncode == 0, proc.err
    assert "%s: 9 frames replayed (9 new, 0 already filed); renamed %s.replayed" % (a, a) \
        in proc.out
    assert "%s: 5 frames replayed (5 new, 0 already filed), torn last frame" % b in proc.out
    assert sorted(os.listdir(spool)) == sorted(
        [os.path.basename(a) + ".replayed", os.path.basename(b) + ".replayed"])
    r = redis.client()
    assert r("XLEN", "xborder:records") == 11
    assert r("XLEN", "xborder:checkpoints") == 3
    assert r("HGET", "xborder:heads", CHAIN_A).startswith("7 ")
    assert r("HGET", "xborder:heads", CHAIN_B).startswith("4 ")
    # one individual shared by every record, one per record
    assert r("SCARD", "xborder:subjects:91310000MA1FL8XQ3A:2026:general") == 1 + 11
    proc = verify(redis, tools)
    assert proc.returncode == 0, proc.out + proc.err
    assert "OK: 11 records in 2 chains verified; 3 checkpoints with valid signatures" in proc.out


def test_replay_twice_is_all_dup(tools, redis, spool, tmp_path):
    a = write_spool(tools["fixture"], spool, CHAIN_A, 1, 5,
                    key=tools["keys"] / "signing.key", cp_every=2)
    keep = tmp_path / "copy.spool"
    shutil.copy(a, keep)
    assert xborder("spool", "replay", "--redis", redis.url(), a).returncode == 0
    r = redis.client()
    before = (r("XLEN", "xborder:records"), r("XLEN", "xborder:checkpoints"),
              r("HLEN", "xborder:transfers"),
              r("SCARD", "xborder:subjects:91310000MA1FL8XQ3A:2026:general"))
    assert before == (5, 2, 5, 6)
    shutil.copy(keep, a)  # the same file again (a replay interrupted before its rename)
    proc = xborder("spool", "replay", "--redis", redis.url(), a)
    assert proc.returncode == 0, proc.err
    assert "7 frames replayed (0 new, 7 already filed)" in proc.out
    after = (r("XLEN", "xborder:records"), r("XLEN", "xborder:checkpoints"),
             r("HLEN", "xborder:transfers"),
             r("SCARD", "xborder:subjects:91310000MA1FL8XQ3A:2026:general"))
    assert after == before
    assert verify(redis, tools).returncode == 0
    # *.replayed files are skipped, given by name or in a directory
    proc = xborder("spool", "replay", "--redis", redis.url(), a + ".replayed", str(spool))
    assert proc.returncode == 0
    assert "already replayed, skipped" in proc.out
    assert "0 files" in proc.out and "2 skipped" in proc.out


def test_gap_stops_the_file(tools, redis, spool):
    # the spool holds 4..6 but Redis never got 1..3
    later = write_spool(tools["fixture"], spool, CHAIN_A, 4, 6)
    proc = xborder("spool", "replay", "--redis", redis.url(), later)
    assert proc.returncode == 1
    assert "chain %s seq 4 (record): GAP: Redis's head of this chain is seq 0, so records " \
        "1..3 are missing in Redis" % CHAIN_A in proc.err
    assert "file kept" in proc.err
    assert os.path.exists(later)
    r = redis.client()
    assert r("EXISTS", "xborder:records") == 0
    # once the missing records are filed (here: from another spool), it goes through
    other = spool / "earlier"
    other.mkdir()
    first = write_spool(tools["fixture"], other, CHAIN_A, 1, 3)
    assert xborder("spool", "replay", "--redis", redis.url(), first).returncode == 0
    proc = xborder("spool", "replay", "--redis", redis.url(), later)
    assert proc.returncode == 0, proc.err
    assert "3 frames replayed (3 new, 0 already filed)" in proc.out
    assert r("XLEN", "xborder:records") == 6


def test_gap_in_the_middle_keeps_what_came_before(tools, redis, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 2)
    write_spool(tools["fixture"], spool, CHAIN_A, 5, 6)  # 3 and 4 were never spooled
    proc = xborder("spool", "replay", "--redis", redis.url(), path)
    assert proc.returncode == 1
    assert "seq 5 (record): GAP: Redis's head of this chain is seq 2, so records 3..4" in proc.err
    assert redis.client()("XLEN", "xborder:records") == 2
    assert os.path.exists(path)


def test_corrupt_file_is_replayed_up_to_the_damage(tools, redis, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 4)
    offsets = [o for o, _, _ in frames_of(xborder("spool", "show", path).out)]
    with open(path, "r+b") as f:
        f.seek(offsets[2] + 30)
        f.write(b"\xff\xff")
    proc = xborder("spool", "replay", "--redis", redis.url(), path)
    assert proc.returncode == 1
    assert "corrupt at byte %d" % offsets[2] in proc.err
    assert redis.client()("XLEN", "xborder:records") == 2
    assert os.path.exists(path)


def test_locked_file_is_replayed_but_not_renamed(tools, redis, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 3)
    with open(path, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a live nginx worker does
        proc = xborder("spool", "replay", "--redis", redis.url(), str(spool))
        assert proc.returncode == 0, proc.err
        assert "locked by a live process" in proc.out and "left in place" in proc.out
        assert os.listdir(spool) == [os.path.basename(path)]
    assert redis.client()("XLEN", "xborder:records") == 3
    # the worker is gone: now it is retired
    proc = xborder("spool", "replay", "--redis", redis.url(), str(spool))
    assert proc.returncode == 0
    assert "(0 new, 3 already filed); renamed" in proc.out
    assert os.listdir(spool) == [os.path.basename(path) + ".replayed"]


def test_prefix_is_enforced(tools, redis, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 2, prefix="other:")
    proc = xborder("spool", "replay", "--redis", redis.url(), path)
    assert proc.returncode == 1
    assert "outside the prefix 'xborder:'" in proc.err
    assert redis.client()("DBSIZE") == 0
    proc = xborder("spool", "replay", "--redis", redis.url(), "--prefix", "other:", path)
    assert proc.returncode == 0, proc.err
    assert redis.client()("XLEN", "other:records") == 2


def test_noscript_falls_back_to_eval(tools, redis, spool):
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 2)
    r = redis.client()
    r("SCRIPT", "FLUSH")
    assert xborder("spool", "replay", "--redis", redis.url(), path).returncode == 0
    assert r("XLEN", "xborder:records") == 2


def test_redis_unreachable(tools, spool):
    from xb_redis import free_port
    path = write_spool(tools["fixture"], spool, CHAIN_A, 1, 2)
    proc = xborder("spool", "replay", "--redis", "redis://127.0.0.1:%d" % free_port(), path)
    assert proc.returncode == 2
    assert "cannot connect" in proc.err
    assert os.path.exists(path)
