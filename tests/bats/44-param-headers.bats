#!/usr/bin/env bats
# Parameters mirrored in headers (2026-07-28, SEP-2243): a tool property
# marked x-mcp-header travels in Mcp-Param-<Name> too, and the header must
# agree with the body (after decoding "=?base64?...?="); every way it can
# fail is 400 / -32020 with the request's id, the reason in the log.  The
# fixture test_custom_header, then list_organizations on /mcp, whose
# environment_id is mirrored in Mcp-Param-Environment-Id.

load helper

setup_file() { start_server; }
teardown_file() { stop_server; }

# hcall VALUE_JSON [curl args]: test_custom_header with arguments.value.
hcall() {
	local v=$1
	shift
	mpost tools/call '"name":"test_custom_header","arguments":{"value":'"$v"'}' \
	    -H 'Mcp-Name: test_custom_header' "$@"
}

mismatch() {
	[ "$STATUS" = 400 ]
	[ "$(header Content-Type)" = application/json ]
	jqb '. == {"jsonrpc":"2.0","id":7,"error":{"code":-32020,"message":"Header mismatch"}}'
	logged "$1"
}

@test "tools/list shows the mark where the client reads it" {
	mpost tools/list ''
	jqb '.result.tools[] | select(.name == "test_custom_header") | .inputSchema.properties.value["x-mcp-header"] == "Value"'
}

@test "a header that agrees: plain, base64, base64 of UTF-8, the empty string; any case of the name" {
	hcall '"Hello"' -H 'Mcp-Param-Value: Hello'
	jqb '.result.content[0].text == "value: Hello"'
	hcall '"Hello"' -H 'Mcp-Param-Value: =?base64?SGVsbG8=?='
	jqb '.result.content[0].text == "value: Hello"'
	hcall '" héllo "' -H "Mcp-Param-Value: =?base64?$(printf ' héllo ' | base64)?="
	jqb '.result.content[0].text == "value:  héllo "'
	hcall '""' -H 'Mcp-Param-Value: =?base64??='
	jqb '.result.content[0].text == "value: "'
	hcall '"Hello"' -H 'mcp-param-value: Hello'
	jqb '.result.content[0].text == "value: Hello"'
}

@test "a value that only looks encoded is literal: no prefix, no suffix, upper-case sentinel" {
	hcall '"SGVsbG8="' -H 'Mcp-Param-Value: SGVsbG8='
	jqb '.result.content[0].text == "value: SGVsbG8="'
	hcall '"=?base64?SGVsbG8="' -H 'Mcp-Param-Value: =?base64?SGVsbG8='
	jqb '.result.content[0].text == "value: =?base64?SGVsbG8="'
	hcall '"=?BASE64?SGVsbG8=?="' -H 'Mcp-Param-Value: =?BASE64?SGVsbG8=?='
	jqb '.result.content[0].text == "value: =?BASE64?SGVsbG8=?="'
	hcall '"Hello"' -H 'Mcp-Param-Value: =?BASE64?SGVsbG8=?='
	mismatch "Mcp-Param-Value header differs from the body"
}

@test "the argument without its header: 400 / -32020" {
	hcall '"test-value"'
	mismatch "Mcp-Param-Value header missing"
}

@test "the header without its argument (absent or null): 400 / -32020" {
	mpost tools/call '"name":"test_custom_header","arguments":{}' \
	    -H 'Mcp-Name: test_custom_header' -H 'Mcp-Param-Value: x'
	mismatch "Mcp-Param-Value header without its argument"
	hcall 'null' -H 'Mcp-Param-Value: x'
	mismatch "Mcp-Param-Value header without its argument"
}

@test "a header that differs, or repeated: 400 / -32020" {
	hcall '"Hello"' -H 'Mcp-Param-Value: Hallo'
	mismatch "differs from the body"
	hcall '"Hello"' -H 'Mcp-Param-Value: =?base64?SGFsbG8=?='
	mismatch "differs from the body"
	# lighttpd and Apache join repeated lines ("Hello, Hello"); nginx
	# passes two variables of one name.
	hcall '"Hello"' -H 'Mcp-Param-Value: Hello' -H 'Mcp-Param-Value: Hello'
	if [ "$SERVER" = nginx ]; then
		mismatch "an Mcp- header given twice"
	else
		mismatch "differs from the body"
	fi
}

@test "malformed base64: missing padding, bad characters, pad bits set: 400 / -32020" {
	for v in '=?base64?SGVsbG8?=' '=?base64?SGVs!!!bG8=?=' '=?base64?SGVsbG9=?=' '=?base64?SGVsbG8==?='; do
		hcall '"Hello"' -H "Mcp-Param-Value: $v"
		mismatch "Mcp-Param-Value header: invalid characters or Base64"
	done
}

