#!/usr/bin/env bats
# The operator's manual passes mandoc's lint; `make install DESTDIR=`
# lays out the programs, pages, units and examples where they belong, the
# smoke suite passes against the installed programs, and `make uninstall`
# removes every file it installed.

load helper

setup_file() {
	D=$(mktemp -d /tmp/mcpfcgi-inst.XXXXXX)
	export D
	make -s -C "$ROOT" install DESTDIR="$D" PREFIX=/usr/local \
	    BUILD="$BUILD" >/dev/null
}
teardown_file() { rm -rf "$D"; }

@test "the manual pages pass mandoc -T lint (warnings and above)" {
	cd "$ROOT/etc/man"
	run mandoc -T lint -W warning mcp-fcgi.7 mcp-fcgi.8 mcpctl.8 mcp-fcgi.conf.5
	echo "$output"
	[ "$status" = 0 ]
	[ -z "$output" ]
}

@test "make install: each file in its place, modes as they should be" {
	p=$D/usr/local
	for f in libexec/mcp-fcgi/mcp.fcgi libexec/mcp-fcgi/oauth.fcgi sbin/mcpctl; do
		[ -x "$p/$f" ]
		[ "$(stat -c %a "$p/$f")" = 755 ]
	done
	[ ! -e "$p/libexec/mcp-fcgi/conformance.fcgi" ]
	for f in share/man/man5/mcp-fcgi.conf.5 share/man/man7/mcp-fcgi.7 \
	    share/man/man8/mcp-fcgi.8 share/man/man8/mcpctl.8 \
	    share/mcp-fcgi/www/index.html share/mcp-fcgi/www/error.json \
	    lib/systemd/system/mcp-fcgi@.socket lib/systemd/system/mcp-fcgi@.service \
	    share/mcp-fcgi/examples/mcp-fcgi.conf share/mcp-fcgi/examples/lighttpd.conf \
	    share/mcp-fcgi/examples/nginx/mcp-fcgi.conf share/mcp-fcgi/examples/apache/proxy-fcgi.conf; do
		[ -f "$p/$f" ] || { echo "missing $f"; return 1; }
		[ "$(stat -c %a "$p/$f")" = 644 ]
	done
	# No placeholder and no test fixture's endpoint left in what an
	# operator copies (match patterns may still name its path).
	! grep -rq '@[A-Z_]*@' "$p/share/mcp-fcgi/examples" "$p/lib/systemd" || false
	! grep -rqE '(Alias|ProxyPass|location =) "?/conformance|"/conformance/mcp" =>|FcgidCmdOptions .*conformance' \
	    "$p/share/mcp-fcgi/examples" || false
	grep -q "^ExecStart=/usr/local/libexec/mcp-fcgi/%i.fcgi$" "$p/lib/systemd/system/mcp-fcgi@.service"
	grep -q 'MCP_FCGI_CONFIG" => "/etc/mcp-fcgi/mcp-fcgi.conf"' "$p/share/mcp-fcgi/examples/lighttpd.conf"
	# The examples pass their servers' checks as installed.
	run lighttpd -tt -f "$p/share/mcp-fcgi/examples/lighttpd.conf"
	echo "$output"
	[ "$status" = 0 ]
}

@test "the smoke suite passes against the installed programs" {
	# The installed programs, with the fixtures of the build beside them.
	b=$D/bin
	mkdir -p "$b"
	ln -s "$D/usr/local/libexec/mcp-fcgi/mcp.fcgi" "$D/usr/local/libexec/mcp-fcgi/oauth.fcgi" \
	    "$D/usr/local/sbin/mcpctl" "$ROOT/$BUILD/conformance.fcgi" "$b/"
	run env MCP_BUILD="$(realpath --relative-to="$ROOT" "$b")" bats "$ROOT/tests/servers/smoke.bats"
	echo "$output" | grep -v "^ok" | tail -15
	[ "$status" = 0 ]
	! echo "$output" | grep -q '^not ok' || false
}

@test "make uninstall removes what make install put there" {
	make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=/usr/local BUILD="$BUILD"
	left=$(find "$D/usr/local" -type f | wc -l)
	[ "$left" = 0 ]
}
