#!/usr/bin/env bats
# No caller holds the workers: the responders' write timeout and the
# per-subject share of threads, and the web server's limits as rendered
# from etc/lighttpd.conf.in.

load helper

# /mcp: one thread per process and a 2 s write timeout; the conformance
# fixtures with bearer auth (they have the tools that wait for the
# client), two threads per process, of which one subject may hold half,
# the same write timeout and a keep-alive comment every second.
server_prestart() {
	sed -i -e 's/^threads = .*/threads = 1/' \
	    -e 's/^write_timeout_seconds = .*/write_timeout_seconds = 2/' \
	    "$STATE/mcp-fcgi.conf"
	sed -i -e 's/^auth = .*/auth = bearer/' \
	    -e 's/^threads = .*/threads = 2/' \
	    -e 's/^write_timeout_seconds = .*/write_timeout_seconds = 2/' \
	    -e 's/^keepalive_seconds = .*/keepalive_seconds = 1/' \
	    -e 's/^subject_max_share_percent = .*/subject_max_share_percent = 50/' \
	    "$STATE/mcp-fcgi-open.conf"
}

setup_file() { start_server; }
teardown_file() { stop_server; }

ECHO='{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}},"name":"echo","arguments":{"text":"still here"}}}'

# echo_call: the 2026-07-28 echo on /mcp with $TOKEN, 5 s at most.
echo_call() {
	URL=$BASE/mcp post "$ECHO" -m 5 -H 'MCP-Protocol-Version: 2026-07-28' \
	    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo'
}

# elicit ID: a test_elicitation call in the background on the session,
# its SSE stream in $STATE/ID; returns once the server's request is out.
elicit() {
	curl -sN -o "$STATE/$1" -m 30 -X POST "$URL" \
	    -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
	    -H "Authorization: Bearer $TOKEN" -H "Mcp-Session-Id: $SID" \
	    -H 'MCP-Protocol-Version: 2025-06-18' \
	    --data-binary '{"jsonrpc":"2.0","id":"'"$1"'","method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"Wait"}}}' &
	for _ in $(seq 100); do
		grep -q 'elicitation/create' "$STATE/$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no elicitation request on $1" >&2
	return 1
}

cancel() {
	spost 2025-06-18 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"'"$1"'"}}'
	[ "$STATUS" = 202 ]
}

@test "lighttpd: the rendered limits pass lighttpd -tt" {
	skip_behind lighttpd-cgi "lighttpd.conf is the CGI one here, checked by 12-snippets.bats"
	run /usr/sbin/lighttpd -tt -f "$STATE/lighttpd.conf"
	[ "$status" = 0 ] || { echo "$output" >&2; false; }
	c=$STATE/lighttpd.conf
	# max_body_bytes (1 MiB) in KiB plus 64; write_timeout_seconds (2
	# here, set after rendering: the default 30) plus 5.
	grep -qx 'server.max-request-size    = 1088' "$c"
	grep -qx 'server.max-write-idle = 35' "$c"
	grep -qx 'server.max-read-idle = 10' "$c"
	grep -qx 'server.max-keep-alive-idle = 5' "$c"
	grep -qx 'server.max-connections = 4096' "$c"
	grep -qx 'server.max-fds         = 8192' "$c"
	grep -qx 'server.stream-request-body = 0' "$c"
	grep -qx 'server.stream-response-body = 2' "$c"
}

@test "lighttpd: the limits follow max_body_bytes and write_timeout_seconds" {
	s=$(mktemp -d /tmp/mcpfcgi-conf.XXXXXX)
	mkdir -p "$s/tmpl/etc"
	cp "$ROOT"/etc/*.in "$ROOT"/etc/mkconf.sh "$s/tmpl/etc/"
	sed -i -e 's/^max_body_bytes = .*/max_body_bytes = 2000000/' \
	    -e 's/^write_timeout_seconds = .*/write_timeout_seconds = 60/' \
	    "$s/tmpl/etc/mcp-fcgi.conf.in"
	MCP_SERVER=lighttpd sh "$s/tmpl/etc/mkconf.sh" "$s/state" 18081 "$ROOT/$BUILD" 2 0
	grep -qx 'server.max-request-size    = 2018' "$s/state/lighttpd.conf"
	grep -qx 'server.max-write-idle = 65' "$s/state/lighttpd.conf"
	run /usr/sbin/lighttpd -tt -f "$s/state/lighttpd.conf"
	rm -rf "$s"
	[ "$status" = 0 ]
}

