# helper.bash: starts the real web server (lighttpd, or MCP_SERVER: nginx
# or apache-proxy-fcgi with the responders spawned beside it,
# apache-fcgid, apache-cgi, lighttpd-cgi) on an ephemeral loopback port, and wraps curl so that tests assert on
# status, headers and body.  MCP_BUILD selects the build (build or
# build-asan).

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${MCP_BUILD:-build}
# The web server in front (etc/mkconf.sh renders its configuration).
SERVER=${MCP_SERVER:-lighttpd}
# The store's engine (MCP_TEST_STORE): sqlite, the default ($STATE/mcp.db),
# or pg: each server a database of its own in the PostgreSQL whose
# directory MCP_TEST_PGDIR names (tests/pg.sh start; tests/run-suite.sh
# starts one for its PostgreSQL lane).
STORE=${MCP_TEST_STORE:-sqlite}
ACCEPT='application/json, text/event-stream'
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

JWT="python3 $ROOT/tests/bats/jwt.py"
ALL_SCOPES="wks:read wks:write env:read env:write org:read org:write"

# test_issuers: keys of three extra trusted issuers, written before the
# configuration is rendered (etc/mkconf.sh appends test-issuers.conf):
# https://pem.test (ES256, PEM public key), https://hs.test (HS256 shared
# secret) and https://jwks.test (RS256, a JWKS file the tests rewrite).
test_issuers() {
	local k=$STATE/tk
	mkdir -p "$k"
	$JWT genkey ec "$k" ec
	$JWT genkey rsa "$k" rsa1 kid-1
	$JWT genkey rsa "$k" rsa2 kid-2
	$JWT genkey rsa "$k" evil kid-1
	head -c 48 /dev/urandom | base64 | tr -d '\n=' >"$k/hs.secret"
	jq -c '{keys: [.]}' "$k/rsa1.jwk" >"$k/jwks.json"
	cat >"$STATE/test-issuers.conf" <<-CONF

	[issuer]
	issuer = https://pem.test
	public_key_file = $k/ec.pub.pem
	algorithms = ES256
	leeway_seconds = 5

	[issuer]
	issuer = https://hs.test
	hs256_secret_file = $k/hs.secret
	algorithms = HS256
	leeway_seconds = 5

	[issuer]
	issuer = https://jwks.test
	jwks_file = $k/jwks.json
	algorithms = RS256 ES256
	leeway_seconds = 5
	CONF
}

