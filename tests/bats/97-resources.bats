#!/usr/bin/env bats
# The reference application's objects as read-only MCP resources:
# the listings with their scopes, every reader's exact contents, scope
# refusals, isolation between workspaces (another workspace's object is
# "Resource not found", like one that never existed, for read and
# subscribe), and notifications/resources/updated reaching subscribers
# of the same workspace only.

load helper

setup_file() {
	start_server
	two_workspaces
	TA2=$(token_for "$ALL_SCOPES" "$WA")	# a second client of Acme
	export TA2
}
teardown_file() { stop_server; }

setup() {
	URL=$BASE/mcp
	PRM=$BASE/.well-known/oauth-protected-resource/mcp
}

# tool TOKEN NAME ARGS_JSON: a 2026-07-28 tools/call; OUT is its result.
tool() {
	TOKEN=$1 mpost tools/call '"name":"'"$2"'","arguments":'"$3" -H "Mcp-Name: $2"
	[ "$STATUS" = 200 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	OUT=$(jq -c .result.structuredContent <<<"$BODY")
}

# read TOKEN URI: a 2026-07-28 resources/read.
rread() {
	TOKEN=$1 mpost resources/read '"uri":"'"$2"'"' -H "Mcp-Name: $2"
}

# notices: the notifications/resources/updated URIs of an SSE body, sorted.
notices() {
	sse_data | jq -r 'select(.method == "notifications/resources/updated") | .params.uri' | sort | tr '\n' ' '
}

# The text of a read's only content item must equal the tool's output.
same_as_tool() {
	jqb '.result.contents | length == 1'
	jqb '.result.contents[0].uri == "'"$1"'" and .result.contents[0].mimeType == "application/json"'
	jqb '(.result.contents[0].text | fromjson) == '"$OUT"
}

@test "resources/list and templates/list: URIs, JSON, scopes in _meta" {
	TOKEN=$TA mpost resources/list ''
	[ "$STATUS" = 200 ]
	jqb '[.result.resources[] | [.uri, .mimeType, ._meta["mcp-fcgi/scopes"][0]]] == [["mcp-fcgi://workspace","application/json","wks:read"],["mcp-fcgi://environments","application/json","env:read"],["mcp-fcgi://org-templates","application/json","org:read"]]'
	jqb '.result.resources[0] | .name == "workspace" and .title == "Your workspace" and (.description | length > 0)'
	TOKEN=$TA mpost resources/templates/list ''
	[ "$STATUS" = 200 ]
	jqb '[.result.resourceTemplates[] | [.uriTemplate, ._meta["mcp-fcgi/scopes"][0]]] == [["mcp-fcgi://environments/{environment_id}","env:read"],["mcp-fcgi://organizations/{organization_id}","org:read"],["mcp-fcgi://org-templates/{template_id}","org:read"]]'
	# The metadata gathers resource scopes with the tools'.
	req GET "$BASE/.well-known/oauth-protected-resource/mcp"
	jqb '.scopes_supported | index("org:read") != null and index("env:read") != null'
}

@test "each reader returns exactly what the matching tool returns" {
	tool "$TA" get_workspace '{}'
	rread "$TA" mcp-fcgi://workspace
	[ "$STATUS" = 200 ]
	same_as_tool mcp-fcgi://workspace
	tool "$TA" create_environment '{"name":"Prod","type":"production"}'
	env=$(jq -r .id <<<"$OUT")
	tool "$TA" get_environment '{"environment_id":"'"$env"'"}'
	rread "$TA" "mcp-fcgi://environments/$env"
	same_as_tool "mcp-fcgi://environments/$env"
	tool "$TA" list_environments '{}'
	rread "$TA" mcp-fcgi://environments
	same_as_tool mcp-fcgi://environments
	tool "$TA" create_org_template '{"name":"Std","settings":{"tier":"gold"}}'
	tpl=$(jq -r .id <<<"$OUT")
	rread "$TA" "mcp-fcgi://org-templates/$tpl"
	same_as_tool "mcp-fcgi://org-templates/$tpl"
	tool "$TA" list_org_templates '{}'
	rread "$TA" mcp-fcgi://org-templates
	same_as_tool mcp-fcgi://org-templates
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Initech","external_id":"x-1","template_id":"'"$tpl"'","metadata":{"a":1}}'
	org=$(jq -r .id <<<"$OUT")
	rread "$TA" "mcp-fcgi://organizations/$org"
	same_as_tool "mcp-fcgi://organizations/$org"
	jqb '(.result.contents[0].text | fromjson) | .metadata == {"tier":"gold","a":1} and .template_id == "'"$tpl"'"'
}

@test "the list resources are the first page of 100 and its next_cursor; the tool continues from it" {
	store_sql "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 101) INSERT INTO org_templates (id, workspace, name, settings, created_ms, updated_ms) SELECT 'tpl_' || substr('0000000000000000000' || v, length(CAST(v AS text))), '$WA', 'r' || v, '{}', v, v FROM n"
	TOKEN=$TA mpost resources/read '"uri":"mcp-fcgi://org-templates"' -H "Mcp-Name: mcp-fcgi://org-templates"
	[ "$STATUS" = 200 ]
	doc=$(jq -r '.result.contents[0].text' <<<"$BODY")
	jqo '(.templates | length) == 100 and .templates[99].name == "r100" and .next_cursor == "100.tpl_00000000000000000100"' "$doc"
	tool "$TA" list_org_templates '{"page_size":100}'
	[ "$OUT" = "$(jq -c . <<<"$doc")" ] || { diff <(jq . <<<"$OUT") <(jq . <<<"$doc") | head; false; }
	tool "$TA" list_org_templates '{"cursor":"100.tpl_00000000000000000100"}'
	# Then r101, and what the other tests made (created later).
	jqo '.templates[0].name == "r101" and ([.templates[].name | select(startswith("r"))] == ["r101"]) and .next_cursor == null' "$OUT"
	store_sql "DELETE FROM org_templates WHERE id LIKE 'tpl_0000000%'"
}

@test "another workspace's objects read exactly like ones that never existed" {
	tool "$TA" create_environment '{"name":"Iso","type":"staging"}'
	env=$(jq -r .id <<<"$OUT")
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Hidden"}'
	org=$(jq -r .id <<<"$OUT")
	tool "$TA" create_org_template '{"name":"Secret"}'
	tpl=$(jq -r .id <<<"$OUT")
	for pair in "environments/$env environments/env_00000000000000000000" \
	    "organizations/$org organizations/org_00000000000000000000" \
	    "org-templates/$tpl org-templates/tpl_00000000000000000000"; do
		set -- $pair
		rread "$TB" "mcp-fcgi://$1"
		[ "$STATUS" = 200 ]
		theirs=$(jq -c '.error | .message |= sub("mcp-fcgi://.*"; "URI")' <<<"$BODY")
		rread "$TB" "mcp-fcgi://$2"
		none=$(jq -c '.error | .message |= sub("mcp-fcgi://.*"; "URI")' <<<"$BODY")
		[ "$theirs" = "$none" ]
		jqo '. == {"code":-32002,"message":"Resource not found: URI"}' "$theirs"
	done
	# The owner still reads them; B's own workspace document is B's.
	rread "$TA" "mcp-fcgi://organizations/$org"
	jqb '(.result.contents[0].text | fromjson).name == "Hidden"'
	rread "$TB" mcp-fcgi://workspace
	jqb '(.result.contents[0].text | fromjson) | .id == "'"$WB"'" and .name == "Globex"'
	# URIs no reader serves, and variables that are not ids at all.
	for u in mcp-fcgi://nothing mcp-fcgi://organizations/ "mcp-fcgi://organizations/a/b" "mcp-fcgi://organizations/'%20OR%201=1"; do
		rread "$TA" "$u"
		jqb '.error.code == -32002'
	done
}

@test "resources/read needs the resource's scopes: 403 naming them" {
	t=$(token_for "wks:read" "$WA")
	rread "$t" mcp-fcgi://organizations/org_00000000000000000000
	[ "$STATUS" = 403 ]
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"org:read\", error=\"insufficient_scope\"" ]
	jqb '. == {"jsonrpc":"2.0","id":7,"error":{"code":-32041,"message":"Forbidden: the access token lacks a required scope","data":{"resource":"mcp-fcgi://organizations/org_00000000000000000000","required":["org:read"],"missing":["org:read"]}}}'
	rread "$t" mcp-fcgi://environments
	[ "$STATUS" = 403 ]
	jqb '.error.data == {"resource":"mcp-fcgi://environments","required":["env:read"],"missing":["env:read"]}'
	# What it holds, it reads; a URI nothing serves is not a scope matter.
	rread "$t" mcp-fcgi://workspace
	[ "$STATUS" = 200 ]
	jqb '(.result.contents[0].text | fromjson).id == "'"$WA"'"'
	rread "$t" mcp-fcgi://nothing
	[ "$STATUS" = 200 ]
	jqb '.error.code == -32002'
	# 2026-07-28 has no resources/subscribe: unknown method, not a 403.
	TOKEN=$t mpost resources/subscribe '"uri":"mcp-fcgi://environments"' -H 'Mcp-Name: mcp-fcgi://environments'
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32601'
	# No token at all: 401 before anything else.
	NOAUTH=1 mpost resources/read '"uri":"mcp-fcgi://workspace"' -H 'Mcp-Name: mcp-fcgi://workspace'
	[ "$STATUS" = 401 ]
}

