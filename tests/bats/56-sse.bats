#!/usr/bin/env bats
# The 2024-11-05 HTTP+SSE transport beside /mcp: GET /sse opens the
# stream that is the session (its endpoint event first), POST
# /messages?sessionId= is answered 202 and its answer arrives on the
# stream, from whichever process took the POST.  Tokens, scopes,
# isolation and audit are those of /mcp, on the GET and on every POST;
# then the real clients: the SDK's SSEClientTransport, mcp-remote (URL
# /sse, and --transport sse-only) and MCP Inspector's SSE transport.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	start_server
	two_workspaces
	use_js
}
teardown_file() {
	kill_listeners
	stop_server
}
setup() {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request holds no stream (60-cgi.bats: what it answers instead)"
	URL=$BASE/mcp
}
teardown() { kill_listeners; }

# sse NAME TOKEN: GET /sse held by curl in the background ($STATE/NAME.h,
# $STATE/NAME.b, $STATE/NAME.pid); waits for the endpoint event and sets
# EP (its data) and SID (the session id in it).
sse() {
	local n=$1 t=$2 i
	rm -f "$STATE/$n.h" "$STATE/$n.b"
	curl -sN -D "$STATE/$n.h" "$BASE/sse" -H 'Accept: text/event-stream' \
	    ${t:+-H "Authorization: Bearer $t"} >"$STATE/$n.b" 3>&- &
	held "$n" $!
	for i in $(seq 100); do
		grep -q '^data: ' "$STATE/$n.b" 2>/dev/null && break
		sleep 0.05
	done
	EP=$(sed -n 's/^data: //p' "$STATE/$n.b" | head -1)
	SID=${EP##*sessionId=}
	[ -n "$EP" ] || { cat "$STATE/$n.h" "$STATE/$n.b" >&2; return 1; }
}

# msg TOKEN BODY [curl args]: a POST to the stream's endpoint URI (of
# Content-Type $CT, else JSON).
msg() {
	local t=$1 b=$2
	shift 2
	req POST "$BASE/$EP" -H "Content-Type: ${CT:-application/json}" \
	    ${t:+-H "Authorization: Bearer $t"} --data-binary "$b" "$@"
}

# answer NAME ID [SECONDS]: the JSON-RPC answer of id ID on the stream.
answer() {
	local i
	for i in $(seq $((${3:-5} * 20))); do
		OUT=$(sed -n 's/^data: \({.*\)$/\1/p' "$STATE/$1.b" |
		    jq -c "select(.id == $2)" 2>/dev/null)
		[ -n "$OUT" ] && return 0
		sleep 0.05
	done
	echo "no answer $2 on stream $1:" >&2
	cat "$STATE/$1.b" >&2
	return 1
}

# begin NAME TOKEN: a stream and its session, initialized.
begin() {
	sse "$1" "$2"
	msg "$2" '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}'
	[ "$STATUS" = 202 ]
	answer "$1" 1
	msg "$2" '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	[ "$STATUS" = 202 ]
}

@test "GET /sse: 200 text/event-stream, the endpoint event first: relative, a session id" {
	sse a "$TA"
	grep -qi '^content-type: text/event-stream' "$STATE/a.h"
	[ "$(head -1 "$STATE/a.b")" = "event: endpoint" ]
	[[ "$EP" =~ ^messages\?sessionId=[0-9a-f]{64}$ ]]
}

@test "POST messages: 202 at once, the answers on the stream: initialize, tools/list, tools/call" {
	sse a "$TA"
	msg "$TA" '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}'
	[ "$STATUS" = 202 ]
	[ -z "$BODY" ]
	answer a 1
	# 2024-11-05 is not ours: our newest revision is offered.
	jqo '.result.protocolVersion == "2025-11-25" and .result.serverInfo.name == "mcp-fcgi"' "$OUT"
	grep -q '^event: message$' "$STATE/a.b"
	msg "$TA" '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	[ "$STATUS" = 202 ]
	msg "$TA" '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
	[ "$STATUS" = 202 ]
	answer a 2
	jqo '[.result.tools[].name] | index("whoami") != null' "$OUT"
	msg "$TA" '{"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"whoami","arguments":{}}}'
	answer a '"w"'
	jqo '.result.structuredContent.workspace == "'"$WA"'"' "$OUT"
}

@test "no token: 401 with the endpoint's challenge on GET /sse and on POST /messages" {
	req GET "$BASE/sse" -H 'Accept: text/event-stream'
	[ "$STATUS" = 401 ]
	[[ "$(header WWW-Authenticate)" == "Bearer resource_metadata=\"$BASE/.well-known/oauth-protected-resource/mcp\""* ]]
	sse a "$TA"
	msg "" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 401 ]
	[[ "$(header WWW-Authenticate)" == "Bearer resource_metadata="* ]]
	msg "not-a-token" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 401 ]
}

