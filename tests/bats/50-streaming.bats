#!/usr/bin/env bats
# Streaming is real: SSE events of a slow tool reach the client through
# lighttpd while the tool is still running, not all at the end.

load helper

setup_file() { start_server; }
teardown_file() { stop_server; }

# Prints one line per SSE data line: "<ms since request sent> <json>".
timed_events() {
	python3 - "$PORT" "$1" "$2" <<'PY'
import http.client, json, sys, time
port, sid, body = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
     "MCP-Protocol-Version": "2025-11-25", "Connection": "close"}
if sid:
    h["Mcp-Session-Id"] = sid
t0 = time.monotonic()
c.request("POST", "/conformance/mcp", body=body, headers=h)
r = c.getresponse()
while True:
    line = r.fp.readline()
    if not line:
        break
    if line.startswith(b"data: ") and len(line) > 8:
        print(int((time.monotonic() - t0) * 1000), line[6:].decode().strip())
PY
}

@test "progress events arrive while the tool runs (timestamps through lighttpd)" {
	init_session 2025-11-25
	run timed_events "$SID" '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":1}}}'
	[ "$status" = 0 ]
	echo "$output"
	[ "${#lines[@]}" = 4 ]
	first=$(echo "${lines[0]}" | cut -d' ' -f1)
	second=$(echo "${lines[1]}" | cut -d' ' -f1)
	last=$(echo "${lines[3]}" | cut -d' ' -f1)
	jqo '.params.progress == 0' "$(echo "${lines[0]}" | cut -d' ' -f2-)"
	jqo '.result.content[0].text == "Progress tool completed"' "$(echo "${lines[3]}" | cut -d' ' -f2-)"
	# The tool sleeps 250 ms between steps: the first event must come
	# well before the result, and the steps must be spaced.
	[ "$first" -lt 200 ]
	[ $((last - first)) -ge 450 ]
	[ $((second - first)) -ge 200 ]
}

@test "log events arrive before the result (2026-07-28 stream)" {
	run progress_times
	[ "$status" = 0 ]
	set -- $output
	[ "$1" = 4 ]
	[ $(( $3 - $2 )) -ge 450 ]
}
