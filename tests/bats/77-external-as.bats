#!/usr/bin/env bats
# A third-party OpenID provider as the authorization server: panva's
# oidc-provider (tests/js/external-op.mjs, OpenID Certified) issues RFC
# 9068 JWT access tokens for /mcp; our configuration trusts it in an
# [issuer] section (its JWKS over http to loopback) and the RFC 9728
# metadata names it as the one authorization server.  The real clients
# (TypeScript SDK 1.x and 2.x, mcp-remote, Chromium on the provider's own
# sign-in and consent pages) then pass against it as they do against the
# built-in one.

load helper

# The provider, started once the resource's port is known: this file's
# [issuer] goes into /mcp's configuration before lighttpd starts.
server_prestart() {
	local i
	(
		for fd in $(ls /proc/$BASHPID/fd); do
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		exec node "$JS/external-op.mjs" "$OP_PORT" \
		    "http://127.0.0.1:$PORT/mcp" "$ALL_SCOPES" \
		    --workspace wks_ext --ttl "$OP_TTL" \
		    --other-aud https://other.example/api \
		    >"$STATE/op.out" 2>"$STATE/op.err"
	) &
	echo $! >"$STATE/op.pid"
	for i in $(seq 100); do
		grep -q '"issuer"' "$STATE/op.out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '"issuer"' "$STATE/op.out" || { cat "$STATE/op.err" >&2; return 1; }
	# A second, Entra-like issuer: its own claim names for scopes and
	# the workspace, its own audience.
	$JWT genkey rsa "$STATE/tk" entra kid-entra
	cat >>"$CONF" <<-CONF

	[issuer]
	issuer = $OP
	jwks_url = $OP/jwks
	algorithms = RS256
	leeway_seconds = 0

	[issuer]
	issuer = https://login.entra.test/tid/v2.0
	public_key_file = $STATE/tk/entra.pub.pem
	audience = api://mcp-fcgi-test
	scope_claims = scp roles
	workspace_claim = extn.workspace
	CONF
}

setup_file() {
	use_js
	OP_PORT=$(free_port)
	OP=http://127.0.0.1:$OP_PORT
	# Tokens for people live this long, so that a refresh is seen.
	OP_TTL=4
	export JS OP_PORT OP OP_TTL
	CONF_SET="authorization_servers=$OP" start_server
	# The responders may be writing the store as they start.
	store_sql "INSERT INTO workspaces (id, name, created_ms, updated_ms) VALUES ('wks_ext', 'external', 0, 0)"
	URL=$BASE/mcp
	PRM=$BASE/.well-known/oauth-protected-resource/mcp
	export URL PRM
}

teardown_file() {
	local pid
	pid=$(cat "$STATE/op.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	stop_server
}

setup() { URL=$BASE/mcp; }

# op_token SCOPE [RESOURCE]: a client credentials token of the provider.
op_token() {
	curl -s -u ext-cc:ext-cc-secret -d grant_type=client_credentials \
	    --data-urlencode "scope=$1" \
	    --data-urlencode "resource=${2:-$BASE/mcp}" "$OP/token" |
	    jq -r .access_token
}

# whoami AUTHORIZATION_VALUE: a 2026-07-28 tools/call of whoami.
whoami() {
	NOAUTH=1 mpost tools/call '"name":"whoami","arguments":{}' \
	    -H 'Mcp-Name: whoami' -H "Authorization: $1"
}

# rejected: 401 invalid_token with the full challenge and our error body.
rejected() {
	[ "$STATUS" = 401 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"$ALL_SCOPES\", error=\"invalid_token\"" ]
	jqb '. == {"jsonrpc":"2.0","id":7,"error":{"code":-32040,"message":"Unauthorized: a valid bearer token is required"}}'
}

# jwt_claims TOKEN: the decoded claims, not verified.
jwt_claims() {
	python3 -c 'import base64, sys; c = sys.argv[1].split(".")[1]
sys.stdout.write(base64.urlsafe_b64decode(c + "=" * (-len(c) % 4)).decode())' "$1"
}

@test "the RFC 9728 metadata names the provider; its metadata offers our scopes, S256, registration" {
	req GET "$PRM"
	[ "$STATUS" = 200 ]
	jqb --arg op "$OP" --arg r "$BASE/mcp" '.resource == $r and .authorization_servers == [$op]'
	scopes=$(printf '%s' "$BODY" | jq -c .scopes_supported)
	[ "$scopes" = "$(printf '%s' "$ALL_SCOPES" | jq -Rc 'split(" ")')" ]
	req GET "$OP/.well-known/openid-configuration"
	[ "$STATUS" = 200 ]
	jqb --arg op "$OP" --argjson s "$scopes" '.issuer == $op and .jwks_uri == $op + "/jwks" and
	    (.scopes_supported | contains($s)) and .code_challenge_methods_supported == ["S256"] and
	    (.registration_endpoint | type) == "string" and
	    (.grant_types_supported | contains(["authorization_code", "refresh_token", "client_credentials"]))'
}

@test "client credentials from the provider: whoami names it, the workspace comes from its claim" {
	t=$(op_token "wks:read env:read")
	[ -n "$t" ] && [ "$t" != null ]
	whoami "Bearer $t"
	[ "$STATUS" = 200 ]
	jqb --arg op "$OP" '.result.structuredContent | .issuer == $op and .subject == "ext-cc" and
	    .client_id == "ext-cc" and .workspace == "wks_ext" and .scopes == ["wks:read", "env:read"]'
	TOKEN=$t mpost tools/call '"name":"get_usage","arguments":{"hours":1}' -H 'Mcp-Name: get_usage'
	[ "$STATUS" = 200 ]
	jqb '.result.isError != true'
}

@test "a provider token without the tool's scope: 403 insufficient_scope" {
	t=$(op_token "env:read")
	TOKEN=$t mpost tools/call '"name":"get_usage","arguments":{}' -H 'Mcp-Name: get_usage'
	[ "$STATUS" = 403 ]
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"wks:read\", error=\"insufficient_scope\"" ]
	jqb '. == {"jsonrpc":"2.0","id":7,"error":{"code":-32041,"message":"Forbidden: the access token lacks a required scope","data":{"tool":"get_usage","required":["wks:read"],"missing":["wks:read"]}}}'
}

