#!/usr/bin/env bats
# The stateless 2026-07-28 binding: server/discover, the per-request
# _meta envelope, the MCP-Protocol-Version / Mcp-Method / Mcp-Name header
# checks, resultType and cache hints, 404 for unknown methods.

load helper

setup_file() { start_server; }
teardown_file() { stop_server; }

@test "server/discover: versions, capabilities, serverInfo, cache hints; no session" {
	mpost server/discover ''
	[ "$STATUS" = 200 ]
	[ -z "$(header Mcp-Session-Id)" ]
	jqb '.id == 7 and .result.supportedVersions == ["2026-07-28","2025-11-25","2025-06-18","2025-03-26"]'
	jqb '.result.resultType == "complete" and .result.ttlMs == 60000 and .result.cacheScope == "public"'
	jqb '.result._meta["io.modelcontextprotocol/serverInfo"].name == "mcp-fcgi-conformance"'
	jqb '.result.capabilities.tools == {"listChanged":false} and (.result.capabilities.resources | has("subscribe") | not)'
}

@test "tools/list: resultType, ttlMs, cacheScope" {
	mpost tools/list ''
	jqb '.result.resultType == "complete" and .result.ttlMs == 60000 and .result.cacheScope == "public" and (.result.tools | length) == 33'
}

@test "tools/call with Mcp-Name: result with resultType, no cache hints" {
	mpost tools/call '"name":"test_simple_text"' -H 'Mcp-Name: test_simple_text'
	[ "$STATUS" = 200 ]
	jqb '.result == {"content":[{"type":"text","text":"This is a simple text response for testing."}],"resultType":"complete"}'
}

@test "resources/read carries cache hints" {
	mpost resources/read '"uri":"test://static-text"' -H 'Mcp-Name: test://static-text'
	jqb '.result.ttlMs == 60000 and .result.cacheScope == "public" and .result.contents[0].text == "This is the content of the static text resource."'
}

@test "missing Mcp-Method: 400 -32020" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{'"$MODERN_META"'}}' -H 'MCP-Protocol-Version: 2026-07-28'
	[ "$STATUS" = 400 ]
	jqb '.id == 7 and .error.code == -32020 and .error.message == "Header mismatch"'
}

@test "Mcp-Method differing from the body: 400 -32020" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{'"$MODERN_META"'}}' -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32020'
}

@test "missing Mcp-Name on tools/call: 400 -32020" {
	mpost tools/call '"name":"test_simple_text"'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32020'
}

@test "Mcp-Name differing from params.name: 400 -32020" {
	mpost tools/call '"name":"test_simple_text"' -H 'Mcp-Name: test_error_handling'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32020'
}

@test "MCP-Protocol-Version header missing with a 2026 envelope: 400 -32020" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{'"$MODERN_META"'}}' -H 'Mcp-Method: tools/list'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32020'
}

@test "header names 2026-07-28 but the body has no envelope: 400 -32602" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list"}' -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list'
	[ "$STATUS" = 400 ]
	jqb '.id == 7 and .error.code == -32602'
}

@test "server/discover with params {} or no params: 400 -32602, the id kept" {
	for p in ',"params":{}' ''; do
		post '{"jsonrpc":"2.0","id":7,"method":"server/discover"'"$p"'}' \
		    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: server/discover'
		[ "$STATUS" = 400 ]
		jqb '.id == 7 and .error.code == -32602 and (.error.message | startswith("Invalid params: params._meta must hold"))'
	done
}

@test "_meta without clientCapabilities (or not an object): 400 -32602" {
	for c in '' ',"io.modelcontextprotocol/clientCapabilities":[]'; do
		post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"'"$c"'}}}' \
		    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list'
		[ "$STATUS" = 400 ]
		jqb '.id == 7 and .error.code == -32602'
	done
	logged "no clientCapabilities object in params._meta"
}

@test "a protocolVersion in _meta that is not a string: 400 -32602, logged as such" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728,"io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list'
	[ "$STATUS" = 400 ]
	jqb '.id == 7 and .error.code == -32602'
	logged "no protocolVersion string in params._meta"
}

@test "the header names 2026-07-28, the body another version: 400 -32020 (they disagree)" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2027-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list'
	[ "$STATUS" = 400 ]
	jqb '.id == 7 and .error.code == -32020 and .error.message == "Header mismatch"'
	logged "MCP-Protocol-Version header differs from the body"
}

@test "ping does not exist on 2026-07-28: 404 -32601" {
	mpost ping ''
	[ "$STATUS" = 404 ]
	jqb '.id == 7 and .error.code == -32601'
}

@test "unsupported version in the envelope: 400 -32022 listing ours" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2027-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2027-01-01' -H 'Mcp-Method: tools/list'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32022 and .error.data.requested == "2027-01-01" and .error.data.supported[0] == "2026-07-28"'
}

@test "a session-era version inside the 2026 envelope: 400 -32022" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H 'Mcp-Method: tools/list'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32022 and .error.data.requested == "2025-11-25"'
}

@test "unknown method: 404 -32601" {
	mpost nope/nothing ''
	[ "$STATUS" = 404 ]
	jqb '.id == 7 and .error.code == -32601 and .error.message == "Method not found"'
}

@test "initialize does not exist on 2026-07-28: 404 -32601" {
	mpost initialize '"protocolVersion":"2026-07-28"'
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32601'
}

@test "logging/setLevel and resources/subscribe are session-era only: 404" {
	mpost logging/setLevel '"level":"info"'
	[ "$STATUS" = 404 ]
	mpost resources/subscribe '"uri":"test://watched-resource"'
	[ "$STATUS" = 404 ]
}

@test "invalid params on 2026: 200 with -32602" {
	mpost tools/call '"name":"no_such_tool"' -H 'Mcp-Name: no_such_tool'
	[ "$STATUS" = 200 ]
	jqb '.error.code == -32602 and .error.message == "Unknown tool: no_such_tool"'
}

@test "a notification with the 2026 envelope: 202 without headers" {
	post '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{'"$MODERN_META"',"requestId":1}}'
	[ "$STATUS" = 202 ]
	[ -z "$BODY" ]
}

@test "log level from _meta streams log messages" {
	post '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"test_tool_with_logging","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/logLevel":"info"}}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: test_tool_with_logging'
	[ "$(header Content-Type)" = text/event-stream ]
	! printf '%s' "$BODY" | grep -q '^retry:' || false
	sse_data | jq -s -e 'length == 4 and .[0].method == "notifications/message" and .[3].result.resultType == "complete"'
}

@test "sampling on 2026-07-28: an input-required result, or isError for a client without sampling" {
	mpost tools/call '"name":"test_sampling","arguments":{"prompt":"x"}' -H 'Mcp-Name: test_sampling'
	[ "$(header Content-Type)" = application/json ]
	jqb '.result.isError == true and .result.content[0].text == "Sampling failed: the client did not declare the capability"'
	post '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"test_sampling","arguments":{"prompt":"x"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"sampling":{}}}}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: test_sampling'
	jqb '.result == {"resultType":"input_required","inputRequests":{"sampling":{"method":"sampling/createMessage","params":{"messages":[{"role":"user","content":{"type":"text","text":"x"}}],"maxTokens":100}}}}'
}
