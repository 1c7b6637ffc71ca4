#!/usr/bin/env bats
# tools/call: argument validation against the input schema, structured
# output, SSE when progress or logging is on, cancellation, and
# server-to-client requests answered through another process.

load helper

setup_file() { start_server; }
teardown_file() { stop_server; }

call() {	# call VERSION NAME ARGS_JSON [extra params]
	spost "$1" '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"'"$2"'","arguments":'"$3$4"'}}'
}

@test "unknown tool: -32602 naming it" {
	init_session 2025-11-25
	call 2025-11-25 no_such_tool '{}'
	[ "$STATUS" = 200 ]
	jqb '.error.code == -32602 and .error.message == "Unknown tool: no_such_tool"'
}

@test "tools/call without a name: -32602" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{}}'
	jqb '.error.code == -32602'
}

@test "arguments that are not an object: -32602" {
	init_session 2025-11-25
	call 2025-11-25 test_simple_text '[1,2]'
	jqb '.error.code == -32602 and (.error.message | contains("arguments must be an object"))'
}

@test "missing arguments key is an empty object" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_simple_text"}}'
	jqb '.result.content == [{"type":"text","text":"This is a simple text response for testing."}]'
}

@test "an argument a no-argument tool does not take: isError naming it" {
	init_session 2025-11-25
	call 2025-11-25 test_simple_text '{"x":1}'
	[ "$STATUS" = 200 ]
	jqb '.result.isError == true and .result.content[0].text == "Invalid arguments for tool test_simple_text: arguments: property \"x\" is not allowed (additionalProperties is false)"'
}

@test "missing required argument: isError naming it" {
	init_session 2025-11-25
	call 2025-11-25 test_sampling '{}'
	sse_data | jq -s -e '.[0].result.isError == true and .[0].result.content[0].text == "Invalid arguments for tool test_sampling: arguments: required property \"prompt\" is missing"'
}

@test "wrong type through a \$ref: isError with the argument path" {
	init_session 2025-11-25
	call 2025-11-25 json_schema_2020_12_tool '{"name":"x","address":{"city":5}}'
	jqb '.result.isError == true and .result.content[0].text == "Invalid arguments for tool json_schema_2020_12_tool: arguments.address.city: must be of type string, not integer"'
}

@test "valid \$ref arguments reach the handler" {
	init_session 2025-11-25
	call 2025-11-25 json_schema_2020_12_tool '{"name":"x","address":{"city":"Oslo"},"email":"x@example.com"}'
	jqb '.result.isError != true and (.result.content[0].text | fromjson) == {"name":"x","address":{"city":"Oslo"},"email":"x@example.com"}'
}

@test "allOf/anyOf: neither phone nor email is refused" {
	init_session 2025-11-25
	call 2025-11-25 json_schema_2020_12_tool '{"name":"x"}'
	jqb '.result.isError == true and .result.content[0].text == "Invalid arguments for tool json_schema_2020_12_tool: arguments: must match at least one schema in anyOf"'
}

@test "if/then/else: contactMethod phone needs a phone, anything else an email" {
	init_session 2025-11-25
	call 2025-11-25 json_schema_2020_12_tool '{"contactMethod":"phone","email":"x@example.com"}'
	jqb '.result.isError == true and .result.content[0].text == "Invalid arguments for tool json_schema_2020_12_tool: arguments: required property \"phone\" is missing"'
	call 2025-11-25 json_schema_2020_12_tool '{"contactMethod":"phone","phone":"+47 1"}'
	jqb '.result.isError != true'
	call 2025-11-25 json_schema_2020_12_tool '{"contactMethod":"email","phone":"+47 1"}'
	jqb '.result.isError == true and .result.content[0].text == "Invalid arguments for tool json_schema_2020_12_tool: arguments: required property \"email\" is missing"'
	call 2025-11-25 json_schema_2020_12_tool '{"phone":"+47 1"}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("required property \"email\" is missing"))'
}

@test "tools/list keeps the schema's 2020-12 keywords as written: \$anchor, allOf, if/then/else" {
	init_session 2025-11-25
	post '{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list'
	jqb '.result.tools[] | select(.name == "json_schema_2020_12_tool") | .inputSchema | ."$defs".address."$anchor" == "addressDef" and .allOf[0].anyOf == [{"required":["phone"]},{"required":["email"]}] and .if.required == ["contactMethod"] and .then == {"required":["phone"]} and .else == {"required":["email"]}'
}

