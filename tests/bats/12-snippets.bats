#!/usr/bin/env bats
# Every deployment's configuration, rendered as `make run` and the tests
# render it, passes its own web server's check (lighttpd -tt, nginx -t,
# apachectl -t), keeps no placeholder, and keeps each line marked KEEP
# (what each protects is proven by the smoke suite behind that server).

load helper

# render SERVER: the configurations of SERVER into $T.
render() {
	T=$(mktemp -d /tmp/mcpfcgi-snip.XXXXXX)
	MCP_SERVER=$1 sh "$ROOT/etc/mkconf.sh" "$T" 8999 "$BUILD" 2 1 >/dev/null
}

teardown() { [ -n "${T:-}" ] && rm -rf "$T"; }

@test "lighttpd: lighttpd -tt accepts it; the streaming and body lines are there" {
	render lighttpd
	run lighttpd -tt -f "$T/lighttpd.conf"
	echo "$output"
	[ "$status" = 0 ]
	! grep -q '@[A-Z_]*@' "$T/lighttpd.conf" || false
	grep -q '^server.stream-response-body = 2$' "$T/lighttpd.conf"
	grep -q '^server.stream-request-body = 0$' "$T/lighttpd.conf"
}

@test "nginx: nginx -t accepts it; buffering off and a read timeout above the keep-alive" {
	render nginx
	run nginx -t -c "$T/nginx.conf"
	echo "$output"
	[ "$status" = 0 ]
	! grep -q '@[A-Z_]*@' "$T"/nginx*.conf || false
	for f in "$T"/nginx-fastcgi-*.conf; do
		grep -q '^fastcgi_buffering off;$' "$f"
		grep -q '^fastcgi_read_timeout 60s;$' "$f"
	done
	grep -q 'location ^~ /.well-known/oauth-protected-resource' "$T/nginx-mcp-fcgi.conf"
}

@test "Apache mod_proxy_fcgi: apache2 -t accepts it; CGIPassAuth, flushpackets and a timeout" {
	render apache-proxy-fcgi
	run apache2 -t -f "$T/apache.conf"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"Syntax OK"* ]]
	! grep -q '@[A-Z_]*@' "$T"/apache*.conf || false
	grep -q 'CGIPassAuth On' "$T/apache-mcp-fcgi.conf"
	[ "$(grep -c 'ProxyPass.*mcp.sock.*flushpackets=on timeout=60' "$T/apache-mcp-fcgi.conf")" = 2 ]
}

@test "the fixture endpoint is in the test rendering only" {
	render nginx
	grep -q '/conformance/mcp' "$T/nginx-mcp-fcgi.conf"
	T2=$(mktemp -d /tmp/mcpfcgi-snip.XXXXXX)
	MCP_SERVER=apache-proxy-fcgi sh "$ROOT/etc/mkconf.sh" "$T2" 8999 "$BUILD" 2 0 >/dev/null
	grep -q 'ProxyPass "/mcp"' "$T2/apache-mcp-fcgi.conf"
	! grep -q 'ProxyPass "/conformance' "$T2/apache-mcp-fcgi.conf" || false
	rm -rf "$T2"
}

@test "plain CGI under lighttpd: lighttpd -tt accepts it; each path runs its program with its configuration" {
	render lighttpd-cgi
	run lighttpd -tt -f "$T/lighttpd.conf"
	echo "$output"
	[ "$status" = 0 ]
	! grep -q '@[A-Z_]*@' "$T/lighttpd.conf" || false
	grep -q 'cgi.assign = ( "" => "" )' "$T/lighttpd.conf"
	grep -q '"MCP_FCGI_CONFIG" => "'"$T"'/mcp-fcgi.conf"' "$T/lighttpd.conf"
	grep -q '^server.stream-response-body = 2$' "$T/lighttpd.conf"
}

@test "Apache mod_fcgid: apache2 -t accepts it; Authorization passed, no output buffer, timeouts above a stream's life" {
	render apache-fcgid
	run apache2 -t -f "$T/apache.conf"
	echo "$output"
	[ "$status" = 0 ]
	! grep -q '@[A-Z_]*@' "$T"/apache*.conf || false
	grep -q '^FcgidPassHeader Authorization$' "$T/apache-mcp-fcgi.conf"
	grep -q '^FcgidOutputBufferSize 0$' "$T/apache-mcp-fcgi.conf"
	grep -q '^FcgidIOTimeout 3700$' "$T/apache-mcp-fcgi.conf"
	grep -q '^FcgidBusyTimeout 3700$' "$T/apache-mcp-fcgi.conf"
}

@test "plain CGI under Apache: apache2 -t accepts it; CGIPassAuth and the configuration's path" {
	render apache-cgi
	run apache2 -t -f "$T/apache.conf"
	echo "$output"
	[ "$status" = 0 ]
	! grep -q '@[A-Z_]*@' "$T"/apache*.conf || false
	grep -q 'CGIPassAuth On' "$T/apache-mcp-fcgi.conf"
	grep -q 'SetEnv MCP_FCGI_CONFIG "'"$T"'/mcp-fcgi.conf"' "$T/apache-mcp-fcgi.conf"
}

@test "systemd: the socket and service units pass systemd-analyze verify; the socket is the service's standard input" {
	T=$(mktemp -d /tmp/mcpfcgi-snip.XXXXXX)
	for u in socket service; do
		sed -e "s|@LIBEXECDIR@|$ROOT/$BUILD|g" -e "s|@SYSCONFDIR@|/etc|g" \
		    "$ROOT/etc/systemd/mcp-fcgi@.$u.in" >"$T/mcp-fcgi@mcp.$u"
	done
	run env SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
	    "$T/mcp-fcgi@mcp.socket" "$T/mcp-fcgi@mcp.service"
	echo "$output"
	[ "$status" = 0 ]
	[ -z "$output" ]
	grep -q '^StandardInput=socket$' "$T/mcp-fcgi@mcp.service"
	grep -q '^StandardOutput=journal$' "$T/mcp-fcgi@mcp.service"
	grep -q '^Accept=no$' "$T/mcp-fcgi@mcp.socket"
}
