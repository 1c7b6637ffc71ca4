#!/usr/bin/env bats
# The README's first command, `make run` (etc/run.sh; dependencies and the
# build are make's part): on a fresh state it creates the store, a signing
# key, a development workspace and a client of it, prints how to connect,
# and what it prints works: the token line, then tools and resources of
# the client's workspace.  A second start keeps the same client.

load helper

setup() {
	STATE=$(mktemp -d /tmp/mcpfcgi-run.XXXXXX)
	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT/mcp
}
teardown() {
	[ -n "${RUNPID:-}" ] && kill "$RUNPID" 2>/dev/null && wait "$RUNPID" 2>/dev/null
	rm -rf "$STATE"
}

# start: etc/run.sh in the background until it answers; OUT is what it printed.
start() {
	MCP_RUN_STATE=$STATE sh "$ROOT/etc/run.sh" "$PORT" 0 "$BUILD" \
	    >"$STATE/run.out" 2>&1 9>&- 8>&- 7>&- 6>&- 5>&- 4>&- 3>&- &
	RUNPID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
		sleep 0.1
	done
	OUT=$(cat "$STATE/run.out")
}

# mcall METHOD PARAMS NAME: a 2026-07-28 request with $TOKEN.
mcall() {
	TOKEN=$TOKEN mpost "$1" "$2" -H "Mcp-Name: $3"
}

@test "make run: prints how to connect, and that works on the dev workspace" {
	start
	[[ "$OUT" == *"Created the store and a signing key under $STATE"* ]]
	[[ "$OUT" == *"MCP endpoint (Streamable HTTP):   $URL"* ]]
	[[ "$OUT" == *"npx @modelcontextprotocol/inspector@0.22 --cli $URL"* ]]
	id=$(sed -n 's/^  client_id *//p' <<<"$OUT")
	secret=$(sed -n 's/^  client_secret *//p' <<<"$OUT")
	[ -n "$id" ] && [ -n "$secret" ]
	[ "$(stat -c %a "$STATE/dev-client.json")" = 600 ]
	# The printed token line, as a person would paste it.
	line=$(grep -A1 '^  TOKEN=' <<<"$OUT" | tr -d '\\\n')
	eval "TOKEN=${line#  TOKEN=}"
	[ -n "$TOKEN" ] && [ "$TOKEN" != null ]
	mcall tools/call '"name":"whoami","arguments":{}' whoami
	[ "$STATUS" = 200 ]
	ws=$(jq -r .result.structuredContent.workspace <<<"$BODY")
	[[ "$ws" =~ ^wks_[0-9a-f]{20}$ ]]
	# The workspace exists: tools and resources work in it at once.
	mcall tools/call '"name":"get_workspace","arguments":{}' get_workspace
	jqb '.result.structuredContent | .id == "'"$ws"'" and .name == "Development"'
	mcall tools/call '"name":"create_environment","arguments":{"name":"dev","type":"development"}' create_environment
	jqb '.result.isError != true and .result.structuredContent.type == "development"'
	mcall resources/read '"uri":"mcp-fcgi://workspace"' mcp-fcgi://workspace
	jqb '(.result.contents[0].text | fromjson).id == "'"$ws"'"'
	# Stopped and started again: the same client, no second workspace.
	kill "$RUNPID"
	wait "$RUNPID" 2>/dev/null || true
	start
	[[ "$OUT" != *"Created the store"* ]]
	[ "$(sed -n 's/^  client_id *//p' <<<"$OUT")" = "$id" ]
	[ "$(sqlite3 "$STATE/mcp.db" "SELECT count(*) FROM workspaces")" = 1 ]
}
