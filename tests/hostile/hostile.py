#!/usr/bin/env python3
"""hostile.py: attacks on a running test server (tests/bats/99-hostile.bats),
loopback only, each bounded in count and time.

While an attack runs, a victim (another subject, with its own workspace)
keeps calling echo; every attack then checks the victim's p99 latency,
the responders' RSS (the sum over the mcp.fcgi processes under lighttpd)
and the store's growth (mcp.db plus its -wal; on PostgreSQL the bytes of
its rows), and prints its figures as TAP comments.  Exit status 1 with the failed checks on stderr.

    hostile.py ATTACK     (a .. f, or stall for the bats tests)

Everything else comes from the environment: PORT, STATE (the test
server's directory), LIGHTTPD_PID, ATTACKER (token), VICTIM (token),
VICTIM_ID and VICTIM_SECRET (the victim's client of the built-in
server), HOSTILE_LIGHT=1 for a lighter variant (the sanitizer build),
HOSTILE_RSS_MB (the RSS bound), HOSTILE_SESSION_CAP (the live sessions
one subject may keep, default 100), MCP_TEST_STORE=pg and STORE_URL for
a store in PostgreSQL (tests/bats/helper.bash).
"""
import http.client
import json
import os
import resource
import socket
import struct
import subprocess
import sys
import threading
import time

PORT = int(os.environ.get("PORT", "0"))
STATE = os.environ.get("STATE", "")
PG = os.environ.get("MCP_TEST_STORE") == "pg"
LIGHT = os.environ.get("HOSTILE_LIGHT") == "1"
RSS_MB = int(os.environ.get("HOSTILE_RSS_MB", "256"))
# The victim's p99 bound, every attack.  mod_fcgid makes a request that
# finds every process busy wait about a second for a new one
# (HOSTILE_P99_S, set by the tests behind it).
P99_S = float(os.environ.get("HOSTILE_P99_S", "1.0"))
# Store growth (mcp.db + mcp.db-wal, measured after a checkpoint) allowed
# per attack, outside the audit trail: what the attack may legitimately
# add.  The audit rows (one per authenticated request, the victim's and
# the attacker's, kept audit_retention_days) are printed apart.
STORE_MB = 1.0
# lighttpd's own RSS: request bodies over 64 kB are spooled to files, so
# thousands of connections and stalled uploads stay well under this.
WEB_MB = 64
ACCEPT = "application/json, text/event-stream"
MODERN = "2026-07-28"
FAILED = []


def scale(n, light):
    return light if LIGHT else n


def note(fmt, *a):
    print("# " + (fmt % a if a else fmt), flush=True)


def check(ok, fmt, *a):
    if not ok:
        FAILED.append(fmt % a if a else fmt)
        print("# FAILED: " + (fmt % a if a else fmt), file=sys.stderr,
              flush=True)


# --- HTTP -------------------------------------------------------------

def post(path, body, headers, src="127.0.0.1", timeout=10):
    """One request on its own connection: (status, headers, body)."""
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout,
                                   source_address=(src, 0))
    try:
        if isinstance(body, str):
            body = body.encode()
        c.request("POST", path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), \
            r.read()
    finally:
        c.close()


def mcp_headers(token, extra=None):
    h = {"Content-Type": "application/json", "Accept": ACCEPT}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(extra or {})
    return h


def echo(token, text="hi"):
    meta = {"io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientCapabilities": {}}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"_meta": meta, "name": "echo",
                                  "arguments": {"text": text}}})
    return post("/mcp", body, mcp_headers(token, {
        "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call",
        "Mcp-Name": "echo"}))


def session(token, version="2025-03-26"):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"protocolVersion": version,
                                  "capabilities": {},
                                  "clientInfo": {"name": "h", "version": "1"}}})
    st, h, b = post("/mcp", body, mcp_headers(token))
    if st != 200:
        raise RuntimeError("initialize: %d %r" % (st, b[:200]))
    sid = h["mcp-session-id"]
    post("/mcp", '{"jsonrpc":"2.0","method":"notifications/initialized"}',
         mcp_headers(token, {"Mcp-Session-Id": sid,
                             "MCP-Protocol-Version": version}))
    return sid


