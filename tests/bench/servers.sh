#!/bin/bash
# servers.sh BUILD: the web server rows of `make bench`.  The same
# tools/call (echo, 2026-07-28, one reused token on /mcp) behind each
# deployment the tests start (tests/bats/helper.bash's start_server: two
# responder processes per endpoint, as in the tests), each round running
# every server once in turn; prints the median requests/s, p50 and p99,
# the ratio to lighttpd's mod_fastcgi, and how many requests of all the
# rounds wrk gave up on after 2 s.  Under mod_fcgid each process has
# one thread (its one-request-per-process model); under plain CGI every
# request starts a process.
set -eu
build=${1:-build}
BATS_TEST_DIRNAME=$(cd "$(dirname "$0")/../bats" && pwd)
MCP_BUILD=$build
. "$BATS_TEST_DIRNAME/helper.bash"
cd "$ROOT"
dur=${BENCH_SECONDS:-5}
rounds=${BENCH_SERVER_ROUNDS:-3}
conns=${BENCH_CONNS:-32}
servers=${BENCH_SERVERS:-lighttpd nginx apache-proxy-fcgi apache-fcgid lighttpd-cgi apache-cgi}
out=$(mktemp -d /tmp/mcpfcgi-bench-servers.XXXXXX)
declare -A st po tk
stop_all() {
	for s in $servers; do
		[ -n "${st[$s]:-}" ] || continue
		SERVER=$s STATE=${st[$s]} stop_server 2>/dev/null || true
	done
	rm -rf "$out"
}
trap stop_all EXIT

# One caller at full rate; warnings only in the logs.
export CONF_SET="subject_max_share_percent=100 log_level=warning"
for s in $servers; do
	SERVER=$s
	start_server >/dev/null
	st[$s]=$STATE po[$s]=$PORT tk[$s]=$TOKEN
done

MCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
MH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: echo"
ms='function ms(v) { if (v ~ /us$/) return sprintf("%.3f", v / 1000)
	if (v ~ /ms$/) return sprintf("%.3f", v + 0)
	if (v ~ /s$/) return sprintf("%.3f", v * 1000); return v }'

# Each deployment must answer the call before it is timed.
for s in $servers; do
	curl -s "http://127.0.0.1:${po[$s]}/mcp" -H 'Content-Type: application/json' \
	    -H "Accept: $ACCEPT" -H "Authorization: Bearer ${tk[$s]}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' \
	    -H 'Mcp-Name: echo' -d "$MCALL" | grep -q '"text":"hi"' ||
	    { echo "bench: $s did not answer the call" >&2; exit 1; }
done

for round in $(seq "$rounds"); do
	for s in $servers; do
		BENCH_BODY=$MCALL BENCH_HEADERS="$MH|Authorization: Bearer ${tk[$s]}" \
		    wrk -t2 -c"$conns" -d"${dur}s" --latency -s tests/bench/post.lua \
		    "http://127.0.0.1:${po[$s]}/mcp" >"$out/$s.txt" 2>&1
		# wrk gives up on an answer after 2 s: counted (mod_fcgid makes
		# a request wait for a free process), not a failure.
		if grep -Eq 'Non-2xx|Socket errors:.*(connect|read|write) [1-9]' \
		    "$out/$s.txt"; then
			echo "bench: $s had failed answers" >&2; cat "$out/$s.txt" >&2; exit 1
		fi
		awk "$ms"'/^Requests\/sec/ { r = $2 } $1 == "50%" { p50 = ms($2) }
		    $1 == "99%" { p99 = ms($2) }
		    /Socket errors/ { t = $NF } END { print r, p50, p99, t + 0 }' \
		    "$out/$s.txt" >>"$out/$s"
	done
done

median() { sort -n | sed -n "$(((rounds + 1) / 2))p"; }
col() { awk -v c="$2" '{print $c}' "$out/$1" | median; }
first=${servers%% *}
base=$(col "$first" 1)
printf '\nweb servers: tools/call echo, 2026-07-28, one reused token on /mcp; wrk -t2 -c%s -d%ss x %s rounds (medians)\n\n' \
    "$conns" "$dur" "$rounds"
printf '%-40s %9s %9s %9s %8s %9s\n' "" "req/s" "p50 ms" "p99 ms" "ratio" "over 2 s"
for s in $servers; do
	case $s in
	lighttpd) label="lighttpd mod_fastcgi" ;;
	nginx) label="nginx fastcgi_pass, spawn-fcgi" ;;
	apache-proxy-fcgi) label="Apache mod_proxy_fcgi, spawn-fcgi" ;;
	apache-fcgid) label="Apache mod_fcgid (1 thread a process)" ;;
	lighttpd-cgi) label="lighttpd mod_cgi (a process a request)" ;;
	apache-cgi) label="Apache mod_cgid (a process a request)" ;;
	*) label=$s ;;
	esac
	printf '%-40s %9s %9s %9s %8s %9s\n' "$label" "$(col "$s" 1)" "$(col "$s" 2)" \
	    "$(col "$s" 3)" "$(echo "$(col "$s" 1) $base" | awk '{printf "%.2f", $1 / $2}')" \
	    "$(awk '{t += $4} END {print t + 0}' "$out/$s")"
done
