"""The example Redis ACL (config/redis-acl.conf) against a real redis-server
started with --aclfile.

It must let the gateway file records, checkpoints and counts - through
`xborder spool replay` and raw RESP - and must stop it from deleting,
trimming or reconfiguring anything, also from inside a Lua script. The
auditor user must be able to run `xborder verify` and `xborder report` and
read the layout, and write nothing.

The file carries placeholder passwords (`change-me-gateway`,
`change-me-auditor`, documented in the README); the test substitutes real
ones into a temporary copy, as an operator must.
"""
import json
import os
import secrets
import subprocess

import pytest

from conftest import ROOT, XBORDER
from xb_redis import Redis, RedisError, RedisServer, build_spool_fixture, write_spool

ACL = os.path.join(ROOT, "config", "redis-acl.conf")
CHAIN = "gw1/w0-4242-1763812224"
USCC = "91310000MA1FL8XQ3A"
GENERAL = "xborder:subjects:%s:2026:general" % USCC
SENSITIVE = "xborder:subjects:%s:2026:sensitive" % USCC


def xborder(*args):
    proc = subprocess.run([XBORDER, *args], cwd=ROOT, capture_output=True, timeout=120)
    proc.out = proc.stdout.decode()
    proc.err = proc.stderr.decode()
    return proc


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("acl")
    text = open(ACL, encoding="utf-8").read()
    assert "change-me-gateway" in text and "change-me-auditor" in text
    pw = {"gateway": secrets.token_hex(16), "auditor": secrets.token_hex(16)}
    acl = tmp / "users.acl"
    acl.write_text(text.replace("change-me-gateway", pw["gateway"])
                       .replace("change-me-auditor", pw["auditor"]), encoding="utf-8")
    keys = tmp / "keys"
    assert xborder("keygen", str(keys)).returncode == 0
    fixture = build_spool_fixture(tmp)
    # DEBUG enabled so that it is the ACL that refuses it
    server = RedisServer(tmp, "--aclfile", str(acl), "--enable-debug-command", "yes")
    spool = tmp / "spool"
    spool.mkdir()
    write_spool(fixture, spool, CHAIN, 1, 6, key=keys / "signing.key", cp_every=3)
    env = {"server": server, "pw": pw, "keys": keys, "fixture": fixture, "spool": spool,
           "tmp": tmp}
    # the gateway files the spool (NOSCRIPT -> EVAL, then EVALSHA)
    proc = xborder("spool", "replay", "--redis", server.url("xborder-gateway", pw["gateway"]),
                   str(spool))
    env["replay"] = proc
    yield env
    server.stop()


def login(setup, user):
    r = setup["server"].client()
    assert r("AUTH", "xborder-" + user, setup["pw"][user]) == "OK"
    return r


def script(setup, name):
    proc = subprocess.run([setup["fixture"], "script", name], capture_output=True, check=True)
    return proc.stdout.decode()


def denied(reply):
    return isinstance(reply, RedisError) and "NOPERM" in str(reply)


def test_file_has_no_comments():
    # redis-server refuses an aclfile with comments: the documentation of
    # the file lives in README.md and docs/redis-layout.md
    for line in open(ACL, encoding="utf-8"):
        assert line.startswith("user "), line


def test_default_user_is_off(setup):
    r = setup["server"].client()
    reply = r.raw("GET", "xborder:heads")
    assert isinstance(reply, RedisError) and "NOAUTH" in str(reply)
    assert isinstance(r.raw("AUTH", "default", "anything"), RedisError)
    assert isinstance(r.raw("AUTH", "xborder-gateway", "change-me-gateway"), RedisError)


def test_gateway_files_through_replay(setup):
    proc = setup["replay"]
    assert proc.returncode == 0, proc.err
    assert "8 frames replayed (8 new, 0 already filed)" in proc.out
    a = login(setup, "auditor")
    assert a("XLEN", "xborder:records") == 6
    assert a("XLEN", "xborder:checkpoints") == 2


