/*
 * store_pg_data.c: the PostgreSQL store's audit trail, the reference
 * application's objects (workspaces, environments, organizations,
 * templates) and tasks, with the semantics of store_sqlite.c and
 * store_sqlite_tasks.c: the same bounds, error codes and order.
 *
 * Quotas.  workspace_usage holds each workspace's count of each kind,
 * kept by the triggers of the statement that inserts or deletes, which
 * update that row: writers of one workspace take turns on its lock
 * whatever we do.  So an insert under a quota locks the row first (FOR
 * UPDATE, which reads it as last committed), compares and inserts in
 * the same statement, and commits: concurrent writers queue on the lock
 * for one statement each instead of failing serialization and running
 * again.  The row is made (n = 0) the first time a workspace needs it.
 * Whoever deletes what a quota counts locks the row before anything
 * else, so that no two writers wait for each other.
 *
 * Lists are keyset pages in (created_ms, id) order, compared in the
 * database's collation both in the cursor and the ORDER BY, so that
 * pages neither skip nor repeat whatever the collation.  Reports
 * (audit summaries, usage) sort text bytewise (COLLATE "C") as SQLite
 * does.
 *
 * Batches (audit rows, organizations) go in one statement as arrays
 * unnest()ed in order: one round trip whatever their size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_pg.h"

/* pg_advisory_xact_lock() key of task_put(): "mcp-task" in ASCII. */
#define TASKS_LOCK	"7882267113356882795"

/* --- Array parameters --- */

/*
 * A PostgreSQL array literal, built element by element: every text
 * element double-quoted with its '"' and '\' escaped, so that any
 * string (but a NUL) goes through; NULL is SQL NULL.
 */
struct arr {
	struct mcp_buf	 b;
	int		 fail;
};

static void
arr_put(struct arr *a, const char *v, size_t n)
{
	if (mcp_buf_add(&a->b, a->b.len == 0 ? "{" : ",", 1) == -1 ||
	    (n > 0 && mcp_buf_add(&a->b, v, n) == -1))
		a->fail = 1;
}

static void
arr_text(struct arr *a, const char *v)
{
	const char	*s;
	char		*w;

	if (v == NULL) {
		arr_put(a, "NULL", 4);
		return;
	}
	arr_put(a, NULL, 0);
	if (a->fail || mcp_buf_room(&a->b, 2 * strlen(v) + 2) == -1) {
		a->fail = 1;
		return;
	}
	w = a->b.p + a->b.len;
	*w++ = '"';
	for (s = v; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*w++ = '\\';
		*w++ = *s;
	}
	*w++ = '"';
	*w = '\0';
	a->b.len = (size_t)(w - a->b.p);
}

static void
arr_int(struct arr *a, int64_t v)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	arr_put(a, num, strlen(num));
}

/* Closes the literal and binds it; NULL (and a->fail) when out of memory. */
static void
arr_bind(struct pg_args *args, struct arr *a)
{
	if (a->b.len == 0)
		arr_put(a, NULL, 0);		/* "{": no element */
	if (mcp_buf_add(&a->b, "}", 1) == -1)
		a->fail = 1;
	pg_text(args, a->fail ? NULL : a->b.p);
}

static void
arr_free(struct arr *a, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		mcp_buf_free(&a[i].b);
		memset(&a[i], 0, sizeof(a[i]));
	}
}

/* Any of n arrays out of memory. */
static int
arr_failed(const struct arr *a, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (a[i].fail)
			return 1;
	return 0;
}

/* --- Common shapes --- */

/* Runs sql; MCP_ERR_NOTFOUND when it changed no row. */
static enum mcp_err
run_changed(struct mcp_store *p, const char *sql, const struct pg_args *a,
    const char *what)
{
	PGresult	*r;
	enum mcp_err	 e;

	if ((e = pg_run(p, sql, a, &r, what)) != MCP_OK)
		return e;
	e = pg_changed(r) > 0 ? MCP_OK : MCP_ERR_NOTFOUND;
	PQclear(r);
	return e;
}

/* Row readers: (result, row, workspace, object to fill). */
typedef void	(*row_fn)(PGresult *, int, const char *, void *);

/*
 * Reads the one row sql finds for ($1 = ws, $2 = id) into out (row
 * NULL: only whether it exists); an id of another workspace is
 * MCP_ERR_NOTFOUND like a missing one.
 */
static enum mcp_err
get_in_ws(struct mcp_store *p, const char *sql, const char *ws,
    const char *id, row_fn row, void *out, const char *what)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;

	pg_text(&a, ws);
	pg_text(&a, id);
	if ((e = pg_run(p, sql, &a, &r, what)) != MCP_OK)
		return e;
	if (PQntuples(r) == 0)
		e = MCP_ERR_NOTFOUND;
	else if (row != NULL)
		row(r, 0, ws, out);
	PQclear(r);
	return e;
}

/* Column col is boolean true. */
static int
is_true(PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) &&
	    strcmp(PQgetvalue(r, row, col), "t") == 0;
}

/* --- Audit --- */

/* The rows as one array per column, in the statement's column order. */
#define AUDIT_COLS	12
static const char audit_add_sql[] =
    "INSERT INTO audit (ts_ms, rid, iss, sub, client_id, method, tool, "
    "scopes, outcome, status, latency_us, workspace) SELECT * FROM "
    "unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], "
    "$6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], "
    "$11::bigint[], $12::text[])";
/*
 * A batch's rows of one (minute, addr, method, outcome, status) are
 * summed first: one statement may not update a row twice.  Keys in
 * order, so that concurrent batches lock their rows in one order.
 */
static const char anon_add_sql[] =
    "INSERT INTO audit_anon (ts_ms, addr, method, outcome, status, count) "
    "SELECT ts, addr, method, outcome, status, count(*) FROM "
    "unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
    "$5::bigint[]) AS r (ts, addr, method, outcome, status) "
    "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 "
    "ON CONFLICT (ts_ms, addr, method, outcome, status) DO UPDATE SET "
    "count = audit_anon.count + excluded.count";
static const char anon_prune_sql[] =
    "DELETE FROM audit_anon WHERE ts_ms < $1";
/*
 * The newest $1 rows stay (a new key gets a higher seq).  An upsert
 * that finds its row still draws a seq, so seqs have gaps: the row $1
 * places below the newest is looked up, and only when the span of seqs
 * (the index's two ends) says there may be more than $1 rows; the
 * CASE runs that subquery only then.
 */
