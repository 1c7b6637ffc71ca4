#!/bin/sh
# mkconf.sh STATE PORT BUILD MAXPROCS FIXTURES [BENCH] [PAGE_SIZE]
# Renders lighttpd.conf, mcp-fcgi.conf (auth) and mcp-fcgi-open.conf (no
# auth) into STATE from the templates, and initializes the built-in
# authorization server (store, signing key) if that was not done yet.
set -eu
state=$1 port=$2 build=$3 maxprocs=$4 fixtures=$5
bench=${6:-0} page=${7:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$state/run"
# Private: the store, the keys, the audit trail and the logs live here.
chmod 700 "$state" "$state/run"
fx='s/^#@FIXTURES@//'; [ "$fixtures" = 1 ] || fx='/^#@FIXTURES@/d'
bx='s/^#@BENCH@//';    [ "$bench" = 1 ]    || bx='/^#@BENCH@/d'
base=http://127.0.0.1:$port
render() { # render AUTH OUT
	sed -e "s|@STATE@|$state|g" -e "s|@PAGE_SIZE@|$page|g" \
	    -e "s|@BASE@|$base|g" -e "s|@AUTH@|$1|g" \
	    -e "s|@JWKS_REFRESH@|${MCP_JWKS_REFRESH:-30}|g" \
	    -e "s|@JWKS_MAX_AGE@|${MCP_JWKS_MAX_AGE:-300}|g" \
	    "$root/etc/mcp-fcgi.conf.in" > "$2"
}
# The MCP endpoint requires tokens; the fixtures and the bench's open
# endpoint use the same settings without auth.
render bearer "$state/mcp-fcgi.conf"
render none "$state/mcp-fcgi-open.conf"
# Tests add issuers of their own (keys made by tests/bats/helper.bash).
[ -f "$state/test-issuers.conf" ] && cat "$state/test-issuers.conf" >> "$state/mcp-fcgi.conf"
# lighttpd's limits follow the responders' (etc/lighttpd.conf.in): the
# body cap just above max_body_bytes, the write idle time just above
# write_timeout_seconds.  A key's last value before the first section.
setting() { # setting KEY DEFAULT
	awk -v k="$1" -v d="$2" '/^\[/ { exit } $1 == k && $2 == "=" { d = $3 }
	    END { print d }' "$state/mcp-fcgi.conf"
}
maxreq=$(( ($(setting max_body_bytes 1048576) + 1023) / 1024 + 64 ))
wridle=$(( $(setting write_timeout_seconds 30) + 5 ))
sed -e "$fx" -e "$bx" -e "s|@BIND@|127.0.0.1|g" -e "s|@PORT@|$port|g" \
    -e "s|@ROOT@|$root|g" -e "s|@STATE@|$state|g" -e "s|@BUILD@|$build|g" \
    -e "s|@MAXPROCS@|$maxprocs|g" -e "s|@MAX_REQUEST_KB@|$maxreq|g" \
    -e "s|@WRITE_IDLE@|$wridle|g" \
    "$root/etc/lighttpd.conf.in" > "$state/lighttpd.conf"
# The built-in authorization server's state: store, signing key.
"$build/mcpctl" -f "$state/mcp-fcgi.conf" init >/dev/null