def test_gateway_runs_the_three_scripts(setup):
    g = login(setup, "gateway")
    shas = {}
    for name in ("append", "checkpoint", "count"):
        shas[name] = g("SCRIPT", "LOAD", script(setup, name))
    assert g("SCRIPT", "EXISTS", *shas.values()) == [1, 1, 1]
    # count: read only, totals and flags
    known = "5a" + "00" * 31  # shared by every record of the fixture
    unknown = "ff" * 32
    reply = g("EVALSHA", shas["count"], 3, GENERAL, SENSITIVE,
              "xborder:baseline:%s:2026" % USCC, 2, known, unknown)
    assert reply == ["7", "0", "10"]
    # append: a replayed record is a DUP; a bad one is refused before writing
    heads = g("HGET", "xborder:heads", CHAIN)
    seq, head = heads.split()
    reply = g.raw("EVALSHA", shas["append"], 5, "xborder:records", "xborder:heads",
                  "xborder:transfers", GENERAL, SENSITIVE, CHAIN, "1", "0" * 64, "a" * 64,
                  "{}", "t", "0")
    assert reply == "DUP 6"
    reply = g.raw("EVALSHA", shas["append"], 5, "xborder:records", "xborder:heads",
                  "xborder:transfers", GENERAL, SENSITIVE, CHAIN, "9", head, "a" * 64,
                  "{}", "t", "0")
    assert reply == "GAP 6"
    # checkpoint: at or below the last checkpoint is a DUP
    reply = g.raw("EVALSHA", shas["checkpoint"], 2, "xborder:checkpoints",
                  "xborder:checkpoint-heads", CHAIN, "6", head, "{}", "b" * 128, "k")
    assert reply == "DUP 6"
    assert g("PING") == "PONG"


# Everything that deletes, trims, renames, expires or reconfigures.
FORBIDDEN = [
    ("DEL", "xborder:records"),
    ("UNLINK", "xborder:records"),
    ("XDEL", "xborder:records", "0-1"),
    ("XTRIM", "xborder:records", "MAXLEN", "0"),
    ("FLUSHALL",),
    ("FLUSHDB",),
    ("SREM", GENERAL, "5a" + "00" * 31),
    ("SPOP", GENERAL),
    ("HDEL", "xborder:heads", CHAIN),
    ("RENAME", "xborder:records", "xborder:gone"),
    ("EXPIRE", "xborder:records", "1"),
    ("SET", "xborder:heads", "x"),
    ("RESTORE", "xborder:x", "0", "x"),
    ("CONFIG", "SET", "appendonly", "no"),
    ("CONFIG", "GET", "*"),
    ("SCRIPT", "FLUSH"),
    ("FUNCTION", "FLUSH"),
    ("ACL", "SETUSER", "xborder-gateway", "+@all"),
    ("DEBUG", "SLEEP", "0"),
    ("SHUTDOWN", "NOSAVE"),
    ("XADD", "other:records", "*", "f", "v"),  # keys outside the prefix
]

# The same from inside a script (a script runs with its caller's rights).
FORBIDDEN_IN_SCRIPT = [
    "redis.call('DEL', KEYS[1])",
    "redis.call('UNLINK', KEYS[1])",
    "redis.call('XTRIM', KEYS[1], 'MAXLEN', 0)",
    "redis.call('XDEL', KEYS[1], '0-1')",
    "redis.call('HDEL', 'xborder:heads', '%s')" % CHAIN,
    "redis.call('SREM', '%s', 'x')" % GENERAL,
    "redis.call('FLUSHALL')",
    "redis.call('EXPIRE', KEYS[1], 1)",
    "redis.call('RENAME', KEYS[1], 'xborder:gone')",
]


@pytest.mark.parametrize("command", FORBIDDEN, ids=lambda c: " ".join(c[:2]))
def test_gateway_cannot(setup, command):
    g = login(setup, "gateway")
    assert denied(g.raw(*command)), command
    a = login(setup, "auditor")
    assert a("XLEN", "xborder:records") == 6
    assert a("HGET", "xborder:heads", CHAIN).startswith("6 ")


