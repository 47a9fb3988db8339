#!/bin/sh
# run.sh start|stop|status - the local demo of `make run` / `make stop`.
#
# start: Redis on its own port (data and AOF under var/redis), nginx with
#        build/ngx_http_xborder_module.so and the example configuration
#        config/nginx.conf.in (on 127.0.0.1:8080, everything under var/nginx),
#        and the demo "overseas" receiver scripts/demo_receiver.py (on
#        127.0.0.1:8090, log var/receiver/received.log); then prints curl
#        commands showing an allowed, a masked, a watermarked and a blocked
#        transfer. The Makefile builds everything before calling it.
# stop:  stops what start started, by the pid files under var/ only.
#
# Environment: XBORDER_REDIS_PORT (default 6391).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR="$ROOT/var"
NGINX=/usr/sbin/nginx
MODULE="$ROOT/build/ngx_http_xborder_module.so"
REDIS_PORT=${XBORDER_REDIS_PORT:-6391}
GATEWAY=127.0.0.1:8080
RECEIVER_PORT=8090

NGINX_PID="$VAR/nginx/nginx.pid"
REDIS_PID="$VAR/redis/redis.pid"
RECEIVER_PID="$VAR/receiver/receiver.pid"

say() { printf '%s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# alive PIDFILE: the process named in PIDFILE is running
alive() {
    [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# wait_port PORT SECONDS: until something accepts on 127.0.0.1:PORT
wait_port() {
    i=0
    while [ "$i" -lt $(($2 * 10)) ]; do
        if /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.2)" "$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# stop_pid NAME PIDFILE SIGNAL: signal the process, wait for it, forget it
stop_pid() {
    if alive "$2"; then
        pid=$(cat "$2")
        kill -"$3" "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
        say "stopped $1 (pid $pid)"
    fi
    rm -f "$2"
}

start_redis() {
    if alive "$REDIS_PID"; then
        say "redis already running (pid $(cat "$REDIS_PID"))"
        return
    fi
    command -v redis-server >/dev/null || die "redis-server is missing (make deps)"
    mkdir -p "$VAR/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
        --appendonly yes --appendfilename appendonly.aof --appendfsync always \
        --daemonize yes --pidfile "$REDIS_PID" \
        --logfile "$VAR/redis/redis.log" >/dev/null
    wait_port "$REDIS_PORT" 10 || die "redis did not start: see $VAR/redis/redis.log"
    say "redis      127.0.0.1:$REDIS_PORT (AOF, appendfsync always, in var/redis)"
}

start_receiver() {
    if alive "$RECEIVER_PID"; then
        say "receiver already running (pid $(cat "$RECEIVER_PID"))"
        return
    fi
    mkdir -p "$VAR/receiver"
    nohup /usr/bin/python3 "$ROOT/scripts/demo_receiver.py" --port "$RECEIVER_PORT" \
        --log "$VAR/receiver/received.log" \
        >"$VAR/receiver/stdout.log" 2>&1 </dev/null &
    echo $! >"$RECEIVER_PID"
    wait_port "$RECEIVER_PORT" 10 || die "demo receiver did not start: see $VAR/receiver/stdout.log"
    say "receiver   127.0.0.1:$RECEIVER_PORT (what arrives: var/receiver/received.log)"
}

start_nginx() {
    if alive "$NGINX_PID"; then
        say "nginx already running (pid $(cat "$NGINX_PID"))"
        return
    fi
    [ -f "$MODULE" ] || die "$MODULE is missing (make module)"
    mkdir -p "$VAR/nginx/logs" "$VAR/nginx/tmp" "$VAR/keys" "$VAR/spool"
    if [ ! -f "$VAR/keys/watermark.key" ]; then
        "$ROOT/build/xborder" keygen "$VAR/keys" >/dev/null ||
            die "xborder keygen $VAR/keys failed"
    fi
    user=""
    [ "$(id -u)" = 0 ] && user="user root;"
    sed -e "s|@MODULE@|$MODULE|g" -e "s|@ROOT@|$ROOT|g" -e "s|@VAR@|$VAR|g" -e "s|@REDIS_PORT@|$REDIS_PORT|g" \
        -e "s|@USER@|$user|g" "$ROOT/config/nginx.conf.in" >"$VAR/nginx/nginx.conf"
    if ! "$NGINX" -t -q -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" \
            -e "$VAR/nginx/logs/error.log"; then
        die "the generated configuration var/nginx/nginx.conf does not pass nginx -t"
    fi
    "$NGINX" -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/nginx/logs/error.log"
    wait_port 8080 10 || die "nginx did not start: see $VAR/nginx/logs/error.log"
    say "nginx      http://$GATEWAY (config var/nginx/nginx.conf, logs var/nginx/logs)"
}

print_examples() {
    s="$ROOT/config/samples"
    cat <<EOF

Ready. Try these (exporters and API keys are those of config/policy.xml):

# allowed: a sales report without personal data leaves untouched
curl -si http://$GATEWAY/export/reports -H 'Content-Type: application/json' \\
     -H 'X-Api-Key: demo-lumen-7f3a9c' -H 'X-Recipient: eu-hq' \\
     --data-binary @$s/allowed.json

# watermarked: customer records under the EU standard contract (SCC) leave
# with an invisible mark carrying the transfer id
curl -si http://$GATEWAY/export/customers -H 'Content-Type: application/json' \\
     -H 'X-Api-Key: demo-lumen-7f3a9c' -H 'X-Recipient: eu-hq' \\
     --data-binary @$s/watermarked.json

# masked: the owner's ID number is not covered by the US contract, so it
# leaves as 110105********002X (and watermarked: this exporter marks always)
curl -si http://$GATEWAY/export/vehicles -H 'Content-Type: application/json' \\
     -H 'X-Api-Key: demo-mobility-93bb10' -H 'X-Recipient: us-analytics' \\
     --data-binary @$s/masked.json

# blocked: the Singapore contract expired - 451 with the reasons, nothing leaves
curl -si http://$GATEWAY/export/customers -H 'Content-Type: application/json' \\
     -H 'X-Api-Key: demo-lumen-7f3a9c' -H 'X-Recipient: sg-cloud' \\
     --data-binary @$s/blocked.json

# pull export blocked before any byte reaches the overseas client
curl -si http://$GATEWAY/pull/customers \\
     -H 'X-Api-Key: demo-lumen-7f3a9c' -H 'X-Recipient: sg-cloud'

# what arrived overseas, and the gateway's metrics
tail -n 5 $VAR/receiver/received.log
curl -s http://$GATEWAY/xborder/status

# every transfer above was filed (存证) before it went on: verify the hash
# chains, heads and signed checkpoints, then report
$ROOT/build/xborder verify --redis redis://127.0.0.1:$REDIS_PORT --pubkey $VAR/keys/signing.pub
$ROOT/build/xborder report --redis redis://127.0.0.1:$REDIS_PORT --policy $ROOT/config/policy.xml --format html -o $VAR/report.html

Stop everything with: make stop
EOF
}

case "${1:-}" in
start)
    start_redis
    start_receiver
    start_nginx
    print_examples
    ;;
stop)
    stop_pid nginx "$NGINX_PID" QUIT
    stop_pid receiver "$RECEIVER_PID" TERM
    stop_pid redis "$REDIS_PID" TERM
    ;;
status)
    for p in "nginx:$NGINX_PID" "receiver:$RECEIVER_PID" "redis:$REDIS_PID"; do
        name=${p%%:*}
        file=${p#*:}
        if alive "$file"; then say "$name running (pid $(cat "$file"))"; else say "$name stopped"; fi
    done
    ;;
*)
    die "usage: run.sh start|stop|status"
    ;;
esac
