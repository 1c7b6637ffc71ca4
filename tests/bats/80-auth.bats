#!/usr/bin/env bats
# The protected resource: one test per way a token can be wrong, each
# asserting the status, the WWW-Authenticate challenge and the body; what
# a good token may do; RFC 9728 discovery; sessions bound to subjects; key
# rotation through the JWKS.  Tokens are made by tests/bats/jwt.py
# (python3-cryptography), independently of the code under test.

load helper

setup_file() {
	start_server
	KID=$($MCPCTL key list | jq -r '.[0].kid')
	SIGNKEY=$STATE/keys/$KID.pem
	PRM=$BASE/.well-known/oauth-protected-resource/mcp
	# Every scope a tool of /mcp names, in registry order.
	TOOL_SCOPES="wks:read wks:write env:read env:write org:read org:write"
	export KID SIGNKEY PRM TOOL_SCOPES
}
teardown_file() { stop_server; }

setup() { URL=$BASE/mcp; }

# claims [JQ_UPDATE]: valid claims for the built-in issuer, then updated.
claims() {
	jq -cn --arg iss "$BASE" --arg aud "$BASE/mcp" --argjson now "$(date +%s)" \
	    '{iss: $iss, sub: "agent-1", aud: $aud, iat: $now, exp: ($now + 300),
	      scope: "wks:read", client_id: "agent-1"} | '"${1:-.}"
}

# sign [HEADER_JSON] [JQ_UPDATE]: RS256 with the built-in server's key.
sign() {
	$JWT sign RS256 "$SIGNKEY" "${1:-{\"kid\":\"$KID\"\}}" "$(claims "${2:-.}")"
}

# whoami AUTHORIZATION_VALUE: a 2026-07-28 tools/call of whoami.
whoami() {
	NOAUTH=1 mpost tools/call '"name":"whoami","arguments":{}' \
	    -H 'Mcp-Name: whoami' -H "Authorization: $1"
}

# rejected: 401 invalid_token with the full challenge and our error body.
rejected() {
	[ "$STATUS" = 401 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"$TOOL_SCOPES\", error=\"invalid_token\"" ]
	jqb '. == {"jsonrpc":"2.0","id":7,"error":{"code":-32040,"message":"Unauthorized: a valid bearer token is required"}}'
}

# jwt_header TOKEN: the decoded JOSE header.
jwt_header() {
	python3 -c 'import base64, sys; h = sys.argv[1].split(".")[0]
sys.stdout.write(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)).decode())' "$1"
}

accepted() {
	[ "$STATUS" = 200 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	jqb '.result.structuredContent.subject == "'"${1:-agent-1}"'"'
}

@test "a valid RS256 token of the built-in issuer is accepted" {
	whoami "Bearer $(sign)"
	accepted
	jqb '.result.structuredContent.scopes == ["wks:read"] and .result.structuredContent.issuer == "'"$BASE"'"'
}

@test "no Authorization header: 401, challenge without error, no details" {
	NOAUTH=1 mpost tools/list ''
	[ "$STATUS" = 401 ]
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"$TOOL_SCOPES\"" ]
	[[ "$(header Access-Control-Expose-Headers)" == *WWW-Authenticate* ]]
	jqb '.error.code == -32040 and .error.message == "Unauthorized: a valid bearer token is required" and (.error | has("data") | not)'
	logged "no Authorization"
}

@test "wrong scheme (Basic): 401 without error" {
	whoami "Basic YWxhZGRpbjpvcGVuc2VzYW1l"
	[ "$STATUS" = 401 ]
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"$TOOL_SCOPES\"" ]
	logged "scheme is not Bearer"
}

@test "empty token: 401 invalid_token" {
	whoami "Bearer"
	rejected
	logged "empty token"
}

@test "not three parts: 401 invalid_token" {
	whoami "Bearer abc.def"
	rejected
	logged "not three dot-separated parts"
}

