#!/bin/sh
# run.sh PORT FIXTURES BUILD: `make run`.  Renders the configuration into
# var/, creates the store, the signing key and a development client on
# first run, and runs lighttpd in the foreground on 127.0.0.1:PORT.
# $MCP_RUN_STATE (make run STATE=dir) replaces var/: each running server
# needs its own, and a second one on the same state is refused.
# $MCP_STORE_PATH, a postgresql:// URL, replaces the SQLite store in the
# state (etc/mkconf.sh); its password in a libpq password file.
set -eu
port=$1 fixtures=$2 build=$3
root=$(cd "$(dirname "$0")/.." && pwd)
state=${MCP_RUN_STATE:-$root/var}
mkdir -p "$state"
# One server per state: this shell holds the lock for as long as lighttpd
# runs, and lighttpd and the responders do not inherit it (a responder
# still stopping would otherwise hold the state after lighttpd has gone).
exec 9>>"$state/run.lock"
if ! flock -n 9; then
	echo "make run: $state is in use by another running server" \
	    "($(cat "$state/run.port" 2>/dev/null || echo '?'))." >&2
	echo "Stop it, or give this one its own state:" \
	    "make run PORT=$port STATE=$state-$port" >&2
	exit 1
fi
echo "port $port, pid $$" >"$state/run.port"
# The state holds every tenant's data, session ids, the audit trail and
# the logs: nothing in it is for other local users.  What is created from
# here on (lighttpd's logs too) is private, and an older var/ made with
# wider modes is put right: the directory and its subdirectories 0700,
# the files in it 0600.
umask 077
if [ -d "$state" ]; then
	chmod 700 "$state"
	find "$state" -mindepth 1 -maxdepth 1 -type d -exec chmod 700 {} +
	find "$state" -mindepth 1 -maxdepth 1 -type f -exec chmod 600 {} +
fi
# A first run: no store in the state yet (on PostgreSQL, whose database
# is not in the state: no development client yet).
first=0
if [ -n "${MCP_STORE_PATH:-}" ]; then
	[ -s "$state/dev-client.json" ] || first=1
else
	[ -f "$state/mcp.db" ] || first=1
fi
sh "$root/etc/mkconf.sh" "$state" "$port" "$build" 2 "$fixtures"
"$root/$build/mcp.fcgi" -t -f "$state/mcp-fcgi.conf" >/dev/null
if [ $first = 1 ] && [ -n "${MCP_STORE_PATH:-}" ]; then
	echo "Using the store $MCP_STORE_PATH (its tables and a signing key" \
	    "made if it had none); the rest of the state under $state"
elif [ $first = 1 ]; then
	echo "Created the store and a signing key under $state"
fi
ctl="$root/$build/mcpctl -f $state/mcp-fcgi.conf"
# A development workspace, and a client of it holding every scope; its
# secret is kept (mode 0600) so that later runs can print it.  Production
# clients: mcpctl workspace add, mcpctl client add.
dev=$state/dev-client.json
if [ ! -s "$dev" ]; then
	ws=$($ctl workspace add --name Development |
	    sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
	$ctl client add --name dev --workspace "$ws" \
	    --scopes "wks:read wks:write env:read env:write org:read org:write" >"$dev"
fi
# A development person who signs in on the authorization server's pages
# (for clients that use the browser flow); the password is made once and
# kept beside the client (mode 0600).
devuser=$state/dev-user.txt
if [ ! -s "$devuser" ]; then
	ws=$(sed -n 's/.*"workspace":"\([^"]*\)".*/\1/p' "$dev")
	pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
	if printf '%s\n' "$pw" | $ctl user add --name dev --workspace "$ws" \
	    >/dev/null; then
		printf 'dev %s\n' "$pw" >"$devuser"
	fi
fi
devpw=$(cut -d' ' -f2 "$devuser" 2>/dev/null) ||
    devpw="(not kept: set one with mcpctl user passwd dev)"
id=$(sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p' "$dev")
secret=$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' "$dev")
base=http://127.0.0.1:$port
cat <<MSG

mcp-fcgi is starting on $base (lighttpd, 2 FastCGI processes).

  MCP endpoint (Streamable HTTP):   $base/mcp   (bearer token required)
  Protected resource metadata:      $base/.well-known/oauth-protected-resource/mcp
  Authorization server metadata:    $base/.well-known/oauth-authorization-server
  Authorization endpoint (browser sign-in): $base/oauth/authorize
  Token endpoint:                   $base/oauth/token
MSG
[ "$fixtures" = 1 ] && echo "  Conformance fixtures (no auth):   $base/conformance/mcp"
cat <<MSG

Development client ($dev):
  client_id      $id
  client_secret  $secret

Development person (signs in when a client opens the browser):
  user name      dev
  password       $devpw

Clients that sign in by themselves (they register, open the browser,
and ask for consent):
  npx @modelcontextprotocol/inspector     (Transport: Streamable HTTP, URL $base/mcp)
  npx mcp-remote $base/mcp

Get a token as the development client (valid 10 minutes), then call a tool:
  TOKEN=\$(curl -s -u '$id:$secret' -d grant_type=client_credentials \\
    $base/oauth/token | jq -r .access_token)
  curl -s $base/mcp -H "Authorization: Bearer \$TOKEN" \\
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: whoami' \\
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'

MCP Inspector (--cli) and mcp-remote, with the token:
  npx @modelcontextprotocol/inspector@2 --cli $base/mcp --transport http \\
    --header "Authorization: Bearer \$TOKEN" --method tools/list
  npx mcp-remote $base/mcp --header "Authorization: Bearer \$TOKEN"

Admin: $build/mcpctl -f $state/mcp-fcgi.conf client add|list|revoke, user add|list|disable,
       grant list|revoke, key rotate, token, audit
Logs: $state/mcp-fcgi.log (responders), $state/audit.log, $state/lighttpd-error.log
Stop: Ctrl-C
MSG
/usr/sbin/lighttpd -D -f "$state/lighttpd.conf" 9>&- &
lpid=$!
trap 'kill -TERM $lpid 2>/dev/null' INT TERM HUP
# wait returns early when a signal is trapped: until lighttpd has gone.
st=0
while kill -0 "$lpid" 2>/dev/null; do
	wait "$lpid" && st=0 || st=$?
done
exit "$st"
