#!/usr/bin/env bats
# The reference application's tools: the caller's
# workspace and its environments.  Happy paths with the exact structured
# output, each validation error, scopes, and isolation between two
# workspaces: another workspace's id answers exactly like no id at all.

load helper

setup_file() {
	start_server
	two_workspaces
}
teardown_file() { stop_server; }

setup() { URL=$BASE/mcp; }

# tool TOKEN NAME ARGS_JSON [curl args]: a 2026-07-28 tools/call.
tool() {
	TOKEN=$1 mpost tools/call '"name":"'"$2"'","arguments":'"$3" -H "Mcp-Name: $2" "${@:4}"
	[ "$STATUS" = 200 ] || [ "$STATUS" = 403 ] ||
	    { echo "status $STATUS: $BODY" >&2; return 1; }
}

RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'

@test "mcpctl workspace add: prefixed random ids" {
	[[ "$WA" =~ ^wks_[0-9a-f]{20}$ ]]
	[ "$WA" != "$WB" ]
	run $MCPCTL workspace add --name ""
	[ "$status" = 1 ]
	[[ "$output" == *"--name: 1 to 128 bytes"* ]]
}

@test "get_workspace: the token's workspace, exactly" {
	tool "$TA" get_workspace '{}'
	jqb '.result.structuredContent | (keys == ["created_at","id","name","updated_at"]) and .id == "'"$WA"'" and .name == "Acme"'
	jqb '.result.structuredContent.created_at | test("'"$RFC3339"'")'
	jqb '(.result.content[0].text | fromjson) == .result.structuredContent'
}

@test "update_workspace renames it; another workspace is untouched" {
	tool "$TA" update_workspace '{"name":"Acme Corp"}'
	jqb '.result.structuredContent.name == "Acme Corp" and .result.structuredContent.id == "'"$WA"'"'
	tool "$TB" get_workspace '{}'
	jqb '.result.structuredContent.name == "Globex"'
	tool "$TA" update_workspace '{"name":""}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments.name: must be at least 1 characters long"))'
}

@test "environments: create, list, get, update, delete with exact outputs" {
	tool "$TA" create_environment '{"name":"Production EU","type":"production"}'
	jqb '.result.isError != true'
	id=$(jq -r .result.structuredContent.id <<<"$BODY")
	[[ "$id" =~ ^env_[0-9a-f]{20}$ ]]
	jqb '.result.structuredContent | .name == "Production EU" and .type == "production" and .created_at == .updated_at and (keys == ["created_at","id","name","type","updated_at"])'
	tool "$TA" list_environments '{}'
	jqb '[.result.structuredContent.environments[] | select(.id == "'"$id"'") | .name] == ["Production EU"]'
	tool "$TA" get_environment '{"environment_id":"'"$id"'"}'
	jqb '.result.structuredContent.id == "'"$id"'" and .result.structuredContent.type == "production"'
	sleep 0.01
	tool "$TA" update_environment '{"environment_id":"'"$id"'","type":"staging"}'
	jqb '.result.structuredContent | .type == "staging" and .name == "Production EU" and .updated_at > .created_at'
	tool "$TA" delete_environment '{"environment_id":"'"$id"'"}'
	jqb '.result.structuredContent == {"deleted":"'"$id"'","organizations_deleted":0}'
	tool "$TA" get_environment '{"environment_id":"'"$id"'"}'
	jqb '.result.isError == true and .result.content[0].text == "No environment '"$id"' in your workspace. Call list_environments to see the ids you can use."'
}