static const char anon_trim_sql[] =
    "DELETE FROM audit_anon WHERE seq <= CASE WHEN (SELECT max(seq) FROM "
    "audit_anon) - (SELECT min(seq) FROM audit_anon) < $1::bigint THEN "
    "NULL ELSE (SELECT seq FROM audit_anon ORDER BY seq DESC OFFSET "
    "$1::bigint LIMIT 1) END";
static const char audit_prune_sql[] =
    "DELETE FROM audit WHERE ts_ms < $1";
static const char audit_sum_sql[] =
    "SELECT sub, client_id, method, tool, outcome, status, count(*), "
    "trunc(avg(latency_us))::bigint FROM audit WHERE ts_ms >= $1 "
    "GROUP BY 1, 2, 3, 4, 5, 6 UNION ALL "
    "SELECT '', '', method, '', outcome, status, sum(count)::bigint, 0 "
    "FROM audit_anon WHERE ts_ms >= $1 GROUP BY 3, 5, 6 ORDER BY 7 DESC";
static const char audit_refused_sql[] =
    "SELECT addr, method, outcome, status, sum(count)::bigint "
    "FROM audit_anon WHERE ts_ms >= $1 GROUP BY 1, 2, 3, 4 "
    "ORDER BY 5 DESC, addr COLLATE \"C\"";
static const char audit_usage_sql[] =
    "SELECT tool, count(*), count(*) FILTER (WHERE status >= 400 OR "
    "outcome != 'ok'), trunc(avg(latency_us))::bigint, max(latency_us) "
    "FROM audit WHERE ts_ms >= $1 AND ts_ms < $2 AND "
    "method = 'tools/call' AND tool != '' AND CASE WHEN $3::text != '' "
    "THEN workspace = $3 ELSE iss = $4 AND sub = $5 END "
    "GROUP BY tool ORDER BY tool COLLATE \"C\"";

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* One statement: atomic without a transaction of its own. */
enum mcp_err
pg_audit_add(struct mcp_store *p, const struct mcp_audit *const *a,
    size_t n)
{
	struct arr	 c[AUDIT_COLS];
	struct pg_args	 args = { 0 };
	enum mcp_err	 e;
	size_t		 i;
	int		 k;

	if (n == 0)
		return MCP_OK;
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		arr_int(&c[0], a[i]->ts_ms);
		arr_text(&c[1], a[i]->rid);
		arr_text(&c[2], or_empty(a[i]->iss));
		arr_text(&c[3], or_empty(a[i]->sub));
		arr_text(&c[4], or_empty(a[i]->client_id));
		arr_text(&c[5], or_empty(a[i]->method));
		arr_text(&c[6], or_empty(a[i]->tool));
		arr_text(&c[7], or_empty(a[i]->scopes));
		arr_text(&c[8], a[i]->outcome);
		arr_int(&c[9], a[i]->status);
		arr_int(&c[10], a[i]->latency_us);
		arr_text(&c[11], or_empty(a[i]->workspace));
	}
	for (k = 0; k < AUDIT_COLS; k++)
		arr_bind(&args, &c[k]);
	e = arr_failed(c, AUDIT_COLS) ? MCP_ERR_NOMEM :
	    pg_run(p, audit_add_sql, &args, NULL, "audit_add");
	arr_free(c, AUDIT_COLS);
	return e;
}

struct anon_job {
	const struct pg_args	*rows;
	int64_t			 last_ms;
};

static enum mcp_err
anon_job(struct mcp_store *p, void *arg)
{
	struct anon_job	*j = arg;
	struct pg_args	 a = { 0 }, t = { 0 };
	enum mcp_err	 e;

	pg_int(&a, j->last_ms - (int64_t)MCP_ANON_KEEP_DAYS * 86400 * 1000);
	pg_int(&t, MCP_ANON_ROWS);
	if ((e = pg_run(p, anon_add_sql, j->rows, NULL, "audit_anon_add")) ==
	    MCP_OK && (e = pg_run(p, anon_prune_sql, &a, NULL,
	    "audit_anon prune")) == MCP_OK)
		e = pg_run(p, anon_trim_sql, &t, NULL, "audit_anon trim");
	return e;
}

/* One counter per minute: what was refused, from where, how often. */
enum mcp_err
pg_audit_anon_add(struct mcp_store *p, const struct mcp_audit *const *a,
    size_t n)
{
	struct arr	 c[5];
	struct pg_args	 args = { 0 };
	struct anon_job	 j;
	enum mcp_err	 e;
	size_t		 i;
	int		 k;

	if (n == 0)
		return MCP_OK;
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		arr_int(&c[0], a[i]->ts_ms - a[i]->ts_ms % 60000);
		arr_text(&c[1], or_empty(a[i]->addr));
		arr_text(&c[2], or_empty(a[i]->method));
		arr_text(&c[3], a[i]->outcome);
		arr_int(&c[4], a[i]->status);
	}
	for (k = 0; k < 5; k++)
		arr_bind(&args, &c[k]);
	j.rows = &args;
	j.last_ms = a[n - 1]->ts_ms;
	e = arr_failed(c, 5) ? MCP_ERR_NOMEM :
	    pg_tx_rc(p, anon_job, &j, "audit_anon_add");
	arr_free(c, 5);
	return e;
}

/* sql's rows (all text, since $1 = since_ms), ncols columns each, to cb. */
static enum mcp_err
audit_rows(struct mcp_store *p, const char *sql, int ncols,
    int64_t since_ms, mcp_audit_cb cb, void *arg)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	const char	*cols[8];
	enum mcp_err	 e;
	int		 i, k;

	pg_int(&a, since_ms);
	if ((e = pg_run(p, sql, &a, &r, "audit query")) != MCP_OK)
		return e;
	for (i = 0; i < PQntuples(r); i++) {
		for (k = 0; k < ncols && k < 8 && k < PQnfields(r); k++)
			cols[k] = PQgetvalue(r, i, k);	/* "" for NULL */
		cb(arg, cols, (size_t)k);
	}
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_audit_summary(struct mcp_store *p, int64_t since_ms, mcp_audit_cb cb,
    void *arg)
{
	return audit_rows(p, audit_sum_sql, 8, since_ms, cb, arg);
}

enum mcp_err
pg_audit_refused(struct mcp_store *p, int64_t since_ms, mcp_audit_cb cb,
    void *arg)
{
	return audit_rows(p, audit_refused_sql, 5, since_ms, cb, arg);
}

