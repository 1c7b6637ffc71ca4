#!/usr/bin/env bats
# A PostgreSQL store restarted (stopped at once, as a crash would, then
# started) in the middle of a write burst: every acknowledged write is
# there afterwards, every failed one was answered with an error the client
# may retry (503 with Retry-After, or a tool result asking to retry), and
# the same responders serve again without a restart of their own.  Runs
# on the PostgreSQL lane only; mcpctl store copy is checked here too.

load helper

setup_file() {
	[ "${MCP_TEST_STORE:-sqlite}" = pg ] || return 0
	start_server
	WS=$($MCPCTL workspace add --name "Restart" | jq -r .id)
	TW=$(token_for "$ALL_SCOPES" "$WS")
	URL=$BASE/mcp
	ENV=$(TOKEN=$TW mpost tools/call '"name":"create_environment","arguments":{"name":"restart","type":"production"}' \
	    -H 'Mcp-Name: create_environment' && jq -r .result.structuredContent.id <<<"$BODY")
	export WS TW ENV
}
teardown_file() {
	[ "${MCP_TEST_STORE:-sqlite}" = pg ] || return 0
	stop_server
}
setup() {
	[ "${MCP_TEST_STORE:-sqlite}" = pg ] || skip "PostgreSQL lane only"
}

# burst FIRST LAST PARALLEL OUT: create_organization for each number,
# PARALLEL at a time, each request once (no retry: the test looks at
# what a failure was answered); OUT gets "status retry-after external_id
# body" per request.
burst() {
	seq "$1" "$2" | xargs -P "$3" -I@N@ sh -c '
	    code=$(curl -s -D "$0/h.@N@" -o "$0/b.@N@" -w "%{http_code}" \
	        --max-time 30 "$1" \
	        -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" \
	        -H "Authorization: Bearer $2" -H "MCP-Protocol-Version: 2026-07-28" \
	        -H "Mcp-Method: tools/call" -H "Mcp-Name: create_organization" \
	        --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"create_organization\",\"arguments\":{\"environment_id\":\"$3\",\"name\":\"Org @N@\",\"external_id\":\"r-@N@\"},$4}}")
	    ra=$(sed -n "s/^Retry-After: \([0-9]*\).*/\1/p" "$0/h.@N@" | head -1)
	    echo "$code ${ra:--} r-@N@ $(tr -d "\n" <"$0/b.@N@" 2>/dev/null)"' \
	    "$BATS_TEST_TMPDIR" "$BASE/mcp" "$TW" "$ENV" "$MODERN_META" >"$4"
}

responders() {
	pgrep -P "$(cat "$STATE/pid")" -x mcp.fcgi | sort
}

@test "PostgreSQL restarted mid-burst: acknowledged writes kept, failures retryable, the same responders serve again" {
	before=$(responders)
	[ -n "$before" ]
	burst 1 3000 8 "$BATS_TEST_TMPDIR/out" &
	b=$!
	sleep 1
	# The burst is still running when the database goes down.
	kill -0 "$b"
	sh "$ROOT/tests/pg.sh" restart "$MCP_TEST_PGDIR"
	wait "$b" || true
	out=$BATS_TEST_TMPDIR/out
	[ "$(wc -l <"$out")" = 3000 ]
	# Acknowledged: a 200 whose result carries the organization's id.
	grep '^200 ' "$out" | grep -v '"isError":true' |
	    grep -o 'org_[0-9a-f]\{20\}' | sort -u >"$BATS_TEST_TMPDIR/acked"
	n=$(wc -l <"$BATS_TEST_TMPDIR/acked")
	stored=$(store_sql "SELECT id FROM organizations WHERE environment = '$ENV'" | sort -u)
	missing=$(comm -23 "$BATS_TEST_TMPDIR/acked" <(echo "$stored") | wc -l)
	# Failed: a 503 with Retry-After (before the tool ran), or a tool
	# result saying nothing was changed and to retry.
	f503=$(grep -c '^503 [0-9]' "$out" || true)
	fretry=$(grep '^200 ' "$out" | grep -c '"isError":true.*Retry the same call\|Retry the same call.*"isError":true' || true)
	other=$(grep -v '^200 ' "$out" | grep -cv '^503 [0-9]' || true)
	otherr=$(grep '^200 ' "$out" | grep '"isError":true' | grep -cv 'Retry the same call' || true)
	echo "# $n acknowledged, all present ($missing missing); $f503 answered 503 with Retry-After, $fretry asked to retry; $other other statuses, $otherr other errors" >&3
	[ "$n" -gt 0 ]
	[ "$missing" = 0 ]
	[ $((f503 + fretry)) -gt 0 ]
	[ "$other" = 0 ]
	[ "$otherr" = 0 ]
	# Nothing half-written: every organization stored was acknowledged or
	# answered with a failure (a COMMIT in flight may have been kept),
	# and the workspace's count of organizations is the rows' count.
	[ "$(echo "$stored" | grep -c org_)" -le $((n + f503 + fretry)) ]
	[ "$(store_sql "SELECT n FROM workspace_usage WHERE workspace = '$WS' AND kind = 'org'")" = \
	    "$(store_sql "SELECT count(*) FROM organizations WHERE workspace = '$WS'")" ]
	# The same processes, serving again.
	[ "$(responders)" = "$before" ]
	TOKEN=$TW mpost tools/call '"name":"create_organization","arguments":{"environment_id":"'"$ENV"'","name":"After"}' \
	    -H 'Mcp-Name: create_organization'
	[ "$STATUS" = 200 ]
	jq -e '.result.structuredContent.id | startswith("org_")' <<<"$BODY"
	grep -q 'reconnected to postgresql' "$STATE/mcp-fcgi.log"
}