@test "validation: id pattern, type enum, name length, nothing to update, extra arguments" {
	tool "$TA" get_environment '{"environment_id":"org_123"}'
	jqb '.result.isError == true and (.result.content[0].text | contains("arguments.environment_id: must match the pattern ^env_[A-Za-z0-9]+$"))'
	tool "$TA" create_environment '{"name":"x","type":"qa"}'
	jqb '.result.isError == true and (.result.content[0].text | contains("arguments.type: must be one of"))'
	long=$(head -c 129 /dev/zero | tr '\0' n)
	tool "$TA" create_environment '{"name":"'"$long"'","type":"staging"}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments.name: must be at most 128 characters long"))'
	tool "$TA" create_environment '{"name":"x"}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments: required property \"type\" is missing"))'
	tool "$TA" update_environment '{"environment_id":"env_abc"}'
	jqb '.result.isError == true and .result.content[0].text == "Nothing to change: give name, type or both."'
	tool "$TA" list_environments '{"all":true}'
	jqb '.result.isError == true and (.result.content[0].text | contains("\"all\" is not allowed"))'
}

@test "a duplicate environment name is an error that says what to do" {
	tool "$TA" create_environment '{"name":"dup","type":"development"}'
	jqb '.result.isError != true'
	tool "$TA" create_environment '{"name":"dup","type":"staging"}'
	jqb '.result.isError == true and .result.content[0].text == "An environment named \"dup\" already exists in your workspace. Choose another name, or change the existing one with update_environment."'
	# The same name in another workspace is fine.
	tool "$TB" create_environment '{"name":"dup","type":"staging"}'
	jqb '.result.isError != true'
}

@test "isolation: another workspace's environment answers exactly like a missing one" {
	tool "$TA" create_environment '{"name":"secret-a","type":"production"}'
	ida=$(jq -r .result.structuredContent.id <<<"$BODY")
	ghost=env_00000000000000000000
	for t in get_environment update_environment delete_environment; do
		args='{"environment_id":"'"$ida"'"}'
		gargs='{"environment_id":"'"$ghost"'"}'
		[ $t = update_environment ] && args='{"environment_id":"'"$ida"'","name":"stolen"}' &&
		    gargs='{"environment_id":"'"$ghost"'","name":"stolen"}'
		tool "$TB" $t "$args"
		theirs=$(jq -c '.result | .content[0].text |= sub("'"$ida"'"; "ID")' <<<"$BODY")
		tool "$TB" $t "$gargs"
		missing=$(jq -c '.result | .content[0].text |= sub("'"$ghost"'"; "ID")' <<<"$BODY")
		[ "$theirs" = "$missing" ]
		jqo '.isError == true' "$theirs"
	done
	tool "$TB" list_environments '{}'
	jqb '[.result.structuredContent.environments[].id] | index("'"$ida"'") == null'
	# Still there, unchanged, for its owner.
	tool "$TA" get_environment '{"environment_id":"'"$ida"'"}'
	jqb '.result.structuredContent.name == "secret-a"'
}

@test "scopes: env:read lists but may not create (403 before the handler)" {
	t=$(token_for "env:read" "$WA")
	tool "$t" list_environments '{}'
	[ "$STATUS" = 200 ]
	jqb '.result.isError != true'
	tool "$t" create_environment '{"name":"nope","type":"staging"}'
	[ "$STATUS" = 403 ]
	[[ "$(header WWW-Authenticate)" == *'error="insufficient_scope", scope="env:write"'* ]] ||
	    [[ "$(header WWW-Authenticate)" == *'scope="env:write", error="insufficient_scope"'* ]]
	jqb '.error.data.missing == ["env:write"]'
	tool "$TA" list_environments '{}'
	jqb '[.result.structuredContent.environments[].name] | index("nope") == null'
}

@test "delete_environment refuses while organizations exist; force deletes them too" {
	tool "$TA" create_environment '{"name":"busy","type":"staging"}'
	id=$(jq -r .result.structuredContent.id <<<"$BODY")
	# Organizations arrive with their own tools; two rows stand in here.
	now=$(date +%s000)
	store_sql "INSERT INTO organizations (id, workspace, environment, name, created_ms, updated_ms) VALUES ('org_t1', '$WA', '$id', 'One', $now, $now), ('org_t2', '$WA', '$id', 'Two', $now, $now)"
	tool "$TA" delete_environment '{"environment_id":"'"$id"'"}'
	jqb '.result.isError == true and .result.content[0].text == "Environment '"$id"' still holds 2 organizations. Delete them first, or call delete_environment again with force: true to delete them together with the environment."'
	[ "$(store_sql "SELECT count(*) FROM organizations WHERE environment = '$id'")" = 2 ]
	tool "$TA" delete_environment '{"environment_id":"'"$id"'","force":true}'
	jqb '.result.structuredContent == {"deleted":"'"$id"'","organizations_deleted":2}'
	[ "$(store_sql "SELECT count(*) FROM organizations WHERE environment = '$id'")" = 0 ]
	[ "$(store_check)" = ok ]
}