@test "echo on /mcp: structuredContent and the same JSON as text" {
	URL=$BASE/mcp
	init_session 2025-06-18
	call 2025-06-18 echo '{"text":"héllo \"q\""}'
	jqb '.result.structuredContent == {"text":"héllo \"q\""} and (.result.content[0].text | fromjson) == .result.structuredContent'
}

@test "echo on /mcp: maxLength and additionalProperties enforced" {
	URL=$BASE/mcp
	init_session 2025-06-18
	long=$(head -c 10001 /dev/zero | tr '\0' a)
	call 2025-06-18 echo '{"text":"'"$long"'"}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments.text: must be at most 10000 characters long"))'
	call 2025-06-18 echo '{"text":"a","extra":true}'
	jqb '.result.isError == true and (.result.content[0].text | contains("\"extra\" is not allowed"))'
}

# The validator measures the whole string: a U+0000 inside does not end
# it (it once let 1 MB through the 10,000-character limit).
@test "echo on /mcp: a U+0000 inside text counts, the limit holds, the text comes back whole" {
	URL=$BASE/mcp
	init_session 2025-06-18
	long=$(head -c 20000 /dev/zero | tr '\0' b)
	call 2025-06-18 echo '{"text":"a\u0000'"$long"'"}'
	[ "$STATUS" = 200 ]
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments.text: must be at most 10000 characters long"))'
	call 2025-06-18 echo '{"text":"\u0000'"${long:0:9999}"'"}'
	jqb '.result.isError != true and (.result.structuredContent.text | length) == 10000'
	call 2025-06-18 echo '{"text":"a\u0000b"}'
	jqb '.result.structuredContent.text == "a\u0000b" and (.result.content[0].text | fromjson) == .result.structuredContent'
}

@test "/mcp lists echo with scopes in _meta and honest annotations" {
	URL=$BASE/mcp
	init_session 2025-06-18
	spost 2025-06-18 '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
	jqb '.result.tools[0].name == "echo" and .result.tools[0].annotations.readOnlyHint == true and .result.tools[0].annotations.destructiveHint == false and .result.tools[0]._meta["mcp-fcgi/scopes"] == [] and .result.tools[0].outputSchema.type == "object"'
}

@test "error result from a tool is a result with isError, not a JSON-RPC error" {
	init_session 2025-11-25
	call 2025-11-25 test_error_handling '{}'
	jqb '.result == {"content":[{"type":"text","text":"This tool intentionally returns an error for testing"}],"isError":true}'
}

@test "progress token: SSE with priming, 3 progress events echoing the token, then the result" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":"tok-1"}}}'
	[ "$STATUS" = 200 ]
	[ "$(header Content-Type)" = text/event-stream ]
	[ "$(header Cache-Control)" = "no-cache, no-transform" ]
	# nginx acts on X-Accel-Buffering and keeps it from the client.
	[ "$SERVER" = nginx ] || [ "$(header X-Accel-Buffering)" = no ]
	printf '%s' "$BODY" | grep -Eq '^id: [0-9a-f]{16}-0$'
	printf '%s' "$BODY" | grep -q '^retry: 1000$'
	sse_data | jq -s -e '[.[0:3][] | .params.progressToken] == ["tok-1","tok-1","tok-1"] and [.[0:3][] | .params.progress] == [0,50,100] and .[3].id == 5 and .[3].result.content[0].text == "Progress tool completed"'
}

@test "2025-06-18 SSE has no priming event" {
	init_session 2025-06-18
	spost 2025-06-18 '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":7}}}'
	[ "$(header Content-Type)" = text/event-stream ]
	! printf '%s' "$BODY" | grep -q '^retry:' || false
	sse_data | jq -s -e '.[0].params.progressToken == 7 and length == 4'
}

@test "no progress token and no logging: a plain JSON answer" {
	init_session 2025-11-25
	call 2025-11-25 test_tool_with_progress '{}'
	[ "$(header Content-Type)" = application/json ]
	jqb '.result.content[0].text == "Progress tool completed"'
}

