#!/usr/bin/env bats
# The built-in authorization server: the client credentials grant with
# both client authentication methods and every RFC 6749 §5.2 error, the
# rate limit on failed client authentications, RFC 8414 metadata, the
# JWKS, and the secrets and keys mcpctl manages.

load helper

setup_file() {
	start_server
	TOK=$BASE/oauth/token
	export TOK
}
teardown_file() { stop_server; }

# grant [curl args...]: POST to the token endpoint.
grant() {
	req POST "$TOK" "$@"
}

# oauth_err STATUS ERROR: the RFC 6749 §5.2 error shape, never cached.
oauth_err() {
	[ "$STATUS" = "$1" ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	[ "$(header Cache-Control)" = no-store ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '.error == "'"$2"'" and (.error_description | type) == "string" and (keys - ["error","error_description"]) == []'
}

# new_client [SCOPES]: sets ID and SECRET.
new_client() {
	local c
	c=$($MCPCTL client add --name "c-$RANDOM" --scopes "${1:-wks:read env:read}" --workspace wks_t)
	ID=$(jq -r .client_id <<<"$c")
	SECRET=$(jq -r .client_secret <<<"$c")
}

@test "client_secret_basic: a Bearer JWT (typ at+jwt) the MCP endpoint accepts" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
	[ "$(header Cache-Control)" = no-store ]
	[ "$(header Pragma)" = no-cache ]
	jqb '.token_type == "Bearer" and .expires_in == 600 and .scope == "wks:read env:read" and (.access_token | split(".") | length) == 3'
	t=$(jq -r .access_token <<<"$BODY")
	# part N of the token, decoded
	part() { python3 -c 'import base64, sys; p = sys.argv[1].split(".")[int(sys.argv[2])]
print(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode())' "$t" "$1"; }
	# RFC 9068 2.1: the media type of an access token
	jqo '.typ == "at+jwt" and .alg == "RS256" and (.kid | startswith("k-")) and (keys | length) == 3' "$(part 0)"
	claims=$(part 1)
	jqo '.iss == "'"$BASE"'" and .sub == "'"$ID"'" and .client_id == "'"$ID"'" and .aud == "'"$BASE"'/mcp" and .scope == "wks:read env:read" and .workspace == "wks_t" and (.exp - .iat) == 600 and (.jti | length) == 32' "$claims"
	TOKEN=$t URL=$BASE/mcp mpost tools/call '"name":"whoami","arguments":{}' -H 'Mcp-Name: whoami'
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent.subject == "'"$ID"'" and .result.structuredContent.workspace == "wks_t"'
}

@test "client_secret_post, a narrower scope and our resource" {
	new_client
	grant -d grant_type=client_credentials -d "client_id=$ID" \
	    --data-urlencode "client_secret=$SECRET" -d scope=env:read \
	    --data-urlencode "resource=$BASE/mcp"
	[ "$STATUS" = 200 ]
	jqb '.scope == "env:read"'
}

@test "bad secret: 401 invalid_client with a Basic challenge" {
	new_client
	grant -u "$ID:wrong" -d grant_type=client_credentials
	oauth_err 401 invalid_client
	[[ "$(header WWW-Authenticate)" == 'Basic realm="mcp-fcgi"'* ]]
	grant -d grant_type=client_credentials -d "client_id=$ID" -d client_secret=wrong
	oauth_err 401 invalid_client
	jqb '.error_description == "client authentication failed"'
}

@test "unknown client: the same 401 as a bad secret" {
	grant -u "cli_0000000000000000:whatever" -d grant_type=client_credentials
	oauth_err 401 invalid_client
	jqb '.error_description == "client authentication failed"'
}

@test "no client authentication at all: 401 invalid_client" {
	grant -d grant_type=client_credentials
	oauth_err 401 invalid_client
	jqb '.error_description == "client authentication required (client_secret_basic or client_secret_post)"'
}

@test "both authentication methods at once: 400 invalid_request" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=client_credentials -d "client_secret=$SECRET"
	oauth_err 400 invalid_request
	jqb '.error_description == "use either client_secret_basic or client_secret_post, not both"'
}

@test "unsupported grant type: 400 unsupported_grant_type" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=password -d username=a -d password=b
	oauth_err 400 unsupported_grant_type
	jqb '.error_description == "the grant types are client_credentials, authorization_code and refresh_token"'
	grant -u "$ID:$SECRET" -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d device_code=x
	oauth_err 400 unsupported_grant_type
}

