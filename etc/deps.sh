#!/bin/sh
# deps.sh: installs what building and testing need on Debian 12: Debian
# packages (as root, with apt-get) and the npm clients the tests use.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
pkgs="build-essential pkg-config libfcgi-dev libjson-c-dev libjwt-dev
libjemalloc-dev libssl-dev libsqlite3-dev libcurl4-openssl-dev lighttpd bats curl jq
sqlite3 wrk python3 python3-cryptography libargon2-dev chromium
nginx-light apache2 libapache2-mod-fcgid spawn-fcgi mandoc systemd
libpq-dev postgresql-15 iproute2"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
# Node.js and npm run the npm judges.  Any installed node/npm will do (a
# vendor package of nodejs bundles npm and conflicts with Debian's npm);
# otherwise Debian's.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages:$missing" >&2
		echo "deps: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null
fi
# The tests start nginx and Apache with configurations of their own: the
# packages' own services must not hold the ports or the modules' state.
for svc in nginx apache2; do
	if command -v "$svc" >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
		service "$svc" stop >/dev/null 2>&1 || true
	fi
done
# The npm clients (conformance suite, SDKs, Node 22) for the client tests,
# installed again whenever tests/js/package.json changes (a copy of the
# one installed is kept beside the modules).
stamp=$root/tests/js/node_modules/.installed-package.json
if [ "${MCP_SKIP_NPM:-0}" != 1 ] &&
    ! cmp -s "$root/tests/js/package.json" "$stamp" 2>/dev/null; then
	echo "deps: installing npm packages in tests/js"
	(cd "$root/tests/js" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
	cp "$root/tests/js/package.json" "$stamp"
fi
