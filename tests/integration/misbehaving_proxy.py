#!/usr/bin/env python3
"""A misbehaving HTTP proxy for the integration tests: it stands between asc and asc-sim on
127.0.0.1 and, on the requests a rule targets, misbehaves the way networks and servers do after
(or instead of) passing the request on. Standard library only.

    misbehaving_proxy.py TARGET_URL      prints "proxy listening on http://127.0.0.1:PORT"

Control (not forwarded):
    POST /_proxy/rules   a JSON list of rules, replacing the current ones:
        {"mode": M, "method": "POST", "path": REGEX, "times": 1, "forward": true,
         "delay": SECONDS, "size_mb": MIB}
        A rule matches a request by method and path (re.search); it acts `times` times (0: always).
        `forward`: whether the request reaches the target first (default true).
    GET  /_proxy/log     {"requests": [{"method","path","reused","mode"}]}, oldest first
    POST /_proxy/reset   no rules, empty log

Modes (what the client gets):
    pass         the target's answer
    drop         nothing: the connection is closed
    drop-reused  as drop, but only on a connection that carried an earlier request (a kept-alive
                 connection that dies under a request); on a fresh connection the rule does not act
    late         the target's answer after `delay` seconds (after the client's timeout)
    hold         the request reaches the target only after `delay` seconds (a late request)
    html         200 text/html, a gateway's error page
    redirect     301 to another host
    oversized    200 with the answer followed by `size_mb` MiB of junk
    truncated    the answer's headers and half its body, then the connection is closed
    wrongtypes   the answer's JSON with every string member turned into a number or a list

Every answer's body has the target's origin replaced by the proxy's, so presigned upload and
download URLs lead through the proxy too. Accept-Encoding is not passed on (bodies stay plain).
"""

import http.client
import json
import re
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "accept-encoding",
       "proxy-connection", "te", "upgrade"}


class State:
    def __init__(self, target):
        self.target = urllib.parse.urlsplit(target)
        self.origin = f"{self.target.scheme}://{self.target.netloc}"
        self.me = ""
        self.lock = threading.Lock()
        self.rules = []
        self.log = []

    def pick(self, method, path, reused):
        """The rule that acts on this request (its count taken), or None."""
        with self.lock:
            for rule in self.rules:
                if rule.get("method", method) != method or not re.search(rule.get("path", ""), path):
                    continue
                if rule.get("mode") == "drop-reused" and not reused:
                    continue
                times = rule.get("times", 1)
                if times and rule.get("_used", 0) >= times:
                    continue
                rule["_used"] = rule.get("_used", 0) + 1
                return dict(rule)
        return None


STATE = None


def read_request(rfile):
    """(method, path, headers, body) of the next request, or None at the end of the connection."""
    line = rfile.readline(65537)
    if not line:
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3:
        return None
    method, path, _ = parts
    headers = []
    while True:
        h = rfile.readline(65537)
        if not h or h in (b"\r\n", b"\n"):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    length = 0
    for name, value in headers:
        if name.lower() == "content-length":
            length = int(value)
    body = rfile.read(length) if length else b""
    return method, path, headers, body


def forward(method, path, headers, body):
    t = STATE.target
    conn = http.client.HTTPConnection(t.hostname, t.port, timeout=60)
    try:
        sent = [(n, v) for n, v in headers if n.lower() not in HOP and n.lower() != "host"]
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", t.netloc)
        for n, v in sent:
            conn.putheader(n, v)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        out_headers = [(n, v) for n, v in r.getheaders() if n.lower() not in HOP]
        return r.status, r.reason, out_headers, data
    finally:
        conn.close()


def wrong_types(data):
    try:
        doc = json.loads(data)
    except ValueError:
        return data
    if isinstance(doc, dict):
        for k, v in list(doc.items()):
            if isinstance(v, str):
                doc[k] = int(v) if v.isdigit() else [v]
    return json.dumps(doc).encode()


def response_bytes(status, reason, headers, body, length=None):
    head = f"HTTP/1.1 {status} {reason}\r\n"
    for n, v in headers:
        head += f"{n}: {v}\r\n"
    head += f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    return head.encode("latin-1") + body


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        served = 0
        while True:
            request = read_request(self.rfile)
            if request is None:
                return
            method, path, headers, body = request
            reused = served > 0
            served += 1
            if path.startswith("/_proxy/"):
                self.control(method, path, body)
                continue
            rule = STATE.pick(method, path.split("?")[0], reused)
            mode = rule["mode"] if rule else "pass"
            with STATE.lock:
                STATE.log.append({"method": method, "path": path.split("?")[0], "reused": reused,
                                  "mode": mode})
            if not self.misbehave(rule, mode, method, path, headers, body):
                return

    def misbehave(self, rule, mode, method, path, headers, body):
        """Answers one request; False when the connection is closed."""
        if mode == "hold":
            time.sleep(float(rule.get("delay", 3)))
        answer = None
        if rule is None or rule.get("forward", True):
            try:
                answer = forward(method, path, headers, body)
            except OSError:
                return False
        if mode in ("drop", "drop-reused"):
            return False
        if answer is None:
            answer = (502, "Bad Gateway", [("Content-Type", "text/plain")], b"not forwarded")
        status, reason, out_headers, data = answer
        data = data.replace(STATE.origin.encode(), STATE.me.encode())
        if mode == "late":
            time.sleep(float(rule.get("delay", 3)))
        elif mode == "html":
            status, reason = 200, "OK"
            out_headers = [("Content-Type", "text/html")]
            data = b"<html><body><h1>502 Bad Gateway</h1>The server is busy.</body></html>"
        elif mode == "redirect":
            status, reason = 301, "Moved Permanently"
            out_headers = [("Location", "http://elsewhere.invalid" + path), ("Content-Type", "text/html")]
            data = b"<html>moved</html>"
        elif mode == "oversized":
            data = data + b"x" * (int(rule.get("size_mb", 16)) << 20)
        elif mode == "wrongtypes":
            data = wrong_types(data)
        try:
            if mode == "truncated":
                full = response_bytes(status, reason, out_headers, data, length=len(data) + 64)
                self.wfile.write(full[: len(full) - len(data) // 2 - 1] if data else full[:-1])
                self.wfile.flush()
                return False
            self.wfile.write(response_bytes(status, reason, out_headers, data))
            self.wfile.flush()
        except OSError:
            return False
        return True

    def control(self, method, path, body):
        status, out = 200, {}
        with STATE.lock:
            if path == "/_proxy/rules" and method == "POST":
                STATE.rules = json.loads(body or b"[]")
                out = {"rules": len(STATE.rules)}
            elif path == "/_proxy/log":
                out = {"requests": list(STATE.log)}
            elif path == "/_proxy/reset" and method == "POST":
                STATE.rules, STATE.log = [], []
            else:
                status, out = 404, {"error": "unknown control path"}
        data = json.dumps(out).encode()
        self.wfile.write(response_bytes(status, "OK", [("Content-Type", "application/json")], data))
        self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global STATE
    STATE = State(sys.argv[1])
    server = Server(("127.0.0.1", 0), Handler)
    server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    STATE.me = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"proxy listening on {STATE.me}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
