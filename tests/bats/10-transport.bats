#!/usr/bin/env bats
# The HTTP front door: every status code of the Streamable HTTP transport,
# each rejection with its exact answer, CORS on every response.

load helper

setup_file() { start_server; }
teardown_file() { stop_server; }

INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}'

@test "initialize answers 200 JSON with a 64-hex session id" {
	post "$INIT"
	[ "$STATUS" = 200 ]
	[ "$(header Content-Type)" = application/json ]
	[[ "$(header Mcp-Session-Id)" =~ ^[0-9a-f]{64}$ ]]
	jqb '.jsonrpc == "2.0" and .id == 1 and .result.protocolVersion == "2025-11-25"'
}

@test "session ids differ between sessions" {
	post "$INIT"; a=$(header Mcp-Session-Id)
	post "$INIT"; b=$(header Mcp-Session-Id)
	[ "$a" != "$b" ]
}

@test "GET without a session: 400, as a POST without one" {
	skip_behind "apache-cgi lighttpd-cgi" "a GET is 405 where no stream is held (60-cgi.bats)"
	req GET "$URL" -H "Accept: text/event-stream"
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and .error.message == "Bad Request: Mcp-Session-Id header is required" and .id == null'
}

@test "PUT: 405 with Allow and a JSON-RPC error" {
	req PUT "$URL" -H 'Content-Type: application/json' --data-binary '{}'
	[ "$STATUS" = 405 ]
	[ "$(header Allow)" = "GET, POST, DELETE, OPTIONS" ]
	jqb '.error.code == -32600 and .error.message == "Method Not Allowed" and .id == null'
}

# accepting VALUE: initialize POSTed with the header Accept: VALUE.
accepting() {
	req POST "$URL" -H 'Content-Type: application/json' -H "Accept: $1" --data-binary "$INIT"
}

# not_acceptable: the answer is the transport's 406, exactly.
not_acceptable() {
	[ "$STATUS" = 406 ]
	jqb '.error.code == -32600 and (.error.message | startswith("Not Acceptable"))'
}

@test "missing Accept: 406" {
	req POST "$URL" -H 'Content-Type: application/json' -H 'Accept:' --data-binary "$INIT"
	not_acceptable
}

@test "Accept without text/event-stream: 406" {
	accepting 'application/json'
	not_acceptable
}

@test "Accept with q=0 for event streams: 406" {
	accepting 'application/json, text/event-stream;q=0'
	not_acceptable
}

@test "Accept: JSON refused with Q=0 beside */*: 406 (the more specific range wins)" {
	accepting 'application/json;Q=0, */*'
	not_acceptable
}

@test "Accept: text/*;q=0 overridden by text/event-stream is acceptable" {
	accepting 'text/*;q=0, text/event-stream, application/json'
	[ "$STATUS" = 200 ]
	jqb '.result.protocolVersion == "2025-11-25"'
}

@test "Accept */* is acceptable" {
	accepting '*/*'
	[ "$STATUS" = 200 ]
	jqb '.result.protocolVersion == "2025-11-25"'
}

@test "wrong Content-Type: 415" {
	req POST "$URL" -H 'Content-Type: text/plain' -H "Accept: $ACCEPT" --data-binary "$INIT"
	[ "$STATUS" = 415 ]
	jqb '.error.code == -32600 and (.error.message | startswith("Unsupported Media Type"))'
}

@test "Content-Type with charset parameter is accepted" {
	req POST "$URL" -H 'Content-Type: application/json; charset=utf-8' -H "Accept: $ACCEPT" --data-binary "$INIT"
	[ "$STATUS" = 200 ]
}

@test "malformed JSON: 400 -32700" {
	post '{"jsonrpc":"2.0","id":1,'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700 and .error.message == "Parse error: invalid JSON" and .id == null'
}

@test "trailing garbage after the message: 400 -32700" {
	post "$INIT"' x'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700'
}

@test "two messages in one body: 400 -32700" {
	post "$INIT$INIT"
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700'
}

@test "single-quoted strings (json-c accepts them): 400 -32700" {
	post "{'jsonrpc':'2.0','id':1,'method':'ping'}"
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700'
}

@test "NaN (json-c accepts it): 400 -32700" {
	post '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":NaN}}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700'
}

@test "raw control character in a string: 400 -32700" {
	post "$(printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"a\tb"}}')"
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700'
}

@test "a bare null body: 400 -32600" {
	post 'null'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600'
}

@test "invalid UTF-8: 400 -32700" {
	printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xff\xfe"}}' >"$STATE/bad"
	req POST "$URL" -H 'Content-Type: application/json' -H "Accept: $ACCEPT" --data-binary "@$STATE/bad"
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700 and .error.message == "Parse error: body is not valid UTF-8"'
}

