#!/bin/bash
# bench-filing.sh - what filing to Redis costs (issue 5), part of `make bench`.
#
# Two gateways, identical but for filing, each one nginx worker pinned to
# core 0 (Redis, wrk and the upstream on core 1), the same body, in
# alternated rounds:
#   nofile   the module inspects and decides, no filing
#   filing   the same plus xborder_spool/xborder_redis: every transfer's
#            record is committed to Redis (AOF, appendfsync always: what
#            `make run` uses) before it goes on, and its individuals counted
# The body is a small JSON export of two customers (mobile numbers: PI, so
# every transfer also asks Redis for the year-to-date counts).
#
# Printed, also as `bench <name> <value> <unit>` lines:
#   filing_cpu_us_per_transfer     worker CPU per transfer, filing - nofile
#   filing_redis_cpu_us_per_transfer  Redis CPU per transfer
#   filing_latency_us_per_transfer mean latency, one client, filing - nofile
#   filing_records_per_sec         transfers (= records) per second at
#                                  saturation with filing, one worker core
# Environment: XB_BENCH_FILING_SECONDS (default 5) per run, XB_BENCH_ROUNDS
# (default 3); the median of the rounds is reported. XB_BENCH_FSYNC=everysec
# measures Redis with appendfsync everysec instead of always;
# XB_BENCH_PERF=FILE records a `perf record -g` profile of the filing worker.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_RUN=${XB_BENCH_FILING_SECONDS:-5}
ROUNDS=${XB_BENCH_ROUNDS:-3}

for bin in wrk redis-server nginx; do
    command -v "$bin" >/dev/null || { echo "bench-filing: $bin missing (make deps; apt-get install wrk)" >&2; exit 1; }
done

make -s -C "$ROOT" build/libxborder.a build/xborder
bash "$ROOT/scripts/build-module.sh" >/dev/null

exec /usr/bin/python3 - "$ROOT" "$SECONDS_PER_RUN" "$ROUNDS" <<'EOF'
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT, SECS, ROUNDS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
TICK = os.sysconf("SC_CLK_TCK")
FSYNC = os.environ.get("XB_BENCH_FSYNC", "always")
USER = "user root;" if os.geteuid() == 0 else ""
work = tempfile.mkdtemp(prefix="xb-bench-filing-")
procs = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("bench-filing: nothing listens on %d" % port)


