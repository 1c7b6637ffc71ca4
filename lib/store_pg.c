/*
 * store_pg.c: the shared store on PostgreSQL, for several hosts behind
 * one load balancer.  One connection per thread, like SQLite's; its
 * statements prepared once; the schema made and migrated under an
 * advisory lock by whichever process comes first.  store_pg.h says how
 * transactions and lost connections are handled.
 *
 * The database is named by store_path: a postgresql:// URL or a libpq
 * keyword string.  The password never appears there (mcp_store_check()
 * refuses it): libpq reads it from PGPASSWORD, or from a password file
 * (passfile=, PGPASSFILE, ~/.pgpass).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_pg.h"
#include "store_schema.h"

#define P(p)		((struct pg_store *)(void *)(p))
/* pg_advisory_lock() key of the migration, a number of our own. */
#define MIGRATE_LOCK	"7885053420391671913"
#define TX_TRIES	50
#define STATEMENT_MS	"5000"	/* as SQLite's busy timeout */
/* The longest wait for an answer: the statement's bound and some. */
#define ANSWER_MS	7000

struct pg_store {
	struct mcp_store	 base;	/* first: the public part */
	PGconn			*conn;
	char			*path;
	const char		*stmt[PG_STMT_MAX];	/* prepared: "s<i>" */
	size_t			 nstmt;
	int			 in_tx;
	int			 answer_ms;	/* see answer(); 0: no bound */
	int			 retry;	/* the transaction must run again */
	int			 lost;	/* the connection broke in it */
	PGconn			*lconn;	/* LISTEN mcp_events, nothing else */
	time_t			 ltried;	/* its last failed connect */
};

void
pg_text(struct pg_args *a, const char *v)
{
	if (a->n < PG_ARGS_MAX)
		a->v[a->n++] = v;
}

void
pg_int(struct pg_args *a, int64_t v)
{
	if (a->n < PG_ARGS_MAX) {
		snprintf(a->num[a->n], sizeof(a->num[a->n]), "%lld",
		    (long long)v);
		a->v[a->n] = a->num[a->n];
		a->n++;
	}
}

/* b as bytea's text form, "\\x" and two digits a byte, into dst (2n+3). */
static void
bytea_text(char *dst, const unsigned char *b, size_t n)
{
	static const char	 d[] = "0123456789abcdef";
	size_t			 i;

	dst[0] = '\\';
	dst[1] = 'x';
	for (i = 0; i < n; i++) {
		dst[2 + 2 * i] = d[b[i] >> 4];
		dst[3 + 2 * i] = d[b[i] & 15];
	}
	dst[2 + 2 * n] = '\0';
}

void
pg_bytes(struct pg_args *a, const unsigned char *b, size_t n, char *hex,
    size_t hexsz)
{
	if (hexsz < 2 * n + 3) {
		pg_text(a, NULL);
		return;
	}
	bytea_text(hex, b, n);
	pg_text(a, hex);
}

char *
pg_bytea(const unsigned char *b, size_t n)
{
	char	*s;

	if ((s = malloc(2 * n + 3)) != NULL)
		bytea_text(s, b, n);
	return s;
}

void
pg_copy(PGresult *r, int row, int col, char *dst, size_t sz)
{
	const char	*v = "";

	if (!PQgetisnull(r, row, col))
		v = PQgetvalue(r, row, col);
	snprintf(dst, sz, "%s", v);
}

