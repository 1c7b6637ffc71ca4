#!/usr/bin/env bats
# The smoke suite behind each web server (MCP_SERVER; make test runs it
# behind nginx, Apache mod_proxy_fcgi and mod_fcgid, and plain CGI under
# Apache and lighttpd, the whole suite behind lighttpd's FastCGI): discovery at both paths, the Authorization header reaching
# the responder, a client-credentials token, a session and a scoped call,
# a 403, a 2026-07-28 call, SSE events arriving while the tool runs, an
# elicitation answered through the other process, a held GET stream, and
# the real SDK client.

load ../bats/helper

# One thread per fixture process: an answer to a server-to-client request
# must come through the other process.
server_prestart() {
	sed -i 's/^threads = .*/threads = 1/' "$STATE/mcp-fcgi-open.conf"
}

setup_file() {
	start_server
	use_js
}
teardown_file() { stop_server; }

setup() { URL=$BASE/mcp; }

@test "[$SERVER] protected resource metadata at the root and at the path-suffixed URL" {
	for p in /.well-known/oauth-protected-resource/mcp /.well-known/oauth-protected-resource; do
		req GET "$BASE$p"
		[ "$STATUS" = 200 ]
		jqb '.resource == "'"$BASE"'/mcp" and .authorization_servers == ["'"$BASE"'"]'
	done
	req GET "$BASE/.well-known/oauth-authorization-server"
	jqb '.token_endpoint == "'"$BASE"'/oauth/token"'
	req GET "$BASE/.well-known/nothing"
	[ "$STATUS" = 404 ]
	[ "$(header Content-Type)" = application/json ]
}

@test "[$SERVER] no token: 401 naming the metadata; a token gets through (Authorization reaches the responder)" {
	NOAUTH=1 post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'
	[ "$STATUS" = 401 ]
	[[ "$(header WWW-Authenticate)" == *'resource_metadata="'"$BASE"'/.well-known/oauth-protected-resource/mcp"'* ]]
	jqb '.id == 1 and .error.code == -32040'
	init_session 2025-11-25
}

@test "[$SERVER] Authorization given twice, a valid token first: refused, neither copy believed" {
	NOAUTH=1 post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}' \
	    -H "Authorization: Bearer $TOKEN" -H 'Authorization: Bearer x.y.z'
	# nginx refuses the request itself; the others hand it on joined.
	if [ "$SERVER" = nginx ]; then
		[ "$STATUS" = 400 ]
		jqb '.error.code == -32000'
	else
		[ "$STATUS" = 401 ]
		jqb '.error.code == -32040'
	fi
}

@test "[$SERVER] a token past max_token_bytes reaches the responder (401); a header past the web server's limit is its JSON 4xx" {
	NOAUTH=1 post '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' \
	    -H "Authorization: Bearer $(head -c 9000 /dev/zero | tr '\0' a)"
	[ "$STATUS" = 401 ]
	[[ "$(header WWW-Authenticate)" == *'error="invalid_token"'* ]]
	NOAUTH=1 post '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' \
	    -H "Authorization: Bearer $(head -c 40000 /dev/zero | tr '\0' a)"
	[ "$STATUS" = 400 ] || [ "$STATUS" = 431 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '.error.code == -32000'
}

@test "[$SERVER] a client-credentials token for one scope: a scoped tool answers, another is 403" {
	tok=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \
	    -d scope=wks:read "$BASE/oauth/token" | jq -r .access_token)
	[ -n "$tok" ] && [ "$tok" != null ]
	TOKEN=$tok init_session 2025-11-25
	TOKEN=$tok spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}'
	jqb '.result.structuredContent.scopes == ["wks:read"]'
	TOKEN=$tok spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_environments","arguments":{}}}'
	[ "$STATUS" = 403 ]
	[[ "$(header WWW-Authenticate)" == *'error="insufficient_scope"'* ]]
}

