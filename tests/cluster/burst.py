#!/usr/bin/env python3
"""burst.py URL TOKEN ENV WORKERS COUNT OUT: WORKERS clients, each on a
kept-alive connection of its own, make COUNT organizations each in
environment ENV with tools/call create_organization (2026-07-28), one
after the other, as fast as they are answered.  Each answer is one line of
OUT.<worker>: the time it came (ns since the epoch), the HTTP status (000
when the connection broke: the request may or may not have been done),
the host that answered (X-Host, else -) and the id of an organization
the answer acknowledged (else -).  Clients keep a request in flight
nearly all the time, so that a host killed mid-burst is killed with
requests on it."""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url, token, env, workers, count, out = sys.argv[1:7]
u = urllib.parse.urlsplit(url)
META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {}}
HEADERS = {"Content-Type": "application/json",
           "Accept": "application/json, text/event-stream",
           "Authorization": "Bearer " + token,
           "MCP-Protocol-Version": "2026-07-28",
           "Mcp-Method": "tools/call", "Mcp-Name": "create_organization"}


def worker(w):
    conn = None
    with open("%s.%d" % (out, w), "w", buffering=1) as f:
        for j in range(int(count)):
            body = json.dumps({"jsonrpc": "2.0", "id": j, "method":
                               "tools/call", "params": {
                                   "_meta": META,
                                   "name": "create_organization",
                                   "arguments": {"environment_id": env,
                                                 "name": "b-%d-%d" % (w, j)}}})
            st, host, oid = "000", "-", "-"
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(u.hostname, u.port,
                                                      timeout=10)
                conn.request("POST", u.path, body=body, headers=HEADERS)
                r = conn.getresponse()
                data = r.read()
                st, host = "%03d" % r.status, r.getheader("X-Host", "-")
                if r.status == 200:
                    a = json.loads(data)
                    res = a.get("result", {})
                    if not res.get("isError"):
                        oid = res.get("structuredContent", {}).get("id", "-")
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException, ValueError):
                if conn is not None:
                    conn.close()
                conn = None
            f.write("%d %s %s %s\n" % (time.time_ns(), st, host, oid))


ts = [threading.Thread(target=worker, args=(w,))
      for w in range(1, int(workers) + 1)]
for t in ts:
    t.start()
for t in ts:
    t.join()
