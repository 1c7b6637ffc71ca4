#!/usr/bin/env bats
# subscriptions/listen (2026-07-28): the acknowledgement first with the
# subset we honour, then only the notices asked for, each tagged with the
# listen's id; several listens at once; the client closing the stream
# ends the listen; the server ending one sends its result first; each
# refusal; and the 2.x client hearing another client's change, then
# listening again after its stream broke.

load helper

setup_file() {
	CONF_SET="stream_max_seconds=10 max_streams_per_subject=2 keepalive_seconds=2" \
	    start_server
	two_workspaces
	use_js
}
teardown_file() {
	kill_listeners
	stop_server
}
# A caller of its own per test: streams of earlier tests never count.
setup() {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request holds no stream (60-cgi.bats: what it answers instead)"
	URL=$BASE/mcp
	TL=$(token_for "wks:read env:read" "$WA")
}
teardown() { kill_listeners; }

# listen NAME TOKEN ID FILTER: a subscriptions/listen held by curl in
# the background ($STATE/NAME.h, .b, .pid).
listen() {
	local n=$1 t=$2 id=$3 f=$4
	rm -f "$STATE/$n.h" "$STATE/$n.b"
	curl -sN -D "$STATE/$n.h" "$URL" -H "Authorization: Bearer $t" \
	    -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
	    -H 'MCP-Protocol-Version: 2026-07-28' \
	    -H 'Mcp-Method: subscriptions/listen' --data-binary \
	    '{"jsonrpc":"2.0","id":'"$id"',"method":"subscriptions/listen","params":{'"$MODERN_META"',"notifications":'"$f"'}}' \
	    >"$STATE/$n.b" 3>&- &
	held "$n" $!
}

# msgs NAME: the stream's messages, one JSON per line.
msgs() {
	sed -n 's/^data: //p' "$STATE/$1.b"
}

# rename TOKEN: the workspace renamed (a notice for mcp-fcgi://workspace).
rename() {
	TOKEN=$1 mpost tools/call '"name":"update_workspace","arguments":{"name":"L '"$RANDOM"'"}' \
	    -H 'Mcp-Name: update_workspace'
	[ "$STATUS" = 200 ]
}

WS='{"resourceSubscriptions":["mcp-fcgi://workspace"]}'

@test "the acknowledgement comes first: the honoured subset, tagged with the listen's id; no event ids" {
	listen a "$TL" '"L1"' '{"toolsListChanged":true,"promptsListChanged":true,"resourcesListChanged":false,"resourceSubscriptions":["mcp-fcgi://workspace","mcp-fcgi://nope","mcp-fcgi://org-templates"]}'
	seen a 'subscriptions/acknowledged'
	grep -qi '^content-type: text/event-stream' "$STATE/a.h"
	# Our lists never change; org-templates needs org:read; nope is none.
	msgs a | head -1 | jq -e '. == {"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"notifications":{"resourceSubscriptions":["mcp-fcgi://workspace"]},"_meta":{"io.modelcontextprotocol/subscriptionId":"L1"}}}'
	! grep -q '^id:' "$STATE/a.b" || false
	! grep -q '^retry:' "$STATE/a.b" || false
}

@test "a change reaches the listen as it happens, tagged; a notice not asked for never comes" {
	listen a "$TL" 7 "$WS"
	seen a 'subscriptions/acknowledged'
	t=$(token_for "env:write" "$WA")
	TOKEN=$t mpost tools/call '"name":"create_environment","arguments":{"name":"L'"$RANDOM"'","type":"staging"}' \
	    -H 'Mcp-Name: create_environment'
	[ "$STATUS" = 200 ]
	rename "$TA"
	seen a 'resources/updated' 3
	kill -0 "$(cat "$STATE/a.pid")"
	[ "$(msgs a | wc -l)" = 2 ]
	msgs a | tail -1 | jq -e '. == {"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"mcp-fcgi://workspace","_meta":{"io.modelcontextprotocol/subscriptionId":7}}}'
}

@test "several listens at once: each hears the change under its own id; another workspace's hears nothing" {
	listen a "$TL" 1 "$WS"
	listen b "$TL" '"two"' "$WS"
	listen c "$(token_for "wks:read" "$WB")" 3 "$WS"
	seen a 'acknowledged'
	seen b 'acknowledged'
	seen c 'acknowledged'
	rename "$TA"
	seen a 'resources/updated' 3
	seen b 'resources/updated' 3
	msgs a | tail -1 | jq -e '.params._meta["io.modelcontextprotocol/subscriptionId"] == 1'
	msgs b | tail -1 | jq -e '.params._meta["io.modelcontextprotocol/subscriptionId"] == "two"'
	sleep 0.5
	[ "$(msgs c | wc -l)" = 1 ]
}

