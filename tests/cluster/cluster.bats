#!/usr/bin/env bats
# Several hosts, no stickiness (tests/cluster/topology.sh): three hosts
# in network namespaces, each its own lighttpd and responders, one
# PostgreSQL, a round-robin balancer in front with no affinity.  Every
# request goes through the balancer; X-Host tells which host answered,
# and where a claim is "another host" the test shows the hosts differ.
#
# MCP_CLUSTER_DIR: the topology's directory (default: a new one under
# /tmp); MCP_BUILD: the build (default build); MCP_CLUSTER_STORE=sqlite
# runs the same tests with the hosts sharing one SQLite file.

load ../bats/helper

setup_file() {
	CDIR=${MCP_CLUSTER_DIR:-$(mktemp -u /tmp/mcpc.XXXXXX)}
	export CDIR
	bash "$ROOT/tests/cluster/topology.sh" up "$CDIR" "$BUILD" 3 \
	    >/dev/null 3>&-
	. "$CDIR/topo.env"
	STATE=$CDIR/t
	mkdir -p "$STATE"
	WA=$($MCPCTL workspace add --name Acme | jq -r .id)
	[[ "$WA" =~ ^wks_ ]] || { echo "workspace add: $WA" >&2; return 1; }
	local c
	c=$($MCPCTL client add --name cluster --scopes "$ALL_SCOPES" \
	    --workspace "$WA")
	CLIENT_ID=$(jq -r .client_id <<<"$c")
	CLIENT_SECRET=$(jq -r .client_secret <<<"$c")
	TA=$($MCPCTL token --client "$CLIENT_ID" | jq -r .access_token)
	TA2=$(token_for "$ALL_SCOPES" "$WA")
	[ -n "$TA" ] && [ "$TA" != null ] && [ -n "$TA2" ] && [ "$TA2" != null ]
	export CDIR STATE BASE PORT MCPCTL PSQL WA TA TA2 CLIENT_ID \
	    CLIENT_SECRET ID NET
}

teardown_file() {
	kill_listeners
	[ -n "${CDIR:-}" ] && bash "$ROOT/tests/cluster/topology.sh" down \
	    "$CDIR" 3>&-
}

setup() { URL=$BASE/mcp; }
teardown() { kill_listeners; }

# sql QUERY: one value from the shared store.
sql() {
	if [ "${MCP_CLUSTER_STORE:-pg}" = sqlite ]; then
		sqlite3 "$CDIR/shared/mcp.db" "$1"
	else
		$PSQL -c "$1"
	fi
}

# answered: the host that answered the last request (X-Host).
answered() { header X-Host; }

# rpc_answer: the JSON-RPC answer of the last POST, JSON or the last
# data line of an SSE body.
rpc_answer() {
	if [[ "$(header Content-Type)" == text/event-stream* ]]; then
		sse_data | tail -1
	else
		printf '%s' "$BODY"
	fi
}

# change TOKEN: the workspace renamed (a change its subscribers hear
# of), through the balancer; HOST is the host that made it.
change() {
	TOKEN=$1 mpost tools/call '"name":"update_workspace","arguments":{"name":"Acme '"$RANDOM"'"}' \
	    -H 'Mcp-Name: update_workspace'
	[ "$STATUS" = 200 ] || { echo "change: $STATUS $BODY" >&2; return 1; }
	HOST=$(answered)
}

# listen NAME VERSION [curl args]: the GET stream of session $SID (as
# $TA2), held by curl in the background: $STATE/NAME.h, $STATE/NAME.b.
listen() {
	local n=$1 v=$2
	shift 2
	rm -f "$STATE/$n.h" "$STATE/$n.b"
	curl -sN -D "$STATE/$n.h" "$URL" -H 'Accept: text/event-stream' \
	    -H "Authorization: Bearer $TA2" -H "Mcp-Session-Id: $SID" \
	    -H "MCP-Protocol-Version: $v" "$@" >"$STATE/$n.b" 3>&- &
	held "$n" $!
	for _ in $(seq 100); do
		grep -q '^HTTP/1.1 200' "$STATE/$n.h" 2>/dev/null && break
		sleep 0.05
	done
	grep -q '^HTTP/1.1 200' "$STATE/$n.h" ||
	    { echo "stream $n: $(cat "$STATE/$n.h" "$STATE/$n.b")" >&2;
	    return 1; }
}

