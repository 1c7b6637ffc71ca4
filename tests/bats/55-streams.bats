#!/usr/bin/env bats
# Held streams (2025 revisions): a session's GET stream (its listener)
# with change notices as they happen, one per session, resumption with
# Last-Event-ID from the store (after a reconnect, and after every
# responder was killed), a POST stream ended early and resumed, each
# refusal, keep-alives, and the per-subject limit.  Streams are held by
# curl -N in the background; their bodies are read as they arrive.

load helper

setup_file() {
	CONF_SET="keepalive_seconds=2 max_streams_per_subject=2 write_timeout_seconds=3" \
	    start_server
	two_workspaces
}
teardown_file() {
	kill_listeners
	stop_server
}
# Each test's streams are held by a caller of its own, so that streams
# of an earlier test still closing never count against its share.
setup() {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request holds no stream (60-cgi.bats: what it answers instead)"
	URL=$BASE/mcp
	TA2=$(token_for "$ALL_SCOPES" "$WA")
}
teardown() { kill_listeners; }

# session TOKEN: a 2025-11-25 session of TOKEN's caller; sets SID.
session() {
	TOKEN=$1 init_session 2025-11-25
}

# sp TOKEN BODY [curl args]: a POST in session $SID.
sp() {
	local t=$1 b=$2
	shift 2
	TOKEN=$t spost 2025-11-25 "$b" "$@"
}

# listen NAME TOKEN [curl args]: a GET stream of session $SID, held by
# curl in the background: headers in $STATE/NAME.h, the body as it
# arrives in $STATE/NAME.b; the pid in $STATE/NAME.pid.
listen() {
	local n=$1 t=$2
	shift 2
	rm -f "$STATE/$n.h" "$STATE/$n.b"
	curl -sN -D "$STATE/$n.h" "$URL" -H 'Accept: text/event-stream' \
	    -H "Authorization: Bearer $t" -H "Mcp-Session-Id: $SID" \
	    -H 'MCP-Protocol-Version: 2025-11-25' "$@" >"$STATE/$n.b" 3>&- &
	held "$n" $!
}

# hang_up NAME: the client of stream NAME leaves.
hang_up() {
	kill "$(cat "$STATE/$1.pid")" 2>/dev/null || true
	wait "$(cat "$STATE/$1.pid")" 2>/dev/null || true
}

# ids NAME: the ids of the stream's events, in order, space-separated.
ids() {
	sed -n 's/^id: //p' "$STATE/$1.b" | tr '\n' ' '
}

# stream_of NAME: the stream id its priming event names.
stream_of() {
	sed -n 's/^id: \([0-9a-f]*\)-0$/\1/p' "$STATE/$1.b" | head -1
}

# LEFT_IN: tenths of a second in which a stream sees its client leave.
# lighttpd and nginx close the responder's connection when the client
# closes its own; Apache tells the responder nothing, and the stream
# sees it when a write fails: at the first or second keep-alive after
# (keepalive_seconds = 2 here).
case $SERVER in
apache-*) LEFT_IN=70 ;;
*) LEFT_IN=20 ;;
esac

# closed STREAM: the stream thread logs STREAM closed within LEFT_IN.
closed() {
	for _ in $(seq $((LEFT_IN * 2))); do
		grep -q "stream $1 closed after" "$STATE/mcp-fcgi.log" && return 0
		sleep 0.05
	done
	echo "stream $1 not closed" >&2
	return 1
}

# left_stream: a session of $TA2 whose GET stream "a" was opened, then
# left by its client and let go by the stream thread; sets s (its id).
left_stream() {
	session "$TA2"
	listen a "$TA2"
	seen a '^retry:'
	s=$(stream_of a)
	hang_up a
	closed "$s"
}

# open_for NAME: the stream is held (its client still connected).
open_for() {
	kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null
}

# get [curl args]: a GET of $URL in session $SID as TOKEN (Accept:
# $GET_ACCEPT, else text/event-stream), for 2 s at most; sets STATUS and
# BODY like req.
get() {
	STATUS=$(curl -s -o "$STATE/b" -D "$STATE/h" -w '%{http_code}' \
	    --max-time 2 "$URL" -H "Accept: ${GET_ACCEPT:-text/event-stream}" \
	    ${TOKEN:+-H "Authorization: Bearer $TOKEN"} \
	    ${SID:+-H "Mcp-Session-Id: $SID"} "$@" || true)
	BODY=$(cat "$STATE/b")
}