# lighttpd watches a client whose request had a body only while writing
# to it: a listen (a POST) whose client left is seen at the next
# keep-alive (2 s here), where a GET stream's is seen at once.
@test "the client closing the stream ends the listen and its session by the next keep-alive" {
	listen a "$TL" 1 "$WS"
	seen a 'acknowledged'
	n=$(store_sql "SELECT count(*) FROM sessions WHERE legacy = 2")
	[ "$n" -ge 1 ]
	kill "$(cat "$STATE/a.pid")"
	for _ in $(seq 80); do
		m=$(store_sql "SELECT count(*) FROM sessions WHERE legacy = 2")
		[ "$m" -lt "$n" ] && break
		sleep 0.05
	done
	[ "$m" -lt "$n" ]
}

@test "a listen of a client that is then revoked ends, its result last; another client's goes on" {
	c=$($MCPCTL client add --name doomed-listen --scopes "wks:read" --workspace "$WA")
	id=$(jq -r .client_id <<<"$c")
	t=$($MCPCTL token --client "$id" | jq -r .access_token)
	listen a "$t" 5 "$WS"
	listen b "$TL" 6 "$WS"
	seen a 'acknowledged'
	seen b 'acknowledged'
	$MCPCTL client revoke "$id" | jq -e '.revoked > 0'
	seen a '"resultType":"complete"' 10
	msgs a | tail -1 | jq -e '.id == 5 and .result.resultType == "complete"'
	for _ in $(seq 60); do kill -0 "$(cat "$STATE/a.pid")" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$(cat "$STATE/a.pid")" 2>/dev/null || false
	grep -q "its client or sign-in was revoked" "$STATE/mcp-fcgi.log"
	kill -0 "$(cat "$STATE/b.pid")"
	! grep -q '"resultType":"complete"' "$STATE/b.b" || false
}

@test "a listen's session is no session for Mcp-Session-Id: 404" {
	listen a "$TL" 1 "$WS"
	seen a 'acknowledged'
	sid=$(store_sql "SELECT id FROM sessions WHERE legacy = 2 ORDER BY created DESC LIMIT 1")
	TOKEN=$TL SID=$sid spost 2025-11-25 '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	[ "$STATUS" = 404 ]
}

@test "the server ending a listen (stream_max_seconds, 10 here) sends its result first, then ends" {
	listen a "$TL" '"end"' "$WS"
	seen a 'acknowledged'
	for _ in $(seq 150); do
		kill -0 "$(cat "$STATE/a.pid")" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$(cat "$STATE/a.pid")" 2>/dev/null || false
	msgs a | tail -1 | jq -e '. == {"jsonrpc":"2.0","id":"end","result":{"resultType":"complete","_meta":{"io.modelcontextprotocol/subscriptionId":"end"}}}'
}

@test "filters that are not one: -32602 each" {
	for f in '"x"' '{"toolsListChanged":"yes"}' '{"resourceSubscriptions":"mcp-fcgi://workspace"}' \
	    '{"resourceSubscriptions":[1]}' \
	    "{\"resourceSubscriptions\":[$(printf '"u%d",' $(seq 257) | sed 's/,$//')]}"; do
		TOKEN=$TL mpost subscriptions/listen '"notifications":'"$f"
		[ "$STATUS" = 200 ] || { echo "$f: $STATUS" >&2; return 1; }
		jqb '.id == 7 and .error.code == -32602'
	done
	TOKEN=$TL mpost subscriptions/listen ''
	jqb '.error.code == -32602 and (.error.message | test("notifications"))'
}

@test "listens count against max_streams_per_subject (2 per process): past it 429, the request's id" {
	skip_behind apache-fcgid "one request per process: the bound is per process, and Apache's FcgidMaxProcessesPerClass bounds the processes"
	for i in 1 2 3 4 5; do
		listen "l$i" "$TL" "$i" "$WS"
	done
	sleep 1
	n429=0
	for i in 1 2 3 4 5; do
		if grep -q '^HTTP/1.1 429' "$STATE/l$i.h"; then
			n429=$((n429 + 1))
			jq -e '.id == '"$i"' and .error.code == -32043' "$STATE/l$i.b"
		fi
	done
	[ "$n429" -ge 1 ]
}

@test "the 2.x client: listen(), another client's change heard, re-listened after the stream broke" {
	lighttpd_only "spawn-fcgi does not restart responders that die (systemd and lighttpd do)"
	cd "$JS"
	node sdk2-listen.mjs "$URL" "$TL" "$TA" >"$STATE/sdk.out" 2>&1 3>&- &
	pid=$!
	held sdk $pid
	for _ in $(seq 200); do
		grep -q '^heard 1' "$STATE/sdk.out" && break
		sleep 0.05
	done
	grep -q '^heard 1' "$STATE/sdk.out" || { cat "$STATE/sdk.out" >&2; return 1; }
	# Every responder killed: the stream breaks without a result.
	pkill -9 -f "$ROOT/$BUILD/mcp.fcgi"
	wait $pid || { cat "$STATE/sdk.out" >&2; return 1; }
	cat "$STATE/sdk.out"
	grep -q '^closed remote' "$STATE/sdk.out"
	grep -q '^heard 2' "$STATE/sdk.out"
	grep -q '^sdk2-listen ok' "$STATE/sdk.out"
}