enum mcp_err
pg_audit_prune(struct mcp_store *p, int64_t before_ms, int64_t *n)
{
	struct pg_args	 a = { 0 }, b = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int64_t		 anon_ms;

	*n = 0;
	pg_int(&a, before_ms);
	if ((e = pg_run(p, audit_prune_sql, &a, &r, "audit_prune")) !=
	    MCP_OK)
		return e;
	*n = pg_changed(r);
	PQclear(r);
	/* Counts of refused requests: MCP_ANON_KEEP_DAYS at most. */
	anon_ms = ((int64_t)time(NULL) - (int64_t)MCP_ANON_KEEP_DAYS *
	    86400) * 1000;
	pg_int(&b, anon_ms > before_ms ? anon_ms : before_ms);
	return pg_run(p, anon_prune_sql, &b, NULL, "audit_anon prune");
}

enum mcp_err
pg_audit_usage(struct mcp_store *p, const struct mcp_usage_query *q,
    mcp_usage_cb cb, void *arg)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int		 i;

	pg_int(&a, q->since_ms);
	pg_int(&a, q->until_ms);
	pg_text(&a, q->workspace);
	pg_text(&a, q->iss);
	pg_text(&a, q->sub);
	if ((e = pg_run(p, audit_usage_sql, &a, &r, "audit_usage")) !=
	    MCP_OK)
		return e;
	for (i = 0; i < PQntuples(r); i++)
		cb(arg, PQgetvalue(r, i, 0), pg_int_at(r, i, 1),
		    pg_int_at(r, i, 2), pg_int_at(r, i, 3), pg_int_at(r, i, 4));
	PQclear(r);
	return MCP_OK;
}

/* --- Quotas --- */

/* Gives whether workspace $1 exists, and if so makes its row of $2. */
static const char usage_make_sql[] =
    "WITH i AS (INSERT INTO workspace_usage (workspace, kind, n) "
    "SELECT $1, $2, 0 WHERE EXISTS (SELECT 1 FROM workspaces WHERE "
    "id = $1) ON CONFLICT (workspace, kind) DO NOTHING) "
    "SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = $1)";
static const char usage_lock_sql[] =
    "SELECT n FROM workspace_usage WHERE workspace = $1 AND kind = $2 "
    "FOR UPDATE";

/*
 * Makes the usage row of (ws, kind), n = 0, unless it exists: 1 when
 * the row is there now, 0 when there is no such workspace, -1 on error
 * (*e set).  A missing row counts 0: the triggers make it on the first
 * insert and never delete it.
 */
static int
usage_make(struct mcp_store *p, const char *ws, const char *kind,
    enum mcp_err *e)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	int		 there;

	pg_text(&a, ws);
	pg_text(&a, kind);
	if ((*e = pg_run(p, usage_make_sql, &a, &r, "workspace_usage")) !=
	    MCP_OK)
		return -1;
	there = PQntuples(r) == 1 && is_true(r, 0, 0);
	PQclear(r);
	return there;
}

/*
 * Locks the usage row of (ws, kind) for the transaction (made first if
 * need be) and reads its count.  MCP_ERR_NOTFOUND: no such workspace.
 */
static enum mcp_err
usage_lock(struct mcp_store *p, const char *ws, const char *kind,
    int64_t *n)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int		 tries, got;

	*n = 0;
	pg_text(&a, ws);
	pg_text(&a, kind);
	for (tries = 0; tries < 2; tries++) {
		if ((e = pg_run(p, usage_lock_sql, &a, &r, "workspace_usage "
		    "lock")) != MCP_OK)
			return e;
		if ((got = PQntuples(r) == 1))
			*n = pg_int_at(r, 0, 0);
		PQclear(r);
		if (got)
			return MCP_OK;
		if ((got = usage_make(p, ws, kind, &e)) != 1)
			return got == 0 ? MCP_ERR_NOTFOUND : e;
	}
	return MCP_ERR_STORE;
}

/*
 * Runs an insert under a quota (env_put, tpl_put; org_put has a leaner
 * form of its own): sql locks the workspace's usage row of kind,
 * inserts only below the quota, and gives one row: the count it read
 * (NULL: no usage row yet), the rows it inserted, then any columns that
 * must be true (the references: else MCP_ERR_NOTFOUND).  Without a
 * usage row the row is made and sql run again; without the workspace
 * itself, MCP_ERR_CONFLICT as SQLite's foreign key says.
 */
static enum mcp_err
quota_insert(struct mcp_store *p, const char *sql, const struct pg_args *a,
    const char *ws, const char *kind, const char *what)
{
	PGresult	*r;
	enum mcp_err	 e;
	int		 tries, k, there;

	for (tries = 0; tries < 2; tries++) {
		if ((e = pg_run(p, sql, a, &r, what)) != MCP_OK)
			return e;
		if (PQntuples(r) != 1) {
			PQclear(r);
			return MCP_ERR_STORE;
		}
		for (k = 2; k < PQnfields(r); k++)
			if (!is_true(r, 0, k)) {
				PQclear(r);
				return MCP_ERR_NOTFOUND;
			}
		if (!PQgetisnull(r, 0, 0)) {
			e = pg_int_at(r, 0, 1) > 0 ? MCP_OK : MCP_ERR_QUOTA;
			PQclear(r);
			return e;
		}
		PQclear(r);
		if ((there = usage_make(p, ws, kind, &e)) != 1)
			return there == 0 ? MCP_ERR_CONFLICT : e;
	}
	return MCP_ERR_STORE;
}

/* --- Workspaces and environments --- */

static const char ws_put_sql[] =
    "INSERT INTO workspaces (id, name, created_ms, updated_ms) "
    "VALUES ($1, $2, $3, $4)";
static const char ws_get_sql[] =
    "SELECT name, created_ms, updated_ms FROM workspaces WHERE id = $1";
static const char ws_rename_sql[] =
    "UPDATE workspaces SET name = $2, updated_ms = $3 WHERE id = $1";
/*
 * A workspace's environments and templates are found by the
 * (workspace, name) index and sorted: workspace_max_environments and
 * workspace_max_templates bound that work.
 */
static const char env_list_sql[] =
    "SELECT id, name, type, created_ms, updated_ms FROM environments "
    "WHERE workspace = $1 AND (created_ms, id) > ($2::bigint, $3::text) "
    "ORDER BY created_ms, id LIMIT $4";
static const char env_get_sql[] =
    "SELECT id, name, type, created_ms, updated_ms FROM environments "
    "WHERE workspace = $1 AND id = $2";
/* See quota_insert(). */
static const char env_put_sql[] =
    "WITH u AS (SELECT n FROM workspace_usage WHERE workspace = $2 AND "
    "kind = 'env' FOR UPDATE), "
    "i AS (INSERT INTO environments (id, workspace, name, type, "
    "created_ms, updated_ms) SELECT $1::text, $2::text, $3::text, "
    "$4::text, $5::bigint, $6::bigint FROM u WHERE u.n < $7::bigint "
    "RETURNING 1) "
    "SELECT (SELECT n FROM u), (SELECT count(*) FROM i)";
