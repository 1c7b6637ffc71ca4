#!/usr/bin/env bats
# What a caller can make the store keep is bounded (lib/store.h): sessions
# per token subject, the capabilities a session keeps, cancellations, and
# requests refused before authentication, which are counted rather than
# kept one row each.

load helper

setup_file() { start_server; }
teardown_file() { stop_server; }

setup() { URL=$BASE/mcp; }

db() { store_sql "$1"; }

# owner_rows SID: how many sessions the owner of session SID holds.
owner_rows() {
	db "SELECT count(*) FROM sessions WHERE owner = (SELECT owner FROM sessions WHERE id = '$1')"
}

# flood N BODY...: N POSTs of each BODY over one connection (python, so
# that a thousand requests take a second, not a thousand processes);
# prints the HTTP statuses seen, sorted and counted.
flood() {
	python3 - "$URL" "$TOKEN" "$SID" "$@" <<-'PY'
	import collections, http.client, sys, urllib.parse
	url, token, sid, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
	bodies = sys.argv[5:]
	u = urllib.parse.urlsplit(url)
	c = http.client.HTTPConnection(u.hostname, u.port)
	seen = collections.Counter()
	h = {"Content-Type": "application/json",
	    "Accept": "application/json, text/event-stream",
	    "MCP-Protocol-Version": "2025-11-25"}
	if token:
	    h["Authorization"] = "Bearer " + token
	if sid:
	    h["Mcp-Session-Id"] = sid
	for i in range(n):
	    for b in bodies:
	        c.request("POST", u.path, b.replace("@I@", str(i)), h)
	        r = c.getresponse()
	        r.read()
	        seen[r.status] += 1
	print(" ".join("%d:%d" % kv for kv in sorted(seen.items())))
	PY
}

@test "sessions per subject: past max_sessions_per_subject the least recently used is evicted (404 -32001)" {
	TOKEN=$(token_for "wks:read")
	init_session 2025-11-25
	first=$SID
	for i in $(seq 2 40); do
		init_session 2025-11-25
		[ "$(owner_rows "$SID")" -le 32 ]
	done
	[ "$(owner_rows "$SID")" = 32 ]
	# The first one was the least recently used: gone, like an unknown one.
	SID=$first spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"ping"}'
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32001 and .error.message == "Session not found"'
	# The newest still works.
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"ping"}'
	[ "$STATUS" = 200 ]
	grep -q "session(s) of this subject evicted" "$STATE/mcp-fcgi.log"
}

@test "sessions per subject: another subject's sessions are never evicted" {
	TOKEN=$(token_for "wks:read")
	init_session 2025-11-25
	theirs=$SID
	TOKEN=$(token_for "wks:read")
	for _ in $(seq 34); do
		init_session 2025-11-25
	done
	[ "$(owner_rows "$theirs")" = 1 ]
}

@test "initialize with capabilities over 4096 bytes: -32602 Invalid params, no session" {
	TOKEN=$(token_for "wks:read")
	big=$(python3 -c 'import json; print(json.dumps({"experimental": {"x": "a" * 4100}}))')
	before=$(db "SELECT count(*) FROM sessions")
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":'"$big"',"clientInfo":{"name":"bats","version":"1"}}}'
	[ "$STATUS" = 200 ]
	jqb '.id == 1 and .error.code == -32602 and .error.message == "initialize: capabilities exceed 4096 bytes"'
	[ -z "$(header Mcp-Session-Id)" ]
	[ "$(db "SELECT count(*) FROM sessions")" = "$before" ]
	# Just under the bound is kept whole.
	ok=$(python3 -c 'import json; print(json.dumps({"experimental": {"x": "a" * 4000}}))')
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":'"$ok"',"clientInfo":{"name":"bats","version":"1"}}}'
	[ "$STATUS" = 200 ]
	sid=$(header Mcp-Session-Id)
	[ "$(db "SELECT length(caps) FROM sessions WHERE id = '$sid'")" -gt 4000 ]
}

