#!/usr/bin/env bats
# Lifecycle and methods on the session revisions (2025-03-26, 2025-06-18,
# 2025-11-25): negotiation, ping, logging, lists and cursors, resources,
# prompts, completion, batches, and sessions across processes.

load helper

setup_file() { start_server 5; }	# page_size 5: lists paginate
teardown_file() { stop_server; }

@test "initialize echoes each session revision we serve" {
	for v in 2025-03-26 2025-06-18 2025-11-25; do
		post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"'$v'","capabilities":{}}}'
		[ "$STATUS" = 200 ]
		jqb --arg v "$v" '.result.protocolVersion == $v'
	done
}

@test "initialize with an unknown revision offers our latest session revision" {
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2099-01-01","capabilities":{}}}'
	[ "$STATUS" = 200 ]
	jqb '.result.protocolVersion == "2025-11-25"'
}

@test "initialize with 2024-11-05 over Streamable HTTP offers 2025-11-25" {
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{}}}'
	[ "$STATUS" = 200 ]
	jqb '.result.protocolVersion == "2025-11-25"'
}

@test "initialize result: capabilities and serverInfo" {
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'
	jqb '.result.serverInfo == {"name":"mcp-fcgi-conformance","title":"mcp-fcgi conformance fixtures","version":"0.1.0"}'
	jqb '.result.capabilities.tools == {"listChanged":false} and .result.capabilities.logging == {} and .result.capabilities.resources.subscribe == true'
}

@test "initialize without protocolVersion: -32602" {
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
	[ "$STATUS" = 200 ]
	jqb '.error.code == -32602 and (.error.message | contains("protocolVersion"))'
	[ -z "$(header Mcp-Session-Id)" ]
}

@test "unknown method in a session: 200 with -32601" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":9,"method":"nope/nothing"}'
	[ "$STATUS" = 200 ]
	jqb '.id == 9 and .error.code == -32601 and .error.message == "Method not found"'
}

@test "server/discover is not a session-era method: -32601" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":9,"method":"server/discover"}'
	jqb '.error.code == -32601'
}

@test "logging/setLevel: {} exactly, bad level -32602" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"warning"}}'
	jqb '.result == {}'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"loud"}}'
	jqb '.error.code == -32602'
}

@test "tools/list pages through all 33 fixtures without gaps or repeats" {
	init_session 2025-11-25
	names=""; cursor=""; pages=0
	while :; do
		p=${cursor:+,\"params\":{\"cursor\":\"$cursor\"\}}
		spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"tools/list"'"$p"'}'
		[ "$STATUS" = 200 ]
		names="$names $(printf '%s' "$BODY" | jq -r '.result.tools[].name')"
		pages=$((pages + 1))
		cursor=$(printf '%s' "$BODY" | jq -r '.result.nextCursor // empty')
		[ -n "$cursor" ] || break
	done
	[ "$pages" = 7 ]
	[ "$(echo $names | wc -w)" = 33 ]
	[ "$(echo $names | tr ' ' '\n' | sort -u | wc -l)" = 33 ]
}

@test "tools/list: every tool has name, description, object inputSchema, annotations" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
	jqb '.result.tools | length == 5'
	jqb '.result.tools | all(.name != "" and (.description|length) > 0 and .inputSchema.type == "object" and (.annotations | has("readOnlyHint") and has("destructiveHint") and has("idempotentHint") and has("openWorldHint")))'
	jqb '.result.tools[0].inputSchema == {"type":"object","additionalProperties":false}'
}

@test "tools/list with a cursor we never issued: -32602" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"bogus!"}}'
	jqb '.error.code == -32602 and .error.message == "Invalid cursor"'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"bzo5OTk5"}}'
	jqb '.error.code == -32602'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":7}}'
	jqb '.error.code == -32602'
}

@test "resources: list, read text, read blob, template, unknown -32002" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/list"}'
	jqb '[.result.resources[].uri] == ["test://static-text","test://static-binary","test://watched-resource"]'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"test://static-text"}}'
	jqb '.result.contents == [{"uri":"test://static-text","mimeType":"text/plain","text":"This is the content of the static text resource."}]'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"test://static-binary"}}'
	jqb '.result.contents[0].blob | startswith("iVBORw0KGgo")'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/templates/list"}'
	jqb '.result.resourceTemplates == [{"uriTemplate":"test://template/{id}/data","name":"Resource Template","description":"A resource template with an id parameter","mimeType":"application/json"}]'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"test://template/123/data"}}'
	jqb '.result.contents[0].text | fromjson == {"id":"123","templateTest":true,"data":"Data for ID: 123"}'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"test://template/1/2/data"}}'
	jqb '.error.code == -32002'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"file:///etc/passwd"}}'
	jqb '.error.code == -32002 and .error.message == "Resource not found: file:///etc/passwd"'
}

