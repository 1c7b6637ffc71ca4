#!/bin/sh
# run-all.sh: `make test`.  Builds and runs the whole suite twice: the
# normal build, then AddressSanitizer + UndefinedBehaviorSanitizer.  Ends
# with one "N passed, M failed" line; exits non-zero on any failure.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
TALLY=$(mktemp)
export TALLY
rc=0
make -s all || rc=1
[ $rc = 0 ] && { sh tests/run-suite.sh build || rc=1; }
make -s SAN=1 all || rc=1
sh tests/run-suite.sh build-asan || rc=1
pass=0 fail=0
while read -r p f; do
	pass=$((pass + p)); fail=$((fail + f))
done <"$TALLY"
rm -f "$TALLY"
[ $rc != 0 ] && [ $fail = 0 ] && fail=1
echo "$pass passed, $fail failed"
[ $rc = 0 ] && [ $fail = 0 ]