@test "bad base64url: 401 invalid_token" {
	t=$(sign)
	whoami "Bearer ${t%%.*}.pay+load.sig"
	rejected
	logged "character outside base64url"
	whoami "Bearer ${t%%.*}.A.${t##*.}"
	rejected
	logged "payload is not base64url"
}

@test "bad JSON in the header or the payload: 401 invalid_token" {
	t=$(sign)
	bad=$(printf '{"alg":"RS256",' | basenc -w0 --base64url | tr -d '=')
	whoami "Bearer $bad.${t#*.}"
	rejected
	logged "header is not JSON"
	bad=$(printf '{"iss":' | basenc -w0 --base64url | tr -d '=')
	h=${t%%.*}
	whoami "Bearer $h.$bad.${t##*.}"
	rejected
	logged "payload is not JSON"
}

@test "alg none: 401 invalid_token" {
	whoami "Bearer $($JWT sign none /dev/null '{}' "$(claims)")"
	rejected
	logged "empty signature"
	t=$($JWT sign none /dev/null '{}' "$(claims)")
	whoami "Bearer ${t}c2ln"
	rejected
	logged "alg not supported"
}

@test "HS256 signed with the issuer's public key PEM as the secret: 401" {
	# The classic confusion: the RSA public key is public, so an HMAC
	# over it would be forgeable by anyone.
	jq -r '.keys[0]' "$STATE/keys/jwks.json" >/dev/null
	python3 -c 'import sys
from cryptography.hazmat.primitives import serialization
k = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
sys.stdout.buffer.write(k.public_key().public_bytes(serialization.Encoding.PEM,
    serialization.PublicFormat.SubjectPublicKeyInfo))' "$SIGNKEY" >"$BATS_TEST_TMPDIR/pub.pem"
	whoami "Bearer $($JWT sign HS256 "$BATS_TEST_TMPDIR/pub.pem" "{\"kid\":\"$KID\"}" "$(claims)")"
	rejected
	logged "alg not allowed for this issuer"
	# Also against the PEM issuer, with its own public key file.
	whoami "Bearer $($JWT sign HS256 "$STATE/tk/ec.pub.pem" '{}' "$(claims '.iss = "https://pem.test"')")"
	rejected
	logged "alg not allowed for this issuer"
}

@test "RS256 signed by an untrusted key with a trusted kid: 401 bad signature" {
	whoami "Bearer $($JWT sign RS256 "$STATE/tk/evil.pem" "{\"kid\":\"$KID\"}" "$(claims)")"
	rejected
	logged "bad signature"
}

@test "tampered payload: 401 bad signature" {
	t=$(sign)
	p=$(claims '.scope = "wks:read wks:write org:write"' | basenc -w0 --base64url | tr -d '=')
	whoami "Bearer ${t%%.*}.$p.${t##*.}"
	rejected
	logged "bad signature"
}