@test "[$SERVER] a 2026-07-28 call" {
	mpost tools/call '"name":"whoami","arguments":{}' -H 'Mcp-Name: whoami'
	[ "$STATUS" = 200 ]
	jqb '.result.resultType == "complete" and .result.structuredContent.client_id == "'"$CLIENT_ID"'"'
}

@test "[$SERVER] an answer refused before the body was read arrives whole: 415, 406, and 413 for 1 MiB" {
	# (mod_cgid cuts such an answer short unless the program takes the
	# body it left: curl would fail with 18, a short transfer.)
	URL=$BASE/mcp
	req POST "$URL" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' \
	    -H "Accept: $ACCEPT" --data-binary "$(head -c 20000 /dev/zero | tr '\0' x)"
	[ "$STATUS" = 415 ]
	jqb '.error.code == -32600'
	req POST "$URL" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -H 'Accept: text/html' --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	[ "$STATUS" = 406 ]
	jqb '.error.code == -32600'
	head -c 1048600 /dev/zero | tr '\0' ' ' >"$STATE/big"
	req POST "$URL" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" --data-binary "@$STATE/big"
	[ "$STATUS" = 413 ]
	jqb '.error.code == -32600'
}

@test "[$SERVER] SSE: progress events arrive while the tool runs, not at the end" {
	run progress_times
	echo "$output"
	[ "$status" = 0 ]
	set -- $output
	[ "$1" = 4 ]
	[ "$2" -lt 200 ]
	[ $(( $3 - $2 )) -ge 450 ]
}

@test "[$SERVER] elicitation: the request on the call's stream, the answer through the other process" {
	URL=$BASE/conformance/mcp
	init_session 2025-11-25
	curl -s -N -o "$STATE/stream" -D "$STATE/sh" -X POST "$URL" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary '{"jsonrpc":"2.0","id":"e1","method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"Who?"}}}' &
	pid=$!
	for _ in $(seq 200); do grep -q 'elicitation/create' "$STATE/stream" 2>/dev/null && break; sleep 0.02; done
	req=$(sed -n 's/^data: \(.*elicitation.*\)$/\1/p' "$STATE/stream")
	id=$(echo "$req" | jq -r .id)
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"$id"'","result":{"action":"accept","content":{"username":"u","email":"e@example.com"}}}'
	[ "$STATUS" = 202 ]
	answer_rid=$(header X-Request-Id)
	wait $pid
	grep -q '"id":"e1","result"' "$STATE/stream"
	call_rid=$(grep -i '^X-Request-Id' "$STATE/sh" | cut -d' ' -f2 | tr -d '\r')
	# Apache keeps what the programs it starts write in its own log.
	logs=$(cat "$STATE/mcp-fcgi.log" "$STATE/apache-error.log" 2>/dev/null || true)
	p1=$(grep "rid=$call_rid sent elicitation/create" <<<"$logs" | grep -o 'mcp-fcgi\[[0-9]*\]' | head -1)
	p2=$(grep "rid=$answer_rid client answered" <<<"$logs" | grep -o 'mcp-fcgi\[[0-9]*\]' | head -1)
	[ -n "$p1" ] && [ -n "$p2" ] && [ "$p1" != "$p2" ]
}