# start_server [PAGE_SIZE]: one lighttpd, 2 processes per endpoint, and a
# client of the built-in authorization server holding every scope:
# CLIENT_ID, CLIENT_SECRET and a TOKEN that post() sends by default.
start_server() {
	STATE=$(mktemp -d /tmp/mcpfcgi-test.XXXXXX)
	PORT=$(free_port)
	test_issuers
	# Apache runs what it starts, and reads www/, as its user (www-data),
	# who need not reach this checkout (a private clone, mode 0700): for
	# Apache both are copied into the state directory first.
	SBIN=$ROOT/$BUILD SWWW=$ROOT/www
	case $SERVER in
	apache-*)
		mkdir -p "$STATE/stage/bin"
		cp -R "$ROOT/www" "$STATE/stage/www"
		cp "$SBIN"/*.fcgi "$SBIN/mcpctl" "$STATE/stage/bin/"
		chmod -R go+rX "$STATE/stage"
		SBIN=$STATE/stage/bin SWWW=$STATE/stage/www ;;
	esac
	# The store: $STATE/mcp.db, or a PostgreSQL database of its own.
	store_for "$STATE" || return 1
	MCP_JWKS_REFRESH=${MCP_JWKS_REFRESH:-1} MCP_JWKS_MAX_AGE=3 \
	    MCP_SERVER=$SERVER MCP_WWW=$SWWW MCP_STORE_PATH=$STORE_URL \
	    sh "$ROOT/etc/mkconf.sh" "$STATE" "$PORT" "$SBIN" 2 1 0 "${1:-100}"
	CONF=$STATE/mcp-fcgi.conf
	# CONF_SET="key=value ...": this file's own settings, over the
	# template's lines of those keys (in both endpoints' files).
	local kv
	for kv in ${CONF_SET:-}; do
		grep -q "^${kv%%=*} = " "$CONF" ||
		    { echo "CONF_SET: no key ${kv%%=*} in $CONF" >&2; return 1; }
		sed -i "s|^${kv%%=*} = .*|${kv%%=*} = ${kv#*=}|" "$CONF" \
		    "$STATE/mcp-fcgi-open.conf"
	done
	# A file may change the rendered configurations before anything
	# starts: it defines server_prestart.
	if declare -F server_prestart >/dev/null; then
		server_prestart || return 1
	fi
	# Where Apache starts the programs (mod_fcgid, CGI) they run as its
	# user, who must own the state; so do mcpctl and sqlite3 then
	# (store_sql).
	AS=
	case $SERVER in
	apache-fcgid|apache-cgi)
		[ "$SERVER" = apache-fcgid ] &&
		    sed -i 's/^threads = .*/threads = 1/' "$CONF" \
		    "$STATE/mcp-fcgi-open.conf"
		chown -R www-data:www-data "$STATE"
		AS="runuser -u www-data --" ;;
	esac
	MCPCTL="$AS $SBIN/mcpctl -f $CONF"
	local c
	# The default clients' workspace, under a fixed id tests can name.
	store_sql "INSERT INTO workspaces (id, name, created_ms, updated_ms) VALUES ('wks_bats', 'bats', 0, 0)"
	c=$($MCPCTL client add --name bats --scopes "$ALL_SCOPES" \
	    --workspace wks_bats)
	CLIENT_ID=$(printf '%s' "$c" | jq -r .client_id)
	CLIENT_SECRET=$(printf '%s' "$c" | jq -r .client_secret)
	TOKEN=$($MCPCTL token --client "$CLIENT_ID" | jq -r .access_token)
	export CONF MCPCTL CLIENT_ID CLIENT_SECRET TOKEN
	# The responders, where the web server starts none (etc/spawn.sh):
	# for Apache as its user (www-data), which must reach the sockets.
	# (Without bats' descriptors, like the web server below.)
	case $SERVER in
	nginx|apache-proxy-fcgi)
		[ "$SERVER" = nginx ] || chmod 711 "$STATE" "$STATE/run"
		(
			for fd in $(ls /proc/$BASHPID/fd); do
				[ "$fd" -gt 2 ] && eval "exec $fd>&-"
			done
			exec sh "$ROOT/etc/spawn.sh" "$STATE" "$SBIN" 2 1 \
			    $([ "$SERVER" = nginx ] || echo www-data)
		) ;;
	esac
	# Close every descriptor bats holds, or the responders inherit the
	# pipes bats waits on.
	(
		for fd in $(ls /proc/$BASHPID/fd); do
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		case $SERVER in
		nginx)
			exec nginx -c "$STATE/nginx.conf" >"$STATE/lighttpd.out" 2>&1 ;;
		apache-*)
			exec apache2 -f "$STATE/apache.conf" -DFOREGROUND \
			    >"$STATE/lighttpd.out" 2>&1 ;;
		*)
			exec /usr/sbin/lighttpd -D -f "$STATE/lighttpd.conf" \
			    >"$STATE/lighttpd.out" 2>&1 ;;
		esac
	) &
	echo $! >"$STATE/pid"
	BASE=http://127.0.0.1:$PORT
	URL=$BASE/conformance/mcp
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "$BASE/" && break
		sleep 0.05
	done
	export STATE PORT BASE URL SBIN
}

