#!/bin/sh
# run-all.sh: `make test`.  Builds and runs the whole suite once per lane
# (tests/run-suite.sh), each lane a build on a store engine:
#
#   1. the normal build (build/) on SQLite: unit tests, fuzz corpora,
#      every bats suite through lighttpd, the smoke suites behind the
#      other web servers;
#   2. the normal build on PostgreSQL (a private server, tests/pg.sh):
#      the engine's unit tests and every bats suite;
#   3. the normal build as three hosts in network namespaces on one
#      PostgreSQL behind a round-robin balancer (tests/cluster/lane.sh,
#      which is make test-cluster counted as a lane);
#   4. AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/) on
#      SQLite, as lane 1.
#
# The sanitizer build on PostgreSQL is not a lane of make test: on a
# 2-core machine the two SQLite lanes take about 20 minutes, the normal
# build on PostgreSQL about 12 (691 s) more, and the sanitizer build on
# PostgreSQL measured 15 more (904 s), which would bring the whole to
# about 50, past 45.  Run it alone: MCP_TEST_STORE=pg sh
# tests/run-suite.sh build-asan (make test-pg SAN=1).
#
# Prints the failed tests of every lane together (a long run's log may be
# read from its end only), each lane's "passed, failed, skipped" and
# time, then one "N passed, M failed" line over all lanes; exits
# non-zero on any failure.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
TALLY=$(mktemp)
FAILS=$(mktemp)
export TALLY FAILS
rc=0
make -s all || rc=1
if [ $rc = 0 ]; then
	MCP_TEST_STORE=sqlite sh tests/run-suite.sh build || rc=1
	MCP_TEST_STORE=pg sh tests/run-suite.sh build || rc=1
	sh tests/cluster/lane.sh build || rc=1
fi
if make -s SAN=1 all; then
	MCP_TEST_STORE=sqlite sh tests/run-suite.sh build-asan || rc=1
else
	rc=1
fi
if [ -s "$FAILS" ]; then
	echo "== failed tests"
	head -40 "$FAILS"
fi
rm -f "$FAILS"
pass=0 fail=0
echo "== lanes"
while read -r p f s secs lane; do
	printf '%-28s %5d passed, %d failed, %d skipped, %d:%02d\n' \
	    "$lane:" "$p" "$f" "$s" $((secs / 60)) $((secs % 60))
	pass=$((pass + p)); fail=$((fail + f))
done <"$TALLY"
rm -f "$TALLY"
[ $rc != 0 ] && [ $fail = 0 ] && fail=1
echo "$pass passed, $fail failed"
[ $rc = 0 ] && [ $fail = 0 ]