@test "tampered signature: 401 bad signature" {
	t=$(sign)
	s=${t##*.}
	c=${s:10:1}
	[ "$c" = A ] && r=B || r=A
	whoami "Bearer ${t%.*}.${s:0:10}$r${s:11}"
	rejected
	logged "bad signature"
}

@test "expired (beyond the leeway): 401" {
	whoami "Bearer $(sign '' '.exp = (.iat - 31) | .iat = .exp - 60')"
	rejected
	logged "expired"
}

@test "exp within the leeway is still accepted" {
	whoami "Bearer $(sign '' '.exp = .iat - 10')"
	accepted
}

@test "nbf in the future: 401" {
	whoami "Bearer $(sign '' '.nbf = .iat + 120')"
	rejected
	logged "not valid yet"
}

@test "iat in the future: 401" {
	whoami "Bearer $(sign '' '.iat = .iat + 120')"
	rejected
	logged "issued in the future"
}

@test "wrong iss: 401" {
	whoami "Bearer $(sign '' '.iss = "http://127.0.0.1:1"')"
	rejected
	logged "iss is not a trusted issuer"
}

@test "wrong aud: 401" {
	whoami "Bearer $(sign '' '.aud = "'"$BASE"'/other"')"
	rejected
	logged "aud does not name this resource"
	whoami "Bearer $(sign '' 'del(.aud)')"
	rejected
}

@test "aud as an array containing ours is accepted" {
	whoami "Bearer $(sign '' '.aud = ["https://elsewhere.example", .aud]')"
	accepted
}

# signraw SED: a token of valid claims whose JSON text SED rewrote (jq
# would round a number past 2^53 before jwt.py sees it).
signraw() {
	$JWT sign RS256 "$SIGNKEY" "{\"kid\":\"$KID\"}" "$(claims | sed "$1")"
}

# NumericDates (RFC 7519 §2) are range-checked before any arithmetic: a
# date past the year 9999, before the epoch or beyond a double's integers
# is refused, never added to the leeway (a signed overflow the sanitizer
# build would abort on).
@test "exp near the 64-bit limit: 401, exp out of range" {
	for v in 9223372036854775807 9223372036854775808 18446744073709551615 253402300800; do
		whoami "Bearer $(signraw "s/\"exp\":[0-9]*/\"exp\":$v/")"
		rejected
		logged "exp out of range"
	done
}

@test "exp as a huge or negative float, or negative: 401, exp out of range" {
	for v in 1e300 -1e300 9.3e18 -1 -0.5 -9223372036854775808; do
		whoami "Bearer $(signraw "s/\"exp\":[0-9]*/\"exp\":$v/")"
		rejected
		logged "exp out of range"
	done
}

@test "nbf and iat out of range: 401" {
	whoami "Bearer $(signraw 's/"iat":\([0-9]*\)/"iat":\1,"nbf":-9223372036854775808/')"
	rejected
	logged "nbf out of range"
	whoami "Bearer $(signraw 's/"iat":\([0-9]*\)/"nbf":1e300,"iat":\1/')"
	rejected
	logged "nbf out of range"
	whoami "Bearer $(signraw 's/"iat":[0-9]*/"iat":9223372036854775807/')"
	rejected
	logged "iat out of range"
	whoami "Bearer $(signraw 's/"iat":[0-9]*/"iat":-1e308/')"
	rejected
	logged "iat out of range"
}

@test "fractional dates are NumericDates: accepted, rounded towards refusal" {
	whoami "Bearer $(sign '' '.exp = .exp + 0.5 | .iat = .iat - 0.5 | .nbf = .iat')"
	accepted
	# exp a half second after now less the leeway (30 s) rounds down.
	whoami "Bearer $(sign '' '.exp = .iat - 30 + 0.5')"
	rejected
	logged "expired"
}

# U+0000 in what names someone: compared as C strings, "$BASE\u0000.evil"
# would be the issuer and a member "aud\u0000" would be aud.  Such a
# value is refused, such a member name makes the token unreadable.
@test "iss, aud, sub or client_id holding U+0000: 401" {
	whoami "Bearer $(sign '' '.iss += "\u0000.evil"')"
	rejected
	logged "iss is not a string without U+0000"
	whoami "Bearer $(sign '' '.aud += "\u0000.evil"')"
	rejected
	logged "aud does not name this resource"
	whoami "Bearer $(sign '' '.aud = ["https://elsewhere.example", .aud + "\u0000"]')"
	rejected
	logged "aud does not name this resource"
	whoami "Bearer $(sign '' '.sub += "\u0000x"')"
	rejected
	logged "sub missing or not a string"
	whoami "Bearer $(sign '' '.client_id += "\u0000x"')"
	rejected
	logged "client_id or workspace claim"
}