# store_for DIR: the store of the server whose state is DIR, in
# STORE_PATH (what store_path says): DIR/mcp.db, or on PostgreSQL a
# database of its own, named after DIR (STORE_DB, its URL STORE_URL; the
# password file copied into DIR, for Apache's user).  store_drop
# removes that database.
store_for() {
	STORE_URL= STORE_DB= STORE_PATH=$1/mcp.db
	case $STORE in
	sqlite) ;;
	pg)
		[ -f "${MCP_TEST_PGDIR:-}/pgpass" ] || {
			echo "MCP_TEST_STORE=pg: MCP_TEST_PGDIR must name a" \
			    "PostgreSQL of tests/pg.sh start" >&2
			return 1
		}
		install -m 600 "$MCP_TEST_PGDIR/pgpass" "$1/pgpass"
		STORE_DB=$(basename "$1" | tr . _)
		STORE_URL=$(sh "$ROOT/tests/pg.sh" db "$MCP_TEST_PGDIR" \
		    "$STORE_DB" | sed "s|passfile=.*|passfile=$1/pgpass|") ||
		    return 1
		STORE_PATH=$STORE_URL ;;
	*)
		echo "MCP_TEST_STORE: sqlite or pg, not $STORE" >&2
		return 1 ;;
	esac
	export STORE_URL STORE_DB STORE_PATH
}

store_drop() {
	[ -z "${STORE_DB:-}" ] ||
	    sh "$ROOT/tests/pg.sh" drop "$MCP_TEST_PGDIR" "$STORE_DB"
}

# store_sql SQL: runs SQL on the server's store, whichever the engine,
# and prints the rows as sqlite3 does (columns separated by |, NULL
# empty).  Write SQL both engines accept: "user" quoted, no rowid, no
# PRAGMA nor SQLite's own functions (sqlite_only for what only SQLite
# has).
store_sql() {
	if [ "$STORE" = pg ]; then
		psql -X -q -tA -F'|' -v ON_ERROR_STOP=1 -d "$STORE_URL" -c "$1"
	else
		$AS sqlite3 -cmd '.timeout 10000' "$STATE/mcp.db" "$1"
	fi
}

# store_dump: every table of the store, as text (to show that a secret
# is not in it): sqlite3's .dump of the file, or pg_dump of the database.
store_dump() {
	if [ "$STORE" = pg ]; then
		pg_dump --no-owner -d "$STORE_URL"
	else
		$AS sqlite3 -cmd '.timeout 5000' "$STATE/mcp.db" .dump
	fi
}

# store_lacks TEXT: TEXT is nowhere in the store's dump (store_dump); a
# dump that fails or holds no table fails the test, not passes it.
store_lacks() {
	local d=$STATE/store.dump
	store_dump >"$d" || { echo "store_dump failed" >&2; return 1; }
	grep -q '^CREATE TABLE' "$d" ||
	    { echo "store_dump: no table" >&2; return 1; }
	if grep -aqF "$1" "$d"; then
		echo "in the store: $1" >&2
		return 1
	fi
	rm -f "$d"
}

# store_check: prints ok when the store's structure is sound: SQLite's
# PRAGMA integrity_check, or on PostgreSQL amcheck's check of every
# B-tree index of the schema against its table (heapallindexed).
store_check() {
	if [ "$STORE" = pg ]; then
		store_sql "CREATE EXTENSION IF NOT EXISTS amcheck" &&
		store_sql "SELECT count(bt_index_check(c.oid, true)) FROM pg_index i
		    JOIN pg_class c ON c.oid = i.indexrelid
		    JOIN pg_am a ON a.oid = c.relam
		    JOIN pg_namespace n ON n.oid = c.relnamespace
		    WHERE a.amname = 'btree' AND n.nspname = 'public'" >/dev/null &&
		echo ok
	else
		store_sql "PRAGMA integrity_check"
	fi
}

# sqlite_only WHY: skips a test of what only the SQLite store has (its
# file, WAL, PRAGMA, the writers' turnstile) on the PostgreSQL lane.
sqlite_only() {
	[ "$STORE" = sqlite ] || skip "SQLite store only: $1"
}