@test "a body over the web server's cap never runs (413 from the web server itself but for mod_proxy_fcgi and mod_fcgid), one just over max_body_bytes is refused 413 by the responder" {
	head -c $((1088 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$STATE/big"
	URL=$BASE/mcp post @"$STATE/big"
	# lighttpd, nginx and Apache's CGI refuse it before any responder
	# sees it; mod_proxy_fcgi hands the request on, and the responder
	# refuses it by its Content-Length before reading the body;
	# mod_fcgid hands on an empty body in its place, refused as such.
	case $SERVER in
	apache-fcgid)
		[ "$STATUS" = 400 ]
		[ -n "$(header X-Request-Id)" ]
		logged "empty body" ;;
	apache-proxy-fcgi)
		[ "$STATUS" = 413 ]
		[ -n "$(header X-Request-Id)" ] ;;
	*)
		[ "$STATUS" = 413 ]
		[ -z "$(header X-Request-Id)" ] ;;
	esac
	jqb '.jsonrpc == "2.0" and (.error.code | type) == "number"'
	head -c $((1048576 + 100)) /dev/zero | tr '\0' ' ' >"$STATE/big"
	URL=$BASE/mcp post @"$STATE/big"
	[ "$STATUS" = 413 ]
	[ -n "$(header X-Request-Id)" ]
	jqb '.error.code == -32600 and .error.message == "Payload Too Large"'
}

@test "config: write_timeout_seconds and subject_max_share_percent are bounded" {
	T=$(mktemp -d /tmp/mcpfcgi-cfg.XXXXXX)
	BIN=$ROOT/$BUILD/mcp.fcgi
	printf 'store_path = %s/x.db\nauth = none\nwrite_timeout_seconds = 0\n' "$T" >"$T/a.conf"
	refused a.conf "a.conf:3: write_timeout_seconds: must be an integer from 1 to 3600"
	printf 'store_path = %s/x.db\nauth = none\nsubject_max_share_percent = 101\n' "$T" >"$T/b.conf"
	refused b.conf "b.conf:3: subject_max_share_percent: must be an integer from 1 to 100"
	printf 'store_path = %s/x.db\nauth = none\nsubject_max_share_percent = 1\nwrite_timeout_seconds = 3600\n' "$T" >"$T/c.conf"
	run "$BIN" -t -f "$T/c.conf"
	rm -rf "$T"
	[ "$status" = 0 ]
}

@test "a client that takes nothing loses its answer after write_timeout_seconds; the thread serves the next caller" {
	lighttpd_only "nginx and Apache buffer a whole JSON answer, so the responder never waits on the client"
	# Two answers of 32 tools/list (580 kB) on an HTTP/2 connection
	# whose window stays closed: each blocks the only thread of one
	# process until the write timeout (2 s) cuts it.
	ATTACKER=$TOKEN PORT=$PORT STATE=$STATE NSTREAMS=2 NBATCH=32 HOLD=8 \
	    python3 "$ROOT/tests/hostile/hostile.py" stall &
	stall=$!
	sleep 1
	n0=$(date +%s)
	echo_call
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent.text == "still here"'
	# Served well before the staller lets go (8 s).
	[ $(( $(date +%s) - n0 )) -le 4 ]
	grep -E 'rid=[0-9a-f]{16} the client took nothing for 2 s \(write_timeout_seconds\): answer dropped' \
	    "$STATE/mcp-fcgi.log"
	# The other process's answer is cut 2 s after its own write began,
	# which may be later than the first's.
	for _ in $(seq 30); do
		[ "$(grep -c 'the client took nothing for 2 s' "$STATE/mcp-fcgi.log")" = 2 ] &&
		    break
		sleep 0.1
	done
	[ "$(grep -c 'the client took nothing for 2 s' "$STATE/mcp-fcgi.log")" = 2 ]
	wait "$stall"
}