@test "a token without the tool's scope: 403 insufficient_scope on the POST, nothing on the stream" {
	t=$(token_for "wks:read" "$WA")
	begin a "$t"
	msg "$t" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"create_environment","arguments":{"name":"x","type":"development"}}}'
	[ "$STATUS" = 403 ]
	[[ "$(header WWW-Authenticate)" == *'scope="env:write", error="insufficient_scope"'* ]]
	jqb '.id == 9 and .error.code == -32041'
	sleep 0.5
	! grep -q '"id":9' "$STATE/a.b" || false
}

@test "sessionId: missing 400; malformed, unknown or another caller's 404; a /mcp session's 404" {
	sse a "$TA"
	ep=$EP
	EP=messages msg "$TA" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 400 ]
	EP="messages?sessionId=abc" msg "$TA" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 404 ]
	EP="messages?sessionId=$(printf '%064d' 0)" msg "$TA" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 404 ]
	EP=$ep msg "$TB" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32001'
	# A Streamable HTTP session is not one of this transport's.
	TOKEN=$TA init_session 2025-11-25
	EP="messages?sessionId=$SID" msg "$TA" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 404 ]
}

@test "POST bodies: bad JSON 400, a batch 400, not JSON 415, GET on messages 405" {
	begin a "$TA"
	msg "$TA" '{"jsonrpc":'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700'
	msg "$TA" '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'
	[ "$STATUS" = 400 ]
	CT=text/plain msg "$TA" 'x'
	[ "$STATUS" = 415 ]
	req GET "$BASE/$EP" -H "Authorization: Bearer $TA"
	[ "$STATUS" = 405 ]
	req POST "$BASE/sse" -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' --data-binary '{}'
	[ "$STATUS" = 405 ]
}

@test "the session lives as long as its stream: after the client left, its POSTs are 404" {
	begin a "$TA"
	kill "$(cat "$STATE/a.pid")"
	for _ in $(seq 40); do
		msg "$TA" '{"jsonrpc":"2.0","id":3,"method":"ping"}'
		[ "$STATUS" = 404 ] && break
		sleep 0.05
	done
	[ "$STATUS" = 404 ]
}

@test "isolation: another workspace's environment reads as one that never existed" {
	TOKEN=$TB mpost tools/call '"name":"create_environment","arguments":{"name":"SseB","type":"staging"}' -H 'Mcp-Name: create_environment'
	envb=$(jq -r .result.structuredContent.id <<<"$BODY")
	begin a "$TA"
	msg "$TA" '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_environment","arguments":{"environment_id":"'"$envb"'"}}}'
	[ "$STATUS" = 202 ]
	answer a 4
	jqo '.result.isError == true and (.result.content[0].text | startswith("No environment " + "'"$envb"'" + " in your workspace"))' "$OUT"
}

@test "every POST lands in either process; each answer reaches the stream, each call is audited" {
	begin a "$TA"
	holder=$(grep "session created with stream .* (HTTP+SSE)" "$STATE/mcp-fcgi.log" | tail -1 | sed -n 's/.*mcp-fcgi\[\([0-9]*\)\].*/\1/p')
	other=0
	for i in $(seq 10 30); do
		msg "$TA" '{"jsonrpc":"2.0","id":'"$i"',"method":"tools/call","params":{"name":"whoami","arguments":{}}}'
		[ "$STATUS" = 202 ]
		rid=$(header X-Request-Id)
		answer a "$i"
		pid=$(grep "rid=$rid" "$STATE/mcp-fcgi.log" | head -1 | sed -n 's/.*mcp-fcgi\[\([0-9]*\)\].*/\1/p')
		[ -n "$pid" ] && [ "$pid" != "$holder" ] && other=$((other + 1))
		l=$(audit_line "$rid")
		jqo '.method == "tools/call" and .tool == "whoami" and .status == 202' "$l"
	done
	[ "$other" -ge 1 ]
}

@test "SDK 1.x SSEClientTransport: tools, whoami, a 403 on a POST" {
	cd "$JS"
	run timeout 60 node sdk-sse.mjs "$BASE/sse" "$(token_for "wks:read" "$WA")" "$WA"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk1-sse ok"* ]]
}

@test "mcp-remote URL/sse (the article's line): it falls back from Streamable HTTP to SSE, whoami" {
	out=$(remote_call "$BASE/sse" --header "Authorization: Bearer $TA")
	jqo '.result.structuredContent.workspace == "'"$WA"'"' "$out"
	grep -q 'session created with stream .* (HTTP+SSE)' "$STATE/mcp-fcgi.log"
}

@test "mcp-remote --transport sse-only: whoami" {
	out=$(remote_call "$BASE/sse" --transport sse-only \
	    --header "Authorization: Bearer $TA")
	jqo '.result.structuredContent.workspace == "'"$WA"'"' "$out"
}

@test "MCP Inspector 2.x (CLI) over its SSE transport: tools/list" {
	cd "$JS"
	run --separate-stderr timeout 60 mcp-inspector --cli "$BASE/sse" --transport sse \
	    --header "Authorization: Bearer $TA" --method tools/list
	echo "$output" | head -20
	[ "$status" = 0 ]
	jqo '[.tools[].name] | index("whoami") != null'
}
