"""Configuration-time behaviour of the module: `nginx -t` refuses a bad
catalog or policy with the file and line of the problem and the directive
that loaded it, and refuses inconsistent directives."""
import os
import re
import shutil

import pytest

from xb_nginx import CATALOGS, DATA, POLICY, ROOT, Nginx

BAD_CATALOGS = os.path.join(ROOT, "tests", "data", "catalogs", "bad")


def conf(rules=CATALOGS, policy=POLICY, key=os.path.join(DATA, "watermark.key"),
         location="xborder on;"):
    key_line = "xborder_watermark_key %s;" % key if key else ""
    return """
    xborder_rules %s;
    xborder_policy %s;
    %s
    server {
        listen 127.0.0.1:1;
        location / {
            %s
            xborder_exporter $http_x_api_key;
            proxy_pass http://127.0.0.1:2;
        }
    }
""" % (rules, policy, key_line, location)


def nginx_t(tmp_path, http):
    return Nginx(tmp_path, http).test_config()


def conf_line(tmp_path, directive):
    with open(os.path.join(str(tmp_path), "nginx.conf")) as f:
        for n, line in enumerate(f, 1):
            if line.strip().startswith(directive + " "):
                return n
    raise AssertionError(directive)


def test_good_configuration_passes(tmp_path):
    rc, err = nginx_t(tmp_path, conf())
    assert rc == 0, err
    assert "test is successful" in err


def test_bad_catalog_names_file_line_and_directive(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(CATALOGS, str(rules))
    shutil.copy(os.path.join(BAD_CATALOGS, "bad-regex.xml"), str(rules / "zz-bad-regex.xml"))
    rc, err = nginx_t(tmp_path / "ng", conf(rules=str(rules)))
    assert rc != 0
    m = re.search(r"\[emerg\] xborder_rules: (\S+zz-bad-regex\.xml):(\d+): (.*) in (\S+nginx\.conf):(\d+)", err)
    assert m, err
    assert int(m.group(2)) == 14                     # the <pattern> line
    assert "does not compile" in m.group(3)
    assert int(m.group(5)) == conf_line(tmp_path / "ng", "xborder_rules")


def test_malformed_catalog(tmp_path):
    bad = os.path.join(BAD_CATALOGS, "malformed.xml")
    rc, err = nginx_t(tmp_path, conf(rules=bad))
    assert rc != 0
    assert re.search(r"xborder_rules: \S+malformed\.xml:\d+: ", err), err


def test_bad_policy_names_file_line_and_directive(tmp_path):
    with open(POLICY) as f:
        text = f.read()
    # an invalid unified social credit code on a known line
    text = text.replace("91440300MA5F00005N", "91440300MA5F00005X")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if "91440300MA5F00005X" in l)
    bad = tmp_path / "policy.xml"
    bad.write_text(text)
    rc, err = nginx_t(tmp_path / "ng", conf(policy=str(bad)))
    assert rc != 0
    m = re.search(r"\[emerg\] xborder_policy: (\S+policy\.xml):(\d+): (.*) in (\S+nginx\.conf):(\d+)", err)
    assert m, err
    assert int(m.group(2)) == line
    assert int(m.group(5)) == conf_line(tmp_path / "ng", "xborder_policy")


def test_malformed_policy(tmp_path):
    bad = tmp_path / "policy.xml"
    bad.write_text('<?xml version="1.0"?>\n<policy format-version="1" version="x">\n<exporters>\n</policy>\n')
    rc, err = nginx_t(tmp_path / "ng", conf(policy=str(bad)))
    assert rc != 0
    assert re.search(r"xborder_policy: \S+policy\.xml:\d+: ", err), err


def test_missing_policy_file(tmp_path):
    rc, err = nginx_t(tmp_path, conf(policy=str(tmp_path / "nope.xml")))
    assert rc != 0
    assert "xborder_policy" in err and "nope.xml" in err


def test_watermarking_policy_needs_a_key(tmp_path):
    rc, err = nginx_t(tmp_path, conf(key=None))
    assert rc != 0
    assert "xborder_watermark_key" in err


def test_short_watermark_key(tmp_path):
    key = tmp_path / "short.key"
    key.write_text("too-short\n")
    rc, err = nginx_t(tmp_path / "ng", conf(key=str(key)))
    assert rc != 0
    assert "at least 16" in err


def test_inspection_without_rules(tmp_path):
    http = """
    xborder_policy %s;
    server { listen 127.0.0.1:1; location / { xborder on; } }
""" % POLICY
    rc, err = nginx_t(tmp_path, http)
    assert rc != 0
    assert '"xborder_rules" is not set' in err


@pytest.mark.parametrize("directive,message", [
    ("xborder_block_status 500;", "must be 451 or 403"),
    ("xborder_mode audit;", "invalid value"),
    ("xborder_inspect nothing;", "invalid value"),
    ("xborder_oversize maybe;", "invalid value"),
])
def test_invalid_directive_values(tmp_path, directive, message):
    rc, err = nginx_t(tmp_path, conf(location="xborder on; " + directive))
    assert rc != 0
    assert message in err
