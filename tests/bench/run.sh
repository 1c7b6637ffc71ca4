#!/bin/sh
# run.sh BUILD: `make bench`.  wrk through lighttpd on loopback, two FastCGI
# processes per endpoint, as in the tests.  Rows:
#   fixed     a FastCGI responder answering fixed bytes: the transport
#             ceiling.  It is sent the no-auth row's request and answers
#             exactly the no-auth row's response (status, headers, body;
#             checked below), so only the responder's work differs
#   bare      the same responder answering the smallest response (three
#             headers, no resultType): the cheaper exchange, for comparison
#   no-auth   tools/call of `echo`, 2026-07-28, the same responder with
#             auth = none (/bench/open)
#   token     the same on /mcp with one valid RS256 token, reused
#   distinct  the same with a distinct valid RS256 token per request
#   session   tools/call of `echo`, 2025-11-25 with a session and a token
#   orgs      list_organizations (a page of 50), create_organization and
#             get_organization on /mcp with a token, the reference
#             application's tools; writers queue on the store's turnstile
#             (lib/store_sqlite_wlock.c), a process's concurrent creates
#             are committed together (lib/store_sqlite_group.c), and
#             create_organization is held to half of get_organization's
#             rate and a p99 under 20 ms
#   one-conn  fixed and no-auth again with one connection (wrk -t1 -c1):
#             nothing queues and the cores are not saturated, so each
#             rate is one over the round trip and the ratio says what
#             share of the round trip the protocol work is, without the
#             contention of the saturated rows
#   sdk-peer  the official TypeScript SDK (stateless Streamable HTTP, jose
#             verifying the same RS256 token, the same tool), one Node
#             process, straight on loopback (no lighttpd in front)
#   orgs-pg   list, create and get_organization again on a PostgreSQL
#             store (tests/bench/orgs.sh)
#   servers   the token row behind every deployment the tests start
#             (nginx, Apache mod_proxy_fcgi and mod_fcgid, plain CGI),
#             as a ratio to lighttpd measured in the same rounds
#             (tests/bench/servers.sh)
# BENCH_ROUNDS interleaved rounds (5, made odd); in every other round the
# ceiling and the no-auth rows run in the reverse order, so that neither
# always runs first.  Prints the median requests/s, p50 and p99 (ms), the
# ratios, responder CPU per request and memory.  Figures, not pass/fail:
# this 2-core machine shares its cores between wrk, lighttpd and the
# responders, and single runs vary by +-10%.
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dur=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-5}
[ $((rounds % 2)) = 1 ] || rounds=$((rounds + 1))
conns=${BENCH_CONNS:-32}
state=$(mktemp -d /tmp/mcpfcgi-bench.XXXXXX)
freeport() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(freeport)
pport=$(freeport)
sh etc/mkconf.sh "$state" "$port" "$build" 2 0 1
for f in mcp-fcgi.conf mcp-fcgi-open.conf; do
	sed -i 's/^log_level = info/log_level = warning/' "$state/$f"
done
# The token rows are one caller at the machine's full rate (32 connections,
# one subject), which a share below 100% would answer 429 in part; the
# count's cost on the token path is measured by bench-micro N CONFIG TOKEN.
sed -i 's/^subject_max_share_percent = .*/subject_max_share_percent = 100/' \
    "$state/mcp-fcgi.conf"
# The create_organization row makes some 25,000 a round in one
# environment: past the workspace quota (100,000) they would be quick
# isError answers, not writes.
sed -i 's/^workspace_max_organizations = .*/workspace_max_organizations = 100000000/' \
    "$state/mcp-fcgi.conf"
# The held-streams rows: one caller holds every stream, each of its own
# session.
sed -i -e 's/^max_sessions_per_subject = .*/max_sessions_per_subject = 2000/' \
    -e 's/^max_streams_per_subject = .*/max_streams_per_subject = 1000/' \
    "$state/mcp-fcgi.conf"
