#!/bin/sh
# mkconf.sh STATE PORT BUILD MAXPROCS FIXTURES [BENCH] [PAGE_SIZE]
# Renders lighttpd.conf, mcp-fcgi.conf (auth) and mcp-fcgi-open.conf (no
# auth) into STATE from the templates, and initializes the built-in
# authorization server (store, signing key) if that was not done yet.
set -eu
state=$1 port=$2 build=$3 maxprocs=$4 fixtures=$5
bench=${6:-0} page=${7:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
# The document root (MCP_WWW): www/ in this tree unless a copy elsewhere.
www=${MCP_WWW:-$root/www}
case $build in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$state/run"
# Private: the store, the keys, the audit trail and the logs live here.
chmod 700 "$state" "$state/run"
# A store elsewhere (MCP_STORE_PATH) keeps what would be beside it (the
# JWKS disk cache) in var/ beside the configuration.
if [ -n "${MCP_STORE_PATH:-}" ]; then
	mkdir -p "$state/var"
	chmod 700 "$state/var"
fi
fx='s/^#@FIXTURES@//'; [ "$fixtures" = 1 ] || fx='/^#@FIXTURES@/d'
bx='s/^#@BENCH@//';    [ "$bench" = 1 ]    || bx='/^#@BENCH@/d'
base=http://127.0.0.1:$port
# Apache gives mod_fcgid's and CGI programs' stderr to its own error log:
# the responders keep a log of their own there (error_log).
case ${MCP_SERVER:-lighttpd} in
apache-fcgid|apache-cgi) el='s/^#@ERROR_LOG@//' ;;
*) el='/^#@ERROR_LOG@/d' ;;
esac
# MCP_STORE_PATH replaces the template's store (SQLite in STATE) in every
# responder configuration: the tests' PostgreSQL lane gives each server a
# database of its own (a libpq URL, its & and | escaped for sed).
st='s|^store_path = .*|&|'
if [ -n "${MCP_STORE_PATH:-}" ]; then
	st="s|^store_path = .*|store_path = $(printf '%s' "$MCP_STORE_PATH" |
	    sed 's/[&|\\]/\\&/g')|"
fi
render() { # render AUTH OUT
	sed -e "$el" -e "s|@STATE@|$state|g" -e "$st" -e "s|@PAGE_SIZE@|$page|g" \
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
# Another web server in front (MCP_SERVER): its configuration beside
# lighttpd's, from etc/<server>/, the responders on sockets in run/.
server=${MCP_SERVER:-lighttpd}
sub() { # sub FILE: the common substitutions
	sed -e "$fx" -e "s|@BIND@|127.0.0.1|g" -e "s|@PORT@|$port|g" \
	    -e "s|@ROOT@/www|$www|g" -e "s|@ROOT@|$root|g" -e "s|@STATE@|$state|g" \
	    -e "s|@CONFDIR@|$state|g" -e "s|@RUNDIR@|$state/run|g" \
	    -e "s|@MAX_REQUEST_KB@|$maxreq|g" \
	    -e "s|@MAX_REQUEST_BYTES@|$((maxreq * 1024))|g" \
	    -e "s|@FASTCGI_PARAMS@|/etc/nginx/fastcgi_params|g" "$1"
}
case $server in
lighttpd) ;;
lighttpd-cgi)
	sub "$root/etc/lighttpd-cgi.conf.in" |
	    sed -e "s|@BUILD@|$build|g" -e "s|@WRITE_IDLE@|$wridle|g" \
	    >"$state/lighttpd.conf"
	;;
nginx)
	mkdir -p "$state/nginx"
	sub "$root/etc/nginx/mcp-fcgi.conf.in" >"$state/nginx-mcp-fcgi.conf"
	for n in mcp oauth conformance; do
		sub "$root/etc/nginx/fastcgi.conf.in" |
		    sed "s|@SOCKET@|$state/run/$n.sock|g" \
		    >"$state/nginx-fastcgi-$n.conf"
	done
	sub "$root/etc/nginx/test.conf.in" >"$state/nginx.conf"
	;;
apache-proxy-fcgi)
	mkdir -p "$state/apache"
	sub "$root/etc/apache/proxy-fcgi.conf.in" >"$state/apache-mcp-fcgi.conf"
	mods="LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so"
	sub "$root/etc/apache/test.conf.in" |
	    awk -v m="$mods" '$0 == "@MODULES@" { print m; next } { print }' \
	    >"$state/apache.conf"
	;;
apache-fcgid|apache-cgi)
	mkdir -p "$state/apache/fcgid"
	case $server in
	apache-fcgid) conf=fcgid mods="LoadModule fcgid_module /usr/lib/apache2/modules/mod_fcgid.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so" ;;
	*) conf=cgi mods="LoadModule cgid_module /usr/lib/apache2/modules/mod_cgid.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
ScriptSock $state/apache/cgid.sock" ;;
	esac
	sub "$root/etc/apache/$conf.conf.in" | sed "s|@BUILD@|$build|g" \
	    >"$state/apache-mcp-fcgi.conf"
	sub "$root/etc/apache/test.conf.in" |
	    awk -v m="$mods" '$0 == "@MODULES@" { print m; next } { print }' \
	    >"$state/apache.conf"
	;;
*)
	echo "mkconf: unknown MCP_SERVER $server" >&2
	exit 1
	;;
esac
