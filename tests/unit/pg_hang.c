/*
 * pg_hang.c: a PostgreSQL that stops answering (its backend stopped, as
 * a hung disk or a synchronous standby gone would leave it) holds a
 * store call at most the answer bound, not forever: the call fails
 * retryable (MCP_ERR_STORE), and once the server answers again the same
 * store serves on a new connection.  MCP_TEST_PG: a libpq URL; skipped
 * without it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_pg.h"
#include "tap.h"

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char pid_sql[] = "SELECT pg_backend_pid()";

static long
backend(struct mcp_store *st)
{
	PGresult	*r;
	long		 pid = -1;

	if (pg_run(st, pid_sql, NULL, &r, "pid") == MCP_OK) {
		pid = (long)pg_int_at(r, 0, 0);
		PQclear(r);
	}
	return pid;
}

int
main(void)
{
	const char		*url = getenv("MCP_TEST_PG");
	struct mcp_store	*st;
	struct mcp_session	 s;
	char			 err[256];
	enum mcp_err		 e;
	double			 t0, took;
	long			 pid, pid2;

	if (url == NULL || *url == '\0') {
		printf("# pg_hang: MCP_TEST_PG unset: skipped\n");
		printf("1..0 # SKIP MCP_TEST_PG unset\n");
		return 0;
	}
	mcp_log_setlevel(MCP_LEVEL_CRITICAL);
	if ((st = mcp_store_open(url, err, sizeof(err))) == NULL) {
		ok(0, "the store opens (%s)", err);
		return done();
	}
	pid = backend(st);
	ok(pid > 0, "the connection's backend is %ld", pid);
	if (pid <= 0)
		return done();
	/* A read is run once more, on a new connection. */
	kill((pid_t)pid, SIGSTOP);
	t0 = now();
	e = st->ops->session_get(st, "0123", 0, &s);
	took = now() - t0;
	kill((pid_t)pid, SIGCONT);
	ok(e == MCP_ERR_SESSION, "a read whose backend does not answer is "
	    "run again on a new connection (%d)", e);
	ok(took >= 6.5 && took < 9.5, "after the answer bound, 7 s "
	    "(%.1f s)", took);
	pid2 = backend(st);
	ok(pid2 > 0 && pid2 != pid, "another backend (%ld, was %ld)", pid2,
	    pid);
	/* A write is not: it fails, retryable. */
	kill((pid_t)pid2, SIGSTOP);
	t0 = now();
	e = st->ops->session_touch(st, "0123", 1);
	took = now() - t0;
	kill((pid_t)pid2, SIGCONT);
	ok(e == MCP_ERR_STORE, "a write whose backend does not answer: "
	    "MCP_ERR_STORE (%d)", e);
	ok(took >= 6.5 && took < 9.5, "after the answer bound (%.1f s)",
	    took);
	e = st->ops->session_get(st, "0123", 0, &s);
	ok(e == MCP_ERR_SESSION, "the next call is answered on a new "
	    "connection (%d)", e);
	ok(backend(st) != pid2, "another backend again");
	st->ops->close(st);
	return done();
}