@test "a token without a workspace gets an error that says why" {
	c=$($MCPCTL client add --name nows --scopes "$ALL_SCOPES")
	t=$($MCPCTL token --client "$(jq -r .client_id <<<"$c")" | jq -r .access_token)
	tool "$t" list_environments '{}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("Your access token names no workspace"))'
}

# new_env TOKEN NAME: creates an environment, prints its id.
new_env() {
	tool "$1" create_environment '{"name":"'"$2"'","type":"production"}' >&2
	jq -r .result.structuredContent.id <<<"$BODY"
}

@test "organizations: create from a template, get, update, delete with exact outputs" {
	env=$(new_env "$TA" orgs-1)
	tool "$TA" create_org_template '{"name":"Enterprise","settings":{"plan":"enterprise","seats":100}}'
	tpl=$(jq -r .result.structuredContent.id <<<"$BODY")
	[[ "$tpl" =~ ^tpl_[0-9a-f]{20}$ ]]
	jqb '.result.structuredContent | .name == "Enterprise" and .settings == {"plan":"enterprise","seats":100}'
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Initech","external_id":"crm-1","template_id":"'"$tpl"'","metadata":{"seats":5,"region":"eu"}}'
	org=$(jq -r .result.structuredContent.id <<<"$BODY")
	[[ "$org" =~ ^org_[0-9a-f]{20}$ ]]
	jqb '.result.structuredContent | del(.id, .created_at, .updated_at) == {"environment_id":"'"$env"'","name":"Initech","external_id":"crm-1","metadata":{"plan":"enterprise","seats":5,"region":"eu"},"template_id":"'"$tpl"'"}'
	tool "$TA" get_organization '{"organization_id":"'"$org"'"}'
	jqb '.result.structuredContent.metadata == {"plan":"enterprise","seats":5,"region":"eu"}'
	tool "$TA" update_organization '{"organization_id":"'"$org"'","name":"Initech Ltd","external_id":"","metadata":{"plan":"free"}}'
	jqb '.result.structuredContent | .name == "Initech Ltd" and .external_id == null and .metadata == {"plan":"free"}'
	tool "$TA" list_org_templates '{}'
	jqb '[.result.structuredContent.templates[].name] == ["Enterprise"]'
	tool "$TA" delete_organization '{"organization_id":"'"$org"'"}'
	jqb '.result.structuredContent == {"deleted":"'"$org"'"}'
	tool "$TA" get_organization '{"organization_id":"'"$org"'"}'
	jqb '.result.isError == true and .result.content[0].text == "No organization '"$org"' in your workspace. Call list_organizations to see the ids you can use."'
}