static const char env_update_sql[] =
    "UPDATE environments SET name = $3, type = $4, updated_ms = $5 "
    "WHERE workspace = $1 AND id = $2";
static const char org_usage_lock_sql[] =
    "SELECT 1 FROM workspace_usage WHERE workspace = $1 AND "
    "kind = 'org' FOR UPDATE";
static const char env_lock_sql[] =
    "SELECT 1 FROM environments WHERE workspace = $1 AND id = $2 "
    "FOR UPDATE";
static const char env_orgs_sql[] =
    "SELECT count(*) FROM organizations WHERE environment = $1";
static const char env_del_orgs_sql[] =
    "DELETE FROM organizations WHERE environment = $1";
static const char env_del_sql[] =
    "DELETE FROM environments WHERE workspace = $1 AND id = $2";

enum mcp_err
pg_ws_put(struct mcp_store *p, const struct mcp_workspace *w)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, w->id);
	pg_text(&a, w->name);
	pg_int(&a, w->created_ms);
	pg_int(&a, w->updated_ms);
	return pg_run(p, ws_put_sql, &a, NULL, "ws_put");
}

enum mcp_err
pg_ws_get(struct mcp_store *p, const char *id, struct mcp_workspace *w)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;

	pg_text(&a, id);
	if ((e = pg_run(p, ws_get_sql, &a, &r, "ws_get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 0)
		e = MCP_ERR_NOTFOUND;
	else {
		memset(w, 0, sizeof(*w));
		snprintf(w->id, sizeof(w->id), "%s", id);
		pg_copy(r, 0, 0, w->name, sizeof(w->name));
		w->created_ms = pg_int_at(r, 0, 1);
		w->updated_ms = pg_int_at(r, 0, 2);
	}
	PQclear(r);
	return e;
}

enum mcp_err
pg_ws_rename(struct mcp_store *p, const char *id, const char *name,
    int64_t now_ms)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, id);
	pg_text(&a, name);
	pg_int(&a, now_ms);
	return run_changed(p, ws_rename_sql, &a, "ws_rename");
}

static void
env_row(PGresult *r, int i, const char *ws, void *out)
{
	struct mcp_environment	*e = out;

	memset(e, 0, sizeof(*e));
	pg_copy(r, i, 0, e->id, sizeof(e->id));
	snprintf(e->workspace, sizeof(e->workspace), "%s", ws);
	pg_copy(r, i, 1, e->name, sizeof(e->name));
	pg_copy(r, i, 2, e->type, sizeof(e->type));
	e->created_ms = pg_int_at(r, i, 3);
	e->updated_ms = pg_int_at(r, i, 4);
}

/* Binds a page (lib/mcp.h) after the workspace: $2, $3 and $4. */
static void
page_args(struct pg_args *a, const struct mcp_page *pg)
{
	pg_int(a, pg->after_id != NULL ? pg->after_ms : -1);
	pg_text(a, pg->after_id != NULL ? pg->after_id : "");
	pg_int(a, pg->limit);
}

enum mcp_err
pg_env_list(struct mcp_store *p, const char *ws, const struct mcp_page *pg,
    mcp_env_cb cb, void *arg)
{
	struct mcp_environment	 e;
	struct pg_args		 a = { 0 };
	PGresult		*r;
	enum mcp_err		 err;
	int			 i;

	pg_text(&a, ws);
	page_args(&a, pg);
	if ((err = pg_run(p, env_list_sql, &a, &r, "env_list")) != MCP_OK)
		return err;
	for (i = 0; i < PQntuples(r); i++) {
		env_row(r, i, ws, &e);
		cb(arg, &e);
	}
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_env_get(struct mcp_store *p, const char *ws, const char *id,
    struct mcp_environment *e)
{
	return get_in_ws(p, env_get_sql, ws, id, env_row, e, "env_get");
}

enum mcp_err
pg_env_put(struct mcp_store *p, const struct mcp_environment *e,
    int64_t max)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, e->id);
	pg_text(&a, e->workspace);
	pg_text(&a, e->name);
	pg_text(&a, e->type);
	pg_int(&a, e->created_ms);
	pg_int(&a, e->updated_ms);
	pg_int(&a, max);
	return quota_insert(p, env_put_sql, &a, e->workspace, "env",
	    "env_put");
}

enum mcp_err
pg_env_update(struct mcp_store *p, const struct mcp_environment *e)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, e->workspace);
	pg_text(&a, e->id);
	pg_text(&a, e->name);
	pg_text(&a, e->type);
	pg_int(&a, e->updated_ms);
	return run_changed(p, env_update_sql, &a, "env_update");
}

struct env_delete_job {
	const char	*ws;
	const char	*id;
	int		 force;
	int64_t		*orgs;
};

/*
 * Locks the workspace's usage row of organizations first, in org_put()'s
 * order, then the environment's row, which keeps new organizations out
 * of it (their foreign key check waits for it); then, in a statement
 * that sees every one committed before, counts them.
 */
static enum mcp_err
env_delete_job(struct mcp_store *p, void *arg)
{
	struct env_delete_job	*j = arg;
	struct pg_args		 w = { 0 }, a = { 0 }, b = { 0 };
	PGresult		*r;
	enum mcp_err		 e;
	int			 found;

	*j->orgs = 0;
	pg_text(&w, j->ws);
	pg_text(&a, j->ws);
	pg_text(&a, j->id);
	pg_text(&b, j->id);
	if ((e = pg_run(p, org_usage_lock_sql, &w, NULL, "env_delete lock")) !=
	    MCP_OK)
		return e;
	if ((e = pg_run(p, env_lock_sql, &a, &r, "env_delete get")) !=
	    MCP_OK)
		return e;
	found = PQntuples(r) > 0;
	PQclear(r);
	if (!found)
		return MCP_ERR_NOTFOUND;
	if ((e = pg_run(p, env_orgs_sql, &b, &r, "env_delete count")) !=
	    MCP_OK)
		return e;
	*j->orgs = pg_int_at(r, 0, 0);
	PQclear(r);
	if (*j->orgs > 0 && !j->force)
		return MCP_ERR_NOTEMPTY;
	if (*j->orgs > 0 && (e = pg_run(p, env_del_orgs_sql, &b, NULL,
	    "env_delete orgs")) != MCP_OK)
		return e;
	return pg_run(p, env_del_sql, &a, NULL, "env_delete");
}

