#!/usr/bin/env bats
# The per-process bound on held streams, with a small max_streams: past
# it 503 with Retry-After, whoever asks; the others' streams go on.

load helper

setup_file() {
	CONF_SET="max_streams=2" start_server
}
setup() {
	skip_behind "apache-cgi lighttpd-cgi" "a process per request holds no stream (60-cgi.bats: what it answers instead)"
}
teardown_file() {
	kill_listeners
	stop_server
}

@test "past max_streams (2 a process): 503, Retry-After, -32603; the held ones go on" {
	URL=$BASE/mcp
	for i in 1 2 3 4 5 6; do
		t=$(token_for "wks:read")
		TOKEN=$t init_session 2025-11-25
		curl -sN -D "$STATE/l$i.h" "$URL" -H 'Accept: text/event-stream' \
		    -H "Authorization: Bearer $t" -H "Mcp-Session-Id: $SID" \
		    >"$STATE/l$i.b" 3>&- &
		held "l$i" $!
	done
	sleep 1
	n503=0 n200=0
	for i in 1 2 3 4 5 6; do
		case $(head -1 "$STATE/l$i.h" | cut -d' ' -f2) in
		200) n200=$((n200 + 1)) ;;
		503) n503=$((n503 + 1))
		     grep -qi '^retry-after: 5' "$STATE/l$i.h"
		     jq -e '.error.code == -32603 and .error.message == "Too many open streams: retry later"' "$STATE/l$i.b" ;;
		*) cat "$STATE/l$i.h" >&2; return 1 ;;
		esac
	done
	# Two processes hold two each.
	[ "$n200" -le 4 ] && [ "$n503" -ge 2 ]
	for i in 1 2 3 4 5 6; do
		if grep -q '^HTTP/1.1 200' "$STATE/l$i.h"; then
			kill -0 "$(cat "$STATE/l$i.pid")"
		fi
	done
}
