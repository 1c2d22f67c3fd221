#!/usr/bin/env python3
"""Prints a TCP port that is free on 127.0.0.1 right now (the OS picks it).

A port is only free until someone binds it, and the servers of the test bed start side by
side (RabbitMQ binds its ports seconds after they were picked): the OS can hand the same
port to a second caller meanwhile, and RabbitMQ boots without a listener it cannot bind.
With DOMAINSCAN_PORTS_LEDGER set (tests/run-all.sh sets it), the ports handed out are
written to that file, under a lock, and never handed out twice.
"""
import fcntl
import os
import socket


def pick(taken):
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port
    raise SystemExit("free-port.py: no port left that was not handed out already")


ledger = os.environ.get("DOMAINSCAN_PORTS_LEDGER")
if not ledger:
    print(pick(set()))
else:
    with open(ledger, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        taken = {int(line) for line in f if line.strip()}
        port = pick(taken)
        f.write(f"{port}\n")
        f.flush()
    print(port)
