#!/usr/bin/env bats
# The CGI lane: the same binary run as a plain CGI program, one process per
# request, with the request in its environment and standard input.  Under
# the sanitizer build this lane also checks for leaks, since each process
# exits normally.  Also: configuration errors at start.

load helper

# The store: $T/mcp.db, or on PostgreSQL a database of the test's own
# (helper.bash's store_for; store_sql reaches it).
setup() {
	T=$(mktemp -d /tmp/mcpfcgi-cgi.XXXXXX)
	STATE=$T AS=
	store_for "$T"
	printf 'store_path = %s\nauth = none\n' "$STORE_PATH" >"$T/ok.conf"
	BIN=$ROOT/$BUILD/conformance.fcgi
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
}
teardown() { store_drop; rm -rf "$T"; }

# cgi BODY [VAR=value ...]: runs one CGI request; output in $T/out.
cgi() {
	local body=$1
	shift
	printf '%s' "$body" | env -i PATH="$PATH" ASAN_OPTIONS="$ASAN_OPTIONS" \
	    UBSAN_OPTIONS="$UBSAN_OPTIONS" MCP_FCGI_CONFIG="$T/ok.conf" \
	    REQUEST_METHOD=POST CONTENT_TYPE=application/json \
	    HTTP_ACCEPT="$ACCEPT" CONTENT_LENGTH=${#body} "$@" "$BIN" \
	    >"$T/out" 2>"$T/err"
	CGI_STATUS=$(sed -n '1s/^Status: \([0-9]*\).*/\1/p' "$T/out")
	BODY=$(sed '1,/^\r$/d' "$T/out")
}

INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'

@test "CGI: initialize answers with a session id" {
	cgi "$INIT"
	[ "$CGI_STATUS" = 200 ]
	grep -q '^Mcp-Session-Id: [0-9a-f]\{64\}' "$T/out"
	jqb '.result.protocolVersion == "2025-11-25"'
}

@test "CGI: the session outlives the process that created it" {
	cgi "$INIT"
	sid=$(sed -n 's/^Mcp-Session-Id: \([0-9a-f]*\).*/\1/p' "$T/out")
	cgi '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_simple_text"}}' \
	    HTTP_MCP_SESSION_ID="$sid" HTTP_MCP_PROTOCOL_VERSION=2025-11-25
	[ "$CGI_STATUS" = 200 ]
	jqb '.result.content[0].text == "This is a simple text response for testing."'
}

@test "CGI: a process starts and reads while another holds the store's write lock" {
	sqlite_only "SQLite's one writer at a time (BEGIN IMMEDIATE)"
	cgi "$INIT"
	[ "$CGI_STATUS" = 200 ]
	{ echo "BEGIN IMMEDIATE;"; sleep 8; echo "COMMIT;"; } |
	    sqlite3 "$T/mcp.db" &
	locker=$!
	sleep 0.5
	cgi '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    HTTP_MCP_PROTOCOL_VERSION=2026-07-28 HTTP_MCP_METHOD=tools/list
	# Answered while the lock is still held.
	kill -0 "$locker"
	[ "$CGI_STATUS" = 200 ] || { cat "$T/out" "$T/err" >&2; false; }
	jqb '.result.tools | length > 0'
	wait "$locker"
}

@test "CGI: whoami on an endpoint without auth says there is no caller" {
	BIN=$ROOT/$BUILD/mcp.fcgi
	cgi '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    HTTP_MCP_PROTOCOL_VERSION=2026-07-28 HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=whoami
	[ "$CGI_STATUS" = 200 ]
	jqb '.result.isError == true and .result.content == [{"type":"text","text":"This endpoint runs without authentication, so there is no caller identity."}]'
}

@test "CGI: body shorter than Content-Length: 400 -32700" {
	printf '{"jsonrpc":"2.0"' | env -i MCP_FCGI_CONFIG="$T/ok.conf" ASAN_OPTIONS="$ASAN_OPTIONS" \
	    REQUEST_METHOD=POST CONTENT_TYPE=application/json HTTP_ACCEPT="$ACCEPT" \
	    CONTENT_LENGTH=100 "$BIN" >"$T/out" 2>"$T/err"
	head -1 "$T/out" | grep -q '^Status: 400'
	BODY=$(sed '1,/^\r$/d' "$T/out")
	jqb '.error.code == -32700 and .error.message == "Parse error: body shorter than Content-Length"'
	grep -q "body ended after 16 of 100 bytes" "$T/err"
}

@test "CGI: missing CONTENT_LENGTH: 400 -32700" {
	printf '%s' "$INIT" | env -i MCP_FCGI_CONFIG="$T/ok.conf" ASAN_OPTIONS="$ASAN_OPTIONS" \
	    REQUEST_METHOD=POST CONTENT_TYPE=application/json HTTP_ACCEPT="$ACCEPT" \
	    "$BIN" >"$T/out" 2>"$T/err"
	head -1 "$T/out" | grep -q '^Status: 400'
}

@test "CGI: non-numeric CONTENT_LENGTH: 400 -32600" {
	cgi "$INIT" CONTENT_LENGTH=12x
	[ "$CGI_STATUS" = 400 ]
	jqb '.error.code == -32600'
}

@test "CGI: huge CONTENT_LENGTH is refused before reading: 413" {
	cgi "$INIT" CONTENT_LENGTH=99999999999
	[ "$CGI_STATUS" = 413 ]
}

@test "CGI: no held streams: a session's GET, a listen and a polling tool get clear answers" {
	cgi "$INIT"
	sid=$(sed -n 's/^Mcp-Session-Id: \([0-9a-f]*\).*/\1/p' "$T/out")
	cgi '' REQUEST_METHOD=GET HTTP_ACCEPT=text/event-stream \
	    HTTP_MCP_SESSION_ID="$sid" CONTENT_LENGTH=
	[ "$CGI_STATUS" = 405 ]
	grep -q '^Allow: POST, DELETE, OPTIONS' "$T/out"
	jqb '.error.message == "Method Not Allowed: this endpoint offers no GET stream"'
	cgi '{"jsonrpc":"2.0","id":4,"method":"subscriptions/listen","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}},"notifications":{}}}' \
	    HTTP_MCP_PROTOCOL_VERSION=2026-07-28 HTTP_MCP_METHOD=subscriptions/listen
	[ "$CGI_STATUS" = 405 ]
	jqb '.id == 4'
	# A tool that would end its stream to be resumed says it cannot.
	cgi '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_reconnection"}}' \
	    HTTP_MCP_SESSION_ID="$sid" HTTP_MCP_PROTOCOL_VERSION=2025-11-25
	[ "$CGI_STATUS" = 200 ]
	sed -n 's/^data: //p' "$T/out" | jq -e 'select(.id == 5) | .result.isError == true'
}

@test "CGI: no REQUEST_METHOD: 405" {
	printf '' | env -i MCP_FCGI_CONFIG="$T/ok.conf" ASAN_OPTIONS="$ASAN_OPTIONS" "$BIN" >"$T/out" 2>"$T/err"
	head -1 "$T/out" | grep -q '^Status: 405'
}

@test "config check: -t reports the registry" {
	run "$BIN" -t -f "$T/ok.conf"
	[ "$status" = 0 ]
	[ "$output" = "mcp-fcgi-conformance: configuration OK (33 tools, 3 resources, 1 templates, 5 prompts)" ]
}

@test "config error: unknown key names file, line and key" {
	printf '# c\nstore_path = %s/x.db\ncolour = blue\n' "$T" >"$T/bad.conf"
	refused bad.conf "$T/bad.conf:3: colour: unknown key"
}

@test "config error: out-of-range integer" {
	printf 'threads = 0\n' >"$T/bad.conf"
	refused bad.conf "bad.conf:1: threads: must be an integer from 1 to 256"
}

@test "config error: max_sessions_per_subject and addr_auth_failures are 1 to 100000" {
	for k in max_sessions_per_subject addr_auth_failures; do
		for v in 0 100001; do
			printf '%s = %s\n' "$k" "$v" >"$T/bad.conf"
			refused bad.conf "bad.conf:1: $k: must be an integer from 1 to 100000"
		done
	done
}

@test "config error: malformed origin" {
	printf 'allowed_origins = https://ok.example ftp://x\n' >"$T/bad.conf"
	refused bad.conf 'bad.conf:1: allowed_origins: "ftp://x" is not'
}

@test "config error: a line without =" {
	printf 'threads 4\n' >"$T/bad.conf"
	refused bad.conf "bad.conf:1: expected key = value"
}

@test "config error: bad log level" {
	printf 'log_level = chatty\n' >"$T/bad.conf"
	refused bad.conf "bad.conf:1: log_level: must be an RFC 5424 level name"
}

@test "error_log: the log goes to that file (relative to the configuration's directory), mode 0600, not to stderr" {
	mkdir "$T/etc"
	printf 'store_path = %s\nauth = none\nerror_log = log/r.log\n' \
	    "$STORE_PATH" >"$T/etc/log.conf"
	mkdir "$T/etc/log"
	cgi '{"jsonrpc":"2.0","id":1,"method":"nope"}' \
	    MCP_FCGI_CONFIG="$T/etc/log.conf"
	[ "$CGI_STATUS" = 400 ]
	[ ! -s "$T/err" ]
	rid=$(sed -n 's/^X-Request-Id: \([0-9a-f]*\).*/\1/p' "$T/out")
	grep -q "rid=$rid Bad Request: Mcp-Session-Id header is required" \
	    "$T/etc/log/r.log"
	[ "$(stat -c %a "$T/etc/log/r.log")" = 600 ]
	# A second process appends.
	n=$(wc -l <"$T/etc/log/r.log")
	cgi '{"jsonrpc":"2.0","id":1,"method":"nope"}' \
	    MCP_FCGI_CONFIG="$T/etc/log.conf"
	[ "$(wc -l <"$T/etc/log/r.log")" -gt "$n" ]
}

@test "config error: error_log empty, or a file that cannot be opened" {
	printf 'error_log =\n' >"$T/bad.conf"
	refused bad.conf "bad.conf:1: error_log: must not be empty"
	printf 'store_path = %s\nauth = none\nerror_log = %s/no/such/dir/e.log\n' \
	    "$STORE_PATH" "$T" >"$T/bad.conf"
	refused bad.conf "error_log $T/no/such/dir/e.log: No such file or directory"
}

@test "config: missing file is an error" {
	refused none.conf "none.conf: No such file or directory"
}

@test "configured origin list replaces the loopback default" {
	printf 'store_path = %s\nauth = none\nallowed_origins = https://app.example.com\n' "$STORE_PATH" >"$T/ok.conf"
	cgi "$INIT" HTTP_ORIGIN=https://app.example.com
	[ "$CGI_STATUS" = 200 ]
	grep -q '^Access-Control-Allow-Origin: https://app.example.com' "$T/out"
	cgi "$INIT" HTTP_ORIGIN=https://app.example.com:8443
	[ "$CGI_STATUS" = 403 ]
	cgi "$INIT" HTTP_ORIGIN=http://localhost:3000
	[ "$CGI_STATUS" = 403 ]
}

@test "an origin entry ending in :* allows any port of that host" {
	printf 'store_path = %s\nauth = none\nallowed_origins = https://app.example.com:*\n' "$STORE_PATH" >"$T/ok.conf"
	cgi "$INIT" HTTP_ORIGIN=https://app.example.com:8443
	[ "$CGI_STATUS" = 200 ]
	cgi "$INIT" HTTP_ORIGIN=https://app.example.com
	[ "$CGI_STATUS" = 200 ]
	cgi "$INIT" HTTP_ORIGIN=https://app.example.com.evil:443
	[ "$CGI_STATUS" = 403 ]
	cgi "$INIT" HTTP_ORIGIN=http://app.example.com:80
	[ "$CGI_STATUS" = 403 ]
}

@test "a newline in a header value cannot forge a log line" {
	cgi "$INIT" HTTP_ORIGIN="$(printf 'http://evil\nFAKE info rid=x forged')"
	[ "$CGI_STATUS" = 403 ]
	! grep -q '^FAKE' "$T/err" || false
	grep -q 'Origin not allowed -> 403: http://evil?FAKE info rid=x forged' "$T/err"
}

@test "allowed_origins = * still refuses an Origin with CR LF (no header injection)" {
	printf 'store_path = %s\nauth = none\nallowed_origins = *\n' "$STORE_PATH" >"$T/ok.conf"
	cgi "$INIT" HTTP_ORIGIN=https://anything.example
	[ "$CGI_STATUS" = 200 ]
	grep -q '^Access-Control-Allow-Origin: https://anything.example' "$T/out"
	cgi "$INIT" HTTP_ORIGIN="$(printf 'https://a.example\r\nX-Injected: 1')"
	[ "$CGI_STATUS" = 403 ]
	! grep -qi '^X-Injected' "$T/out" || false
}

@test "a cancellation prunes cancellations older than max(request_timeout_seconds, 600)" {
	cgi "$INIT"
	sid=$(sed -n 's/^Mcp-Session-Id: \([0-9a-f]*\).*/\1/p' "$T/out")
	now=$(date +%s)
	store_sql "INSERT INTO cancelled (session, rid, created) VALUES ('$sid','\"old\"',$((now - 700)));
	    INSERT INTO cancelled (session, rid, created) VALUES ('$sid','\"recent\"',$((now - 500)));"
	cgi '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"new"}}' \
	    HTTP_MCP_SESSION_ID="$sid" HTTP_MCP_PROTOCOL_VERSION=2025-11-25
	[ "$CGI_STATUS" = 202 ]
	[ "$(store_sql "SELECT rid FROM cancelled ORDER BY rid" | paste -sd' ')" = '"new" "recent"' ]
	# A longer request timeout keeps them as long as a request may run.
	printf 'request_timeout_seconds = 1200\n' >>"$T/ok.conf"
	store_sql "INSERT INTO cancelled (session, rid, created) VALUES ('$sid','\"mid\"',$((now - 700)));
	    INSERT INTO cancelled (session, rid, created) VALUES ('$sid','\"older\"',$((now - 1300)));"
	cgi '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}' \
	    HTTP_MCP_SESSION_ID="$sid" HTTP_MCP_PROTOCOL_VERSION=2025-11-25
	[ "$CGI_STATUS" = 202 ]
	[ "$(store_sql "SELECT rid FROM cancelled ORDER BY rid" | paste -sd' ')" = '"mid" "new" "recent" 7' ]
}

@test "CGI: no task: one that may be a task answers plainly, one that must be says this deployment runs none" {
	meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}'
	b='{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{'"$meta"',"name":"slow_compute","arguments":{"seconds":1,"label":"cgi"}}}'
	cgi "$b" HTTP_MCP_PROTOCOL_VERSION=2026-07-28 HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=slow_compute
	jqb '.result.resultType == "complete" and .result.content[0].text == "Computation \"cgi\" completed after 1 seconds."'
	b='{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{'"$meta"',"name":"failing_job"}}'
	cgi "$b" HTTP_MCP_PROTOCOL_VERSION=2026-07-28 HTTP_MCP_METHOD=tools/call HTTP_MCP_NAME=failing_job
	jqb '. == {"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"This tool runs only as a task, and a plain CGI deployment runs none"}}'
}
