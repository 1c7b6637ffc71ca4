#!/usr/bin/env bats
# Real clients from npm are the judges: the official conformance suite,
# the TypeScript SDK 1.x client and the 2.x client, through lighttpd with
# two FastCGI processes per endpoint.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	start_server
	use_js
	# Two releases of the suite are installed and both name their program
	# `conformance`: each is called by its own path.
	CONFORMANCE="node $JS/node_modules/@modelcontextprotocol/conformance/dist/index.js"
	CONFORMANCE_NEXT="node $JS/node_modules/conformance-next/dist/index.js"
	export JS CONFORMANCE CONFORMANCE_NEXT
}
teardown_file() { stop_server; }

# CANNOT: the suite's scenarios a deployment cannot pass.  Where a process
# gets one request at a time (mod_fcgid, CGI) no task runs; where a
# process ends with its request (CGI) no stream is held: no POST stream
# ended early is resumed, no subscriptions/listen is held (two checks of
# server-stateless).
case $SERVER in
apache-fcgid) CANNOT='tasks-' ;;
apache-cgi|lighttpd-cgi)
	CANNOT='tasks-|server-sse-polling|server-stateless' ;;
*) CANNOT= ;;
esac

# judged MIN: $output's total has MIN checks or more and no failure;
# where CANNOT, failures in those scenarios alone (MIN counts them too).
judged() {
	local total
	total=$(echo "$output" | grep '^Total:')
	[[ "$total" =~ ^Total:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]
	if [ -z "$CANNOT" ]; then
		[ "$status" = 0 ]
		[ "${BASH_REMATCH[2]}" = 0 ]
		[ "${BASH_REMATCH[1]}" -ge "$1" ]
		! echo "$output" | grep -q '✗' || false
	else
		[ $((BASH_REMATCH[1] + BASH_REMATCH[2])) -ge "$1" ]
		! echo "$output" | grep '✗' | grep -Evq "✗ ($CANNOT)" || false
	fi
}

@test "node 22 from the node npm package" {
	run node --version
	[[ "$output" == v22.* ]]
}

@test "conformance suite: every active scenario passes" {
	cd "$JS"
	run timeout 300 $CONFORMANCE server --url "$URL"
	echo "$output" | tail -40
	judged 40
}

@test "the SSE scenarios of both suites: polling (resumption) and multiple streams, every check, no warning" {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request holds no stream to resume"
	cd "$JS"
	for c in "$CONFORMANCE" "$CONFORMANCE_NEXT"; do
		for sc in "server-sse-polling 3 server-sse-priming-event server-sse-retry-field server-sse-disconnect-resume" \
		    "server-sse-multiple-streams 2 server-accepts-multiple-post-streams server-sse-streams-functional"; do
			set -- $sc
			run timeout 120 $c server --url "$URL" --scenario "$1"
			echo "$output" | grep -E 'SUCCESS|WARNING|FAILURE|Passed'
			[ "$status" = 0 ]
			echo "$output" | grep -q "^Passed: $2/$2, 0 failed, 0 warnings$"
			shift 2
			# Every check by name: none merely informational.
			for k in "$@"; do
				echo "$output" | grep -Eq "\\[$k *\\] .*SUCCESS"
			done
		done
	done
}

@test "conformance suite --suite all: no failures" {
	cd "$JS"
	run timeout 300 $CONFORMANCE server --url "$URL" --suite all
	echo "$output" | grep -E '^(✓|✗|Total)'
	judged 40
}

@test "conformance suite 0.2 (newest): every active scenario passes" {
	cd "$JS"
	run $CONFORMANCE_NEXT --version
	[ "$output" = 0.2.0-alpha.12 ]
	run timeout 300 $CONFORMANCE_NEXT server --url "$URL"
	echo "$output" | tail -40
	judged 73
}

# Pending, draft and extension scenarios too: input-required results,
# tasks, custom headers, JSON Schema 2020-12 keywords at the 2026 wire.
@test "conformance suite 0.2 --suite all: no failures" {
	cd "$JS"
	run timeout 600 $CONFORMANCE_NEXT server --url "$URL" --suite all
	echo "$output" | grep -E '^(✗|Total)'
	judged 225
	# The families that were missing, each present and passing.
	fams="input-required-result-tampered-state json-schema-2020-12
	    http-custom-header-server-validation"
	[ -n "$CANNOT" ] ||
	    fams="$fams server-stateless tasks-lifecycle tasks-mrtr-composition"
	for f in $fams; do
		echo "$output" | grep -q "^✓ $f: "
	done
}

@test "conformance suite 0.2: the 2026-07-28 requirement set, scored and not, without a failure" {
	cd "$JS"
	run timeout 600 $CONFORMANCE_NEXT server --url "$URL" --requirements 2026-07-28
	echo "$output" | grep -E '✗|Total|Not scored'
	judged 190
	[ -n "$CANNOT" ] ||
	    echo "$output" | grep -q 'scenario(s) run, 0 failing'
}

@test "TypeScript SDK 1.x client: session, tools, progress, resource, prompt" {
	cd "$JS"
	run timeout 60 node sdk1.mjs "$URL"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk1 ok"* ]]
}

@test "2.x client pinned to 2026-07-28" {
	cd "$JS"
	run timeout 60 node sdk2.mjs "$URL" pin
	echo "$output"
	[ "$status" = 0 ]
}

@test "2.x client negotiating with server/discover" {
	cd "$JS"
	run timeout 60 node sdk2.mjs "$URL" auto
	echo "$output"
	[ "$status" = 0 ]
}

@test "2.x client against /mcp with a bearer token: echo's structured output" {
	cd "$JS"
	run timeout 60 node --input-type=module -e "
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
const c = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
await c.connect(new StreamableHTTPClientTransport(new URL('$BASE/mcp'),
    { requestInit: { headers: { Authorization: 'Bearer $TOKEN' } } }));
const r = await c.callTool({ name: 'echo', arguments: { text: 'hi' } });
console.log(JSON.stringify(r.structuredContent));
await c.close();"
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = '{"text":"hi"}' ]
}

