/*
 * store_copy.c: copies an embedded store (an SQLite file) into an empty
 * PostgreSQL store, for `mcpctl store copy`: what an endpoint moving to
 * several hosts does once, with its responders stopped.
 *
 * Every table is copied row by row in one PostgreSQL transaction, so a
 * failed copy leaves the destination as empty as it was.  Values go as
 * text parameters, blobs as bytea; workspace_usage is not copied but
 * counted again by the destination's triggers as the objects arrive;
 * identity columns then continue after the highest value copied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_pg.h"

#define COPY_VERSION	12	/* the schema both engines are at */
#define COLS_MAX	32

/* Parents before the rows that name them. */
static const char *const tables[] = {
	"workspaces", "environments", "org_templates", "organizations",
	"sessions", "pending", "cancelled", "subscriptions", "notices",
	"streams", "events", "clients", "auth_failures", "signing_keys",
	"audit", "audit_anon", "users", "grants", "web_sessions",
	"token_families", "auth_codes", "refresh_tokens",
	"registration_tokens", "secrets", "tasks", NULL
};

/* Identity columns, which continue after the highest copied. */
static const char *const serials[][2] = {
	{ "cancelled", "seq" }, { "notices", "seq" },
	{ "audit_anon", "seq" }, { "events", "id" }, { NULL, NULL }
};

static int
pgexec(PGconn *c, const char *sql, char *err, size_t errsz)
{
	PGresult	*r = PQexec(c, sql);
	int		 ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
			    PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok) {
		snprintf(err, errsz, "%s", PQresultErrorMessage(r));
		err[strcspn(err, "\n")] = '\0';
	}
	PQclear(r);
	return ok ? 0 : -1;
}

/* The destination holds nothing of ours yet; 0, or -1 with err. */
static int
empty(PGconn *c, char *err, size_t errsz)
{
	PGresult	*r;
	char		 sql[128];
	size_t		 i;
	int		 n;

	for (i = 0; tables[i] != NULL; i++) {
		snprintf(sql, sizeof(sql), "SELECT 1 FROM \"%s\" LIMIT 1",
		    tables[i]);
		r = PQexec(c, sql);
		n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : -1;
		if (n == -1)
			snprintf(err, errsz, "%s: %s", tables[i],
			    PQresultErrorMessage(r));
		else if (n > 0)
			snprintf(err, errsz, "the destination already holds "
			    "rows (table %s): copy into an empty database",
			    tables[i]);
		PQclear(r);
		if (n != 0) {
			err[strcspn(err, "\n")] = '\0';
			return -1;
		}
	}
	return 0;
}

/* Copies one table; *rows gets how many.  0, or -1 with err. */
static int
table(sqlite3 *db, PGconn *c, const char *t, int64_t *rows, char *err,
    size_t errsz)
{
	sqlite3_stmt	*st = NULL;
	PGresult	*r;
	const char	*v[COLS_MAX];
	char		*hex[COLS_MAX] = { NULL };
	char		 sql[2048], names[1024] = "", ph[512] = "", *id;
	int		 n, i, rc = -1, len;

	snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", t);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", t, sqlite3_errmsg(db));
		return -1;
	}
	if ((n = sqlite3_column_count(st)) > COLS_MAX) {
		snprintf(err, errsz, "%s: %d columns", t, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* The file's own names: whoever wrote it chose them. */
		if ((id = PQescapeIdentifier(c, sqlite3_column_name(st, i),
		    strlen(sqlite3_column_name(st, i)))) == NULL) {
			snprintf(err, errsz, "%s: a column name: %s", t,
			    PQerrorMessage(c));
			goto out;
		}
		len = (int)strlen(names);
		snprintf(names + len, sizeof(names) - (size_t)len, "%s%s",
		    i > 0 ? ", " : "", id);
		PQfreemem(id);
		len = (int)strlen(ph);
		snprintf(ph + len, sizeof(ph) - (size_t)len, "%s$%d",
		    i > 0 ? ", " : "", i + 1);
	}
	snprintf(sql, sizeof(sql), "INSERT INTO \"%s\" (%s) VALUES (%s)", t,
	    names, ph);
	r = PQprepare(c, t, sql, n, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		snprintf(err, errsz, "%s: %s", t, PQresultErrorMessage(r));
		PQclear(r);
		goto out;
	}
	PQclear(r);
	*rows = 0;
	while ((i = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			free(hex[i]);
			hex[i] = NULL;
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				v[i] = NULL;
				break;
			case SQLITE_BLOB:
				if ((hex[i] = pg_bytea(
				    sqlite3_column_blob(st, i),
				    (size_t)sqlite3_column_bytes(st, i))) ==
				    NULL) {
					snprintf(err, errsz, "out of memory");
					goto out;
				}
				v[i] = hex[i];
				break;
			default:
				v[i] = (const char *)sqlite3_column_text(st, i);
				break;
			}
		}
		r = PQexecPrepared(c, t, n, v, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			snprintf(err, errsz, "%s, row %lld: %s", t,
			    (long long)*rows + 1, PQresultErrorMessage(r));
			PQclear(r);
			goto out;
		}
		PQclear(r);
		(*rows)++;
	}
	if (i != SQLITE_DONE)
		snprintf(err, errsz, "%s: %s", t, sqlite3_errmsg(db));
	else
		rc = 0;
