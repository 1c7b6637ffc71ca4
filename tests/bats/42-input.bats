#!/usr/bin/env bats
# Input-required results (2026-07-28 multi round-trip requests) on /mcp
# with tokens: delete_environment asks a client that can show a form to
# confirm a forced delete, and counts the answer only with the sealed
# requestState of its own question.  Every way a requestState or an
# inputResponses can be wrong is refused with -32602, and the same body
# for every bad state.  Then the fixtures: -32021, prompts/get, logging.

load helper

# A requestState lives 3 s here, so that expiry can be seen.
server_prestart() {
	sed -i 's/^request_state_seconds = .*/request_state_seconds = 3/' \
	    "$STATE/mcp-fcgi.conf" "$STATE/mcp-fcgi-open.conf"
}

setup_file() {
	start_server
	two_workspaces
	# Another client (so another subject) of workspace Acme.
	TA2=$(token_for "$ALL_SCOPES" "$WA")
	export TA2
}
teardown_file() { stop_server; }

setup() { URL=$BASE/mcp; }

ELICIT='{"elicitation":{}}'

# itool TOKEN CAPS NAME ARGS [MEMBERS]: a 2026-07-28 tools/call declaring
# the client capabilities CAPS, with MEMBERS (inputResponses,
# requestState) after the arguments.
itool() {
	local meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":'"$2"'}'
	TOKEN=$1 post '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{'"$meta"',"name":"'"$3"'","arguments":'"$4${5:+,$5}"'}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' \
	    -H "Mcp-Name: $3"
}

# env_with N: an environment of Acme holding N organizations ($ENV).
env_with() {
	itool "$TA" '{}' create_environment '{"name":"e-'"$RANDOM$RANDOM"'","type":"staging"}'
	ENV=$(jq -r .result.structuredContent.id <<<"$BODY")
	[[ "$ENV" =~ ^env_ ]]
	for i in $(seq "$1"); do
		itool "$TA" '{}' create_organization '{"environment_id":"'"$ENV"'","name":"o'"$i"'"}'
		jqb '.result.isError != true'
	done
}

# ask: the forced delete of $ENV, first round; $STATE_TEXT its requestState.
ask() {
	itool "${1:-$TA}" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}'
	[ "$STATUS" = 200 ]
	jqb '.result.resultType == "input_required"'
	STATE_TEXT=$(jq -r .result.requestState <<<"$BODY")
}

YES='"inputResponses":{"confirm_delete":{"action":"accept","content":{"confirm":true}}}'

# still_there: $ENV exists.
still_there() {
	itool "$TA" '{}' get_environment '{"environment_id":"'"$ENV"'"}'
	jqb '.result.isError != true and .result.structuredContent.id == "'"$ENV"'"'
}

# bad_state: the answer every unusable requestState gets.
bad_state() {
	[ "$STATUS" = 200 ]
	jqb '.id == 9 and .error.code == -32602 and .error.message == "Invalid params: requestState is not valid for this request" and (has("result") | not)'
}

@test "a forced delete asks a client that can show a form: one elicitation, a sealed requestState, nothing deleted" {
	env_with 2
	ask
	jqb '.result | keys == ["inputRequests","requestState","resultType"]'
	jqb '.result.inputRequests | keys == ["confirm_delete"]'
	jqb '.result.inputRequests.confirm_delete.method == "elicitation/create"'
	jqb '.result.inputRequests.confirm_delete.params.message | test("and the 2 organizations it holds\\? This cannot be undone\\.$")'
	jqb '.result.inputRequests.confirm_delete.params.requestedSchema == {"type":"object","properties":{"confirm":{"type":"boolean","title":"Delete them"}},"required":["confirm"]}'
	[[ "$STATE_TEXT" =~ ^1\.[A-Za-z0-9_-]{40,}$ ]]
	# Opaque: nothing of it reads as JSON or names the environment.
	! base64 -d <<<"${STATE_TEXT#1.}" 2>/dev/null | grep -q "$ENV" || false
	still_there
}

