#!/bin/bash
# topology.sh: several hosts on one machine, for the tests and the bench
# of mcp-fcgi on PostgreSQL.  Each host is a network namespace of its own
# with a veth pair to the root namespace (10.NET.I.1 on the root side,
# 10.NET.I.2 in the host), running its own lighttpd and responders
# (rendered by etc/mkconf.sh, with the conformance fixtures); all of them
# use ONE PostgreSQL (tests/pg.sh, listening on every address of the root
# namespace, which each host reaches at 10.NET.I.1) and one directory of
# signing keys, so that a token of the built-in authorization server
# verifies on every host.  In front, on 127.0.0.1 in the root namespace,
# a lighttpd mod_proxy balancer, round-robin, with no affinity of any
# kind.  Each host's lighttpd adds X-Host: hI to its answers, which is how
# a test tells which host answered.
#
#   topology.sh up DIR BUILD N   make DIR (new), start PostgreSQL, N hosts
#                                and the balancer; prints DIR/topo.env
#                                (BASE, N, NET, PGURL...).  On failure
#                                everything made so far is taken down.
#   topology.sh kill DIR I       kill -9 every process of host I
#   topology.sh start DIR I      start host I's lighttpd again
#   topology.sh down DIR         stop everything, remove the namespaces,
#                                PostgreSQL and DIR
#   topology.sh balance DIR K    the balancer over hosts 1 to K only
#   topology.sh addr DIR I       host I's address:port (as the balancer
#                                reaches it)
#
# MCP_CLUSTER_STORE=sqlite: the hosts share one SQLite file instead of
# PostgreSQL (they share the file system), to check the topology and
# its tests against the reference engine.
#
# Must run as root (ip netns).  DIR must be reachable by the user
# postgres (pg.sh runs PostgreSQL as that user): it is made mode 0711.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cmd=${1:?usage: topology.sh up|kill|start|down|balance|addr DIR ...}
DIR=${2:?usage: topology.sh $cmd DIR}