# lighttpd_only WHY: skips a test of what only lighttpd's FastCGI
# deployment does (it restarts responders that die, applies its own
# limits) when the suite runs behind another server (make test-servers).
lighttpd_only() {
	[ "$SERVER" = lighttpd ] || skip "behind lighttpd only: $1"
}

# skip_behind "SERVERS" WHY: skips a test whose subject the named
# deployments do not have (mod_fcgid's and CGI's one request per
# process), saying why.
skip_behind() {
	case " $1 " in
	*" $SERVER "*) skip "behind $SERVER: $2" ;;
	esac
}

# running PID: the process exists and is not a zombie.
running() {
	local st
	st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) &&
	    [ -n "$st" ] && [ "$st" != Z ]
}

# stop_server: also fails the file if a sanitizer reported anything.
stop_server() {
	local pid kids
	pid=$(cat "$STATE/pid")
	kids=$(pgrep -P "$pid" || true)
	# Responders spawned beside the web server stop on SIGTERM (their
	# pid files end without a newline).
	if [ "$SERVER" != lighttpd ]; then
		kids="$kids $(for f in "$STATE"/run/*.pid; do
			[ -f "$f" ] && cat "$f"; echo; done)"
		kill $kids 2>/dev/null || true
	fi
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# The responders stop on lighttpd's SIGTERM; none may be left (a
	# zombie has stopped: its parent, gone, can no longer reap it).
	for k in $kids; do
		for _ in $(seq 30); do
			running "$k" || break
			sleep 0.1
		done
		if running "$k"; then
			echo "responder $k outlived lighttpd" >&2
			kill -9 "$k"
			return 1
		fi
	done
	if grep -sE "AddressSanitizer|runtime error:|LeakSanitizer" \
	    "$STATE/lighttpd-error.log" "$STATE/mcp-fcgi.log" \
	    "$STATE/lighttpd.out" "$STATE/nginx-error.log" \
	    "$STATE/apache-error.log" >&2; then
		echo "sanitizer report in $STATE" >&2
		return 1
	fi
	# A database kept while its state is (a failed file's, to look at).
	store_drop || return 1
	rm -rf "$STATE"
}

# req METHOD URL [curl args...]: sets STATUS, and files $STATE/h, $STATE/b.
req() {
	local m=$1 u=$2
	shift 2
	STATUS=$(curl -s -o "$STATE/b" -D "$STATE/h" -w '%{http_code}' \
	    -X "$m" "$u" "$@")
	BODY=$(cat "$STATE/b")
}

# post BODY [curl args...]: a well-formed MCP POST to $URL, with
# Authorization: Bearer $TOKEN unless NOAUTH is set.
post() {
	local b=$1
	shift
	if [ -n "${NOAUTH:-}" ] || [ -z "${TOKEN:-}" ]; then
		req POST "$URL" -H 'Content-Type: application/json' \
		    -H "Accept: $ACCEPT" --data-binary "$b" "$@"
	else
		req POST "$URL" -H 'Content-Type: application/json' \
		    -H "Accept: $ACCEPT" -H "Authorization: Bearer $TOKEN" \
		    --data-binary "$b" "$@"
	fi
}

# audit_line RID: the audit log's JSON line of a request; records are
# written in batches, within 0.2 s.
audit_line() {
	local l
	for _ in $(seq 30); do
		l=$(grep "\"rid\":\"$1\"" "$STATE/audit.log" 2>/dev/null) &&
		    { printf '%s' "$l"; return 0; }
		sleep 0.1
	done
	echo "no audit line for $1" >&2
	return 1
}

# token_for SCOPES: a token of the built-in server for a new client of
# workspace wks_bats holding exactly SCOPES ("" for none).
token_for() {
	local c id
	c=$($MCPCTL client add --name "s-$RANDOM" --scopes "$1" \
	    --workspace "${2:-wks_bats}")
	id=$(printf '%s' "$c" | jq -r .client_id)
	$MCPCTL token --client "$id" | jq -r .access_token
}