@test "an error message cut to length never splits a character: the answer stays UTF-8" {
	init_session 2025-11-25
	# "Resource not found: x://" and 300 euro signs (900 bytes) do not fit
	# the message; wherever the cut falls, the bytes must decode.
	for pad in "" a aa; do
		uri="x://$pad$(printf '€%.0s' $(seq 300))"
		spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"'"$uri"'"}}'
		[ "$STATUS" = 200 ]
		python3 -c 'import json, sys
m = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["error"]["message"]
assert m.startswith("Resource not found: x://") and m.endswith("€"), m[-8:]' "$STATE/b"
	done
}

@test "text a handler cut mid-character still reaches the client as UTF-8 (U+FFFD)" {
	init_session 2025-11-25
	# The template fixture formats "Data for ID: <id>" into 256 bytes: a
	# long id of euro signs is cut inside one, and the writer repairs it.
	id=$(printf '€%.0s' $(seq 100))
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"test://template/'"$id"'/data"}}'
	[ "$STATUS" = 200 ]
	python3 -c 'import json, sys
r = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
d = json.loads(r["result"]["contents"][0]["text"])["data"]
assert d.startswith("Data for ID: €") and d.endswith("\ufffd"), d[-4:]' "$STATE/b"
}

@test "resources/subscribe and unsubscribe: {}; unknown uri -32002" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"test://watched-resource"}}'
	jqb '.result == {}'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/unsubscribe","params":{"uri":"test://watched-resource"}}'
	jqb '.result == {}'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"test://nope"}}'
	jqb '.error.code == -32002'
}

@test "prompts: get with arguments, missing and unknown arguments -32602" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":"a","arg2":"b"}}}'
	jqb ".result.messages == [{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"Prompt with arguments: arg1='a', arg2='b'\"}}]"
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":"a"}}}'
	jqb '.error.code == -32602 and .error.message == "Missing required argument for prompt test_prompt_with_arguments: arg2"'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":"a","arg2":"b","x":"c"}}}'
	jqb '.error.code == -32602 and (.error.message | contains("Unknown argument"))'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":1,"arg2":"b"}}}'
	jqb '.error.code == -32602 and (.error.message | contains("must be a string"))'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"nope"}}'
	jqb '.error.code == -32602 and .error.message == "Unknown prompt: nope"'
}

@test "completion/complete filters by prefix; bad ref -32602" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"test_prompt_with_arguments"},"argument":{"name":"arg1","value":"par"}}}'
	jqb '.result.completion == {"total":3,"values":["paris","park","party"],"hasMore":false}'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"completion/complete","params":{"ref":{"type":"ref/bogus"},"argument":{"name":"a","value":""}}}'
	jqb '.error.code == -32602'
}

# perr BODY MESSAGE: inside the session, BODY is answered 200 with -32602
# and exactly MESSAGE, its id echoed.
perr() {
	spost 2025-11-25 "$1"
	[ "$STATUS" = 200 ]
	jqb --arg m "$2" '.id == 3 and .error.code == -32602 and .error.message == $m' ||
	    { echo "for $1: $BODY" >&2; return 1; }
}

@test "invalid params: every -32602 of the core methods, each with its exact message" {
	init_session 2025-11-25
	post '{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":7,"capabilities":{}}}'
	jqb '.id == 3 and .error.code == -32602 and .error.message == "initialize: protocolVersion (string) is required"'
	post '{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":[]}}'
	jqb '.id == 3 and .error.code == -32602 and .error.message == "initialize: capabilities must be an object"'
	[ -z "$(header Mcp-Session-Id)" ]
	perr '{"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"loud"}}' \
	    "logging/setLevel: level must be one of debug, info, notice, warning, error, critical, alert, emergency"
	perr '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{}}}' \
	    "tools/call: name (string) is required"
	perr '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_simple_text","arguments":[]}}' \
	    "tools/call: arguments must be an object"
	perr '{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":5}}' \
	    "resources/read: uri (string) is required"
	perr '{"jsonrpc":"2.0","id":3,"method":"resources/subscribe","params":{}}' \
	    "uri (string) is required"
	perr '{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"arguments":{}}}' \
	    "prompts/get: name (string) is required"
	perr '{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":"a"}}' \
	    "prompts/get: arguments must be an object of strings"
	perr '{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":"a","arg2":"b","x":"c"}}}' \
	    "Unknown argument for prompt test_prompt_with_arguments: x"
	perr '{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":1,"arg2":"b"}}}' \
	    "Argument arg1 of prompt test_prompt_with_arguments must be a string"
	perr '{"jsonrpc":"2.0","id":3,"method":"completion/complete","params":{"ref":{"type":"ref/prompt"}}}' \
	    "completion/complete: ref {type} and argument {name, value} are required"
	perr '{"jsonrpc":"2.0","id":3,"method":"completion/complete","params":{"ref":{"type":"ref/resource"},"argument":{"name":"a","value":""}}}' \
	    "ref/resource needs a uri"
	perr '{"jsonrpc":"2.0","id":3,"method":"completion/complete","params":{"ref":{"type":"ref/bogus"},"argument":{"name":"a","value":""}}}' \
	    "Unknown reference type: ref/bogus"
}