/* The count, the optional cascade and the delete in one transaction. */
enum mcp_err
pg_env_delete(struct mcp_store *p, const char *ws, const char *id, int force,
    int64_t *orgs)
{
	struct env_delete_job	 j = { ws, id, force, orgs };

	*orgs = 0;
	return pg_tx_rc(p, env_delete_job, &j, "env_delete");
}

/* --- Organizations and templates --- */

#define ORG_COLS "id, environment, name, coalesce(external_id, ''), " \
	"metadata, coalesce(template, ''), created_ms, updated_ms"
/*
 * Two statements, so that each walks its index (workspace or
 * environment, then created_ms, id) from the cursor on.
 */
static const char org_list_sql[] =
    "SELECT " ORG_COLS " FROM organizations WHERE workspace = $1 AND "
    "($2::text IS NULL OR substr(name, 1, length($2)) = $2) AND "
    "(created_ms, id) > ($3::bigint, $4::text) "
    "ORDER BY created_ms, id LIMIT $5";
static const char org_list_env_sql[] =
    "SELECT " ORG_COLS " FROM organizations WHERE environment = $6 AND "
    "workspace = $1 AND "
    "($2::text IS NULL OR substr(name, 1, length($2)) = $2) AND "
    "(created_ms, id) > ($3::bigint, $4::text) "
    "ORDER BY created_ms, id LIMIT $5";
static const char org_get_sql[] =
    "SELECT " ORG_COLS " FROM organizations WHERE workspace = $1 AND "
    "id = $2";
/*
 * The common case in the fewest plan nodes: the row goes in when the
 * workspace's usage row, locked (FOR UPDATE reads it as last
 * committed), is under the quota and the environment and the template
 * (if any) are the workspace's.  A taken external id (or id) is a
 * unique violation: MCP_ERR_CONFLICT.  When nothing went in,
 * org_why_sql says why (pg_org_put()).
 */
static const char org_put_sql[] =
    "INSERT INTO organizations (id, workspace, environment, name, "
    "external_id, metadata, template, created_ms, updated_ms) "
    "SELECT $1::text, $2::text, $3::text, $4::text, nullif($5::text, ''), "
    "$6::text, nullif($7::text, ''), $8::bigint, $9::bigint "
    "FROM workspace_usage WHERE workspace = $2 AND kind = 'org' AND "
    "n < $10::bigint AND EXISTS (SELECT 1 FROM environments WHERE "
    "workspace = $2 AND id = $3) AND ($7 = '' OR EXISTS (SELECT 1 FROM "
    "org_templates WHERE workspace = $2 AND id = $7)) FOR UPDATE";
/* The references, then the count (NULL: no usage row yet). */
static const char org_why_sql[] =
    "SELECT EXISTS (SELECT 1 FROM environments WHERE workspace = $1 AND "
    "id = $2) AND ($3 = '' OR EXISTS (SELECT 1 FROM org_templates WHERE "
    "workspace = $1 AND id = $3)), (SELECT n FROM workspace_usage WHERE "
    "workspace = $1 AND kind = 'org')";
/*
 * Rows of one environment, in their order; a taken external id (a row
 * earlier in the batch too) is skipped: the ids it gives are those
 * made.
 */
static const char org_many_sql[] =
    "INSERT INTO organizations (id, workspace, environment, name, "
    "external_id, metadata, template, created_ms, updated_ms) "
    "SELECT r.id, $1::text, $2::text, r.name, nullif(r.ext, ''), r.meta, "
    "nullif(r.tpl, ''), r.c, r.u FROM unnest($3::text[], $4::text[], "
    "$5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[]) "
    "WITH ORDINALITY AS r (id, name, ext, meta, tpl, c, u, k) "
    "ORDER BY r.k ON CONFLICT DO NOTHING RETURNING id";
static const char org_update_sql[] =
    "UPDATE organizations SET name = $3, external_id = nullif($4, ''), "
    "metadata = $5, updated_ms = $6 WHERE workspace = $1 AND id = $2";
static const char org_del_sql[] =
    "DELETE FROM organizations WHERE workspace = $1 AND id = $2";
static const char tpl_list_sql[] =
    "SELECT id, name, settings, created_ms, updated_ms FROM org_templates "
    "WHERE workspace = $1 AND (created_ms, id) > ($2::bigint, $3::text) "
    "ORDER BY created_ms, id LIMIT $4";
static const char tpl_get_sql[] =
    "SELECT id, name, settings, created_ms, updated_ms FROM org_templates "
    "WHERE workspace = $1 AND id = $2";
static const char tpl_put_sql[] =
    "WITH u AS (SELECT n FROM workspace_usage WHERE workspace = $2 AND "
    "kind = 'tpl' FOR UPDATE), "
    "i AS (INSERT INTO org_templates (id, workspace, name, settings, "
    "created_ms, updated_ms) SELECT $1::text, $2::text, $3::text, "
    "$4::text, $5::bigint, $6::bigint FROM u WHERE u.n < $7::bigint "
    "RETURNING 1) "
    "SELECT (SELECT n FROM u), (SELECT count(*) FROM i)";

static void
org_row(PGresult *r, int i, const char *ws, void *out)
{
	struct mcp_org	*o = out;

	memset(o, 0, sizeof(*o));
	pg_copy(r, i, 0, o->id, sizeof(o->id));
	snprintf(o->workspace, sizeof(o->workspace), "%s", ws);
	pg_copy(r, i, 1, o->environment, sizeof(o->environment));
	pg_copy(r, i, 2, o->name, sizeof(o->name));
	pg_copy(r, i, 3, o->external_id, sizeof(o->external_id));
	pg_copy(r, i, 4, o->metadata, sizeof(o->metadata));
	pg_copy(r, i, 5, o->template_id, sizeof(o->template_id));
	o->created_ms = pg_int_at(r, i, 6);
	o->updated_ms = pg_int_at(r, i, 7);
}