@test "the retry with the confirmation and the requestState deletes it" {
	env_with 2
	ask
	itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
	    "$YES"',"requestState":"'"$STATE_TEXT"'"'
	[ "$STATUS" = 200 ]
	jqb '.result.resultType == "complete" and .result.structuredContent == {"deleted":"'"$ENV"'","organizations_deleted":2}'
	itool "$TA" '{}' get_environment '{"environment_id":"'"$ENV"'"}'
	jqb '.result.isError == true'
}

@test "declined, cancelled or confirm false: not deleted, a tool error that says so" {
	env_with 1
	for ans in '{"action":"decline"}' '{"action":"cancel"}' \
	    '{"action":"accept","content":{"confirm":false}}'; do
		ask
		itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
		    '"inputResponses":{"confirm_delete":'"$ans"'},"requestState":"'"$STATE_TEXT"'"'
		jqb '.result.isError == true and .result.content[0].text == "Environment '"$ENV"' was not deleted: the deletion was not confirmed."'
		still_there
	done
}

@test "a client without elicitation is not asked: the forced delete goes ahead as before" {
	env_with 1
	itool "$TA" '{"sampling":{}}' delete_environment '{"environment_id":"'"$ENV"'","force":true}'
	jqb '.result.resultType == "complete" and .result.structuredContent.organizations_deleted == 1'
}

@test "a confirmation without the requestState of the question is asked for again" {
	env_with 1
	itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' "$YES"
	jqb '.result.resultType == "input_required" and (.result.inputRequests | keys) == ["confirm_delete"] and (.result.requestState | startswith("1."))'
	still_there
}

@test "organizations added since the question: asked again, naming how many now" {
	env_with 1
	ask
	itool "$TA" '{}' create_organization '{"environment_id":"'"$ENV"'","name":"late"}'
	itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
	    "$YES"',"requestState":"'"$STATE_TEXT"'"'
	jqb '.result.resultType == "input_required"'
	jqb '.result.inputRequests.confirm_delete.params.message | test("the 2 organizations it holds")'
	still_there
}

@test "an accepted form without its required field is asked for again" {
	env_with 1
	ask
	itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
	    '"inputResponses":{"confirm_delete":{"action":"accept","content":{}}},"requestState":"'"$STATE_TEXT"'"'
	jqb '.result.resultType == "input_required"'
	itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
	    '"inputResponses":{"confirm_delete":{"action":"accept","content":{"confirm":"yes"}}},"requestState":"'"$STATE_TEXT"'"'
	jqb '.result.resultType == "input_required"'
	still_there
}

