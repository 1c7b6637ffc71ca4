#!/usr/bin/env bats
# Tasks (2026-07-28 tasks extension) on /mcp with tokens: an import of more
# than one batch runs as a task for a client that declares the extension;
# tasks/get, tasks/update and tasks/cancel find a task only for the caller
# that made it (another's answers exactly like none), a task lives
# task_seconds, a task whose process died is failed, and each process runs
# at most max_tasks.  Then the 2.x client through an input-required round
# and a task.

load helper

# Tasks live 10 s and are lost after 5 s without a beat; two run per
# process, one of them a caller's: so that each limit can be seen.
server_prestart() {
	sed -i -e 's/^task_seconds = .*/task_seconds = 10/' \
	    -e 's/^task_lost_seconds = .*/task_lost_seconds = 5/' \
	    -e 's/^max_tasks = .*/max_tasks = 2/' \
	    "$STATE/mcp-fcgi.conf" "$STATE/mcp-fcgi-open.conf"
}

setup_file() {
	start_server
	use_js
	two_workspaces
	TA2=$(token_for "$ALL_SCOPES" "$WA")
	export TA2
}
teardown_file() { stop_server; }

setup() { URL=$BASE/mcp; }

EXT='{"extensions":{"io.modelcontextprotocol/tasks":{}}}'

# rpc TOKEN CAPS METHOD PARAMS NAME: a 2026-07-28 request declaring CAPS,
# Mcp-Name NAME when given.
rpc() {
	local meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":'"$2"'}'
	TOKEN=$1 post '{"jsonrpc":"2.0","id":5,"method":"'"$3"'","params":{'"$meta${4:+,$4}"'}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $3" \
	    ${5:+-H "Mcp-Name: $5"}
}

# task TOKEN METHOD ID: tasks/get|update|cancel of ID with its Mcp-Name.
task() {
	local extra=
	[ "$2" = tasks/update ] && extra=',"inputResponses":{}'
	rpc "$1" "$EXT" "$2" '"taskId":"'"$3"'"'"$extra" "$3"
}

# env_new: an environment of Acme ($ENV).
env_new() {
	rpc "$TA" '{}' tools/call '"name":"create_environment","arguments":{"name":"t-'"$RANDOM$RANDOM"'","type":"staging"}' create_environment
	ENV=$(jq -r .result.structuredContent.id <<<"$BODY")
	[[ "$ENV" =~ ^env_ ]]
}

# import TOKEN CAPS N BATCH: import_organizations of N into $ENV.
import() {
	local orgs
	orgs=$(jq -nc --argjson n "$3" '[range($n) | {name: "o\(.)-\(now)"}]')
	rpc "$1" "$2" tools/call '"name":"import_organizations","arguments":{"environment_id":"'"$ENV"'","organizations":'"$orgs"',"batch_size":'"$4"'}' import_organizations
}

# until_status TOKEN ID STATUS: tasks/get until the task has it (5 s).
until_status() {
	for _ in $(seq 100); do
		task "$1" tasks/get "$2"
		[ "$(jq -r .result.status <<<"$BODY")" = "$3" ] && return 0
		sleep 0.05
	done
	echo "task $2 never $3: $BODY" >&2
	return 1
}

# runs_tasks: skips a test that needs a task to run.  mod_fcgid sends a
# process one request at a time (threads = 1), and a process with one
# thread runs no task: the tool answers as a plain call.
runs_tasks() {
	skip_behind "apache-fcgid apache-cgi lighttpd-cgi" \
	    "one request per process runs no task (the tool answers as a plain call)"
}

NOTASK='{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params: taskId names no task"}}'

@test "an import of more than one batch, with the extension: a task, then its result from tasks/get" {
	runs_tasks
	env_new
	import "$TA" "$EXT" 60 10
	[ "$STATUS" = 200 ]
	jqb '.result | keys == ["createdAt","lastUpdatedAt","pollIntervalMs","resultType","status","taskId","ttlMs"]'
	jqb '.result.resultType == "task" and .result.status == "working" and .result.ttlMs == 10000 and .result.pollIntervalMs == 500'
	jqb '.result.createdAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")'
	id=$(jq -r .result.taskId <<<"$BODY")
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	until_status "$TA" "$id" completed
	jqb '.result.resultType == "complete" and .result.taskId == "'"$id"'" and .result.result.structuredContent.imported == 60 and (.result | has("error") | not)'
	# The organizations are there.
	TOKEN=$TA mpost tools/call '"name":"list_organizations","arguments":{"environment_id":"'"$ENV"'","page_size":100}' \
	    -H 'Mcp-Name: list_organizations' -H "Mcp-Param-Environment-Id: $ENV"
	jqb '.result.structuredContent.organizations | length == 60'
}

