#!/usr/bin/env bats
# Bounded work per request: the size of an answer (max_answer_bytes, one
# answer and a batch's together), the length of a batch
# (max_batch_messages), and what one workspace may store
# (workspace_max_*), each configured small here so that a test reaches
# it quickly.

load helper

setup_file() {
	CONF_SET="max_answer_bytes=16384 max_batch_messages=4
	    workspace_max_environments=5 workspace_max_templates=3
	    workspace_max_organizations=5" start_server
	two_workspaces
}
teardown_file() { stop_server; }

setup() { URL=$BASE/mcp; }

# tool TOKEN NAME ARGS_JSON: a 2026-07-28 tools/call; OUT is its
# structuredContent.
tool() {
	TOKEN=$1 mpost tools/call '"name":"'"$2"'","arguments":'"$3" -H "Mcp-Name: $2"
	[ "$STATUS" = 200 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	OUT=$(jq -c .result.structuredContent <<<"$BODY")
}

TOO_LARGE='{"code":-32603,"message":"Answer too large: ask for less (use paging)","data":{"max_answer_bytes":16384}}'

# text N: N letters a.
text() { head -c "$1" /dev/zero | tr '\0' a; }

# echo_call ID N: a tools/call of echo with N letters, for a batch.
echo_call() {
	printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"echo","arguments":{"text":"%s"}}}' "$1" "$(text "$2")"
}