enum mcp_err
pg_org_list(struct mcp_store *p, const char *ws,
    const struct mcp_org_query *q, mcp_org_cb cb, void *arg)
{
	struct mcp_org	*o;
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int		 i;

	pg_text(&a, ws);
	pg_text(&a, q->name_prefix);
	pg_int(&a, q->after_id != NULL ? q->after_ms : -1);
	pg_text(&a, q->after_id != NULL ? q->after_id : "");
	pg_int(&a, q->limit);
	if (q->environment != NULL)
		pg_text(&a, q->environment);
	if ((e = pg_run(p, q->environment != NULL ? org_list_env_sql :
	    org_list_sql, &a, &r, "org_list")) != MCP_OK)
		return e;
	if ((o = malloc(sizeof(*o))) == NULL) {
		PQclear(r);
		return MCP_ERR_NOMEM;
	}
	for (i = 0; i < PQntuples(r); i++) {
		org_row(r, i, ws, o);
		cb(arg, o);
	}
	free(o);
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_org_get(struct mcp_store *p, const char *ws, const char *id,
    struct mcp_org *o)
{
	return get_in_ws(p, org_get_sql, ws, id, org_row, o, "org_get");
}

/*
 * Why org_put_sql made nothing: MCP_ERR_NOTFOUND (a reference),
 * MCP_ERR_QUOTA, MCP_ERR_CONFLICT (no such workspace), a store error;
 * or MCP_OK with *again set when the usage row was missing (made now)
 * or the quota has room again (a delete since): the insert is to run
 * again.
 */
static enum mcp_err
org_why(struct mcp_store *p, const struct mcp_org *o, int64_t max,
    int *again)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int		 refs, counted;
	int64_t		 n;

	*again = 0;
	pg_text(&a, o->workspace);
	pg_text(&a, o->environment);
	pg_text(&a, o->template_id);
	if ((e = pg_run(p, org_why_sql, &a, &r, "org_put")) != MCP_OK)
		return e;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return MCP_ERR_STORE;
	}
	refs = is_true(r, 0, 0);
	counted = !PQgetisnull(r, 0, 1);
	n = pg_int_at(r, 0, 1);
	PQclear(r);
	if (!refs)
		return MCP_ERR_NOTFOUND;
	if (counted) {
		if (n >= max)
			return MCP_ERR_QUOTA;
		*again = 1;
		return MCP_OK;
	}
	/* Without the workspace itself: its foreign key's CONFLICT. */
	switch (usage_make(p, o->workspace, "org", &e)) {
	case 1:
		*again = 1;
		return MCP_OK;
	case 0:
		return MCP_ERR_CONFLICT;
	default:
		return e;
	}
}

/*
 * One statement, committed alone: the usage row's lock is held only
 * for it (see the top of this file).  What made nothing is asked
 * after, unlocked: the answer is what held when it was asked, and a
 * quota with room again, or a usage row just made, runs the insert
 * once more (three times in all).
 */
enum mcp_err
pg_org_put(struct mcp_store *p, const struct mcp_org *o, int64_t max)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int		 tries, again, made;

	pg_text(&a, o->id);
	pg_text(&a, o->workspace);
	pg_text(&a, o->environment);
	pg_text(&a, o->name);
	pg_text(&a, o->external_id);
	pg_text(&a, o->metadata);
	pg_text(&a, o->template_id);
	pg_int(&a, o->created_ms);
	pg_int(&a, o->updated_ms);
	pg_int(&a, max);
	for (tries = 0; tries < 3; tries++) {
		if ((e = pg_run(p, org_put_sql, &a, &r, "org_put")) != MCP_OK)
			return e;
		made = pg_changed(r) == 1;
		PQclear(r);
		if (made)
			return MCP_OK;
		if ((e = org_why(p, o, max, &again)) != MCP_OK || !again)
			return e;
	}
	return MCP_ERR_QUOTA;
}

struct org_many_job {
	const struct mcp_org	*o;
	size_t			 n;
	int64_t			 max;
	enum mcp_err		*out;
};

/* Rows [from, from + k) into the batch's arrays, bound as $3 to $9. */
static enum mcp_err
org_many_insert(struct mcp_store *p, const struct org_many_job *j,
    size_t from, size_t k, int64_t *made)
{
	struct arr	 c[7];
	struct pg_args	 a = { 0 };
	PGresult	*r = NULL;
	enum mcp_err	 e;
	size_t		 i, m;
	int		 row;

	*made = 0;
	memset(c, 0, sizeof(c));
	for (i = from; i < from + k; i++) {
		arr_text(&c[0], j->o[i].id);
		arr_text(&c[1], j->o[i].name);
		arr_text(&c[2], j->o[i].external_id);
		arr_text(&c[3], j->o[i].metadata);
		arr_text(&c[4], j->o[i].template_id);
		arr_int(&c[5], j->o[i].created_ms);
		arr_int(&c[6], j->o[i].updated_ms);
	}
	pg_text(&a, j->o[0].workspace);
	pg_text(&a, j->o[0].environment);
	for (i = 0; i < 7; i++)
		arr_bind(&a, &c[i]);
	e = arr_failed(c, 7) ? MCP_ERR_NOMEM :
	    pg_run(p, org_many_sql, &a, &r, "org_put_many");
	arr_free(c, 7);
	if (e != MCP_OK)
		return e;
	for (i = from; i < from + k; i++)
		j->out[i] = MCP_ERR_CONFLICT;
	for (row = 0; row < PQntuples(r); row++)
		for (m = from; m < from + k; m++)
			if (strcmp(PQgetvalue(r, row, 0), j->o[m].id) == 0) {
				j->out[m] = MCP_OK;
				(*made)++;
				break;
			}
	PQclear(r);
	return MCP_OK;
}

/*
 * Under the usage row's lock: as many rows at a time as the quota
 * leaves room for, so that a taken external id, which makes nothing,
 * leaves its room to the rows after it, as one by one would.
 */
static enum mcp_err
org_many_job(struct mcp_store *p, void *arg)
{
	struct org_many_job	*j = arg;
	enum mcp_err		 e;
	int64_t			 used, made;
	size_t			 i, k;

	for (i = 0; i < j->n; i++)
		j->out[i] = MCP_ERR_QUOTA;
	if ((e = usage_lock(p, j->o[0].workspace, "org", &used)) != MCP_OK)
		return e;
	/* Nothing written: the refusal itself is the answer. */
	if ((e = get_in_ws(p, env_get_sql, j->o[0].workspace,
	    j->o[0].environment, NULL, NULL, "org_put_many env")) != MCP_OK)
		return e;
	if (j->o[0].template_id[0] != '\0' && (e = get_in_ws(p, tpl_get_sql,
	    j->o[0].workspace, j->o[0].template_id, NULL, NULL,
	    "org_put_many template")) != MCP_OK)
		return e;
	for (i = 0; i < j->n && used < j->max; i += k) {
		k = j->n - i;
		if ((int64_t)k > j->max - used)
			k = (size_t)(j->max - used);
		if ((e = org_many_insert(p, j, i, k, &made)) != MCP_OK)
			return e;
		used += made;
	}
	return MCP_OK;
}

/*
 * A batch in one transaction: a taken external id skips its row, the
 * quota stops the batch there (the rows before it stay), anything else
 * undoes the whole batch.  The rows are o[0]'s environment's (store.h),
 * whose and whose template's workspace are checked, as SQLite does.
 */
