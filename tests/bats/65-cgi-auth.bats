#!/usr/bin/env bats
# Auth in the CGI lane (one process per request, nothing survives in
# memory): a JWKS fetched over HTTP is cached on disk and reused by the
# next process; hide_unauthorized_tools; and every auth configuration
# mistake stops the process at start with the file, line and key.

load helper

# The store: $T/mcp.db, or on PostgreSQL a database of the test's own.
# The JWKS disk cache is kept beside an SQLite store, else in var/ beside
# the configuration (JCACHE).
setup() {
	T=$(mktemp -d /tmp/mcpfcgi-cgiauth.XXXXXX)
	store_for "$T"
	JCACHE=$T
	[ "$STORE" = pg ] && JCACHE=$T/var && mkdir "$JCACHE"
	BIN=$ROOT/$BUILD/mcp.fcgi
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	$JWT genkey rsa "$T" rsa kid-a
	jq -c '{keys: [.]}' "$T/rsa.jwk" >"$T/jwks.json"
}
teardown() {
	[ -n "${HTTPD:-}" ] && kill "$HTTPD" 2>/dev/null
	store_drop
	rm -rf "$T"
}

# conf ISSUER_SOURCE_LINE [EXTRA]: an auth configuration in $T/a.conf.
conf() {
	cat >"$T/a.conf" <<-EOF
	store_path = $STORE_PATH
	resource = https://mcp.example/mcp
	${2:-}
	[issuer]
	issuer = https://as.example
	algorithms = RS256
	$1
	EOF
}

token() {
	$JWT sign RS256 "$T/rsa.pem" '{"kid":"kid-a"}' "$(jq -cn --argjson now "$(date +%s)" \
	    '{iss: "https://as.example", sub: "s1", aud: "https://mcp.example/mcp",
	      iat: $now, exp: ($now + 300), scope: "'"${1:-}"'"}')"
}