# The processes started here must not hold the caller's descriptors
# (bats waits on its pipes until every holder is gone).
closefds() {
	local fd
	for fd in $(ls /proc/$BASHPID/fd); do
		[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
	done
	return 0
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# waitfor URL [TRIES]: the URL answers (any status) within TRIES tenths.
waitfor() {
	local i
	for i in $(seq "${2:-100}"); do
		curl -s -o /dev/null -m 1 "$1" && return 0
		sleep 0.1
	done
	echo "topology: $1 does not answer" >&2
	return 1
}

# host_start I: host I's lighttpd (which starts its responders) in its
# namespace, in the background, its pid in DIR/hI/pid.
host_start() {
	local i=$1 h=$DIR/h$1
	(
		closefds
		exec ip netns exec "$ID-$i" /usr/sbin/lighttpd -D \
		    -f "$h/lighttpd.conf" >"$h/lighttpd.out" 2>&1 </dev/null
	) &
	echo $! >"$h/pid"
	waitfor "http://10.$NET.$i.2:$PORT/"
}

# host_kill I: kill -9 every process in host I's namespace (lighttpd and
# each responder), and wait until none is left.
host_kill() {
	local ns=$ID-$1 p
	for _ in $(seq 50); do
		p=$(ip netns pids "$ns" 2>/dev/null || true)
		[ -n "$p" ] || return 0
		kill -9 $p 2>/dev/null || true
		sleep 0.1
	done
	echo "topology: processes of $ns outlived kill -9: $p" >&2
	return 1
}

# lb_start K: the balancer, round-robin over hosts 1 to K, per request, no
# affinity (started again if it runs).  It streams answers as the hosts
# write them (SSE), and buffers request bodies whole like the hosts do.
# lighttpd passes every request header (Authorization, Mcp-Session-Id,
# Last-Event-ID...) and the client's Host; a host it cannot connect to is
# skipped for the next one, and left out for disable-time (1 s).
lb_start() {
	local k=$1 i p hosts=
	if [ -f "$DIR/lb/pid" ]; then
		p=$(cat "$DIR/lb/pid")
		kill "$p" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break;
		    sleep 0.1; done
	fi
	for i in $(seq "$k"); do
		hosts="$hosts${hosts:+,}
    ( \"host\" => \"10.$NET.$i.2\", \"port\" => $PORT )"
	done
	mkdir -p "$DIR/lb"
	cat >"$DIR/lb/lighttpd.conf" <<-CONF
	server.modules = ( "mod_proxy", "mod_accesslog" )
	server.bind = "127.0.0.1"
	server.port = $PORT
	server.document-root = "$DIR/lb"
	server.errorlog = "$DIR/lb/error.log"
	accesslog.filename = "$DIR/lb/access.log"
	accesslog.format = "%h %t \"%m %U\" %>s %b %D %{X-Host}o"
	server.stream-response-body = 2
	server.stream-request-body = 0
	server.max-request-size = 1088
	server.max-request-field-size = 16384
	server.max-write-idle = 60
	server.max-read-idle = 10
	server.max-keep-alive-idle = 5
	server.max-connections = 4096
	server.max-fds = 8192
	proxy.balance = "round-robin"
	proxy.server = ( "" => ( $hosts
	) )
	CONF
	(
		closefds
		exec /usr/sbin/lighttpd -D -f "$DIR/lb/lighttpd.conf" \
		    >"$DIR/lb/lighttpd.out" 2>&1 </dev/null
	) &
	echo $! >"$DIR/lb/pid"
	waitfor "http://127.0.0.1:$PORT/"
}

down() {
	local i p ns
	[ -f "$DIR/topo.env" ] && . "$DIR/topo.env"
	# The balancer first, so that nothing new reaches the hosts.
	if [ -f "$DIR/lb/pid" ]; then
		p=$(cat "$DIR/lb/pid")
		kill "$p" 2>/dev/null || true
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break;
		    sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	fi
	# Every namespace of this run (made or half made): its processes
	# asked to stop (lighttpd stops its responders), then killed.
	if [ -n "${ID:-}" ]; then
		for ns in $(ip netns list | awk '{print $1}' | grep "^$ID-"); do
			p=$(ip netns pids "$ns" 2>/dev/null || true)
			[ -z "$p" ] || kill $p 2>/dev/null || true
			for _ in $(seq 30); do
				[ -n "$(ip netns pids "$ns" 2>/dev/null)" ] ||
				    break
				sleep 0.1
			done
			p=$(ip netns pids "$ns" 2>/dev/null || true)
			[ -z "$p" ] || kill -9 $p 2>/dev/null || true
			# Deleting the namespace deletes its end of the veth
			# pair, and with it ours.
			ip netns del "$ns" 2>/dev/null || true
		done
		for i in $(ip -o link | sed -n "s/^[0-9]*: \($ID[rn][0-9]*\)@.*/\1/p"); do
			ip link del "$i" 2>/dev/null || true
		done
	fi
	[ -d "$DIR/pg" ] && sh "$ROOT/tests/pg.sh" stop "$DIR/pg" || true
	# What a sanitizer build reported fails the caller; the hosts' logs
	# are kept in DIR.logs for it.
	if grep -sE "AddressSanitizer|runtime error:|LeakSanitizer" \
	    "$DIR"/h*/mcp-fcgi.log "$DIR"/h*/lighttpd.out >&2; then
		rm -rf "$DIR.logs"
		mkdir -p "$DIR.logs"
		for i in "$DIR"/h*; do
			cp "$i/mcp-fcgi.log" "$DIR.logs/${i##*/}.log" 2>/dev/null
		done
		rm -rf "$DIR"
		echo "topology: sanitizer report, logs in $DIR.logs" >&2
		return 1
	fi
	rm -rf "$DIR"
}

load() {
	[ -f "$DIR/topo.env" ] || { echo "topology: no $DIR/topo.env" >&2;
	    exit 1; }
	. "$DIR/topo.env"
}

up() {
	local build=${1:?usage: topology.sh up DIR BUILD N} n=${2:-3}
	local i x h pgport conf url kv
	[ "$(id -u)" = 0 ] || { echo "topology: must run as root" >&2;
	    exit 1; }
	[ ! -e "$DIR" ] || [ -z "$(ls -A "$DIR")" ] ||
	    { echo "topology: $DIR is not empty" >&2; exit 1; }
	case $build in /*) ;; *) build=$ROOT/$build ;; esac
	[ -x "$build/mcp.fcgi" ] || { echo "topology: no $build/mcp.fcgi" >&2;
	    exit 1; }
	mkdir -p "$DIR"
	chmod 711 "$DIR"
	# Names unique to this run: namespaces mcpc<hex>-I, veth mcpc<hex>rI
	# (root side) and mcpc<hex>nI; a 10.NET/16 no route uses yet.
	ID=mcpc$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	for _ in $(seq 50); do
		x=$((64 + $(od -An -N1 -tu1 /dev/urandom) % 190))
		ip -4 route | grep -q "^10\.$x\." || ip -4 addr |
		    grep -q "inet 10\.$x\." || { NET=$x; break; }
	done
	[ -n "${NET:-}" ] || { echo "topology: no free 10.x/16" >&2; exit 1; }
	PORT=$(free_port)
	pgport=$(free_port)
	cat >"$DIR/topo.env" <<-ENV
	ID=$ID
	NET=$NET
	N=$n
	PORT=$PORT
	BUILD=$build
	BASE=http://127.0.0.1:$PORT
	ENV
	trap 'st=$?; [ $st = 0 ] || { echo "topology: up failed, taking it down" >&2; down; }; exit $st' EXIT
	trap 'exit 1' INT TERM HUP

	sh "$ROOT/tests/pg.sh" start "$DIR/pg" "$pgport" 0.0.0.0 >/dev/null
	mkdir -p "$DIR/keys"
	chmod 700 "$DIR/keys"
	for i in $(seq "$n"); do
		h=$DIR/h$i
		ip netns add "$ID-$i"
		ip link add "${ID}r$i" type veth peer name "${ID}n$i" \
		    netns "$ID-$i"
		ip addr add "10.$NET.$i.1/24" dev "${ID}r$i"
		ip link set "${ID}r$i" up
		ip -n "$ID-$i" addr add "10.$NET.$i.2/24" dev "${ID}n$i"
		ip -n "$ID-$i" link set "${ID}n$i" up
		ip -n "$ID-$i" link set lo up
		# Rendered as for a server on 127.0.0.1:PORT, the public
		# address (resource, issuer, Host): the balancer's.  The
		# host's lighttpd listens on every address of its namespace,
		# the veth for the balancer and loopback for its own
		# responders, which fetch the issuer's JWKS from
		# 127.0.0.1:PORT (themselves).
		# (Its store is set below, with keys_dir: not MCP_STORE_PATH,
		# whose init would give each host a signing key of its own.)
		MCP_STORE_PATH= MCP_JWKS_REFRESH=1 \
		    sh "$ROOT/etc/mkconf.sh" "$h" "$PORT" \
		    "$build" 2 1 0 >/dev/null
		sed -i -e 's|^server.bind .*|server.bind          = "0.0.0.0"|' \
		    -e 's|^server.modules = ( |server.modules = ( "mod_setenv", |' \
		    "$h/lighttpd.conf"
		printf '\n# Which host answered (tests/cluster).\n%s\n' \
		    "setenv.add-response-header = ( \"X-Host\" => \"h$i\" )" \
		    >>"$h/lighttpd.conf"
		url="postgresql://mcp@10.$NET.$i.1:$pgport/mcp?passfile=$DIR/pg/pgpass&sslmode=disable"
		# MCP_CLUSTER_STORE=sqlite: one SQLite file for all hosts
		# instead (they share the machine's file system), to check
		# the topology and its tests against the reference engine.
		[ "${MCP_CLUSTER_STORE:-pg}" = sqlite ] &&
		    url=$DIR/shared/mcp.db && mkdir -p "$DIR/shared"
		for conf in "$h/mcp-fcgi.conf" "$h/mcp-fcgi-open.conf"; do
			sed -i -e "s|^store_path = .*|store_path = ${url//&/\\&}|" \
			    -e "s|^keys_dir = .*|keys_dir = $DIR/keys|" "$conf"
		done
		# A PostgreSQL store keeps the host's other state (the JWKS
		# cache) in var/ beside the configuration.
		mkdir -p "$h/var"
		chmod 700 "$h/var"
		rm -rf "$h/mcp.db" "$h/mcp.db-wal" "$h/mcp.db-shm" "$h/keys"
		# MCP_CLUSTER_CONF_SET="key=value ...": the caller's settings
		# (the bench's), over the template's lines of those keys.
		for kv in ${MCP_CLUSTER_CONF_SET:-}; do
			grep -q "^${kv%%=*} = " "$h/mcp-fcgi.conf" || {
			    echo "topology: no key ${kv%%=*}" >&2; exit 1; }
			sed -i "s|^${kv%%=*} = .*|${kv%%=*} = ${kv#*=}|" \
			    "$h/mcp-fcgi.conf" "$h/mcp-fcgi-open.conf"
		done
	done
	echo "PGURL=postgresql://mcp@127.0.0.1:$pgport/mcp?passfile=$DIR/pg/pgpass&sslmode=disable" \
	    >>"$DIR/topo.env"
	echo "PSQL=\"env PGPASSFILE=$DIR/pg/pgpass psql -X -q -tA -h 127.0.0.1 -p $pgport -U mcp mcp\"" \
	    >>"$DIR/topo.env"
	echo "MCPCTL=\"$build/mcpctl -f $DIR/h1/mcp-fcgi.conf\"" >>"$DIR/topo.env"
	# The schema, and the one signing key every host uses (in the
	# store, and its PEM in the shared keys_dir).
	"$build/mcpctl" -f "$DIR/h1/mcp-fcgi.conf" init >"$DIR/init.out" 2>&1 ||
	    { echo "topology: mcpctl init failed: $(cat "$DIR/init.out")" >&2;
	    exit 1; }
	for i in $(seq "$n"); do
		host_start "$i"
	done

	lb_start "$n"
	trap - EXIT INT TERM HUP
	cat "$DIR/topo.env"
}

case $cmd in
up)
	shift 2
	up "$@"
	;;
kill)
	load
	host_kill "${3:?usage: topology.sh kill DIR I}"
	;;
start)
	load
	host_start "${3:?usage: topology.sh start DIR I}"
	;;
down)
	[ -d "$DIR" ] || exit 0
	down
	;;
balance)
	load
	lb_start "${3:?usage: topology.sh balance DIR K}"
	;;
addr)
	load
	echo "10.$NET.${3:?usage: topology.sh addr DIR I}.2:$PORT"
	;;
*)
	echo "usage: topology.sh up|kill|start|down|balance|addr DIR ..." >&2
	exit 2
	;;
esac