# Stored metadata and settings are read back with the depth requests may
# have (json_max_depth, 64 here), not json-c's default of 32: a 40-deep
# object the tool accepted comes back whole, not as {}.
@test "organizations: 40-deep metadata and settings come back intact" {
	env=$(new_env "$TA" orgs-deep)
	deep=$(python3 -c 'import json
v = "leaf"
for i in range(40):
    v = {"d%d" % i: v}
print(json.dumps(v, separators=(",", ":")))')
	[ "$(jq '[paths] | map(length) | max' <<<"$deep")" = 40 ]
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Deep","metadata":'"$deep"'}'
	jqb '.result.isError != true'
	org=$(jq -r .result.structuredContent.id <<<"$BODY")
	jqb --argjson d "$deep" '.result.structuredContent.metadata == $d'
	tool "$TA" get_organization '{"organization_id":"'"$org"'"}'
	jqb --argjson d "$deep" '.result.structuredContent.metadata == $d'
	tool "$TA" create_org_template '{"name":"Deep","settings":'"$deep"'}'
	tpl=$(jq -r .result.structuredContent.id <<<"$BODY")
	jqb --argjson d "$deep" '.result.structuredContent.settings == $d'
	tool "$TA" list_org_templates '{}'
	jqb --argjson d "$deep" '.result.structuredContent.templates[] | select(.id == "'"$tpl"'") | .settings == $d'
}

# Ids are matched against their pattern whole, and names are kept as C
# strings: a U+0000 inside is refused, never cut off and stored.
@test "U+0000: an id fails its pattern, a name is refused, nothing is stored cut" {
	env=$(new_env "$TA" orgs-nul)
	tool "$TA" get_environment '{"environment_id":"'"$env"'\u0000x"}'
	jqb '.result.isError == true and (.result.content[0].text | contains("must match the pattern"))'
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Nul\u0000Corp"}'
	jqb '.result.isError == true and .result.content[0].text == "The argument name holds the character U+0000, which names and ids cannot hold. Leave it out."'
	tool "$TA" create_environment '{"name":"x\u0000y","type":"staging"}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("The argument name holds the character U+0000"))'
	tool "$TA" create_org_template '{"name":"T\u0000","settings":{}}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("The argument name holds the character U+0000"))'
	tool "$TA" update_workspace '{"name":"W\u0000"}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("The argument name holds the character U+0000"))'
	tool "$TA" list_organizations '{"name_prefix":"N\u0000"}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("The argument name_prefix holds"))'
	[ "$(store_sql "SELECT count(*) FROM organizations WHERE name LIKE 'Nul%'")" = 0 ]
	[ "$(store_sql "SELECT count(*) FROM environments WHERE name = 'x'")" = 0 ]
	# Metadata is JSON, stored as its text: a U+0000 there comes back.
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Meta","metadata":{"k":"a\u0000b"}}'
	jqb '.result.isError != true and .result.structuredContent.metadata == {"k":"a\u0000b"}'
	org=$(jq -r .result.structuredContent.id <<<"$BODY")
	tool "$TA" get_organization '{"organization_id":"'"$org"'"}'
	jqb '.result.structuredContent.metadata == {"k":"a\u0000b"}'
}

@test "organizations: errors an agent can act on" {
	env=$(new_env "$TA" orgs-2)
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"A","external_id":"x-1"}'
	jqb '.result.isError != true'
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"B","external_id":"x-1"}'
	jqb '.result.isError == true and .result.content[0].text == "An organization with external_id \"x-1\" already exists in environment '"$env"'. Find it with list_organizations, or choose another external_id."'
	tool "$TA" create_organization '{"environment_id":"env_00000000000000000000","name":"C"}'
	jqb '.result.isError == true and .result.content[0].text == "No environment env_00000000000000000000 in your workspace. Call list_environments to see the ids you can use."'
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"D","template_id":"tpl_00000000000000000000"}'
	jqb '.result.isError == true and .result.content[0].text == "No template tpl_00000000000000000000 in your workspace. Call list_org_templates to see the ids you can use."'
	big=$(python3 -c 'import json; print(json.dumps({"k%d" % i: "v" * 90 for i in range(50)}))')
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"E","metadata":'"$big"'}'
	jqb '.result.isError == true and (.result.content[0].text | test("^metadata is [0-9]+ bytes as JSON .*the limit is 4096"))'
	tool "$TA" create_org_template '{"name":"Huge","settings":'"$big"'}'
	jqb '.result.isError == true and (.result.content[0].text | test("^settings is [0-9]+ bytes as JSON; the limit is 4096. Store less.$"))'
	tool "$TA" get_organization '{"organization_id":"env_1"}'
	jqb '.result.isError == true and (.result.content[0].text | contains("must match the pattern ^org_[A-Za-z0-9]+$"))'
	tool "$TA" update_organization '{"organization_id":"org_abc"}'
	jqb '.result.content[0].text == "Nothing to change: give name, external_id, metadata or several."'
	tool "$TA" create_org_template '{"name":"Enterprise"}'
	tool "$TA" create_org_template '{"name":"Enterprise"}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("A template named \"Enterprise\" already exists"))'
}

