#!/usr/bin/env bats
# import_organizations, real work that takes a while: batches written
# whole, notifications/progress after each flushed through lighttpd as it
# happens (arrival times), a taken external_id skipped, the quota
# stopping it, and cancellation between batches: notifications/cancelled
# (2025) or the client closing the stream (2026-07-28), with nothing
# half-written.

load helper

setup_file() {
	CONF_SET="workspace_max_organizations=40" start_server
}
teardown_file() {
	kill_listeners
	stop_server
}
teardown() { kill_listeners; }

# fresh: a workspace of its own (the quota is per workspace), a token of
# it ($T) and an environment ($ENV).
fresh() {
	local w
	w=$($MCPCTL workspace add --name "imp-$RANDOM" | jq -r .id)
	T=$(token_for "$ALL_SCOPES" "$w")
	URL=$BASE/mcp
	TOKEN=$T mpost tools/call '"name":"create_environment","arguments":{"name":"imp","type":"staging"}' \
	    -H 'Mcp-Name: create_environment'
	ENV=$(jq -r .result.structuredContent.id <<<"$BODY")
	[[ "$ENV" == env_* ]]
}

# orgs N [PREFIX]: a JSON list of N organizations with external ids.
orgs() {
	jq -cn --argjson n "$1" --arg p "${2:-x}" \
	    '[range($n) | {name: "Org \(.)", external_id: "\($p)-\(.)"}]'
}

# simport ID ARGS TOKEN: in session $SID of $T (2025-11-25), a tools/call
# of import_organizations into $ENV with the other ARGS (JSON members)
# and progress token TOKEN (JSON), its SSE answer on stdout as it comes.
simport() {
	curl -sN "$URL" -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
	    -H "Authorization: Bearer $T" -H "Mcp-Session-Id: $SID" \
	    -H 'MCP-Protocol-Version: 2025-11-25' --data-binary \
	    '{"jsonrpc":"2.0","id":'"$1"',"method":"tools/call","params":{"name":"import_organizations","arguments":{"environment_id":"'"$ENV"'",'"$2"'},"_meta":{"progressToken":'"$3"'}}}'
}

# stamped NAME: reads stdin, each line prefixed with the time it came.
stamped() {
	while IFS= read -r line; do
		printf '%s %s\n' "$(date +%s.%N)" "$line"
	done >"$STATE/$1.b"
}

# count: organizations in $ENV, from the store.
count() {
	store_sql \
	    "SELECT count(*) FROM organizations WHERE environment = '$ENV'"
}

@test "batches with progress after each, flushed as they happen; the ids in order" {
	fresh
	TOKEN=$T init_session 2025-11-25
	simport 3 '"batch_size":4,"organizations":'"$(orgs 20)" '"p"' | stamped a
	p=$(grep -c '"notifications/progress"' "$STATE/a.b")
	[ "$p" = 5 ]
	sed -n 's/^[0-9.]* data: //p' "$STATE/a.b" | jq -s -e '[.[] | select(.method) | .params.progress] == [4, 8, 12, 16, 20] and
	    ([.[] | select(.method) | .params.total] | unique) == [20]'
	res=$(sed -n 's/^[0-9.]* data: //p' "$STATE/a.b" | jq -c 'select(.id == 3) | .result.structuredContent')
	jqo '.total == 20 and .processed == 20 and .imported == 20 and (.organization_ids | length) == 20 and .skipped == [] and .stopped == null' "$res"
	# The ids are those of the list's order.
	first=$(jq -r '.organization_ids[0]' <<<"$res")
	[ "$(store_sql "SELECT external_id FROM organizations WHERE id = '$first'")" = x-0 ]
	[ "$(count)" = 20 ]
	# The first progress came well before the answer: 4 waits of 10 ms
	# at least lie between them.
	t1=$(grep -m1 '"notifications/progress"' "$STATE/a.b" | cut -d' ' -f1)
	t2=$(grep '"id":3' "$STATE/a.b" | cut -d' ' -f1)
	awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b - a >= 0.04) }'
}

