#!/bin/sh
# run.sh BUILD: `make test-cluster`.  tests/cluster/cluster.bats against
# a topology of three hosts (tests/cluster/topology.sh) in a directory of
# its own, taken down whatever happens (the bats file does it too; this
# covers an interrupted run).  Needs root (network namespaces).
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "test-cluster: needs root (ip netns)" >&2; exit 1; }
dir=$(mktemp -u /tmp/mcpc.XXXXXX)
trap 'bash "$root/tests/cluster/topology.sh" down "$dir"' EXIT
trap 'exit 1' INT TERM HUP
start=$(date +%s)
MCP_BUILD=$build MCP_CLUSTER_DIR=$dir bats --show-output-of-passing-tests \
    "$root/tests/cluster/cluster.bats"
st=$?
echo "test-cluster: $(( $(date +%s) - start )) s"
exit $st
