#!/usr/bin/env bats
# Real clients from npm are the judges: the official conformance suite,
# the TypeScript SDK 1.x client and the 2.x client, through lighttpd with
# two FastCGI processes per endpoint.

load helper

setup_file() {
	start_server
	JS=$ROOT/tests/js
	export PATH=$JS/node_modules/node/bin:$JS/node_modules/.bin:$PATH
	export JS
}
teardown_file() { stop_server; }

@test "node 22 from the node npm package" {
	run node --version
	[[ "$output" == v22.* ]]
}

@test "conformance suite: every active scenario passes" {
	cd "$JS"
	run timeout 300 conformance server --url "$URL"
	echo "$output" | tail -40
	[ "$status" = 0 ]
	total=$(echo "$output" | grep '^Total:')
	[[ "$total" =~ ^Total:\ ([0-9]+)\ passed,\ 0\ failed$ ]]
	[ "${BASH_REMATCH[1]}" -ge 39 ]
	! echo "$output" | grep -q '✗'
}

@test "conformance suite --suite all: no failures" {
	cd "$JS"
	run timeout 300 conformance server --url "$URL" --suite all
	echo "$output" | grep -E '^(✓|✗|Total)'
	[ "$status" = 0 ]
	echo "$output" | grep -Eq '^Total: [0-9]+ passed, 0 failed$'
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

@test "2.x client against /mcp: echo's structured output" {
	cd "$JS"
	run timeout 60 node --input-type=module -e "
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
const c = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: 'auto' } });
await c.connect(new StreamableHTTPClientTransport(new URL('$BASE/mcp')));
const r = await c.callTool({ name: 'echo', arguments: { text: 'hi' } });
console.log(JSON.stringify(r.structuredContent));
await c.close();"
	echo "$output"
	[ "$status" = 0 ]
	[ "$output" = '{"text":"hi"}' ]
}

@test "MCP Inspector --cli lists tools and calls echo on /mcp" {
	cd "$JS"
	run timeout 60 mcp-inspector --cli "$BASE/mcp" --transport http --method tools/list
	[ "$status" = 0 ]
	echo "$output" | jq -e '[.tools[].name] == ["echo"]'
	run timeout 60 mcp-inspector --cli "$BASE/mcp" --transport http --method tools/call --tool-name echo --tool-arg text=hello
	[ "$status" = 0 ]
	echo "$output" | jq -e '.structuredContent == {"text":"hello"}'
}