@test "a claim or header member name holding U+0000: 401" {
	whoami "Bearer $(sign '' '.["aud\u0000"] = .aud | .aud = "https://elsewhere.example"')"
	rejected
	whoami "Bearer $(sign '' '.["aud\u0000"] = .aud | del(.aud)')"
	rejected
	whoami "Bearer $(sign '' '.["exp\u0000"] = .exp')"
	rejected
	whoami "Bearer $(sign "{\"kid\":\"$KID\",\"crit\u0000\":[\"x\"]}")"
	rejected
	# The same tokens without the U+0000 are fine.
	whoami "Bearer $(sign '' '.["aud2"] = .aud')"
	accepted
}

@test "a scope token holding U+0000 is dropped, not cut" {
	whoami "Bearer $(sign '' '.scope = "wks:read\u0000 org:write"')"
	accepted
	jqb '.result.structuredContent.scopes == ["org:write"]'
	whoami "Bearer $(sign '' '.scope = ["env:read\u0000x", "org:read"]')"
	accepted
	jqb '.result.structuredContent.scopes == ["org:read"]'
}

@test "missing exp: 401" {
	whoami "Bearer $(sign '' 'del(.exp)')"
	rejected
	logged "no exp"
}

@test "missing sub: 401" {
	whoami "Bearer $(sign '' 'del(.sub)')"
	rejected
	logged "sub missing"
}

@test "unknown kid: 401" {
	whoami "Bearer $(sign '{"kid":"no-such-key"}')"
	rejected
	logged "unknown kid"
}

@test "oversized token: 401 before any parsing" {
	t=$(sign '' ".pad = \"$(head -c 6500 /dev/zero | tr '\0' a)\"")
	[ ${#t} -gt 8192 ]
	whoami "Bearer $t"
	rejected
	logged "longer than max_token_bytes"
}

@test "typ at+jwt (RFC 9068) is accepted; another typ is not" {
	whoami "Bearer $(sign "{\"kid\":\"$KID\",\"typ\":\"at+jwt\"}")"
	accepted
	whoami "Bearer $(sign "{\"kid\":\"$KID\",\"typ\":\"application/at+jwt\"}")"
	accepted
	whoami "Bearer $(sign "{\"kid\":\"$KID\",\"typ\":\"JOSE+JSON\"}")"
	rejected
	logged "typ is neither"
}

@test "unknown crit: 401" {
	whoami "Bearer $(sign "{\"kid\":\"$KID\",\"crit\":[\"exp-ext\"],\"exp-ext\":1}")"
	rejected
	logged "crit names an extension"
}

@test "token in the query string: 400 invalid_request, even with a header" {
	t=$(sign)
	req POST "$BASE/mcp?access_token=$t" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H "Authorization: Bearer $t" \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	[ "$STATUS" = 400 ]
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"$TOOL_SCOPES\", error=\"invalid_request\"" ]
	jqb '.error.code == -32040 and .error.message == "Bad Request: send the access token in the Authorization header only"'
	# The web server's access log records the path only.
	! grep -q "$t" "$STATE/lighttpd-access.log" || false
}

@test "revoked client: its live tokens fail within seconds" {
	c=$($MCPCTL client add --name doomed --scopes wks:read)
	id=$(jq -r .client_id <<<"$c")
	t=$($MCPCTL token --client "$id" | jq -r .access_token)
	whoami "Bearer $t"
	accepted "$id"
	$MCPCTL client revoke "$id" | jq -e '.revoked > 0'
	for _ in $(seq 50); do
		whoami "Bearer $t"
		[ "$STATUS" = 401 ] && break
		sleep 0.2
	done
	rejected
	logged "client revoked"
}

@test "insufficient scope: 403 with every scope the tool needs, before the handler" {
	t=$(token_for "env:read")
	TOKEN=$t mpost tools/call '"name":"get_usage","arguments":{}' -H 'Mcp-Name: get_usage'
	[ "$STATUS" = 403 ]
	[ "$(header WWW-Authenticate)" = "Bearer resource_metadata=\"$PRM\", scope=\"wks:read\", error=\"insufficient_scope\"" ]
	jqb '. == {"jsonrpc":"2.0","id":7,"error":{"code":-32041,"message":"Forbidden: the access token lacks a required scope","data":{"tool":"get_usage","required":["wks:read"],"missing":["wks:read"]}}}'
	# The same token may call unscoped tools and list them all.
	TOKEN=$t mpost tools/call '"name":"whoami","arguments":{}' -H 'Mcp-Name: whoami'
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent.callable_tools == ["echo","whoami","list_environments","get_environment"]'
}

@test "2025-03-26 batch: a tools/call lacking its scope gets -32041 in the array; the others run" {
	TOKEN=$(token_for "env:read")
	init_session 2025-03-26
	spost 2025-03-26 '[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_usage","arguments":{}}},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}]'
	[ "$STATUS" = 200 ]
	jqb 'length == 2'
	jqb '.[0] == {"jsonrpc":"2.0","id":1,"error":{"code":-32041,"message":"Forbidden: the access token lacks a required scope","data":{"tool":"get_usage","required":["wks:read"],"missing":["wks:read"]}}}'
	jqb '.[1].result.structuredContent == {"text":"x"}'
}

@test "a session is bound to the subject that created it: others get 404" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"ping"}'
	[ "$STATUS" = 200 ]
	other=$(token_for "$ALL_SCOPES")
	TOKEN=$other spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"ping"}'
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32001 and .error.message == "Session not found"'
	logged "subject other than its owner"
	# Nor can it end the session.
	req DELETE "$URL" -H "Mcp-Session-Id: $SID" -H "Authorization: Bearer $other"
	[ "$STATUS" = 404 ]
	# A new token of the same client (same subject) continues it.
	TOKEN=$($MCPCTL token --client "$CLIENT_ID" | jq -r .access_token) \
	    spost 2025-11-25 '{"jsonrpc":"2.0","id":4,"method":"ping"}'
	[ "$STATUS" = 200 ]
}