int64_t
pg_int_at(PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

char *
pg_dup(PGresult *r, int row, int col, int *oom)
{
	char	*v;

	if (PQgetisnull(r, row, col))
		return NULL;
	if ((v = strdup(PQgetvalue(r, row, col))) == NULL)
		*oom = 1;
	return v;
}

int64_t
pg_changed(PGresult *r)
{
	const char	*n = PQcmdTuples(r);

	return *n != '\0' ? strtoll(n, NULL, 10) : 0;
}

PGconn *
pg_conn(struct mcp_store *p)
{
	return P(p)->conn;
}

/* A new connection to the store's database (NULL: out of memory). */
static PGconn *
dial(struct pg_store *s)
{
	/*
	 * Ours first: the path's own settings override them.  A host that
	 * vanishes is given up after tcp_user_timeout rather than waited
	 * for forever.
	 */
	const char *const	 keys[] = { "connect_timeout",
	    "application_name", "tcp_user_timeout", "keepalives_idle",
	    "keepalives_interval", "keepalives_count", "dbname", NULL };
	const char *const	 vals[] = { "5", "mcp-fcgi", "10000", "10",
	    "5", "3", s->path, NULL };

	return PQconnectdbParams(keys, vals, 1);
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The answer to what was just sent: the last result (an error stops a
 * query, so it is then the error).  The server ends a statement after
 * statement_timeout; a server that stops answering at all (stopped, a
 * synchronous standby gone, a disk hung, a host gone) is waited for at
 * most answer_ms, after which the connection is closed (its state is
 * unknown) and NULL returned: the next call connects again.
 */
static PGresult *
answer(struct pg_store *s)
{
	struct pollfd	 pfd;
	PGresult	*r, *last = NULL;
	int64_t		 end = now_ms() + s->answer_ms, left;
	int		 n;

	for (;;) {
		while (PQisBusy(s->conn)) {
			left = s->answer_ms > 0 ? end - now_ms() : -1;
			if (s->answer_ms > 0 && left <= 0)
				goto late;
			pfd.fd = PQsocket(s->conn);
			pfd.events = POLLIN;
			if ((n = poll(&pfd, 1, (int)left)) == -1 &&
			    errno != EINTR)
				goto late;
			if (n > 0 && !PQconsumeInput(s->conn))
				break;	/* lost: PQgetResult() says so */
		}
		if ((r = PQgetResult(s->conn)) == NULL)
			return last;
		if (last != NULL && PQresultStatus(last) !=
		    PGRES_COMMAND_OK && PQresultStatus(last) !=
		    PGRES_TUPLES_OK)
			PQclear(r);	/* keep the first error */
		else {
			PQclear(last);
			last = r;
		}
		if (PQstatus(s->conn) == CONNECTION_BAD)
			return last;
	}
late:
	PQclear(last);
	mcp_logx(MCP_LEVEL_ERROR, NULL, "store: no answer from postgresql "
	    "in %d ms: connection closed", s->answer_ms);
	PQfinish(s->conn);
	s->conn = NULL;
	s->nstmt = 0;
	return NULL;
}

/* Connects (again); 0, or -1 with err. */
static int
pg_connect(struct pg_store *s, char *err, size_t errsz)
{
	PGresult		*r;

	if (s->conn != NULL)
		PQfinish(s->conn);
	s->nstmt = 0;
	s->conn = dial(s);
	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK) {
		snprintf(err, errsz, "postgresql: %s", s->conn != NULL ?
		    PQerrorMessage(s->conn) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		return -1;
	}
	/*
	 * A statement waits for a lock at most as long as SQLite's busy
	 * handler would; a transaction left open by a stuck process is
	 * ended by the server.
	 */
	if (!PQsendQuery(s->conn, "SET statement_timeout = " STATEMENT_MS ";"
	    "SET idle_in_transaction_session_timeout = 30000;"
	    "SET client_min_messages = warning")) {
		snprintf(err, errsz, "postgresql: cannot send");
		return -1;
	}
	r = answer(s);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		snprintf(err, errsz, "postgresql: %s", r != NULL ?
		    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) :
		    "no answer");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static int
reconnect(struct pg_store *s)
{
	char	 err[256];

	if (pg_connect(s, err, sizeof(err)) == -1) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "store: %s", err);
		return -1;
	}
	mcp_logx(MCP_LEVEL_NOTICE, NULL, "store: reconnected to postgresql");
	return 0;
}

static const char *
sqlstate(PGresult *r)
{
	const char	*c = r != NULL ? PQresultErrorField(r,
	    PG_DIAG_SQLSTATE) : NULL;

	return c != NULL ? c : "";
}

/* The name of sql's statement, prepared on first use; NULL: unprepared. */
static const char *
prepared(struct pg_store *s, const char *sql, char name[16], PGresult **fail)
{
	PGresult	*r;
	size_t		 i;

	*fail = NULL;
	for (i = 0; i < s->nstmt; i++)
		if (s->stmt[i] == sql) {
			snprintf(name, 16, "s%u", (unsigned int)i);
			return name;
		}
	if (s->nstmt == PG_STMT_MAX)
		return NULL;
	snprintf(name, 16, "s%u", (unsigned int)s->nstmt);
	r = PQsendPrepare(s->conn, name, sql, 0, NULL) ? answer(s) : NULL;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		*fail = r;
		return NULL;
	}
	PQclear(r);
	s->stmt[s->nstmt++] = sql;
	return name;
}