/usr/sbin/lighttpd -D -f "$state/lighttpd.conf" >"$state/out" 2>&1 &
lpid=$!
ppid=
trap 'kill $lpid $ppid 2>/dev/null; wait $lpid 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$state"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -s -o /dev/null "$base/" && break; sleep 0.05; done

ctl="$build/mcpctl -f $state/mcp-fcgi.conf"
cid=$($ctl client add --name bench --scopes wks:read | jq -r .client_id)
tok=$($ctl token --client "$cid" --ttl 3600 | jq -r .access_token)
kid=$($ctl key list | jq -r '.[0].kid')

# The peer: jose reads the same JWKS our responders fetch.
export PATH="$root/tests/js/node_modules/node/bin:$PATH"
node tests/js/bench-peer.mjs "$pport" "$state/keys/jwks.json" "$base" \
    "$base/mcp" >"$state/peer.out" 2>&1 &
ppid=$!
for _ in $(seq 100); do grep -q "peer on" "$state/peer.out" && break; sleep 0.05; done
peer=http://127.0.0.1:$pport/mcp

H='Content-Type: application/json'
A='Accept: application/json, text/event-stream'
AUTH="Authorization: Bearer $tok"
sid=$(curl -s -D - -o /dev/null "$base/mcp" -H "$H" -H "$A" -H "$AUTH" \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}' |
    sed -n 's/^Mcp-Session-Id: \([0-9a-f]*\).*/\1/p')
[ -n "$sid" ] || { echo "bench: no session" >&2; exit 1; }

CALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}'
MCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
MH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: echo"
SH="Mcp-Session-Id: $sid|MCP-Protocol-Version: 2025-11-25|$AUTH"
PH="MCP-Protocol-Version: 2025-11-25|$AUTH"

# Each endpoint must answer correctly before it is timed.
ok() {	# ok URL BODY HEADERS ("Name: value|Name: value") [EXPECT]
	url=$1 body=$2 hs=$3 want=${4:-'"text":"hi"'}
	set -- -s "$url" -H "$H" -H "$A" -d "$body"
	old=$IFS
	IFS='|'
	for h in $hs; do set -- "$@" -H "$h"; done
	IFS=$old
	curl "$@" | grep -q "$want" || {
		echo "bench: $url did not answer correctly" >&2; exit 1; }
}
ok "$base/bench/fixed" "$MCALL" "$MH"
ok "$base/bench/bare" "$MCALL" "$MH"
# The ceiling must answer the very bytes the no-auth row gets, except the
# request id's value and the date.
answer() {
	curl -s -i "$1" -H "$H" -H "$A" -H 'MCP-Protocol-Version: 2026-07-28' \
	    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo' -d "$MCALL" |
	    sed -e 's/^X-Request-Id: [0-9a-f]*/X-Request-Id: ID/' -e '/^Date: /d'
}
if [ "$(answer "$base/bench/fixed")" != "$(answer "$base/bench/open")" ]; then
	echo "bench: /bench/fixed no longer answers what /bench/open answers:" >&2
	answer "$base/bench/fixed" >&2; echo >&2; answer "$base/bench/open" >&2
	exit 1
fi
ok "$base/bench/open" "$MCALL" "$MH"
ok "$base/mcp" "$MCALL" "$MH|$AUTH"
ok "$base/mcp" "$CALL" "$SH"
ok "$peer" "$CALL" "$PH"

# The reference application: a workspace, an environment holding 200
# organizations, a token with the org scopes.
ws=$($ctl workspace add --name bench | jq -r .id)
ocid=$($ctl client add --name bench-org --workspace "$ws" \
    --scopes "env:write org:read org:write" | jq -r .client_id)
otok=$($ctl token --client "$ocid" --ttl 3600 | jq -r .access_token)
OAUTH="Authorization: Bearer $otok"
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
env=$(curl -s "$base/mcp" -H "$H" -H "$A" -H "$OAUTH" -H 'MCP-Protocol-Version: 2026-07-28' \
    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: create_environment' \
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_environment","arguments":{"name":"bench","type":"production"},'"$META"'}}' |
    jq -r .result.structuredContent.id)
COCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_organization","arguments":{"environment_id":"'"$env"'","name":"Bench Org","metadata":{"plan":"free"}},'"$META"'}}'
LOCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_organizations","arguments":{"environment_id":"'"$env"'","page_size":50},'"$META"'}}'
COH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: create_organization|$OAUTH"
LOH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: list_organizations|Mcp-Param-Environment-Id: $env|$OAUTH"
for _ in $(seq 200); do ok "$base/mcp" "$COCALL" "$COH" '"id":"org_'; done
ok "$base/mcp" "$LOCALL" "$LOH" '"next_cursor":"'
# One of them read by id: the reading row create_organization is held to.
org=$(curl -s "$base/mcp" -H "$H" -H "$A" -H "$OAUTH" -H 'MCP-Protocol-Version: 2026-07-28' \
    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: create_organization' -d "$COCALL" |
    jq -r .result.structuredContent.id)
GOCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_organization","arguments":{"organization_id":"'"$org"'"},'"$META"'}}'
GOH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: get_organization|$OAUTH"
ok "$base/mcp" "$GOCALL" "$GOH" '"id":"'"$org"'"'


# wrk's latencies (980.00us, 1.13ms, 2.00s) in milliseconds, so that they
# sort and compare as numbers.
ms='function ms(v) { if (v ~ /us$/) return sprintf("%.3f", v / 1000)
	if (v ~ /ms$/) return sprintf("%.3f", v + 0)
	if (v ~ /s$/) return sprintf("%.3f", v * 1000); return v }'

# run NAME URL BODY HEADERS [SCRIPT]: prints "rps p50 p99 requests", the
# latencies in ms
run() {
	BENCH_BODY=$3 BENCH_HEADERS=$4 BENCH_THREADS=2 wrk -t"${WRK_THREADS:-2}" \
	    -c"${WRK_CONNS:-$conns}" \
	    -d"${dur}s" --latency -s "tests/bench/${5:-post.lua}" "$2" \
	    >"$state/$1.txt" 2>&1
	if grep -q 'Non-2xx' "$state/$1.txt"; then
		echo "bench: $1 had non-2xx answers" >&2; cat "$state/$1.txt" >&2; exit 1
	fi
	if grep -q 'reused tokens: [1-9]' "$state/$1.txt"; then
		echo "bench: $1 ran out of distinct tokens" >&2; exit 1
	fi
	rps=$(awk '/^Requests\/sec/ {print $2}' "$state/$1.txt")
	p50=$(awk "$ms"'$1 == "50%" {print ms($2)}' "$state/$1.txt")
	p99=$(awk "$ms"'$1 == "99%" {print ms($2)}' "$state/$1.txt")
	n=$(awk '/requests in/ {print $1}' "$state/$1.txt")
	echo "$rps $p50 $p99 $n"
}

ticks() {	# CPU clock ticks (user + system) used so far by our processes named $1
	for p in $(pgrep -P "$lpid" -x "$1"); do awk '{print $14 + $15}' /proc/$p/stat; done |
	    awk '{s += $1} END {print s + 0}'
}

lticks() {	# CPU clock ticks used so far by lighttpd itself
	awk '{print $14 + $15}' /proc/$lpid/stat
}

mticks() {	# clock ticks the whole machine has been busy (every process, the kernel)
	awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

# cpu NAME PROC URL BODY HEADERS [SCRIPT]: runs, then appends the CPU
# nanoseconds per request of the processes PROC, of lighttpd and of the
# whole machine (wrk included) to $state/NAME.cpu.
cpu() {
	t0=$(ticks "$2") l0=$(lticks) m0=$(mticks)
	line=$(run "$1" "$3" "$4" "$5" "${6:-post.lua}")
	t1=$(ticks "$2") l1=$(lticks) m1=$(mticks)
	echo "$line"
	hz=$(getconf CLK_TCK)
	echo "$line $t0 $t1 $l0 $l1 $m0 $m1" | awk -v hz="$hz" '{
	    k = 1e9 / hz / $4
	    printf "%d %d %d\n", ($6 - $5) * k, ($8 - $7) * k, ($10 - $9) * k }' >>"$state/$1.cpu"
}