# A 2025-06-18 session of TOKEN; sets SID (a session per token).
session() {
	TOKEN=$1 init_session 2025-06-18
}

# sp TOKEN BODY: a POST inside session $SID.
sp() {
	TOKEN=$1 spost 2025-06-18 "$2"
}

@test "resources/subscribe: only to what the caller could read; 403 without the scope" {
	tool "$TA" create_environment '{"name":"SubEnv","type":"staging"}'
	env=$(jq -r .id <<<"$OUT")
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Watched"}'
	org=$(jq -r .id <<<"$OUT")
	session "$TB"
	sp "$TB" '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://organizations/'"$org"'"}}'
	[ "$STATUS" = 200 ]
	jqb '.error == {"code":-32002,"message":"Resource not found: mcp-fcgi://organizations/'"$org"'"}'
	[ "$(store_sql "SELECT count(*) FROM subscriptions WHERE session = '$SID'")" = 0 ]
	t=$(token_for "wks:read" "$WA")
	session "$t"
	sp "$t" '{"jsonrpc":"2.0","id":3,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://organizations/'"$org"'"}}'
	[ "$STATUS" = 403 ]
	jqb '.error.code == -32041 and .error.data.missing == ["org:read"]'
	# Unsubscribing needs no scope and no such resource.
	sp "$t" '{"jsonrpc":"2.0","id":4,"method":"resources/unsubscribe","params":{"uri":"mcp-fcgi://organizations/'"$org"'"}}'
	[ "$STATUS" = 200 ]
	jqb '.result == {}'
}