@test "mcpctl store copy: an embedded store's clients, keys' secrets and data serve from PostgreSQL" {
	src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src"
	printf 'store_path = %s/mcp.db\nauth = none\n' "$src" >"$src/s.conf"
	ws=$("$SBIN/mcpctl" -f "$src/s.conf" workspace add --name copied | jq -r .id)
	"$SBIN/mcpctl" -f "$src/s.conf" user add --name ann --workspace "$ws" \
	    --external >/dev/null
	sqlite3 "$src/mcp.db" "INSERT INTO environments (id, workspace, name, type, created_ms, updated_ms) VALUES ('env_copied', '$ws', 'e', 'staging', 1, 1); INSERT INTO organizations (id, workspace, environment, name, external_id, metadata, created_ms, updated_ms) VALUES ('org_copied', '$ws', 'env_copied', 'O', 'x-1', '{}', 1, 1); INSERT INTO secrets (name, value, created) VALUES ('s', x'00ff10', 1)"
	db=$(sh "$ROOT/tests/pg.sh" db "$MCP_TEST_PGDIR" copydest)
	printf 'store_path = %s\nauth = none\n' "$db" >"$src/p.conf"
	run "$SBIN/mcpctl" -f "$src/p.conf" store copy "$src/mcp.db"
	[ "$status" = 0 ]
	[ "$(jq .copied.organizations <<<"$output")" = 1 ]
	[ "$(jq .copied.users <<<"$output")" = 1 ]
	p() { psql -X -tA -d "$db" -c "$1"; }
	[ "$(p "SELECT name FROM organizations WHERE id = 'org_copied'")" = O ]
	[ "$(p "SELECT encode(value, 'hex') FROM secrets WHERE name = 's'")" = 00ff10 ]
	# The triggers counted what arrived.
	[ "$(p "SELECT n FROM workspace_usage WHERE workspace = '$ws' AND kind = 'org'")" = 1 ]
	"$SBIN/mcpctl" -f "$src/p.conf" user list | jq -e '.[] | select(.name == "ann")'
	# Only into an empty store, and only from an SQLite file.
	run "$SBIN/mcpctl" -f "$src/p.conf" store copy "$src/mcp.db"
	[ "$status" = 1 ]
	[[ "$output" == *"already holds rows"* ]]
	run "$SBIN/mcpctl" -f "$src/s.conf" store copy "$src/mcp.db"
	[ "$status" = 1 ]
	[[ "$output" == *"not a PostgreSQL database"* ]]
	run "$SBIN/mcpctl" -f "$src/p.conf" store copy "$db"
	[ "$status" = 1 ]
	[[ "$output" == *"must be an SQLite file"* ]]
	sh "$ROOT/tests/pg.sh" drop "$MCP_TEST_PGDIR" copydest
}

# refused NAME STORE_PATH WHY SECRET: a configuration NAME.conf whose only
# store_path is STORE_PATH fails mcp.fcgi -t, naming its line and WHY,
# and SECRET appears nowhere in what it says.
refused() {
	printf 'store_path = %s\nauth = none\n' "$2" >"$BATS_TEST_TMPDIR/$1.conf"
	run "$SBIN/mcp.fcgi" -t -f "$BATS_TEST_TMPDIR/$1.conf"
	[ "$status" != 0 ]
	[[ "$output" == *"$1.conf:1: store_path: $3"* ]]
	[[ "$output" != *"$4"* ]]
}

@test "a store_path holding a password is refused, naming the line" {
	refused pw postgresql://mcp:secret@127.0.0.1/mcp \
	    "must not hold the password" secret
}

@test "mcpctl init on a PostgreSQL store makes var/ and var/keys beside the configuration, 0700" {
	d=$BATS_TEST_TMPDIR/fresh
	mkdir -p "$d"
	db=$(sh "$ROOT/tests/pg.sh" db "$MCP_TEST_PGDIR" initdest)
	printf 'store_path = %s\nauth = none\n' "$db" >"$d/m.conf"
	run "$SBIN/mcpctl" -f "$d/m.conf" init
	[ "$status" = 0 ]
	[ "$(jq .signing_key_created <<<"$output")" = true ]
	[ "$(stat -c %a "$d/var")" = 700 ]
	[ "$(stat -c %a "$d/var/keys")" = 700 ]
	ls "$d/var/keys" | grep -q '\.pem$'
	sh "$ROOT/tests/pg.sh" drop "$MCP_TEST_PGDIR" initdest
}

@test "a store_path with an sslpassword, or one libpq cannot read, is refused without being repeated" {
	refused ssl "host=/tmp sslpassword=keyphrase dbname=mcp" \
	    "must not hold the password" keyphrase
	refused bad "postgresql://mcp:S3cretPW@[::1/mcp" \
	    "not a PostgreSQL URL or connection string libpq can read" S3cretPW
}

@test "mcpctl store copy refuses a file at another schema version, copying nothing" {
	src=$BATS_TEST_TMPDIR/old
	mkdir -p "$src"
	sqlite3 "$src/mcp.db" "CREATE TABLE workspaces (id TEXT); PRAGMA user_version = 5"
	db=$(sh "$ROOT/tests/pg.sh" db "$MCP_TEST_PGDIR" olddest)
	printf 'store_path = %s\nauth = none\n' "$db" >"$src/p.conf"
	run "$SBIN/mcpctl" -f "$src/p.conf" store copy "$src/mcp.db"
	[ "$status" = 1 ]
	[[ "$output" == *"schema 5, not 12"* ]]
	[ "$(psql -X -tA -d "$db" -c "SELECT count(*) FROM workspaces")" = 0 ]
	sh "$ROOT/tests/pg.sh" drop "$MCP_TEST_PGDIR" olddest
}