@test "SDK 1.x and 2.x ClientCredentialsProvider: discovery from the 401 to the provider, then tools" {
	cd "$JS"
	for v in 1 2; do
		run timeout 60 node sdk-cc.mjs $v "$BASE" "$OP" wks_ext ext-cc ext-cc-secret
		echo "$output"
		[ "$status" = 0 ]
		[[ "$output" == *"sdk$v-cc ok"* ]]
	done
}

@test "mcp-remote --client-credentials: discovery from the 401 to the provider, whoami over stdio" {
	out=$(remote_cc "$BASE/mcp" ext-cc ext-cc-secret)
	echo "$out"
	jqo '.result.structuredContent | .client_id == "ext-cc" and .workspace == "wks_ext" and .issuer == "'"$OP"'"' "$out"
}

@test "a genuine provider token made out to another audience: 401" {
	t=$(op_token "wks:read" https://other.example/api)
	[ -n "$t" ] && [ "$t" != null ]
	# It is a real one: signed by the provider, for the other resource.
	jqo '.iss == "'"$OP"'" and .aud == "https://other.example/api"' "$(jwt_claims "$t")"
	whoami "Bearer $t"
	rejected
	logged "aud does not name this resource"
}

@test "the provider's claims signed by a key not in its JWKS: 401" {
	$JWT genkey rsa "$STATE" stranger kid-stranger
	kid=$(curl -s "$OP/jwks" | jq -r '.keys[0].kid')
	now=$(date +%s)
	c=$(jq -cn --arg iss "$OP" --arg aud "$BASE/mcp" --argjson now "$now" \
	    '{iss: $iss, sub: "ext-cc", aud: $aud, iat: $now, exp: ($now + 300),
	      scope: "wks:read", client_id: "ext-cc", workspace: "wks_ext"}')
	# An unknown kid.
	t=$($JWT sign RS256 "$STATE/stranger.pem" '{"kid":"kid-stranger","typ":"at+jwt"}' "$c")
	whoami "Bearer $t"
	rejected
	# The provider's kid, another key.
	t=$($JWT sign RS256 "$STATE/stranger.pem" '{"kid":"'"$kid"'","typ":"at+jwt"}' "$c")
	whoami "Bearer $t"
	rejected
	logged "signature"
}

@test "SDK 1.x authorization code: registration, Chromium on the provider's pages, tools, refresh after expiry" {
	cd "$JS"
	rm -rf "$ROOT/$BUILD/shots/external"
	mkdir -p "$ROOT/$BUILD/shots/external"
	run timeout 120 node sdk-authcode.mjs external "$BASE" "$OP" wks_ext "$OP_TTL" \
	    "$ROOT/$BUILD/shots/external" alice "any password" alice
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk-authcode ok"* ]]
	[ -s "$ROOT/$BUILD/shots/external/external-signin.png" ]
	[ -s "$ROOT/$BUILD/shots/external/external-consent.png" ]
}

@test "mcp-remote without a header: it registers with the provider, Chromium on its pages, whoami, refresh after expiry" {
	cd "$JS"
	run timeout 90 node remote-authcode.mjs external "$BASE" "$OP" alice "any password" \
	    "$ROOT/$BUILD/shots/external" alice
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"remote-authcode ok: "*" for alice, scopes "*"wks:read"* ]]
	[ -s "$ROOT/$BUILD/shots/external/remote-external-consent.png" ]
}