enum mcp_err
pg_org_put_many(struct mcp_store *p, const struct mcp_org *o, size_t n,
    int64_t max, enum mcp_err *out)
{
	struct org_many_job	 j = { o, n, max, out };
	enum mcp_err		 e;
	size_t			 i;

	for (i = 0; i < n; i++)
		out[i] = MCP_ERR_QUOTA;
	if (n == 0)
		return MCP_OK;
	if ((e = pg_tx_rc(p, org_many_job, &j, "org_put_many")) != MCP_OK)
		for (i = 0; i < n; i++)
			out[i] = MCP_ERR_QUOTA;	/* nothing was made */
	return e;
}

enum mcp_err
pg_org_update(struct mcp_store *p, const struct mcp_org *o)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, o->workspace);
	pg_text(&a, o->id);
	pg_text(&a, o->name);
	pg_text(&a, o->external_id);
	pg_text(&a, o->metadata);
	pg_int(&a, o->updated_ms);
	return run_changed(p, org_update_sql, &a, "org_update");
}

enum mcp_err
pg_org_delete(struct mcp_store *p, const char *ws, const char *id)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, ws);
	pg_text(&a, id);
	return run_changed(p, org_del_sql, &a, "org_delete");
}

static void
tpl_row(PGresult *r, int i, const char *ws, void *out)
{
	struct mcp_template	*t = out;

	memset(t, 0, sizeof(*t));
	pg_copy(r, i, 0, t->id, sizeof(t->id));
	snprintf(t->workspace, sizeof(t->workspace), "%s", ws);
	pg_copy(r, i, 1, t->name, sizeof(t->name));
	pg_copy(r, i, 2, t->settings, sizeof(t->settings));
	t->created_ms = pg_int_at(r, i, 3);
	t->updated_ms = pg_int_at(r, i, 4);
}

enum mcp_err
pg_tpl_list(struct mcp_store *p, const char *ws, const struct mcp_page *pg,
    mcp_tpl_cb cb, void *arg)
{
	struct mcp_template	*t;
	struct pg_args		 a = { 0 };
	PGresult		*r;
	enum mcp_err		 e;
	int			 i;

	pg_text(&a, ws);
	page_args(&a, pg);
	if ((e = pg_run(p, tpl_list_sql, &a, &r, "tpl_list")) != MCP_OK)
		return e;
	if ((t = malloc(sizeof(*t))) == NULL) {
		PQclear(r);
		return MCP_ERR_NOMEM;
	}
	for (i = 0; i < PQntuples(r); i++) {
		tpl_row(r, i, ws, t);
		cb(arg, t);
	}
	free(t);
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_tpl_get(struct mcp_store *p, const char *ws, const char *id,
    struct mcp_template *t)
{
	return get_in_ws(p, tpl_get_sql, ws, id, tpl_row, t, "tpl_get");
}

enum mcp_err
pg_tpl_put(struct mcp_store *p, const struct mcp_template *t, int64_t max)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, t->id);
	pg_text(&a, t->workspace);
	pg_text(&a, t->name);
	pg_text(&a, t->settings);
	pg_int(&a, t->created_ms);
	pg_int(&a, t->updated_ms);
	pg_int(&a, max);
	return quota_insert(p, tpl_put_sql, &a, t->workspace, "tpl",
	    "tpl_put");
}

/* --- Tasks --- */

#define LIVE	"('working', 'input_required')"
static const char task_lock_sql[] =
    "SELECT pg_advisory_xact_lock(" TASKS_LOCK ")";
static const char task_expire_sql[] =
    "DELETE FROM tasks WHERE created_ms + ttl_ms < $1";
static const char task_live_sql[] =
    "SELECT count(*) FROM tasks WHERE endpoint = $1 AND owner = $2 AND "
    "status IN " LIVE;
/* The owner's finished ones past its bound, oldest first. */
static const char task_kept_sql[] =
    "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE "
    "endpoint = $1 AND owner = $2 AND status NOT IN " LIVE " ORDER BY "
    "created_ms DESC OFFSET " MCP_XSTR(MCP_TASKS_KEPT_PER_OWNER) ")";
/* Room for one more: the oldest finished ones anywhere. */
static const char task_room_sql[] =
    "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE status "
    "NOT IN " LIVE " ORDER BY created_ms LIMIT greatest(0, (SELECT "
    "count(*) FROM tasks) - " MCP_XSTR(MCP_TASK_ROWS) " + 1))";
static const char task_count_sql[] =
    "SELECT count(*) FROM tasks";
static const char task_put_sql[] =
    "INSERT INTO tasks (id, endpoint, owner, tool, status, message, "
    "created_ms, updated_ms, ttl_ms, poll_ms, holder, beat_ms, cancel, "
    "result, error, inputs, answers) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
#define TASK_COLS "id, endpoint, owner, tool, status, message, created_ms, " \
	"updated_ms, ttl_ms, poll_ms, holder, beat_ms, cancel, result, " \
	"error, inputs, answers"
static const char task_get_sql[] =
    "SELECT " TASK_COLS " FROM tasks WHERE id = $1 AND endpoint = $2 AND "
    "owner = $3 AND created_ms + ttl_ms >= $4";
static const char task_get_lock_sql[] =
    "SELECT " TASK_COLS " FROM tasks WHERE id = $1 AND endpoint = $2 AND "
    "owner = $3 AND created_ms + ttl_ms >= $4 FOR UPDATE";
static const char task_set_sql[] =
    "UPDATE tasks SET status = $2, message = $3, updated_ms = $4, "
    "holder = $5, beat_ms = $6, cancel = $7, result = $8, error = $9, "
    "inputs = $10, answers = $11 WHERE id = $1";

/* The first column of sql's one row as an integer; -1 on error (*e). */
static int64_t
count_of(struct mcp_store *p, const char *sql, const struct pg_args *a,
    enum mcp_err *e, const char *what)
{
	PGresult	*r;
	int64_t		 n;

	if ((*e = pg_run(p, sql, a, &r, what)) != MCP_OK)
		return -1;
	n = PQntuples(r) > 0 ? pg_int_at(r, 0, 0) : 0;
	PQclear(r);
	return n;
}

struct task_put_job {
	const struct mcp_task	*t;
	int			 max;
};

/*
 * Every task_put() of every host takes turns on one advisory lock, so
 * that the owner's and the store's counts are what SQLite's writers
 * see; task_edit() never makes a finished task live again, so what it
 * changes meanwhile only lowers them.
 */
