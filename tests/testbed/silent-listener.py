#!/usr/bin/env python3
"""Listens on HOST:PORT... and never reads or writes, over TCP and UDP: the kernel completes
each TCP handshake (up to the backlog) and the peer then waits for an answer that never
comes; UDP datagrams are taken (so no ICMP "port unreachable" tells the sender anything)
and dropped. The scan tests use it to check that every network operation has a timeout,
and the DNS test bed delegates broken-ns.test to it: a name server that never answers.
    silent-listener.py HOST PORT [PORT...]
"""
import socket
import sys
import time

sockets = []
for port in sys.argv[2:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], int(port)))
    s.listen(1024)
    sockets.append(s)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((sys.argv[1], int(port)))
    sockets.append(u)
while True:
    time.sleep(3600)
