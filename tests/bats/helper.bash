# helper.bash: starts the real lighttpd with the responders on an ephemeral
# loopback port, and wraps curl so that tests assert on status, headers and
# body.  MCP_BUILD selects the build (build or build-asan).

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${MCP_BUILD:-build}
ACCEPT='application/json, text/event-stream'
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server [PAGE_SIZE]: one lighttpd, 2 processes per endpoint.
start_server() {
	STATE=$(mktemp -d /tmp/mcpfcgi-test.XXXXXX)
	PORT=$(free_port)
	sh "$ROOT/etc/mkconf.sh" "$STATE" "$PORT" "$BUILD" 2 1 0 "${1:-100}"
	# Close every descriptor bats holds, or the responders inherit the
	# pipes bats waits on.
	(
		for fd in $(ls /proc/$BASHPID/fd); do
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		exec /usr/sbin/lighttpd -D -f "$STATE/lighttpd.conf" \
		    >"$STATE/lighttpd.out" 2>&1
	) &
	echo $! >"$STATE/pid"
	BASE=http://127.0.0.1:$PORT
	URL=$BASE/conformance/mcp
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "$BASE/" && break
		sleep 0.05
	done
	export STATE PORT BASE URL
}

# stop_server: also fails the file if a sanitizer reported anything.
stop_server() {
	local pid kids
	pid=$(cat "$STATE/pid")
	kids=$(pgrep -P "$pid" || true)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# The responders stop on lighttpd's SIGTERM; none may be left.
	for k in $kids; do
		for _ in $(seq 30); do
			kill -0 "$k" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$k" 2>/dev/null; then
			echo "responder $k outlived lighttpd" >&2
			kill -9 "$k"
			return 1
		fi
	done
	if grep -E "AddressSanitizer|runtime error:|LeakSanitizer" \
	    "$STATE/lighttpd-error.log" "$STATE/mcp-fcgi.log" \
	    "$STATE/lighttpd.out" >&2; then
		echo "sanitizer report in $STATE" >&2
		return 1
	fi
	rm -rf "$STATE"
}

# req METHOD URL [curl args...]: sets STATUS, and files $STATE/h, $STATE/b.
req() {
	local m=$1 u=$2
	shift 2
	STATUS=$(curl -s -o "$STATE/b" -D "$STATE/h" -w '%{http_code}' \
	    -X "$m" "$u" "$@")
	BODY=$(cat "$STATE/b")
}

# post BODY [curl args...]: a well-formed MCP POST to $URL.
post() {
	local b=$1
	shift
	req POST "$URL" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" --data-binary "$b" "$@"
}

# header NAME: the value of a response header (case-insensitive).
header() {
	grep -i "^$1:" "$STATE/h" | head -1 | cut -d' ' -f2- | tr -d '\r'
}

# jqb FILTER: jq -e over the body; fails the test when false.
jqb() {
	printf '%s' "$BODY" | jq -e "$@" >/dev/null || {
		echo "jq $* failed on: $BODY" >&2
		return 1
	}
}

# sse_data: the JSON of each SSE data line of the body, one per line.
sse_data() {
	printf '%s' "$BODY" | sed -n 's/^data: \(..*\)$/\1/p'
}

# init_session VERSION: initialize + initialized; sets SID.
init_session() {
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"'"$1"'","capabilities":{"sampling":{},"elicitation":{}},"clientInfo":{"name":"bats","version":"1"}}}'
	[ "$STATUS" = 200 ] || { echo "initialize: $STATUS $BODY" >&2; return 1; }
	SID=$(header Mcp-Session-Id)
	[ -n "$SID" ]
	post '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    -H "Mcp-Session-Id: $SID" -H "MCP-Protocol-Version: $1"
	[ "$STATUS" = 202 ]
}

# spost VERSION BODY [args]: a POST inside the session.
spost() {
	local v=$1 b=$2
	shift 2
	post "$b" -H "Mcp-Session-Id: $SID" -H "MCP-Protocol-Version: $v" "$@"
}

# mpost METHOD PARAMS [args]: a 2026-07-28 request with matching headers.
MODERN_META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
mpost() {
	local m=$1 p=$2
	shift 2
	post '{"jsonrpc":"2.0","id":7,"method":"'"$m"'","params":{'"$MODERN_META${p:+,$p}"'}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $m" "$@"
}