# change N: the Acme workspace renamed N times by its first client.
change() {
	local i
	for i in $(seq "$1"); do
		TOKEN=$TA mpost tools/call '"name":"update_workspace","arguments":{"name":"Acme '"$RANDOM"'"}' \
		    -H 'Mcp-Name: update_workspace'
		[ "$STATUS" = 200 ]
	done
}

# watcher: a session of Acme's second client subscribed to its workspace.
watcher() {
	session "$TA2"
	sp "$TA2" '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://workspace"}}'
	jqb '.result == {}'
}

@test "a GET stream: 200 text/event-stream, uncached, the priming event (id -0, retry) first" {
	session "$TA2"
	listen a "$TA2"
	seen a '^retry: 1000$'
	grep -qi '^content-type: text/event-stream' "$STATE/a.h"
	grep -qi '^cache-control: no-cache' "$STATE/a.h"
	# nginx acts on X-Accel-Buffering and keeps it from the client.
	[ "$SERVER" = nginx ] || grep -qi '^x-accel-buffering: no' "$STATE/a.h"
	[[ "$(head -1 "$STATE/a.b")" =~ ^id:\ [0-9a-f]{16}-0$ ]]
	[ "$(sed -n 3p "$STATE/a.b")" = "data: " ]
}

@test "one GET stream per session: a second gets 409; once the first client left, a new one opens" {
	session "$TA2"
	listen a "$TA2"
	seen a '^retry:'
	TOKEN=$TA2 get
	[ "$STATUS" = 409 ]
	jqb '.error.code == -32600 and (.error.message | startswith("Conflict: the session")) and .error.message == "Conflict: the session\u0027s GET stream is open already"'
	hang_up a
	# The stream thread sees the connection close (LEFT_IN).
	for _ in $(seq $((LEFT_IN * 2))); do
		TOKEN=$TA2 get
		[ "$STATUS" = 200 ] && break
		sleep 0.05
	done
	[ "$STATUS" = 200 ]
	[[ "$BODY" =~ ^id:\ [0-9a-f]{16}-0 ]]
}

@test "a change reaches the listener as it happens; the subscriber's answers stay plain JSON" {
	watcher
	listen a "$TA2"
	seen a '^retry:'
	s=$(stream_of a)
	change 1
	seen a 'notifications/resources/updated' 3
	# Delivered while the stream is still open: as it happened.
	open_for a
	[ "$(ids a)" = "$s-0 $s-1 " ]
	grep '^data: {' "$STATE/a.b" | sed 's/^data: //' |
	    jq -e '. == {"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"mcp-fcgi://workspace"}}'
	# The session's own calls are answered as JSON: the listener
	# carries the notices, none wait for a POST.
	sp "$TA2" '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"whoami","arguments":{}}}'
	[[ "$(header Content-Type)" == application/json* ]]
	[ "$(store_sql "SELECT count(*) FROM notices WHERE session = '$SID'")" = 0 ]
}

@test "a change made in the other process reaches a stream held by this one" {
	watcher
	listen a "$TA2"
	seen a '^retry:'
	holder=$(grep "stream $(stream_of a) held" "$STATE/mcp-fcgi.log" | sed -n 's/.*mcp-fcgi\[\([0-9]*\)\].*/\1/p')
	[ -n "$holder" ]
	# lighttpd gives each request to the less busy process: the one not
	# holding the stream, mostly.  Changes until one is made elsewhere.
	for i in $(seq 10); do
		change 1
		rid=$(header X-Request-Id)
		sleep 0.1
		maker=$(grep "rid=$rid mcp-fcgi://workspace changed" "$STATE/mcp-fcgi.log" | head -1 | sed -n 's/.*mcp-fcgi\[\([0-9]*\)\].*/\1/p')
		[ -n "$maker" ] || { echo "no process logged the change $rid" >&2; return 1; }
		[ "$maker" != "$holder" ] && break
	done
	[ "$maker" != "$holder" ]
	seen a "^id: $(stream_of a)-$i\$" 3
}