@test "403 in a session, before the stream starts" {
	TOKEN=$(token_for "env:read")
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_usage","arguments":{},"_meta":{"progressToken":"p"}}}'
	[ "$STATUS" = 403 ]
	[[ "$(header Content-Type)" == application/json* ]]
	jqb '.id == 3 and .error.data.missing == ["wks:read"]'
}

@test "ES256 with a PEM public key issuer is accepted; ES256 by another key is not" {
	c=$(claims '.iss = "https://pem.test"')
	whoami "Bearer $($JWT sign ES256 "$STATE/tk/ec.pem" '{}' "$c")"
	accepted
	$JWT genkey ec "$BATS_TEST_TMPDIR" other
	whoami "Bearer $($JWT sign ES256 "$BATS_TEST_TMPDIR/other.pem" '{}' "$c")"
	rejected
	logged "bad signature"
}

@test "HS256 with the configured shared secret is accepted; RS256 for that issuer is not" {
	c=$(claims '.iss = "https://hs.test"')
	whoami "Bearer $($JWT sign HS256 "$STATE/tk/hs.secret" '{}' "$c")"
	accepted
	whoami "Bearer $($JWT sign RS256 "$SIGNKEY" '{}' "$c")"
	rejected
	logged "alg not allowed for this issuer"
}

@test "scp as an array of scopes is read too" {
	whoami "Bearer $(sign '' 'del(.scope) | .scp = ["wks:read","env:read"]')"
	accepted
	jqb '.result.structuredContent.scopes == ["wks:read","env:read"]'
}