@test "organizations: scopes (no org:write: 403 on create; org:read lists)" {
	env=$(new_env "$TA" orgs-3)
	t=$(token_for "org:read" "$WA")
	tool "$t" create_organization '{"environment_id":"'"$env"'","name":"nope"}'
	[ "$STATUS" = 403 ]
	[[ "$(header WWW-Authenticate)" == *'scope="org:write", error="insufficient_scope"'* ]]
	jqb '.error.data == {"tool":"create_organization","required":["org:write"],"missing":["org:write"]}'
	tool "$t" list_organizations '{"environment_id":"'"$env"'"}' -H "Mcp-Param-Environment-Id: $env"
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent == {"organizations":[],"next_cursor":null}'
}

@test "organizations and templates: another workspace's ids answer like missing ones" {
	env=$(new_env "$TA" orgs-4)
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"Private"}'
	org=$(jq -r .result.structuredContent.id <<<"$BODY")
	tool "$TA" create_org_template '{"name":"Private tpl"}'
	tpl=$(jq -r .result.structuredContent.id <<<"$BODY")
	ghost=org_00000000000000000000
	for call in get_organization 'update_organization|,"name":"x"' delete_organization; do
		t=${call%%|*}
		extra=; [ "$t" != "$call" ] && extra=${call#*|}
		tool "$TB" "$t" '{"organization_id":"'"$org"'"'"$extra"'}'
		theirs=$(jq -c '.result | .content[0].text |= sub("'"$org"'"; "ID")' <<<"$BODY")
		tool "$TB" "$t" '{"organization_id":"'"$ghost"'"'"$extra"'}'
		missing=$(jq -c '.result | .content[0].text |= sub("'"$ghost"'"; "ID")' <<<"$BODY")
		[ "$theirs" = "$missing" ]
		jqo '.isError == true' "$theirs"
	done
	# B cannot create into A's environment nor from A's template.
	envb=$(new_env "$TB" mine)
	tool "$TB" create_organization '{"environment_id":"'"$env"'","name":"x"}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("No environment '"$env"' in your workspace"))'
	tool "$TB" create_organization '{"environment_id":"'"$envb"'","name":"x","template_id":"'"$tpl"'"}'
	jqb '.result.isError == true and (.result.content[0].text | startswith("No template '"$tpl"' in your workspace"))'
	tool "$TB" list_organizations '{}'
	jqb '[.result.structuredContent.organizations[].id] | index("'"$org"'") == null'
	tool "$TB" list_org_templates '{}'
	jqb '[.result.structuredContent.templates[].id] | index("'"$tpl"'") == null'
	tool "$TA" get_organization '{"organization_id":"'"$org"'"}'
	jqb '.result.structuredContent.name == "Private"'
}