static int
is_read(const char *sql)
{
	return strncmp(sql, "SELECT", 6) == 0;
}

enum mcp_err
pg_run(struct mcp_store *p, const char *sql, const struct pg_args *a,
    PGresult **res, const char *what)
{
	struct pg_store		*s = P(p);
	PGresult		*r;
	const char		*name, *code;
	char			 buf[16];
	int			 n = a != NULL ? a->n : 0, tries;
	ExecStatusType		 st;

	if (res != NULL)
		*res = NULL;
	for (tries = 0;; tries++) {
		if (!s->in_tx && PQstatus(s->conn) != CONNECTION_OK &&
		    reconnect(s) == -1)
			return MCP_ERR_STORE;
		if (s->conn == NULL) {		/* closed in this transaction */
			s->lost = 1;
			return MCP_ERR_STORE;
		}
		name = prepared(s, sql, buf, &r);
		if (r == NULL && s->conn != NULL)
			r = (name != NULL ? PQsendQueryPrepared(s->conn, name,
			    n, a != NULL ? a->v : NULL, NULL, NULL, 0) :
			    PQsendQueryParams(s->conn, sql, n, NULL,
			    a != NULL ? a->v : NULL, NULL, NULL, 0)) ?
			    answer(s) : NULL;
		st = PQresultStatus(r);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			if (res != NULL)
				*res = r;
			else
				PQclear(r);
			return MCP_OK;
		}
		code = sqlstate(r);
		if (strcmp(code, "23505") == 0) {
			PQclear(r);
			return MCP_ERR_CONFLICT;
		}
		if (s->in_tx && (strcmp(code, "40001") == 0 ||
		    strcmp(code, "40P01") == 0)) {
			s->retry = 1;
			PQclear(r);
			return MCP_ERR_STORE;
		}
		if (s->conn == NULL || PQstatus(s->conn) == CONNECTION_BAD) {
			if (s->in_tx)
				s->lost = 1;
			else if (tries == 0 && is_read(sql)) {
				PQclear(r);
				if (reconnect(s) == -1)
					return MCP_ERR_STORE;
				continue;
			}
		}
		/*
		 * The primary message only: DETAIL would quote the row's
		 * values (a session id, a digest), which have no place in
		 * the log.
		 */
		mcp_logx(MCP_LEVEL_ERROR, NULL, "store: %s: %s %s", what,
		    code, r != NULL && PQresultErrorField(r,
		    PG_DIAG_MESSAGE_PRIMARY) != NULL ? PQresultErrorField(r,
		    PG_DIAG_MESSAGE_PRIMARY) : "the connection was lost");
		PQclear(r);
		return MCP_ERR_STORE;
	}
}

/* A statement of the transaction's own; 0 or -1. */
static int
tx_exec(struct pg_store *s, const char *sql, char code[6])
{
	PGresult	*r;
	int		 ok;

	r = s->conn != NULL && PQsendQuery(s->conn, sql) ? answer(s) : NULL;
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	/* COMMIT of a transaction that failed answers ROLLBACK, "ok". */
	if (ok && strcmp(sql, "COMMIT") == 0)
		ok = strcmp(PQcmdStatus(r), "COMMIT") == 0;
	if (code != NULL)
		snprintf(code, 6, "%s", sqlstate(r));
	PQclear(r);
	return ok ? 0 : -1;
}

static const char turn_sql[] = "SELECT pg_advisory_xact_lock(hashtext($1))";

enum mcp_err
pg_turn(struct mcp_store *p, const char *name)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, name);
	return pg_run(p, turn_sql, &a, NULL, "turn");
}

static void
backoff(int tries)
{
	struct timespec	 ts;
	long		 max = 1L << (tries < 5 ? tries : 5);	/* ms */

	ts.tv_sec = 0;
	ts.tv_nsec = (random() % (max * 1000 + 1)) * 1000L;
	nanosleep(&ts, NULL);
}