@test "a held stream ends once its client is revoked, another client's stays; the token opens none again" {
	c=$($MCPCTL client add --name doomed-stream --scopes "$ALL_SCOPES" --workspace "$WA")
	id=$(jq -r .client_id <<<"$c")
	t=$($MCPCTL token --client "$id" | jq -r .access_token)
	# Another client's stream, which must stay.
	session "$TA2"
	listen b "$TA2"
	seen b '^retry:'
	session "$t"
	listen a "$t"
	seen a '^retry:'
	s=$(stream_of a)
	$MCPCTL client revoke "$id" | jq -e '.revoked > 0'
	# revocation_cache_seconds (5), then the stream thread's next look.
	for _ in $(seq 160); do
		grep -q "stream $s: its client or sign-in was revoked" "$STATE/mcp-fcgi.log" && break
		sleep 0.05
	done
	grep -q "stream $s: its client or sign-in was revoked" "$STATE/mcp-fcgi.log"
	closed "$s"
	for _ in $(seq 40); do open_for a || break; sleep 0.05; done
	! open_for a || false
	# The other process may have read the list up to
	# revocation_cache_seconds before: 401 from both within that.
	for _ in $(seq 8); do
		TOKEN=$t get --max-time 1
		[ "$STATUS" = 401 ] && break
		sleep 0.5
	done
	[ "$STATUS" = 401 ]
	open_for b
	! grep -q "stream $(stream_of b): its client" "$STATE/mcp-fcgi.log" || false
}

@test "Last-Event-ID replays exactly the missed events, in order, then goes on live" {
	watcher
	listen a "$TA2"
	seen a '^retry:'
	s=$(stream_of a)
	hang_up a
	change 3
	listen b "$TA2" -H "Last-Event-ID: $s-0"
	seen b "^id: $s-3\$" 3
	[ "$(ids b)" = "$s-1 $s-2 $s-3 " ]
	# A resumption has no priming event of its own.
	! grep -q '^retry:' "$STATE/b.b" || false
	change 1
	seen b "^id: $s-4\$" 3
	hang_up b
	listen c "$TA2" -H "Last-Event-ID: $s-2"
	seen c "^id: $s-4\$" 3
	[ "$(ids c)" = "$s-3 $s-4 " ]
}

@test "a resumption takes the stream over from a connection still open" {
	watcher
	listen a "$TA2"
	seen a '^retry:'
	s=$(stream_of a)
	listen b "$TA2" -H "Last-Event-ID: $s-0"
	for _ in $(seq 50); do
		grep -q '^HTTP/1.1 200' "$STATE/b.h" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^HTTP/1.1 200' "$STATE/b.h"
	# The first holder learns it at its next beat (5 s) and ends.
	for _ in $(seq 80); do
		open_for a || break
		sleep 0.1
	done
	! open_for a || false
	change 1
	seen b "^id: $s-1\$" 3
}

@test "after every responder was killed (kill -9), a resumption replays from the store" {
	lighttpd_only "spawn-fcgi does not restart responders that die (systemd and lighttpd do)"
	watcher
	listen a "$TA2"
	seen a '^retry:'
	s=$(stream_of a)
	change 1
	seen a "^id: $s-1\$" 3
	pkill -9 -f "$ROOT/$BUILD/mcp.fcgi"
	# lighttpd starts new responders for the next requests.
	for _ in $(seq 50); do
		TOKEN=$TA mpost tools/call '"name":"whoami","arguments":{}' -H 'Mcp-Name: whoami'
		[ "$STATUS" = 200 ] && break
		sleep 0.1
	done
	change 2
	listen b "$TA2" -H "Last-Event-ID: $s-1"
	seen b "^id: $s-3\$" 5
	[ "$(ids b)" = "$s-2 $s-3 " ]
}

@test "Last-Event-ID of another session's stream, an unknown or a malformed one: 400, nothing replayed" {
	watcher
	listen a "$TA2"
	seen a '^retry:'
	theirs=$(stream_of a)
	change 1
	seen a "^id: $theirs-1\$" 3
	# Another session of the same caller.
	session "$TA2"
	for id in "$theirs-0" "0123456789abcdef-0" "$theirs" "x-1" "$theirs-1x" \
	    "$(echo "$theirs" | tr a-f A-F)-0"; do
		TOKEN=$TA2 get -H "Last-Event-ID: $id"
		[ "$STATUS" = 400 ] || { echo "$id: $STATUS" >&2; return 1; }
		jqb '.error.code == -32600 and .error.message == "Bad Request: Last-Event-ID names no stream of this session that can be resumed"'
		[[ "$BODY" != *resources/updated* ]]
	done
}

@test "Last-Event-ID whose following events were dropped: 400; from the oldest kept: replayed" {
	watcher
	listen a "$TA2"
	seen a '^retry:'
	s=$(stream_of a)
	change 3
	seen a "^id: $s-3\$" 3
	hang_up a
	store_sql \
	    "DELETE FROM events WHERE stream = '$s' AND seq IN (0, 1)"
	TOKEN=$TA2 get -H "Last-Event-ID: $s-0"
	[ "$STATUS" = 400 ]
	TOKEN=$TA2 get -H "Last-Event-ID: $s-1"
	[ "$STATUS" = 200 ]
	[ "$(printf '%s\n' "$BODY" | sed -n 's/^id: //p' | tr '\n' ' ')" = "$s-2 $s-3 " ]
	# Past the newest event: not one of ours.
	TOKEN=$TA2 get -H "Last-Event-ID: $s-9"
	[ "$STATUS" = 400 ]
}