def batch_body(n, method="tools/list"):
    return json.dumps([{"jsonrpc": "2.0", "id": i, "method": method}
                       for i in range(n)]).encode()


# --- HTTP/2 with a closed flow-control window ---------------------------

def _hint(v, prefix):
    m = (1 << prefix) - 1
    if v < m:
        return bytes([v])
    out = [m]
    v -= m
    while v >= 128:
        out.append((v & 127) | 128)
        v >>= 7
    return bytes(out + [v])


def _frame(t, flags, sid, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([t, flags]) + \
        struct.pack(">I", sid) + payload


def h2_stalled(path, headers, body, nstreams):
    """An h2c connection (prior knowledge) that announces a window of 0,
    so that lighttpd can send no DATA: each request's answer backs up
    into its responder.  Returns the socket, which is never read."""
    s = socket.create_connection(("127.0.0.1", PORT))
    out = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    out += _frame(4, 0, 0, struct.pack(">HI", 4, 0))
    for i in range(nstreams):
        sid = 1 + 2 * i
        hb = b""
        for k, v in [(":method", "POST"), (":scheme", "http"),
                     (":path", path), (":authority", "127.0.0.1"),
                     ("content-length", str(len(body)))] + headers:
            k, v = k.lower().encode(), v.encode()
            hb += b"\x00" + _hint(len(k), 7) + k + _hint(len(v), 7) + v
        out += _frame(1, 4, sid, hb) + _frame(0, 1, sid, body)
    s.sendall(out)
    return s


def raw_nonreader(request):
    """HTTP/1.1: sends the request, never reads."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", PORT))
    s.sendall(request)
    return s


def raw_request(path, headers, body):
    head = "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % path
    for k, v in headers.items():
        head += "%s: %s\r\n" % (k, v)
    head += "Content-Length: %d\r\n\r\n" % len(body)
    return head.encode() + body


# --- Measurements ---------------------------------------------------------

def responders():
    """Pids of the mcp.fcgi processes under this lighttpd."""
    lp = os.environ.get("LIGHTTPD_PID", "")
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        ppid = st[st.rindex(")") + 2:].split()[1]
        if ppid == lp and b"mcp.fcgi" in cmd:
            pids.append(int(d))
    return pids


def rss_mb(pids=None):
    total = 0
    for p in responders() if pids is None else pids:
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024.0


def pg_sql(q):
    """The rows of query Q on the PostgreSQL store, as lists of text."""
    out = subprocess.run(["psql", "-X", "-q", "-tA", "-F", "|",
                          "-v", "ON_ERROR_STOP=1",
                          "-d", os.environ["STORE_URL"], "-c", q],
                         capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def pg_store_bytes():
    """store_bytes() on PostgreSQL: the bytes of every table's live rows
    (pg_column_size), the audit trail apart.  Rows, not files: what the
    store keeps, not the dead versions VACUUM has not reclaimed yet."""
    tables = [r[0] for r in pg_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    q = " UNION ALL ".join(
        "SELECT '%s', coalesce(sum(pg_column_size(t.*)), 0), count(*) "
        "FROM \"%s\" t" % (t, t) for t in tables)
    n = rows = 0
    for name, size, count in pg_sql(q):
        if name == "audit":
            rows = int(count)
        else:
            n += int(size)
    return n, rows


def checkpoint():
    """Moves the WAL into mcp.db and truncates it, so that sizes compare
    data, not where SQLite happens to keep it; skipped when busy."""
    import sqlite3
    try:
        db = sqlite3.connect(os.path.join(STATE, "mcp.db"), timeout=5)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        db.close()
    except sqlite3.Error:
        pass


AUDIT = ("audit", "audit_ts", "audit_workspace")


def store_bytes():
    """Bytes of the store outside the audit trail, and the audit rows.
    An authenticated request, refused or not, is one audit row by design
    (kept audit_retention_days): those are counted apart, not as growth."""
    import sqlite3
    if PG:
        return pg_store_bytes()
    checkpoint()
    n = 0
    for f in ("mcp.db", "mcp.db-wal"):
        try:
            n += os.path.getsize(os.path.join(STATE, f))
        except OSError:
            pass
    try:
        db = sqlite3.connect(os.path.join(STATE, "mcp.db"), timeout=5)
        q = ",".join("?" * len(AUDIT))
        audit = db.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat "
                           "WHERE name IN (%s)" % q, AUDIT).fetchone()[0]
        rows = db.execute("SELECT count(*) FROM audit").fetchone()[0]
        db.close()
    except sqlite3.Error:
        audit, rows = 0, 0
    return n - audit, rows


class Victim(threading.Thread):
    """Calls echo with its own token, one call at a time, until stopped;
    also samples the responders' RSS."""

    def __init__(self, token):
        super().__init__(daemon=True)
        self.token = token
        self.stop = threading.Event()
        self.lat = []
        self.errors = []
        self.rss = 0.0
        self.web = 0.0

    def run(self):
        while not self.stop.is_set():
            t = time.monotonic()
            try:
                st, _, b = echo(self.token, "victim")
                if st != 200 or b'"victim"' not in b:
                    self.errors.append("%d %r" % (st, b[:120]))
            except Exception as e:  # timeouts, resets
                self.errors.append(repr(e))
            self.lat.append(time.monotonic() - t)
            self.rss = max(self.rss, rss_mb())
            self.web = max(self.web, rss_mb([int(os.environ.get(
                "LIGHTTPD_PID", "0"))]))
            time.sleep(0.02)


class Attack:
    """with Attack("name"): runs the victim meanwhile, then checks and
    prints the victim's latencies, the RSS and the store growth."""

    def __init__(self, name, store_mb):
        self.name = name
        self.store_mb = store_mb

    def __enter__(self):
        self.v = Victim(os.environ["VICTIM"])
        self.db0, self.audit0 = store_bytes()
        self.t0 = time.monotonic()
        self.v.start()
        return self

    def __exit__(self, *exc):
        time.sleep(0.5)
        self.v.stop.set()
        self.v.join()
        lat = sorted(self.v.lat) or [0.0]
        p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
        db1, audit1 = store_bytes()
        grow = (db1 - self.db0) / 1048576.0
        note("%s: %.1f s, victim %d calls, p50 %.3f s, p99 %.3f s, "
             "max %.3f s, %d failed; responders' RSS max %.1f MB "
             "(bound %d), lighttpd's %.1f MB (bound %d); store %+.2f MB "
             "(bound %.1f) besides %d audit rows", self.name,
             time.monotonic() - self.t0, len(self.v.lat), p(0.5), p(0.99),
             lat[-1], len(self.v.errors), self.v.rss, RSS_MB, self.v.web,
             WEB_MB, grow, self.store_mb, audit1 - self.audit0)
        check(len(self.v.lat) >= 5, "%s: the victim made only %d calls",
              self.name, len(self.v.lat))
        check(p(0.99) < P99_S, "%s: victim p99 %.3f s >= %.1f s",
              self.name, p(0.99), P99_S)
        check(not self.v.errors, "%s: victim calls failed: %s", self.name,
              self.v.errors[:3])
        check(self.v.rss < RSS_MB, "%s: responders' RSS %.1f MB >= %d",
              self.name, self.v.rss, RSS_MB)
        check(self.v.web < WEB_MB, "%s: lighttpd's RSS %.1f MB >= %d",
              self.name, self.v.web, WEB_MB)
        check(grow <= self.store_mb, "%s: store grew %.2f MB > %.1f",
              self.name, grow, self.store_mb)
        return False


def parallel(n, fn, *args):
    """Runs fn(i, *args) in n threads; returns their results."""
    res = [None] * n

    def one(i):
        try:
            res[i] = fn(i, *args)
        except Exception as e:
            res[i] = e
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return res


# --- The attacks -------------------------------------------------------------

def attack_a():
    """Batch bombs: 2025-03-26 batches of many tools/list, and batches of
    the largest length allowed, from one subject at once."""
    tok = os.environ["ATTACKER"]
    sid = session(tok)
    hdr = mcp_headers(tok, {"Mcp-Session-Id": sid,
                            "MCP-Protocol-Version": "2025-03-26"})
    big = batch_body(1000)
    full = batch_body(32)
    codes, legal = [], []
    with Attack("(a) batch bombs", STORE_MB):
        deadline = time.monotonic() + scale(8, 5)

        def bomb(i):
            out = []
            while time.monotonic() < deadline:
                st, _, b = post("/mcp", full if i % 2 else big, hdr,
                                timeout=30)
                try:
                    v = json.loads(b)
                    code = v["error"]["code"] if isinstance(v, dict) \
                        else None
                except Exception:
                    code = None
                out.append((i % 2, st, code, len(b)))
            return out
        for r in parallel(6, bomb):
            if not isinstance(r, list):
                r = [(0, repr(r), None, 0)]
            for odd, st, code, n in r:
                (legal if odd else codes).append((st, code, n))
    note("(a) %d batches of 1000 tools/list: statuses %s, largest answer "
         "%d bytes", len(codes), sorted(set(str(s) for s, _, _ in codes)),
         max([n for _, _, n in codes] or [0]))
    note("(a) %d batches of 32 tools/list (the limit): statuses %s, "
         "largest answer %d bytes", len(legal),
         sorted(set(str(s) for s, _, _ in legal)),
         max([n for _, _, n in legal] or [0]))
    check(codes and all(s == 400 and c == -32600 for s, c, _ in codes),
          "(a) a batch of 1000 messages must get 400 / -32600 "
          "(max_batch_messages); got %s", sorted(set(map(str, codes)))[:3])
    check(legal and all(s in (200, 429) for s, _, _ in legal) and
          any(s == 200 for s, _, _ in legal),
          "(a) a batch at the limit must be answered (200, or 429 past "
          "the caller's share); got %s", sorted(set(map(str, legal)))[:3])


def attack_b():
    """Callers that do not read: h2c streams with a closed window and
    HTTP/1.1 connections that never read, asking for large answers."""
    tok = os.environ["ATTACKER"]
    sid = session(tok)
    hdrs = {"Content-Type": "application/json", "Accept": ACCEPT,
            "Authorization": "Bearer " + tok, "Mcp-Session-Id": sid,
            "MCP-Protocol-Version": "2025-03-26"}
    body = batch_body(32)
    log0 = log_count("(write_timeout_seconds)")
    socks = []
    with Attack("(b) non-reading callers", STORE_MB):
        for _ in range(scale(4, 2)):
            socks.append(h2_stalled("/mcp", list(hdrs.items()), body, 8))
        req = raw_request("/mcp", hdrs, batch_body(250))
        for _ in range(scale(8, 4)):
            socks.append(raw_nonreader(req))
        time.sleep(scale(10, 8))
    cut = log_count("(write_timeout_seconds)") - log0
    busy = log_count("Too many requests in flight")
    note("(b) %d connections never read: %d answers cut by the write "
         "timeout, %d requests refused 429 so far", len(socks), cut, busy)
    check(cut > 0, "(b) no answer was cut by write_timeout_seconds")
    check(busy > 0, "(b) the attacker was never refused 429 over its "
          "share of threads")
    for s in socks:
        s.close()


def log_count(text):
    try:
        with open(os.path.join(STATE, "mcp-fcgi.log"), errors="replace") as f:
            return sum(1 for line in f if text in line)
    except OSError:
        return 0


def attack_c():
    """Slow headers (slowloris) and slow bodies."""
    n = scale(1500, 300)
    head = (b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nX-Pad: ")
    socks = []
    with Attack("(c) slow headers and bodies", STORE_MB):
        for _ in range(n):
            try:
                s = socket.create_connection(("127.0.0.1", PORT))
                s.sendall(head[:20])
                socks.append(s)
            except OSError:
                break
        bodies = []
        for _ in range(scale(100, 30)):
            s = socket.create_connection(("127.0.0.1", PORT))
            s.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Type: application/json\r\n"
                      b"Content-Length: 100000\r\n\r\n{")
            bodies.append(s)
        # Trickle: a byte every 2 s on every connection, for 8 s.
        for _ in range(4):
            time.sleep(2)
            for s in socks + bodies:
                try:
                    s.send(b"a")
                except OSError:
                    pass
        # Then one connection goes quiet: lighttpd must close it after
        # max-read-idle (10 s), while the victim still runs.
        quiet = socket.create_connection(("127.0.0.1", PORT))
        quiet.sendall(head[:10])
        for s in socks + bodies:
            s.close()
        t = time.monotonic()
        quiet.settimeout(20)
        try:
            got = quiet.recv(4096)
        except OSError:
            got = None
        waited = time.monotonic() - t
    note("(c) %d trickling header connections, %d trickling bodies; a "
         "silent one closed by lighttpd after %.1f s", len(socks),
         len(bodies), waited)
    check(len(socks) == n, "(c) only %d of %d connections opened",
          len(socks), n)
    check(got is not None and waited < 13, "(c) a connection silent "
          "while sending its headers was kept %.1f s (max-read-idle 10)",
          waited)


def attack_d():
    """Large unauthenticated uploads: Content-Length near
    server.max-request-size, sent in part then stalled, and over it."""
    limit = int(os.environ.get("MAX_REQUEST_KB", "1088")) * 1024
    stalled, over = [], []
    with Attack("(d) large unauthenticated uploads", STORE_MB):
        t = time.monotonic()
        for _ in range(scale(20, 8)):
            s = socket.create_connection(("127.0.0.1", PORT))
            s.sendall(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: %d\r\n\r\n" % (limit - 1)).encode())
            s.sendall(b"[" + b" " * (limit // 2))
            stalled.append(s)
        for _ in range(scale(10, 4)):
            s = socket.create_connection(("127.0.0.1", PORT))
            s.sendall(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: %d\r\n\r\n" % (64 << 20)).encode())
            over.append(s)
        refused = 0
        for s in over:
            s.settimeout(5)
            try:
                refused += s.recv(64).startswith(b"HTTP/1.1 413")
            except OSError:
                pass
        t_over = time.monotonic() - t
        closed = 0
        for s in stalled:
            s.settimeout(max(0.1, 15 - (time.monotonic() - t)))
            try:
                s.recv(4096)
                closed += 1
            except OSError:
                pass
        t_stall = time.monotonic() - t
    note("(d) %d uploads of %d bytes stalled halfway: %d closed by "
         "lighttpd within %.1f s; %d of %d 64 MiB uploads refused 413 "
         "within %.1f s", len(stalled), limit - 1, closed, t_stall,
         refused, len(over), t_over)
    check(refused == len(over), "(d) uploads over max-request-size "
          "not refused 413 at once: %d of %d", refused, len(over))
    check(closed == len(stalled), "(d) stalled uploads not closed by "
          "max-read-idle: %d of %d", closed, len(stalled))
    for s in stalled + over:
        s.close()


def attack_e():
    """Session floods and cancellation floods."""
    tok = os.environ["ATTACKER"]
    per = scale(300, 60)
    made = []
    with Attack("(e) session flood", STORE_MB):
        for r in parallel(4, lambda i: [session(tok, "2025-06-18")
                                        for _ in range(per)]):
            made += r if isinstance(r, list) else []
    live = sessions_of_attacker()
    note("(e) %d sessions created by one subject, %d of them live in "
         "the store", len(made), live)
    cap = int(os.environ.get("HOSTILE_SESSION_CAP", "100"))
    check(live <= cap, "(e) one subject holds %d live sessions, over "
          "%d (a cap per subject must evict the oldest)", live, cap)
    sid = session(tok, "2025-06-18")
    hdr = mcp_headers(tok, {"Mcp-Session-Id": sid,
                            "MCP-Protocol-Version": "2025-06-18"})
    n = scale(300, 80)
    with Attack("(e) cancellation flood", STORE_MB):
        def flood(i):
            for j in range(n // 4):
                rid = "%d-%d-" % (i, j) + "x" * 60000
                post("/mcp", json.dumps({
                    "jsonrpc": "2.0", "method": "notifications/cancelled",
                    "params": {"requestId": rid}}), hdr)
        parallel(4, flood)
    note("(e) %d notifications/cancelled with 60 kB request ids", n)


def sessions_of_attacker():
    import sqlite3
    if PG:
        rows = pg_sql("SELECT count(*) FROM sessions GROUP BY owner "
                      "ORDER BY 1 DESC LIMIT 1")
        return int(rows[0][0]) if rows else 0
    db = sqlite3.connect(os.path.join(STATE, "mcp.db"), timeout=10)
    try:
        # The busiest owner: the attacker's.
        row = db.execute("SELECT count(*) FROM sessions GROUP BY owner "
                         "ORDER BY 1 DESC LIMIT 1").fetchone()
        return row[0] if row else 0
    finally:
        db.close()


def attack_f():
    """Aimed lockout: wrong secrets for the victim's client id from
    127.0.0.2, then the victim asks for a token from 127.0.0.1."""
    vid, vsec = os.environ["VICTIM_ID"], os.environ["VICTIM_SECRET"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = []
    with Attack("(f) aimed lockout", STORE_MB):
        for i in range(20):
            st, _, _ = post("/oauth/token",
                            "grant_type=client_credentials&client_id=%s"
                            "&client_secret=wrong%d" % (vid, i), form,
                            src="127.0.0.2")
            statuses.append(st)
        st, _, b = post("/oauth/token",
                        "grant_type=client_credentials&client_id=%s"
                        "&client_secret=%s" % (vid, vsec), form)
    note("(f) 20 wrong secrets from 127.0.0.2: statuses %s; then the "
         "victim from 127.0.0.1: %d", sorted(set(statuses)), st)
    check(statuses[-1] == 429, "(f) the attacker's address was not "
          "locked out (last status %d)", statuses[-1])
    check(st == 200 and b"access_token" in b, "(f) the victim was "
          "locked out by another address's failures: %d %r", st, b[:160])


def stall():
    """For tests: NSTREAMS requests of a batch of NBATCH tools/list on
    h2c connections with a closed window, held HOLD seconds."""
    tok = os.environ["ATTACKER"]
    sid = session(tok)
    hdrs = [("content-type", "application/json"), ("accept", ACCEPT),
            ("authorization", "Bearer " + tok), ("mcp-session-id", sid),
            ("mcp-protocol-version", "2025-03-26")]
    s = h2_stalled("/mcp", hdrs, batch_body(int(os.environ.get(
        "NBATCH", "32"))), int(os.environ.get("NSTREAMS", "2")))
    time.sleep(float(os.environ.get("HOLD", "5")))
    s.close()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    which = sys.argv[1]
    {"a": attack_a, "b": attack_b, "c": attack_c, "d": attack_d,
     "e": attack_e, "f": attack_f, "stall": stall}[which]()
    for f in FAILED:
        print("FAILED: " + f, file=sys.stderr)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
