#!/usr/bin/env bats
# signin = web_server: lighttpd's own mod_auth (basic, a user file)
# guards /oauth/authorize and passes REMOTE_USER; no page of ours asks
# for a password.  The person must be a user made with mcpctl user add
# --external; anyone else the web server lets in gets our 403 page.

load helper
load flow

server_prestart() {
	printf 'gina:gina-web-password\nhal:hal-web-password\n' >"$STATE/users.plain"
	cat >>"$STATE/lighttpd.conf" <<-CONF
	server.modules += ( "mod_auth", "mod_authn_file" )
	auth.backend = "plain"
	auth.backend.plain.userfile = "$STATE/users.plain"
	auth.require = ( "/oauth/authorize" => ( "method" => "basic",
	    "realm" => "mcp-fcgi", "require" => "valid-user" ) )
	CONF
}

setup_file() {
	# Behind another server every test skips (setup below).
	[ "$SERVER" = lighttpd ] || return 0
	CONF_SET="signin=web_server" start_server
	$MCPCTL user add --name gina --workspace wks_bats --scopes "wks:read" --external >/dev/null
	CB=http://127.0.0.1:9/cb
	export CB
}
teardown_file() { [ -z "${STATE:-}" ] || stop_server; }
setup() {
	lighttpd_only "the test configures lighttpd's mod_auth"
	URL=$BASE/mcp
}

@test "the web server's user goes straight to consent; the code's tokens name them" {
	register
	pkce
	rm -f "$STATE/jar"
	SCOPE=wks:read authorize -u gina:gina-web-password
	[ "$STATUS" = 200 ]
	grep -q 'Allow access?' "$STATE/b"
	grep -q 'Signed in as <strong>gina</strong>' "$STATE/b"
	! grep -q 'name="password"' "$STATE/b" || false
	SCOPE=wks:read form consent -d decision=allow -d g0=wks:read -u gina:gina-web-password
	[ "$STATUS" = 302 ]
	CODE=$(location_param code)
	redeem
	[ "$STATUS" = 200 ]
	whoami_as "$AT"
	uid=$($MCPCTL user list | jq -r '.[] | select(.name == "gina") | .id')
	jqb --arg u "$uid" '.result.structuredContent | .subject == $u and .workspace == "wks_bats" and .scopes == ["wks:read"]'
	run $MCPCTL user list
	jqo 'map(select(.name == "gina")) | .[0].external == true'
}

@test "no credentials: the web server's 401, our endpoint never reached" {
	register
	pkce
	authorize
	[ "$STATUS" = 401 ]
	[[ "$(header WWW-Authenticate)" == "Basic realm=\"mcp-fcgi\""* ]]
}

@test "a web server user who is not one of ours, or disabled: our 403 page" {
	register
	pkce
	authorize -u hal:hal-web-password
	[ "$STATUS" = 403 ]
	grep -q 'Your account has no access to this server' "$STATE/b"
	$MCPCTL user add --name ivy --workspace wks_bats --external >/dev/null
	printf 'ivy:ivy-web-password\n' >>"$STATE/users.plain"
	authorize -u ivy:ivy-web-password
	[ "$STATUS" = 200 ]
	$MCPCTL user disable ivy >/dev/null
	authorize -u ivy:ivy-web-password
	[ "$STATUS" = 403 ]
}

@test "our sign-in form is refused, and a user without a password has none to guess" {
	register
	pkce
	rm -f "$STATE/jar"
	authorize -u gina:gina-web-password
	form signin -d username=gina -d password=anything -u gina:gina-web-password
	[ "$STATUS" = 400 ]
	grep -q 'Sign-in is done by the web server here.' "$STATE/b"
	run sh -c "printf 'a-long-password-1\n' | $MCPCTL user passwd gina"
	[ "$status" = 1 ]
}