@test "a taken external_id is skipped and listed; the others are made" {
	fresh
	TOKEN=$T mpost tools/call '"name":"create_organization","arguments":{"environment_id":"'"$ENV"'","name":"Old","external_id":"x-2"}' \
	    -H 'Mcp-Name: create_organization'
	TOKEN=$T mpost tools/call '"name":"import_organizations","arguments":{"environment_id":"'"$ENV"'","organizations":'"$(orgs 5)"'}' \
	    -H 'Mcp-Name: import_organizations'
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent | .imported == 4 and .processed == 5 and .skipped == [{"index":2,"reason":"an organization with this external_id exists in the environment"}] and .stopped == null'
	[ "$(count)" = 5 ]
}

@test "another workspace's environment: not found, nothing made; the scope is org:write" {
	fresh
	mine=$ENV
	fresh
	TOKEN=$T mpost tools/call '"name":"import_organizations","arguments":{"environment_id":"'"$mine"'","organizations":'"$(orgs 3)"'}' \
	    -H 'Mcp-Name: import_organizations'
	jqb '.result.isError == true and (.result.content[0].text | startswith("No environment '"$mine"' in your workspace"))'
	ENV=$mine
	[ "$(count)" = 0 ]
	t=$(token_for "org:read")
	TOKEN=$t mpost tools/call '"name":"import_organizations","arguments":{"environment_id":"'"$mine"'","organizations":'"$(orgs 3)"'}' \
	    -H 'Mcp-Name: import_organizations'
	[ "$STATUS" = 403 ]
}

@test "the workspace's quota (40 here) stops it: the batches before stay, the result says where" {
	fresh
	TOKEN=$T mpost tools/call '"name":"import_organizations","arguments":{"environment_id":"'"$ENV"'","batch_size":7,"organizations":'"$(orgs 50)"'}' \
	    -H 'Mcp-Name: import_organizations'
	jqb '.result.structuredContent | .imported == 40 and .processed == 40 and .stopped == "quota"'
	[ "$(count)" = 40 ]
}

@test "notifications/cancelled stops it between batches: whole batches only, no answer" {
	fresh
	TOKEN=$T init_session 2025-11-25
	simport '"imp"' '"batch_size":3,"organizations":'"$(orgs 39)" 1 \
	    >"$STATE/a.b" 3>&- &
	held a $!
	seen a '"notifications/progress"'
	TOKEN=$T spost 2025-11-25 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"imp","reason":"bats"}}'
	[ "$STATUS" = 202 ]
	wait "$(cat "$STATE/a.pid")" || true
	n=$(count)
	[ "$n" -lt 39 ] && [ $((n % 3)) = 0 ]
	! grep -q '"id":"imp"' "$STATE/a.b" || false
	grep -q "import_organizations: $n of 39 looked at, $n made, stopped by cancellation" "$STATE/mcp-fcgi.log"
}

@test "2026-07-28: the client closing the stream stops it between batches, whole batches only" {
	fresh
	curl -sN -D "$STATE/a.h" "$URL" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" \
	    -H "Authorization: Bearer $T" -H 'MCP-Protocol-Version: 2026-07-28' \
	    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: import_organizations' --data-binary \
	    '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"import_organizations","arguments":{"environment_id":"'"$ENV"'","batch_size":1,"organizations":'"$(orgs 39)"'},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"progressToken":1}}}' \
	    >"$STATE/a.b" 3>&- &
	held a $!
	seen a '"notifications/progress"'
	kill "$(cat "$STATE/a.pid")"
	rid=$(grep -i '^x-request-id:' "$STATE/a.h" | cut -d' ' -f2 | tr -d '\r')
	# The next progress write finds the stream gone; the call stops there.
	for _ in $(seq 40); do
		grep -q "rid=$rid import_organizations: .* stopped by cancellation" "$STATE/mcp-fcgi.log" && break
		sleep 0.1
	done
	grep -q "rid=$rid import_organizations: .* stopped by cancellation" "$STATE/mcp-fcgi.log"
	n=$(count)
	sleep 0.5
	[ "$(count)" = "$n" ] && [ "$n" -lt 39 ]
}
