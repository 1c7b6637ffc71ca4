/*
 * pg_eng.h: what the PostgreSQL store's unit tests share.  Each test
 * runs the same calls on a PostgreSQL store (MCP_TEST_PG, a libpq URL
 * of an empty database) and on an SQLite store, checks each against the
 * same expectations, records every call's answer, and compares the two
 * records at the end.  Both engines are also read with SQL of the
 * test's own (xsql, qstr, QINT), written to run on both.
 */
#ifndef PG_ENG_H
#define PG_ENG_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "extern.h"
#include "tap.h"

#define NOW	1700000000LL
#define THREADS	8

/* One engine under test, and a connection of the test's own to it. */
struct eng {
	const char		*name;
	char			 path[512];	/* for mcp_store_open() */
	struct mcp_store	*st;
	PGconn			*pg;
	sqlite3			*db;
	char			 trace[1 << 16];	/* the answers */
	size_t			 tlen;
};

#define OK(e, cond, fmt, ...) \
	ok(cond, "[%s] " fmt, (e)->name, ##__VA_ARGS__)
/* The call's answer, recorded for the engines' comparison. */
#define R(e, call)	rec((e), (int)(call))

static int __attribute__((unused))
rec(struct eng *e, int v)
{
	size_t	 left = sizeof(e->trace) - e->tlen;
	int	 n;

	n = snprintf(e->trace + e->tlen, left, "%d,", v);
	if (n > 0 && (size_t)n < left)
		e->tlen += n;
	return v;
}

static void __attribute__((unused))
recs(struct eng *e, const char *s)
{
	size_t	 left = sizeof(e->trace) - e->tlen;
	int	 n;

	n = snprintf(e->trace + e->tlen, left, "%s,", s);
	if (n > 0 && (size_t)n < left)
		e->tlen += n;
}

/* Runs SQL of the test's own on e's database; 0 or -1. */
static int __attribute__((format(printf, 2, 3), unused))
xsql(struct eng *e, const char *fmt, ...)
{
	va_list		 ap;
	char		 q[4096];
	char		*msg = NULL;
	PGresult	*r;
	int		 rc = 0;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	if (e->pg != NULL) {
		r = PQexec(e->pg, q);
		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK) {
			printf("# %s: %s", q, PQresultErrorMessage(r));
			rc = -1;
		}
		PQclear(r);
	} else if (sqlite3_exec(e->db, q, NULL, NULL, &msg) != SQLITE_OK) {
		printf("# %s: %s\n", q, msg);
		sqlite3_free(msg);
		rc = -1;
	}
	return rc;
}

/* The rows of a query, their first columns joined by ','. */
static void __attribute__((format(printf, 4, 5), unused))
qstr(struct eng *e, char *out, size_t sz, const char *fmt, ...)
{
	va_list		 ap;
	char		 q[4096];
	const char	*v;
	PGresult	*r;
	sqlite3_stmt	*st;
	size_t		 len = 0;
	int		 i, n;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	out[0] = '\0';
	if (e->pg != NULL) {
		r = PQexec(e->pg, q);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			printf("# %s: %s", q, PQresultErrorMessage(r));
			snprintf(out, sz, "error");
		} else
			for (i = 0; i < PQntuples(r) && len < sz; i++) {
				v = PQgetisnull(r, i, 0) ? "NULL" :
				    PQgetvalue(r, i, 0);
				n = snprintf(out + len, sz - len, "%s%s",
				    i > 0 ? "," : "", v);
				len += n > 0 ? (size_t)n : 0;
			}
		PQclear(r);
		return;
	}
	if (sqlite3_prepare_v2(e->db, q, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", q, sqlite3_errmsg(e->db));
		snprintf(out, sz, "error");
		return;
	}
	for (i = 0; sqlite3_step(st) == SQLITE_ROW && len < sz; i++) {
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL" :
		    (const char *)sqlite3_column_text(st, 0);
		n = snprintf(out + len, sz - len, "%s%s", i > 0 ? "," : "", v);
		len += n > 0 ? (size_t)n : 0;
	}
	sqlite3_finalize(st);
}

/* A query's one integer; -1 when it failed or gave no row. */
#define QINT(e, ...)	qint_of(e, __VA_ARGS__)
static int64_t __attribute__((format(printf, 2, 3), unused))
qint_of(struct eng *e, const char *fmt, ...)
{
	va_list		 ap;
	char		 q[4096], out[64];

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	qstr(e, out, sizeof(out), "%s", q);
	if (out[0] == '\0' || strcmp(out, "error") == 0)
		return -1;
	return strtoll(out, NULL, 10);
}

static int __attribute__((unused))
eng_open(struct eng *e, const char *name, const char *path)
{
	char	 err[256];

	memset(e, 0, sizeof(*e));
	e->name = name;
	snprintf(e->path, sizeof(e->path), "%s", path);
	if ((e->st = mcp_store_open(path, err, sizeof(err))) == NULL) {
		printf("# %s: %s\n", name, err);
		return -1;
	}
	if (mcp_store_is_pg(path)) {
		e->pg = PQconnectdb(path);
		if (PQstatus(e->pg) != CONNECTION_OK) {
			printf("# %s: %s", name, PQerrorMessage(e->pg));
			return -1;
		}
	} else {
		if (sqlite3_open(path, &e->db) != SQLITE_OK)
			return -1;
		sqlite3_busy_timeout(e->db, 5000);
	}
	return 0;
}

static void __attribute__((unused))
eng_close(struct eng *e)
{
	if (e->st != NULL)
		e->st->ops->close(e->st);
	if (e->pg != NULL)
		PQfinish(e->pg);
	if (e->db != NULL)
		sqlite3_close(e->db);
}

/* Both engines gave the same answers to the same calls. */
static void __attribute__((unused))
eng_compare(const struct eng *a, const struct eng *b)
{
	size_t	 k;

	for (k = 0; k < a->tlen && k < b->tlen && a->trace[k] ==
	    b->trace[k]; k++)
		continue;
	ok(a->tlen == b->tlen && k == a->tlen, "PostgreSQL and SQLite "
	    "answer the same calls alike (%zu bytes of answers)", k);
	if (k != a->tlen || k != b->tlen)
		printf("# from byte %zu: %s \"%.80s\", %s \"%.80s\"\n", k,
		    a->name, a->trace + k, b->name, b->trace + k);
}

/* The SQLite store's files in dir, and dir. */
static void __attribute__((unused))
eng_rmdir(const char *dir)
{
	static const char *const	 sides[] = { "", "-wal", "-shm",
					    "-wlock" };
	char				 path[256];
	size_t				 k;

	for (k = 0; k < sizeof(sides) / sizeof(sides[0]); k++) {
		snprintf(path, sizeof(path), "%s/mcp.db%s", dir, sides[k]);
		unlink(path);
	}
	rmdir(dir);
}

#endif /* PG_ENG_H */
