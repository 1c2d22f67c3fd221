#!/usr/bin/env python3
"""A webhook receiver for the tests, written apart from domainscan's code: it verifies each
delivery's Standard Webhooks signature with Python's own hmac, and records what it got.
    webhook-receiver.py HOST PORT DIR
DIR/secret    the webhook's secret (whsec_...), read at each request (the test writes it
              once the webhook exists)
DIR/answers   optional: status codes to answer, one a line, used up in order; then 200
DIR/received  one JSON line a request: {"id", "timestamp", "signature", "valid", "body",
              "answered", "content_type"}
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

host, port, state = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def read(name, default=""):
    try:
        with open(os.path.join(state, name)) as f:
            return f.read()
    except FileNotFoundError:
        return default


def verify(secret, msg_id, timestamp, body, signatures):
    """Standard Webhooks: HMAC-SHA256 over id.timestamp.body, keyed with the base64-decoded
    secret; the header lists space-separated "v1,<base64>" signatures; the timestamp must be
    within five minutes."""
    if not secret.startswith("whsec_") or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > 300:
        return False
    key = base64.b64decode(secret[len("whsec_"):])
    expected = base64.b64encode(
        hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    for sig in signatures.split(" "):
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        answers = read("answers").split()
        status = 200
        if answers:
            status = int(answers[0])
            with open(os.path.join(state, "answers"), "w") as f:
                f.write("\n".join(answers[1:]))
        record = {
            "id": self.headers.get("webhook-id"),
            "timestamp": self.headers.get("webhook-timestamp"),
            "signature": self.headers.get("webhook-signature"),
            "content_type": self.headers.get("content-type"),
            "valid": verify(read("secret").strip(), self.headers.get("webhook-id", ""),
                            self.headers.get("webhook-timestamp", ""), body,
                            self.headers.get("webhook-signature", "")),
            "body": body.decode("utf-8", "replace"),
            "answered": status,
        }
        with open(os.path.join(state, "received"), "a") as f:
            f.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer((host, port), Handler).serve_forever()
