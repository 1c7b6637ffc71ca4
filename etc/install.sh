#!/bin/sh
# install.sh DESTDIR PREFIX BUILD [uninstall]: `make install` and
# `make uninstall`.  The responders go where a web server's bin-path or
# a systemd unit points, mcpctl on the PATH, the manual pages, the static
# pages, the systemd units (rendered for PREFIX), and every web-server
# snippet rendered for this layout as an example to adapt:
#   PREFIX/libexec/mcp-fcgi/{mcp,oauth}.fcgi
#   PREFIX/sbin/mcpctl
#   PREFIX/share/man/man5/mcp-fcgi.conf.5, man7/mcp-fcgi.7,
#       man8/{mcp-fcgi,mcpctl}.8
#   PREFIX/share/mcp-fcgi/www/
#   PREFIX/share/mcp-fcgi/examples/ (configuration, snippets, spawn.sh)
#   PREFIX/lib/systemd/system/mcp-fcgi@.{socket,service}
# The examples assume the state in /var/lib/mcp-fcgi (0700, the
# responders' user), the sockets in /run/mcp-fcgi and port 80; nothing is
# written outside DESTDIR/PREFIX, and no configuration is overwritten.
set -eu
dest=$1 prefix=$2 build=$3 action=${4:-install}
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$dest$prefix/libexec/mcp-fcgi
share=$dest$prefix/share/mcp-fcgi
man=$dest$prefix/share/man
units=$dest$prefix/lib/systemd/system
files="$lib/mcp.fcgi $lib/oauth.fcgi $dest$prefix/sbin/mcpctl
$man/man5/mcp-fcgi.conf.5 $man/man7/mcp-fcgi.7 $man/man8/mcp-fcgi.8
$man/man8/mcpctl.8
$units/mcp-fcgi@.socket $units/mcp-fcgi@.service"
if [ "$action" = uninstall ]; then
	# shellcheck disable=SC2086
	rm -f $files
	rm -rf "$share"
	rmdir "$lib" 2>/dev/null || true
	exit 0
fi
install -d -m 755 "$lib" "$dest$prefix/sbin" "$man/man5" "$man/man7" \
    "$man/man8" "$share/www" "$share/examples/nginx" "$share/examples/apache" \
    "$units"
install -m 755 "$build/mcp.fcgi" "$build/oauth.fcgi" "$lib/"
install -m 755 "$build/mcpctl" "$dest$prefix/sbin/"
install -m 644 "$root/etc/man/mcp-fcgi.conf.5" "$man/man5/"
install -m 644 "$root/etc/man/mcp-fcgi.7" "$man/man7/"
install -m 644 "$root/etc/man/mcp-fcgi.8" "$root/etc/man/mcpctl.8" "$man/man8/"
install -m 644 "$root"/www/* "$share/www/"
# The templates, rendered for this layout.
render() { # render TEMPLATE OUT
	sed -e 's/^#@FIXTURES@.*$//' -e '/^#@BENCH@/d' -e 's/^#@ERROR_LOG@/# /' \
	    -e "s|@BIND@|0.0.0.0|g" -e "s|@PORT@|80|g" \
	    -e "s|@ROOT@|$prefix/share/mcp-fcgi|g" \
	    -e "s|@STATE@|/var/lib/mcp-fcgi|g" -e "s|@RUNDIR@|/run/mcp-fcgi|g" \
	    -e "s|@CONFDIR@|/etc/nginx/mcp-fcgi|g" \
	    -e "s|@BUILD@|$prefix/libexec/mcp-fcgi|g" \
	    -e "s|@LIBEXECDIR@|$prefix/libexec/mcp-fcgi|g" \
	    -e "s|@SYSCONFDIR@|/etc|g" -e "s|@MAXPROCS@|2|g" \
	    -e "s|@MAX_REQUEST_KB@|1088|g" -e "s|@MAX_REQUEST_BYTES@|1114112|g" \
	    -e "s|@WRITE_IDLE@|35|g" -e "s|@PAGE_SIZE@|100|g" \
	    -e "s|@FASTCGI_PARAMS@|/etc/nginx/fastcgi_params|g" \
	    -e "s|@AUTH@|bearer|g" -e "s|@BASE@|https://mcp.example.com|g" \
	    -e "s|@JWKS_REFRESH@|30|g" -e "s|@JWKS_MAX_AGE@|300|g" \
	    "$root/$1" >"$2"
	chmod 644 "$2"
}
render etc/mcp-fcgi.conf.in "$share/examples/mcp-fcgi.conf"
render etc/lighttpd.conf.in "$share/examples/lighttpd.conf"
render etc/lighttpd-cgi.conf.in "$share/examples/lighttpd-cgi.conf"
render etc/nginx/mcp-fcgi.conf.in "$share/examples/nginx/mcp-fcgi.conf"
for n in mcp oauth; do
	render etc/nginx/fastcgi.conf.in "$share/examples/nginx/fastcgi-$n.conf"
	sed -i "s|@SOCKET@|/run/mcp-fcgi/$n.sock|g" \
	    "$share/examples/nginx/fastcgi-$n.conf"
done
sed -i 's|/etc/nginx/mcp-fcgi/nginx-fastcgi-|/etc/nginx/mcp-fcgi/fastcgi-|g' \
    "$share/examples/nginx/mcp-fcgi.conf"
for s in proxy-fcgi fcgid cgi; do
	render "etc/apache/$s.conf.in" "$share/examples/apache/$s.conf"
done
install -m 755 "$root/etc/spawn.sh" "$share/examples/"
render etc/systemd/mcp-fcgi@.socket.in "$units/mcp-fcgi@.socket"
render etc/systemd/mcp-fcgi@.service.in "$units/mcp-fcgi@.service"
# One place for the configuration in every example, as the unit has it.
find "$share/examples" -type f -exec sed -i \
    -e 's|/var/lib/mcp-fcgi/mcp-fcgi.conf|/etc/mcp-fcgi/mcp-fcgi.conf|g' \
    -e 's|/var/lib/mcp-fcgi/mcp-fcgi-open.conf|/etc/mcp-fcgi/mcp-fcgi.conf|g' {} +