@test "100-deep nested array: 400 -32700 nested too deeply" {
	deep=$(printf '[%.0s' $(seq 100))$(printf ']%.0s' $(seq 100))
	post '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":'"$deep"'}}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700 and .error.message == "Parse error: JSON nested too deeply"'
}

@test "body over max_body_bytes: 413" {
	head -c 1100000 /dev/zero | tr '\0' ' ' >"$STATE/big"
	req POST "$URL" -H 'Content-Type: application/json' -H "Accept: $ACCEPT" --data-binary "@$STATE/big"
	[ "$STATUS" = 413 ]
	jqb '.error.code == -32600 and .error.message == "Payload Too Large"'
}

@test "empty body: 400 -32700" {
	req POST "$URL" -H 'Content-Type: application/json' -H "Accept: $ACCEPT" --data-binary ''
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32700'
}

@test "body cut short by the client: no 5xx, no hang, server still serves" {
	skip_behind apache-fcgid "mod_fcgid reads the body before any responder sees it, and answers 500 when the client cuts it short"
	# lighttpd waits for the announced bytes and drops the request when
	# the client gives up, so the responder never sees it; the exact
	# 400 for a short body is tested in the CGI lane (60-cgi.bats).
	run timeout 10 python3 - "$PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /conformance/mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Accept: application/json, text/event-stream\r\nContent-Length: 200\r\n\r\n"
          b'{"jsonrpc":"2.0","id"')
s.shutdown(socket.SHUT_WR)
s.settimeout(5)
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk: break
    data += chunk
print(data.split(b"\r\n")[0].decode() if data else "closed")
PY
	[ "$status" = 0 ]
	[[ "$output" != "HTTP/1.1 5"* ]]
	post "$INIT"
	[ "$STATUS" = 200 ]
}

@test "slow clients hold no responder: 40 trickling bodies, others still served, then all answered" {
	skip_behind apache-proxy-fcgi "mod_proxy_fcgi passes a body on as it arrives: a slow sender holds a responder thread until RequestReadTimeout cuts it (mcp-fcgi(8))"
	# More slow clients than the fixture endpoint has threads (2 x 8):
	# lighttpd buffers each body whole (stream-request-body = 0), so none
	# reaches a responder until it is complete, and nothing is lost.
	run timeout 60 python3 - "$PORT" "$INIT" <<'PY'
import socket, subprocess, sys, time
port, body = int(sys.argv[1]), sys.argv[2].encode()
head = ("POST /conformance/mcp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Content-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\n"
        "Content-Length: %d\r\n\r\n" % len(body)).encode()
slow = []
for _ in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head + body[:10])
    slow.append(s)
time.sleep(1)
for s in slow:
    s.sendall(body[10:20])
# Meanwhile a normal client gets its answer.
r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
    "--max-time", "10", "-H", "Content-Type: application/json",
    "-H", "Accept: application/json, text/event-stream", "-d", body.decode(),
    "http://127.0.0.1:%d/conformance/mcp" % port], capture_output=True, text=True)
print("normal", r.stdout)
for s in slow:
    s.sendall(body[20:])
codes = []
for s in slow:
    s.settimeout(20)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    codes.append(data.split(b"\r\n")[0].decode() if data else "closed")
print("slow", sum(c == "HTTP/1.1 200 OK" for c in codes), sorted(set(codes)))
PY
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"normal 200"* ]]
	[[ "$output" == *"slow 40 ['HTTP/1.1 200 OK']"* ]]
}

@test "not a JSON-RPC message (no jsonrpc member): 400 -32600" {
	post '{"id":1,"method":"ping"}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and .id == 1'
}

@test "jsonrpc 1.0: 400 -32600 echoing the id" {
	post '{"jsonrpc":"1.0","id":"abc","method":"ping"}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and .id == "abc"'
}

@test "null id: 400 -32600 with id null" {
	post '{"jsonrpc":"2.0","id":null,"method":"ping"}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and .id == null'
}

@test "fractional id: 400 -32600" {
	post '{"jsonrpc":"2.0","id":1.5,"method":"ping"}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and .id == null'
}

@test "params that is not an object: 400 -32600" {
	post '{"jsonrpc":"2.0","id":3,"method":"ping","params":[1]}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and .id == 3'
}

@test "a JSON scalar body: 400" {
	post '"hello"'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600'
}

@test "request without Mcp-Session-Id: 400" {
	post '{"jsonrpc":"2.0","id":2,"method":"ping"}' -H 'MCP-Protocol-Version: 2025-11-25'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and .id == 2 and (.error.message | contains("Mcp-Session-Id"))'
}

@test "unknown session: 404 -32001" {
	post '{"jsonrpc":"2.0","id":2,"method":"ping"}' -H 'MCP-Protocol-Version: 2025-11-25' \
	    -H "Mcp-Session-Id: $(printf '0%.0s' $(seq 64))"
	[ "$STATUS" = 404 ]
	jqb '.error.code == -32001 and .error.message == "Session not found" and .id == 2'
}