@test "[$SERVER] a held GET stream carries a change made by another request (CGI: 405, said so)" {
	init_session 2025-11-25
	if [[ "$SERVER" == *-cgi ]]; then
		# A CGI program ends with its request: no stream to hold.
		req GET "$URL" -H "Accept: text/event-stream" \
		    -H "Authorization: Bearer $TOKEN" -H "Mcp-Session-Id: $SID" \
		    -H 'MCP-Protocol-Version: 2025-11-25'
		[ "$STATUS" = 405 ]
		[[ "$(header Allow)" != *GET* ]]
		jqb '.error.message == "Method Not Allowed: this endpoint offers no GET stream"'
		return 0
	fi
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://workspace"}}'
	[ "$STATUS" = 200 ]
	curl -s -N -o "$STATE/get.b" -X GET "$URL" -H "Accept: text/event-stream" \
	    -H "Authorization: Bearer $TOKEN" -H "Mcp-Session-Id: $SID" \
	    -H 'MCP-Protocol-Version: 2025-11-25' 3>&- &
	held get $!
	sleep 0.5
	mpost tools/call '"name":"update_workspace","arguments":{"name":"renamed '"$SERVER"'"}' -H 'Mcp-Name: update_workspace'
	jqb '.result.structuredContent.name == "renamed '"$SERVER"'"'
	seen get 'notifications/resources/updated' 5
	kill_listeners
}

@test "[$SERVER] the TypeScript SDK client: session, tools, progress, resource, prompt" {
	cd "$JS"
	run timeout 60 node sdk1.mjs "$BASE/conformance/mcp"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk1 ok"* ]]
}

@test "[$SERVER] what the web server answers itself is JSON, its status kept: an unknown path" {
	req GET "$BASE/nothing/here"
	[ "$STATUS" = 404 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '.error.code == -32000 and (.error.message | startswith("The web server answered this request itself"))'
}

@test "[$SERVER] the state, the keys and the configuration are out of reach" {
	for p in /mcp.db /var/mcp.db /keys/ /mcp-fcgi.conf /etc/mcp-fcgi.conf.in \
	    /../var/mcp.db /%2e%2e/etc/mcp-fcgi.conf.in /audit.log; do
		req GET "$BASE$p"
		[ "$STATUS" = 404 ] || [ "$STATUS" = 400 ] || [ "$STATUS" = 403 ] ||
		    { echo "$p: $STATUS"; return 1; }
		! grep -q 'SQLite format\|BEGIN PRIVATE\|issuer' "$STATE/b" || false
	done
}

# under PID: the pids of PID's descendants.
under() {
	local k
	for k in $(pgrep -P "$1"); do
		echo "$k"
		under "$k"
	done
}

@test "[$SERVER] under CGI, SIGTERM (the web server stopping) ends a program waiting for its client" {
	case $SERVER in
	apache-cgi|lighttpd-cgi) ;;
	*) skip "FastCGI responders: their stop is tested in 16-workers" ;;
	esac
	URL=$BASE/conformance/mcp
	init_session 2025-11-25
	curl -s -N -o "$STATE/stream" -X POST "$URL" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary '{"jsonrpc":"2.0","id":"e2","method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"Wait"}}}' 3>&- &
	pid=$!
	for _ in $(seq 200); do grep -q 'elicitation/create' "$STATE/stream" 2>/dev/null && break; sleep 0.02; done
	grep -q 'elicitation/create' "$STATE/stream"
	# This server's programs: its descendants (mod_cgid's are its
	# daemon's children).
	ps=$(under "$(cat "$STATE/pid")" | while read -r p; do
		if grep -qa conformance.fcgi "/proc/$p/cmdline" 2>/dev/null
		then echo "$p"; fi; done)
	[ -n "$ps" ]
	kill -TERM $ps
	for _ in $(seq 20); do
		left=
		for p in $ps; do running "$p" && left=1; done
		[ -z "$left" ] && break
		sleep 0.05
	done
	[ -z "$left" ]
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Last: it stops the responders of the servers that spawn none.
@test "[$SERVER] and a responder that is down: 502 or 503, in JSON" {
	case $SERVER in
	nginx|apache-proxy-fcgi) ;;
	*) skip "the web server starts its responders itself" ;;
	esac
	for f in "$STATE"/run/mcp.pid; do kill $(cat "$f"; echo); done
	sleep 0.5
	req POST "$URL" -H 'Content-Type: application/json' --data-binary '{}'
	[ "$STATUS" = 502 ] || [ "$STATUS" = 503 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '.error.code == -32000'
}