rss() {	# total RSS (KiB) of the /mcp responders (auth), not /bench/open
	for p in $(pgrep -P "$lpid" -x mcp.fcgi); do
		tr '\0' '\n' <"/proc/$p/environ" | grep -q '/mcp-fcgi.conf$' &&
		    awk '/^VmRSS/ {print $2}' "/proc/$p/status"
	done | awk '{s += $1} END {print s + 0}'
}
rsspid() {	# RSS (KiB) of process $1
	ps -o rss= -p "$1" | awk '{s += $1} END {print s + 0}'
}
maxrss() {	# run "$1" every 0.5 s while process $2 lives; print the peak
	peak=0
	while kill -0 "$2" 2>/dev/null; do
		r=$($1)
		[ "$r" -gt "$peak" ] && peak=$r
		sleep 0.5
	done
	echo "$peak"
}

median() { sort -n | sed -n "$(((rounds + 1) / 2))p"; }

# Distinct tokens: enough for the fastest plausible run, one file a round.
ntok=$((dur * 25000))
echo "minting $((rounds * ntok)) distinct RS256 tokens..."
for round in $(seq "$rounds"); do
	"$build/bench-mint" "$state/keys/$kid.pem" "$kid" "$base" "$base/mcp" \
	    "$ntok" >"$state/tokens.$round"
done

# The rows compared with the ceiling, one function each, so that a round
# can run them in either order.
ceil_fixed() { cpu fixed bench-fixed.fcg "$base/bench/fixed" "$MCALL" "$MH" >>"$state/f"; }
ceil_bare() { cpu bare bench-fixed.fcg "$base/bench/bare" "$MCALL" "$MH" >>"$state/b"; }
ceil_open() { cpu open mcp.fcgi "$base/bench/open" "$MCALL" "$MH" >>"$state/o"; }
ceil_rtfixed() {
	WRK_THREADS=1 WRK_CONNS=1 run rtfixed "$base/bench/fixed" "$MCALL" "$MH" >>"$state/rf"
}
ceil_rtopen() {
	WRK_THREADS=1 WRK_CONNS=1 run rtopen "$base/bench/open" "$MCALL" "$MH" >>"$state/ro"
}

# Warm up, then the interleaved rounds; each figure is the median.
run warm "$base/mcp" "$MCALL" "$MH|$AUTH" >/dev/null
run warmp "$peer" "$CALL" "$PH" >/dev/null
rss0=$(rss)
for x in f b o t d s p l c g rf ro; do : >"$state/$x"; done
: >"$state/peak.mcp"; : >"$state/peak.node"
for round in $(seq "$rounds"); do
	# The very request of the no-auth row: only the responder differs.
	# Odd rounds run the ceiling first, even rounds the no-auth row.
	order="fixed bare open rtfixed rtopen"
	[ $((round % 2)) = 1 ] || order=$(echo "$order" | tr ' ' '\n' | tac)
	for x in $order; do "ceil_$x"; done
	( cpu token mcp.fcgi "$base/mcp" "$MCALL" "$MH|$AUTH" >"$state/t.line" ) &
	maxrss rss $! >>"$state/peak.mcp"
	cat "$state/t.line" >>"$state/t"
	BENCH_TOKENS=$state/tokens.$round cpu distinct mcp.fcgi "$base/mcp" \
	    "$MCALL" "$MH" tokens.lua >>"$state/d"
	cpu session mcp.fcgi "$base/mcp" "$CALL" "$SH" >>"$state/s"
	cpu list mcp.fcgi "$base/mcp" "$LOCALL" "$LOH" >>"$state/l"
	cpu create mcp.fcgi "$base/mcp" "$COCALL" "$COH" >>"$state/c"
	cpu get mcp.fcgi "$base/mcp" "$GOCALL" "$GOH" >>"$state/g"
	( run peer "$peer" "$CALL" "$PH" >"$state/p.line" ) &
	maxrss "rsspid $ppid" $! >>"$state/peak.node"
	cat "$state/p.line" >>"$state/p"