@test "a change reaches the subscribers of its workspace, on their next stream" {
	tool "$TA" create_environment '{"name":"NotifyEnv","type":"staging"}'
	env=$(jq -r .id <<<"$OUT")
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Before"}'
	org=$(jq -r .id <<<"$OUT")
	# B watches its own workspace document and environment list.
	session "$TB"
	SB=$SID
	for u in mcp-fcgi://workspace mcp-fcgi://environments; do
		sp "$TB" '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"'"$u"'"}}'
		jqb '.result == {}'
	done
	# A (another client of the same workspace) watches the organization.
	session "$TA2"
	SA=$SID
	for u in "mcp-fcgi://organizations/$org" mcp-fcgi://workspace; do
		sp "$TA2" '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"'"$u"'"}}'
		jqb '.result == {}'
	done
	# Nothing changed yet: a plain JSON answer.
	sp "$TA2" '{"jsonrpc":"2.0","id":3,"method":"ping"}'
	[[ "$(header Content-Type)" == application/json* ]]
	# TA (no session) renames the organization and A's workspace.
	tool "$TA" update_organization '{"organization_id":"'"$org"'","name":"After"}'
	tool "$TA" update_workspace '{"name":"Acme 2"}'
	# A's next request comes back as SSE: both notices, then the answer.
	sp "$TA2" '{"jsonrpc":"2.0","id":4,"method":"ping"}'
	[ "$STATUS" = 200 ]
	[[ "$(header Content-Type)" == text/event-stream* ]]
	[ "$(notices)" = "mcp-fcgi://organizations/$org mcp-fcgi://workspace " ]
	[ "$(sse_data | tail -1)" = '{"jsonrpc":"2.0","id":4,"result":{}}' ]
	# Delivered once: the next answer is plain again.
	sp "$TA2" '{"jsonrpc":"2.0","id":5,"method":"ping"}'
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '. == {"jsonrpc":"2.0","id":5,"result":{}}'
	# B, of another workspace, heard nothing of A's rename.
	SID=$SB
	sp "$TB" '{"jsonrpc":"2.0","id":6,"method":"ping"}'
	[[ "$(header Content-Type)" == application/json* ]]
	[ "$(store_sql "SELECT count(*) FROM notices WHERE session = '$SB'")" = 0 ]
	# B's own change of its environment list reaches B, on the very
	# tools/call stream that made it.
	sp "$TB" '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create_environment","arguments":{"name":"B1","type":"development"}}}'
	[[ "$(header Content-Type)" == text/event-stream* ]]
	[ "$(notices)" = "mcp-fcgi://environments " ]
	sse_data | tail -1 | jq -e '.id == 7 and .result.structuredContent.name == "B1"' >/dev/null
}

