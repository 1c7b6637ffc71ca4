#!/usr/bin/env bats
# Client ID Metadata Documents: a client whose client_id is the https URL
# of a JSON document describing it.  The documents come from an https
# host of the test's own (tests/js/cimd-host.mjs, its certificate trusted
# for this fetch alone) on 127.0.0.1, which this file allows
# (client_metadata_allow_private = yes; 78-authorize shows the refusal
# without it).  The flow with curl, each refused document, and the SDK
# 1.x client naming its document instead of registering.

load helper
load flow

server_prestart() { cimd_host yes; }

setup_file() {
	use_js
	# Access tokens live 5 s (no leeway): the SDK client refreshes.
	CONF_SET="token_lifetime_seconds=5 leeway_seconds=0" start_server
	PASSWORD=correct-horse-battery
	printf '%s\n' "$PASSWORD" | $MCPCTL user add --name alice --workspace wks_bats >/dev/null
	CB=http://127.0.0.1:9/cb
	export JS PASSWORD CB
}
teardown_file() { cimd_stop; stop_server; }
setup() { URL=$BASE/mcp; }

@test "the flow with a metadata document: fetched once, named on the pages, a public client's tokens" {
	CID=$CIMD/client.json
	pkce
	signin
	[ "$STATUS" = 200 ]
	grep -q '<strong>CIMD test client</strong> (described by 127.0.0.1:' "$STATE/b"
	allow wks:read
	redeem
	[ "$STATUS" = 200 ]
	whoami_as "$AT"
	jqb --arg c "$CID" '.result.structuredContent.client_id == $c'
	refresh "$RT"
	[ "$STATUS" = 200 ]
	row=$(store_sql "SELECT kind, auth_method, expires - created FROM clients WHERE id = '$CID'")
	[ "$row" = "cimd|none|3600" ]
	# A loopback redirect of the document on any port; others refused.
	CB=http://127.0.0.1:5555/callback authorize
	[ "$STATUS" = 200 ]
	CB=http://127.0.0.1:5555/other authorize
	[ "$STATUS" = 400 ]
	[ -z "$(header Location)" ]
}

# doc_refused PATH TEXT: the authorization request for that document gets
# an error page saying TEXT, and nothing is kept.  fetch_refused PATH
# WHY: the page says only that the fetch failed; WHY is in the log.
doc_refused() {
	CID=$CIMD$1
	pkce
	authorize
	[ "$STATUS" = 400 ] || { echo "status $STATUS" >&2; return 1; }
	[ -z "$(header Location)" ]
	grep -qF "$2" "$STATE/b" || { echo "page lacks '$2': $BODY" >&2; return 1; }
	[ "$(store_sql "SELECT count(*) FROM clients WHERE id = '$CID'")" = 0 ]
}
fetch_refused() {
	doc_refused "$1" "The client&#39;s metadata document could not be fetched."
	sleep 0.1
	grep -qF "client metadata document $CIMD$1: $2" "$STATE/mcp-fcgi.log" ||
	    { echo "log lacks '$2'" >&2; return 1; }
}

@test "a document naming another client_id: refused" {
	doc_refused /other.json "its client_id is not the URL it was fetched from"
}

@test "a document behind a redirect: refused" {
	fetch_refused /moved.json "HTTP status 302: redirects are not followed"
}

@test "a document over 8 KB: refused" {
	fetch_refused /big.json "document larger than 8192 bytes"
}

@test "a document of a confidential client: refused" {
	doc_refused /secret.json "token_endpoint_auth_method must be none"
}

@test "a document that is not there, or a URL that cannot be one: refused" {
	fetch_refused /missing.json "HTTP status 404"
	pkce
	CID="$CIMD/" authorize
	grep -q 'The client is not registered here.' "$STATE/b"
	CID="$CIMD/client.json?x=1" authorize
	grep -q 'The client is not registered here.' "$STATE/b"
	CID="${CIMD/https:/http:}/client.json" authorize
	grep -q 'The client is not registered here.' "$STATE/b"
}

@test "the token endpoint resolves a document client as a public client, no secret" {
	CID=$CIMD/client-2.json
	pkce
	signin
	allow wks:read
	redeem -d client_secret=anything
	[ "$STATUS" = 401 ]
	jqb '.error == "invalid_client"'
}

@test "SDK 1.x with clientMetadataUrl: no registration, its document's URL as client_id" {
	cd "$JS"
	rm -rf "$ROOT/$BUILD/shots/cimd"
	mkdir -p "$ROOT/$BUILD/shots/cimd"
	uid=$($MCPCTL user list | jq -r '.[] | select(.name == "alice") | .id')
	run timeout 120 node sdk-authcode.mjs builtin "$BASE" "$BASE" wks_bats 5 \
	    "$ROOT/$BUILD/shots/cimd" alice "$PASSWORD" "$uid" "$CIMD/client-3.json"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk-authcode ok"* ]]
	[ "$(store_sql "SELECT kind FROM clients WHERE id = '$CIMD/client-3.json'")" = cimd ]
	[ "$(store_sql "SELECT count(*) FROM clients WHERE kind = 'dcr'")" = 0 ]
}
