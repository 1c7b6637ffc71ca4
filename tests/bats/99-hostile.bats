#!/usr/bin/env bats
# Hostile load (tests/hostile/hostile.py): each attack runs for a few
# seconds against the real lighttpd and responders (2 processes x 8
# threads, loopback only) while a victim, another subject with its own
# workspace, keeps calling echo.  Every attack asserts the victim's p99
# below 1 s, the responders' RSS below HOSTILE_RSS_MB and the store's
# growth, and prints its figures as TAP comments.  The sanitizer build
# runs a lighter variant (fewer connections and messages).

load helper

# Short write timeout: the non-reading callers' threads come back within
# the attack.

setup_file() {
	CONF_SET="write_timeout_seconds=3" start_server
	two_workspaces
	local c
	c=$($MCPCTL client add --name victim --scopes "$ALL_SCOPES" \
	    --workspace "$WB")
	VICTIM_ID=$(jq -r .client_id <<<"$c")
	VICTIM_SECRET=$(jq -r .client_secret <<<"$c")
	VICTIM=$($MCPCTL token --client "$VICTIM_ID" | jq -r .access_token)
	ATTACKER=$TA
	LIGHTTPD_PID=$(cat "$STATE/pid")
	MAX_REQUEST_KB=$(awk '$1 == "server.max-request-size" { print $3 }' \
	    "$STATE/lighttpd.conf")
	if [ "$BUILD" = build-asan ]; then
		HOSTILE_LIGHT=1
		HOSTILE_RSS_MB=${HOSTILE_RSS_MB:-1536}
	else
		HOSTILE_LIGHT=0
		HOSTILE_RSS_MB=${HOSTILE_RSS_MB:-256}
	fi
	HOSTILE_SESSION_CAP=$(awk '$1 == "max_sessions_per_subject" { print $3 }' \
	    "$STATE/mcp-fcgi.conf")
	export VICTIM VICTIM_ID VICTIM_SECRET ATTACKER LIGHTTPD_PID \
	    MAX_REQUEST_KB HOSTILE_LIGHT HOSTILE_RSS_MB HOSTILE_SESSION_CAP
}
teardown_file() { stop_server; }

hostile() {
	# mod_fcgid: a second's wait for a new process (mcp-fcgi(8)).
	[ "$SERVER" != apache-fcgid ] || export HOSTILE_P99_S=2.5
	timeout 120 python3 "$ROOT/tests/hostile/hostile.py" "$1" >&3
}

@test "hostile (b): callers that never read hold no thread past the write timeout nor more than their share" {
	lighttpd_only "nginx and Apache buffer a whole answer, so a caller that never reads holds no responder thread"
	hostile b
}

@test "hostile (c): slow headers and slow bodies; a silent sender is closed after max-read-idle" {
	skip_behind "apache-proxy-fcgi apache-fcgid apache-cgi" "a worker thread of Apache waits on each slow sender until mod_reqtimeout cuts it (10 s): a few hundred stall it meanwhile (mcp-fcgi(8))"
	hostile c
}

@test "hostile (d): unauthenticated uploads near max-request-size are cut when stalled, over it refused 413" {
	skip_behind "apache-proxy-fcgi apache-fcgid apache-cgi" "lighttpd's and nginx's body limits; Apache's LimitRequestBody and mod_reqtimeout answer differently (mcp-fcgi(8))"
	hostile d
}

@test "hostile (e): session and cancellation floods of one subject stay bounded in the store" {
	hostile e
}

@test "hostile (f): wrong secrets from another address do not lock the victim's client out" {
	hostile f
}

# Last: on a build without a batch limit its answers (18 MB each) leave
# the responders' allocator holding memory that would blur the others.
@test "hostile (a): batch bombs of 1000 tools/list get 400 / -32600, batches at the limit are answered; the victim is served" {
	hostile a
}