@pytest.mark.parametrize("body", FORBIDDEN_IN_SCRIPT)
def test_gateway_cannot_from_a_script(setup, body):
    g = login(setup, "gateway")
    reply = g.raw("EVAL", "return " + body, 1, "xborder:records")
    assert isinstance(reply, RedisError), body
    # Redis 7.0: "The user executing the script can't run this command"
    assert "NOPERM" in str(reply) or "can't run this command" in str(reply), reply
    a = login(setup, "auditor")
    assert a("XLEN", "xborder:records") == 6
    assert a("SCARD", GENERAL) == 7


def test_auditor_reads(setup):
    a = login(setup, "auditor")
    records = a("XRANGE", "xborder:records", "-", "+")
    assert len(records) == 6
    assert a("XREVRANGE", "xborder:records", "+", "-", "COUNT", "1")[0][0] == records[-1][0]
    heads = a("HGETALL", "xborder:heads")
    assert heads[0] == CHAIN and heads[1].startswith("6 ")
    assert a("SCARD", GENERAL) == 7
    assert a("HMGET", "xborder:heads", CHAIN)[0] == heads[1]


def test_auditor_runs_verify_and_report(setup):
    url = setup["server"].url("xborder-auditor", setup["pw"]["auditor"])
    proc = xborder("verify", "--redis", url, "--pubkey", str(setup["keys"] / "signing.pub"))
    assert proc.returncode == 0, proc.out + proc.err
    assert "OK: 6 records in 1 chains verified; 2 checkpoints with valid signatures" in proc.out
    proc = xborder("report", "--redis", url, "--format", "json", "--as-of", "2026-11-30")
    assert proc.returncode == 0, proc.err
    json.loads(proc.out)


AUDITOR_FORBIDDEN = [
    ("XADD", "xborder:records", "*", "f", "v"),
    ("HSET", "xborder:heads", CHAIN, "7 x"),
    ("SADD", GENERAL, "x"),
    ("DEL", "xborder:records"),
    ("XTRIM", "xborder:records", "MAXLEN", "0"),
    ("EVAL", "return 1", "0"),
    ("EVALSHA", "0" * 40, "0"),
    ("SCRIPT", "LOAD", "return 1"),
    ("FLUSHALL",),
    ("CONFIG", "GET", "*"),
    ("XRANGE", "other:records", "-", "+"),  # keys outside the prefix
]


@pytest.mark.parametrize("command", AUDITOR_FORBIDDEN, ids=lambda c: " ".join(c[:2]))
def test_auditor_cannot_write(setup, command):
    a = login(setup, "auditor")
    assert denied(a.raw(*command)), command


def test_known_limit_xadd_maxlen_is_detected_not_prevented(setup):
    """Redis 7.0 ACLs cannot filter arguments: a user allowed XADD can pass
    MAXLEN and trim the stream (and HSET can overwrite a head). The ACL
    cannot prevent that; `xborder verify` detects it (README, Filing). Runs
    on a Redis of its own so the other tests keep their data."""
    tmp = setup["tmp"] / "limit"
    tmp.mkdir()
    server = RedisServer(tmp, "--aclfile", str(setup["tmp"] / "users.acl"))
    try:
        spool = tmp / "spool"
        spool.mkdir()
        write_spool(setup["fixture"], spool, CHAIN, 1, 4)
        gw = server.url("xborder-gateway", setup["pw"]["gateway"])
        assert xborder("spool", "replay", "--redis", gw, str(spool)).returncode == 0
        g = Redis(server.port)
        g("AUTH", "xborder-gateway", setup["pw"]["gateway"])
        g("XADD", "xborder:records", "MAXLEN", "2", "*", "chain", CHAIN, "seq", "5")
        proc = xborder("verify", "--redis",
                       server.url("xborder-auditor", setup["pw"]["auditor"]),
                       "--pubkey", str(setup["keys"] / "signing.pub"))
        assert proc.returncode == 1, proc.out + proc.err
        assert "missing" in proc.out
    finally:
        server.stop()