@test "without the extension, or of one batch, the import answers at once" {
	env_new
	import "$TA" '{}' 30 10
	jqb '.result.resultType == "complete" and .result.structuredContent.imported == 30'
	import "$TA" "$EXT" 5 10
	jqb '.result.resultType == "complete" and .result.structuredContent.imported == 5'
}

@test "another caller's task answers exactly like one that does not exist: get, update, cancel" {
	runs_tasks
	env_new
	import "$TA" "$EXT" 200 1
	id=$(jq -r .result.taskId <<<"$BODY")
	none=$(printf '%064d' 0)
	for m in tasks/get tasks/update tasks/cancel; do
		for who in "$TA2" "$TB"; do
			task "$who" "$m" "$id"
			[ "$STATUS" = 200 ]
			jqb ". == $NOTASK"
		done
		task "$TA" "$m" "$none"
		jqb ". == $NOTASK"
	done
	# Still the owner's, and still running.
	task "$TA" tasks/get "$id"
	jqb '.result.status == "working"'
	task "$TA" tasks/cancel "$id"
	sleep 0.5
}

@test "tasks/cancel stops an import between batches: cancelled, and so it stays" {
	runs_tasks
	env_new
	import "$TA" "$EXT" 300 1
	id=$(jq -r .result.taskId <<<"$BODY")
	sleep 0.3
	task "$TA" tasks/cancel "$id"
	jqb '.result == {"resultType":"complete"}'
	task "$TA" tasks/get "$id"
	jqb '.result.status == "cancelled" and (.result | has("result") | not)'
	sleep 0.5
	task "$TA" tasks/get "$id"
	jqb '.result.status == "cancelled"'
	# Cancelling a finished task is acknowledged and changes nothing.
	sleep 0.3
	task "$TA" tasks/cancel "$id"
	jqb '.result == {"resultType":"complete"}'
	TOKEN=$TA mpost tools/call '"name":"list_organizations","arguments":{"environment_id":"'"$ENV"'","page_size":100}' \
	    -H 'Mcp-Name: list_organizations' -H "Mcp-Param-Environment-Id: $ENV"
	n=$(jq '.result.structuredContent.organizations | length' <<<"$BODY")
	[ "$n" -lt 100 ]
}

@test "a task past its lifetime (task_seconds) is gone: -32602" {
	runs_tasks
	env_new
	import "$TA" "$EXT" 20 10
	id=$(jq -r .result.taskId <<<"$BODY")
	until_status "$TA" "$id" completed
	sleep 10.2
	task "$TA" tasks/get "$id"
	jqb ". == $NOTASK"
}

@test "tasks methods without the extension: 400 / -32021 naming it, before any lookup" {
	for m in tasks/get tasks/update tasks/cancel; do
		rpc "$TA" '{}' "$m" '"taskId":"gate-test","inputResponses":{}' gate-test
		[ "$STATUS" = 400 ]
		jqb '. == {"jsonrpc":"2.0","id":5,"error":{"code":-32021,"message":"Missing required client capability: extensions.io.modelcontextprotocol/tasks","data":{"requiredCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}}}'
	done
}

@test "a malformed taskId is -32602; Mcp-Name must name the task (400 / -32020)" {
	for id in gate-test "$(printf '%063d' 0)" "$(printf '%064d' 0 | tr 0 A)"; do
		task "$TA" tasks/get "$id"
		jqb ". == $NOTASK"
	done
	rpc "$TA" "$EXT" tasks/get '"taskId":"'"$(printf '%064d' 0)"'"' other
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32020'
	rpc "$TA" "$EXT" tasks/get '"taskId":"'"$(printf '%064d' 0)"'"'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32020'
	rpc "$TA" "$EXT" tasks/get '' x
	jqb ". == $NOTASK"
	rpc "$TA" "$EXT" tasks/update '"taskId":"'"$(printf '%064d' 0)"'","inputResponses":[]' "$(printf '%064d' 0)"
	jqb '.error.code == -32602 and .error.message == "Invalid params: inputResponses (object) is required"'
}