@test "an answer over max_answer_bytes is the -32603 error in its place, logged with its id and size" {
	# This endpoint's tools/list is some 18 KB.
	TOKEN=$TA mpost tools/list ''
	[ "$STATUS" = 200 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '. == {"jsonrpc":"2.0","id":7,"error":'"$TOO_LARGE"'}'
	grep -q 'answer to request 7: .* bytes, over the 16384 left of max_answer_bytes 16384 -> -32603' "$STATE/mcp-fcgi.log"
	# Under it, the same request is answered.
	TOKEN=$TA mpost tools/call '"name":"echo","arguments":{"text":"'"$(text 6000)"'"}' -H "Mcp-Name: echo"
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent.text | length == 6000'
}

@test "a streamed (SSE) answer over max_answer_bytes is the same error event" {
	post '{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"progressToken":"p1"},"name":"echo","arguments":{"text":"'"$(text 9000)"'"}}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo'
	[ "$STATUS" = 200 ]
	[[ "$(header Content-Type)" == text/event-stream* ]]
	[ "$(sse_data | jq -c 'select(.id == "big")')" = '{"jsonrpc":"2.0","id":"big","error":'"$TOO_LARGE"'}' ]
}

@test "a batch's answers together: the one that would pass max_answer_bytes and all after it are the error" {
	TOKEN=$TA init_session 2025-03-26
	TOKEN=$TA spost 2025-03-26 "[$(echo_call 1 6000),$(echo_call 2 6000),{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}]"
	[ "$STATUS" = 200 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb 'length == 3 and ([.[].id] == [1, 2, 3])'
	jqb '.[0].result.structuredContent.text | length == 6000'
	jqb '.[1].error == '"$TOO_LARGE"' and .[2].error == '"$TOO_LARGE"
	[ "${#BODY}" -lt 16384 ]
}

@test "a configured max_batch_messages: at the limit answered, one over refused before any message runs" {
	TOKEN=$TA init_session 2025-03-26
	calls=$(jq -cn '[range(1; 6) | {jsonrpc: "2.0", id: ., method: "tools/call", params: {name: "create_environment", arguments: {name: "b\(.)", type: "staging"}}}]')
	TOKEN=$TA spost 2025-03-26 "$calls"
	[ "$STATUS" = 400 ]
	jqb '. == {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: a batch may hold at most max_batch_messages messages (error.data)","data":{"max_batch_messages":4,"messages":5}}}'
	# Not one of them ran.
	[ "$(store_sql "SELECT count(*) FROM environments WHERE workspace = '$WA' AND name LIKE 'b_'")" = 0 ]
	TOKEN=$TA spost 2025-03-26 "$(jq -c '.[:4]' <<<"$calls")"
	[ "$STATUS" = 200 ]
	jqb 'length == 4 and all(.[]; .result.isError != true)'
	[ "$(store_sql "SELECT count(*) FROM environments WHERE workspace = '$WA' AND name LIKE 'b_'")" = 4 ]
}

# pages TOKEN TOOL KEY SIZE: follows next_cursor from the first page;
# NAMES gets the names in order, SIZES the length of each page.
pages() {
	local cur= args
	NAMES= SIZES=
	while :; do
		args='{"page_size":'$4${cur:+,'"cursor":"'$cur'"'}'}'
		tool "$1" "$2" "$args"
		jqb '.result.isError != true'
		NAMES=$NAMES$(jq -r '.'"$3"'[].name' <<<"$OUT" | tr '\n' ' ')
		SIZES=$SIZES$(jq '.'"$3"' | length' <<<"$OUT")' '
		cur=$(jq -r '.next_cursor // empty' <<<"$OUT")
		[ -n "$cur" ] || break
	done
}

@test "workspace_max_environments: the next create is an isError saying what to do; a delete makes room" {
	for i in 1 2 3 4 5; do
		tool "$TB" create_environment '{"name":"e'$i'","type":"development"}'
		jqb '.result.isError != true'
	done
	tool "$TB" create_environment '{"name":"e6","type":"development"}'
	jqb '.result.isError == true and .result.content == [{"type":"text","text":"Quota reached: your workspace already holds 5 environments, the most it may. Delete one you no longer need (delete_environment), or reuse one (update_environment), then try again."}]'
	[ "$(store_sql "SELECT count(*) FROM environments WHERE workspace = '$WB'")" = 5 ]
	# Another workspace's count is its own.
	tool "$TA" create_environment '{"name":"a5","type":"development"}'
	jqb '.result.isError != true'
	tool "$TB" list_environments '{"page_size":1}'
	tool "$TB" delete_environment '{"environment_id":"'"$(jq -r '.environments[0].id' <<<"$OUT")"'"}'
	jqb '.result.isError != true'
	tool "$TB" create_environment '{"name":"e6","type":"development"}'
	jqb '.result.isError != true'
}

@test "list_environments pages by (created_ms, id): every one once, in order" {
	pages "$TB" list_environments environments 2
	[ "$NAMES" = "e2 e3 e4 e5 e6 " ]
	[ "$SIZES" = "2 2 1 " ]
	tool "$TB" list_environments '{}'
	jqb '.result.structuredContent | (.environments | length) == 5 and .next_cursor == null'
	tool "$TB" list_environments '{"cursor":"1.tpl_abc"}'
	jqb '.result.isError == true and (.result.content[0].text | contains("arguments.cursor: must match the pattern"))'
	tool "$TB" list_environments '{"page_size":101}'
	jqb '.result.isError == true and (.result.content[0].text | contains("arguments.page_size"))'
}

@test "workspace_max_templates: the next create is an isError saying what to do; the list pages" {
	for i in 1 2 3; do
		tool "$TB" create_org_template '{"name":"t'$i'"}'
		jqb '.result.isError != true'
	done
	tool "$TB" create_org_template '{"name":"t4"}'
	jqb '.result.isError == true and .result.content == [{"type":"text","text":"Quota reached: your workspace already holds 3 organization templates, the most it may. Templates cannot be deleted with these tools: reuse an existing one (list_org_templates) instead."}]'
	[ "$(store_sql "SELECT count(*) FROM org_templates WHERE workspace = '$WB'")" = 3 ]
	pages "$TB" list_org_templates templates 2
	[ "$NAMES" = "t1 t2 t3 " ]
	[ "$SIZES" = "2 1 " ]
}

@test "workspace_max_organizations: the next create is an isError saying what to do; a delete makes room" {
	tool "$TB" list_environments '{"page_size":1}'
	env=$(jq -r '.environments[0].id' <<<"$OUT")
	for i in 1 2 3 4 5; do
		tool "$TB" create_organization '{"environment_id":"'"$env"'","name":"o'$i'"}'
		jqb '.result.isError != true'
	done
	tool "$TB" create_organization '{"environment_id":"'"$env"'","name":"o6"}'
	jqb '.result.isError == true and .result.content == [{"type":"text","text":"Quota reached: your workspace already holds 5 organizations, the most it may. Delete ones you no longer need (delete_organization), then try again."}]'
	[ "$(store_sql "SELECT count(*) FROM organizations WHERE workspace = '$WB'")" = 5 ]
	tool "$TB" list_organizations '{"page_size":1}'
	tool "$TB" delete_organization '{"organization_id":"'"$(jq -r '.organizations[0].id' <<<"$OUT")"'"}'
	jqb '.result.isError != true'
	tool "$TB" create_organization '{"environment_id":"'"$env"'","name":"o6"}'
	jqb '.result.isError != true'
}

@test "each bound is checked at start: out of range, the responder refuses to serve" {
	T=$(mktemp -d /tmp/mcpfcgi-cfg.XXXXXX)
	BIN=$ROOT/$BUILD/mcp.fcgi
	for kv in "max_batch_messages = 0:must be an integer from 1 to 1000" \
	    "max_answer_bytes = 4095:must be an integer from 4096 to 1073741824" \
	    "workspace_max_environments = 0:must be an integer from 1 to 100000" \
	    "workspace_max_templates = 100001:must be an integer from 1 to 100000" \
	    "workspace_max_organizations = 0:must be an integer from 1 to 100000000"; do
		printf 'auth = none\n%s\n' "${kv%%:*}" >"$T/b.conf"
		refused b.conf "b.conf:2: ${kv%% =*}: ${kv#*:}"
	done
	rm -rf "$T"
}