@test "JWKS file rotation: a new kid is picked up without restart; a removed key stops working" {
	c=$(claims '.iss = "https://jwks.test"')
	old=$($JWT sign RS256 "$STATE/tk/rsa1.pem" '{"kid":"kid-1"}' "$c")
	new=$($JWT sign RS256 "$STATE/tk/rsa2.pem" '{"kid":"kid-2"}' "$c")
	whoami "Bearer $old"
	accepted
	whoami "Bearer $new"
	rejected
	logged "unknown kid"
	# Publish kid-2 next to kid-1; the refresh interval here is 1 s.
	jq -sc '{keys: .}' "$STATE/tk/rsa1.jwk" "$STATE/tk/rsa2.jwk" >"$STATE/tk/jwks.json"
	sleep 1.1
	whoami "Bearer $new"
	accepted
	whoami "Bearer $old"
	accepted
	# Remove kid-1: once each process refreshes (the keys age out after
	# 3 s here) it is refused, also where its verification was cached.
	jq -sc '{keys: .}' "$STATE/tk/rsa2.jwk" >"$STATE/tk/jwks.json"
	sleep 3.2
	for _ in 1 2 3 4; do
		whoami "Bearer $old"
		rejected
	done
	whoami "Bearer $new"
	accepted
}

# A JWKS member of the wrong type (key_ops [null] once crashed the
# responder) leaves its key out with a warning; the responder keeps
# serving, and the other keys of the set work.
@test "JWKS members of the wrong type: the key is left out, nothing crashes" {
	local k=$STATE/tk c tok other
	$JWT genkey rsa "$k" rsa3 kid-3
	c=$(claims '.iss = "https://jwks.test"')
	tok=$($JWT sign RS256 "$k/rsa3.pem" '{"kid":"kid-3"}' "$c")
	other=$($JWT sign RS256 "$k/rsa2.pem" '{"kid":"kid-2"}' "$c")
	for bad in '{"use":5}' '{"key_ops":"verify"}' '{"key_ops":[null]}' '{"kid":7}' '{"alg":["RS256"]}'; do
		jq -sc --argjson bad "$bad" '{keys: [(.[0] + $bad), .[1]]}' \
		    "$k/rsa3.jwk" "$k/rsa2.jwk" >"$k/jwks.json"
		sleep 1.1	# the refresh interval here is 1 s
		whoami "Bearer $tok"
		rejected
		whoami "Bearer $other"
		accepted
	done
	grep -q 'jwks: key kid-3: key_ops holds 1 non-string element, passed over' "$STATE/mcp-fcgi.log"
	grep -q 'jwks: key kid-3: use is not a string, ignored' "$STATE/mcp-fcgi.log"
	grep -q 'jwks: key (key 0): kid is not a string, ignored' "$STATE/mcp-fcgi.log"
	# A non-string element beside "verify": the key is used.
	jq -sc '{keys: [(.[0] + {key_ops: [null, "verify"]}), .[1]]}' \
	    "$k/rsa3.jwk" "$k/rsa2.jwk" >"$k/jwks.json"
	sleep 1.1
	whoami "Bearer $tok"
	accepted
}

@test "built-in key rotation through the JWKS URL: old tokens live until the key is removed" {
	old=$TOKEN
	kid2=$($MCPCTL key rotate | jq -r .kid)
	[ "$kid2" != "$KID" ]
	new=$($MCPCTL token --client "$CLIENT_ID" | jq -r .access_token)
	[ "$(jwt_header "$new" | jq -r .kid)" = "$kid2" ]
	sleep 1.1
	whoami "Bearer $new"
	accepted "$CLIENT_ID"
	whoami "Bearer $old"
	accepted "$CLIENT_ID"
	# The old key is still published (its tokens have not expired).
	req GET "$BASE/oauth/jwks"
	jqb '[.keys[].kid] | sort == (["'"$KID"'","'"$kid2"'"] | sort)'
	$MCPCTL key remove "$KID" | jq -e '.removed == "'"$KID"'"'
	req GET "$BASE/oauth/jwks"
	jqb '[.keys[].kid] == ["'"$kid2"'"]'
	# Every process drops it at its next refresh (jwks_max_age_seconds
	# is 3 in the tests), cached verifications included.
	sleep 3.2
	for _ in 1 2 3 4; do
		whoami "Bearer $old"
		rejected
	done
	logged "unknown kid"
	whoami "Bearer $new"
	accepted "$CLIENT_ID"
}