@test "a header over 4096 bytes: 400 / -32020" {
	long=$(head -c 4097 /dev/zero | tr '\0' a)
	hcall "\"$long\"" -H "Mcp-Param-Value: $long"
	mismatch "Mcp-Param-Value header too long"
}

@test "an encoded Mcp-Name is decoded before it is compared" {
	mpost tools/call '"name":"test_simple_text"' \
	    -H "Mcp-Name: =?base64?$(printf test_simple_text | base64)?="
	[ "$STATUS" = 200 ]
	jqb '.result.content[0].text == "This is a simple text response for testing."'
	mpost tools/call '"name":"test_simple_text"' -H 'Mcp-Name: =?base64?dGVzdA==?='
	[ "$STATUS" = 400 ]
	jqb '.error.code == -32020'
}

@test "the 2025 revisions do not look at Mcp-Param headers" {
	init_session 2025-11-25
	spost 2025-11-25 '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_custom_header","arguments":{"value":"Hello"}}}'
	[ "$STATUS" = 200 ]
	jqb '.result.content[0].text == "value: Hello"'
}

@test "list_organizations on /mcp: environment_id travels in Mcp-Param-Environment-Id" {
	URL=$BASE/mcp
	two_workspaces
	h=(-H 'Mcp-Name: list_organizations')
	env=env_00000000000000000000
	TOKEN=$TA mpost tools/call '"name":"list_organizations","arguments":{"environment_id":"'"$env"'"}' "${h[@]}"
	[ "$STATUS" = 400 ]
	jqb '.id == 7 and .error.code == -32020'
	TOKEN=$TA mpost tools/call '"name":"list_organizations","arguments":{"environment_id":"'"$env"'"}' "${h[@]}" \
	    -H "Mcp-Param-Environment-Id: $env"
	[ "$STATUS" = 200 ]
	jqb '.result.structuredContent.organizations == []'
	TOKEN=$TA mpost tools/call '"name":"list_organizations","arguments":{}' "${h[@]}"
	[ "$STATUS" = 200 ]
	TOKEN=$TA mpost tools/call '"name":"list_organizations","arguments":{}' "${h[@]}" \
	    -H "Mcp-Param-Environment-Id: $env"
	[ "$STATUS" = 400 ]
}

@test "the same header spelt with '_' beside '-' (one CGI variable, two headers to a proxy): 400 / -32020" {
	case $SERVER in
	nginx|apache-*)
		skip "$SERVER drops header names with '_': it and the responders read the same header" ;;
	esac
	hcall '"Hello"' -H 'Mcp-Param_Value: Hello' -H 'Mcp-Param-Value: World'
	mismatch "an Mcp- header given twice"
	hcall '"Hello"' -H 'Mcp-Param-Value: Hello' -H 'Mcp_Param-Value: Hello'
	mismatch "an Mcp- header given twice"
	mpost tools/call '"name":"test_simple_text"' -H 'Mcp-Name: test_simple_text' \
	    -H 'Mcp_Name: test_error_handling'
	mismatch "an Mcp- header given twice"
}

@test "an integer parameter: compared as a number, written as one" {
	for h in 42 42.0 42.000 -0 0; do
		case $h in -0|0) v=0 ;; *) v=42 ;; esac
		hcall '"x","count":'"$v" -H 'Mcp-Param-Value: x' -H "Mcp-Param-Count: $h"
		[ "$STATUS" = 200 ] || { echo "$h: $BODY"; return 1; }
	done
	for h in 0x2A +42 4.2e1 42.5 43 '' 42. 9007199254740993; do
		hcall '"x","count":42' -H 'Mcp-Param-Value: x' -H "Mcp-Param-Count: $h"
		[ "$STATUS" = 400 ] || { echo "'$h': $STATUS $BODY"; return 1; }
	done
	logged "Mcp-Param-Count header differs from the body"
}

@test "a boolean parameter: true or false exactly" {
	hcall '"x","flag":true' -H 'Mcp-Param-Value: x' -H 'Mcp-Param-Flag: true'
	[ "$STATUS" = 200 ]
	hcall '"x","flag":false' -H 'Mcp-Param-Value: x' -H 'Mcp-Param-Flag: false'
	[ "$STATUS" = 200 ]
	for h in True 1 yes '=?base64?dHJ1ZQ==?='; do
		hcall '"x","flag":true' -H 'Mcp-Param-Value: x' -H "Mcp-Param-Flag: $h"
		if [ "$h" = '=?base64?dHJ1ZQ==?=' ]; then
			[ "$STATUS" = 200 ]	# base64 of "true"
		else
			[ "$STATUS" = 400 ] || { echo "$h: $BODY"; return 1; }
		fi
	done
	hcall '"x","flag":"true"' -H 'Mcp-Param-Value: x' -H 'Mcp-Param-Flag: true'
	[ "$STATUS" = 400 ]
}
