#!/usr/bin/python3
"""demo_receiver.py - the demo "overseas" party of `make run`.

It stands for the recipients abroad that the gateway protects data from:

  POST/PUT anything   push exports arriving through the gateway; every
                      request is logged with its transfer id, size and the
                      start of its body, so that you can see masked values
                      and watermarks (zero-width characters, shown as <ZW>)
                      exactly as they arrived
  GET /pull/NAME      a domestic API the overseas party pulls from through
                      the gateway (xborder_inspect response): "customers"
                      carries personal information, "inventory" does not

Usage: demo_receiver.py [--host 127.0.0.1] [--port 8090] [--log FILE]
Standard library only.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

PULL = {
    "customers": {
        "customers": [
            {"customerNo": "LM-20031", "name": "李华", "idNo": "11010519491231002X",
             "mobile": "13800138000",
             "note": "Long-standing member, asked for invoices by post"},
            {"customerNo": "LM-20032", "name": "赵敏", "idNo": "440524188001010014",
             "mobile": "13912345678",
             "note": "Prefers phone contact in the afternoon"},
        ]
    },
    "inventory": {
        "warehouse": "SH-03",
        "items": [{"sku": "A-100", "qty": 42}, {"sku": "B-220", "qty": 7}],
    },
}


def visible(text):
    """Body text with the watermark's invisible characters made visible."""
    for ch in ZERO_WIDTH:
        text = text.replace(ch, "<ZW>")
    return text


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xborder-demo-receiver/1"
    lock = threading.Lock()
    log_file = None
    count = 0

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _record(self, body):
        text = body.decode("utf-8", errors="replace")
        marks = sum(text.count(ch) for ch in ZERO_WIDTH)
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "method": self.command,
            "path": self.path,
            "transfer_id": self.headers.get("X-Xborder-Transfer-Id"),
            "content_type": self.headers.get("Content-Type"),
            "bytes": len(body),
            "watermark_chars": marks,
            "body": visible(text[:600]) + ("..." if len(text) > 600 else ""),
        }
        line = json.dumps(entry, ensure_ascii=False)
        with Receiver.lock:
            Receiver.count += 1
            print(line, flush=True)
            if Receiver.log_file:
                Receiver.log_file.write(line + "\n")
                Receiver.log_file.flush()
        return entry

    def _send(self, status, obj):
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self):
        name = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        if self.path.startswith("/pull/") and name in PULL:
            self._record(b"")
            self._send(200, PULL[name])
        else:
            self._send(404, {"error": "not found", "pull": sorted(PULL)})

    do_HEAD = do_GET

    def do_POST(self):
        entry = self._record(self._body())
        self._send(200, {"received": entry["bytes"], "transfer_id": entry["transfer_id"],
                         "watermark_chars": entry["watermark_chars"]})

    do_PUT = do_PATCH = do_POST


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--log", help="append one JSON line per request to this file")
    args = ap.parse_args()
    if args.log:
        Receiver.log_file = open(args.log, "a", encoding="utf-8")
    server = ThreadingHTTPServer((args.host, args.port), Receiver)
    server.daemon_threads = True
    print("demo receiver listening on http://%s:%d" % (args.host, args.port), file=sys.stderr,
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