static enum mcp_err
task_put_job(struct mcp_store *p, void *arg)
{
	struct task_put_job	*j = arg;
	const struct mcp_task	*t = j->t;
	struct pg_args		 now = { 0 }, own = { 0 }, a = { 0 };
	enum mcp_err		 e;
	int64_t			 n;

	pg_int(&now, t->created_ms);
	pg_text(&own, t->endpoint);
	pg_text(&own, t->owner);
	if ((e = pg_run(p, task_lock_sql, NULL, NULL, "task_put lock")) !=
	    MCP_OK || (e = pg_run(p, task_expire_sql, &now, NULL,
	    "task_put expire")) != MCP_OK)
		return e;
	if ((n = count_of(p, task_live_sql, &own, &e, "task_put live")) < 0)
		return e;
	if (n >= j->max)
		return MCP_ERR_BUSY;
	if ((e = pg_run(p, task_kept_sql, &own, NULL, "task_put kept")) !=
	    MCP_OK || (e = pg_run(p, task_room_sql, NULL, NULL,
	    "task_put room")) != MCP_OK)
		return e;
	/* Every row a live task: none is dropped for a new one. */
	if ((n = count_of(p, task_count_sql, NULL, &e, "task_put count")) < 0)
		return e;
	if (n >= MCP_TASK_ROWS)
		return MCP_ERR_BUSY;
	pg_text(&a, t->id);
	pg_text(&a, t->endpoint);
	pg_text(&a, t->owner);
	pg_text(&a, t->tool);
	pg_text(&a, t->status);
	pg_text(&a, t->message);
	pg_int(&a, t->created_ms);
	pg_int(&a, t->updated_ms);
	pg_int(&a, t->ttl_ms);
	pg_int(&a, t->poll_ms);
	pg_text(&a, t->holder);
	pg_int(&a, t->beat_ms);
	pg_int(&a, t->cancel);
	pg_text(&a, t->result);
	pg_text(&a, t->error);
	pg_text(&a, t->inputs);
	pg_text(&a, t->answers);
	return pg_run(p, task_put_sql, &a, NULL, "task_put");
}

enum mcp_err
pg_task_put(struct mcp_store *p, const struct mcp_task *t, int max)
{
	struct task_put_job	 j = { t, max };

	return pg_tx_rc(p, task_put_job, &j, "task_put");
}

/* Reads the task sql finds: MCP_OK, MCP_ERR_NOTFOUND or MCP_ERR_STORE. */
static enum mcp_err
read_task(struct mcp_store *p, const char *sql, const char *endpoint,
    const char *owner, const char *id, int64_t now, struct mcp_task *t)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	char		 key[sizeof(t->id)];
	int		 oom = 0;

	/* id may be t->id itself. */
	snprintf(key, sizeof(key), "%s", id);
	memset(t, 0, sizeof(*t));
	pg_text(&a, key);
	pg_text(&a, endpoint);
	pg_text(&a, owner);
	pg_int(&a, now);
	if ((e = pg_run(p, sql, &a, &r, "task_get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return MCP_ERR_NOTFOUND;
	}
	pg_copy(r, 0, 0, t->id, sizeof(t->id));
	pg_copy(r, 0, 1, t->endpoint, sizeof(t->endpoint));
	pg_copy(r, 0, 2, t->owner, sizeof(t->owner));
	pg_copy(r, 0, 3, t->tool, sizeof(t->tool));
	pg_copy(r, 0, 4, t->status, sizeof(t->status));
	pg_copy(r, 0, 5, t->message, sizeof(t->message));
	t->created_ms = pg_int_at(r, 0, 6);
	t->updated_ms = pg_int_at(r, 0, 7);
	t->ttl_ms = pg_int_at(r, 0, 8);
	t->poll_ms = (int)pg_int_at(r, 0, 9);
	pg_copy(r, 0, 10, t->holder, sizeof(t->holder));
	t->beat_ms = pg_int_at(r, 0, 11);
	t->cancel = (int)pg_int_at(r, 0, 12);
	t->result = pg_dup(r, 0, 13, &oom);
	t->error = pg_dup(r, 0, 14, &oom);
	t->inputs = pg_dup(r, 0, 15, &oom);
	t->answers = pg_dup(r, 0, 16, &oom);
	PQclear(r);
	if (oom) {
		mcp_task_clear(t);
		return MCP_ERR_NOMEM;
	}
	return MCP_OK;
}

enum mcp_err
pg_task_get(struct mcp_store *p, const char *endpoint, const char *owner,
    const char *id, int64_t now, struct mcp_task *t)
{
	return read_task(p, task_get_sql, endpoint, owner, id, now, t);
}

struct task_edit_job {
	const char	*endpoint;
	const char	*owner;
	const char	*id;
	int64_t		 now;
	mcp_task_fn	 fn;
	void		*arg;
	int		 ran;
};

/*
 * The task's row is locked as it is read: other edits wait for this
 * one and then read what it wrote.  fn runs at most once: it may hand
 * over what arg held (mcp_task_finish()'s result), so a transaction
 * that would have to run again after it ran (the connection was lost
 * before COMMIT; nothing else makes one that holds a single row lock
 * run again) is MCP_ERR_STORE, nothing written, as a failed SQLite
 * write is.
 */
static enum mcp_err
task_edit_job(struct mcp_store *p, void *arg)
{
	struct task_edit_job	*j = arg;
	struct mcp_task		 t;
	struct pg_args		 a = { 0 };
	enum mcp_err		 e;

	if (j->ran)
		return MCP_ERR_STORE;
	if ((e = read_task(p, task_get_lock_sql, j->endpoint, j->owner, j->id,
	    j->now, &t)) != MCP_OK)
		return e;
	j->ran = 1;
	if (j->fn(j->arg, &t) == 1) {
		pg_text(&a, t.id);
		pg_text(&a, t.status);
		pg_text(&a, t.message);
		pg_int(&a, t.updated_ms);
		pg_text(&a, t.holder);
		pg_int(&a, t.beat_ms);
		pg_int(&a, t.cancel);
		pg_text(&a, t.result);
		pg_text(&a, t.error);
		pg_text(&a, t.inputs);
		pg_text(&a, t.answers);
		e = pg_run(p, task_set_sql, &a, NULL, "task_edit");
	}
	mcp_task_clear(&t);
	return e;
}

enum mcp_err
pg_task_edit(struct mcp_store *p, const char *endpoint, const char *owner,
    const char *id, int64_t now, mcp_task_fn fn, void *arg)
{
	struct task_edit_job	 j = { endpoint, owner, id, now, fn, arg,
				    0 };

	return pg_tx_rc(p, task_edit_job, &j, "task_edit");
}
