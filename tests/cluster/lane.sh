#!/bin/sh
# lane.sh BUILD: `make test-cluster` as a lane of `make test`: its TAP
# counted like the other lanes' ("passed failed skipped seconds lane" to
# $TALLY).  Where this machine cannot make a network namespace (no root,
# or a container without CAP_SYS_ADMIN) the lane is one skipped test,
# named with the reason, not a pass.
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
lane="$build on three hosts"
out=$(mktemp)
start=$(date +%s)
probe=mcpprobe$$
echo "== $lane: tests/cluster/cluster.bats"
if [ "$(id -u)" = 0 ] && ip netns add "$probe" 2>"$out.err"; then
	ip netns delete "$probe"
	sh "$root/tests/cluster/run.sh" "$build" >"$out" 2>&1
	st=$?
	grep -E '^(not ok|#)' "$out" | head -100
	[ $st = 0 ] || grep -q '^not ok' "$out" ||
	    echo "not ok - the cluster lane failed before its tests: $(tail -3 "$out" | tr '\n' ' ')" | tee -a "$out"
else
	echo "ok - cluster # skip no network namespaces here: $(cat "$out.err" 2>/dev/null)$( [ "$(id -u)" = 0 ] || echo 'not root')" |
	    tee "$out"
fi
rm -f "$out.err"
secs=$(($(date +%s) - start))
skip=$(grep -ciE '^ok .* # skip' "$out")
pass=$(($(grep -c '^ok' "$out") - skip))
fail=$(grep -c '^not ok' "$out")
echo "== $lane: $pass passed, $fail failed, $skip skipped ($secs s)"
[ -n "${TALLY:-}" ] && echo "$pass $fail $skip $secs $lane" >>"$TALLY"
[ -n "${FAILS:-}" ] &&
    awk -v l="$lane" '/^not ok/ {print l ": " $0}' "$out" >>"$FAILS"
rm -f "$out"
[ "$fail" = 0 ]