@test "RFC 9728 metadata: both paths, public, cacheable, CORS for any origin" {
	# A query string does not change which document answers.
	for p in "" /mcp "?x=1" "/mcp?x=1"; do
		req GET "$BASE/.well-known/oauth-protected-resource$p" -H 'Origin: https://evil.example'
		[ "$STATUS" = 200 ]
		[[ "$(header Content-Type)" == application/json* ]]
		[ "$(header Access-Control-Allow-Origin)" = "*" ]
		[ "$(header Cache-Control)" = "public, max-age=3600" ]
		jqb '. == {"resource":"'"$BASE"'/mcp","authorization_servers":["'"$BASE"'"],"scopes_supported":["wks:read","wks:write","env:read","env:write","org:read","org:write"],"bearer_methods_supported":["header"],"resource_documentation":"'"$BASE"'/","resource_name":"mcp-fcgi"}'
	done
}

@test "unknown well-known paths: JSON 404, never HTML" {
	for p in /.well-known/oauth-protected-resource/other /.well-known/openid-configuration/x /.well-known/nothing; do
		req GET "$BASE$p"
		[ "$STATUS" = 404 ]
		[[ "$(header Content-Type)" == application/json* ]]
		jqb '.error.message == "Not Found"'
	done
}

# notfound: a JSON-RPC 404 with a request id, logged under it.
notfound() {
	[ "$STATUS" = 404 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	[[ "$(header Content-Type)" == application/json* ]]
	[[ "$(header X-Request-Id)" =~ ^[0-9a-f]{16}$ ]]
	jqb '. == {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Not Found"}}'
	logged "Not Found -> 404: $1"
}

# lighttpd's fastcgi.server matches /mcp as a prefix: the endpoint itself
# answers only the path of its resource URL, before any other check.
@test "/mcp answers only its own path: /mcpfoo, /mcp/, /mcp/x are JSON 404s" {
	lighttpd_only "the other snippets route /mcp exactly: the web server answers the rest, a JSON 404 too"
	local t
	t=$(token_for "")
	for p in /mcpfoo /mcp/ /mcp/x /mcp/x/y /mcpfoo/x; do
		URL=$BASE$p whoami "Bearer $t"
		notfound "$p"
		req GET "$BASE$p?a=b"
		notfound "$p"
		req OPTIONS "$BASE$p"
		notfound "$p"
	done
	URL=$BASE/mcp whoami "Bearer $t"
	[ "$STATUS" = 200 ] && jqb '.result.structuredContent.issuer == "'"$BASE"'"'
	URL="$BASE/mcp?x=1" whoami "Bearer $t"
	[ "$STATUS" = 200 ] && jqb '.result.structuredContent.issuer == "'"$BASE"'"'
}

@test "the conformance endpoint answers only /conformance/mcp" {
	lighttpd_only "the other snippets route /conformance/mcp exactly: the web server answers the rest, a JSON 404 too"
	for p in /conformance/mcpx /conformance/mcp/ /conformance/mcp/x; do
		req POST "$BASE$p" -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
		    --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
		notfound "$p"
	done
	req POST "$BASE/conformance/mcp?x=1" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list' \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{'"$MODERN_META"'}}'
	[ "$STATUS" = 200 ]
	jqb '.id == 1 and .result != null'
}

@test "the authorization server answers only its own paths" {
	for p in /oauth/tokenx /oauth/token/ /oauth/jwks/ /oauth/jwksx /oauth/ /oauth/x; do
		req POST "$BASE$p" -d grant_type=client_credentials
		[ "$STATUS" = 404 ] || { echo "$p: $STATUS $BODY" >&2; return 1; }
		jqb '.error.message == "Not Found"'
		[[ "$(header X-Request-Id)" =~ ^[0-9a-f]{16}$ ]]
	done
	req GET "$BASE/oauth/jwks?x=1"
	[ "$STATUS" = 200 ]
}

@test "OPTIONS preflight needs no token" {
	req OPTIONS "$BASE/mcp" -H 'Origin: http://localhost:6274' \
	    -H 'Access-Control-Request-Headers: authorization, content-type'
	[ "$STATUS" = 204 ]
	[[ "$(header Access-Control-Allow-Headers)" == *Authorization* ]]
	[ -z "$(header WWW-Authenticate)" ]
}

@test "a bad Origin is refused before authentication, and audited" {
	NOAUTH=1 mpost tools/list '' -H 'Origin: https://evil.example'
	[ "$STATUS" = 403 ]
	[ -z "$(header WWW-Authenticate)" ]
	rid=$(header X-Request-Id)
	jqo '.outcome == "bad_origin" and .status == 403' "$(audit_line "$rid")"
}

@test "audit: every request is a JSON line and a store row; the token never appears" {
	t=$(token_for "env:read")
	TOKEN=$t mpost tools/call '"name":"get_usage","arguments":{}' -H 'Mcp-Name: get_usage'
	rid=$(header X-Request-Id)
	line=$(audit_line "$rid")
	jqo '.method == "tools/call" and .tool == "get_usage" and .scopes == "wks:read" and .outcome == "insufficient_scope" and .status == 403 and .iss == "'"$BASE"'" and (.latency_us | type) == "number" and (.ts_ms | type) == "number"' "$line"
	# Store rows are written in batches, within 0.2 s.
	for _ in $(seq 20); do
		row=$(store_sql "SELECT outcome || ' ' || status || ' ' || tool FROM audit WHERE rid = '$rid'")
		[ -n "$row" ] && break
		sleep 0.1
	done
	[ "$row" = "insufficient_scope 403 get_usage" ]
	for f in "$STATE/audit.log" "$STATE/mcp-fcgi.log" "$STATE/lighttpd-access.log" "$STATE/lighttpd-error.log"; do
		! grep -qF "${t##*.}" "$f" || false
		! grep -qF "$TOKEN" "$f" || false
	done
	store_lacks "${t##*.}"
	# The trail is the owner's alone, whatever the umask (bats: 022).
	[ "$(stat -c %a "$STATE/audit.log")" = 600 ]
	# (SQLite's file; a PostgreSQL store's rows are the database's.)
	[ "$STORE" = pg ] || [ "$(stat -c %a "$STATE/mcp.db")" = 600 ]
	# Who called what, how often, what failed: one query.
	run $MCPCTL audit --since 3600
	[ "$status" = 0 ]
	jqo 'map(select(.tool == "get_usage" and .outcome == "insufficient_scope")) | length >= 1'
}

@test "get_usage reports the workspace's calls and failures per tool" {
	t=$(token_for "wks:read" wks_usage)
	TOKEN=$t mpost tools/call '"name":"echo","arguments":{"text":"a"}' -H 'Mcp-Name: echo'
	TOKEN=$t mpost tools/call '"name":"echo","arguments":{"text":5}' -H 'Mcp-Name: echo'
	sleep 0.5	# the audit rows reach the store in batches
	TOKEN=$t mpost tools/call '"name":"get_usage","arguments":{"hours":1}' -H 'Mcp-Name: get_usage'
	[ "$STATUS" = 200 ]
	jqb '(.result.structuredContent.tools[] | select(.tool == "echo")) as $e | $e.calls == 2 and $e.failures == 1'
	# Another workspace sees none of it.
	TOKEN=$(token_for "wks:read" wks_other) mpost tools/call '"name":"get_usage","arguments":{}' -H 'Mcp-Name: get_usage'
	jqb '.result.structuredContent.tools == []'
}
