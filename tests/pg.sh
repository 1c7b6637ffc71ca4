#!/bin/sh
# pg.sh: a PostgreSQL of the tests' own, from Debian's packages, run by an
# unprivileged user (postgres when we are root) in a directory of its own,
# with password authentication on its socket (and on ADDR, when given).
#
#   pg.sh start DIR [PORT [ADDR]]  initdb if new, start; prints the URL of
#                                  database "mcp" (the password in
#                                  DIR/pgpass, a libpq password file)
#   pg.sh db DIR NAME              a new empty database NAME; prints its URL
#   pg.sh url DIR [NAME]           the URL of database NAME (default mcp)
#   pg.sh drop DIR NAME            database NAME dropped, connections or not
#   pg.sh restart DIR              stop at once (as a crash would) and start
#   pg.sh stop DIR                 stop and forget DIR
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL is not installed" >&2; exit 1; }
cmd=${1:?usage: pg.sh start|db|url|drop|restart|stop DIR ...}
dir=${2:?usage: pg.sh $cmd DIR}

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

url() {
	printf 'postgresql:///%s?host=%s/run&port=%s&user=mcp&passfile=%s/pgpass\n' \
	    "${1:-mcp}" "$dir" "$(cat "$dir/port")" "$dir"
}

psql_admin() {
	PGOPTIONS="-c client_min_messages=warning" PGPASSFILE=$dir/pgpass \
	    "$bin/psql" -X -q -v ON_ERROR_STOP=1 \
	    -h "$dir/run" -p "$(cat "$dir/port")" -U mcp -d postgres "$@"
}

# pg_ctl start, the server holding none of the caller's descriptors but
# 0 to 2 (a test runner waits for the end of every pipe it gave: bats'
# own would stay open as long as the server runs).
start_server() {
	if [ "$(id -u)" -eq 0 ]; then
		set -- runuser -u postgres --
	else
		set --
	fi
	# (bash: sh's redirections stop at descriptor 9.)
	bash -c 'for fd in $(ls /proc/$$/fd); do
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done
	exec "$@"' pg_ctl "$@" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" \
	    -w -s start </dev/null >/dev/null
}

wait_up() {
	i=0
	while ! "$bin/pg_isready" -q -h "$dir/run" -p "$(cat "$dir/port")"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "pg.sh: did not start" >&2;
		    cat "$dir/log" >&2; exit 1; }
		sleep 0.1
	done
}

case $cmd in
start)
	port=${3:-}
	addr=${4:-}
	if [ ! -d "$dir/data" ]; then
		mkdir -p "$dir"
		chmod 711 "$dir"
		mkdir "$dir/data" "$dir/run"
		if [ -z "$port" ]; then
			port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
		fi
		echo "$port" > "$dir/port"
		pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
		# The password file the tests and the responders read: ours,
		# 0600 (libpq ignores a password file others can read).
		umask 077
		echo "*:*:*:mcp:$pw" > "$dir/pgpass"
		echo "$pw" > "$dir/data.pw"
		umask 022
		: > "$dir/log"
		if [ "$(id -u)" -eq 0 ]; then
			chown postgres "$dir/data" "$dir/run" "$dir/data.pw" \
			    "$dir/log"
		fi
		as_owner "$bin/initdb" -D "$dir/data" -U mcp \
		    --pwfile="$dir/data.pw" -A scram-sha-256 -E UTF8 \
		    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		    { cat "$dir/initdb.log" >&2; exit 1; }
		rm -f "$dir/data.pw"
		# Tests need no durability across a machine crash (a
		# restart of the server keeps what was committed);
		# connections: every responder thread of several hosts.
		cat >> "$dir/data/postgresql.conf" <<EOF
listen_addresses = '$addr'
port = $port
unix_socket_directories = '$dir/run'
max_connections = 400
fsync = off
full_page_writes = off
shared_buffers = 64MB
log_min_messages = warning
EOF
		if [ -n "$addr" ]; then
			echo "host all all 0.0.0.0/0 scram-sha-256" >> \
			    "$dir/data/pg_hba.conf"
		fi
	fi
	start_server
	wait_up
	psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'mcp'" \
	    -tA | grep -q 1 || psql_admin -c "CREATE DATABASE mcp"
	url mcp
	;;
db)
	name=${3:?usage: pg.sh db DIR NAME}
	psql_admin -c "DROP DATABASE IF EXISTS \"$name\"" \
	    -c "CREATE DATABASE \"$name\""
	url "$name"
	;;
url)
	url "${3:-mcp}"
	;;
drop)
	name=${3:?usage: pg.sh drop DIR NAME}
	psql_admin -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
	;;
restart)
	as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -s stop \
	    >/dev/null 2>&1 || true
	start_server
	wait_up
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -s stop \
		    >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: pg.sh start|db|url|drop|restart|stop DIR ..." >&2
	exit 2
	;;
esac