@test "tasks/result and tasks/list do not exist: 404 / -32601" {
	rpc "$TA" "$EXT" tasks/result '"taskId":"x"'
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32601'
	rpc "$TA" "$EXT" tasks/list ''
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32601'
}

@test "server/discover names the tasks extension; the 2025 revisions know no task" {
	rpc "$TA" '{}' server/discover ''
	jqb '.result.capabilities.extensions == {"io.modelcontextprotocol/tasks":{}} and (.result.capabilities | has("tasks") | not)'
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}'
	jqb '(.result.capabilities | has("extensions") | not)'
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"tasks/get","params":{"taskId":"x"}}'
	jqb '.error.code == -32601'
}

@test "one task per caller and process here (max_tasks = 2, a caller half): past it an optional task runs as a plain call" {
	runs_tasks
	env_new
	# Long tasks until the caller has its share of a process: the next
	# import there answers as a plain call, having done its work.
	ids=()
	plain=
	for i in 1 2 3 4 5; do
		import "$TA" "$EXT" 400 1
		if [ "$(jq -r .result.resultType <<<"$BODY")" = task ]; then
			ids+=("$(jq -r .result.taskId <<<"$BODY")")
		else
			plain=$BODY
			break
		fi
	done
	[ -n "$plain" ]
	[ ${#ids[@]} -ge 1 ]
	# Another caller still gets a task in a process this one fills.
	import "$TA2" "$EXT" 30 10
	jqb '.result.resultType == "task"'
	ids+=("$(jq -r .result.taskId <<<"$BODY")")
	BODY=$plain
	jqb '.result.resultType == "complete" and .result.structuredContent.imported == 400'
	for id in "${ids[@]}"; do
		task "$TA" tasks/cancel "$id"
		task "$TA2" tasks/cancel "$id"
	done
	sleep 0.5
}

@test "a task started with a progressToken: the process survives, the task completes" {
	runs_tasks
	env_new
	orgs=$(jq -nc '[range(40) | {name: "p\(.)"}]')
	meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":'"$EXT"',"progressToken":"p1"}'
	TOKEN=$TA post '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{'"$meta"',"name":"import_organizations","arguments":{"environment_id":"'"$ENV"'","organizations":'"$orgs"',"batch_size":10}}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: import_organizations'
	[ "$STATUS" = 200 ]
	id=$(sse_data | jq -r 'select(.result.resultType == "task") | .result.taskId')
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	until_status "$TA" "$id" completed
	jqb '.result.result.structuredContent.imported == 40'
	# The same responders still answer.
	rpc "$TA" '{}' server/discover ''
	[ "$STATUS" = 200 ]
}

@test "past its share of task slots a caller gets 429 / -32043 for a required task" {
	skip_behind "apache-cgi lighttpd-cgi" "no task runs: a required one is refused -32603 (60-cgi.bats)"
	URL=$BASE/conformance/mcp
	# The fixture endpoint has no tokens, so every caller is one, bound by
	# max_tasks alone: each task waits for an answer (so stays live and
	# holds its thread), two run in each process, the rest are refused.
	caps='{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}'
	ids=()
	refused=0
	for i in $(seq 17); do
		rpc "" "$caps" tools/call '"name":"confirm_delete","arguments":{"filename":"f'"$i"'"}' confirm_delete
		if [ "$(jq -r '.result.resultType // empty' <<<"$BODY")" = task ]; then
			ids+=("$(jq -r .result.taskId <<<"$BODY")")
		else
			[ "$STATUS" = 429 ]
			jqb '.error.code == -32043 and .error.message == "Too many tasks running: retry later"'
			refused=$((refused + 1))
		fi
	done
	echo "${#ids[@]} tasks, $refused refused"
	[ "$refused" -ge 1 ]
	[ "${#ids[@]}" -ge 1 ] && [ "${#ids[@]}" -le 16 ]
	for id in "${ids[@]}"; do rpc "" "$EXT" tasks/cancel '"taskId":"'"$id"'"' "$id"; done
	sleep 0.5
}

# tlisten NAME TOKEN CAPS FILTER: a listen held by curl in the background.
tlisten() {
	rm -f "$STATE/$1.h" "$STATE/$1.b"
	curl -sN -D "$STATE/$1.h" "$URL" -H "Authorization: Bearer $2" \
	    -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
	    -H 'MCP-Protocol-Version: 2026-07-28' \
	    -H 'Mcp-Method: subscriptions/listen' --data-binary \
	    '{"jsonrpc":"2.0","id":"L1","method":"subscriptions/listen","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":'"$3"'},"notifications":'"$4"'}}' \
	    >"$STATE/$1.b" 3>&- &
	held "$1" $!
}

@test "a listen that names its tasks hears their status; another caller's task is not honoured" {
	runs_tasks
	env_new
	import "$TA" "$EXT" 300 1
	mine=$(jq -r .result.taskId <<<"$BODY")
	import "$TA2" "$EXT" 300 1
	theirs=$(jq -r .result.taskId <<<"$BODY")
	tlisten tl "$TA" "$EXT" '{"taskIds":["'"$mine"'","'"$theirs"'","nope"]}'
	seen tl 'subscriptions/acknowledged'
	sed -n 's/^data: //p' "$STATE/tl.b" | head -1 | jq -e '.params.notifications.taskIds == ["'"$mine"'"] and .params._meta["io.modelcontextprotocol/subscriptionId"] == "L1"'
	task "$TA" tasks/cancel "$mine"
	task "$TA2" tasks/cancel "$theirs"
	seen tl 'notifications/tasks'
	sleep 0.3
	sed -n 's/^data: //p' "$STATE/tl.b" | jq -s -e '[.[] | select(.method == "notifications/tasks")] | length == 1 and .[0].params.taskId == "'"$mine"'" and .[0].params.status == "cancelled" and (.[0].params | has("resultType") | not) and .[0].params._meta["io.modelcontextprotocol/subscriptionId"] == "L1"'
	kill_listeners
	sleep 0.5
}

@test "a listen naming taskIds without the extension: 400 / -32021" {
	skip_behind "apache-cgi lighttpd-cgi" "no listen is held (60-cgi.bats)"
	tlisten tn "$TA" '{}' '{"taskIds":["x"]}'
	seen tn 'error'
	grep -q '^HTTP/1.1 400' "$STATE/tn.h"
	jq -e '.error.code == -32021 and .error.data.requiredCapabilities.extensions["io.modelcontextprotocol/tasks"] == {}' "$STATE/tn.b"
	tlisten tm "$TA" "$EXT" '{"taskIds":"x"}'
	seen tm 'error'
	jq -e '.error.code == -32602' "$STATE/tm.b"
	kill_listeners
}

@test "tasks/update with more than 16 answers: -32602" {
	many=$(for i in $(seq 17); do printf '"k%d":{},' "$i"; done)
	id=$(printf '%064d' 0)
	rpc "$TA" "$EXT" tasks/update '"taskId":"'"$id"'","inputResponses":{'"${many%,}"'}' "$id"
	jqb '.error.code == -32602 and .error.message == "Invalid params: inputResponses may hold at most 16 answers"'
}

@test "a task whose process died is failed by the next tasks/get" {
	lighttpd_only "spawn-fcgi does not restart responders that die (systemd and lighttpd do)"
	env_new
	import "$TA" "$EXT" 1000 1
	id=$(jq -r .result.taskId <<<"$BODY")
	sleep 0.3
	pkill -KILL -f "$ROOT/$BUILD/mcp.fcgi"
	# No beat for 5 s (task_lost_seconds): the process is taken to
	# have stopped.
	sleep 5.5
	task "$TA" tasks/get "$id"
	jqb '.result.status == "failed" and .result.statusMessage == "The process running this task stopped" and .result.error == {"code":-32603,"message":"The process running this task stopped"}'
}

@test "the 2.x client: an input-required round confirms a delete, then an import runs as a task" {
	runs_tasks
	env_new
	for i in 1 2; do
		TOKEN=$TA mpost tools/call '"name":"create_organization","arguments":{"environment_id":"'"$ENV"'","name":"c'"$i"'"}' \
		    -H 'Mcp-Name: create_organization'
	done
	cd "$JS"
	run timeout 60 node sdk2-rounds.mjs "$URL" "$TA" "$ENV"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"input-required round: confirmed and deleted"* ]]
	[[ "$output" == *"task completed: 60 imported"* ]]
	[[ "$output" == *"sdk2-rounds ok"* ]]
}