@test "a GET is refused as a POST would be: another caller's session 404, none 400, no token 401" {
	session "$TA2"
	TOKEN=$TB get
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32001'
	SID='' TOKEN=$TA2 get
	[ "$STATUS" = 400 ]
	STATUS=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL" \
	    -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $SID" || true)
	[ "$STATUS" = 401 ]
	# Without any scope the session is still the caller's own: a stream.
	t0=$(token_for "")
	session "$t0"
	TOKEN=$t0 get
	[ "$STATUS" = 200 ]
}

@test "2026-07-28 has no GET stream: 405 without GET in Allow; Accept without text/event-stream: 406" {
	session "$TA2"
	TOKEN=$TA2 get -H 'MCP-Protocol-Version: 2026-07-28'
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = "POST, DELETE, OPTIONS" ]
	jqb '.error.message == "Method Not Allowed: this endpoint offers no GET stream"'
	GET_ACCEPT=application/json TOKEN=$TA2 get
	[ "$STATUS" = 406 ]
}

@test "a quiet stream gets keep-alive comments every keepalive_seconds (2 here)" {
	session "$TA2"
	listen a "$TA2"
	seen a '^retry:'
	sleep 5
	[ "$(grep -c '^: keep-alive$' "$STATE/a.b")" -ge 2 ]
	open_for a
}

@test "a client that leaves frees its stream (at once, or at a keep-alive behind Apache)" {
	left_stream
}

@test "ending the session ends its stream" {
	session "$TA2"
	listen a "$TA2"
	seen a '^retry:'
	req DELETE "$URL" -H "Authorization: Bearer $TA2" -H "Mcp-Session-Id: $SID"
	[ "$STATUS" = 204 ]
	for _ in $(seq 80); do
		open_for a || break
		sleep 0.1
	done
	! open_for a || false
}

@test "per caller and process, max_streams_per_subject (2): past it 429 with Retry-After" {
	skip_behind apache-fcgid "one request per process: the bound is per process, and Apache's FcgidMaxProcessesPerClass bounds the processes"
	t=$(token_for "wks:read")
	n429=0 n200=0
	for i in 1 2 3 4 5; do
		session "$t"
		listen "l$i" "$t"
	done
	sleep 1
	for i in 1 2 3 4 5; do
		st=$(head -1 "$STATE/l$i.h" | cut -d' ' -f2)
		case $st in
		200) n200=$((n200 + 1)) ;;
		429) n429=$((n429 + 1))
		     grep -qi '^retry-after: 5' "$STATE/l$i.h"
		     jq -e '.error.code == -32043' "$STATE/l$i.b" ;;
		*) echo "stream $i: $st" >&2; return 1 ;;
		esac
	done
	# Two processes hold at most two each.
	[ "$n200" -le 4 ] && [ "$n429" -ge 1 ]
}

@test "a POST stream ended before its answer: the answer comes on the GET that resumes it, then it ends" {
	URL=$BASE/conformance/mcp
	NOAUTH=1 init_session 2025-11-25
	NOAUTH=1 post '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_reconnection","arguments":{}}}' \
	    -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-03-26'
	[ "$STATUS" = 200 ]
	# Only the priming event: the stream ended first.
	[[ "$BODY" =~ ^id:\ ([0-9a-f]{16})-0 ]]
	s=${BASH_REMATCH[1]}
	! grep -q '"result"' <<<"$BODY" || false
	TOKEN='' get -H "Last-Event-ID: $s-0"
	[ "$STATUS" = 200 ]
	[ "$(printf '%s\n' "$BODY" | sed -n 's/^id: //p')" = "$s-1" ]
	sse_data | jq -e '.id == 5 and .result.content[0].text == "Reconnection test completed"'
	# Asked again once all of it was delivered: an empty stream, ended.
	TOKEN='' get -H "Last-Event-ID: $s-1"
	[ "$STATUS" = 200 ]
	[ -z "$BODY" ]
}

