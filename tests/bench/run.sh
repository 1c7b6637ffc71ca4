#!/bin/sh
# run.sh BUILD: `make bench`.  wrk through lighttpd on loopback, two FastCGI
# processes per endpoint, as in the tests:
#   fixed   a FastCGI responder answering a fixed body: the transport ceiling
#   session tools/call of `echo`, 2025-11-25 with a session (store lookup)
#   modern  tools/call of `echo`, stateless 2026-07-28
# Three interleaved rounds; prints the median requests/s, p50 and p99, the
# ratios to the ceiling, and the RSS of the responder processes over the
# 100,000+ requests of the run.  Figures, not pass/fail: this 2-core machine
# shares its cores between wrk, lighttpd and the responders, and single
# runs vary by +-10%.
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dur=${BENCH_SECONDS:-10}
conns=${BENCH_CONNS:-32}
state=$(mktemp -d /tmp/mcpfcgi-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sh etc/mkconf.sh "$state" "$port" "$build" 2 0 1
sed -i 's/^log_level = info/log_level = warning/' "$state/mcp-fcgi.conf"
/usr/sbin/lighttpd -D -f "$state/lighttpd.conf" >"$state/out" 2>&1 &
lpid=$!
trap 'kill $lpid 2>/dev/null; wait $lpid 2>/dev/null; rm -rf "$state"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -s -o /dev/null "$base/" && break; sleep 0.05; done

H='Content-Type: application/json'
A='Accept: application/json, text/event-stream'
sid=$(curl -s -D - -o /dev/null "$base/mcp" -H "$H" -H "$A" \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}' |
    sed -n 's/^Mcp-Session-Id: \([0-9a-f]*\).*/\1/p')
[ -n "$sid" ] || { echo "bench: no session" >&2; exit 1; }

CALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}'
MCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'

# Each run must answer correctly before it is timed.
check() {
	curl -s "$1" -H "$H" -H "$A" $3 -d "$2" | grep -q '"text":"hi"' ||
	    { echo "bench: $1 did not answer correctly" >&2; exit 1; }
}
check "$base/bench/fixed" "$CALL" ""
check "$base/mcp" "$CALL" "-H Mcp-Session-Id:$sid -H MCP-Protocol-Version:2025-11-25"
check "$base/mcp" "$MCALL" "-H MCP-Protocol-Version:2026-07-28 -H Mcp-Method:tools/call -H Mcp-Name:echo"

# run NAME URL BODY HEADERS: prints "rps p50 p99 requests"
run() {
	BENCH_BODY=$3 BENCH_HEADERS=$4 wrk -t2 -c"$conns" -d"${dur}s" --latency \
	    -s tests/bench/post.lua "$2" >"$state/$1.txt" 2>&1
	if grep -q 'Non-2xx' "$state/$1.txt"; then
		echo "bench: $1 had non-2xx answers" >&2; cat "$state/$1.txt" >&2; exit 1
	fi
	rps=$(awk '/^Requests\/sec/ {print $2}' "$state/$1.txt")
	p50=$(awk '$1 == "50%" {print $2}' "$state/$1.txt")
	p99=$(awk '$1 == "99%" {print $2}' "$state/$1.txt")
	n=$(awk '/requests in/ {print $1}' "$state/$1.txt")
	echo "$rps $p50 $p99 $n"
}

ticks() {	# CPU clock ticks (user + system) used so far by processes named $1
	for p in $(pgrep -x "$1"); do awk '{print $14 + $15}' /proc/$p/stat; done |
	    awk '{s += $1} END {print s + 0}'
}

# cpu NAME PROC URL BODY HEADERS: runs, then appends "ns-of-CPU-per-request"
# of the responder processes PROC to $state/NAME.cpu.
cpu() {
	t0=$(ticks "$2")
	line=$(run "$1" "$3" "$4" "$5")
	t1=$(ticks "$2")
	echo "$line"
	hz=$(getconf CLK_TCK)
	echo "$line $t0 $t1" | awk -v hz="$hz" '{printf "%d\n", ($6 - $5) * 1e9 / hz / $4}' >>"$state/$1.cpu"
}

rss() {	# total RSS (KiB) of the mcp.fcgi processes
	ps -C mcp.fcgi -o rss= | awk '{s += $1} END {print s}'
}

median() { sort -n | sed -n 2p; }

# Warm up, then three interleaved rounds; each figure is the median.
run warm "$base/mcp" "$CALL" "Mcp-Session-Id: $sid|MCP-Protocol-Version: 2025-11-25" >/dev/null
rss0=$(rss)
: >"$state/f"; : >"$state/s"; : >"$state/m"
total=0
for round in 1 2 3; do
	cpu fixed bench-fixed.fcg "$base/bench/fixed" "$CALL" "" >>"$state/f"
	cpu session mcp.fcgi "$base/mcp" "$CALL" "Mcp-Session-Id: $sid|MCP-Protocol-Version: 2025-11-25" >>"$state/s"
	cpu modern mcp.fcgi "$base/mcp" "$MCALL" "MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: echo" >>"$state/m"
done
rss1=$(rss)
total=$(cat "$state/s" "$state/m" | awk '{s += $4} END {print s}')
col() { awk -v c="$2" '{print $c}' "$state/$1" | median; }
f_rps=$(col f 1) f_p50=$(col f 2) f_p99=$(col f 3)
s_rps=$(col s 1) s_p50=$(col s 2) s_p99=$(col s 3)
m_rps=$(col m 1) m_p50=$(col m 2) m_p99=$(col m 3)
echo "rounds (req/s): fixed $(awk '{printf "%s ", $1}' "$state/f")| session $(awk '{printf "%s ", $1}' "$state/s")| modern $(awk '{printf "%s ", $1}' "$state/m")"

printf '\nmcp-fcgi bench: wrk -t2 -c%s -d%ss x 3 rounds (medians) through lighttpd, 2 FastCGI processes x 8 threads\n\n' "$conns" "$dur"
printf '%-34s %10s %9s %9s %8s\n' "" "req/s" "p50" "p99" "ratio"
printf '%-34s %10s %9s %9s %8s\n' "fixed-body FastCGI (ceiling)" "$f_rps" "$f_p50" "$f_p99" "1.00"
printf '%-34s %10s %9s %9s %8s\n' "tools/call echo, 2025-11-25 session" "$s_rps" "$s_p50" "$s_p99" \
    "$(echo "$s_rps $f_rps" | awk '{printf "%.2f", $1/$2}')"
printf '%-34s %10s %9s %9s %8s\n' "tools/call echo, 2026-07-28" "$m_rps" "$m_p50" "$m_p99" \
    "$(echo "$m_rps $f_rps" | awk '{printf "%.2f", $1/$2}')"
fc=$(median <"$state/fixed.cpu") sc=$(median <"$state/session.cpu") mc=$(median <"$state/modern.cpu")
printf '\nresponder CPU per request (steadier than req/s on a shared machine):\n'
printf '  fixed-body %d ns, 2025-11-25 session %d ns (+%d), 2026-07-28 %d ns (+%d)\n' \
    "$fc" "$sc" "$((sc - fc))" "$mc" "$((mc - fc))"
printf '\nresponder RSS (2 processes): %s KiB after warm-up, %s KiB after %s more requests (%+d KiB)\n' \
    "$rss0" "$rss1" "$total" "$((rss1 - rss0))"
printf '\nin memory, no web server: '
"$build/bench-micro" 100000