@test "a tampered requestState: -32602, nothing deleted" {
	env_with 1
	ask
	# One character changed in the middle, and the suite's suffix.
	mid=$(( ${#STATE_TEXT} / 2 ))
	c=${STATE_TEXT:$mid:1}
	[ "$c" = A ] && n=B || n=A
	for t in "${STATE_TEXT:0:$mid}$n${STATE_TEXT:$((mid + 1))}" "$STATE_TEXT-TAMPERED" \
	    "${STATE_TEXT:0:$((${#STATE_TEXT} - 4))}"; do
		itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
		    "$YES"',"requestState":"'"$t"'"'
		bad_state
		logged "requestState refused: it does not open under our key"
	done
	still_there
}

@test "another subject's requestState answers exactly like a tampered one" {
	env_with 1
	ask
	itool "$TA2" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
	    "$YES"',"requestState":"'"$STATE_TEXT"'"'
	bad_state
	logged "requestState refused: made for another caller"
	still_there
}

@test "a requestState presented for another request is refused: other arguments, other tool" {
	env_with 1
	first=$ENV
	ask
	s1=$STATE_TEXT
	env_with 1
	itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
	    "$YES"',"requestState":"'"$s1"'"'
	bad_state
	logged "requestState refused: made for another request"
	itool "$TA" "$ELICIT" get_environment '{"environment_id":"'"$first"'"}' \
	    '"requestState":"'"$s1"'"'
	bad_state
	# The same arguments in another order are the same request.
	ENV=$first
	itool "$TA" "$ELICIT" delete_environment '{"force":true,"environment_id":"'"$ENV"'"}' \
	    "$YES"',"requestState":"'"$s1"'"'
	jqb '.result.structuredContent == {"deleted":"'"$ENV"'","organizations_deleted":1}'
}

@test "an expired requestState is refused" {
	env_with 1
	ask
	sleep 4.2
	itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
	    "$YES"',"requestState":"'"$STATE_TEXT"'"'
	bad_state
	logged "requestState refused: expired"
	still_there
}

@test "a malformed requestState: not a string, empty, no version, not base64, over-long" {
	env_with 1
	long=1.$(head -c 12000 /dev/zero | tr '\0' A)
	for s in '42' 'null' '{}' '""' '"abc"' '"1.***"' '"2.AAAA"' "\"$long\""; do
		itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
		    "$YES"',"requestState":'"$s"
		bad_state
	done
	still_there
}

@test "inputResponses that are not an object of objects, or too many: -32602" {
	env_with 1
	many=$(for i in $(seq 17); do printf '"k%d":{},' "$i"; done)
	for r in 'null' '[]' '"x"' '{"confirm_delete":12345}' '{"confirm_delete":null}' "{${many%,}}"; do
		itool "$TA" "$ELICIT" delete_environment '{"environment_id":"'"$ENV"'","force":true}' \
		    '"inputResponses":'"$r"
		jqb '.id == 9 and .error.code == -32602 and (.error.message | startswith("Invalid params: inputResponses"))'
	done
	still_there
}

@test "a tool that needs a capability the client did not declare: 400, -32021 naming it" {
	URL=$BASE/conformance/mcp
	itool "" '{}' test_missing_capability '{}'
	[ "$STATUS" = 400 ]
	jqb '. == {"jsonrpc":"2.0","id":9,"error":{"code":-32021,"message":"Missing required client capability: sampling","data":{"requiredCapabilities":{"sampling":{}}}}}'
	itool "" '{"sampling":{}}' test_missing_capability '{}'
	[ "$STATUS" = 200 ]
	jqb '.result.resultType == "input_required" and .result.inputRequests.summary.method == "sampling/createMessage"'
}

@test "prompts/get answers input-required, then the prompt with the answer" {
	URL=$BASE/conformance/mcp
	meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":'"$ELICIT"'}'
	h=(-H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: prompts/get' -H 'Mcp-Name: test_input_required_result_prompt')
	post '{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{'"$meta"',"name":"test_input_required_result_prompt"}}' "${h[@]}"
	jqb '.result.resultType == "input_required" and .result.inputRequests.user_context.params.message == "What context should the prompt use?"'
	post '{"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{'"$meta"',"name":"test_input_required_result_prompt","inputResponses":{"user_context":{"action":"accept","content":{"context":"billing"}}}}}' "${h[@]}"
	jqb '.result.resultType == "complete" and .result.messages[0].content.text == "Answer with this context in mind: billing"'
}

@test "no log message reaches a 2026-07-28 client that set no logLevel; one that did gets them" {
	URL=$BASE/conformance/mcp
	itool "" '{}' test_logging_tool '{}'
	[ "$(header Content-Type)" = application/json ]
	jqb '.result.content[0].text == "Logged at info and error, where allowed"'
	meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/logLevel":"error"}'
	post '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{'"$meta"',"name":"test_logging_tool"}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: test_logging_tool'
	sse_data | jq -s -e '[.[] | select(.method == "notifications/message") | .params.data] == ["an error, logged"]'
}
