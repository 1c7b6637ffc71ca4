#!/bin/bash
# cluster.sh BUILD: `make bench-cluster`.  tools/call of `echo`
# (2026-07-28) with one valid token, through the round-robin balancer of
# tests/cluster/topology.sh, with 1, 2 and 3 hosts behind it (each host
# its own lighttpd and 2 FastCGI processes x 8 threads, all on one
# PostgreSQL).  The three hosts run throughout; the balancer is started
# again over the first K of them for each row.  BENCH_ROUNDS interleaved
# rounds (3, made odd; every other round runs 3, 2, 1), BENCH_SECONDS each
# (5), BENCH_CONNS connections (32); prints the median req/s, p50 and p99
# and the ratios to one host.  Needs root (network namespaces).
# MCP_CLUSTER_STORE=sqlite: the hosts share one SQLite file instead.
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dur=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
[ $((rounds % 2)) = 1 ] || rounds=$((rounds + 1))
conns=${BENCH_CONNS:-32}
[ "$(id -u)" = 0 ] || { echo "bench-cluster: needs root (ip netns)" >&2; exit 1; }
dir=$(mktemp -u /tmp/mcpc-bench.XXXXXX)
trap 'bash tests/cluster/topology.sh down "$dir"' EXIT
trap 'exit 1' INT TERM HUP
# One caller at the machine's full rate: a share below 100% would
# answer it 429 in part (as tests/bench/run.sh).
MCP_CLUSTER_CONF_SET="log_level=warning subject_max_share_percent=100" \
    bash tests/cluster/topology.sh up "$dir" "$build" 3 >/dev/null
. "$dir/topo.env"
cid=$($MCPCTL client add --name bench --scopes wks:read | jq -r .client_id)
tok=$($MCPCTL token --client "$cid" --ttl 3600 | jq -r .access_token)
[ -n "$tok" ] && [ "$tok" != null ] || { echo "bench-cluster: no token" >&2; exit 1; }

MCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
HS="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: echo|Authorization: Bearer $tok"
# Every host must answer correctly before anything is timed.
for i in 1 2 3; do
	out=$(curl -s -D - "$BASE/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' \
	    -H 'Mcp-Name: echo' -H "Authorization: Bearer $tok" -d "$MCALL")
	grep -q '"text":"hi"' <<<"$out" || {
		echo "bench-cluster: $(grep -i '^X-Host' <<<"$out") did not answer correctly:" >&2
		echo "$out" >&2; exit 1; }
done

ms='function ms(v) { if (v ~ /us$/) return sprintf("%.3f", v / 1000)
	if (v ~ /ms$/) return sprintf("%.3f", v + 0)
	if (v ~ /s$/) return sprintf("%.3f", v * 1000); return v }'
# run K: the balancer over hosts 1..K, then wrk; appends "rps p50 p99"
# to $dir/bench.K.
run() {
	local k=$1 f=$dir/bench.$1.txt
	bash tests/cluster/topology.sh balance "$dir" "$k" >/dev/null
	BENCH_BODY=$MCALL BENCH_HEADERS=$HS wrk -t2 -c"$conns" -d1s \
	    -s tests/bench/post.lua "$BASE/mcp" >/dev/null 2>&1
	BENCH_BODY=$MCALL BENCH_HEADERS=$HS wrk -t2 -c"$conns" -d"${dur}s" \
	    --latency -s tests/bench/post.lua "$BASE/mcp" >"$f" 2>&1
	if grep -q 'Non-2xx\|Socket errors' "$f"; then
		echo "bench-cluster: $k host(s): errors" >&2; cat "$f" >&2; exit 1
	fi
	echo "$(awk '/^Requests\/sec/ {print $2}' "$f")" \
	    "$(awk "$ms"'$1 == "50%" {print ms($2)}' "$f")" \
	    "$(awk "$ms"'$1 == "99%" {print ms($2)}' "$f")" >>"$dir/bench.$k"
}
for r in $(seq "$rounds"); do
	if [ $((r % 2)) = 1 ]; then order="1 2 3"; else order="3 2 1"; fi
	for k in $order; do run "$k"; done
done

median() { sort -n | sed -n "$(((rounds + 1) / 2))p"; }
col() { awk -v c="$2" '{print $c}' "$dir/bench.$1" | median; }
printf '\nmcp-fcgi bench-cluster: tools/call echo with a token through the balancer,\n'
printf 'wrk -t2 -c%s -d%ss x %s rounds (medians), store: %s\n\n' "$conns" "$dur" \
    "$rounds" "${MCP_CLUSTER_STORE:-PostgreSQL}"
printf '%-8s %9s %9s %9s %14s\n' hosts req/s "p50 ms" "p99 ms" "req/s ratio"
r1=$(col 1 1)
for k in 1 2 3; do
	printf '%-8s %9s %9s %9s %14s\n' "$k" "$(col "$k" 1)" "$(col "$k" 2)" \
	    "$(col "$k" 3)" "$(echo "$(col "$k" 1) $r1" | awk '{printf "%.2f", $1 / $2}')"
done
printf 'rounds (req/s): 1: %s| 2: %s| 3: %s\n' \
    "$(awk '{printf "%s ", $1}' "$dir/bench.1")" \
    "$(awk '{printf "%s ", $1}' "$dir/bench.2")" \
    "$(awk '{printf "%s ", $1}' "$dir/bench.3")"
# The same ratios round by round (rows of one round ran back to back):
# the spread says how far a median ratio can be trusted on a machine
# others may be using.
pairs() { paste -d' ' "$dir/bench.$1" "$dir/bench.1" |
    awk '{printf "%.2f ", $1 / $4}'; }
printf 'rounds (ratios to 1 host): 2: %s| 3: %s\n' "$(pairs 2)" "$(pairs 3)"
cat <<'EOF'

What this can and cannot show: the "hosts" are network namespaces of one
2-core machine, sharing its two cores with wrk, the balancer and
PostgreSQL, so adding a host adds processes (lighttpds, responders,
database connections) but no CPU.  The ratios are what spreading one
caller's requests over several hosts with no affinity costs here: the
extra processes competing for the same cores, each host's own token cache
and JWKS, more connections to the one database; a ratio near 1 says that
running without stickiness is cheap, one below 1 is that cost, and this
setup cannot tell its parts apart.  It cannot show how throughput grows
with real hosts (each with cores of its own: there it should grow until
the balancer or PostgreSQL saturates), nor the network's latency between
hosts and the database, nor where PostgreSQL on its own machine tops out.
EOF