@test "2025-03-26 batch: one array answer in order, notifications skipped" {
	init_session 2025-03-26
	spost 2025-03-26 '[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","method":"notifications/roots/list_changed"},{"jsonrpc":"2.0","id":"b","method":"tools/list"},{"x":1}]'
	[ "$STATUS" = 200 ]
	jqb 'length == 3 and .[0].id == "a" and .[0].result == {} and .[1].id == "b" and (.[1].result.tools | length) == 5 and .[2].error.code == -32600'
}

# batch_of N: a batch of N pings, ids 1..N.
batch_of() {
	jq -cn --argjson n "$1" '[range(1; $n + 1) | {jsonrpc: "2.0", id: ., method: "ping"}]'
}

@test "2025-03-26 batch of max_batch_messages (32) messages: every one answered, in order" {
	init_session 2025-03-26
	spost 2025-03-26 "$(batch_of 32)"
	[ "$STATUS" = 200 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb 'length == 32 and ([.[].id] == [range(1; 33)]) and all(.[]; .result == {})'
}

@test "2025-03-26 batch one over max_batch_messages: 400, one -32600 error naming the limit" {
	init_session 2025-03-26
	spost 2025-03-26 "$(batch_of 33)"
	[ "$STATUS" = 400 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '. == {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: a batch may hold at most max_batch_messages messages (error.data)","data":{"max_batch_messages":32,"messages":33}}}'
}

@test "2025-03-26 batch of notifications only: 202" {
	init_session 2025-03-26
	spost 2025-03-26 '[{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}]'
	[ "$STATUS" = 202 ]
	[ -z "$BODY" ]
}

@test "batch on 2025-06-18: 400 -32600" {
	init_session 2025-06-18
	spost 2025-06-18 '[{"jsonrpc":"2.0","id":"a","method":"ping"}]'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and (.error.message | contains("2025-03-26"))'
}

@test "initialize inside a batch: 400" {
	post '[{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{}}}]'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and (.error.message | contains("initialize"))'
}

@test "empty batch: 400" {
	init_session 2025-03-26
	spost 2025-03-26 '[]'
	[ "$STATUS" = 400 ]
}

@test "a session serves 40 requests spread over both FastCGI processes" {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request (60-cgi.bats: the session outlives the process)"
	init_session 2025-11-25
	for i in $(seq 40); do
		spost 2025-11-25 '{"jsonrpc":"2.0","id":'$i',"method":"ping"}' &
	done
	wait
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"last","method":"ping"}'
	[ "$STATUS" = 200 ]
	# Both processes logged serving; sessions live in the shared store.
	[ "$(grep -c 'serving with' "$STATE/mcp-fcgi.log")" -ge 2 ]
	[ "$(grep -o 'mcp-fcgi\[[0-9]*\]' "$STATE/mcp-fcgi.log" | sort -u | wc -l)" -ge 2 ]
}

@test "killing the FastCGI processes loses no session" {
	lighttpd_only "spawn-fcgi does not restart responders that die (systemd and lighttpd do)"
	init_session 2025-11-25
	pkill -KILL -f "$ROOT/$BUILD/conformance.fcgi"
	sleep 0.5
	for _ in $(seq 20); do
		spost 2025-11-25 '{"jsonrpc":"2.0","id":"after","method":"ping"}'
		[ "$STATUS" = 200 ] && break
		sleep 0.2
	done
	[ "$STATUS" = 200 ]
	jqb '.id == "after" and .result == {}'
}

@test "no MCP-Protocol-Version header: the session's revision applies (priming on 2025-11-25)" {
	init_session 2025-11-25
	post '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"test_tool_with_progress","_meta":{"progressToken":1}}}' \
	    -H "Mcp-Session-Id: $SID"
	[ "$STATUS" = 200 ]
	printf '%s' "$BODY" | grep -q '^retry: 1000$'
}

@test "no MCP-Protocol-Version header on a 2025-03-26 session: batches allowed" {
	init_session 2025-03-26
	post '[{"jsonrpc":"2.0","id":"a","method":"ping"}]' -H "Mcp-Session-Id: $SID"
	[ "$STATUS" = 200 ]
	jqb '.[0].result == {}'
}

@test "no MCP-Protocol-Version header on a 2025-11-25 session: batch refused" {
	init_session 2025-11-25
	post '[{"jsonrpc":"2.0","id":"a","method":"ping"}]' -H "Mcp-Session-Id: $SID"
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and (.error.message | contains("2025-03-26"))'
}

@test "a batch naming an unsupported MCP-Protocol-Version: 400" {
	init_session 2025-03-26
	post '[{"jsonrpc":"2.0","id":"a","method":"ping"}]' -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 1999-01-01'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and (.error.message | contains("MCP-Protocol-Version"))'
}

# invalid_request [MESSAGE [ID]]: 400 with the JSON-RPC Invalid Request
# body, id null unless given.
invalid_request() {
	[ "$STATUS" = 400 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	[[ "$(header X-Request-Id)" =~ ^[0-9a-f]{16}$ ]]
	jqb '. == {"jsonrpc":"2.0","id":'"${2:-null}"',"error":{"code":-32600,"message":"'"${1:-Invalid Request: not a JSON-RPC 2.0 message}"'"}}'
}

# A string holding U+0000 is no identifier: the C string the code would
# compare ends at it ("ping\u0000x" would be ping).  Ids, the method and
# the version are refused, and such an id is not echoed.
@test "a JSON-RPC id, method or version holding U+0000: 400 -32600, id null" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"1\u0000","method":"ping"}'
	invalid_request
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"\u0000","method":"ping"}'
	invalid_request
	spost 2025-11-25 '{"jsonrpc":"2.0","id":1,"method":"ping\u0000x"}'
	invalid_request "" 1
	spost 2025-11-25 '{"jsonrpc":"2.0\u0000","id":1,"method":"ping"}'
	invalid_request "" 1
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"a\u0000b","method":"ping"}'
	invalid_request
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"ab","method":"ping"}'
	[ "$STATUS" = 200 ] && jqb '.id == "ab" and .result == {}'
}