# two_workspaces: workspaces Acme ($WA) and Globex ($WB), each with a
# client holding every scope ($TA, $TB), all exported.
two_workspaces() {
	WA=$($MCPCTL workspace add --name "Acme" | jq -r .id)
	WB=$($MCPCTL workspace add --name "Globex" | jq -r .id)
	TA=$(token_for "$ALL_SCOPES" "$WA")
	TB=$(token_for "$ALL_SCOPES" "$WB")
	export WA WB TA TB
}

# header NAME: the value of a response header (case-insensitive).
header() {
	grep -i "^$1:" "$STATE/h" | head -1 | cut -d' ' -f2- | tr -d '\r'
}

# logged WHY: a responder logged this reason under the answer's request
# id (X-Request-Id); else the lines of that id are shown.
logged() {
	local rid
	rid=$(header X-Request-Id)
	sleep 0.1
	grep -q "rid=$rid .*$1" "$STATE/mcp-fcgi.log" || {
		echo "no '$1' for rid=$rid" >&2
		grep "rid=$rid" "$STATE/mcp-fcgi.log" >&2
		return 1
	}
}

# jqb FILTER: jq -e over the body; fails the test when false.
# An empty body fails: jq -e alone is true when it reads no input at all.
jqb() {
	[ -n "$BODY" ] || { echo "jq $*: empty body" >&2; return 1; }
	printf '%s' "$BODY" | jq -e "$@" >/dev/null || {
		echo "jq $* failed on: $BODY" >&2
		return 1
	}
}

# jqo FILTER [TEXT]: the same over TEXT (default: bats' $output).
jqo() {
	local f=$1 t=${2-$output}
	[ -n "$(printf '%s' "$t" | tr -d '[:space:]')" ] ||
	    { echo "jq $f: no input" >&2; return 1; }
	printf '%s' "$t" | jq -e "$f" >/dev/null || {
		echo "jq $f failed on: $t" >&2
		return 1
	}
}

# sse_data: the JSON of each SSE data line of the body, one per line.
sse_data() {
	printf '%s' "$BODY" | sed -n 's/^data: \(..*\)$/\1/p'
}

# init_session VERSION: initialize + initialized; sets SID.
init_session() {
	post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"'"$1"'","capabilities":{"sampling":{},"elicitation":{}},"clientInfo":{"name":"bats","version":"1"}}}'
	[ "$STATUS" = 200 ] || { echo "initialize: $STATUS $BODY" >&2; return 1; }
	SID=$(header Mcp-Session-Id)
	[ -n "$SID" ]
	post '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    -H "Mcp-Session-Id: $SID" -H "MCP-Protocol-Version: $1"
	[ "$STATUS" = 202 ]
}

# refused FILE TEXT: $BIN -t refuses the configuration $T/FILE (exit 1)
# and its message contains TEXT.
refused() {
	run "$BIN" -t -f "$T/$1"
	[ "$status" = 1 ] && [[ "$output" == *"$2"* ]] ||
	    { echo "status $status: $output" >&2; return 1; }
}

# spost VERSION BODY [args]: a POST inside the session.
spost() {
	local v=$1 b=$2
	shift 2
	post "$b" -H "Mcp-Session-Id: $SID" -H "MCP-Protocol-Version: $v" "$@"
}

# mpost METHOD PARAMS [args]: a 2026-07-28 request with matching headers.
MODERN_META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
mpost() {
	local m=$1 p=$2
	shift 2
	post '{"jsonrpc":"2.0","id":7,"method":"'"$m"'","params":{'"$MODERN_META${p:+,$p}"'}}' \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $m" "$@"
}