# host_of NAME: the host holding stream NAME.
host_of() {
	grep -i '^X-Host:' "$STATE/$1.h" | cut -d' ' -f2 | tr -d '\r'
}

# ids NAME: the ids of stream NAME's events, space-separated.
ids() {
	sed -n 's/^id: //p' "$STATE/$1.b" | tr '\n' ' '
}

# watcher VERSION: a session of $TA2 subscribed to its workspace.
watcher() {
	TOKEN=$TA2 init_session "$1"
	TOKEN=$TA2 spost "$1" '{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"mcp-fcgi://workspace"}}'
	[ "$STATUS" = 200 ]
	rpc_answer | jq -e '.result == {}' >/dev/null
}

@test "the balancer spreads requests round-robin over the three hosts, with no affinity" {
	local seen=
	for i in $(seq 6); do
		req GET "$BASE/.well-known/oauth-protected-resource/mcp"
		[ "$STATUS" = 200 ]
		jqb ".resource == \"$BASE/mcp\""
		seen="$seen $(answered)"
	done
	echo "answered by:$seen"
	# Each host in turn, whatever came before: no host twice in a row.
	[ "$(tr ' ' '\n' <<<"$seen" | sort -u | grep -c .)" = 3 ]
	! grep -qE '(h[0-9]) \1( |$)' <<<"$seen" || false
}

@test "a token of the built-in authorization server, got through one host, is accepted by every host" {
	req POST "$BASE/oauth/token" -u "$CLIENT_ID:$CLIENT_SECRET" \
	    -d grant_type=client_credentials
	[ "$STATUS" = 200 ]
	local t issuer seen=
	issuer=$(answered)
	t=$(jq -r .access_token <<<"$BODY")
	for i in $(seq 3); do
		TOKEN=$t mpost tools/call '"name":"whoami","arguments":{}' \
		    -H 'Mcp-Name: whoami'
		[ "$STATUS" = 200 ]
		jqb ".result.structuredContent.workspace == \"$WA\" or (.result.content[0].text | contains(\"$WA\"))"
		seen="$seen $(answered)"
	done
	echo "token from $issuer; whoami answered by:$seen"
	[ "$(tr ' ' '\n' <<<"$seen" | sort -u | grep -c .)" = 3 ]
}

@test "a 2025 session begun on one host continues on the others, and ended on one it is gone on all" {
	TOKEN=$TA init_session 2025-03-26
	local first seen= other=
	# initialize answered, then notifications/initialized (init_session).
	first=$(grep -i '^X-Host:' "$STATE/h" | cut -d' ' -f2 | tr -d '\r')
	for i in $(seq 2 5); do
		TOKEN=$TA spost 2025-03-26 '{"jsonrpc":"2.0","id":'$i',"method":"tools/call","params":{"name":"whoami","arguments":{}}}'
		[ "$STATUS" = 200 ]
		rpc_answer | jq -e ".id == $i and .result.isError != true" >/dev/null
		seen="$seen $(answered)"
	done
	echo "session $SID begun on $first; calls answered by:$seen"
	[ "$(tr ' ' '\n' <<<"$seen" | sort -u | grep -c .)" = 3 ]
	# Ended on one host: every other host answers 404 for it.
	TOKEN=$TA req DELETE "$URL" -H "Authorization: Bearer $TA" \
	    -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-03-26'
	[ "$STATUS" = 200 ] || [ "$STATUS" = 204 ]
	local ender=$(answered)
	for i in 1 2; do
		TOKEN=$TA spost 2025-03-26 '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"whoami","arguments":{}}}'
		[ "$STATUS" = 404 ]
		[ "$(answered)" != "$ender" ] && other=1
	done
	echo "ended on $ender"
	[ -n "$other" ]
}