# stall NAME TOKEN [LAST_EVENT_ID]: a GET stream of $SID whose client reads
# the headers and the priming event (a resumption: the headers alone),
# then nothing (a 4 KB receive buffer); $STATE/NAME.b gets what it read.
stall() {
	python3 - "$PORT" "$2" "$SID" "${3:-}" >"$STATE/$1.b" 3>&- <<'PY' &
import socket, sys, time
port, tok, sid, last = sys.argv[1:5]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(port)))
s.sendall(("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Accept: text/event-stream\r\nAuthorization: Bearer %s\r\n"
    "Mcp-Session-Id: %s\r\nMCP-Protocol-Version: 2025-11-25\r\n%s\r\n"
    % (tok, sid, "Last-Event-ID: %s\r\n" % last if last else "")).encode())
got = b""
end = b"\r\n\r\n" if last else b"data: \n\n"
while not got.endswith(end):
    got += s.recv(1)
sys.stdout.write(got.decode("latin-1"))
sys.stdout.flush()
time.sleep(60)
PY
	held "$1" $!
}

# flood STREAM N: N events of 4 KB each for STREAM, straight into the
# store as if another process had made them (on PostgreSQL with the
# NOTIFY such a process sends).
flood() {
	local hex='hex(randomblob(2048))' wake=
	[ "$STORE" = pg ] && hex='repeat(md5(random()::text), 128)' \
	    wake='NOTIFY mcp_events;'
	store_sql "
	    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
	    INSERT INTO events (stream, session, seq, data, last, created)
	    SELECT '$1', (SELECT session FROM streams WHERE id = '$1'), i, '{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"' || $hex || '\"}}', 0, $(date +%s) FROM n;
	    UPDATE streams SET hi = $2 WHERE id = '$1'; $wake"
}

@test "a client that stops reading is closed once it owes stream_queue_bytes; it resumes with Last-Event-ID, paced" {
	session "$TA2"
	stall a "$TA2"
	seen a '^data: $'
	s=$(stream_of a)
	[ -n "$s" ]
	# 900 events of 4 KB: 3.6 MB, far past the kernel's and lighttpd's
	# buffers and the 256 KB the stream may owe.
	flood "$s" 900
	for _ in $(seq 100); do
		grep -q "stream $s: the client owes more than 262144 bytes: closed" "$STATE/mcp-fcgi.log" && break
		sleep 0.1
	done
	grep -q "stream $s: the client owes more than 262144 bytes: closed" "$STATE/mcp-fcgi.log"
	kill_listeners
	# A reading client gets all of it again, in order, a chunk at a time
	# as it reads (a replay never overfills the queue).
	STATUS=$(curl -s -o "$STATE/b" -w '%{http_code}' --max-time 3 "$URL" \
	    -H 'Accept: text/event-stream' -H "Authorization: Bearer $TA2" \
	    -H "Mcp-Session-Id: $SID" -H "Last-Event-ID: $s-0" || true)
	[ "$STATUS" = 200 ]
	[ "$(sed -n 's/^id: //p' "$STATE/b" | wc -l)" = 900 ]
	[ "$(sed -n 's/^id: //p' "$STATE/b" | tail -1)" = "$s-900" ]
	sed -n 's/^id: .*-//p' "$STATE/b" | sort -n -c
}

@test "a resumption its client stops reading: paced, never over the bound, closed after write_timeout_seconds (3 here)" {
	left_stream
	flood "$s" 900
	stall b "$TA2" "$s-0"
	seen b '^HTTP/1.1 200'
	for _ in $(seq 100); do
		grep -q "stream $s: the client took nothing for 3 s: closed" "$STATE/mcp-fcgi.log" && break
		sleep 0.1
	done
	grep -q "stream $s: the client took nothing for 3 s: closed" "$STATE/mcp-fcgi.log"
	# A replay waits for its client: it never reached the bound.
	! grep -q "stream $s: the client owes more" "$STATE/mcp-fcgi.log" || false
}

@test "a stream ends when the access token it was opened with expires" {
	c=$($MCPCTL client add --name "short-$RANDOM" --scopes "wks:read" --workspace "$WA")
	t=$($MCPCTL token --client "$(jq -r .client_id <<<"$c")" --ttl 5 | jq -r .access_token)
	session "$t"
	listen a "$t"
	seen a '^retry:'
	s=$(stream_of a)
	for _ in $(seq 100); do
		grep -q "stream $s: its access token expired" "$STATE/mcp-fcgi.log" && break
		sleep 0.1
	done
	grep -q "stream $s: its access token expired" "$STATE/mcp-fcgi.log"
	for _ in $(seq 20); do
		open_for a || break
		sleep 0.1
	done
	! open_for a || false
	# The same caller with a new token resumes it.
	t=$($MCPCTL token --client "$(jq -r .client_id <<<"$c")" | jq -r .access_token)
	TOKEN=$t get -H "Last-Event-ID: $s-0"
	[ "$STATUS" = 200 ]
}