# cgi BODY TOKEN: one request to mcp.fcgi as CGI (2026-07-28 envelope);
# $METHOD is its Mcp-Method (default tools/list).
cgi() {
	local body=$1
	printf '%s' "$body" | env -i PATH="$PATH" ASAN_OPTIONS="$ASAN_OPTIONS" \
	    UBSAN_OPTIONS="$UBSAN_OPTIONS" MCP_FCGI_CONFIG="$T/a.conf" \
	    REQUEST_METHOD=POST REQUEST_URI=/mcp CONTENT_TYPE=application/json \
	    HTTP_ACCEPT="$ACCEPT" CONTENT_LENGTH=${#body} \
	    HTTP_AUTHORIZATION="Bearer $2" HTTP_MCP_PROTOCOL_VERSION=2026-07-28 \
	    HTTP_MCP_METHOD=${METHOD:-tools/list} "$BIN" >"$T/out" 2>"$T/err"
	CGI_STATUS=$(sed -n '1s/^Status: \([0-9]*\).*/\1/p' "$T/out")
	BODY=$(sed '1,/^\r$/d' "$T/out")
}

LIST='{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'

@test "CGI: a JWKS fetched over HTTP is cached on disk for the next process" {
	mkdir "$T/www"
	cp "$T/jwks.json" "$T/www/jwks.json"
	port=$(free_port)
	python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T/www" \
	    >"$T/httpd.log" 2>&1 &
	HTTPD=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
	# jwks_refresh_seconds long enough for the next three processes,
	# slow under the sanitizers, to start within it.
	conf "jwks_url = http://127.0.0.1:$port/jwks.json" "jwks_refresh_seconds = 6"
	cgi "$LIST" "$(token)"
	[ "$CGI_STATUS" = 200 ]
	fetched=$(date +%s.%N)
	jqb '(.result.tools | length) == 18'
	[ "$(grep -c 'GET /jwks.json' "$T/httpd.log")" = 1 ]
	ls "$JCACHE"/jwks-*.json
	# The key server goes away; the next process uses the disk copy.
	kill "$HTTPD"
	wait "$HTTPD" 2>/dev/null || true
	HTTPD=
	cgi "$LIST" "$(token)"
	[ "$CGI_STATUS" = 200 ]
	# A token with another kid: within jwks_refresh_seconds of the last
	# fetch the disk copy answers (no fetch, 401); after it, a fetch is
	# tried, fails, and is logged.
	t=$($JWT sign RS256 "$T/rsa.pem" '{"kid":"kid-b"}' "$(jq -cn --argjson now "$(date +%s)" \
	    '{iss: "https://as.example", sub: "s1", aud: "https://mcp.example/mcp", iat: $now, exp: ($now + 300)}')")
	cgi "$LIST" "$t"
	[ "$CGI_STATUS" = 401 ]
	# Still within the refresh interval, else this proves nothing.
	python3 -c "import sys, time; sys.exit(time.time() - $fetched >= 6)"
	! grep -q "jwks_url" "$T/err" || false
	sleep "$(python3 -c "import time; print(max(0.1, $fetched + 6.2 - time.time()))")"
	cgi "$LIST" "$t"
	[ "$CGI_STATUS" = 401 ]
	grep -q "jwks_url http://127.0.0.1:$port/jwks.json: " "$T/err"
}

@test "CGI: a JWKS over jwks_max_bytes is refused while downloading" {
	mkdir "$T/www"
	python3 -c 'import json, sys
k = json.load(open(sys.argv[1]))
print(json.dumps({"keys": [k] * 40}))' "$T/rsa.jwk" >"$T/www/jwks.json"
	[ "$(stat -c %s "$T/www/jwks.json")" -gt 4096 ]
	port=$(free_port)
	python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T/www" \
	    >"$T/httpd.log" 2>&1 &
	HTTPD=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
	conf "jwks_url = http://127.0.0.1:$port/jwks.json" "jwks_max_bytes = 4096"
	cgi "$LIST" "$(token)"
	[ "$CGI_STATUS" = 503 ]
	grep -q "document larger than 4096 bytes" "$T/err"
	! ls "$JCACHE"/jwks-*.json 2>/dev/null || false
}

@test "CGI: keys unavailable (no JWKS at all) is 503, not 401" {
	conf "jwks_url = http://127.0.0.1:1/jwks.json" "jwks_timeout_seconds = 1"
	cgi "$LIST" "$(token)"
	[ "$CGI_STATUS" = 503 ]
	grep -q '^Retry-After: 5' "$T/out"
	jqb '.error.message == "Temporarily unavailable, retry the request"'
}

@test "CGI: hide_unauthorized_tools lists only what the token may call" {
	conf "jwks_file = $T/jwks.json" "hide_unauthorized_tools = yes"
	cgi "$LIST" "$(token)"
	[ "$CGI_STATUS" = 200 ]
	jqb '[.result.tools[].name] == ["echo","whoami"]'
	cgi "$LIST" "$(token "wks:read env:read")"
	jqb '[.result.tools[].name] == ["echo","whoami","get_usage","get_workspace","list_environments","get_environment"]'
	jqb '.result.cacheScope == "private"'
	cgi "$LIST" "$(token wks:read)"
	jqb '[.result.tools[].name] == ["echo","whoami","get_usage","get_workspace"]'
}

@test "CGI: hide_unauthorized_tools hides resources and templates alike" {
	conf "jwks_file = $T/jwks.json" "hide_unauthorized_tools = yes"
	r='{"jsonrpc":"2.0","id":1,"method":"resources/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
	t=${r/resources\/list/resources\/templates\/list}
	METHOD=resources/list cgi "$r" "$(token "env:read")"
	[ "$CGI_STATUS" = 200 ]
	jqb '[.result.resources[].uri] == ["mcp-fcgi://environments"]'
	METHOD=resources/templates/list cgi "$t" "$(token "env:read")"
	jqb '[.result.resourceTemplates[].uriTemplate] == ["mcp-fcgi://environments/{environment_id}"]'
	METHOD=resources/templates/list cgi "$t" "$(token "org:read")"
	jqb '[.result.resourceTemplates[].name] == ["organization","org-template"]'
	METHOD=resources/list cgi "$r" "$(token)"
	jqb '.result.resources == [] and .result.cacheScope == "private"'
	# Without the switch all are listed.
	conf "jwks_file = $T/jwks.json"
	METHOD=resources/list cgi "$r" "$(token)"
	jqb '[.result.resources[].name] == ["workspace","environments","org-templates"]'
}

@test "CGI: without the switch every tool is listed, scopes in _meta" {
	conf "jwks_file = $T/jwks.json"
	cgi "$LIST" "$(token)"
	jqb '[.result.tools[].name] == ["echo","whoami","get_usage","get_workspace","update_workspace","list_environments","get_environment","create_environment","update_environment","delete_environment","list_organizations","get_organization","create_organization","import_organizations","update_organization","delete_organization","list_org_templates","create_org_template"] and .result.tools[2]._meta["mcp-fcgi/scopes"] == ["wks:read"]'
}

# wellknown RESOURCE URL PATH: with resource = RESOURCE, a request without a
# token is told URL as its resource_metadata, and a GET of PATH (URL's path
# and query, as a web server passes them) answers the metadata for RESOURCE.
# The POST goes to the resource's own path (the only one it answers).
wellknown() {
	local own
	own=$(sed -E 's|^https?://[^/?]*||; s|\?.*||' <<<"$1")
	cat >"$T/w.conf" <<-EOF
	store_path = $STORE_PATH
	resource = $1
	[issuer]
	issuer = https://as.example
	algorithms = RS256
	jwks_file = $T/jwks.json
	EOF
	env -i PATH="$PATH" MCP_FCGI_CONFIG="$T/w.conf" REQUEST_METHOD=POST \
	    REQUEST_URI="${own:-/}" CONTENT_TYPE=application/json HTTP_ACCEPT="$ACCEPT" \
	    CONTENT_LENGTH=${#LIST} HTTP_MCP_PROTOCOL_VERSION=2026-07-28 \
	    HTTP_MCP_METHOD=tools/list "$BIN" <<<"$LIST" >"$T/out" 2>"$T/err"
	grep -q '^Status: 401' "$T/out"
	grep -qF "WWW-Authenticate: Bearer resource_metadata=\"$2\"" "$T/out"
	env -i PATH="$PATH" MCP_FCGI_CONFIG="$T/w.conf" REQUEST_METHOD=GET \
	    REQUEST_URI="$3" "$BIN" </dev/null >"$T/out" 2>"$T/err"
	grep -q '^Status: 200' "$T/out"
	BODY=$(sed '1,/^\r$/d' "$T/out")
	jqb --arg r "$1" '.resource == $r'
}

@test "CGI: the metadata URL of each form of resource (RFC 9728 3.1)" {
	W=/.well-known/oauth-protected-resource
	wellknown https://m.example/mcp "https://m.example$W/mcp" "$W/mcp"
	wellknown https://m.example:8443/a/b "https://m.example:8443$W/a/b" "$W/a/b"
	wellknown https://m.example "https://m.example$W" "$W"
	wellknown https://m.example/ "https://m.example$W" "$W"
	# A query stays after the path; a slash right after the host goes.
	wellknown 'https://m.example/mcp?t=a' "https://m.example$W/mcp?t=a" "$W/mcp?t=a"
	wellknown 'https://m.example?t=a' "https://m.example$W?t=a" "$W?t=a"
	wellknown 'https://m.example/?t=a' "https://m.example$W?t=a" "$W?t=a"
	# Another resource's path is not ours.
	env -i PATH="$PATH" MCP_FCGI_CONFIG="$T/w.conf" REQUEST_METHOD=GET \
	    REQUEST_URI="$W/other" "$BIN" </dev/null >"$T/out" 2>"$T/err"
	grep -q '^Status: 404' "$T/out"
}

@test "config: auth = bearer without resource" {
	printf 'store_path = %s/x.db\n' "$T" >"$T/b.conf"
	refused b.conf "b.conf: auth = bearer needs resource"
}

@test "config: no configuration file at all refuses to serve" {
	run env -i "$BIN" -t
	[ "$status" = 1 ]
	[[ "$output" == *"no configuration file"*"auth = bearer needs resource"* ]]
}

@test "config: auth = bearer without an issuer" {
	printf 'store_path = %s/x.db\nresource = https://m.example/mcp\n' "$T" >"$T/b.conf"
	refused b.conf "needs at least one [issuer] section"
}

@test "config: an issuer needs exactly one key source" {
	conf "" ""
	refused a.conf "[issuer] at line 4: give exactly one of jwks_url, jwks_file, public_key_file, hs256_secret_file"
	conf "jwks_file = $T/jwks.json
	public_key_file = $T/rsa.pub.pem"
	refused a.conf "give exactly one of"
}

@test "config: HS256 only with a shared secret" {
	conf "jwks_file = $T/jwks.json
	algorithms = RS256 HS256"
	refused a.conf "HS256 needs hs256_secret_file"
}

@test "config: a short HS256 secret is refused" {
	printf 'short\n' >"$T/s"
	conf "hs256_secret_file = $T/s
	algorithms = HS256"
	refused a.conf "an HS256 secret must be at least 32 bytes"
}

@test "config: plain-http JWKS only on loopback" {
	conf "jwks_url = http://keys.example/jwks.json"
	refused a.conf "a.conf:7: jwks_url: must be an https URL (http only for localhost, 127.0.0.1, [::1])"
}

@test "config: plain-http JWKS whose userinfo looks like loopback is refused" {
	conf "jwks_url = http://127.0.0.1:80@keys.example/jwks.json"
	refused a.conf "a.conf:7: jwks_url: must be an absolute https URL with a host, no userinfo and no fragment"
	conf "jwks_url = http://localhost:8x/jwks.json"
	refused a.conf "a.conf:7: jwks_url: must be an https URL (http only for localhost, 127.0.0.1, [::1])"
	conf "jwks_url = http://localhost.keys.example/jwks.json"
	refused a.conf "a.conf:7: jwks_url: must be an https URL (http only for localhost, 127.0.0.1, [::1])"
}

@test "config: URLs with userinfo are refused (RFC 9110 4.2.4)" {
	conf "jwks_url = https://user:pw@as.example/jwks.json"
	refused a.conf "a.conf:7: jwks_url: must be an absolute https URL with a host, no userinfo and no fragment"
	conf "jwks_file = $T/jwks.json" "authorization_servers = https://as.example https://x@as.example"
	refused a.conf 'a.conf:3: authorization_servers: "https://x@as.example" is not an absolute http(s) URL with a host, no userinfo and no fragment'
}

# confline KEY = VALUE: b.conf with one top-level line after a valid base.
confline() {
	printf 'store_path = %s/x.db\n%s\n' "$T" "$1" >"$T/b.conf"
}

@test "config: resource, resource_documentation, builtin_issuer must be absolute http(s) URLs" {
	for v in "resource = https://u@m.example/mcp" "resource = m.example/mcp" \
	    "resource_documentation = ftp://m.example/doc" "builtin_issuer = https://:8443/"; do
		confline "$v"
		refused b.conf "b.conf:2: ${v%% *}: must be an absolute http(s) URL"
	done
}

@test "config: empty and out-of-range values, each named with its line" {
	for v in "auth = maybe:must be bearer or none" \
	    "workspace_claim = :must not be empty" \
	    "hide_unauthorized_tools = sometimes:must be yes or no" \
	    "refresh_token_reuse_seconds = 61:must be an integer from 0 to 60"; do
		confline "${v%%:*}"
		refused b.conf "b.conf:2: ${v%% *}: ${v#*:}"
	done
	printf 'store_path =\n' >"$T/b.conf"
	refused b.conf "b.conf:1: store_path: must not be empty"
	printf 'store_path = /%s\n' "$(head -c 5000 /dev/zero | tr '\0' a | head -c 3000)" >"$T/b.conf"
	refused b.conf "b.conf:1: store_path: path too long"
	printf 'resource = https://m.example/%s\n' "$(head -c 5000 /dev/zero | tr '\0' a)" >"$T/b.conf"
	refused b.conf "b.conf:1: line too long"
	conf "jwks_file = $T/jwks.json
	audience ="
	refused a.conf "a.conf:8: audience: must not be empty"
	conf "jwks_file = $T/jwks.json
	algorithms = ,"
	refused a.conf "a.conf:8: algorithms: name at least one algorithm"
}

@test "config: an issuer must be an http(s) URL" {
	printf 'store_path = %s/x.db\nresource = https://m.example/mcp\n[issuer]\nissuer = as.example\n' "$T" >"$T/b.conf"
	refused b.conf "b.conf:4: issuer: must be the issuer's exact http(s) URL"
}

@test "config: at most 4 authorization_servers, 4 scope_claims, 8 issuers" {
	confline "authorization_servers = https://a.example https://b.example https://c.example https://d.example https://e.example"
	refused b.conf "b.conf:2: authorization_servers: at most 4 URLs"
	confline "scope_claims = a b c d e"
	refused b.conf "b.conf:2: scope_claims: at most 4 claims"
	printf 'store_path = %s/x.db\nresource = https://m.example/mcp\n' "$T" >"$T/b.conf"
	for i in 1 2 3 4 5 6 7 8 9; do
		printf '[issuer]\nissuer = https://as%s.example\njwks_file = %s/jwks.json\n' "$i" "$T" >>"$T/b.conf"
	done
	refused b.conf "b.conf:27: at most 8 [issuer] sections"
}

@test "config: unknown algorithm, unknown key in [issuer], unknown section" {
	conf "jwks_file = $T/jwks.json
	algorithms = RS256 none"
	refused a.conf 'algorithms: "none" is not one of'
	conf "jwks_file = $T/jwks.json
	colour = red"
	refused a.conf "a.conf:8: colour: unknown key in an [issuer] section"
	printf 'auth = none\n[tenant]\n' >"$T/b.conf"
	refused b.conf "b.conf:2: unknown section [tenant] (only [issuer])"
}

@test "config: an unreadable or wrong public key stops the start" {
	conf "public_key_file = $T/missing.pem"
	refused a.conf "issuer https://as.example: $T/missing.pem: No such file or directory"
	$JWT genkey rsa1024 "$T" small
	conf "public_key_file = $T/small.pub.pem"
	refused a.conf "RSA key of 1024 bits (at least 2048 required)"
}
