#!/usr/bin/env python3
"""A DNS forwarder on loopback that answers every query after a fixed delay.

The fault tests point workers at it so that each scan takes a known, non-trivial time and a
fault (a killed worker, a stopped broker or database) lands in the middle of a run.
    slow-dns.py LISTEN_PORT UPSTREAM_HOST:PORT DELAY_SECONDS
"""
import asyncio
import sys


class Upstream(asyncio.DatagramProtocol):
    """One query's trip to the upstream resolver; the answer goes back to the client."""

    def __init__(self, server, client, query):
        self.server, self.client, self.query = server, client, query

    def connection_made(self, transport):
        self.transport = transport
        transport.sendto(self.query)
        # A lost query is not retried: the client's own timeout deals with it.
        asyncio.get_running_loop().call_later(10, transport.close)

    def datagram_received(self, data, addr):
        self.server.sendto(data, self.client)
        self.transport.close()


class Slow(asyncio.DatagramProtocol):
    def __init__(self, upstream, delay):
        self.upstream, self.delay = upstream, delay

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        loop = asyncio.get_running_loop()
        loop.call_later(self.delay, lambda: loop.create_task(self.forward(data, addr)))

    async def forward(self, data, addr):
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: Upstream(self.transport, addr, data), remote_addr=self.upstream)


async def main():
    port, upstream, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    host, upstream_port = upstream.rsplit(":", 1)
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: Slow((host, int(upstream_port)), delay),
                                        local_addr=("127.0.0.1", port))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
