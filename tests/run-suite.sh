#!/bin/sh
# run-suite.sh BUILD: every suite of one build (unit tests, the fuzz
# corpora replayed, then the bats suites through lighttpd), as TAP;
# appends "passed failed" to $TALLY.
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
out=$(mktemp)
status=0
echo "== $build: unit tests"
for t in "$build"/tests/unit/*; do
	[ -x "$t" ] || continue
	"$t" >>"$out" 2>&1 || status=1
done
grep '^not ok' "$out"
# Each fuzz target's corpus, a file at a time: seeds and past findings.
echo "== $build: fuzz corpora replayed"
for f in tests/fuzz/corpus/*/*; do
	t=$(basename "$(dirname "$f")")
	if "$build/tests/fuzz/$t-replay" "$f" >/dev/null 2>"$out.err"; then
		echo "ok - replay $t/$(basename "$f")" >>"$out"
	else
		echo "not ok - replay $t/$(basename "$f")" | tee -a "$out"
		sed 's/^/# /' "$out.err" | head -20
	fi
done
rm -f "$out.err"
echo "== $build: bats suites"
MCP_BUILD=$build bats --tap tests/bats/*.bats 2>&1 | tee -a "$out" | grep -E '^(not ok|#)' | head -200
# The smoke suite behind each other web server (the whole suite behind
# one of them: make test-servers SERVER=...).
for s in ${MCP_SERVERS:-nginx apache-proxy-fcgi apache-fcgid apache-cgi lighttpd-cgi}; do
	echo "== $build: smoke suite behind $s"
	MCP_SERVER=$s MCP_BUILD=$build bats --tap tests/servers/smoke.bats 2>&1 |
	    tee -a "$out" | grep -E '^(not ok|#)' | head -50
done
# The Apache snippets' essential lines, each removed: the checks notice.
if [ -z "${MCP_SERVERS:-}" ]; then
	echo "== $build: Apache snippets without their KEEP lines"
	MCP_BUILD=$build bats --tap tests/servers/broken.bats 2>&1 |
	    tee -a "$out" | grep -E '^(not ok|#)' | head -50
fi
pass=$(grep -c '^ok' "$out")
fail=$(grep -c '^not ok' "$out")
echo "== $build: $pass passed, $fail failed"
[ -n "${TALLY:-}" ] && echo "$pass $fail" >>"$TALLY"
rm -f "$out"
[ "$fail" = 0 ] && [ "$status" = 0 ]