done
rss1=$(rss)
total=$(cat "$state/t" "$state/d" "$state/s" | awk '{s += $4} END {print s}')
# Flat RSS: with caches and pools warm, at least 100,000 more requests
# (reused token, then distinct tokens again) must not grow the responders.
flat=0
rss2=$(rss)
while [ "$flat" -lt 100000 ]; do
	n=$(run flat "$base/mcp" "$MCALL" "$MH|$AUTH" | awk '{print $4}')
	flat=$((flat + n))
done
BENCH_TOKENS=$state/tokens.1 run flatd "$base/mcp" "$MCALL" "$MH" tokens.lua >/dev/null
flat=$((flat + $(awk '/requests in/ {print $1}' "$state/flatd.txt")))
rss3=$(rss)
col() { awk -v c="$2" '{print $c}' "$state/$1" | median; }
ratio() { echo "$1 $2" | awk '{printf "%.2f", $1 / $2}'; }
row() {	# row LABEL FILE RATIO
	printf '%-40s %9s %9s %9s %8s\n' "$1" "$(col "$2" 1)" "$(col "$2" 2)" "$(col "$2" 3)" "$3"
}
echo "rounds (req/s): list_organizations $(awk '{printf "%s ", $1}' "$state/l")| create_organization $(awk '{printf "%s ", $1}' "$state/c")| get_organization $(awk '{printf "%s ", $1}' "$state/g")"
echo "rounds (req/s): fixed $(awk '{printf "%s ", $1}' "$state/f")| bare $(awk '{printf "%s ", $1}' "$state/b")| no-auth $(awk '{printf "%s ", $1}' "$state/o")| token $(awk '{printf "%s ", $1}' "$state/t")| distinct $(awk '{printf "%s ", $1}' "$state/d")| session $(awk '{printf "%s ", $1}' "$state/s")| sdk-peer $(awk '{printf "%s ", $1}' "$state/p")"

# The same ratios round by round (each pair ran back to back): the spread
# shows how much of a difference this machine can resolve.
pairs() { paste -d' ' "$state/$1" "$state/$2" | awk '{printf "%.2f ", $1 / $5}'; }
echo "rounds (ratios): one connection no-auth/fixed $(pairs ro rf)| no-auth/fixed $(pairs o f)| no-auth/bare $(pairs o b)| token/no-auth $(pairs t o)| distinct/no-auth $(pairs d o)"