@test "malformed session id: 404" {
	post '{"jsonrpc":"2.0","id":2,"method":"ping"}' -H 'MCP-Protocol-Version: 2025-11-25' -H "Mcp-Session-Id: ../../etc"
	[ "$STATUS" = 404 ]
}

@test "unsupported MCP-Protocol-Version: 400" {
	init_session 2025-11-25
	spost 1999-01-01 '{"jsonrpc":"2.0","id":2,"method":"ping"}'
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32600 and (.error.message | contains("MCP-Protocol-Version"))'
}

@test "ping in a session: 200 {}" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":"p","method":"ping"}'
	[ "$STATUS" = 200 ]
	jqb '.id == "p" and .result == {}'
}

@test "notification in a session: 202, empty body" {
	init_session 2025-06-18
	spost 2025-06-18 '{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}'
	[ "$STATUS" = 202 ]
	[ -z "$BODY" ]
}

@test "a client response nobody waits for: 202, empty body" {
	init_session 2025-06-18
	spost 2025-06-18 '{"jsonrpc":"2.0","id":"s2c-nothing","result":{}}'
	[ "$STATUS" = 202 ]
	[ -z "$BODY" ]
}

@test "response with both result and error: 400" {
	init_session 2025-06-18
	spost 2025-06-18 '{"jsonrpc":"2.0","id":5,"result":{},"error":{"code":1,"message":"x"}}'
	[ "$STATUS" = 400 ]
}

@test "DELETE ends the session: 204, then 404" {
	init_session 2025-11-25
	req DELETE "$URL" -H "Mcp-Session-Id: $SID"
	[ "$STATUS" = 204 ]
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"ping"}'
	[ "$STATUS" = 404 ]
	req DELETE "$URL" -H "Mcp-Session-Id: $SID"
	[ "$STATUS" = 404 ]
}

@test "DELETE without a session id: 400" {
	req DELETE "$URL"
	[ "$STATUS" = 400 ]
}

@test "bad Origin: 403 without Access-Control-Allow-Origin" {
	post "$INIT" -H 'Origin: http://evil.example.com'
	[ "$STATUS" = 403 ]
	jqb '.error.code == -32600 and .error.message == "Forbidden: Origin not allowed"'
	[ -z "$(header Access-Control-Allow-Origin)" ]
}

@test "Origin with a loopback host on another port is allowed and echoed" {
	post "$INIT" -H 'Origin: http://localhost:6274'
	[ "$STATUS" = 200 ]
	[ "$(header Access-Control-Allow-Origin)" = "http://localhost:6274" ]
	[ "$(header Vary)" = Origin ]
}

@test "Origin that only starts like an allowed one is refused" {
	post "$INIT" -H 'Origin: http://localhost.evil.com'
	[ "$STATUS" = 403 ]
}

@test "CORS preflight: 204 with methods, headers and max-age" {
	req OPTIONS "$URL" -H 'Origin: http://127.0.0.1:3000' \
	    -H 'Access-Control-Request-Method: POST' \
	    -H 'Access-Control-Request-Headers: authorization, mcp-session-id'
	[ "$STATUS" = 204 ]
	[ "$(header Access-Control-Allow-Origin)" = "http://127.0.0.1:3000" ]
	[[ "$(header Access-Control-Allow-Methods)" == *POST* ]]
	[[ "$(header Access-Control-Allow-Headers)" == *Mcp-Session-Id* ]]
	[[ "$(header Access-Control-Allow-Headers)" == *Authorization* ]]
	[ "$(header Access-Control-Max-Age)" = 86400 ]
}

@test "preflight from a bad Origin: 403" {
	req OPTIONS "$URL" -H 'Origin: http://evil.example.com' -H 'Access-Control-Request-Method: POST'
	[ "$STATUS" = 403 ]
}

@test "errors carry CORS exposure and a request id" {
	post '{' -H 'Origin: http://127.0.0.1:3000'
	[ "$STATUS" = 400 ]
	[ "$(header Access-Control-Allow-Origin)" = "http://127.0.0.1:3000" ]
	[[ "$(header Access-Control-Expose-Headers)" == *Mcp-Session-Id* ]]
	[[ "$(header Access-Control-Expose-Headers)" == *WWW-Authenticate* ]]
	[[ "$(header X-Request-Id)" =~ ^[0-9a-f]{16}$ ]]
}

@test "the request id of an error leads to its reason in the log" {
	post '{"jsonrpc":"2.0","id":2,"method":"ping"}' -H 'MCP-Protocol-Version: 2025-11-25' -H "Mcp-Session-Id: $(printf 'a%.0s' $(seq 64))"
	rid=$(header X-Request-Id)
	sleep 0.2
	grep -q "rid=$rid .*unknown, expired or another subject.s session" "$STATE/mcp-fcgi.log"
}
