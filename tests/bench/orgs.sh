#!/bin/sh
# orgs.sh BUILD: the reference application's rows of `make bench` on a
# PostgreSQL store (tests/pg.sh, on this machine, over its socket), with
# the same server, load and requests as run.sh's SQLite rows:
# list_organizations (a page of 50), create_organization and
# get_organization with a token, BENCH_ROUNDS rounds, medians.  Prints
# the rows and create's ratio to get (target 0.50, p99 under 20 ms).
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dur=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-5}
[ $((rounds % 2)) = 1 ] || rounds=$((rounds + 1))
conns=${BENCH_CONNS:-32}
state=$(mktemp -d /tmp/mcpfcgi-bench-pg.XXXXXX)
chmod 711 "$state"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=$(sh tests/pg.sh start "$state/pg")
lpid=
trap 'kill $lpid 2>/dev/null; wait $lpid 2>/dev/null || true; sh tests/pg.sh stop "$state/pg"; rm -rf "$state"' EXIT
sh etc/mkconf.sh "$state" "$port" "$build" 2 0 1
# sed would read the URL's & as the matched text.
sedurl=$(printf '%s' "$url" | sed 's/[&|\\]/\\&/g')
for f in mcp-fcgi.conf mcp-fcgi-open.conf; do
	sed -i -e 's/^log_level = info/log_level = warning/' \
	    -e "s|^store_path = .*|store_path = $sedurl|" \
	    -e 's/^subject_max_share_percent = .*/subject_max_share_percent = 100/' \
	    -e 's/^workspace_max_organizations = .*/workspace_max_organizations = 100000000/' \
	    "$state/$f"
done
ctl="$build/mcpctl -f $state/mcp-fcgi.conf"
$ctl init >/dev/null
/usr/sbin/lighttpd -D -f "$state/lighttpd.conf" >"$state/out" 2>&1 &
lpid=$!
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -s -o /dev/null "$base/" && break; sleep 0.05; done

H='Content-Type: application/json'
A='Accept: application/json, text/event-stream'
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
ws=$($ctl workspace add --name bench | jq -r .id)
ocid=$($ctl client add --name bench-org --workspace "$ws" \
    --scopes "env:write org:read org:write" | jq -r .client_id)
otok=$($ctl token --client "$ocid" --ttl 3600 | jq -r .access_token)
OAUTH="Authorization: Bearer $otok"
call() {	# call TOOL ARGS: the answer's body
	curl -s "$base/mcp" -H "$H" -H "$A" -H "$OAUTH" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' \
	    -H "Mcp-Name: $1" \
	    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"'"$1"'","arguments":'"$2"','"$META"'}}'
}
env=$(call create_environment '{"name":"bench","type":"production"}' |
    jq -r .result.structuredContent.id)
for _ in $(seq 200); do
	call create_organization '{"environment_id":"'"$env"'","name":"Bench Org"}' |
	    grep -q '"id":"org_' || { echo "bench-pg: create failed" >&2; exit 1; }
done
org=$(call create_organization '{"environment_id":"'"$env"'","name":"Bench Org","metadata":{"plan":"free"}}' |
    jq -r .result.structuredContent.id)
call get_organization '{"organization_id":"'"$org"'"}' | grep -q "\"id\":\"$org\"" ||
    { echo "bench-pg: get failed" >&2; exit 1; }
COCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_organization","arguments":{"environment_id":"'"$env"'","name":"Bench Org","metadata":{"plan":"free"}},'"$META"'}}'
LOCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_organizations","arguments":{"environment_id":"'"$env"'","page_size":50},'"$META"'}}'
GOCALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_organization","arguments":{"organization_id":"'"$org"'"},'"$META"'}}'
COH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: create_organization|$OAUTH"
LOH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: list_organizations|Mcp-Param-Environment-Id: $env|$OAUTH"
GOH="MCP-Protocol-Version: 2026-07-28|Mcp-Method: tools/call|Mcp-Name: get_organization|$OAUTH"

ms='function ms(v) { if (v ~ /us$/) return sprintf("%.3f", v / 1000)
	if (v ~ /ms$/) return sprintf("%.3f", v + 0)
	if (v ~ /s$/) return sprintf("%.3f", v * 1000); return v }'
run() {	# run NAME BODY HEADERS: "rps p50 p99"
	BENCH_BODY=$2 BENCH_HEADERS=$3 wrk -t2 -c"$conns" -d"${dur}s" \
	    --latency -s tests/bench/post.lua "$base/mcp" >"$state/$1.txt" 2>&1
	if grep -q 'Non-2xx' "$state/$1.txt"; then
		echo "bench-pg: $1 had non-2xx answers" >&2; cat "$state/$1.txt" >&2; exit 1
	fi
	echo "$(awk '/^Requests\/sec/ {print $2}' "$state/$1.txt")" \
	    "$(awk "$ms"'$1 == "50%" {print ms($2)}' "$state/$1.txt")" \
	    "$(awk "$ms"'$1 == "99%" {print ms($2)}' "$state/$1.txt")"
}
: >"$state/l"; : >"$state/c"; : >"$state/g"
run warm "$GOCALL" "$GOH" >/dev/null
for _ in $(seq "$rounds"); do
	run list "$LOCALL" "$LOH" >>"$state/l"
	run create "$COCALL" "$COH" >>"$state/c"
	run get "$GOCALL" "$GOH" >>"$state/g"
done
# Every create must have been a write, not an isError answer.
made=$(PGPASSFILE=$state/pg/pgpass \
    psql -X -tA -h "$state/pg/run" -p "$(cat "$state/pg/port")" -U mcp mcp \
    -c "SELECT count(*) FROM organizations")
median() { sort -n | sed -n "$(((rounds + 1) / 2))p"; }
col() { awk -v c="$2" '{print $c}' "$state/$1" | median; }
row() { printf '%-40s %9s %9s %9s %8s\n' "$1" "$(col "$2" 1)" "$(col "$2" 2)" "$(col "$2" 3)" "$3"; }
c=$(col c 1) g=$(col g 1)
echo "rounds (req/s), PostgreSQL: list_organizations $(awk '{printf "%s ", $1}' "$state/l")| create_organization $(awk '{printf "%s ", $1}' "$state/c")| get_organization $(awk '{printf "%s ", $1}' "$state/g")"
printf '\nthe same on PostgreSQL 15 (same machine, over its socket; %s organizations made)\n' "$made"
printf '%-40s %9s %9s %9s %8s\n' "" "req/s" "p50 ms" "p99 ms" "ratio"
row "list_organizations, page of 50, token" l ""
row "create_organization, token" c "$(echo "$c $g" | awk '{printf "%.2f", $1 / $2}') of get (target 0.50); p99 target 20 ms"
row "get_organization, token" g ""