# cimd_host ALLOW_PRIVATE: from a file's server_prestart, an https host of
# Client ID Metadata Documents (tests/js/cimd-host.mjs) with its own
# certificate, which the responders trust for that fetch alone; sets
# CIMD (its base URL).  cimd_stop ends it.
cimd_host() {
	local d=$STATE/cimd i
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	sed -i -e "s|^client_metadata_ca_file =.*|client_metadata_ca_file = $d/cert.pem|" \
	    -e "s|^client_metadata_allow_private = .*|client_metadata_allow_private = $1|" "$CONF"
	(
		for fd in $(ls /proc/$BASHPID/fd); do
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		exec "$ROOT/tests/js/node_modules/node/bin/node" \
		    "$ROOT/tests/js/cimd-host.mjs" "$d/cert.pem" "$d/key.pem" \
		    >"$d/out" 2>"$d/err"
	) &
	echo $! >"$d/pid"
	for i in $(seq 100); do
		grep -q base "$d/out" 2>/dev/null && break
		sleep 0.05
	done
	CIMD=$(jq -r .base "$d/out")
	[ -n "$CIMD" ] && [ "$CIMD" != null ] || { cat "$d/err" >&2; return 1; }
	export CIMD
}

cimd_stop() {
	local pid
	pid=$(cat "$STATE/cimd/pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

# remote_call ARGS...: mcp-remote ARGS over stdio (initialize, then
# whoami); prints its answer to whoami, else its last words.
remote_call() {
	local cfg out
	cfg=$(mktemp -d)
	out=$(cd "$JS" && {
		printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}'
		sleep 3
		printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}'
		printf '%s\n' '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}'
		sleep 3
	} | MCP_REMOTE_CONFIG_DIR=$cfg timeout 60 mcp-remote "$@" 2>"$cfg/err")
	grep '"id":2' <<<"$out" || tail -20 "$cfg/err" >&2
	rm -rf "$cfg"
}

# remote_cc MCP_URL CLIENT_ID SECRET: remote_call with
# --client-credentials (Streamable HTTP only).
remote_cc() {
	printf '{"client_id":"%s","client_secret":"%s"}' "$2" "$3" \
	    >"$STATE/cc-info.json"
	remote_call "$1" --transport http-only --client-credentials \
	    --static-oauth-client-info "@$STATE/cc-info.json"
}

# use_js: the npm clients of tests/js (and Node 22) first on PATH; JS
# names the directory.
use_js() {
	JS=$ROOT/tests/js
	export PATH=$JS/node_modules/node/bin:$JS/node_modules/.bin:$PATH
	export JS
}

# Streams held by curl in the background: held NAME PID records the pid
# in $STATE/NAME.pid and for kill_listeners, which ends them all.
held() {
	echo "$2" >"$STATE/$1.pid"
	echo "$2" >>"$STATE/listeners"
}

kill_listeners() {
	[ -f "$STATE/listeners" ] || return 0
	xargs -r kill <"$STATE/listeners" 2>/dev/null || true
	rm -f "$STATE/listeners"
}

# seen NAME REGEX [SECONDS]: the body of stream NAME ($STATE/NAME.b)
# shows REGEX in time (5 s by default).
seen() {
	local i
	for i in $(seq $((${3:-5} * 20))); do
		grep -qE "$2" "$STATE/$1.b" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "stream $1 never showed $2:" >&2
	cat "$STATE/$1.h" "$STATE/$1.b" >&2
	return 1
}


# progress_times: a 2026-07-28 call of the fixture test_tool_with_progress
# (three progress events 250 ms apart, then the result); prints the
# number of events and the ms from sending to the first and the last.
progress_times() {
	python3 - "$PORT" <<'PY'
import http.client, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
body = ('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_tool_with_progress",'
        '"_meta":{"progressToken":"p","io.modelcontextprotocol/protocolVersion":"2026-07-28",'
        '"io.modelcontextprotocol/clientCapabilities":{}}}}')
h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
     "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call",
     "Mcp-Name": "test_tool_with_progress", "Connection": "close"}
t0 = time.monotonic()
c.request("POST", "/conformance/mcp", body=body, headers=h)
r = c.getresponse()
times = []
while True:
    line = r.fp.readline()
    if not line: break
    if line.startswith(b"data: "): times.append((time.monotonic() - t0) * 1000)
print(len(times), int(times[0]), int(times[-1]))
PY
}
