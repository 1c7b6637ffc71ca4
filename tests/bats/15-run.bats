#!/usr/bin/env bats
# The README's first command, `make run` (etc/run.sh; dependencies and the
# build are make's part): on a fresh state it creates the store, a signing
# key, a development workspace and a client of it, prints how to connect,
# and what it prints works: the token line, then tools and resources of
# the client's workspace.  A second start keeps the same client.

load helper

# On PostgreSQL (MCP_TEST_STORE=pg), make run's store is a database of
# the test's own (MCP_STORE_PATH), as helper.bash's start_server gives.
setup() {
	STATE=$(mktemp -d /tmp/mcpfcgi-run.XXXXXX)
	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT/mcp
	AS=
	store_for "$STATE"
}
teardown() {
	[ -n "${RUNPID:-}" ] && kill "$RUNPID" 2>/dev/null && wait "$RUNPID" 2>/dev/null
	store_drop
	rm -rf "$STATE"
}

# start: etc/run.sh in the background (lighttpd's FastCGI deployment,
# whatever server the suite runs behind) until it answers; OUT is what it printed.
start() {
	env -u MCP_SERVER MCP_RUN_STATE=$STATE MCP_STORE_PATH=$STORE_URL \
	    sh "$ROOT/etc/run.sh" "$PORT" 0 "$BUILD" \
	    >"$STATE/run.out" 2>&1 9>&- 8>&- 7>&- 6>&- 5>&- 4>&- 3>&- &
	RUNPID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
		sleep 0.1
	done
	OUT=$(cat "$STATE/run.out")
}

# mcall METHOD PARAMS NAME: a 2026-07-28 request with $TOKEN.
mcall() {
	TOKEN=$TOKEN mpost "$1" "$2" -H "Mcp-Name: $3"
}

@test "make run: prints how to connect, and that works on the dev workspace" {
	start
	if [ "$STORE" = pg ]; then
		[[ "$OUT" == *"Using the store $STORE_URL"* ]]
	else
		[[ "$OUT" == *"Created the store and a signing key under $STATE"* ]]
	fi
	[[ "$OUT" == *"MCP endpoint (Streamable HTTP):   $URL"* ]]
	[[ "$OUT" == *"npx @modelcontextprotocol/inspector@2 --cli $URL"* ]]
	id=$(sed -n 's/^  client_id *//p' <<<"$OUT")
	secret=$(sed -n 's/^  client_secret *//p' <<<"$OUT")
	[ -n "$id" ] && [ -n "$secret" ]
	[ "$(stat -c %a "$STATE/dev-client.json")" = 600 ]
	# The printed token line, as a person would paste it.
	line=$(grep -A1 '^  TOKEN=' <<<"$OUT" | tr -d '\\\n')
	eval "TOKEN=${line#  TOKEN=}"
	[ -n "$TOKEN" ] && [ "$TOKEN" != null ]
	mcall tools/call '"name":"whoami","arguments":{}' whoami
	[ "$STATUS" = 200 ]
	ws=$(jq -r .result.structuredContent.workspace <<<"$BODY")
	[[ "$ws" =~ ^wks_[0-9a-f]{20}$ ]]
	# The workspace exists: tools and resources work in it at once.
	mcall tools/call '"name":"get_workspace","arguments":{}' get_workspace
	jqb '.result.structuredContent | .id == "'"$ws"'" and .name == "Development"'
	mcall tools/call '"name":"create_environment","arguments":{"name":"dev","type":"development"}' create_environment
	jqb '.result.isError != true and .result.structuredContent.type == "development"'
	mcall resources/read '"uri":"mcp-fcgi://workspace"' mcp-fcgi://workspace
	jqb '(.result.contents[0].text | fromjson).id == "'"$ws"'"'
	# Stopped and started again: the same client, no second workspace.
	kill "$RUNPID"
	wait "$RUNPID" 2>/dev/null || true
	start
	[[ "$OUT" != *"Created the store"* ]] && [[ "$OUT" != *"Using the store"* ]]
	[ "$(sed -n 's/^  client_id *//p' <<<"$OUT")" = "$id" ]
	[ "$(store_sql "SELECT count(*) FROM workspaces")" = 1 ]
}

