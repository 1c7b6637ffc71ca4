#!/usr/bin/env bats
# The built-in authorization server for people, driven with curl as a
# browser and a client would: registration (RFC 7591), the authorization
# endpoint's sign-in and consent pages, codes with PKCE S256, refresh
# tokens rotated in families, revocation (RFC 7009), and each refusal:
# error pages where the redirect cannot be trusted, errors by redirect
# (with state and iss) where it can, RFC 6749 §5.2 errors at the token
# endpoint.

load helper
load flow

# Metadata documents from 127.0.0.1, which is not a public address.
server_prestart() { cimd_host no; }

setup_file() {
	# Registrations per address: this file makes some seventy.
	CONF_SET="client_registrations_per_address=100" start_server
	PASSWORD=correct-horse-battery
	printf '%s\n' "$PASSWORD" | $MCPCTL user add --name alice --workspace wks_bats \
	    --scopes "wks:read env:read org:read" >/dev/null
	printf '%s\n' "$PASSWORD" | $MCPCTL user add --name bob --workspace wks_bats >/dev/null
	CB=http://127.0.0.1:9/cb
	export PASSWORD CB
}
teardown_file() { cimd_stop; stop_server; }
setup() { URL=$BASE/mcp; }

@test "the whole flow: register, sign in, grant fewer scopes, redeem; whoami names the person and the client" {
	register
	jqb '.token_endpoint_auth_method == "none" and .grant_types == ["authorization_code","refresh_token"] and (has("client_secret") | not)'
	pkce
	rm -f "$STATE/jar"
	authorize
	[ "$STATUS" = 200 ]
	grep -q 'name="username"' "$STATE/b" && grep -q 'name="password"' "$STATE/b"
	grep -q '<strong>bats app</strong>' "$STATE/b"
	form signin -d username=alice --data-urlencode "password=$PASSWORD"
	[ "$STATUS" = 200 ]
	[[ "$(header Set-Cookie)" == "mcp_signin="*"; Path=/oauth/; Max-Age=28800; HttpOnly; SameSite=Lax" ]]
	grep -q 'value="wks:read" checked' "$STATE/b" && grep -q 'value="env:read" checked' "$STATE/b"
	grep -q 'See your environments' "$STATE/b"
	allow wks:read
	[ "$(location_param state)" = st-1 ]
	[[ "$CODE" == mcp_c_* ]]
	redeem
	[ "$STATUS" = 200 ]
	[ "$(header Cache-Control)" = no-store ]
	jqb '.token_type == "Bearer" and .scope == "wks:read" and .expires_in == 600 and (.refresh_token | startswith("mcp_r_"))'
	whoami_as "$AT"
	[ "$STATUS" = 200 ]
	uid=$($MCPCTL user list | jq -r '.[] | select(.name == "alice") | .id')
	jqb --arg u "$uid" --arg c "$CID" '.result.structuredContent | .subject == $u and .client_id == $c and
	    .workspace == "wks_bats" and .scopes == ["wks:read"]'
	# Scopes are the person's grant: env:read was asked for, not ticked.
	TOKEN=$AT mpost tools/call '"name":"list_environments","arguments":{}' -H 'Mcp-Name: list_environments'
	[ "$STATUS" = 403 ]
	# The code and the refresh token are kept only as digests.
	[ "$(store_sql "SELECT count(*) FROM auth_codes WHERE hash = '$(printf %s "$CODE" | sha256sum | cut -d' ' -f1)'")" = 1 ]
	[ "$(store_sql "SELECT count(*) FROM refresh_tokens WHERE hash = '$(printf %s "$RT" | sha256sum | cut -d' ' -f1)'")" = 1 ]
	store_lacks "$RT"
	! grep -qF "$RT" "$STATE/audit.log" "$STATE/mcp-fcgi.log" || false
	[ "$STORE" = pg ] || ! grep -aqF "$RT" "$STATE/mcp.db" || false
	# The grant is remembered and listed.
	run $MCPCTL grant list --user alice
	jqo 'map(select(.client_id == "'"$CID"'")) | .[0].scopes == "wks:read"'
}

@test "a signed-in browser goes straight to consent; deny redirects access_denied" {
	register
	pkce
	signin
	authorize
	[ "$STATUS" = 200 ]
	grep -q 'Allow access?' "$STATE/b"
	form consent -d decision=deny
	redirected access_denied
}