@test "the article's path: client credentials, then the SDK 1.x client lists and calls a scoped tool" {
	cd "$JS"
	run timeout 60 node sdk-auth.mjs "$BASE" "$CLIENT_ID" "$CLIENT_SECRET"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk-auth ok"* ]]
}

@test "MCP Inspector 2.x --cli with --header Authorization lists tools, calls a scoped tool, reads a resource" {
	cd "$JS"
	tok=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \
	    -d scope=wks:read "$BASE/oauth/token" | jq -r .access_token)
	run --separate-stderr timeout 60 mcp-inspector --cli "$BASE/mcp" --transport http \
	    --header "Authorization: Bearer $tok" --method tools/list
	[ "$status" = 0 ]
	jqo '[.tools[].name] == ["echo","whoami","get_usage","get_workspace","update_workspace","list_environments","get_environment","create_environment","update_environment","delete_environment","list_organizations","get_organization","create_organization","import_organizations","update_organization","delete_organization","list_org_templates","create_org_template"]'
	jqo '.tools[2]._meta["mcp-fcgi/scopes"] == ["wks:read"]'
	run --separate-stderr timeout 60 mcp-inspector --cli "$BASE/mcp" --transport http \
	    --header "Authorization: Bearer $tok" --method tools/call \
	    --tool-name whoami
	[ "$status" = 0 ]
	jqo '.structuredContent.client_id == "'"$CLIENT_ID"'" and .structuredContent.scopes == ["wks:read"]'
	# Resources: listed with their scopes, and one read within the token's.
	run --separate-stderr timeout 60 mcp-inspector --cli "$BASE/mcp" --transport http \
	    --header "Authorization: Bearer $tok" --method resources/list
	[ "$status" = 0 ]
	jqo '[.resources[].uri] == ["mcp-fcgi://workspace","mcp-fcgi://environments","mcp-fcgi://org-templates"]'
	run --separate-stderr timeout 60 mcp-inspector --cli "$BASE/mcp" --transport http \
	    --header "Authorization: Bearer $tok" --method resources/read \
	    --uri mcp-fcgi://workspace
	[ "$status" = 0 ]
	jqo '(.contents[0].text | fromjson) | .id == "wks_bats" and .name == "bats"'
	# Without the header the Inspector gets our 401 and fails.
	run --separate-stderr timeout 60 mcp-inspector --cli "$BASE/mcp" --transport http --method tools/list
	[ "$status" != 0 ]
}

@test "mcp-remote with --header answers tools/list over stdio" {
	cd "$JS"
	tok=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \
	    "$BASE/oauth/token" | jq -r .access_token)
	cfg=$(mktemp -d)
	# Three JSON-RPC lines in, then keep stdin open long enough for the
	# answers; mcp-remote proxies them to our endpoint over HTTP.
	run timeout 60 sh -c '{
	    printf "%s\n" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bats\",\"version\":\"1\"}}}"
	    sleep 2
	    printf "%s\n" "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
	    printf "%s\n" "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"
	    sleep 3
	} | MCP_REMOTE_CONFIG_DIR='"$cfg"' mcp-remote "'"$BASE/mcp"'" \
	    --transport http-only --header "Authorization: Bearer '"$tok"'" 2>'"$cfg"'/err'
	rm -rf "$cfg"
	echo "$output"
	jqo '[.result.tools[].name] | .[0:3] == ["echo", "whoami", "get_usage"] and length == 18' "$(echo "$output" | grep '"id":2')"
}