@test "a grant type the client is not registered for: 400 unauthorized_client" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=authorization_code -d code=x
	oauth_err 400 unauthorized_client
	jqb '.error_description == "this client is not registered for that grant type"'
	grant -u "$ID:$SECRET" -d grant_type=refresh_token -d refresh_token=x
	oauth_err 400 unauthorized_client
}

@test "missing grant_type: 400 invalid_request" {
	new_client
	grant -u "$ID:$SECRET" -d scope=wks:read
	oauth_err 400 invalid_request
	jqb '.error_description == "grant_type is required"'
}

@test "scope beyond the client's: 400 invalid_scope" {
	new_client "wks:read"
	grant -u "$ID:$SECRET" -d grant_type=client_credentials -d "scope=wks:read org:write"
	oauth_err 400 invalid_scope
	jqb '.error_description == "scope goes beyond what this client may be granted"'
}

@test "a resource other than ours: 400 invalid_target (RFC 8707)" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=client_credentials \
	    --data-urlencode "resource=$BASE/other"
	oauth_err 400 invalid_target
	grant -u "$ID:$SECRET" -d grant_type=client_credentials \
	    --data-urlencode "resource=$BASE/mcp/"
	oauth_err 400 invalid_target
	jqb '.error_description == "resource must be the MCP endpoint this server issues tokens for"'
}

@test "a repeated parameter: 400 invalid_request" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=client_credentials -d scope=wks:read -d scope=env:read
	oauth_err 400 invalid_request
	jqb '.error_description == "a parameter is repeated"'
}

@test "an empty parameter counts as omitted (RFC 6749 3.1): scope= grants all of the client's scopes" {
	new_client "wks:read env:read"
	grant -u "$ID:$SECRET" -d grant_type=client_credentials -d scope= -d resource= -d =ignored
	[ "$STATUS" = 200 ]
	jqb '.scope == "wks:read env:read"'
	# An empty value does not count as the first of a repeat either.
	grant -u "$ID:$SECRET" -d grant_type= -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
}

@test "an empty client_secret is no client_secret_post: 401 invalid_client" {
	new_client
	grant -d grant_type=client_credentials -d "client_id=$ID" -d client_secret=
	oauth_err 401 invalid_client
	[[ "$(header WWW-Authenticate)" == Basic* ]]
}

@test "a NUL byte in the body: 400 invalid_request" {
	new_client
	printf 'grant_type=client_credentials&scope=wks:read\0x' >"$BATS_TEST_TMPDIR/nul"
	grant -u "$ID:$SECRET" -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data-binary "@$BATS_TEST_TMPDIR/nul"
	oauth_err 400 invalid_request
	jqb '.error_description == "NUL byte in the body"'
}

@test "a bad percent escape or an encoded NUL: 400 invalid_request" {
	new_client
	for bad in 'scope=wks%3' 'scope=wks%zzread' 'scope=wks%00read' '%zz=1'; do
		grant -u "$ID:$SECRET" -d grant_type=client_credentials -d "$bad"
		oauth_err 400 invalid_request
		jqb '.error_description == "malformed percent-encoding"'
	done
}

@test "more than 24 parameters: 400 invalid_request" {
	new_client
	args=(-d grant_type=client_credentials)
	for i in $(seq 24); do args+=(-d "x$i=1"); done
	grant -u "$ID:$SECRET" "${args[@]}"
	oauth_err 400 invalid_request
	jqb '.error_description == "too many parameters"'
}

@test "a body over 4096 bytes: 400 invalid_request" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=client_credentials -d "pad=$(head -c 4100 /dev/zero | tr '\0' a)"
	oauth_err 400 invalid_request
	jqb '.error_description == "the body must be 1 to 4096 bytes"'
}

