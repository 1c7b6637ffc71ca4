#!/usr/bin/env bats
# client_registration = token: registration (RFC 7591) only with an
# initial access token made by mcpctl (§3), sent as a Bearer token; each
# registration takes one of its uses, and the token is kept hashed.

load helper
load flow

setup_file() {
	CONF_SET="client_registration=token" start_server
	CB=http://127.0.0.1:9/cb
	export CB
}
teardown_file() { stop_server; }

META='{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"}'

reg() {
	req POST "$BASE/oauth/register" -H 'Content-Type: application/json' -d "$META" "$@"
}

@test "without a token, or with one never made: 401 invalid_token with a Bearer challenge" {
	reg
	oauth_err 401 invalid_token
	[[ "$(header WWW-Authenticate)" == 'Bearer realm="mcp-fcgi registration"' ]]
	reg -H 'Authorization: Bearer mcp_i_never-made'
	oauth_err 401 invalid_token
	[[ "$(header WWW-Authenticate)" == *'error="invalid_token"'* ]]
	[ "$(store_sql "SELECT count(*) FROM clients WHERE kind = 'dcr'")" = 0 ]
}

@test "a token of two uses: two registrations, then 401; bad metadata takes no use" {
	run $MCPCTL registration-token add --name ci --uses 2
	[ "$status" = 0 ]
	tok=$(jq -r .initial_access_token <<<"$output")
	[[ "$tok" == mcp_i_* ]]
	[ "$(store_sql "SELECT hash FROM registration_tokens WHERE name = 'ci'")" = \
	    "$(printf %s "$tok" | sha256sum | cut -d' ' -f1)" ]
	req POST "$BASE/oauth/register" -H 'Content-Type: application/json' \
	    -H "Authorization: Bearer $tok" -d '{"redirect_uris":["javascript:x"]}'
	oauth_err 400 invalid_redirect_uri
	reg -H "Authorization: Bearer $tok"
	[ "$STATUS" = 201 ]
	reg -H "Authorization: Bearer $tok"
	[ "$STATUS" = 201 ]
	reg -H "Authorization: Bearer $tok"
	oauth_err 401 invalid_token
}

@test "an expired token: 401; mcpctl bounds its uses and lifetime" {
	run $MCPCTL registration-token add --name old --ttl 60
	tok=$(jq -r .initial_access_token <<<"$output")
	store_sql "UPDATE registration_tokens SET expires = 1 WHERE name = 'old'"
	reg -H "Authorization: Bearer $tok"
	oauth_err 401 invalid_token
	run $MCPCTL registration-token add --name x --uses 0
	[ "$status" = 1 ]
	run $MCPCTL registration-token add --name x --ttl 10
	[ "$status" = 1 ]
}