f=$(col f 1) b=$(col b 1) o=$(col o 1) t=$(col t 1) d=$(col d 1) s=$(col s 1) p=$(col p 1)
l=$(col l 1) c=$(col c 1) g=$(col g 1)
printf '\nmcp-fcgi bench: wrk -t2 -c%s -d%ss x %s rounds (medians) through lighttpd, 2 FastCGI processes x 8 threads\n\n' "$conns" "$dur" "$rounds"
printf '%-40s %9s %9s %9s %8s\n' "" "req/s" "p50 ms" "p99 ms" "ratio"
row "fixed answer, same bytes (ceiling)" f "1.00"
row "fixed answer, bare headers" b "$(ratio "$b" "$f") of ceiling"
row "tools/call echo, no auth" o "$(ratio "$o" "$f") of ceiling (target 0.90); $(ratio "$o" "$b") of bare"
row "  with one reused RS256 token" t "$(ratio "$t" "$o") of no-auth (target 0.90)"
row "  with a distinct RS256 token each" d "$(ratio "$d" "$o") of no-auth (target 0.75)"
row "  2025-11-25 session, token" s "$(ratio "$s" "$f") of ceiling"
row "list_organizations, page of 50, token" l "$(ratio "$l" "$t") of echo+token"
row "create_organization, token" c "$(ratio "$c" "$g") of get (target 0.50); p99 target 20 ms"
row "get_organization, token" g "$(ratio "$g" "$t") of echo+token"
row "TypeScript SDK peer (stateless, jose)" p "1.00"
rf=$(col rf 1) ro=$(col ro 1)
printf '\none connection (wrk -t1 -c1): each rate is one over the round trip\n'
row "fixed answer, same bytes (ceiling)" rf "1.00"
row "tools/call echo, no auth" ro "$(ratio "$ro" "$rf") of ceiling (target 0.90)"
printf '\nours / TypeScript SDK, same RS256 token: %sx (target 10x); distinct tokens: %sx\n' \
    "$(ratio "$t" "$p")" "$(ratio "$d" "$p")"
fc=$(col fixed.cpu 1) oc=$(col open.cpu 1) tc=$(col token.cpu 1)
dc=$(col distinct.cpu 1)
# CPU per request: what each row costs the responders, lighttpd and the
# whole machine.  On a CPU-bound run the machine's figures set the req/s
# ratios, without the run-to-run noise of req/s.
us() { echo "$1" | awk '{printf "%.1f", $1 / 1000}'; }
cpurow() {	# cpurow LABEL NAME
	printf '  %-34s %10s %10s %10s\n' "$1" "$(us "$(col "$2.cpu" 1)")" \
	    "$(us "$(col "$2.cpu" 2)")" "$(us "$(col "$2.cpu" 3)")"
}
printf '\nCPU per request, us (medians)        responders   lighttpd    machine\n'
cpurow "fixed answer (ceiling)" fixed
cpurow "fixed answer, bare headers" bare
cpurow "tools/call echo, no auth" open
cpurow "  with one reused RS256 token" token
cpurow "  with a distinct RS256 token each" distinct
cpurow "  2025-11-25 session, token" session
fm=$(col fixed.cpu 3) bm=$(col bare.cpu 3) om=$(col open.cpu 3) tm=$(col token.cpu 3) dm=$(col distinct.cpu 3)
printf 'the same ratios from machine CPU: no-auth/ceiling %s (/bare %s), reused/no-auth %s, distinct/no-auth %s\n' \
    "$(ratio "$fm" "$om")" "$(ratio "$bm" "$om")" "$(ratio "$om" "$tm")" "$(ratio "$om" "$dm")"
printf 'responder CPU over the ceiling: no-auth +%s us; reused token +%s us and distinct +%s us over no-auth\n' \
    "$(us $((oc - fc)))" "$(us $((tc - oc)))" "$(us $((dc - oc)))"
# A distinct token costs at least one RSA-2048 verification more than a
# request without auth; OpenSSL's own figure for that operation on this
# machine bounds the distinct-token ratio whatever the rest costs.
rsa=$(openssl speed -seconds 1 rsa2048 2>/dev/null | awk '$1 == "rsa" && $2 == "2048" {sub("s", "", $5); print $5 * 1e9}')
if [ -n "$rsa" ]; then
	printf 'RSA-2048 verification alone (openssl speed): %s us, so distinct/no-auth cannot exceed %s on this machine\n' \
	    "$(us "$rsa")" "$(echo "$om $rsa" | awk '{printf "%.2f", $1 / ($1 + $2)}')"
fi
printf '\nmemory under load (peak RSS during the reused-token and peer runs): ours %s KiB\n(the 2 /mcp processes x 8 threads together), TypeScript SDK peer %s KiB (1 process)\n' \
    "$(sort -n "$state/peak.mcp" | tail -1)" "$(sort -n "$state/peak.node" | tail -1)"