@test "a string id of at most 256 bytes is echoed; 257 bytes: 400 -32600" {
	init_session 2025-11-25
	id=$(head -c 256 /dev/zero | tr '\0' i)
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"$id"'","method":"ping"}'
	[ "$STATUS" = 200 ] && jqb --arg id "$id" '.id == $id and .result == {}'
	# 256 bytes of UTF-8, fewer characters: still fits.
	id2=$(printf 'é%.0s' $(seq 128))
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"$id2"'","method":"ping"}'
	[ "$STATUS" = 200 ] && jqb --arg id "$id2" '.id == $id'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"${id}x"'","method":"ping"}'
	invalid_request
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"${id2}x"'","method":"ping"}'
	invalid_request
	# A response (to a server request) is held to the same bound.
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"${id}x"'","result":{}}'
	invalid_request
}

# json-c keeps member names as C strings, so "name\u0000x" would be
# taken for "name": a member name holding U+0000 is refused outright.
@test "a member name holding U+0000, at any depth: 400 -32600" {
	init_session 2025-11-25
	for b in '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta\u0000":{}}}' \
	    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_simple_text","arguments":{"a":{"b\u0000":1}}}}' \
	    '{"jsonrpc\u0000":"2.0","jsonrpc":"2.0","id":1,"method":"ping"}'; do
		spost 2025-11-25 "$b"
		invalid_request "Invalid Request: a member name holds U+0000"
	done
}

@test "tool names, prompt names and resource URIs holding U+0000 are unknown" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_simple_text\u0000x","arguments":{}}}'
	[ "$STATUS" = 200 ] && jqb '.id == 3 and .error.code == -32602'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"test_simple_prompt\u0000x"}}'
	[ "$STATUS" = 200 ] && jqb '.id == 3 and .error.code == -32602'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"test://static-text\u0000x"}}'
	[ "$STATUS" = 200 ] && jqb '.id == 3 and .error != null and .result == null'
	# Without the U+0000 each is found.
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"test://static-text"}}'
	[ "$STATUS" = 200 ] && jqb '.id == 3 and .result.contents[0].uri == "test://static-text"'
}