@test "wrong Content-Type: 400 invalid_request" {
	new_client
	grant -u "$ID:$SECRET" -H 'Content-Type: application/json' -d '{"grant_type":"client_credentials"}'
	oauth_err 400 invalid_request
	jqb '.error_description == "Content-Type must be application/x-www-form-urlencoded"'
}

@test "GET on the token endpoint: 405" {
	req GET "$TOK"
	oauth_err 405 invalid_request
	jqb '.error_description == "use POST"'
	[ "$(header Allow)" = "POST, OPTIONS" ]
}

@test "malformed Basic credentials: 401 invalid_client" {
	grant -H 'Authorization: Basic !!!notbase64' -d grant_type=client_credentials
	oauth_err 401 invalid_client
	grant -H "Authorization: Basic $(printf 'no-colon' | base64)" -d grant_type=client_credentials
	oauth_err 401 invalid_client
}

@test "Basic credentials are urlencoded before base64 (RFC 6749 2.3.1)" {
	new_client
	enc=$(python3 -c 'import sys; print("".join("%%%02X" % ord(c) for c in sys.argv[1]))' "$ID")
	grant -H "Authorization: Basic $(printf '%s:%s' "$enc" "$SECRET" | base64 -w0)" -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
	jqb '.token_type == "Bearer"'
}

@test "Basic credentials in base64url, with wrong padding or an empty id: 401 invalid_client" {
	new_client
	# "c:?>" is Yzo/Pg== in base64, Yzo_Pg in base64url.
	for b in 'Yzo_Pg' 'Yzo/Pg=' 'Yzo/Pg===' "$(printf ':%s' "$SECRET" | base64 -w0)"; do
		grant -H "Authorization: Basic $b" -d grant_type=client_credentials
		oauth_err 401 invalid_client
		jqb '.error_description == "malformed Basic credentials"'
		[[ "$(header WWW-Authenticate)" == Basic* ]]
	done
}

@test "failed authentications are limited per client id and address: 429 there, the right secret still works from elsewhere" {
	new_client
	for _ in 1 2 3 4 5; do
		grant --interface 127.0.0.2 -u "$ID:guess" -d grant_type=client_credentials
		oauth_err 401 invalid_client
	done
	grant --interface 127.0.0.2 -u "$ID:guess" -d grant_type=client_credentials
	oauth_err 429 temporarily_unavailable
	jqb '.error_description == "too many failed client authentications; retry later"'
	# The seconds left in the 300 s window that began with the first failure.
	ra=$(header Retry-After)
	[[ "$ra" =~ ^[0-9]+$ ]] && [ "$ra" -ge 290 ] && [ "$ra" -le 300 ]
	grant --interface 127.0.0.2 -u "$ID:$SECRET" -d grant_type=client_credentials
	oauth_err 429 temporarily_unavailable
	# Client ids are not secret: failures from 127.0.0.2 do not lock the
	# client out from 127.0.0.1.
	grant --interface 127.0.0.1 -u "$ID:$SECRET" -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
	# Another client is not affected even from 127.0.0.2.
	new_client
	grant --interface 127.0.0.2 -u "$ID:$SECRET" -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
}