/* pg_tx() and pg_tx_rc(): begin is the statement that opens one. */
static enum mcp_err
tx_run(struct mcp_store *p, const char *begin, pg_tx_fn fn, void *arg,
    const char *what)
{
	struct pg_store		*s = P(p);
	enum mcp_err		 e;
	char			 code[6];
	int			 tries, sent;

	for (tries = 0; tries < TX_TRIES; tries++) {
		if (PQstatus(s->conn) != CONNECTION_OK && reconnect(s) == -1)
			return MCP_ERR_STORE;
		s->retry = s->lost = 0;
		sent = 0;
		if (tx_exec(s, begin, NULL) == -1) {
			if (PQstatus(s->conn) == CONNECTION_BAD &&
			    tries == 0)
				continue;
			mcp_logx(MCP_LEVEL_ERROR, NULL, "store: %s: begin: "
			    "%s", what, PQerrorMessage(s->conn));
			return MCP_ERR_STORE;
		}
		s->in_tx = 1;
		e = fn(p, arg);
		if (e == MCP_OK && !s->retry && !s->lost) {
			sent = 1;
			if (tx_exec(s, "COMMIT", code) == -1) {
				if (strcmp(code, "40001") == 0)
					s->retry = 1;
				else if (PQstatus(s->conn) == CONNECTION_BAD)
					s->lost = 1;
				e = MCP_ERR_STORE;
			}
		} else if (PQstatus(s->conn) == CONNECTION_OK)
			(void)tx_exec(s, "ROLLBACK", NULL);
		s->in_tx = 0;
		if (s->retry) {
			backoff(tries);
			continue;
		}
		if (s->lost) {
			/*
			 * Lost before COMMIT went out: nothing was kept, so
			 * it runs again on a new connection.  Lost while
			 * COMMIT was on its way: the outcome is unknown, and
			 * the caller is told to retry the whole request.
			 */
			if (!sent && tries < 2 && reconnect(s) == 0)
				continue;
			mcp_logx(MCP_LEVEL_ERROR, NULL, "store: %s: the "
			    "connection was lost%s", what, sent ?
			    " during COMMIT" : "");
			return MCP_ERR_STORE;
		}
		return e;
	}
	mcp_logx(MCP_LEVEL_ERROR, NULL, "store: %s: still conflicting after "
	    "%d tries", what, TX_TRIES);
	return MCP_ERR_STORE;
}

enum mcp_err
pg_tx(struct mcp_store *p, pg_tx_fn fn, void *arg, const char *what)
{
	return tx_run(p, "BEGIN ISOLATION LEVEL SERIALIZABLE", fn, arg,
	    what);
}

enum mcp_err
pg_tx_rc(struct mcp_store *p, pg_tx_fn fn, void *arg, const char *what)
{
	return tx_run(p, "BEGIN ISOLATION LEVEL READ COMMITTED", fn, arg,
	    what);
}

/*
 * Wake-ups: every event_add() ends with NOTIFY on channel mcp_events
 * (delivered at commit), which a second connection of this store
 * LISTENs to, made when it is first asked for its descriptor.  A
 * connection of its own, because libpq reads a notification that comes
 * while a statement runs into its own queue, off the socket: on the
 * connection that runs event_scan() and the rest, a wake-up arriving
 * during a scan would leave the socket quiet and wait for the next
 * periodic scan.  This one runs nothing after LISTEN, so its socket is
 * readable exactly while a notification waits.
 *
 * After a reconnect the descriptor is new, so callers ask for it before
 * each wait; while the database cannot be reached, -1 (the caller
 * polls), and a new connection is tried at most once a second.
 */