@test "one subject over its share of threads: 429, Retry-After: 1, -32043; another subject is served; the slots come back" {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request: no threads to share"
	skip_behind apache-fcgid "one request per process: the bound is per process, and Apache's FcgidMaxProcessesPerClass bounds the processes"
	URL=$BASE/conformance/mcp
	init_session 2025-06-18
	# Two threads per process, one subject may hold one of them: one
	# waiting call in each process (lighttpd gives each new request to
	# the less loaded process).
	elicit e1
	elicit e2
	spost 2025-06-18 '{"jsonrpc":"2.0","id":"e3","method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"Wait"}}}' -m 5
	[ "$STATUS" = 429 ]
	[ "$(header Retry-After)" = 1 ]
	[ "$(header Content-Type)" = application/json ]
	jqb '.jsonrpc == "2.0" and .id == "e3" and .error.code == -32043 and .error.message == "Too many requests in flight for this caller"'
	rid=$(header X-Request-Id)
	grep -q "rid=$rid refused: the caller already has 1 requests in flight in this process (limit 1 of 2 threads)" "$STATE/mcp-fcgi.log"
	line=$(audit_line "$rid")
	jqo '.status == 429 and .outcome == "too_many_in_flight"' "$line"
	# Another subject meanwhile.
	mine=$TOKEN sid=$SID
	TOKEN=$(token_for "")
	init_session 2025-06-18
	spost 2025-06-18 '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}' -m 5
	[ "$STATUS" = 200 ]
	# The waiting calls end, one answered, one cancelled: neither the
	# answer nor the notification counts against the share.
	TOKEN=$mine SID=$sid
	q=$(sed -n 's/^data: \(.*elicitation\/create.*\)$/\1/p' "$STATE/e2" | jq -r .id)
	spost 2025-06-18 '{"jsonrpc":"2.0","id":"'"$q"'","result":{"action":"accept","content":{"name":"x"}}}'
	[ "$STATUS" = 202 ]
	cancel e1
	wait
	grep -q '"id":"e2","result"' "$STATE/e2"
	for i in 1 2 3; do
		spost 2025-06-18 '{"jsonrpc":"2.0","id":"s'$i'","method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}' -m 5
		[ "$STATUS" = 200 ]
	done
}

@test "a quiet SSE stream outlives write_timeout_seconds: only a write the client does not take is cut" {
	URL=$BASE/conformance/mcp
	init_session 2025-06-18
	elicit w1
	sleep 5		# 2.5 times the write timeout, with comments each second
	q=$(sed -n 's/^data: \(.*elicitation\/create.*\)$/\1/p' "$STATE/w1" | jq -r .id)
	spost 2025-06-18 '{"jsonrpc":"2.0","id":"'"$q"'","result":{"action":"accept","content":{"name":"x"}}}'
	[ "$STATUS" = 202 ]
	for _ in $(seq 100); do
		grep -q '"id":"w1","result"' "$STATE/w1" && break
		sleep 0.05
	done
	grep -q '"id":"w1","result"' "$STATE/w1"
	[ "$(grep -c '^: waiting for client' "$STATE/w1")" -ge 3 ]
}

@test "SIGUSR1 stops a responder as SIGTERM does; the others go on serving" {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request: no responder to stop"
	pids=$(pgrep -f "$SBIN/mcp.fcgi")
	p=$(echo "$pids" | head -1)
	kill -USR1 "$p"
	for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$p" 2>/dev/null || false
	grep -q "mcp-fcgi\[$p\] info rid=- stopping on signal 10" "$STATE/mcp-fcgi.log"
	URL=$BASE/mcp
	NOAUTH=1 post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'
	[ "$STATUS" = 401 ]
}