@test "pages forbid framing and scripts, and escape what the client sent" {
	register "{\"client_name\":\"<script>alert(1)</script>\",\"redirect_uris\":[\"$CB\"],\"token_endpoint_auth_method\":\"none\"}"
	pkce
	rm -f "$STATE/jar"
	STATE_P='"><img src=x onerror=alert(1)>' authorize
	[ "$STATUS" = 200 ]
	[ "$(header Content-Security-Policy)" = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'" ]
	[ "$(header X-Frame-Options)" = DENY ]
	[ "$(header Cache-Control)" = no-store ]
	[[ "$(header Set-Cookie)" == "mcp_csrf="*"; Path=/oauth/; HttpOnly; SameSite=Lax" ]]
	! grep -q '<script>' "$STATE/b" || false
	! grep -q '<img' "$STATE/b" || false
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$STATE/b"
	grep -qF 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' "$STATE/b"
}

@test "an unregistered client: an error page, no redirect" {
	pkce
	CID=cli_0000000000000000 authorize
	error_page "The client is not registered here."
}

@test "a redirect URI the client did not register, or none: an error page, no redirect" {
	register
	pkce
	CB=https://evil.example/cb authorize
	error_page "The redirect_uri is not one the client registered."
	CB=http://127.0.0.1:9/cb/other authorize
	error_page "The redirect_uri is not one the client registered."
	# Errors after that are not sent to an unchecked URI either.
	CB=https://evil.example/cb authorize -d response_type=token
	[ -z "$(header Location)" ]
	req GET "$BASE/oauth/authorize?client_id=$CID&response_type=code"
	error_page "The request names no redirect_uri."
}

@test "a loopback redirect may change its port (RFC 8252 §7.3), nothing else" {
	register
	pkce
	signin
	CB=http://127.0.0.1:45678/cb form consent -d decision=allow
	[ "$STATUS" = 302 ]
	[[ "$(header Location)" == "http://127.0.0.1:45678/cb?code="* ]]
	CB=http://127.0.0.2:9/cb authorize
	error_page "The redirect_uri is not one the client registered."
}

@test "a registered client's errors before anyone signed in: an error page, never a redirect" {
	register
	pkce
	rm -f "$STATE/jar"
	RES=https://other.example/mcp authorize
	error_page "resource must be the MCP server this server issues tokens for"
	params
	req GET "$BASE/oauth/authorize" -G "${P[@]/response_type=code/response_type=token}"
	error_page "only response_type=code is supported"
}

# The errors below go back by redirect: the browser is signed in.

@test "PKCE missing or plain: redirect invalid_request" {
	register
	pkce
	signin
	params
	req GET "$BASE/oauth/authorize" -G --data-urlencode "client_id=$CID" \
	    --data-urlencode "redirect_uri=$CB" -d response_type=code -d state=st-1 \
	    --data-urlencode "resource=$BASE/mcp" -b "$STATE/jar"
	redirected invalid_request
	[ "$(location_param error_description)" = "PKCE%20is%20required%3A%20send%20code_challenge%20with%20code_challenge_method%3DS256" ]
	req GET "$BASE/oauth/authorize" -G --data-urlencode "client_id=$CID" \
	    --data-urlencode "redirect_uri=$CB" -d response_type=code -d state=st-1 \
	    --data-urlencode "resource=$BASE/mcp" -d code_challenge="$VER" -d code_challenge_method=plain \
	    -b "$STATE/jar"
	redirected invalid_request
	[ "$(location_param error_description)" = "code_challenge_method%20must%20be%20S256" ]
}

@test "response_type other than code: redirect unsupported_response_type" {
	register
	pkce
	signin
	params
	P=("${P[@]/response_type=code/response_type=token}")
	req GET "$BASE/oauth/authorize" -G "${P[@]}" -b "$STATE/jar"
	redirected unsupported_response_type
}

@test "resource missing or another one: redirect invalid_request, invalid_target" {
	register
	pkce
	signin
	RES=https://other.example/mcp authorize
	redirected invalid_target
	params
	req GET "$BASE/oauth/authorize" -G "${P[@]:0:12}" -b "$STATE/jar"
	redirected invalid_request
	[ "$(location_param error_description)" = "resource%20%28RFC%208707%29%20is%20required%3A%20the%20MCP%20server%27s%20URL" ]
}

@test "an unknown scope, or one the client did not register: redirect invalid_scope" {
	register
	pkce
	signin
	SCOPE="wks:read admin:all" authorize
	redirected invalid_scope
	register "{\"redirect_uris\":[\"$CB\"],\"token_endpoint_auth_method\":\"none\",\"scope\":\"wks:read\"}"
	SCOPE="wks:read env:read" authorize
	redirected invalid_scope
}

@test "wrong code_verifier: invalid_grant" {
	register
	pkce
	signin
	allow wks:read
	good=$VER
	pkce
	redeem
	oauth_err 400 invalid_grant
	jqb '.error_description == "the code is invalid or expired, or was issued to another client or redirect_uri, or the code_verifier does not match"'
	logged "code_verifier does not match the code_challenge"
	# A verifier that is not one at all is an invalid request.
	VER=short redeem
	oauth_err 400 invalid_request
}

@test "a code redeemed twice: invalid_grant, and what the first redemption gave is revoked" {
	flow wks:read
	whoami_as "$AT"
	[ "$STATUS" = 200 ]
	at=$AT rt=$RT
	redeem
	oauth_err 400 invalid_grant
	jqb '.error_description == "the code was used before; the tokens issued from it are revoked"'
	AT=$at RT=$rt
	refresh "$RT"
	oauth_err 400 invalid_grant
	sleep 2.5	# revocation_cache_seconds
	whoami_as "$AT"
	[ "$STATUS" = 401 ]
}

@test "an expired code: invalid_grant" {
	register
	pkce
	signin
	allow wks:read
	store_sql "UPDATE auth_codes SET expires = $(($(date +%s) - 1)) WHERE hash = '$(printf %s "$CODE" | sha256sum | cut -d' ' -f1)'"
	redeem
	oauth_err 400 invalid_grant
	jqb '.error_description == "the code is invalid or expired, or was issued to another client or redirect_uri, or the code_verifier does not match"'
	logged "code unknown or expired"
}

@test "a code and a redirect URI that differ, or another client's code: invalid_grant" {
	register
	pkce
	signin
	allow wks:read
	CB=http://127.0.0.1:9/other redeem
	oauth_err 400 invalid_grant
	jqb '.error_description == "the code is invalid or expired, or was issued to another client or redirect_uri, or the code_verifier does not match"'
	logged "redirect_uri differs"
	# That try used it up; a new code for another client.
	signin
	allow wks:read
	register
	redeem
	oauth_err 400 invalid_grant
	jqb '.error_description == "the code is invalid or expired, or was issued to another client or redirect_uri, or the code_verifier does not match"'
	logged "code of another client"
}

# age_refresh TOKEN SECONDS: its first use as if that long ago.
age_refresh() {
	store_sql "UPDATE refresh_tokens SET used = used - $2 WHERE hash = '$(printf %s "$1" | sha256sum | cut -d' ' -f1)' AND used <> 0"
}

@test "refresh: rotated, may narrow, never widen; a replayed refresh token revokes the family" {
	flow wks:read env:read
	jqb '.scope == "wks:read env:read"'
	refresh "$RT" -d scope="wks:read org:read"
	oauth_err 400 invalid_scope
	# A refused refresh spends its token (whoever sent it): past the
	# reuse window it is a replay, and a new flow is needed.
	age_refresh "$RT" 11
	refresh "$RT"
	oauth_err 400 invalid_grant
	jqb '.error_description == "the refresh token was used before; this sign-in is revoked"'
	flow wks:read env:read
	refresh "$RT" -d scope=wks:read
	[ "$STATUS" = 200 ]
	jqb '.scope == "wks:read" and (.refresh_token | startswith("mcp_r_"))'
	new_at=$(jq -r .access_token <<<"$BODY")
	new_rt=$(jq -r .refresh_token <<<"$BODY")
	[ "$new_rt" != "$RT" ]
	whoami_as "$new_at"
	jqb '.result.structuredContent.scopes == ["wks:read"]'
	# The old one again, past the reuse window: the whole family goes.
	age_refresh "$RT" 11
	refresh "$RT"
	oauth_err 400 invalid_grant
	jqb '.error_description == "the refresh token was used before; this sign-in is revoked"'
	logged "refresh token presented again: family"
	refresh "$new_rt"
	oauth_err 400 invalid_grant
	sleep 2.5
	whoami_as "$new_at"
	[ "$STATUS" = 401 ]
}

# rt_family TOKEN: the family of a refresh token, from the store.
rt_family() {
	store_sql "SELECT family FROM refresh_tokens WHERE hash = '$(printf %s "$1" | sha256sum | cut -d' ' -f1)'"
}

@test "a refresh token presented again within refresh_token_reuse_seconds: once, a second pair of the same sign-in; the pair not carried on is then a replay" {
	flow wks:read
	first=$RT
	refresh "$first"
	[ "$STATUS" = 200 ]
	at1=$(jq -r .access_token <<<"$BODY") rt1=$(jq -r .refresh_token <<<"$BODY")
	# The client's concurrent refresh with the same token.
	refresh "$first"
	[ "$STATUS" = 200 ]
	logged "refresh token presented again within refresh_token_reuse_seconds"
	rid=$(header X-Request-Id)
	jqo '.outcome == "refresh_reissued"' "$(audit_line "$rid")"
	at2=$(jq -r .access_token <<<"$BODY") rt2=$(jq -r .refresh_token <<<"$BODY")
	[ "$rt1" != "$rt2" ] && [ "$at1" != "$at2" ]
	[ -n "$(rt_family "$rt1")" ] && [ "$(rt_family "$rt1")" = "$(rt_family "$rt2")" ]
	[ "$(rt_family "$rt1")" = "$(rt_family "$first")" ]
	whoami_as "$at1"
	[ "$STATUS" = 200 ]
	whoami_as "$at2"
	[ "$STATUS" = 200 ]
	# Once only: a third presentation is a replay, and the sign-in goes.
	refresh "$first"
	oauth_err 400 invalid_grant
	jqb '.error_description == "the refresh token was used before; this sign-in is revoked"'
	refresh "$rt2"
	oauth_err 400 invalid_grant
}

@test "of the two pairs given in the window, the one carried on is taken; the other is then a replay" {
	flow wks:read
	first=$RT
	refresh "$first"
	rt1=$(jq -r .refresh_token <<<"$BODY")
	refresh "$first"
	rt2=$(jq -r .refresh_token <<<"$BODY")
	refresh "$rt2"
	[ "$STATUS" = 200 ]
	rt3=$(jq -r .refresh_token <<<"$BODY")
	refresh "$rt1"
	oauth_err 400 invalid_grant
	jqb '.error_description == "the refresh token was used before; this sign-in is revoked"'
	refresh "$rt3"
	oauth_err 400 invalid_grant
}

@test "the reuse window runs from the first use; another client's presentation inside it spends nothing" {
	flow wks:read
	first=$RT
	refresh "$first"
	[ "$STATUS" = 200 ]
	age_refresh "$first" 11
	refresh "$first"
	oauth_err 400 invalid_grant
	jqb '.error_description == "the refresh token was used before; this sign-in is revoked"'
	flow wks:read
	keep=$RT mine=$CID
	refresh "$keep"
	[ "$STATUS" = 200 ]
	register
	refresh "$keep"
	oauth_err 400 invalid_grant
	jqb '.error_description == "the refresh token is invalid, expired or revoked, or was issued to another client"'
	CID=$mine refresh "$keep"
	[ "$STATUS" = 200 ]
}

@test "a refresh token of another client, or a resource that differs: refused" {
	flow wks:read
	refresh "$RT" --data-urlencode resource=https://other.example/mcp
	oauth_err 400 invalid_target
	flow wks:read
	keep=$RT
	register
	refresh "$keep"
	oauth_err 400 invalid_grant
	jqb '.error_description == "the refresh token is invalid, expired or revoked, or was issued to another client"'
	logged "refresh token of another client"
}

@test "CSRF token missing or wrong: 403 and a new sign-in page, nothing signed in" {
	register
	pkce
	rm -f "$STATE/jar"
	authorize
	good=$CSRF
	CSRF=wrong-token-wrong-token-wrong-token-wrong-t form signin -d username=alice --data-urlencode "password=$PASSWORD"
	[ "$STATUS" = 403 ]
	grep -q 'The form expired or came from elsewhere' "$STATE/b"
	! grep -q mcp_signin "$STATE/jar" || false
	params
	req POST "$BASE/oauth/authorize" "${P[@]}" -d step=signin -d username=alice \
	    --data-urlencode "password=$PASSWORD" -b "$STATE/jar" -c "$STATE/jar" -H "Origin: $BASE"
	[ "$STATUS" = 403 ]
	grep -q 'The form expired or came from elsewhere' "$STATE/b"
	! grep -q mcp_signin "$STATE/jar" || false
}

@test "a form posted from another site, or by no browser page at all: 403" {
	register
	pkce
	rm -f "$STATE/jar"
	authorize
	form signin -d username=alice --data-urlencode "password=$PASSWORD" -H 'Origin: https://evil.example'
	[ "$STATUS" = 403 ]
	grep -q 'The form was sent from another site.' "$STATE/b"
	# Neither Origin nor Sec-Fetch-Site: same-origin.
	params
	req POST "$BASE/oauth/authorize" "${P[@]}" -d step=signin -d "csrf=$CSRF" -d username=alice \
	    --data-urlencode "password=$PASSWORD" -b "$STATE/jar" -c "$STATE/jar"
	[ "$STATUS" = 403 ]
	req POST "$BASE/oauth/authorize" "${P[@]}" -d step=signin -d "csrf=$CSRF" -d username=alice \
	    --data-urlencode "password=$PASSWORD" -b "$STATE/jar" -c "$STATE/jar" -H 'Sec-Fetch-Site: cross-site'
	[ "$STATUS" = 403 ]
	! grep -q mcp_signin "$STATE/jar" || false
	# A browser that sends no Origin but says same-origin is let in.
	req POST "$BASE/oauth/authorize" "${P[@]}" -d step=signin -d "csrf=$CSRF" -d username=alice \
	    --data-urlencode "password=$PASSWORD" -b "$STATE/jar" -c "$STATE/jar" -H 'Sec-Fetch-Site: same-origin'
	[ "$STATUS" = 200 ]
	grep -q mcp_signin "$STATE/jar"
}

@test "sign-in throttled per account and address: 429 with Retry-After, the right password too" {
	register
	pkce
	for i in 1 2 3 4 5; do
		signin bob wrong-password-$i
		[ "$STATUS" = 401 ]
		grep -q 'Wrong user name or password.' "$STATE/b"
	done
	signin bob "$PASSWORD"
	[ "$STATUS" = 429 ]
	[ "$(header Retry-After)" -ge 1 ] && [ "$(header Retry-After)" -le 300 ]
	grep -q 'Too many failed sign-ins' "$STATE/b"
	# Another account from the same address is not locked.
	signin alice "$PASSWORD"
	[ "$STATUS" = 200 ]
	grep -q 'Allow access?' "$STATE/b"
}

@test "a disabled user: live tokens refused, refresh refused, sign-in refused" {
	printf '%s\n' "$PASSWORD" | $MCPCTL user add --name carol --workspace wks_bats >/dev/null
	register
	pkce
	signin carol
	allow wks:read
	redeem
	[ "$STATUS" = 200 ]
	whoami_as "$AT"
	[ "$STATUS" = 200 ]
	run $MCPCTL user disable carol
	[ "$status" = 0 ]
	jqo '.disabled > 0'
	refresh "$RT"
	oauth_err 400 invalid_grant
	sleep 2.5
	whoami_as "$AT"
	[ "$STATUS" = 401 ]
	signin carol
	[ "$STATUS" = 401 ]
}

@test "mcpctl grant revoke: the grant's tokens stop" {
	flow wks:read
	run $MCPCTL grant revoke --user alice --client "$CID"
	[ "$status" = 0 ]
	refresh "$RT"
	oauth_err 400 invalid_grant
	sleep 2.5
	whoami_as "$AT"
	[ "$STATUS" = 401 ]
	run $MCPCTL grant revoke --user alice --client "$CID"
	[ "$status" = 1 ]
}

# hold NAME TOKEN: a 2025 session of TOKEN and its GET stream, held by
# curl in the background ($STATE/NAME.b); sets S_NAME to the stream id.
hold() {
	TOKEN=$2 init_session 2025-11-25
	curl -sN -o "$STATE/$1.b" "$URL" -H 'Accept: text/event-stream' \
	    -H "Authorization: Bearer $2" -H "Mcp-Session-Id: $SID" \
	    -H 'MCP-Protocol-Version: 2025-11-25' 3>&- &
	held "$1" $!
	seen "$1" '^retry:'
	eval "S_$1=\$(sed -n 's/^id: \([0-9a-f]*\)-0$/\1/p' \"\$STATE/$1.b\" | head -1)"
}

@test "a held stream of a sign-in ends once the sign-in is revoked (RFC 7009, its refresh token); another sign-in's of the same client stays" {
	flow wks:read
	at1=$AT rt1=$RT
	# A second sign-in of the same client.
	pkce
	signin
	allow wks:read
	redeem
	[ "$STATUS" = 200 ]
	at2=$(jq -r .access_token <<<"$BODY")
	hold one "$at1"
	hold two "$at2"
	[ -n "$S_one" ] && [ -n "$S_two" ]
	req POST "$BASE/oauth/revoke" -d "client_id=$CID" -d "token=$rt1"
	[ "$STATUS" = 200 ]
	for _ in $(seq 160); do
		grep -q "stream $S_one: its client or sign-in was revoked" "$STATE/mcp-fcgi.log" && break
		sleep 0.05
	done
	grep -q "stream $S_one: its client or sign-in was revoked" "$STATE/mcp-fcgi.log"
	for _ in $(seq 60); do kill -0 "$(cat "$STATE/one.pid")" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$(cat "$STATE/one.pid")" 2>/dev/null || false
	kill -0 "$(cat "$STATE/two.pid")"
	! grep -q "stream $S_two: its client" "$STATE/mcp-fcgi.log" || false
	kill_listeners
}

@test "RFC 7009 revocation: a refresh token or an access token ends the family; unknown tokens 200" {
	flow wks:read
	req POST "$BASE/oauth/revoke" -d "client_id=$CID" -d "token=$RT"
	[ "$STATUS" = 200 ]
	refresh "$RT"
	oauth_err 400 invalid_grant
	# An access token: a public client's id proves nothing, so that is
	# a no-op; an authenticated client's ends its family.
	flow wks:read
	req POST "$BASE/oauth/revoke" -d "client_id=$CID" -d "token=$AT" -d token_type_hint=access_token
	[ "$STATUS" = 200 ]
	register "{\"redirect_uris\":[\"$CB\"]}"
	secret=$(jq -r .client_secret <<<"$BODY")
	pkce
	signin
	allow wks:read
	redeem -u "$CID:$secret"
	[ "$STATUS" = 200 ]
	req POST "$BASE/oauth/revoke" -u "$CID:$secret" -d "token=$AT" -d token_type_hint=access_token
	[ "$STATUS" = 200 ]
	sleep 2.5
	whoami_as "$AT"
	[ "$STATUS" = 401 ]
	req POST "$BASE/oauth/revoke" -d "client_id=$CID" -d "token=mcp_r_nothing"
	oauth_err 401 invalid_client
	req POST "$BASE/oauth/revoke" -u "$CID:$secret" -d "token=mcp_r_nothing"
	[ "$STATUS" = 200 ]
	# Another client cannot revoke it.
	flow wks:read
	keep=$RT first=$CID
	register
	req POST "$BASE/oauth/revoke" -d "client_id=$CID" -d "token=$keep"
	oauth_err 400 unauthorized_client
	req POST "$BASE/oauth/revoke" -d "token=$keep"
	oauth_err 401 invalid_client
	# ... nor spend it: its own client still refreshes with it.
	CID=$first refresh "$keep"
	[ "$STATUS" = 200 ]
}

@test "public clients: no client_credentials, no secret to forge; a confidential client must authenticate" {
	register
	req POST "$BASE/oauth/token" -d grant_type=client_credentials -d "client_id=$CID"
	oauth_err 400 unauthorized_client
	register "{\"redirect_uris\":[\"$CB\"]}"
	jqb '.token_endpoint_auth_method == "client_secret_basic" and (.client_secret | length) == 43'
	secret=$(jq -r .client_secret <<<"$BODY")
	pkce
	signin
	allow wks:read
	redeem
	oauth_err 401 invalid_client
	redeem -u "$CID:$secret"
	[ "$STATUS" = 200 ]
}

@test "registration refused: bad metadata, bad redirect URIs, too large, not JSON" {
	reg() { req POST "$BASE/oauth/register" -H 'Content-Type: application/json' -d "$1"; }
	reg '{"client_name":"x"}'
	oauth_err 400 invalid_redirect_uri
	reg '{"redirect_uris":["javascript:alert(1)"]}'
	oauth_err 400 invalid_redirect_uri
	reg '{"redirect_uris":["http://app.example/cb"]}'
	oauth_err 400 invalid_redirect_uri
	jqb '.error_description == "a web client'"'"'s redirect URI is https (or http to a loopback address)"'
	reg '{"redirect_uris":["https://app.example/cb#frag"]}'
	oauth_err 400 invalid_redirect_uri
	reg '{"redirect_uris":["com.example.app:/cb"]}'
	oauth_err 400 invalid_redirect_uri
	reg '{"redirect_uris":["com.example.app:/cb"],"application_type":"native","token_endpoint_auth_method":"none"}'
	[ "$STATUS" = 201 ]
	reg "{\"redirect_uris\":$(jq -cn '[range(9) | "https://a.example/\(.)"]')}"
	oauth_err 400 invalid_redirect_uri
	reg '{"redirect_uris":["https://a.example/cb"],"grant_types":["client_credentials"]}'
	oauth_err 400 invalid_client_metadata
	reg '{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}'
	oauth_err 400 invalid_client_metadata
	reg '{"redirect_uris":["https://a.example/cb"],"scope":"wks:read root"}'
	oauth_err 400 invalid_client_metadata
	reg '[1,2]'
	oauth_err 400 invalid_client_metadata
	reg "{\"redirect_uris\":[\"https://a.example/cb\"],\"pad\":\"$(head -c 8200 /dev/zero | tr '\0' a)\"}"
	oauth_err 413 invalid_client_metadata
	req POST "$BASE/oauth/register" -d 'redirect_uris=https://a.example/cb'
	oauth_err 400 invalid_client_metadata
}

@test "registration limited per address: 429 with Retry-After past client_registrations_per_address" {
	used=$(store_sql "SELECT coalesce(sum(count), 0) FROM auth_failures WHERE client = '' AND addr = 'dcr 127.0.0.1'")
	[ "$used" -lt 100 ]
	for i in $(seq $((used + 1)) 100); do register; done
	req POST "$BASE/oauth/register" -H 'Content-Type: application/json' -d "{\"redirect_uris\":[\"$CB\"]}"
	oauth_err 429 temporarily_unavailable
	[ "$(header Retry-After)" -ge 1 ]
	# Client authentication from that address is not affected.
	req POST "$BASE/oauth/token" -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
}

@test "mcpctl user: passwords from standard input, checked; names unique; list shows no hash" {
	run sh -c "printf 'short\n' | $MCPCTL user add --name dave --workspace wks_bats"
	[ "$status" = 1 ]
	[[ "$output" == *"a password is 12 to 256 bytes"* ]]
	run sh -c "printf '%s\n' '$PASSWORD' | $MCPCTL user add --name alice --workspace wks_bats"
	[ "$status" = 1 ]
	[[ "$output" == *"a user named alice exists"* ]]
	run sh -c "printf '%s\n' '$PASSWORD' | $MCPCTL user add --name dave --workspace wks_none"
	[ "$status" = 1 ]
	run sh -c "printf '%s\n' '$PASSWORD' | $MCPCTL user add --name dave --workspace wks_bats --scopes 'wks:read root'"
	[ "$status" = 1 ]
	run $MCPCTL user list
	[ "$status" = 0 ]
	! grep -q argon2 <<<"$output" || false
	[[ "$(store_sql "SELECT pwhash FROM users WHERE name = 'alice'")" == '$argon2id$v=19$m=19456,t=2,p=1$'* ]]
	run sh -c "printf 'a-new-long-password\n' | $MCPCTL user passwd bob"
	[ "$status" = 0 ]
}

@test "bounds: 8 signed-in browsers and 16 codes a person, 8 refresh tokens a family, 16 live families a grant, expired codes and old revoked families dropped" {
	printf '%s\n' "$PASSWORD" | $MCPCTL user add --name frank --workspace wks_bats >/dev/null
	uid=$($MCPCTL user list | jq -r '.[] | select(.name == "frank") | .id')
	q() { store_sql "$1"; }
	# Room under this address's registration limit: the window restarts.
	q "DELETE FROM auth_failures WHERE addr = 'dcr 127.0.0.1'"
	register
	pkce
	for i in $(seq 10); do signin frank; [ "$STATUS" = 200 ]; done
	[ "$(q "SELECT count(*) FROM web_sessions WHERE \"user\" = '$uid'")" = 8 ]
	# The newest still works: straight to consent.
	authorize
	grep -q 'Allow access?' "$STATE/b"
	for i in $(seq 17); do
		allow wks:read
		redeem
		[ "$STATUS" = 200 ]
	done
	[ "$(q "SELECT count(*) FROM token_families WHERE \"user\" = '$uid' AND client = '$CID' AND revoked = 0")" = 16 ]
	[ "$(q "SELECT count(*) FROM token_families WHERE \"user\" = '$uid' AND client = '$CID' AND revoked > 0")" = 1 ]
	[ "$(q "SELECT count(*) FROM auth_codes WHERE \"user\" = '$uid'")" = 16 ]
	# A revoked family is forgotten once its access tokens have expired
	# (token_lifetime_seconds and a minute): the next family drops it.
	q "UPDATE token_families SET revoked = revoked - 661 WHERE \"user\" = '$uid' AND revoked > 0"
	allow wks:read
	redeem
	[ "$(q "SELECT count(*) FROM token_families WHERE \"user\" = '$uid' AND revoked > 0")" = 1 ]
	[ "$(q "SELECT count(*) FROM token_families WHERE \"user\" = '$uid'")" = 17 ]
	for i in $(seq 10); do
		refresh "$RT"
		[ "$STATUS" = 200 ]
		RT=$(jq -r .refresh_token <<<"$BODY")
	done
	fam=$(q "SELECT family FROM refresh_tokens WHERE hash = '$(printf %s "$RT" | sha256sum | cut -d' ' -f1)'")
	[ "$(q "SELECT count(*) FROM refresh_tokens WHERE family = '$fam'")" = 8 ]
	q "UPDATE auth_codes SET expires = 0"
	allow wks:read
	[ "$(q "SELECT count(*) FROM auth_codes")" = 1 ]
}

@test "registered clients: unused ones dropped after a day, 10,000 at most (the oldest unused makes room, else 503 with Retry-After)" {
	q() { store_sql "$1"; }
	# Room under this address's limit: the window starts again.
	q "DELETE FROM auth_failures WHERE addr = 'dcr 127.0.0.1'"
	register
	stale=$CID
	flow wks:read
	used=$CID
	q "UPDATE clients SET created = created - 90000 WHERE id IN ('$stale', '$used')"
	register
	[ "$(q "SELECT count(*) FROM clients WHERE id = '$stale'")" = 0 ]
	[ "$(q "SELECT count(*) FROM clients WHERE id = '$used'")" = 1 ]
	# Full of clients that are all in use: no room.
	q "UPDATE clients SET used = 1 WHERE kind IN ('dcr', 'cimd')"
	q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
	   INSERT INTO clients (id, name, scopes, workspace, secret_hash, salt, created, revoked, kind, used)
	   SELECT 'cli_fill' || substr('0000000' || i, length(CAST(i AS text))),
	   'fill', '', '', '', '', $(date +%s), 0, 'dcr', 1 FROM n"
	req POST "$BASE/oauth/register" -H 'Content-Type: application/json' -d "{\"redirect_uris\":[\"$CB\"]}"
	oauth_err 503 temporarily_unavailable
	[ "$(header Retry-After)" = 3600 ]
	# One never used: the oldest such makes room.
	q "UPDATE clients SET used = 0, created = created - 10 WHERE id = 'cli_fill00000007'"
	q "UPDATE clients SET used = 0, created = created - 5 WHERE id = 'cli_fill00000009'"
	register
	[ "$(q "SELECT count(*) FROM clients WHERE id = 'cli_fill00000007'")" = 0 ]
	[ "$(q "SELECT count(*) FROM clients WHERE id = 'cli_fill00000009'")" = 1 ]
	q "DELETE FROM clients WHERE id LIKE 'cli_fill%'"
	register
}

@test "a client metadata document on an address that is not public: an error page, nothing stored" {
	pkce
	CID=$CIMD/client.json authorize
	error_page "The client&#39;s metadata document could not be fetched."
	# Why stays in the log: the page tells nothing about our network.
	! grep -q 127.0.0.1 "$STATE/b" || false
	sleep 0.1
	grep -q "client metadata document $CIMD/client.json: the address 127.0.0.1 is not public" "$STATE/mcp-fcgi.log"
	[ "$(store_sql "SELECT count(*) FROM clients WHERE id = '$CIMD/client.json'")" = 0 ]
	# The metadata says so: documents are supported.
	req GET "$BASE/.well-known/oauth-authorization-server"
	jqb '.client_id_metadata_document_supported == true'
}
