#!/bin/sh
# run-suite.sh BUILD: every suite of one build on one store engine, as
# TAP; appends "passed failed skipped seconds lane" to $TALLY, and keeps
# the whole TAP in $MCP_TEST_LOG when set.
#
# MCP_TEST_STORE picks the engine:
#   sqlite (default)  unit tests, the fuzz corpora replayed, the bats
#                     suites through lighttpd, then the smoke suite
#                     behind each other web server;
#   pg                a private PostgreSQL (tests/pg.sh) in a directory
#                     under /tmp, removed at the end, failure or not: the
#                     unit tests that read MCP_TEST_PG, each on a fresh
#                     database, then the bats suites through lighttpd,
#                     each server on a database of its own
#                     (tests/bats/helper.bash).  The fuzz replays, the
#                     other unit tests and the other servers' smoke suites
#                     do not depend on the engine: the SQLite lane runs
#                     them.
set -u
build=${1:-build}
store=${MCP_TEST_STORE:-sqlite}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
case $store in
sqlite) lane="$build on SQLite" ;;
pg) lane="$build on PostgreSQL" ;;
*) echo "run-suite.sh: MCP_TEST_STORE is sqlite or pg, not $store" >&2
   exit 2 ;;
esac
start=$(date +%s)
out=$(mktemp)
pgdir=
cleanup() {
	[ -n "$pgdir" ] && sh tests/pg.sh stop "$pgdir"
	rm -f "$out" "$out.err"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
status=0
pgok=1
if [ "$store" = pg ]; then
	pgdir=$(mktemp -d /tmp/mcp-pg-lane.XXXXXX)
	echo "== $lane: PostgreSQL in $pgdir"
	if sh tests/pg.sh start "$pgdir" >/dev/null; then
		echo "ok - PostgreSQL started" >>"$out"
	else
		echo "not ok - PostgreSQL started" | tee -a "$out"
		status=1 pgok=0
	fi
	MCP_TEST_PGDIR=$pgdir MCP_TEST_STORE=pg
	export MCP_TEST_PGDIR MCP_TEST_STORE
fi
echo "== $lane: unit tests"
for t in "$build"/tests/unit/*; do
	[ -x "$t" ] || continue
	if [ "$store" = pg ]; then
		# Only those of the engine; each on an empty database.
		grep -qs MCP_TEST_PG "tests/unit/$(basename "$t").c" || continue
		[ $pgok = 1 ] || break
		if ! MCP_TEST_PG=$(sh tests/pg.sh db "$pgdir" unit); then
			echo "not ok - a database for $t" | tee -a "$out"
			status=1
			continue
		fi
		export MCP_TEST_PG
	fi
	"$t" >>"$out" 2>&1 || status=1
done
grep '^not ok' "$out"
if [ "$store" = pg ]; then
	echo "== $lane: skipped (engine-independent, run on SQLite):" \
	    "the other unit tests, the fuzz corpora, the other servers'" \
	    "smoke suites"
else
	# Each fuzz target's corpus, a file at a time: seeds and past
	# findings.
	echo "== $lane: fuzz corpora replayed"
	for f in tests/fuzz/corpus/*/*; do
		t=$(basename "$(dirname "$f")")
		if "$build/tests/fuzz/$t-replay" "$f" >/dev/null 2>"$out.err"
		then
			echo "ok - replay $t/$(basename "$f")" >>"$out"
		else
			echo "not ok - replay $t/$(basename "$f")" | tee -a "$out"
			sed 's/^/# /' "$out.err" | head -20
		fi
	done
	rm -f "$out.err"
fi
echo "== $lane: bats suites"
if [ $pgok = 1 ]; then
	MCP_BUILD=$build bats --tap tests/bats/*.bats 2>&1 | tee -a "$out" |
	    grep -E '^(not ok|#)|# skip' | head -200
fi
if [ "$store" = sqlite ]; then
	# The smoke suite behind each other web server (the whole suite
	# behind one of them: make test-servers SERVER=...).
	for s in ${MCP_SERVERS:-nginx apache-proxy-fcgi apache-fcgid apache-cgi lighttpd-cgi}; do
		echo "== $lane: smoke suite behind $s"
		MCP_SERVER=$s MCP_BUILD=$build bats --tap tests/servers/smoke.bats 2>&1 |
		    tee -a "$out" | grep -E '^(not ok|#)' | head -50
	done
	# The Apache snippets' essential lines, each removed: the checks
	# notice.
	if [ -z "${MCP_SERVERS:-}" ]; then
		echo "== $lane: Apache snippets without their KEEP lines"
		MCP_BUILD=$build bats --tap tests/servers/broken.bats 2>&1 |
		    tee -a "$out" | grep -E '^(not ok|#)' | head -50
	fi
fi
# A skipped test (TAP "ok ... # skip", or a unit test's "1..0 # SKIP") is
# counted apart, not as passed.
skip=$(grep -ciE '^(ok .* # skip|1\.\.0 # skip)' "$out")
pass=$(($(grep -c '^ok' "$out") - $(grep -ciE '^ok .* # skip' "$out")))
fail=$(grep -c '^not ok' "$out")
secs=$(($(date +%s) - start))
echo "== $lane: $pass passed, $fail failed, $skip skipped ($secs s)"
# MCP_TEST_LOG=FILE keeps the lane's whole TAP (the output above shows
# only failures, skips and comments).
[ -n "${MCP_TEST_LOG:-}" ] && cp "$out" "$MCP_TEST_LOG"
[ -n "${TALLY:-}" ] && echo "$pass $fail $skip $secs $lane" >>"$TALLY"
[ -n "${FAILS:-}" ] &&
    awk -v l="$lane" '/^not ok/ {print l ": " $0}' "$out" >>"$FAILS"
[ "$fail" = 0 ] && [ "$status" = 0 ]