out:
	for (i = 0; i < COLS_MAX; i++)
		free(hex[i]);
	sqlite3_finalize(st);
	err[strcspn(err, "\n")] = '\0';
	return rc;
}

int
mcp_store_copy(const char *from, const char *to, mcp_copy_cb cb, void *arg,
    char *err, size_t errsz)
{
	struct mcp_store	*dst;
	sqlite3			*db = NULL;
	sqlite3_stmt		*st;
	PGconn			*c = NULL;
	int64_t			 rows;
	char			 sql[256];
	size_t			 i;
	int			 v = -1, rc = -1;

	if (!mcp_store_is_pg(to)) {
		snprintf(err, errsz, "the configured store is not a "
		    "PostgreSQL database: set store_path to one first");
		return -1;
	}
	if (mcp_store_is_pg(from)) {
		snprintf(err, errsz, "%s: the source must be an SQLite file",
		    from);
		return -1;
	}
	if (sqlite3_open_v2(from, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", from, db != NULL ?
		    sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		snprintf(err, errsz, "%s: %s", from, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (v == -1)
		goto out;
	if (v != COPY_VERSION) {
		snprintf(err, errsz, "%s: schema %d, not %d: open it once with "
		    "this version of mcp-fcgi (mcpctl audit will do) first",
		    from, v, COPY_VERSION);
		goto out;
	}
	/* Made and migrated as the responders would. */
	if ((dst = mcp_store_open(to, err, errsz)) == NULL)
		goto out;
	dst->ops->close(dst);
	c = PQconnectdb(to);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errsz, "%s", PQerrorMessage(c));
		err[strcspn(err, "\n")] = '\0';
		goto out;
	}
	if (pgexec(c, "BEGIN ISOLATION LEVEL SERIALIZABLE", err, errsz) ==
	    -1 || empty(c, err, errsz) == -1)
		goto out;
	for (i = 0; tables[i] != NULL; i++) {
		if (table(db, c, tables[i], &rows, err, errsz) == -1)
			goto out;
		if (cb != NULL)
			cb(arg, tables[i], rows);
	}
	for (i = 0; serials[i][0] != NULL; i++) {
		snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_"
		    "sequence('%s', '%s'), coalesce(max(%s), 0) + 1, false) "
		    "FROM %s", serials[i][0], serials[i][1], serials[i][1],
		    serials[i][0]);
		if (pgexec(c, sql, err, errsz) == -1)
			goto out;
	}
	if (pgexec(c, "COMMIT", err, errsz) == -1)
		goto out;
	rc = 0;
out:
	if (c != NULL)
		PQfinish(c);		/* uncommitted: rolled back */
	sqlite3_close(db);
	return rc;
}