int
pg_events_fd(struct mcp_store *p)
{
	struct pg_store	*s = P(p);
	PGresult	*r;
	time_t		 now;
	char		 err[256];
	int		 ok;

	if (s->lconn != NULL && PQstatus(s->lconn) == CONNECTION_OK)
		return PQsocket(s->lconn);
	if (s->lconn != NULL) {
		PQfinish(s->lconn);
		s->lconn = NULL;
	}
	if ((now = time(NULL)) == s->ltried)
		return -1;
	if ((s->lconn = dial(s)) != NULL &&
	    PQstatus(s->lconn) == CONNECTION_OK) {
		r = PQexec(s->lconn, "LISTEN mcp_events");
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (ok) {
			s->ltried = 0;
			return PQsocket(s->lconn);
		}
	}
	if (s->ltried == 0) {
		snprintf(err, sizeof(err), "%s", s->lconn != NULL ?
		    PQerrorMessage(s->lconn) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		mcp_logx(MCP_LEVEL_ERROR, NULL, "store: listen: %s", err);
	}
	s->ltried = now;
	if (s->lconn != NULL)
		PQfinish(s->lconn);
	s->lconn = NULL;
	return -1;
}

void
pg_events_woken(struct mcp_store *p)
{
	struct pg_store	*s = P(p);
	PGnotify	*n;

	if (s->lconn == NULL || PQconsumeInput(s->lconn) == 0)
		return;		/* lost: the next pg_events_fd() reconnects */
	while ((n = PQnotifies(s->lconn)) != NULL)
		PQfreemem(n);
}

static int
schema_version(struct pg_store *s, int *v)
{
	PGresult	*r;

	r = PQexec(s->conn, "CREATE TABLE IF NOT EXISTS schema_version ("
	    "version bigint NOT NULL)");
	PQclear(r);
	r = PQexec(s->conn, "SELECT max(version) FROM schema_version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	*v = (int)pg_int_at(r, 0, 0);
	PQclear(r);
	return 0;
}

/*
 * Brings the schema to SCHEMA_VERSION, one process at a time: each
 * migration of store_schema.c that the store lacks, in a transaction of
 * its own that also records it in schema_version.
 */
static int
migrate(struct pg_store *s, char *err, size_t errsz)
{
	PGresult	*r;
	char		 sql[64], *text;
	int		 v, i, failed, rc = -1;

	/*
	 * A migration may wait for another process's and take its time on
	 * a large store: neither bound applies to it.
	 */
	s->answer_ms = 0;
	r = PQexec(s->conn, "SET statement_timeout = 0");
	PQclear(r);
	r = PQexec(s->conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errsz, "store migration: %s",
		    PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (schema_version(s, &v) == -1) {
		snprintf(err, errsz, "store migration: %s",
		    PQerrorMessage(s->conn));
		goto out;
	}
	if (v > SCHEMA_VERSION) {
		snprintf(err, errsz, "store schema %d is newer than this "
		    "program's (%d)", v, SCHEMA_VERSION);
		goto out;
	}
	for (i = v + 1; i <= SCHEMA_VERSION; i++) {
		if ((text = schema_render(SCHEMA_PG, i)) == NULL) {
			snprintf(err, errsz, "store migration %d: out of "
			    "memory", i);
			goto out;
		}
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version "
		    "VALUES (%d)", i);
		failed = tx_exec(s, "BEGIN", NULL) == -1 ||
		    tx_exec(s, text, NULL) == -1 ||
		    tx_exec(s, sql, NULL) == -1 ||
		    tx_exec(s, "COMMIT", NULL) == -1;
		free(text);
		if (failed) {
			snprintf(err, errsz, "store migration %d: %s", i,
			    PQerrorMessage(s->conn));
			err[strcspn(err, "\n")] = '\0';
			(void)tx_exec(s, "ROLLBACK", NULL);
			goto out;
		}
	}
	rc = 0;
out:
	r = PQexec(s->conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")");
	PQclear(r);
	r = PQexec(s->conn, "SET statement_timeout = " STATEMENT_MS);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
		snprintf(err, errsz, "store: cannot set statement_timeout");
		rc = -1;
	}
	PQclear(r);
	s->answer_ms = ANSWER_MS;
	return rc;
}

static void
store_close(struct mcp_store *p)
{
	if (p == NULL)
		return;
	if (P(p)->conn != NULL)
		PQfinish(P(p)->conn);
	if (P(p)->lconn != NULL)
		PQfinish(P(p)->lconn);
	free(P(p)->path);
	free(p);
}

static const struct mcp_store_ops ops = {
	.close = store_close,
	.session_put = pg_session_put,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_level = pg_session_level,
	.session_delete = pg_session_delete,
	.session_expire = pg_session_expire,
	.pending_add = pg_pending_add,
	.pending_answer = pg_pending_answer,
	.pending_take = pg_pending_take,
	.pending_drop = pg_pending_drop,
	.cancel_add = pg_cancel_add,
	.cancelled = pg_cancelled,
	.subscribe = pg_subscribe,
	.session_init = pg_session_init,
	.notice_add = pg_notice_add,
	.notice_take = pg_notice_take,
	.stream_open = pg_stream_open,
	.event_add = pg_event_add,
	.stream_get = pg_stream_get,
	.event_replay = pg_event_replay,
	.event_scan = pg_event_scan,
	.event_top = pg_event_top,
	.listener_claim = pg_listener_claim,
	.listener_beat = pg_listener_beat,
	.listener_close = pg_listener_close,
	.events_fd = pg_events_fd,
	.events_woken = pg_events_woken,
	.revoked_clients = pg_revoked_clients,
	.client_put = pg_client_put,
	.client_get = pg_client_get,
	.client_list = pg_client_list,
	.client_register = pg_client_register,
	.client_used = pg_client_used,
	.regtoken_put = pg_regtoken_put,
	.regtoken_use = pg_regtoken_use,
	.code_put = pg_code_put,
	.code_take = pg_code_take,
	.family_put = pg_family_put,
	.family_get = pg_family_get,
	.family_revoke = pg_family_revoke,
	.refresh_put = pg_refresh_put,
	.refresh_take = pg_refresh_take,
	.user_put = pg_user_put,
	.user_get = pg_user_get,
	.user_list = pg_user_list,
	.websess_put = pg_websess_put,
	.websess_get = pg_websess_get,
	.grant_put = pg_grant_put,
	.grant_list = pg_grant_list,
	.grant_revoke = pg_grant_revoke,
	.fail_add = pg_fail_add,
	.fail_count = pg_fail_count,
	.key_put = pg_key_put,
	.key_list = pg_key_list,
	.key_delete = pg_key_delete,
	.audit_add = pg_audit_add,
	.audit_anon_add = pg_audit_anon_add,
	.audit_summary = pg_audit_summary,
	.audit_refused = pg_audit_refused,
	.audit_usage = pg_audit_usage,
	.audit_prune = pg_audit_prune,
	.ws_put = pg_ws_put,
	.ws_get = pg_ws_get,
	.ws_rename = pg_ws_rename,
	.env_list = pg_env_list,
	.env_get = pg_env_get,
	.env_put = pg_env_put,
	.env_update = pg_env_update,
	.env_delete = pg_env_delete,
	.org_list = pg_org_list,
	.org_get = pg_org_get,
	.org_put = pg_org_put,
	.org_put_many = pg_org_put_many,
	.org_update = pg_org_update,
	.org_delete = pg_org_delete,
	.tpl_list = pg_tpl_list,
	.tpl_get = pg_tpl_get,
	.tpl_put = pg_tpl_put,
	.secret = pg_secret,
	.task_put = pg_task_put,
	.task_get = pg_task_get,
	.task_edit = pg_task_edit,
};

int
mcp_store_check(const char *path, char *why, size_t whysz)
{
	PQconninfoOption	*o, *i;
	char			*msg = NULL;
	int			 rc = 0;

	if (!mcp_store_is_pg(path))
		return 0;
	/* libpq's own message may quote the string, password and all. */
	if ((o = PQconninfoParse(path, &msg)) == NULL) {
		snprintf(why, whysz, "not a PostgreSQL URL or connection "
		    "string libpq can read");
		PQfreemem(msg);
		return -1;
	}
	for (i = o; i->keyword != NULL; i++)
		if ((strcmp(i->keyword, "password") == 0 ||
		    strcmp(i->keyword, "sslpassword") == 0) && i->val != NULL &&
		    *i->val != '\0') {
			snprintf(why, whysz, "must not hold the password: "
			    "give it in a password file (passfile=) or "
			    "PGPASSWORD");
			rc = -1;
		}
	PQconninfoFree(o);
	return rc;
}

struct mcp_store *
pg_store_open(const char *path, char *err, size_t errsz)
{
	struct pg_store	*s;

	if (mcp_store_check(path, err, errsz) == -1)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->base.ops = &ops;
	s->answer_ms = ANSWER_MS;
	if (pg_connect(s, err, errsz) == -1 || migrate(s, err, errsz) == -1) {
		store_close(&s->base);
		return NULL;
	}
	return &s->base;
}
