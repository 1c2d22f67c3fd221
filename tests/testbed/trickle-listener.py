#!/usr/bin/env python3
"""Listens on HOST:PORT... and answers every connection one byte a second, for ever: on
port 80 an HTTP response that never ends its header, on any other port (443) bytes that
never make a TLS record. The scan tests use it to check that a slow server costs one
timeout, not one per byte. Bounded: at most 200 connections are served at a time.
    trickle-listener.py HOST PORT [PORT...]
"""
import socket
import sys
import threading
import time

HTTP = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100000
TLS = b"\x16\x03\x03\xff\xff" + b"\x00" * 100000
slots = threading.BoundedSemaphore(200)


def trickle(conn, payload):
    try:
        conn.settimeout(5)
        try:
            conn.recv(4096)  # the request, or the TLS ClientHello
        except OSError:
            pass
        for i in range(len(payload)):
            conn.sendall(payload[i:i + 1])
            time.sleep(1)
    except OSError:
        pass  # the client gave up, as it should
    finally:
        conn.close()
        slots.release()


def serve(listener, payload):
    while True:
        conn, _ = listener.accept()
        if not slots.acquire(blocking=False):
            conn.close()
            continue
        threading.Thread(target=trickle, args=(conn, payload), daemon=True).start()


for port in sys.argv[2:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], int(port)))
    s.listen(128)
    threading.Thread(target=serve, args=(s, HTTP if port == "80" else TLS), daemon=True).start()
while True:
    time.sleep(3600)