@test "deleting, force-deleting and unsubscribing" {
	tool "$TA" create_environment '{"name":"DelEnv","type":"staging"}'
	env=$(jq -r .id <<<"$OUT")
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"O1"}'
	o1=$(jq -r .id <<<"$OUT")
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"O2"}'
	o2=$(jq -r .id <<<"$OUT")
	session "$TA2"
	for u in "mcp-fcgi://organizations/$o1" "mcp-fcgi://organizations/$o2" "mcp-fcgi://environments/$env"; do
		sp "$TA2" '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"'"$u"'"}}'
		jqb '.result == {}'
	done
	sp "$TA2" '{"jsonrpc":"2.0","id":3,"method":"resources/unsubscribe","params":{"uri":"mcp-fcgi://organizations/'"$o2"'"}}'
	jqb '.result == {}'
	# A change repeated before delivery is one notice, not two.
	tool "$TA" update_organization '{"organization_id":"'"$o1"'","name":"O1b"}'
	tool "$TA" update_organization '{"organization_id":"'"$o1"'","name":"O1c"}'
	tool "$TA" delete_environment '{"environment_id":"'"$env"'","force":true}'
	jqb '.result.structuredContent.organizations_deleted == 2'
	sp "$TA2" '{"jsonrpc":"2.0","id":4,"method":"ping"}'
	[ "$(notices)" = "mcp-fcgi://environments/$env mcp-fcgi://organizations/$o1 " ]
	# Re-reading tells the subscriber what happened.
	sp "$TA2" '{"jsonrpc":"2.0","id":5,"method":"resources/read","params":{"uri":"mcp-fcgi://organizations/'"$o1"'"}}'
	jqb '.error.code == -32002'
	# Ending the session drops its subscriptions and notices.
	req DELETE "$URL" -H "Mcp-Session-Id: $SID" -H "Authorization: Bearer $TA2" -H 'MCP-Protocol-Version: 2025-06-18'
	[ "$STATUS" = 204 ]
	[ "$(store_sql "SELECT count(*) FROM subscriptions WHERE session = '$SID'")" = 0 ]
}

@test "a session holds at most 256 subscriptions" {
	TOKEN=$TA init_session 2025-03-26
	b=$(jq -cn '[range(32) | {jsonrpc: "2.0", id: ., method: "resources/subscribe", params: {uri: (if . % 2 == 0 then "mcp-fcgi://workspace" else "mcp-fcgi://environments" end)}}]')
	TOKEN=$TA spost 2025-03-26 "$b"
	# The same URI twice is one subscription.
	jqb 'length == 32 and all(.[]; .result == {})'
	[ "$(store_sql "SELECT count(*) FROM subscriptions WHERE session = '$SID'")" = 2 ]
	store_sql "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 254) INSERT INTO subscriptions (session, uri, workspace) SELECT '$SID', 'mcp-fcgi://x/' || v, '$WA' FROM n"
	[ "$(store_sql "SELECT count(*) FROM subscriptions WHERE session = '$SID'")" = 256 ]
	TOKEN=$TA spost 2025-03-26 '{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://org-templates"}}'
	jqb '.error == {"code":-32602,"message":"A session may hold at most 256 subscriptions; unsubscribe from some first."}'
	# Renewing one it holds is still fine.
	TOKEN=$TA spost 2025-03-26 '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://workspace"}}'
	jqb '.result == {}'
}

@test "2025-03-26: a batch answers as one JSON array; its notices wait for the next request" {
	TOKEN=$TA2 init_session 2025-03-26
	TOKEN=$TA2 spost 2025-03-26 '{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://org-templates"}}'
	jqb '.result == {}'
	TOKEN=$TA2 spost 2025-03-26 '[{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"create_org_template","arguments":{"name":"batched"}}},{"jsonrpc":"2.0","id":3,"method":"ping"}]'
	[[ "$(header Content-Type)" == application/json* ]]
	jqb 'length == 2 and .[0].result.structuredContent.name == "batched"'
	# A batched structured result carries its text block too.
	jqb '(.[0].result.content | length) == 1 and .[0].result.content[0].type == "text" and (.[0].result.content[0].text | fromjson) == .[0].result.structuredContent'
	TOKEN=$TA2 spost 2025-03-26 '{"jsonrpc":"2.0","id":4,"method":"ping"}'
	[[ "$(header Content-Type)" == text/event-stream* ]]
	[ "$(notices)" = "mcp-fcgi://org-templates " ]
}