@test "failed authentications are limited per address across client ids (addr_auth_failures): 429 with Retry-After" {
	ids=()
	for i in 1 2 3 4 5; do
		new_client
		ids+=("$ID")
	done
	# 4 failures for each of 5 clients: under client_auth_failures per
	# pair, 20 = addr_auth_failures for the address.
	for id in "${ids[@]}"; do
		for _ in 1 2 3 4; do
			grant --interface 127.0.0.3 -u "$id:guess" -d grant_type=client_credentials
			oauth_err 401 invalid_client
		done
	done
	grant --interface 127.0.0.3 -u "${ids[0]}:guess" -d grant_type=client_credentials
	oauth_err 429 temporarily_unavailable
	ra=$(header Retry-After)
	[[ "$ra" =~ ^[0-9]+$ ]] && [ "$ra" -ge 1 ] && [ "$ra" -le 300 ]
	# Any client id, even unknown or right, from that address waits.
	new_client
	grant --interface 127.0.0.3 -u "$ID:$SECRET" -d grant_type=client_credentials
	oauth_err 429 temporarily_unavailable
	[ -n "$(header Retry-After)" ]
	grant --interface 127.0.0.3 -d grant_type=client_credentials -d client_id=nobody -d client_secret=x
	oauth_err 429 temporarily_unavailable
	# Other addresses are not affected.
	grant --interface 127.0.0.1 -u "$ID:$SECRET" -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
	# Stored aggregated: one row per (client, address) and one for the
	# address, not one per failure; refused attempts add nothing.
	[ "$(store_sql "SELECT count(*) FROM auth_failures WHERE addr = '127.0.0.3'")" = 6 ]
	[ "$(store_sql "SELECT count FROM auth_failures WHERE addr = '127.0.0.3' AND client = ''")" = 20 ]
	[ "$(store_sql "SELECT count(*) FROM auth_failures WHERE addr = '127.0.0.2'")" = 2 ]
}