printf '/mcp responders RSS: %s KiB after warm-up, %s KiB after %s more requests (%+d KiB: caches\nand SQLite page caches filling); then %s KiB after %s more (%+d KiB)\n' \
    "$rss0" "$rss1" "$total" "$((rss1 - rss0))" "$rss3" "$flat" "$((rss3 - rss2))"
# Held streams: BENCH_STREAMS (500) GET streams of as many sessions,
# each subscribed to the workspace document, held while wrk drives the
# token row; the throughput with and without them, the memory they take,
# and the latency of one change notice fanned out to all of them.
nstreams=${BENCH_STREAMS:-500}
scid=$($ctl client add --name bench-streams --workspace "$ws" \
    --scopes "wks:read wks:write" | jq -r .client_id)
stok=$($ctl token --client "$scid" --ttl 3600 | jq -r .access_token)
: >"$state/sw"; : >"$state/so"
run nostreams "$base/mcp" "$MCALL" "$MH|$AUTH" >>"$state/so"
r0=$(rss) lr0=$(rsspid "$lpid")
python3 tests/bench/streams.py "$base" "$stok" "$nstreams" "$state/go" \
    >"$state/streams.out" 2>&1 &
spid=$!
for _ in $(seq 600); do
	grep -q '^held' "$state/streams.out" && break
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.2
done
grep -q "^held $nstreams\$" "$state/streams.out" || {
	echo "bench: the streams were not all held" >&2; cat "$state/streams.out" >&2; exit 1; }
sleep 1
r1=$(rss) lr1=$(rsspid "$lpid")
for _ in 1 2 3; do
	run withstreams "$base/mcp" "$MCALL" "$MH|$AUTH" >>"$state/sw"
	run nostreams "$base/mcp" "$MCALL" "$MH|$AUTH" >/dev/null
done
touch "$state/go"
wait "$spid"
if grep -q '^missing' "$state/streams.out"; then
	echo "bench: change notices did not reach every stream" >&2
	cat "$state/streams.out" >&2; exit 1
fi
sed '1,/^latencies$/d' "$state/streams.out" | sort -n >"$state/lat"
pct() { awk -v q="$1" '{v[NR] = $1} END {i = int(NR * q / 100 + 0.999); if (i < 1) i = 1; print v[i]}' "$state/lat"; }
sw=$(awk '{print $1}' "$state/sw" | sort -n | sed -n 2p)
so=$(awk '{print $1}' "$state/so")
poll=$(awk '$1 == "stream_poll_ms" {print $3}' "$state/mcp-fcgi.conf")
printf '
held streams: %s GET streams of as many sessions, held by the 2 /mcp processes
' "$nstreams"
printf '  tools/call echo, token: %s req/s without them, %s with them held (median of 3): %s (target 0.80)
' \
    "$so" "$sw" "$(ratio "$sw" "$so")"
printf '  memory: responders %+d KiB (%s KiB a stream, target under 64), lighttpd %+d KiB (%s KiB a connection)
' \
    "$((r1 - r0))" "$(echo "$r1 $r0 $nstreams" | awk '{printf "%.1f", ($1 - $2) / $3}')" \
    "$((lr1 - lr0))" "$(echo "$lr1 $lr0 $nstreams" | awk '{printf "%.1f", ($1 - $2) / $3}')"
printf '  one change notice to all %s streams, %s deliveries: p50 %s ms, p99 %s ms (target p99 under 100)
' \
    "$nstreams" "$(wc -l <"$state/lat")" "$(pct 50)" "$(pct 99)"
printf '  the floor: a stream held by the process that did not make the change hears of it
  when its stream thread next reads the store, every stream_poll_ms (%s ms here)
' "$poll"

printf '\nin memory, no web server: '
"$build/bench-micro" 100000

# The same call behind each web server the tests deploy (servers.sh).
bash tests/bench/servers.sh "$build"

# The reference application's rows again on a PostgreSQL store (orgs.sh).
sh tests/bench/orgs.sh "$build"