# entra CLAIMS_JQ: a token of the Entra-like issuer, claims updated by jq.
entra() {
	local now c
	now=$(date +%s)
	c=$(jq -cn --argjson now "$now" '{iss: "https://login.entra.test/tid/v2.0",
	    sub: "sp-1", aud: "api://mcp-fcgi-test", iat: $now, exp: ($now + 300),
	    azp: "app-1"} | '"$1")
	$JWT sign RS256 "$STATE/tk/entra.pem" '{}' "$c"
}

@test "an [issuer]'s own scope_claims and workspace_claim: scp string and roles array, its workspace claim" {
	t=$(entra '.scp = "wks:read" | .roles = ["env:read", "not a scope"] |
	    .["extn.workspace"] = "wks_ext" | .scope = "org:write" | .workspace = "wks_bats"')
	whoami "Bearer $t"
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent | .issuer == "https://login.entra.test/tid/v2.0" and
	    .subject == "sp-1" and .client_id == "app-1" and .workspace == "wks_ext" and
	    .scopes == ["wks:read", "env:read"]'
	TOKEN=$t mpost tools/call '"name":"get_usage","arguments":{"hours":1}' -H 'Mcp-Name: get_usage'
	[ "$STATUS" = 200 ]
	jqb '.result.isError != true'
}

@test "an [issuer]'s scope_claims replace the global ones: its \"scope\" grants nothing, 403" {
	t=$(entra '.scope = "wks:read" | .["extn.workspace"] = "wks_ext"')
	whoami "Bearer $t"
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent.scopes == [] and .result.structuredContent.workspace == "wks_ext"'
	TOKEN=$t mpost tools/call '"name":"get_usage","arguments":{}' -H 'Mcp-Name: get_usage'
	[ "$STATUS" = 403 ]
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"wks:read\", error=\"insufficient_scope\"" ]
	# The issuer's workspace claim replaces the global one too.
	t=$(entra '.scp = "wks:read" | .workspace = "wks_ext"')
	whoami "Bearer $t"
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent.workspace == ""'
	# A workspace claim that is not a short string: 401.
	whoami "Bearer $(entra '.scp = "wks:read" | .["extn.workspace"] = ["wks_ext"]')"
	rejected
	logged "workspace claim is not a short string"
}

@test "config: an [issuer]'s scope_claims at most 4, workspace_claim not empty" {
	T=$STATE/cfg
	mkdir -p "$T"
	head='store_path = '"$T"'/x.db\nresource = https://m.example/mcp\n[issuer]\nissuer = https://as.example\njwks_url = https://as.example/jwks\n'
	printf "$head"'scope_claims = a b c d e\n' >"$T/a.conf"
	run "$ROOT/$BUILD/mcp.fcgi" -t -f "$T/a.conf"
	[ "$status" = 1 ]
	[[ "$output" == *"a.conf:6: scope_claims: at most 4 claims"* ]]
	printf "$head"'workspace_claim =\n' >"$T/b.conf"
	run "$ROOT/$BUILD/mcp.fcgi" -t -f "$T/b.conf"
	[ "$status" = 1 ]
	[[ "$output" == *"b.conf:6: workspace_claim: must not be empty"* ]]
	printf "$head"'scope_claims = scp roles permissions\nworkspace_claim = https://mcp.example/workspace\n' >"$T/c.conf"
	run "$ROOT/$BUILD/mcp.fcgi" -t -f "$T/c.conf"
	echo "$output"
	[ "$status" = 0 ]
}

@test "the provider's deployment: PKCE is required, a native client's loopback redirect may use any port" {
	q="client_id=ext-public&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcallback&scope=wks%3Aread&resource=$(jq -rn --arg r "$BASE/mcp" '$r|@uri')&state=s1"
	req GET "$OP/auth?$q"
	[ "$STATUS" = 303 ]
	[[ "$(header Location)" == "http://127.0.0.1:5555/callback?error=invalid_request&"*"PKCE"* ]]
	req GET "$OP/auth?$q&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
	[ "$STATUS" = 303 ]
	loc=$(header Location)
	[[ "$loc" == /interaction/* || "$loc" == "$OP/interaction/"* ]]
}
