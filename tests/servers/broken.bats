#!/usr/bin/env bats
# The Apache snippets' KEEP lines, each taken out in turn: the smoke
# suite's checks must notice.  Without the line that hands Authorization
# on, every caller gets 401, a valid token too; without the line that
# flushes, an SSE answer's events arrive together at its end.

load ../bats/helper

# broken SERVER FILE LINE-REGEX [SED]: starts SERVER with the rendered
# FILE changed by SED (default: LINE-REGEX deleted), having checked that
# the line was there and is gone.
broken() {
	SERVER=$1 FILE=$2 LINE=$3 EDIT=${4:-"/$3/d"}
	server_prestart() {
		sed -i 's/^threads = .*/threads = 1/' "$STATE/mcp-fcgi-open.conf"
		grep -q "$LINE" "$STATE/$FILE" || { echo "no '$LINE' in $FILE" >&2; return 1; }
		sed -i "$EDIT" "$STATE/$FILE"
		! grep -q "$LINE" "$STATE/$FILE" || false
	}
	start_server
}

teardown() { [ -z "${STATE:-}" ] || stop_server; }

# A valid token, refused as if none had come.
all_401() {
	URL=$BASE/mcp
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'
	[ "$STATUS" = 401 ]
	[[ "$(header WWW-Authenticate)" != *error=* ]]
	jqb '.error.code == -32040'
}

# Three progress events 250 ms apart, arriving within 100 ms of each
# other: held until the answer ended.
events_at_end() {
	run progress_times
	echo "$output"
	[ "$status" = 0 ]
	set -- $output
	[ "$1" = 4 ]
	[ "$2" -ge 450 ]
	[ $(( $3 - $2 )) -lt 100 ]
}

@test "Apache mod_proxy_fcgi without CGIPassAuth: 401 for every caller" {
	broken apache-proxy-fcgi apache-mcp-fcgi.conf 'CGIPassAuth On'
	all_401
}

@test "Apache mod_proxy_fcgi without flushpackets=on: the events arrive at the end" {
	broken apache-proxy-fcgi apache-mcp-fcgi.conf 'flushpackets=on' 's/ flushpackets=on//'
	events_at_end
}

@test "Apache mod_fcgid without FcgidPassHeader Authorization: 401 for every caller" {
	broken apache-fcgid apache-mcp-fcgi.conf '^FcgidPassHeader Authorization'
	all_401
}

@test "Apache mod_fcgid without FcgidOutputBufferSize 0: the events arrive at the end" {
	broken apache-fcgid apache-mcp-fcgi.conf '^FcgidOutputBufferSize 0'
	events_at_end
}

@test "Apache CGI without CGIPassAuth: 401 for every caller" {
	broken apache-cgi apache-mcp-fcgi.conf 'CGIPassAuth On'
	all_401
}
