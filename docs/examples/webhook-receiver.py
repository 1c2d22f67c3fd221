#!/usr/bin/env python3
# A domainscan webhook receiver: checks the Standard Webhooks signature, then takes the event.
#   WEBHOOK_SECRET=whsec_... python3 webhook-receiver.py   (listens on 127.0.0.1:9000)
import base64, hashlib, hmac, json, os, time
from http.server import BaseHTTPRequestHandler, HTTPServer

KEY = base64.b64decode(os.environ["WEBHOOK_SECRET"].removeprefix("whsec_"))

class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        msg_id, ts = self.headers["webhook-id"], self.headers["webhook-timestamp"]
        mac = hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
        expected = base64.b64encode(mac).decode()
        given = [s.partition(",")[2] for s in self.headers["webhook-signature"].split()]
        if abs(time.time() - int(ts)) > 300 or not any(hmac.compare_digest(g, expected) for g in given):
            self.send_response(401); self.end_headers(); return
        event = json.loads(body)  # at least once: the same event may come twice; dedupe by event["id"]
        print(event["id"], event["type"], event["domain"], json.dumps(event["data"]), flush=True)
        self.send_response(204); self.end_headers()

HTTPServer(("127.0.0.1", 9000), Receiver).serve_forever()