@test "list_organizations: 250 organizations page without duplicates or gaps; filters" {
	env=$(new_env "$TA" paged)
	# Four at a time: one subject may hold half of a process's eight
	# threads (subject_max_share_percent), so more could meet a 429.
	# (@N@, not xargs' usual {}: the JSON holds "{}".)
	for i in $(seq 1 250); do
		printf '%s\n' "$i"
	done | xargs -P 4 -I@N@ curl -s -o /dev/null -w '%{http_code}\n' "$URL" \
	    -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
	    -H "Authorization: Bearer $TA" -H 'MCP-Protocol-Version: 2026-07-28' \
	    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: create_organization' \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_organization","arguments":{"environment_id":"'"$env"'","name":"Org @N@","external_id":"ext-@N@"},'"$MODERN_META"'}}' \
	    >"$BATS_TEST_TMPDIR/codes"
	[ "$(sort -u "$BATS_TEST_TMPDIR/codes")" = 200 ]
	seen=$BATS_TEST_TMPDIR/seen
	: >"$seen"
	cursor=
	pages=0
	while :; do
		a='{"environment_id":"'"$env"'","page_size":40'"${cursor:+,\"cursor\":\"$cursor\"}"'}'
		tool "$TA" list_organizations "$a" -H "Mcp-Param-Environment-Id: $env"
		jq -r '.result.structuredContent.organizations[].external_id' <<<"$BODY" >>"$seen"
		cursor=$(jq -r '.result.structuredContent.next_cursor // empty' <<<"$BODY")
		pages=$((pages + 1))
		[ -n "$cursor" ] || break
		[ $pages -lt 20 ]
	done
	[ "$pages" = 7 ]
	[ "$(wc -l <"$seen")" = 250 ]
	[ "$(sort -u "$seen" | wc -l)" = 250 ]
	[ "$(sort -u "$seen")" = "$(seq 1 250 | sed 's/^/ext-/' | sort)" ]
	tool "$TA" list_organizations '{"environment_id":"'"$env"'","name_prefix":"Org 25","page_size":100}' \
	    -H "Mcp-Param-Environment-Id: $env"
	jqb '[.result.structuredContent.organizations[].name] | sort == ["Org 25","Org 250"]'
	tool "$TA" list_organizations '{"page_size":101}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments.page_size: must be <= 100"))'
	tool "$TA" list_organizations '{"cursor":"garbage"}'
	jqb '.result.isError == true and (.result.content[0].text | contains("arguments.cursor: must match the pattern"))'
}

@test "names are limited in bytes: 100 two-byte characters pass maxLength but not the 128-byte limit" {
	wide=$(python3 -c 'print("é" * 100)')
	msg='The name is 200 bytes in UTF-8; the limit is 128 bytes. Use a shorter name.'
	tool "$TA" create_environment '{"name":"'"$wide"'","type":"staging"}'
	jqb '.result.isError == true and .result.content[0].text == "'"$msg"'"'
	env=$(new_env "$TA" bytes)
	tool "$TA" update_environment '{"environment_id":"'"$env"'","name":"'"$wide"'"}'
	jqb '.result.isError == true and .result.content[0].text == "A name is over 128 bytes in UTF-8. Use a shorter name."'
	tool "$TA" update_workspace '{"name":"'"$wide"'"}'
	jqb '.result.isError == true and .result.content[0].text == "A name is over 128 bytes in UTF-8. Use a shorter name."'
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"'"$wide"'"}'
	jqb '.result.isError == true and .result.content[0].text == "'"$msg"'"'
	tool "$TA" create_organization '{"environment_id":"'"$env"'","name":"ok"}'
	org=$(jq -r .result.structuredContent.id <<<"$BODY")
	tool "$TA" update_organization '{"organization_id":"'"$org"'","name":"'"$wide"'"}'
	jqb '.result.isError == true and .result.content[0].text == "'"$msg"'"'
	tool "$TA" create_org_template '{"name":"'"$wide"'"}'
	jqb '.result.isError == true and .result.content[0].text == "'"$msg"'"'
	# 64 two-byte characters (128 bytes) still fit.
	tool "$TA" create_environment '{"name":"'"$(python3 -c 'print("é" * 64)')"'","type":"staging"}'
	jqb '.result.isError != true and (.result.structuredContent.name | length) == 64'
	# Nothing of the refused calls was stored.
	tool "$TA" get_workspace '{}'
	jqb '.result.structuredContent.name == "Acme Corp"'
}

@test "ids longer than any we make are refused by the schema" {
	long=env_$(head -c 30 /dev/zero | tr '\0' a)
	tool "$TA" create_organization '{"environment_id":"'"$long"'","name":"x"}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments.environment_id: must be at most 31 characters long"))'
	tool "$TA" create_organization '{"environment_id":"env_1","name":"x","template_id":"tpl_'"$(head -c 30 /dev/zero | tr '\0' b)"'"}'
	jqb '.result.isError == true and (.result.content[0].text | endswith("arguments.template_id: must be at most 31 characters long"))'
}