@test "cancellations: a requestId over 256 bytes, or not a string or integer, adds no row" {
	TOKEN=$(token_for "wks:read")
	init_session 2025-11-25
	long=$(head -c 100000 /dev/zero | tr '\0' x)
	for i in $(seq 20); do
		spost 2025-11-25 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"'"$i$long"'"}}'
		[ "$STATUS" = 202 ]
	done
	x257=$(head -c 257 /dev/zero | tr '\0' x)
	spost 2025-11-25 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"'"$x257"'"}}'
	[ "$STATUS" = 202 ]
	spost 2025-11-25 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{"a":1}}}'
	[ "$STATUS" = 202 ]
	[ "$(db "SELECT count(*) FROM cancelled WHERE session = '$SID'")" = 0 ]
	grep -q "cancellation ignored" "$STATE/mcp-fcgi.log"
	# 256 bytes is still an id.
	x256=$(head -c 256 /dev/zero | tr '\0' x)
	spost 2025-11-25 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"'"$x256"'"}}'
	[ "$STATUS" = 202 ]
	[ "$(db "SELECT count(*) FROM cancelled WHERE session = '$SID'")" = 1 ]
}

@test "cancellations: a flood of 1,000 leaves a session's newest 64" {
	TOKEN=$(token_for "wks:read")
	init_session 2025-11-25
	run flood 1000 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r@I@"}}'
	[ "$status" = 0 ]
	[ "$output" = "202:1000" ]
	[ "$(db "SELECT count(*) FROM cancelled WHERE session = '$SID'")" = 64 ]
	# The newest are kept; the oldest dropped.
	[ "$(db "SELECT count(*) FROM cancelled WHERE session = '$SID' AND rid = '\"r999\"'")" = 1 ]
	[ "$(db "SELECT count(*) FROM cancelled WHERE session = '$SID' AND rid = '\"r0\"'")" = 0 ]
	# None is kept longer than it can matter: max(request_timeout_seconds, 600).
	old=$(( $(date +%s) - 601 ))
	db "INSERT INTO cancelled (session, rid, created) VALUES ('$SID', 'stale', $old)"
	spost 2025-11-25 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}'
	[ "$STATUS" = 202 ]
	[ "$(db "SELECT count(*) FROM cancelled WHERE rid = 'stale'")" = 0 ]
}

@test "401s are counted per minute and address, not one store row each; every one keeps its audit_log line" {
	sleep 0.5	# earlier tests' rows reach the store first
	audit_before=$(db "SELECT count(*) FROM audit")
	anon_before=$(db "SELECT count(*) FROM audit_anon")
	lines_before=$(wc -l <"$STATE/audit.log")
	TOKEN= SID= run flood 200 '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	[ "$status" = 0 ]
	[ "$output" = "401:200" ]
	sleep 0.5	# the store rows are written in batches
	[ "$(db "SELECT count(*) FROM audit")" = "$audit_before" ]
	# A minute boundary may split them: a handful of rows at most.
	added=$(( $(db "SELECT count(*) FROM audit_anon") - anon_before ))
	[ "$added" -ge 1 ] && [ "$added" -le 2 ]
	[ "$(db "SELECT sum(count) FROM audit_anon WHERE addr = '127.0.0.1' AND outcome = 'no_token' AND status = 401")" -ge 200 ]
	[ $(( $(wc -l <"$STATE/audit.log") - lines_before )) -ge 200 ]
	# mcpctl audit still shows them, counted.
	run $MCPCTL audit --since 3600
	[ "$status" = 0 ]
	jqo 'map(select(.outcome == "no_token" and .status == 401 and .sub == "")) | .[0].count >= 200'
	# And per source address.
	run $MCPCTL audit refused --since 3600
	[ "$status" = 0 ]
	jqo 'map(select(.addr == "127.0.0.1" and .method == "POST" and .outcome == "no_token" and .status == 401)) | length == 1 and .[0].count >= 200'
}

@test "audit_anon: rows past 7 days go at the next prune" {
	old=$(( ($(date +%s) - 8 * 86400) * 1000 ))
	db "INSERT INTO audit_anon (ts_ms, addr, method, outcome, status, count) VALUES ($old, '192.0.2.1', 'POST', 'no_token', 401, 5)"
	run $MCPCTL audit prune
	[ "$status" = 0 ]
	[ "$(db "SELECT count(*) FROM audit_anon WHERE addr = '192.0.2.1'")" = 0 ]
}
