#!/bin/sh
# spawn.sh STATE BUILD CHILDREN FIXTURES [USER]: starts the responders for
# a web server that starts none of its own (nginx, Apache mod_proxy_fcgi),
# as spawn-fcgi does on a host without systemd (etc/systemd/ has the
# units for one with it).  Each endpoint gets CHILDREN processes sharing
# one Unix socket, STATE/run/NAME.sock, and their pids in
# STATE/run/NAME.pid; the responders log to STATE/mcp-fcgi.log.  With USER
# (run as root) the sockets are that user's, the web server's, mode 0600,
# and the responders keep running as the user starting this script.
# Stop them with: for f in STATE/run/*.pid; do kill $(cat "$f"); done
set -eu
state=$1 build=$2 children=$3 fixtures=$4 user=${5:-}
owner=
[ -n "$user" ] && owner="-U $user"
spawn() { # spawn NAME BINARY CONFIG
	# spawn-fcgi gives its children /dev/null for stderr, where the
	# responders log: a shell in between sends it to the log instead.
	# shellcheck disable=SC2086
	MCP_FCGI_CONFIG=$3 MCP_LOG=$state/mcp-fcgi.log spawn-fcgi \
	    -s "$state/run/$1.sock" -M 0600 $owner -F "$children" \
	    -P "$state/run/$1.pid" -- /bin/sh -c 'exec "$0" 2>>"$MCP_LOG"' \
	    "$2" >/dev/null
}
rm -f "$state"/run/*.sock
spawn mcp "$build/mcp.fcgi" "$state/mcp-fcgi.conf"
spawn oauth "$build/oauth.fcgi" "$state/mcp-fcgi.conf"
if [ "$fixtures" = 1 ]; then
	spawn conformance "$build/conformance.fcgi" "$state/mcp-fcgi-open.conf"
fi
