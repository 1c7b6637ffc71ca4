#!/usr/bin/env python3
# streams.py BASE TOKEN N CONTROL: the held-streams part of `make bench`.
# Makes N 2025-11-25 sessions subscribed to mcp-fcgi://workspace and holds
# each one's GET stream open (one connection each, read as events come).
# Prints "held N" once all are open, then waits for the file CONTROL to
# appear (the caller measures memory and throughput meanwhile); then
# renames the workspace ROUNDS times, one change at a time, and prints
# each stream's delivery latency of each change notice (the time from
# sending the rename to the notice on the stream), one per line in ms,
# after "latencies".  Standard library only.
import asyncio
import json
import os
import sys
import time
from urllib.parse import urlsplit

BASE, TOKEN, N, CONTROL = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ROUNDS = 5
HOST = urlsplit(BASE).hostname
PORT = urlsplit(BASE).port
META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {}}


async def post(body, headers):
    """One POST on its own connection: (status, headers, body)."""
    r, w = await asyncio.open_connection(HOST, PORT)
    data = json.dumps(body).encode()
    h = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    w.write((f"POST /mcp HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
             f"Content-Type: application/json\r\n"
             f"Accept: application/json, text/event-stream\r\n"
             f"Authorization: Bearer {TOKEN}\r\n{h}"
             f"Content-Length: {len(data)}\r\n\r\n").encode() + data)
    raw = await r.read()
    w.close()
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    hd = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip()
          for l in lines[1:] if ":" in l}
    return int(lines[0].split()[1]), hd, rest


async def session():
    st, hd, _ = await post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                            "params": {"protocolVersion": "2025-11-25",
                                       "capabilities": {},
                                       "clientInfo": {"name": "bench",
                                                      "version": "1"}}}, {})
    sid = hd["mcp-session-id"]
    sh = {"Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-11-25"}
    await post({"jsonrpc": "2.0", "method": "notifications/initialized"}, sh)
    st, _, _ = await post({"jsonrpc": "2.0", "id": 2,
                           "method": "resources/subscribe",
                           "params": {"uri": "mcp-fcgi://workspace"}}, sh)
    assert st == 200, st
    return sid


class Stream:
    def __init__(self):
        self.notices = []       # arrival times

    async def open(self, sid):
        self.r, self.w = await asyncio.open_connection(HOST, PORT)
        self.w.write((f"GET /mcp HTTP/1.1\r\nHost: {HOST}\r\n"
                      f"Accept: text/event-stream\r\n"
                      f"Authorization: Bearer {TOKEN}\r\n"
                      f"Mcp-Session-Id: {sid}\r\n"
                      f"MCP-Protocol-Version: 2025-11-25\r\n\r\n").encode())
        status = await self.r.readline()
        assert b" 200 " in status, status
        while (await self.r.readline()) not in (b"\r\n", b""):
            pass

    async def read(self):
        # Chunked transfer: the notices' data lines are found in the bytes.
        while True:
            line = await self.r.readline()
            if not line:
                return
            if b"notifications/resources/updated" in line:
                self.notices.append(time.monotonic())


async def main():
    sids = []
    for i in range(0, N, 50):
        sids += await asyncio.gather(*[session() for _ in range(min(50, N - i))])
    streams = [Stream() for _ in sids]
    for i in range(0, N, 50):
        await asyncio.gather(*[s.open(sid) for s, sid in
                               zip(streams[i:i + 50], sids[i:i + 50])])
    readers = [asyncio.ensure_future(s.read()) for s in streams]
    print(f"held {len(streams)}", flush=True)
    while not os.path.exists(CONTROL):
        await asyncio.sleep(0.2)
    lat = []
    for k in range(ROUNDS):
        await asyncio.sleep(0.5)
        t0 = time.monotonic()
        st, _, _ = await post({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                               "params": {"name": "update_workspace",
                                          "arguments": {"name": f"bench {k}"},
                                          "_meta": META}},
                              {"MCP-Protocol-Version": "2026-07-28",
                               "Mcp-Method": "tools/call",
                               "Mcp-Name": "update_workspace"})
        assert st == 200, st
        deadline = t0 + 5
        while time.monotonic() < deadline and \
                any(len(s.notices) <= k for s in streams):
            await asyncio.sleep(0.005)
        lat += [(s.notices[k] - t0) * 1000 for s in streams
                if len(s.notices) > k]
        missing = sum(len(s.notices) <= k for s in streams)
        if missing:
            print(f"missing {missing}", flush=True)
    print("latencies", flush=True)
    for v in lat:
        print(f"{v:.2f}")
    sys.stdout.flush()
    for r in readers:
        r.cancel()

asyncio.run(main())