@test "logging at info: three notifications/message on the stream" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"info"}}'
	call 2025-11-25 test_tool_with_logging '{}'
	[ "$(header Content-Type)" = text/event-stream ]
	sse_data | jq -s -e '[.[0:3][] | .params.data] == ["Tool execution started","Tool processing data","Tool execution completed"] and all(.[0:3][]; .method == "notifications/message" and .params.level == "info")'
}

@test "logging at error filters out info messages" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"error"}}'
	call 2025-11-25 test_tool_with_logging '{}'
	sse_data | jq -s -e 'length == 1 and .[0].id == 5'
}

@test "cancellation: the cancelled call sends no result" {
	skip_behind apache-fcgid "mod_fcgid starts the process the cancellation needs after a second's wait, when the tool has finished"
	init_session 2025-11-25
	curl -s -N -o "$STATE/stream" -X POST "$URL" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary '{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":1}}}' &
	pid=$!
	for _ in $(seq 50); do grep -q progress "$STATE/stream" 2>/dev/null && break; sleep 0.02; done
	spost 2025-11-25 '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c1","reason":"test"}}'
	[ "$STATUS" = 202 ]
	wait $pid
	grep -q '"progress":0' "$STATE/stream"
	! grep -q '"result"' "$STATE/stream" || false
}

@test "elicitation: request on the call's stream, answer through the other process" {
	init_session 2025-11-25
	curl -s -N -o "$STATE/stream" -D "$STATE/sh" -X POST "$URL" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary '{"jsonrpc":"2.0","id":"e1","method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"Who?"}}}' &
	pid=$!
	for _ in $(seq 100); do grep -q 'elicitation/create' "$STATE/stream" 2>/dev/null && break; sleep 0.02; done
	req=$(sed -n 's/^data: \(.*elicitation.*\)$/\1/p' "$STATE/stream")
	jqo '.params.message == "Who?" and .params.requestedSchema.required == ["username","email"]' "$req"
	id=$(echo "$req" | jq -r .id)
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"$id"'","result":{"action":"accept","content":{"username":"testuser","email":"t@example.com"}}}'
	[ "$STATUS" = 202 ]
	answer_rid=$(header X-Request-Id)
	wait $pid
	jqo '.result.content[0].text == "User response: action=accept, content={\"username\":\"testuser\",\"email\":\"t@example.com\"}"' "$(sed -n 's/^data: \(.*"id":"e1".*\)$/\1/p' "$STATE/stream")"
	# The call and the answer were served by different processes.
	call_rid=$(grep -i '^X-Request-Id' "$STATE/sh" | cut -d' ' -f2 | tr -d '\r')
	p1=$(grep "rid=$call_rid sent elicitation/create" "$STATE/mcp-fcgi.log" | grep -o 'mcp-fcgi\[[0-9]*\]')
	p2=$(grep "rid=$answer_rid client answered" "$STATE/mcp-fcgi.log" | grep -o 'mcp-fcgi\[[0-9]*\]')
	[ -n "$p1" ] && [ -n "$p2" ]
	[ "$p1" != "$p2" ]
}

@test "elicitation without the client capability: isError, no request sent" {
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'
	SID=$(header Mcp-Session-Id)
	call 2025-11-25 test_elicitation '{"message":"x"}'
	! sse_data | grep -q elicitation/create || false
	sse_data | jq -s -e '.[-1].result.isError == true and .[-1].result.content[0].text == "Elicitation failed: the client did not declare the capability"'
}

@test "sampling answered with a JSON-RPC error: isError result" {
	init_session 2025-11-25
	curl -s -N -o "$STATE/stream" -X POST "$URL" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary '{"jsonrpc":"2.0","id":"s1","method":"tools/call","params":{"name":"test_sampling","arguments":{"prompt":"hi"}}}' &
	pid=$!
	for _ in $(seq 100); do grep -q 'sampling/createMessage' "$STATE/stream" 2>/dev/null && break; sleep 0.02; done
	id=$(sed -n 's/^data: \(.*sampling.*\)$/\1/p' "$STATE/stream" | jq -r .id)
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"$id"'","error":{"code":-1,"message":"user declined"}}'
	[ "$STATUS" = 202 ]
	wait $pid
	jqo '.result.isError == true and .result.content[0].text == "Sampling failed: the client answered with an error"' "$(sed -n 's/^data: \(.*"id":"s1".*\)$/\1/p' "$STATE/stream")"
}