# cgi_grant ADDR BODY: the token endpoint as a CGI program, from ADDR.
cgi_grant() {
	printf '%s' "$2" | env -i PATH="$PATH" ASAN_OPTIONS="$ASAN_OPTIONS" \
	    UBSAN_OPTIONS="$UBSAN_OPTIONS" MCP_FCGI_CONFIG="$CONF" \
	    REQUEST_METHOD=POST REQUEST_URI=/oauth/token \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH=${#2} REMOTE_ADDR="$1" "$ROOT/$BUILD/oauth.fcgi"
}

@test "an IPv6 source counts by its /64; an IPv4-mapped one by itself" {
	for a in 2001:db8:0:1::1 2001:db8:0:1:ffff::2 ::ffff:192.0.2.7; do
		run cgi_grant "$a" "grant_type=client_credentials&client_id=v6-$RANDOM&client_secret=x"
		[[ "$output" == *"Status: 401"* ]]
	done
	[ "$(store_sql "SELECT count FROM auth_failures WHERE client = '' AND addr = '2001:db8:0:1::'")" = 2 ]
	[ "$(store_sql "SELECT count FROM auth_failures WHERE client = '' AND addr = '::ffff:192.0.2.7'")" = 1 ]
}

@test "failed token requests are counted in the store per minute, not one audit row each" {
	before=$(store_sql "SELECT count(*) FROM audit")
	for i in $(seq 8); do
		grant --interface 127.0.0.4 -d grant_type=client_credentials -d "client_id=nobody$i" -d client_secret=x
		oauth_err 401 invalid_client
	done
	rid=$(header X-Request-Id)
	audit_line "$rid" >/dev/null
	sleep 0.5	# the store rows are written in batches
	[ "$(store_sql "SELECT count(*) FROM audit WHERE rid = '$rid'")" = 0 ]
	[ "$(store_sql "SELECT sum(count) FROM audit_anon WHERE addr = '127.0.0.4' AND method = 'oauth/token' AND outcome = 'invalid_client' AND status = 401")" = 8 ]
	[ "$(store_sql "SELECT count(*) FROM audit_anon WHERE addr = '127.0.0.4'")" -le 2 ]
}

@test "a revoked client cannot get tokens" {
	new_client
	$MCPCTL client revoke "$ID" >/dev/null
	grant -u "$ID:$SECRET" -d grant_type=client_credentials
	oauth_err 401 invalid_client
}

@test "rotate-secret: the old secret stops working, the new one works" {
	new_client
	new=$($MCPCTL client rotate-secret "$ID" | jq -r .client_secret)
	[ "$new" != "$SECRET" ]
	grant -u "$ID:$SECRET" -d grant_type=client_credentials
	oauth_err 401 invalid_client
	grant -u "$ID:$new" -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
}

@test "secrets are stored only as salted hashes and never listed" {
	new_client
	store_lacks "$SECRET"
	! grep -rqF "$SECRET" "$STATE"/*.log || false
	h=$(store_sql "SELECT secret_hash FROM clients WHERE id = '$ID'")
	[[ "$h" =~ ^[0-9a-f]{64}$ ]]
	run $MCPCTL client list
	[ "$status" = 0 ]
	! grep -q secret <<<"$output" || false
	jqo 'map(select(.client_id == "'"$ID"'")) | length == 1'
}

@test "RFC 8414 metadata" {
	req GET "$BASE/.well-known/oauth-authorization-server"
	[ "$STATUS" = 200 ]
	[ "$(header Access-Control-Allow-Origin)" = "*" ]
	jqb '.issuer == "'"$BASE"'" and .token_endpoint == "'"$BASE"'/oauth/token" and .jwks_uri == "'"$BASE"'/oauth/jwks"'
	jqb '.authorization_endpoint == "'"$BASE"'/oauth/authorize" and .registration_endpoint == "'"$BASE"'/oauth/register" and .revocation_endpoint == "'"$BASE"'/oauth/revoke"'
	jqb '.grant_types_supported == ["authorization_code","refresh_token","client_credentials"] and
	    .token_endpoint_auth_methods_supported == ["client_secret_basic","client_secret_post","none"] and
	    .response_types_supported == ["code"] and .code_challenge_methods_supported == ["S256"] and
	    .scopes_supported == ["wks:read","wks:write","env:read","env:write","org:read","org:write"] and
	    .authorization_response_iss_parameter_supported == true'
	# The same document where OpenID clients look first.
	local first=$BODY
	req GET "$BASE/.well-known/openid-configuration"
	[ "$STATUS" = 200 ]
	[ "$BODY" = "$first" ]
}

@test "JWKS: public RSA members only, with kid, alg and use" {
	req GET "$BASE/oauth/jwks"
	[ "$STATUS" = 200 ]
	[ "$(header Cache-Control)" = "public, max-age=60" ]
	jqb '(.keys | length) >= 1 and all(.keys[]; .kty == "RSA" and .alg == "RS256" and .use == "sig" and (.kid | startswith("k-")) and (keys - ["kty","kid","use","alg","n","e"]) == [])'
	perm=$(stat -c %a "$STATE/keys/$(jq -r '.keys[0].kid' <<<"$BODY").pem")
	[ "$perm" = 600 ]
	[ "$(stat -c %a "$STATE/keys")" = 700 ]
}

@test "mcpctl token refuses scopes beyond the client's and unknown clients" {
	new_client "wks:read"
	run $MCPCTL token --client "$ID" --scope "org:write"
	[ "$status" = 1 ]
	[[ "$output" == *"beyond the client's scopes"* ]]
	run $MCPCTL token --client cli_nope
	[ "$status" = 1 ]
	[[ "$output" == *"no active client cli_nope"* ]]
}

@test "the token endpoint is audited without secrets" {
	new_client
	grant -u "$ID:$SECRET" -d grant_type=client_credentials
	rid=$(header X-Request-Id)
	line=$(audit_line "$rid")
	jqo '.method == "oauth/token" and .client_id == "'"$ID"'" and .outcome == "token_issued" and .status == 200' "$line"
	! grep -qF "$SECRET" "$STATE/audit.log" || false
}

@test "mcpctl audit prune drops store rows past audit_retention_days only" {
	old=$(( ($(date +%s) - 91 * 86400) * 1000 ))
	store_sql "INSERT INTO audit (ts_ms, rid, outcome, status, latency_us) VALUES ($old, 'old-row', 'ok', 200, 1)"
	before=$(store_sql "SELECT count(*) FROM audit WHERE rid != 'old-row'")
	[ "$before" -gt 0 ]
	run $MCPCTL audit prune
	[ "$status" = 0 ]
	jqo '.pruned == 1 and .retention_days == 90'
	[ "$(store_sql "SELECT count(*) FROM audit WHERE rid = 'old-row'")" = 0 ]
	[ "$(store_sql "SELECT count(*) FROM audit WHERE rid != 'old-row'")" -ge "$before" ]
}