def cpu_ticks(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    if not os.environ.get("XB_BENCH_DEBUG"):
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept", work)


try:
    subprocess.run([os.path.join(ROOT, "build", "xborder"), "keygen",
                    os.path.join(work, "keys")], check=True, capture_output=True)
    rport = free_port()
    rdir = os.path.join(work, "redis")
    os.makedirs(rdir)
    redis = subprocess.Popen(["taskset", "-c", "1", "redis-server", "--port", str(rport),
                              "--bind", "127.0.0.1", "--dir", rdir, "--save", "",
                              "--appendonly", "yes", "--appendfsync", FSYNC],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(redis)
    wait_port(rport)

    up_port = free_port()
    upstream = os.path.join(work, "upstream")
    os.makedirs(os.path.join(upstream, "logs"))
    with open(os.path.join(upstream, "nginx.conf"), "w") as f:
        f.write("""daemon off; master_process off; worker_processes 1;
pid %s/nginx.pid; error_log %s/error.log error;
events { worker_connections 1024; }
http { access_log off;
  server { listen 127.0.0.1:%d; client_body_buffer_size 64k;
    location / { return 200 "{\\"ok\\":true}"; } } }
""" % (upstream, upstream, up_port))
    procs.append(subprocess.Popen(["taskset", "-c", "1", "nginx", "-p", upstream, "-c",
                                   os.path.join(upstream, "nginx.conf")]))
    wait_port(up_port)

    def gateway(name, filing):
        d = os.path.join(work, name)
        os.makedirs(os.path.join(d, "logs"))
        os.makedirs(os.path.join(d, "spool"))
        port = free_port()
        extra = ""
        if filing:
            extra = """
  xborder_spool %s/spool;
  xborder_redis 127.0.0.1:%d;
  xborder_node_id bench;
  xborder_signing_key %s/keys/signing.key;
""" % (d, rport, work)
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write("""load_module %s/build/ngx_http_xborder_module.so;
%s
daemon off; worker_processes 1; worker_cpu_affinity 0001;
pid %s/nginx.pid; error_log %s/error.log warn;
thread_pool default threads=4;
events { worker_connections 1024; }
http { access_log off;
  xborder_rules %s/rules/catalogs;
  xborder_policy %s/config/policy.xml;
  xborder_watermark_key %s/keys/watermark.key;
  %s
  upstream up { server 127.0.0.1:%d; keepalive 32; }
  server { listen 127.0.0.1:%d;
    location / {
      xborder on;
      xborder_exporter demo-mobility-93bb10;
      xborder_recipient us-analytics;
      xborder_destination_country US;
      proxy_pass http://up; proxy_http_version 1.1;
      proxy_set_header Connection ""; } } }
""" % (ROOT, USER, d, d, ROOT, ROOT, work, extra, up_port, port))
        p = subprocess.Popen(["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf")])
        procs.append(p)
        wait_port(port)
        time.sleep(0.5)
        out = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True)
        worker = int(out.stdout.split()[0])
        return port, worker

    ports = {"nofile": gateway("nofile", False), "filing": gateway("filing", True)}

    body = json.dumps({"customers": [
        {"name": "张伟", "mobile": "13800138000", "city": "上海"},
        {"name": "李娜", "mobile": "13912345678", "city": "北京"}]}, ensure_ascii=False)
    lua = os.path.join(work, "post.lua")
    with open(os.path.join(work, "body.json"), "wb") as f:
        f.write(body.encode())
    with open(lua, "w") as f:
        f.write('local f = io.open("%s/body.json", "rb")\n'
                'wrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\n'
                'wrk.headers["Content-Type"] = "application/json"\n' % work)

    def run(name, conns, secs):
        port, worker = ports[name]
        w0, r0 = cpu_ticks(worker), cpu_ticks(redis.pid)
        out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", "-c%d" % conns,
                              "-d%ds" % secs, "-s", lua, "--latency",
                              "http://127.0.0.1:%d/export" % port],
                             capture_output=True, text=True, check=True).stdout
        w1, r1 = cpu_ticks(worker), cpu_ticks(redis.pid)
        n = int(re.search(r"(\d+) requests in", out).group(1))
        if "Non-2xx" in out:
            sys.exit("bench-filing: %s answered non-2xx:\n%s" % (name, out))
        lat = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
        mult = {"us": 1, "ms": 1000, "s": 1000000}[lat.group(2)]
        return {"n": n, "rps": n / secs, "cpu_us": (w1 - w0) * 1e6 / TICK / max(n, 1),
                "redis_us": (r1 - r0) * 1e6 / TICK / max(n, 1),
                "lat_us": float(lat.group(1)) * mult}

    if os.environ.get("XB_BENCH_PERF"):
        perf = subprocess.Popen(["perf", "record", "-g", "-o", os.environ["XB_BENCH_PERF"], "-p", str(ports["filing"][1]), "--", "sleep", "4"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run("filing", 16, 4)
        perf.wait()
    for name in ports:          # warm up
        run(name, 8, 1)

    sat = {"nofile": [], "filing": []}
    one = {"nofile": [], "filing": []}
    for _ in range(ROUNDS):
        for name in ("nofile", "filing"):
            sat[name].append(run(name, 16, SECS))
        for name in ("nofile", "filing"):
            one[name].append(run(name, 1, max(2, SECS // 2)))

    med = lambda rows, k: statistics.median(r[k] for r in rows)
    cpu_add = med(sat["filing"], "cpu_us") - med(sat["nofile"], "cpu_us")
    lat_add = med(one["filing"], "lat_us") - med(one["nofile"], "lat_us")
    print("filing (Redis appendfsync %s): worker CPU/transfer" % FSYNC
          + " %.1f us without, %.1f us with filing; "
          "mean latency (1 client) %.0f us without, %.0f us with"
          % (med(sat["nofile"], "cpu_us"), med(sat["filing"], "cpu_us"),
             med(one["nofile"], "lat_us"), med(one["filing"], "lat_us")))
    print("bench filing_cpu_us_per_transfer %.1f us" % cpu_add)
    print("bench filing_redis_cpu_us_per_transfer %.1f us" % med(sat["filing"], "redis_us"))
    print("bench filing_latency_us_per_transfer %.0f us" % lat_add)
    print("bench filing_records_per_sec %.0f records/s" % med(sat["filing"], "rps"))
    print("bench filing_nofile_rps %.0f req/s" % med(sat["nofile"], "rps"))
    if os.environ.get("XB_BENCH_DEBUG"):
        print(subprocess.run(["redis-cli", "-p", str(rport), "XLEN", "xborder:records"],
                             capture_output=True, text=True).stdout)
        print(open(os.path.join(work, "filing", "error.log")).read()[-3000:])
        print(open(lua).read())
        print(subprocess.run(["curl", "-s", "-i", "-H", "Content-Type: application/json",
                              "--data-binary", "@" + os.path.join(work, "body.json"),
                              "http://127.0.0.1:%d/export" % ports["filing"][0]],
                             capture_output=True, text=True).stdout)
finally:
    cleanup()
EOF
