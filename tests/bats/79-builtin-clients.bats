#!/usr/bin/env bats
# The real clients against the built-in authorization server, with no
# token made by hand: each starts from /mcp's 401 and discovers the rest
# (RFC 9728, then RFC 8414).  The SDKs' ClientCredentialsProvider (1.x
# and 2.x) and mcp-remote --client-credentials get client credentials
# tokens; the SDK 1.x authorization-code client and mcp-remote (no
# header: the article's path) register themselves, a person signs in and
# consents in headless Chromium on our pages, and the SDK client
# refreshes after its access token expired; the official suite's
# authorization-server scenarios run with Chromium doing the browser step.

load helper

setup_file() {
	use_js
	# Access tokens live 5 s (no leeway), so that the browser client's
	# refresh is seen.
	CONF_SET="token_lifetime_seconds=5 leeway_seconds=0" start_server
	PASSWORD=correct-horse-battery
	printf '%s\n' "$PASSWORD" | $MCPCTL user add --name erin --workspace wks_bats >/dev/null
	# The pages as the browser showed them, kept with the build.
	SHOTS=$ROOT/$BUILD/shots/builtin
	rm -rf "$SHOTS"
	mkdir -p "$SHOTS"
	export JS PASSWORD SHOTS
}
teardown_file() { stop_server; }

@test "SDK 1.x ClientCredentialsProvider: discovery from the 401, our token, tools" {
	cd "$JS"
	run timeout 60 node sdk-cc.mjs 1 "$BASE" "$BASE" wks_bats "$CLIENT_ID" "$CLIENT_SECRET"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk1-cc ok"* ]]
}

@test "SDK 2.x ClientCredentialsProvider: discovery from the 401, our token, tools" {
	cd "$JS"
	run timeout 60 node sdk-cc.mjs 2 "$BASE" "$BASE" wks_bats "$CLIENT_ID" "$CLIENT_SECRET"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk2-cc ok"* ]]
}

@test "mcp-remote --client-credentials: discovery from the 401, tools/list over stdio" {
	out=$(remote_cc "$BASE/mcp" "$CLIENT_ID" "$CLIENT_SECRET")
	echo "$out"
	jqo '.result.structuredContent | .client_id == "'"$CLIENT_ID"'" and .workspace == "wks_bats" and .issuer == "'"$BASE"'"' "$out"
}

@test "SDK 1.x authorization code: registration, Chromium on our pages, tools, refresh after expiry" {
	cd "$JS"
	uid=$($MCPCTL user list | jq -r '.[] | select(.name == "erin") | .id')
	run timeout 120 node sdk-authcode.mjs builtin "$BASE" "$BASE" wks_bats 5 "$SHOTS" erin "$PASSWORD" "$uid"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"sdk-authcode ok"* ]]
	[ -s "$SHOTS/builtin-signin.png" ]
	[ -s "$SHOTS/builtin-consent.png" ]
	# The audit trail names the person and the client.
	sleep 0.3
	grep -q "\"sub\":\"$uid\"" "$STATE/audit.log"
}

@test "the official suite's authorization-server scenarios: all pass, Chromium signing in" {
	cd "$JS"
	run timeout 120 node conformance-as.mjs "$BASE" erin "$PASSWORD" "$SHOTS"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"conformance-as ok: "*" passed, 0 failed"* ]]
}

@test "mcp-remote without a header (the article's path): it registers, Chromium signs in, whoami, refresh after expiry" {
	cd "$JS"
	uid=$($MCPCTL user list | jq -r '.[] | select(.name == "erin") | .id')
	run timeout 90 node remote-authcode.mjs builtin "$BASE" "$BASE" erin "$PASSWORD" "$SHOTS" "$uid"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"remote-authcode ok: cli_"*" for $uid, scopes wks:read"* ]]
	[ -s "$SHOTS/remote-builtin-signin.png" ]
	[ -s "$SHOTS/remote-builtin-consent.png" ]
}