@test "make run: a dev person to sign in as, the same password each start" {
	start
	pw=$(sed -n 's/^  password *//p' <<<"$OUT")
	[ "${#pw}" -ge 12 ]
	[ "$(stat -c %a "$STATE/dev-user.txt")" = 600 ]
	[ "$(cat "$STATE/dev-user.txt")" = "dev $pw" ]
	[[ "$OUT" == *"npx mcp-remote $URL"* ]]
	run "$ROOT/$BUILD/mcpctl" -f "$STATE/mcp-fcgi.conf" user list
	jqo '.[0].name == "dev" and (.[0].workspace | startswith("wks_")) and .[0].external == false'
	[[ "$(store_sql "SELECT pwhash FROM users WHERE name = 'dev'")" == '$argon2id$'* ]]
	kill "$RUNPID"
	wait "$RUNPID" 2>/dev/null || true
	start
	[ "$(sed -n 's/^  password *//p' <<<"$OUT")" = "$pw" ]
	[ "$(store_sql "SELECT count(*) FROM users")" = 1 ]
}

# modes: "name mode" for each path given (relative to $STATE), one a line.
modes() {
	local f
	for f in "$@"; do
		echo "$f $(stat -c %a "$STATE/$f" 2>/dev/null || echo missing)"
	done
}

# The state holds every tenant's data, session ids, the audit trail and
# the logs: the directory is 0700 and what is in it 0600 (SQLite's -wal
# and -shm take the store file's mode), lighttpd's logs too; a state made
# with wider modes (an older make run) is put right by the next start.
# (On PostgreSQL the store is not in the state: the other files are.)
@test "make run: the state is private, and an older state's modes are repaired" {
	local files="mcp.db mcp.db-wal mcp.db-shm mcp.db-wlock audit.log mcp-fcgi.log lighttpd-error.log lighttpd-access.log mcp-fcgi.conf lighttpd.conf dev-client.json"
	[ "$STORE" = pg ] && files="pgpass ${files#mcp.db mcp.db-wal mcp.db-shm mcp.db-wlock }"
	local want got
	start
	id=$(sed -n 's/^  client_id *//p' <<<"$OUT")
	secret=$(sed -n 's/^  client_secret *//p' <<<"$OUT")
	# A token and a call: the responders have the store (and its WAL)
	# open and the access log has a line.
	TOKEN=$(curl -s -u "$id:$secret" -d grant_type=client_credentials \
	    "http://127.0.0.1:$PORT/oauth/token" | jq -r .access_token)
	mcall tools/call '"name":"whoami","arguments":{}' whoami
	[ "$STATUS" = 200 ]
	want=$(for f in $files; do echo "$f 600"; done; echo ". 700";
	    echo "keys 700"; echo "run 700")
	got=$(modes $files . keys run)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2; return 1; }
	kill "$RUNPID"
	wait "$RUNPID" 2>/dev/null || true
	RUNPID=
	# As an older make run left it: world-readable.
	chmod 755 "$STATE" "$STATE/run"
	chmod 644 "$STATE"/*.log "$STATE"/*.conf
	if [ "$STORE" = sqlite ]; then
		chmod 644 "$STATE"/mcp.db*
		[ "$(stat -c %a "$STATE/mcp.db")" = 644 ]
	fi
	start
	mcall tools/call '"name":"whoami","arguments":{}' whoami
	[ "$STATUS" = 200 ]
	got=$(modes $files . keys run)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2; return 1; }
}

@test "a second make run on the same state is refused, naming the first and how to give it its own" {
	start
	[ -n "$(curl -s "http://127.0.0.1:$PORT/.well-known/oauth-protected-resource/mcp")" ]
	other=$(free_port)
	run env -u MCP_SERVER MCP_RUN_STATE=$STATE MCP_STORE_PATH=$STORE_URL \
	    sh "$ROOT/etc/run.sh" "$other" 1 "$BUILD"
	echo "$output"
	[ "$status" = 1 ]
	[[ "$output" == *"$STATE is in use by another running server (port $PORT, pid "* ]]
	[[ "$output" == *"make run PORT=$other STATE=$STATE-$other"* ]]
	# Only make run's own shell holds the lock: a responder still
	# stopping after lighttpd has gone must not keep the state.
	holders=$(for f in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "$STATE/run.lock" ] && echo "${f%/fd/*}"
	done | sort -u)
	[ "$holders" = "/proc/$RUNPID" ] || { echo "lock held by: $holders" >&2; return 1; }
	# The first one's configuration is untouched and it still answers.
	grep -q "resource = http://127.0.0.1:$PORT/mcp" "$STATE/mcp-fcgi.conf"
	run curl -s "http://127.0.0.1:$PORT/.well-known/oauth-protected-resource/mcp"
	[[ "$output" == *"\"resource\":\"http://127.0.0.1:$PORT/mcp\""* ]]
}