@test "a GET stream held on one host receives a change made through another" {
	watcher 2025-11-25
	listen a 2025-11-25
	seen a '^retry:'
	local holder s
	holder=$(host_of a)
	s=$(sed -n 's/^id: \([0-9a-f]*\)-0$/\1/p' "$STATE/a.b" | head -1)
	[ -n "$holder" ] && [ -n "$s" ]
	# Round-robin: the next change is made on another host.
	for i in $(seq 3); do
		change "$TA"
		[ "$HOST" != "$holder" ] && break
	done
	echo "stream held by $holder, change made by $HOST (change $i)"
	[ "$HOST" != "$holder" ]
	seen a "^id: $s-$i\$" 3
	grep '^data: {' "$STATE/a.b" | tail -1 | sed 's/^data: //' |
	    jq -e '. == {"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"mcp-fcgi://workspace"}}' >/dev/null
	# Still open: delivered as it happened, not at a reconnection.
	kill -0 "$(cat "$STATE/a.pid")"
}

@test "a server-to-client request sent from one host is answered by a POST that lands on another" {
	URL=$BASE/conformance/mcp
	NOAUTH=1 init_session 2025-11-25
	curl -sN -o "$STATE/e.b" -D "$STATE/e.h" -m 30 -X POST "$URL" \
	    -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
	    -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary '{"jsonrpc":"2.0","id":"e1","method":"tools/call","params":{"name":"test_elicitation","arguments":{"message":"Who?"}}}' 3>&- &
	local pid=$! q id asker
	for _ in $(seq 100); do
		grep -q 'elicitation/create' "$STATE/e.b" 2>/dev/null && break
		sleep 0.05
	done
	q=$(sed -n 's/^data: \(.*elicitation\/create.*\)$/\1/p' "$STATE/e.b")
	jqo '.params.message == "Who?"' "$q"
	id=$(jq -r .id <<<"$q")
	asker=$(host_of e)
	# Round-robin: once a request was answered by the asking host, the
	# next goes to another.
	for _ in $(seq 3); do
		req GET "$BASE/.well-known/oauth-protected-resource/mcp"
		[ "$(answered)" = "$asker" ] && break
	done
	NOAUTH=1 spost 2025-11-25 '{"jsonrpc":"2.0","id":"'"$id"'","result":{"action":"accept","content":{"username":"u","email":"u@example.com"}}}'
	[ "$STATUS" = 202 ]
	echo "asked by $asker, answered through $(answered)"
	[ "$(answered)" != "$asker" ]
	wait $pid
	jqo '.result.content[0].text == "User response: action=accept, content={\"username\":\"u\",\"email\":\"u@example.com\"}"' \
	    "$(sed -n 's/^data: \(.*"id":"e1".*\)$/\1/p' "$STATE/e.b")"
}

