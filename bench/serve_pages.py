#!/usr/bin/env python3
# Copied unchanged from the team's shared bench-kit (shared/bench-kit/serve.py) so the benchmarks run from a clone alone.
"""Loopback-only static page server for the peer benchmarks.

- Serves DIR/page-NNNN.html on 127.0.0.1:PORT (never binds another address).
- Sends ETag (content hash) and Last-Modified (file mtime) headers.
- Answers conditional GETs (If-None-Match / If-Modified-Since) with 304, unless
  --no-conditional is given (then it always sends 200 with the full body).
  --no-etag: send no ETag (Last-Modified only, like many CMS/static setups).
  --post-status CODE: answer POSTs with CODE (e.g. 500 to play a failing notification endpoint).
- Accepts POST on any path (used as a notification sink: Slack-style webhook or
  apprise json://) and answers 200.
- Appends one TSV line per request to LOG:
  epoch  method  path  status  bytes  if-none-match  if-modified-since  user-agent

Usage: serve.py DIR PORT LOG [--no-conditional] [--no-etag] [--post-status CODE]
"""
import email.utils
import hashlib
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]
CONDITIONAL = "--no-conditional" not in sys.argv
SEND_ETAG = "--no-etag" not in sys.argv
POST_STATUS = int(sys.argv[sys.argv.index("--post-status") + 1]) if "--post-status" in sys.argv else 200
_lock = threading.Lock()
_cache = {}  # path -> (mtime_ns, body, etag)
_log = open(LOG, "a", buffering=1)


def load(name):
    p = os.path.join(DIR, name)
    st = os.stat(p)
    c = _cache.get(name)
    if c and c[0] == st.st_mtime_ns:
        return c[1], c[2], st.st_mtime
    with open(p, "rb") as fh:
        body = fh.read()
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    _cache[name] = (st.st_mtime_ns, body, etag)
    return body, etag, st.st_mtime


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _log(self, status, n):
        h = self.headers
        with _lock:
            _log.write("\t".join([f"{time.time():.3f}", self.command, self.path, str(status), str(n),
                                  h.get("If-None-Match", "-"), h.get("If-Modified-Since", "-"),
                                  (h.get("User-Agent", "-") or "-")[:60]]) + "\n")

    def do_GET(self):
        name = self.path.split("?", 1)[0].lstrip("/")
        if "/" in name or not name:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
            self._log(404, 0); return
        try:
            body, etag, mtime = load(name)
        except FileNotFoundError:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
            self._log(404, 0); return
        lm = email.utils.formatdate(mtime, usegmt=True)
        if CONDITIONAL:
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            not_modified = False
            if inm is not None and SEND_ETAG:
                not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            elif ims:
                try:
                    not_modified = int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
                except (TypeError, ValueError):
                    not_modified = False
            if not_modified:
                self.send_response(304)
                if SEND_ETAG:
                    self.send_header("ETag", etag)
                self.send_header("Last-Modified", lm)
                self.end_headers()
                self._log(304, 0); return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if SEND_ETAG:
            self.send_header("ETag", etag)
        self.send_header("Last-Modified", lm)
        self.end_headers()
        self.wfile.write(body)
        self._log(200, len(body))

    def do_HEAD(self):
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers(); self._log(200, 0)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        self.rfile.read(n)
        self.send_response(POST_STATUS); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
        self._log(POST_STATUS, n)


if __name__ == "__main__":
    ThreadingHTTPServer.request_queue_size = 128  # a backlog of 5 drops SYNs under parallel clients
    srv = ThreadingHTTPServer(("127.0.0.1", PORT), H)
    srv.daemon_threads = True
    srv.serve_forever()