# kill_mid_burst VICTIM: four clients make 250 organizations each through
# the balancer (tests/cluster/burst.py: a line per answer in
# $STATE/burst.W: time, status, host, the acknowledged id or -); once 60
# are acknowledged, every process of host VICTIM
# (hI) is killed with SIGKILL.  Then: every acknowledged write is in the
# store, the survivors answered the rest, and nothing came from VICTIM
# half a second after the kill.  Sets TK, the kill's time (ns).
kill_mid_burst() {
	local victim=$1 n acked before after present lost pids
	TOKEN=$TA mpost tools/call '"name":"create_environment","arguments":{"name":"burst-'"$RANDOM$RANDOM"'","type":"staging"}' \
	    -H 'Mcp-Name: create_environment'
	ENV=$(jq -r .result.structuredContent.id <<<"$BODY")
	[[ "$ENV" =~ ^env_ ]]
	before=$(sql "SELECT count(*) FROM organizations WHERE environment = '$ENV'")
	rm -f "$STATE"/burst*
	python3 "$ROOT/tests/cluster/burst.py" "$URL" "$TA" "$ENV" 4 250 \
	    "$STATE/burst" 3>&- &
	pids=$!
	# Mid-burst: once some writes were acknowledged.
	for _ in $(seq 200); do
		n=$(cat "$STATE"/burst.[0-9] 2>/dev/null | awk '$4 != "-"' | wc -l)
		[ "$n" -ge 60 ] && break
		sleep 0.05
	done
	TK=$(date +%s%N)
	bash "$ROOT/tests/cluster/topology.sh" kill "$CDIR" "${victim#h}" 3>&-
	[ -z "$(ip netns pids "$ID-${victim#h}")" ]
	wait $pids
	cat "$STATE"/burst.[0-9] | sort -n >"$STATE/burst"
	acked=$(awk '$4 != "-"' "$STATE/burst" | wc -l)
	after=$(awk -v t="$TK" '$1 > t && $4 != "-"' "$STATE/burst" | wc -l)
	awk '$4 != "-" { print $4 }' "$STATE/burst" | sort -u >"$STATE/acked"
	present=$(sql "SELECT count(*) FROM organizations WHERE environment = '$ENV'")
	sql "SELECT id FROM organizations WHERE environment = '$ENV'" |
	    sort -u >"$STATE/present"
	lost=$(comm -23 "$STATE/acked" "$STATE/present" | wc -l)
	echo "host $victim killed after $n acknowledged; requests $(wc -l <"$STATE/burst"), by status:" \
	    "$(awk '{ print $2 }' "$STATE/burst" | sort | uniq -c | tr '\n' ' ')"
	echo "organizations before the burst $before, acknowledged $acked" \
	    "($after after the kill), in the store after $present, acknowledged but missing $lost"
	echo "answered before the kill by: $(awk -v t="$TK" '$1 <= t { print $3 }' "$STATE/burst" | sort | uniq -c | tr '\n' ' ')"
	echo "answered from 0.5 s after the kill by: $(awk -v t="$TK" '$1 > t + 500000000 { print $3 }' "$STATE/burst" | sort | uniq -c | tr '\n' ' ')"
	[ "$lost" = 0 ]
	[ "$acked" -gt 60 ]
	[ "$after" -gt 0 ]
	! awk -v t="$TK" '$1 > t + 500000000 { print $3 }' "$STATE/burst" |
	    grep -qx "$victim" || false
	# Nothing there that was not asked for.
	[ "$present" -ge "$acked" ]
	[ "$present" -le $((before + 1000)) ]
}

# revive VICTIM: the killed host started again, answering through the
# balancer (which left it out for a second).
revive() {
	bash "$ROOT/tests/cluster/topology.sh" start "$CDIR" "${1#h}" 3>&-
	for _ in $(seq 50); do
		req GET "$BASE/.well-known/oauth-protected-resource/mcp"
		[ "$(answered)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "$1 never answered again" >&2
	return 1
}

@test "killing a host (kill -9, all its processes) mid-burst loses no acknowledged write; its clients go on on the others" {
	kill_mid_burst h2
	revive h2
}

@test "a 2025-03-26 GET stream held on a host killed mid-burst resumes on another with Last-Event-ID, with what it missed" {
	# A 2025-03-26 stream, and the host holding it is the one killed.
	watcher 2025-03-26
	listen a 2025-03-26
	local victim s e1 k
	victim=$(host_of a)
	change "$TA"
	seen a 'notifications/resources/updated' 3
	e1=$(sed -n 's/^id: //p' "$STATE/a.b" | tail -1)
	s=${e1%-*} k=${e1##*-}
	[ -n "$s" ] && [ "$e1" = "$s-$k" ]
	kill_mid_burst "$victim"
	# The stream's client saw its connection end.
	for _ in $(seq 50); do
		kill -0 "$(cat "$STATE/a.pid")" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$(cat "$STATE/a.pid")" 2>/dev/null || false
	# Changes while it is away, made on the other hosts.
	change "$TA"
	[ "$HOST" != "$victim" ]
	change "$TA"
	[ "$HOST" != "$victim" ]
	# It resumes with Last-Event-ID on another host: the events it
	# missed, in order, then live.
	listen b 2025-03-26 -H "Last-Event-ID: $e1"
	echo "stream $s was held by $victim, resumed on $(host_of b) from $e1: $(ids b)"
	[ "$(host_of b)" != "$victim" ]
	seen b "^id: $s-$((k + 2))\$" 5
	[ "$(ids b)" = "$s-$((k + 1)) $s-$((k + 2)) " ]
	change "$TA"
	seen b "^id: $s-$((k + 3))\$" 5
	revive "$victim"
}
