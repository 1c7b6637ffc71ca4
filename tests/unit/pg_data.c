/*
 * pg_data.c: the PostgreSQL store's audit trail, workspaces,
 * environments, templates, organizations and tasks
 * (lib/store_pg_data.c), against a real PostgreSQL: MCP_TEST_PG is the
 * libpq URL of a database of the test's own (tests/pg.sh db DIR NAME),
 * whose tables of this area are emptied first.  Without it the test is
 * skipped, and says so.
 *
 * The same sequence of calls runs on PostgreSQL and on an SQLite store
 * in a temporary directory; each engine is held to the expected
 * outcome of every call (every rejection and bound: CONFLICT, NOTFOUND,
 * QUOTA, NOTEMPTY, BUSY, eviction of the oldest, expiry) and both must
 * agree on all of them, line for line.  Then what only PostgreSQL can
 * show: audit columns through the array literals whatever they hold,
 * the bounds of audit_anon and tasks at full size, and writers on
 * connections of their own at once (1,000 create_organization calls on
 * 16 threads sharing external ids: the unique rule and the quota hold,
 * as in 95-data-integrity.bats for SQLite, which runs here too).
 */
#include <sys/time.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "extern.h"
#include "tap.h"

#define T0	1700000000000LL		/* ms */

struct run {
	struct mcp_store	*st;
	const char		*name;	/* "pg" or "sqlite" */
	const char		*path;	/* to open more connections */
	struct mcp_buf		 log;	/* every outcome */
};

static const char	*pg_url;

static void
logf_(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
logf_(struct run *r, const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mcp_buf_puts(&r->log, line);
	mcp_buf_puts(&r->log, "\n");
}

/* Checks and records one call's outcome. */
static void
want(struct run *r, enum mcp_err got, enum mcp_err exp, const char *what)
{
	ok(got == exp, "%s: %s (%s)", r->name, what,
	    mcp_err_info(got)->message);
	logf_(r, "%s: %d", what, (int)got);
}

static struct mcp_store *
open_store(const char *path)
{
	struct mcp_store	*st;
	char			 err[256];

	if ((st = mcp_store_open(path, err, sizeof(err))) == NULL)
		printf("# %s: %s\n", path, err);
	return st;
}

/* --- Direct reads of the PostgreSQL database --- */

static long long
pg_scalar(const char *q)
{
	PGconn		*c;
	PGresult	*r;
	long long	 v = -1;

	c = PQconnectdb(pg_url);
	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, q);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
		    !PQgetisnull(r, 0, 0))
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else if (PQresultStatus(r) != PGRES_TUPLES_OK)
			printf("# %s: %s", q, PQresultErrorMessage(r));
		PQclear(r);
	}
	PQfinish(c);
	return v;
}

static int
pg_exec(const char *q)
{
	PGconn		*c;
	PGresult	*r;
	int		 rc = -1;

	c = PQconnectdb(pg_url);
	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, q);
		if (PQresultStatus(r) == PGRES_COMMAND_OK ||
		    PQresultStatus(r) == PGRES_TUPLES_OK)
			rc = 0;
		else
			printf("# %s: %s", q, PQresultErrorMessage(r));
		PQclear(r);
	} else
		printf("# %s", PQerrorMessage(c));
	PQfinish(c);
	return rc;
}

/* --- Workspaces, environments, templates, organizations --- */

static void
mk_ws(struct mcp_workspace *w, const char *id, const char *name)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->id, sizeof(w->id), "%s", id);
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->created_ms = w->updated_ms = T0;
}

static void
mk_env(struct mcp_environment *e, const char *ws, const char *id,
    const char *name, long long ms)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", id);
	snprintf(e->workspace, sizeof(e->workspace), "%s", ws);
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->type, sizeof(e->type), "staging");
	e->created_ms = e->updated_ms = ms;
}

static void
mk_tpl(struct mcp_template *t, const char *ws, const char *id,
    const char *name, long long ms)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", id);
	snprintf(t->workspace, sizeof(t->workspace), "%s", ws);
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->settings, sizeof(t->settings), "{\"k\":\"%s\"}", name);
	t->created_ms = t->updated_ms = ms;
}

static void
mk_org(struct mcp_org *o, const char *ws, const char *env, const char *id,
    const char *name, const char *ext, const char *tpl, long long ms)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->workspace, sizeof(o->workspace), "%s", ws);
	snprintf(o->environment, sizeof(o->environment), "%s", env);
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->external_id, sizeof(o->external_id), "%s", ext);
	snprintf(o->template_id, sizeof(o->template_id), "%s", tpl);
	snprintf(o->metadata, sizeof(o->metadata), "{\"n\":\"%s\"}", name);
	o->created_ms = o->updated_ms = ms;
}

/* List callbacks: ids (and what else tells rows apart) to a string. */
struct ids {
	char	 s[4096];
	int	 n;
};

static void
ids_add(struct ids *l, const char *id, long long ms)
{
	size_t	 len = strlen(l->s);

	snprintf(l->s + len, sizeof(l->s) - len, "%s%s@%lld",
	    l->n++ ? "," : "", id, ms);
}

static void
env_cb(void *arg, const struct mcp_environment *e)
{
	ids_add(arg, e->id, e->created_ms);
}

static void
tpl_cb(void *arg, const struct mcp_template *t)
{
	ids_add(arg, t->id, t->created_ms);
}

static void
org_cb(void *arg, const struct mcp_org *o)
{
	ids_add(arg, o->id, o->created_ms);
}

static void
workspaces(struct run *r)
{
	struct mcp_store	*st = r->st;
	struct mcp_workspace	 w;

	mk_ws(&w, "wks_a", "Alpha");
	want(r, st->ops->ws_put(st, &w), MCP_OK, "ws_put a");
	mk_ws(&w, "wks_b", "Beta");
	want(r, st->ops->ws_put(st, &w), MCP_OK, "ws_put b");
	mk_ws(&w, "wks_q", "Quota");
	want(r, st->ops->ws_put(st, &w), MCP_OK, "ws_put q");
	want(r, st->ops->ws_put(st, &w), MCP_ERR_CONFLICT, "ws_put taken id");
	want(r, st->ops->ws_get(st, "wks_a", &w), MCP_OK, "ws_get");
	ok(strcmp(w.name, "Alpha") == 0 && w.created_ms == T0, "%s: its "
	    "name and time", r->name);
	want(r, st->ops->ws_get(st, "wks_none", &w), MCP_ERR_NOTFOUND,
	    "ws_get missing");
	want(r, st->ops->ws_rename(st, "wks_a", "Alpha 2", T0 + 5), MCP_OK,
	    "ws_rename");
	want(r, st->ops->ws_get(st, "wks_a", &w), MCP_OK, "ws_get renamed");
	ok(strcmp(w.name, "Alpha 2") == 0 && w.updated_ms == T0 + 5,
	    "%s: renamed at its time", r->name);
	logf_(r, "ws: %s %lld %lld", w.name, w.created_ms, w.updated_ms);
	want(r, st->ops->ws_rename(st, "wks_none", "x", T0), MCP_ERR_NOTFOUND,
	    "ws_rename missing");
}

static void
environments(struct run *r)
{
	struct mcp_store	*st = r->st;
	struct mcp_environment	 e;
	struct mcp_page		 pg;
	struct ids		 l;
	int64_t			 n;

	mk_env(&e, "wks_a", "env_a1", "dev", T0 + 1);
	want(r, st->ops->env_put(st, &e, 3), MCP_OK, "env_put a1");
	mk_env(&e, "wks_a", "env_ax", "dev", T0 + 2);
	want(r, st->ops->env_put(st, &e, 3), MCP_ERR_CONFLICT,
	    "env_put taken name");
	/* Two of one time: the id orders them. */
	mk_env(&e, "wks_a", "env_a3", "prod", T0 + 3);
	want(r, st->ops->env_put(st, &e, 3), MCP_OK, "env_put a3");
	mk_env(&e, "wks_a", "env_a2", "test", T0 + 3);
	want(r, st->ops->env_put(st, &e, 3), MCP_OK, "env_put a2");
	mk_env(&e, "wks_a", "env_a4", "more", T0 + 4);
	want(r, st->ops->env_put(st, &e, 3), MCP_ERR_QUOTA,
	    "env_put past the quota");
	mk_env(&e, "wks_a", "env_a4", "dev", T0 + 4);
	want(r, st->ops->env_put(st, &e, 3), MCP_ERR_QUOTA,
	    "env_put past the quota with a taken name");
	mk_env(&e, "wks_b", "env_b1", "dev", T0 + 1);
	want(r, st->ops->env_put(st, &e, 3), MCP_OK,
	    "env_put another workspace's same name");
	mk_env(&e, "wks_none", "env_n1", "dev", T0 + 1);
	want(r, st->ops->env_put(st, &e, 3), MCP_ERR_CONFLICT,
	    "env_put in no workspace");
	mk_env(&e, "wks_b", "env_a1", "other", T0 + 1);
	want(r, st->ops->env_put(st, &e, 3), MCP_ERR_CONFLICT,
	    "env_put a taken id");

	want(r, st->ops->env_get(st, "wks_a", "env_a1", &e), MCP_OK,
	    "env_get");
	ok(strcmp(e.name, "dev") == 0 && strcmp(e.type, "staging") == 0 &&
	    strcmp(e.workspace, "wks_a") == 0, "%s: its columns", r->name);
	want(r, st->ops->env_get(st, "wks_b", "env_a1", &e),
	    MCP_ERR_NOTFOUND, "env_get of another workspace");
	want(r, st->ops->env_get(st, "wks_a", "env_zz", &e),
	    MCP_ERR_NOTFOUND, "env_get missing");

	mk_env(&e, "wks_a", "env_a2", "dev", T0 + 9);
	want(r, st->ops->env_update(st, &e), MCP_ERR_CONFLICT,
	    "env_update to a taken name");
	mk_env(&e, "wks_a", "env_a2", "test 2", T0 + 9);
	snprintf(e.type, sizeof(e.type), "production");
	want(r, st->ops->env_update(st, &e), MCP_OK, "env_update");
	want(r, st->ops->env_get(st, "wks_a", "env_a2", &e), MCP_OK,
	    "env_get updated");
	logf_(r, "env: %s %s %lld %lld", e.name, e.type, e.created_ms,
	    e.updated_ms);
	ok(strcmp(e.name, "test 2") == 0 && e.created_ms == T0 + 3 &&
	    e.updated_ms == T0 + 9, "%s: updated", r->name);
	mk_env(&e, "wks_b", "env_a2", "x", T0 + 9);
	want(r, st->ops->env_update(st, &e), MCP_ERR_NOTFOUND,
	    "env_update of another workspace");

	memset(&pg, 0, sizeof(pg));
	pg.limit = 2;
	memset(&l, 0, sizeof(l));
	want(r, st->ops->env_list(st, "wks_a", &pg, env_cb, &l), MCP_OK,
	    "env_list first page");
	logf_(r, "env page 1: %s", l.s);
	ok(strcmp(l.s, "env_a1@1700000000001,env_a2@1700000000003") == 0,
	    "%s: first page in (created_ms, id) order: %s", r->name, l.s);
	pg.after_ms = T0 + 3;
	pg.after_id = "env_a2";
	memset(&l, 0, sizeof(l));
	want(r, st->ops->env_list(st, "wks_a", &pg, env_cb, &l), MCP_OK,
	    "env_list next page");
	logf_(r, "env page 2: %s", l.s);
	ok(strcmp(l.s, "env_a3@1700000000003") == 0, "%s: the next page "
	    "from the cursor: %s", r->name, l.s);
	memset(&l, 0, sizeof(l));
	pg.after_id = NULL;
	pg.limit = 10;
	want(r, st->ops->env_list(st, "wks_b", &pg, env_cb, &l), MCP_OK,
	    "env_list of another workspace");
	ok(strcmp(l.s, "env_b1@1700000000001") == 0, "%s: only its own: %s",
	    r->name, l.s);

	want(r, st->ops->env_delete(st, "wks_b", "env_a3", 0, &n),
	    MCP_ERR_NOTFOUND, "env_delete of another workspace");
	want(r, st->ops->env_delete(st, "wks_a", "env_a3", 0, &n), MCP_OK,
	    "env_delete of an empty one");
	mk_env(&e, "wks_a", "env_a5", "five", T0 + 5);
	want(r, st->ops->env_put(st, &e, 3), MCP_OK,
	    "env_put in the room a delete made");
}

static void
templates(struct run *r)
{
	struct mcp_store	*st = r->st;
	struct mcp_template	 t;
	struct mcp_page		 pg;
	struct ids		 l;

	mk_tpl(&t, "wks_a", "tpl_a1", "basic", T0 + 1);
	want(r, st->ops->tpl_put(st, &t, 2), MCP_OK, "tpl_put");
	mk_tpl(&t, "wks_a", "tpl_a2", "basic", T0 + 2);
	want(r, st->ops->tpl_put(st, &t, 2), MCP_ERR_CONFLICT,
	    "tpl_put taken name");
	mk_tpl(&t, "wks_a", "tpl_a2", "second", T0 + 2);
	want(r, st->ops->tpl_put(st, &t, 2), MCP_OK, "tpl_put second");
	mk_tpl(&t, "wks_a", "tpl_a3", "third", T0 + 3);
	want(r, st->ops->tpl_put(st, &t, 2), MCP_ERR_QUOTA,
	    "tpl_put past the quota");
	mk_tpl(&t, "wks_b", "tpl_b1", "basic", T0 + 1);
	want(r, st->ops->tpl_put(st, &t, 2), MCP_OK,
	    "tpl_put another workspace's");
	want(r, st->ops->tpl_get(st, "wks_a", "tpl_a2", &t), MCP_OK,
	    "tpl_get");
	logf_(r, "tpl: %s %s %s", t.id, t.name, t.settings);
	ok(strcmp(t.settings, "{\"k\":\"second\"}") == 0, "%s: its settings",
	    r->name);
	want(r, st->ops->tpl_get(st, "wks_b", "tpl_a2", &t), MCP_ERR_NOTFOUND,
	    "tpl_get of another workspace");
	memset(&pg, 0, sizeof(pg));
	pg.limit = 1;
	memset(&l, 0, sizeof(l));
	want(r, st->ops->tpl_list(st, "wks_a", &pg, tpl_cb, &l), MCP_OK,
	    "tpl_list");
	pg.after_ms = T0 + 1;
	pg.after_id = "tpl_a1";
	want(r, st->ops->tpl_list(st, "wks_a", &pg, tpl_cb, &l), MCP_OK,
	    "tpl_list next");
	logf_(r, "tpl list: %s", l.s);
	ok(strcmp(l.s, "tpl_a1@1700000000001,tpl_a2@1700000000002") == 0,
	    "%s: pages of one: %s", r->name, l.s);
}

static void
organizations(struct run *r)
{
	struct mcp_store	*st = r->st;
	struct mcp_environment	 e;
	struct mcp_org		 o, m[8];
	struct mcp_org_query	 q;
	enum mcp_err		 out[8];
	struct ids		 l;
	char			 line[8192];
	int64_t			 n;
	size_t			 i;

	mk_org(&o, "wks_a", "env_b1", "org_x", "x", "", "", T0);
	want(r, st->ops->org_put(st, &o, 6), MCP_ERR_NOTFOUND,
	    "org_put in another workspace's environment");
	mk_org(&o, "wks_a", "env_a1", "org_x", "x", "", "tpl_b1", T0);
	want(r, st->ops->org_put(st, &o, 6), MCP_ERR_NOTFOUND,
	    "org_put with another workspace's template");
	mk_org(&o, "wks_a", "env_a1", "org_x", "x", "", "tpl_zz", T0);
	want(r, st->ops->org_put(st, &o, 6), MCP_ERR_NOTFOUND,
	    "org_put with a missing template");
	mk_org(&o, "wks_a", "env_a1", "org_1", "acme", "e1", "tpl_a1",
	    T0 + 10);
	want(r, st->ops->org_put(st, &o, 6), MCP_OK, "org_put");
	mk_org(&o, "wks_a", "env_a1", "org_2", "acme two", "e1", "", T0 + 11);
	want(r, st->ops->org_put(st, &o, 6), MCP_ERR_CONFLICT,
	    "org_put a taken external id");
	mk_org(&o, "wks_a", "env_a2", "org_2", "acme two", "e1", "", T0 + 11);
	want(r, st->ops->org_put(st, &o, 6), MCP_OK,
	    "org_put the same external id in another environment");
	mk_org(&o, "wks_a", "env_a1", "org_3", "beta", "", "", T0 + 12);
	want(r, st->ops->org_put(st, &o, 6), MCP_OK, "org_put no external id");
	mk_org(&o, "wks_a", "env_a1", "org_4", "beta 2", "", "", T0 + 12);
	want(r, st->ops->org_put(st, &o, 6), MCP_OK,
	    "org_put no external id again");
	mk_org(&o, "wks_a", "env_a1", "org_4", "dup", "e9", "", T0 + 12);
	want(r, st->ops->org_put(st, &o, 6), MCP_ERR_CONFLICT,
	    "org_put a taken id");

	want(r, st->ops->org_get(st, "wks_a", "org_1", &o), MCP_OK, "org_get");
	snprintf(line, sizeof(line), "%s|%s|%s|%s|%s|%s|%s|%lld|%lld", o.id,
	    o.workspace, o.environment, o.name, o.external_id, o.metadata,
	    o.template_id, o.created_ms, o.updated_ms);
	logf_(r, "org: %s", line);
	ok(strcmp(line, "org_1|wks_a|env_a1|acme|e1|{\"n\":\"acme\"}|tpl_a1|"
	    "1700000000010|1700000000010") == 0, "%s: its columns: %s",
	    r->name, line);
	want(r, st->ops->org_get(st, "wks_a", "org_3", &o), MCP_OK,
	    "org_get no external id");
	ok(o.external_id[0] == '\0' && o.template_id[0] == '\0',
	    "%s: none read as \"\"", r->name);
	want(r, st->ops->org_get(st, "wks_b", "org_1", &o), MCP_ERR_NOTFOUND,
	    "org_get of another workspace");

	mk_org(&o, "wks_a", "env_a1", "org_3", "beta!", "e1", "", T0 + 20);
	want(r, st->ops->org_update(st, &o), MCP_ERR_CONFLICT,
	    "org_update to a taken external id");
	mk_org(&o, "wks_a", "env_a1", "org_3", "beta!", "e3", "", T0 + 20);
	want(r, st->ops->org_update(st, &o), MCP_OK, "org_update");
	want(r, st->ops->org_get(st, "wks_a", "org_3", &o), MCP_OK,
	    "org_get updated");
	logf_(r, "org: %s %s %s %lld %lld", o.name, o.external_id,
	    o.metadata, o.created_ms, o.updated_ms);
	mk_org(&o, "wks_b", "env_a1", "org_3", "beta!", "e3", "", T0 + 20);
	want(r, st->ops->org_update(st, &o), MCP_ERR_NOTFOUND,
	    "org_update of another workspace");

	memset(&q, 0, sizeof(q));
	q.limit = 10;
	memset(&l, 0, sizeof(l));
	want(r, st->ops->org_list(st, "wks_a", &q, org_cb, &l), MCP_OK,
	    "org_list");
	logf_(r, "orgs: %s", l.s);
	ok(l.n == 4, "%s: the workspace's 4: %s", r->name, l.s);
	q.environment = "env_a1";
	memset(&l, 0, sizeof(l));
	want(r, st->ops->org_list(st, "wks_a", &q, org_cb, &l), MCP_OK,
	    "org_list of an environment");
	logf_(r, "orgs in env_a1: %s", l.s);
	ok(l.n == 3, "%s: its 3", r->name);
	q.name_prefix = "beta";
	q.limit = 1;
	memset(&l, 0, sizeof(l));
	want(r, st->ops->org_list(st, "wks_a", &q, org_cb, &l), MCP_OK,
	    "org_list by prefix");
	q.after_ms = T0 + 12;
	q.after_id = "org_3";
	want(r, st->ops->org_list(st, "wks_a", &q, org_cb, &l), MCP_OK,
	    "org_list by prefix, next page");
	logf_(r, "orgs beta*: %s", l.s);
	ok(strcmp(l.s, "org_3@1700000000012,org_4@1700000000012") == 0,
	    "%s: by prefix, page by page: %s", r->name, l.s);
	q.environment = "env_b1";
	q.name_prefix = NULL;
	q.after_id = NULL;
	memset(&l, 0, sizeof(l));
	want(r, st->ops->org_list(st, "wks_a", &q, org_cb, &l), MCP_OK,
	    "org_list of another workspace's environment");
	ok(l.n == 0, "%s: finds nothing", r->name);

	/*
	 * A batch: 4 organizations exist, the quota is 6.  A taken
	 * external id and one taken earlier in the batch are skipped and
	 * leave their room; the quota stops it at the third made.
	 */
	mk_org(&m[0], "wks_a", "env_a1", "org_m0", "m0", "e1", "", T0 + 30);
	mk_org(&m[1], "wks_a", "env_a1", "org_m1", "m1", "f1", "", T0 + 30);
	mk_org(&m[2], "wks_a", "env_a1", "org_m2", "m2", "f1", "", T0 + 30);
	mk_org(&m[3], "wks_a", "env_a1", "org_m3", "m3 \"q\" \\ {,}", "f3",
	    "", T0 + 30);
	mk_org(&m[4], "wks_a", "env_a1", "org_m4", "m4", "f4", "", T0 + 30);
	mk_org(&m[5], "wks_a", "env_a1", "org_m5", "m5", "f5", "", T0 + 30);
	mk_org(&m[6], "wks_a", "env_a1", "org_m6", "m6", "", "", T0 + 30);
	for (i = 0; i < 7; i++)
		out[i] = MCP_ERR_INTERNAL;
	want(r, st->ops->org_put_many(st, m, 7, 6, out), MCP_OK,
	    "org_put_many");
	memset(line, 0, sizeof(line));
	for (i = 0; i < 7; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    "%s%d", i ? "," : "", (int)out[i]);
	logf_(r, "org_put_many: %s", line);
	ok(out[0] == MCP_ERR_CONFLICT && out[1] == MCP_OK &&
	    out[2] == MCP_ERR_CONFLICT && out[3] == MCP_OK &&
	    out[4] == MCP_ERR_QUOTA && out[5] == MCP_ERR_QUOTA &&
	    out[6] == MCP_ERR_QUOTA, "%s: skipped, made, stopped: %s",
	    r->name, line);
	want(r, st->ops->org_get(st, "wks_a", "org_m3", &o), MCP_OK,
	    "org_get of a batch's");
	ok(strcmp(o.name, m[3].name) == 0 &&
	    strcmp(o.metadata, m[3].metadata) == 0,
	    "%s: quotes, backslashes, braces and commas kept: %s %s",
	    r->name, o.name, o.metadata);
	want(r, st->ops->org_get(st, "wks_a", "org_m4", &o), MCP_ERR_NOTFOUND,
	    "org_get of one the quota stopped");
	for (i = 0; i < 7; i++)
		out[i] = MCP_ERR_INTERNAL;
	mk_org(&m[0], "wks_a", "env_b1", "org_n0", "n0", "", "", T0 + 30);
	want(r, st->ops->org_put_many(st, m, 1, 60, out), MCP_ERR_NOTFOUND,
	    "org_put_many in another workspace's environment");
	ok(out[0] == MCP_ERR_QUOTA, "%s: nothing made", r->name);
	mk_org(&m[0], "wks_a", "env_a5", "org_n0", "n0", "g0", "tpl_b1",
	    T0 + 30);
	want(r, st->ops->org_put_many(st, m, 1, 60, out), MCP_ERR_NOTFOUND,
	    "org_put_many with another workspace's template");
	want(r, st->ops->org_put_many(st, m, 0, 60, out), MCP_OK,
	    "org_put_many of none");

	want(r, st->ops->org_delete(st, "wks_b", "org_4"), MCP_ERR_NOTFOUND,
	    "org_delete of another workspace");
	want(r, st->ops->org_delete(st, "wks_a", "org_4"), MCP_OK,
	    "org_delete");
	want(r, st->ops->org_delete(st, "wks_a", "org_4"), MCP_ERR_NOTFOUND,
	    "org_delete again");
	mk_org(&o, "wks_a", "env_a1", "org_5", "five", "", "", T0 + 40);
	want(r, st->ops->org_put(st, &o, 6), MCP_OK,
	    "org_put in the room a delete made");
	mk_org(&o, "wks_a", "env_a1", "org_6", "six", "", "", T0 + 40);
	want(r, st->ops->org_put(st, &o, 6), MCP_ERR_QUOTA,
	    "org_put past the quota");

	want(r, st->ops->env_delete(st, "wks_a", "env_a1", 0, &n),
	    MCP_ERR_NOTEMPTY, "env_delete of one holding organizations");
	logf_(r, "held: %lld", (long long)n);
	ok(n == 5, "%s: it says how many (%lld)", r->name, (long long)n);
	want(r, st->ops->env_delete(st, "wks_a", "env_a1", 1, &n), MCP_OK,
	    "env_delete with force");
	ok(n == 5, "%s: its organizations went too (%lld)", r->name,
	    (long long)n);
	want(r, st->ops->org_get(st, "wks_a", "org_1", &o), MCP_ERR_NOTFOUND,
	    "org_get of one that went with its environment");
	want(r, st->ops->env_get(st, "wks_a", "env_a1", &e),
	    MCP_ERR_NOTFOUND, "env_get of the deleted");
	for (i = 0; i < 6; i++) {
		snprintf(line, sizeof(line), "org_r%zu", i);
		mk_org(&o, "wks_a", "env_a2", line, "r", "", "", T0 + 50);
		want(r, st->ops->org_put(st, &o, 6), i < 5 ? MCP_OK :
		    MCP_ERR_QUOTA, "org_put after the cascade freed room");
	}
}

/* --- Audit --- */

struct rows {
	char	*v[64];
	int	 n;
};

static void
rows_cb(void *arg, const char *const cols[], size_t ncols)
{
	struct rows	*r = arg;
	char		 line[512] = "";
	size_t		 i;

	for (i = 0; i < ncols; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    "%s%s", i ? "|" : "", cols[i]);
	if (r->n < 64)
		r->v[r->n++] = strdup(line);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Logs the rows (sorted when ties may come in any order), frees them. */
static void
rows_log(struct run *r, const char *what, struct rows *l, int sort)
{
	int	 i;

	if (sort)
		qsort(l->v, (size_t)l->n, sizeof(l->v[0]), cmp_str);
	for (i = 0; i < l->n; i++) {
		logf_(r, "%s: %s", what, l->v[i]);
		free(l->v[i]);
	}
	l->n = 0;
}

static void
usage_cb(void *arg, const char *tool, int64_t calls, int64_t failures,
    int64_t mean_us, int64_t max_us)
{
	struct rows	*r = arg;
	char		 line[256];

	snprintf(line, sizeof(line), "%s|%lld|%lld|%lld|%lld", tool,
	    (long long)calls, (long long)failures, (long long)mean_us,
	    (long long)max_us);
	if (r->n < 64)
		r->v[r->n++] = strdup(line);
}

static void
mk_audit(struct mcp_audit *a, long long ms, const char *sub,
    const char *method, const char *tool, const char *outcome, int status,
    long long lat, const char *ws)
{
	memset(a, 0, sizeof(*a));
	a->ts_ms = ms;
	a->rid = "rid";
	a->iss = "https://as";
	a->sub = sub;
	a->client_id = "cli";
	a->method = method;
	a->tool = tool;
	a->scopes = "s";
	a->outcome = outcome;
	a->status = status;
	a->latency_us = lat;
	a->workspace = ws;
	a->addr = "192.0.2.9";
}

static void
audit(struct run *r)
{
	struct mcp_store	*st = r->st;
	struct mcp_audit	 a[10];
	const struct mcp_audit	*p[10];
	struct mcp_usage_query	 q;
	struct rows		 l = { 0 };
	int64_t			 n;
	int			 i;

	mk_audit(&a[0], T0, "alice", "tools/call", "echo", "ok", 200, 10,
	    "wks_a");
	mk_audit(&a[1], T0 + 1, "alice", "tools/call", "echo", "ok", 200, 15,
	    "wks_a");
	mk_audit(&a[2], T0 + 2, "alice", "tools/call", "echo", "error", 200,
	    30, "wks_a");
	mk_audit(&a[3], T0 + 3, "bob", "tools/call", "add", "ok", 500, 7,
	    "wks_b");
	mk_audit(&a[4], T0 + 4, "bob", "tools/list", "", "ok", 200, 3,
	    "wks_b");
	mk_audit(&a[5], T0 - 86400000, "old", "tools/call", "echo", "ok",
	    200, 1, "wks_a");
	a[1].iss = NULL;		/* NULL columns are stored as "" */
	a[1].scopes = NULL;
	for (i = 0; i < 6; i++)
		p[i] = &a[i];
	want(r, st->ops->audit_add(st, p, 6), MCP_OK, "audit_add");
	want(r, st->ops->audit_add(st, p, 0), MCP_OK, "audit_add of none");
	want(r, st->ops->audit_summary(st, T0 - 1000, rows_cb, &l), MCP_OK,
	    "audit_summary");
	ok(l.n == 4, "%s: 4 groups (%d)", r->name, l.n);
	rows_log(r, "summary", &l, 1);

	memset(&q, 0, sizeof(q));
	q.since_ms = T0 - 1000;
	q.until_ms = T0 + 1000;
	q.workspace = "wks_a";
	want(r, st->ops->audit_usage(st, &q, usage_cb, &l), MCP_OK,
	    "audit_usage of a workspace");
	ok(l.n == 1 && strcmp(l.v[0], "echo|3|1|18|30") == 0, "%s: calls, "
	    "failures, mean and max: %s", r->name, l.n ? l.v[0] : "none");
	rows_log(r, "usage ws", &l, 0);
	q.workspace = "";
	q.iss = "https://as";
	q.sub = "bob";
	want(r, st->ops->audit_usage(st, &q, usage_cb, &l), MCP_OK,
	    "audit_usage of a subject");
	ok(l.n == 1 && strcmp(l.v[0], "add|1|1|7|7") == 0, "%s: a 500 is a "
	    "failure: %s", r->name, l.n ? l.v[0] : "none");
	rows_log(r, "usage sub", &l, 0);

	/* Refused before authentication: one row per minute and key. */
	for (i = 0; i < 10; i++) {
		mk_audit(&a[i], T0 + i * 10000, "", "POST", "", "no_token",
		    401, 0, "");
		a[i].addr = i < 7 ? "192.0.2.1" : "198.51.100.7";
		a[i].anon = 1;
		p[i] = &a[i];
	}
	a[9].outcome = "bad_token";
	want(r, st->ops->audit_anon_add(st, p, 10), MCP_OK, "audit_anon_add");
	want(r, st->ops->audit_anon_add(st, p, 3), MCP_OK,
	    "audit_anon_add again");
	want(r, st->ops->audit_refused(st, T0 - 60000, rows_cb, &l), MCP_OK,
	    "audit_refused");
	for (i = 0; i < l.n; i++)
		printf("# %s refused: %s\n", r->name, l.v[i]);
	ok(l.n == 3 && strcmp(l.v[0], "192.0.2.1|POST|no_token|401|10") ==
	    0 && strcmp(l.v[2], "198.51.100.7|POST|bad_token|401|1") == 0,
	    "%s: summed over minutes, most first", r->name);
	rows_log(r, "refused", &l, 0);
	want(r, st->ops->audit_summary(st, T0 - 1000, rows_cb, &l), MCP_OK,
	    "audit_summary with refused requests");
	rows_log(r, "summary", &l, 1);

	want(r, st->ops->audit_prune(st, T0 - 1000, &n), MCP_OK,
	    "audit_prune");
	logf_(r, "pruned %lld", (long long)n);
	ok(n == 1, "%s: the old row went (%lld)", r->name, (long long)n);
	want(r, st->ops->audit_prune(st, T0 + 3, &n), MCP_OK,
	    "audit_prune to a later time");
	ok(n == 3, "%s: three more (%lld)", r->name, (long long)n);
	want(r, st->ops->audit_summary(st, 0, rows_cb, &l), MCP_OK,
	    "audit_summary after pruning");
	rows_log(r, "summary", &l, 1);
}

/* --- Tasks --- */

static void
task_new(struct mcp_task *t, const char *owner, int n, const char *status,
    int64_t now)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%064d", n);
	snprintf(t->endpoint, sizeof(t->endpoint), "e");
	snprintf(t->owner, sizeof(t->owner), "%s", owner);
	snprintf(t->tool, sizeof(t->tool), "t");
	snprintf(t->status, sizeof(t->status), "%s", status);
	snprintf(t->holder, sizeof(t->holder), "h");
	t->created_ms = t->updated_ms = t->beat_ms = now + n;
	t->ttl_ms = 3600000;
	t->poll_ms = 500;
}

static int	 calls;

static int
to_done(void *arg, struct mcp_task *t)
{
	(void)arg;
	calls++;
	snprintf(t->status, sizeof(t->status), "completed");
	free(t->result);
	t->result = strdup("{\"content\":[]}");
	return 1;
}

static int
look_only(void *arg, struct mcp_task *t)
{
	(void)arg;
	calls++;
	snprintf(t->status, sizeof(t->status), "failed");
	return 0;
}

static void
tasks(struct run *r)
{
	static char		 result[] = "r\"\\", inputs[] = "{}";
	struct mcp_store	*st = r->st;
	struct mcp_task		 t;
	int64_t			 now = T0;
	int			 i, n = 0, live = 0;
	char			 id[65];

	for (i = 0; i < MCP_TASKS_PER_OWNER; i++) {
		task_new(&t, "a", i, "working", now);
		live += st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) ==
		    MCP_OK;
	}
	ok(live == MCP_TASKS_PER_OWNER, "%s: an owner's %d live tasks",
	    r->name, MCP_TASKS_PER_OWNER);
	task_new(&t, "a", 100, "working", now);
	want(r, st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER), MCP_ERR_BUSY,
	    "task_put past the live ones");
	task_new(&t, "b", 101, "working", now);
	t.result = result;
	t.inputs = inputs;
	want(r, st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER), MCP_OK,
	    "task_put of another owner");
	snprintf(id, sizeof(id), "%064d", 101);
	want(r, st->ops->task_get(st, "e", "b", id, now + 200, &t), MCP_OK,
	    "task_get of its own");
	logf_(r, "task: %s %s %s %lld %lld %lld %d %s %d %s %s %s %s",
	    t.owner, t.tool, t.status, (long long)t.created_ms,
	    (long long)t.updated_ms, (long long)t.ttl_ms, t.poll_ms, t.holder,
	    t.cancel, t.result ? t.result : "-", t.error ? t.error : "-",
	    t.inputs ? t.inputs : "-", t.answers ? t.answers : "-");
	ok(t.result != NULL && strcmp(t.result, "r\"\\") == 0 &&
	    t.error == NULL && t.inputs != NULL && t.answers == NULL,
	    "%s: its JSON members, NULL when none", r->name);
	mcp_task_clear(&t);
	snprintf(id, sizeof(id), "%064d", 101);
	want(r, st->ops->task_get(st, "e", "a", id, now + 200, &t),
	    MCP_ERR_NOTFOUND, "task_get of another owner");
	want(r, st->ops->task_get(st, "x", "b", id, now + 200, &t),
	    MCP_ERR_NOTFOUND, "task_get of another endpoint");
	want(r, st->ops->task_get(st, "e", "b", id, now + 3600000 + 1000, &t),
	    MCP_ERR_NOTFOUND, "task_get past its ttl");
	want(r, st->ops->task_edit(st, "e", "a", id, now + 200, to_done,
	    NULL), MCP_ERR_NOTFOUND, "task_edit of another owner");
	calls = 0;
	want(r, st->ops->task_edit(st, "e", "b", id, now + 200, look_only,
	    NULL), MCP_OK, "task_edit that writes nothing");
	want(r, st->ops->task_get(st, "e", "b", id, now + 200, &t), MCP_OK,
	    "task_get after it");
	ok(strcmp(t.status, "working") == 0 && calls == 1, "%s: unchanged, "
	    "fn ran once", r->name);
	mcp_task_clear(&t);
	/* Finished ones do not count as live; past 64 the oldest goes. */
	for (i = 0; i < MCP_TASKS_PER_OWNER; i++) {
		snprintf(id, sizeof(id), "%064d", i);
		want(r, st->ops->task_edit(st, "e", "a", id, now + 200,
		    to_done, NULL), MCP_OK, "task_edit");
	}
	snprintf(id, sizeof(id), "%064d", 3);
	want(r, st->ops->task_get(st, "e", "a", id, now + 200, &t), MCP_OK,
	    "task_get of an edited one");
	ok(strcmp(t.status, "completed") == 0 && t.result != NULL &&
	    strcmp(t.result, "{\"content\":[]}") == 0, "%s: written back",
	    r->name);
	mcp_task_clear(&t);
	for (i = 200; i < 200 + MCP_TASKS_KEPT_PER_OWNER + 10; i++) {
		task_new(&t, "a", i, "working", now);
		if (st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) != MCP_OK)
			break;
		snprintf(id, sizeof(id), "%064d", i);
		st->ops->task_edit(st, "e", "a", id, now + 500, to_done, NULL);
		n++;
	}
	ok(n == MCP_TASKS_KEPT_PER_OWNER + 10, "%s: finished tasks do not "
	    "count as live (%d made)", r->name, n);
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "%064d", i);
		if (st->ops->task_get(st, "e", "a", id, now + 600, &t) ==
		    MCP_OK) {
			logf_(r, "kept %d", i);
			mcp_task_clear(&t);
		}
	}
	snprintf(id, sizeof(id), "%064d", 0);
	want(r, st->ops->task_get(st, "e", "a", id, now + 600, &t),
	    MCP_ERR_NOTFOUND, "task_get of the oldest finished, dropped");
	snprintf(id, sizeof(id), "%064d", 101);
	want(r, st->ops->task_get(st, "e", "b", id, now + 600, &t), MCP_OK,
	    "task_get of another owner's live one, kept");
	mcp_task_clear(&t);
	/* A put past every ttl drops the expired. */
	task_new(&t, "c", 1000, "working", now + 7200000);
	want(r, st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER), MCP_OK,
	    "task_put after the others expired");
}

/* --- The two engines, compared --- */

static void
scenario(struct run *r)
{
	workspaces(r);
	environments(r);
	templates(r);
	organizations(r);
	audit(r);
	tasks(r);
}

/* --- PostgreSQL alone --- */

/* Every column of every row lands where it belongs, whatever it holds. */
static void
audit_columns(struct mcp_store *st)
{
	static const char *const odd[] = { "", "\"", "\\", "a,b", "{x}",
	    "NULL", "null", " lead", "trail ", "é ü 日本", "\\\"\\\"",
	    "tab\there", "line\nbreak", "'quote'", "}{", "$1" };
	enum { N = 40 };
	struct mcp_audit	 a[N];
	const struct mcp_audit	*p[N];
	char			 v[N][12][48], q[512];
	PGconn			*c;
	PGresult		*r;
	int			 i, k, bad = 0, found = 0;
	size_t			 no = sizeof(odd) / sizeof(odd[0]);

	for (i = 0; i < N; i++) {
		for (k = 0; k < 12; k++)
			snprintf(v[i][k], sizeof(v[i][k]), "%s%d-%d%s",
			    odd[(size_t)(i + k) % no], i, k,
			    odd[(size_t)(i * 3 + k) % no]);
		memset(&a[i], 0, sizeof(a[i]));
		a[i].ts_ms = 1800000000000LL + i;
		a[i].rid = v[i][1];
		a[i].iss = v[i][2];
		a[i].sub = v[i][3];
		a[i].client_id = v[i][4];
		a[i].method = v[i][5];
		a[i].tool = v[i][6];
		a[i].scopes = v[i][7];
		a[i].outcome = v[i][8];
		a[i].status = 200 + i;
		a[i].latency_us = 1000 + i;
		a[i].workspace = v[i][11];
		p[i] = &a[i];
	}
	ok(st->ops->audit_add(st, p, N) == MCP_OK, "pg: %d rows in one "
	    "statement", N);
	c = PQconnectdb(pg_url);
	snprintf(q, sizeof(q), "SELECT ts_ms, rid, iss, sub, client_id, "
	    "method, tool, scopes, outcome, status, latency_us, workspace "
	    "FROM audit WHERE ts_ms >= 1800000000000 ORDER BY ts_ms");
	r = PQexec(c, q);
	for (i = 0; i < N && PQresultStatus(r) == PGRES_TUPLES_OK &&
	    i < PQntuples(r); i++, found++) {
		if (strtoll(PQgetvalue(r, i, 0), NULL, 10) != a[i].ts_ms ||
		    atoi(PQgetvalue(r, i, 9)) != a[i].status ||
		    atoll(PQgetvalue(r, i, 10)) != a[i].latency_us)
			bad++;
		for (k = 1; k < 12; k++) {
			if (k == 9 || k == 10)
				continue;
			if (strcmp(PQgetvalue(r, i, k), v[i][k]) != 0 &&
			    bad++ == 0)
				printf("# row %d col %d: got \"%s\", want "
				    "\"%s\"\n", i, k, PQgetvalue(r, i, k),
				    v[i][k]);
		}
	}
	ok(found == N && bad == 0, "pg: each row's columns are its own "
	    "(%d rows, %d differ)", found, bad);
	PQclear(r);
	PQfinish(c);
	a[0].rid = NULL;
	ok(st->ops->audit_add(st, p, 2) == MCP_ERR_STORE &&
	    pg_scalar("SELECT count(*) FROM audit WHERE ts_ms >= "
	    "1800000000000") == N, "pg: a row without its request id fails "
	    "the batch, nothing of it stored");
}

/* audit_anon at its bounds, as bounds.c holds SQLite to them. */
static void
anon_bounds(struct mcp_store *st)
{
	enum { B = 1000 };
	static struct mcp_audit	 a[B];
	static char		 addr[B][32];
	const struct mcp_audit	*p[B];
	const long long		 now = 1900000000LL;	/* s */
	int			 i, k, bad = 0;

	pg_exec("TRUNCATE audit_anon");
	for (i = 0; i < B; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].ts_ms = now * 1000 + i;
		a[i].rid = "r";
		a[i].method = "POST";
		a[i].outcome = "no_token";
		a[i].status = 401;
		a[i].addr = "192.0.2.1";
		a[i].anon = 1;
		p[i] = &a[i];
	}
	ok(st->ops->audit_anon_add(st, p, 500) == MCP_OK &&
	    pg_scalar("SELECT count(*) FROM audit_anon") == 1 &&
	    pg_scalar("SELECT sum(count) FROM audit_anon") == 500,
	    "pg: 500 refused requests in one row, counted 500");
	/* The same row counted again and again: its seq grows, it stays. */
	for (k = 0; k < 120; k++)
		bad += st->ops->audit_anon_add(st, p, 500) != MCP_OK;
	ok(bad == 0 && pg_scalar("SELECT count(*) FROM audit_anon") == 1 &&
	    pg_scalar("SELECT sum(count) FROM audit_anon") == 121 * 500,
	    "pg: a row counted 60,000 times more stays (seqs drawn: %lld)",
	    pg_scalar("SELECT last_value FROM audit_anon_seq_seq"));
	/* Many addresses: the oldest rows go past MCP_ANON_ROWS. */
	for (k = 0; k < MCP_ANON_ROWS / B + 2; k++) {
		for (i = 0; i < B; i++) {
			snprintf(addr[i], sizeof(addr[i]), "10.%d.%d.%d",
			    k / 256, k % 256, i);
			a[i].addr = addr[i];
			a[i].ts_ms = (now + 60 * k) * 1000 + 1000;
		}
		if (st->ops->audit_anon_add(st, p, B) != MCP_OK)
			bad++;
	}
	ok(bad == 0, "pg: %d batches of %d counted", k, B);
	ok(pg_scalar("SELECT count(*) FROM audit_anon") == MCP_ANON_ROWS,
	    "pg: at most MCP_ANON_ROWS rows (%lld)",
	    pg_scalar("SELECT count(*) FROM audit_anon"));
	ok(pg_scalar("SELECT count(*) FROM audit_anon WHERE addr = "
	    "'192.0.2.1'") == 0 && pg_scalar("SELECT count(*) FROM "
	    "audit_anon WHERE addr LIKE '10.0.0.%' OR addr LIKE '10.0.1.%'") ==
	    0 && pg_scalar("SELECT count(*) FROM audit_anon WHERE addr LIKE "
	    "'10.0.2.%'") == B, "pg: the oldest went first");
	a[0].ts_ms = (now + 8 * 86400) * 1000;
	a[0].addr = "192.0.2.2";
	ok(st->ops->audit_anon_add(st, p, 1) == MCP_OK &&
	    pg_scalar("SELECT count(*) FROM audit_anon") == 1,
	    "pg: rows over MCP_ANON_KEEP_DAYS old are dropped");
}

/* Tasks at MCP_TASK_ROWS: the oldest finished one makes room, a live never. */
static void
task_rows(struct mcp_store *st)
{
	struct mcp_task	 t;
	char		 q[512];

	pg_exec("TRUNCATE tasks");
	snprintf(q, sizeof(q), "INSERT INTO tasks (id, endpoint, owner, tool, "
	    "status, created_ms, updated_ms, ttl_ms, poll_ms, holder, beat_ms) "
	    "SELECT 'f' || i, 'e', 'o' || (i %% 500), 't', CASE WHEN i < 10 "
	    "THEN 'completed' ELSE 'working' END, %lld + i, 0, 3600000, 500, "
	    "'h', 0 FROM generate_series(0, %d) AS i", T0, MCP_TASK_ROWS - 1);
	pg_exec(q);
	task_new(&t, "new", 1, "working", T0 + 100);
	ok(st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) == MCP_OK &&
	    pg_scalar("SELECT count(*) FROM tasks") == MCP_TASK_ROWS &&
	    pg_scalar("SELECT count(*) FROM tasks WHERE id = 'f0'") == 0 &&
	    pg_scalar("SELECT count(*) FROM tasks WHERE id = 'f1'") == 1,
	    "pg: a full store drops its oldest finished task for a new one");
	pg_exec("UPDATE tasks SET status = 'working'");
	task_new(&t, "new", 2, "working", T0 + 100);
	ok(st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) == MCP_ERR_BUSY &&
	    pg_scalar("SELECT count(*) FROM tasks") == MCP_TASK_ROWS,
	    "pg: a store full of live tasks refuses one more");
	task_new(&t, "new", 3, "working", T0 + 3600000 + MCP_TASK_ROWS);
	ok(st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) == MCP_OK &&
	    pg_scalar("SELECT count(*) FROM tasks") == 1,
	    "pg: expired ones are dropped first (%lld left)",
	    pg_scalar("SELECT count(*) FROM tasks"));
}

/* --- Writers at once, each on its own connection --- */

#define WRITERS		16
#define CALLS		1000
#define ORG_QUOTA	700
#define EXT_IDS		800	/* external ids among them */

struct writer {
	const char	*path;
	const char	*ws;
	const char	*env;
	int		 id;
	int		 nthreads;
	int		 ncalls;
	int		 kind;	/* 0 org_put, 1 org_get, 2 env_put,
				   3 org_put_many, 4 task_put, 5 task_edit */
	int		 counts[MCP_ERR__MAX];	/* by outcome */
	int		 rows[MCP_ERR__MAX];	/* org_put_many's rows */
	int		 fn;		/* task_edit's fn calls */
	int64_t		*lat;	/* µs of each call, by number */
	int		 opened;
};

static int64_t
now_us(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int
bump(void *arg, struct mcp_task *t)
{
	(*(int *)arg)++;
	snprintf(t->message, sizeof(t->message), "%d", atoi(t->message) + 1);
	return 1;
}

static void *
writer_main(void *arg)
{
	struct writer		*w = arg;
	struct mcp_store	*st;
	struct mcp_org		*o;
	struct mcp_environment	 e;
	struct mcp_task		 t;
	enum mcp_err		 e0, out[10];
	char			 id[65], ext[32], name[32];
	int64_t			 t0;
	int			 i, k, fn = 0;

	if ((st = open_store(w->path)) == NULL)
		return NULL;
	if ((o = calloc(10, sizeof(*o))) == NULL) {
		st->ops->close(st);
		return NULL;
	}
	w->opened = 1;
	for (i = w->id; i < w->ncalls; i += w->nthreads) {
		t0 = now_us();
		switch (w->kind) {
		case 0:
			snprintf(id, sizeof(id), "org_c%05d", i);
			snprintf(ext, sizeof(ext), "x%d", i % EXT_IDS);
			snprintf(name, sizeof(name), "n%d", i % 100);
			mk_org(o, w->ws, w->env, id, name, ext, "", T0 + i);
			e0 = st->ops->org_put(st, o, ORG_QUOTA);
			break;
		case 1:
			snprintf(id, sizeof(id), "org_c%05d", i);
			e0 = st->ops->org_get(st, w->ws, id, o);
			break;
		case 2:
			snprintf(id, sizeof(id), "env_c%05d", i);
			snprintf(name, sizeof(name), "e%d", i % 30);
			mk_env(&e, w->ws, id, name, T0 + i);
			e0 = st->ops->env_put(st, &e, 25);
			break;
		case 3:
			/* Batches of 10: 400 rows, 200 external ids. */
			for (k = 0; k < 10; k++) {
				snprintf(id, sizeof(id), "org_b%03d%02d", i,
				    k);
				snprintf(ext, sizeof(ext), "y%d",
				    (i * 10 + k) % 200);
				mk_org(&o[k], w->ws, w->env, id, "b", ext,
				    "", T0 + i);
			}
			e0 = st->ops->org_put_many(st, o, 10, 150, out);
			for (k = 0; e0 == MCP_OK && k < 10; k++)
				w->rows[out[k]]++;
			break;
		case 4:
			task_new(&t, "crowd", 5000 + i, "working", T0);
			e0 = st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER);
			break;
		default:
			snprintf(id, sizeof(id), "%064d", 9999);
			e0 = st->ops->task_edit(st, "e", "one", id, T0 + 10,
			    bump, &fn);
			break;
		}
		if (w->lat != NULL)
			w->lat[i] = now_us() - t0;
		w->counts[e0]++;
	}
	w->fn = fn;
	free(o);
	st->ops->close(st);
	return NULL;
}

/* What a crowd did, summed over its threads. */
struct sum {
	int	 c[MCP_ERR__MAX];
	int	 rows[MCP_ERR__MAX];
	int	 fn;
};

/* Runs ncalls of kind on nthreads; their sum in *s; the wall time (µs). */
static int64_t
crowd(const char *path, const char *ws, const char *env, int kind,
    int nthreads, int ncalls, struct sum *s, int64_t *lat)
{
	struct writer	 w[WRITERS];
	pthread_t	 th[WRITERS];
	int64_t		 t0;
	int		 i, k;

	memset(s, 0, sizeof(*s));
	memset(w, 0, sizeof(w));
	t0 = now_us();
	for (i = 0; i < nthreads; i++) {
		w[i].path = path;
		w[i].ws = ws;
		w[i].env = env;
		w[i].id = i;
		w[i].nthreads = nthreads;
		w[i].ncalls = ncalls;
		w[i].kind = kind;
		w[i].lat = lat;
		if (pthread_create(&th[i], NULL, writer_main, &w[i]) != 0)
			return -1;
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		if (!w[i].opened)
			s->c[MCP_ERR_INTERNAL]++;
		for (k = 0; k < MCP_ERR__MAX; k++) {
			s->c[k] += w[i].counts[k];
			s->rows[k] += w[i].rows[k];
		}
		s->fn += w[i].fn;
	}
	return now_us() - t0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * 1,000 org_put calls at once from 16 connections to one workspace:
 * 800 external ids among them, a quota of 700.  Exactly 700 are made
 * (each external id at most once), the others refused as CONFLICT or
 * QUOTA, none failed; the usage counter agrees.  The same on SQLite.
 */
static void
concurrency(struct run *r, int pg)
{
	struct mcp_environment	 e;
	struct mcp_workspace	 w;
	struct mcp_task		 t;
	int64_t			*lat, wall, gwall;
	struct sum		 s;

	mk_ws(&w, "wks_c", "Crowd");
	mk_env(&e, "wks_c", "env_c", "crowd", T0);
	if (r->st->ops->ws_put(r->st, &w) != MCP_OK ||
	    r->st->ops->env_put(r->st, &e, 10) != MCP_OK) {
		ok(0, "%s: the crowd's workspace", r->name);
		return;
	}
	if ((lat = calloc(CALLS, sizeof(*lat))) == NULL)
		return;
	wall = crowd(r->path, "wks_c", "env_c", 0, WRITERS, CALLS, &s, lat);
	ok(s.c[MCP_OK] == ORG_QUOTA && s.c[MCP_ERR_CONFLICT] +
	    s.c[MCP_ERR_QUOTA] == CALLS - ORG_QUOTA, "%s: %d org_put at once "
	    "on %d connections: %d made, %d conflicts, %d over the quota, "
	    "%d other", r->name, CALLS, WRITERS, s.c[MCP_OK],
	    s.c[MCP_ERR_CONFLICT], s.c[MCP_ERR_QUOTA], CALLS - s.c[MCP_OK] -
	    s.c[MCP_ERR_CONFLICT] - s.c[MCP_ERR_QUOTA]);
	qsort(lat, CALLS, sizeof(*lat), cmp_i64);
	gwall = crowd(r->path, "wks_c", "env_c", 1, WRITERS, CALLS, &s, NULL);
	printf("# %s: org_put %.0f/s, p50 %.2f ms, p99 %.2f ms; org_get "
	    "%.0f/s\n", r->name, CALLS * 1e6 / (double)wall,
	    lat[CALLS / 2] / 1000.0, lat[CALLS * 99 / 100] / 1000.0,
	    CALLS * 1e6 / (double)gwall);
	ok(s.c[MCP_OK] == ORG_QUOTA &&
	    s.c[MCP_ERR_NOTFOUND] == CALLS - ORG_QUOTA,
	    "%s: each made one reads back", r->name);
	free(lat);
	if (pg) {
		ok(pg_scalar("SELECT count(*) FROM organizations WHERE "
		    "workspace = 'wks_c'") == ORG_QUOTA &&
		    pg_scalar("SELECT count(DISTINCT external_id) FROM "
		    "organizations WHERE workspace = 'wks_c'") == ORG_QUOTA &&
		    pg_scalar("SELECT n FROM workspace_usage WHERE workspace = "
		    "'wks_c' AND kind = 'org'") == ORG_QUOTA,
		    "pg: 700 rows, 700 external ids, the usage counter 700");
	}

	/* Environments: 30 names among 160 calls, a quota of 25. */
	mk_ws(&w, "wks_e", "Envs");
	r->st->ops->ws_put(r->st, &w);
	crowd(r->path, "wks_e", NULL, 2, WRITERS, 160, &s, NULL);
	ok(s.c[MCP_OK] == 25 &&
	    s.c[MCP_ERR_CONFLICT] + s.c[MCP_ERR_QUOTA] == 135,
	    "%s: 160 env_put at once, 30 names: %d made, %d conflicts, %d "
	    "over the quota", r->name, s.c[MCP_OK], s.c[MCP_ERR_CONFLICT],
	    s.c[MCP_ERR_QUOTA]);
	if (pg)
		ok(pg_scalar("SELECT count(DISTINCT name) FROM environments "
		    "WHERE workspace = 'wks_e'") == 25 && pg_scalar("SELECT n "
		    "FROM workspace_usage WHERE workspace = 'wks_e' AND kind = "
		    "'env'") == 25, "pg: 25 names, the usage counter 25");

	/* Batches: 40 of 10 rows, 200 external ids, a quota of 150. */
	mk_ws(&w, "wks_m", "Many");
	mk_env(&e, "wks_m", "env_m", "many", T0);
	r->st->ops->ws_put(r->st, &w);
	r->st->ops->env_put(r->st, &e, 10);
	crowd(r->path, "wks_m", "env_m", 3, 8, 40, &s, NULL);
	ok(s.c[MCP_OK] == 40 && s.rows[MCP_OK] == 150 && s.rows[MCP_OK] +
	    s.rows[MCP_ERR_CONFLICT] + s.rows[MCP_ERR_QUOTA] == 400,
	    "%s: 40 org_put_many at once: %d rows made, %d conflicts, %d over "
	    "the quota", r->name, s.rows[MCP_OK], s.rows[MCP_ERR_CONFLICT],
	    s.rows[MCP_ERR_QUOTA]);
	if (pg)
		ok(pg_scalar("SELECT count(DISTINCT external_id) FROM "
		    "organizations WHERE workspace = 'wks_m'") == 150 &&
		    pg_scalar("SELECT n FROM workspace_usage WHERE workspace = "
		    "'wks_m' AND kind = 'org'") == 150,
		    "pg: 150 rows of distinct external ids, the counter 150");

	/* One owner's tasks at once: never more live than its bound. */
	crowd(r->path, NULL, NULL, 4, 8, 80, &s, NULL);
	ok(s.c[MCP_OK] == MCP_TASKS_PER_OWNER && s.c[MCP_ERR_BUSY] ==
	    80 - MCP_TASKS_PER_OWNER, "%s: 80 task_put of one owner at once: "
	    "%d made, %d busy", r->name, s.c[MCP_OK], s.c[MCP_ERR_BUSY]);

	/* One task edited at once: no edit lost, fn run once each. */
	task_new(&t, "one", 9999, "working", T0);
	r->st->ops->task_put(r->st, &t, MCP_TASKS_PER_OWNER);
	crowd(r->path, NULL, NULL, 5, 8, 200, &s, NULL);
	r->st->ops->task_get(r->st, "e", "one", t.id, T0 + 10, &t);
	ok(s.c[MCP_OK] == 200 && s.fn == 200 && atoi(t.message) == 200,
	    "%s: 200 task_edit of one task at once: %d done, fn ran %d "
	    "times, the count is %s", r->name, s.c[MCP_OK], s.fn, t.message);
	mcp_task_clear(&t);
}

int
main(void)
{
	struct run	 pg, lite;
	char		 dir[] = "/tmp/mcp-unit-pg-data.XXXXXX", path[128];
	const char	*a, *b;
	int		 line;

	if ((pg_url = getenv("MCP_TEST_PG")) == NULL || *pg_url == '\0') {
		printf("1..0 # SKIP MCP_TEST_PG unset (the URL of an empty "
		    "PostgreSQL database: tests/pg.sh db DIR NAME)\n");
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/mcp.db", dir);
	memset(&pg, 0, sizeof(pg));
	memset(&lite, 0, sizeof(lite));
	pg.name = "pg";
	pg.path = pg_url;
	lite.name = "sqlite";
	lite.path = path;
	pg.st = open_store(pg_url);
	ok(pg.st != NULL, "the PostgreSQL store opens");
	lite.st = open_store(path);
	ok(lite.st != NULL, "the SQLite store opens");
	if (pg.st == NULL || lite.st == NULL)
		return done();
	ok(pg_exec("TRUNCATE audit, audit_anon, organizations, "
	    "org_templates, environments, workspaces, workspace_usage, "
	    "tasks") == 0, "pg: this area's tables emptied");

	scenario(&pg);
	scenario(&lite);
	a = pg.log.p != NULL ? pg.log.p : "";
	b = lite.log.p != NULL ? lite.log.p : "";
	for (line = 1; *a != '\0' && strcspn(a, "\n") == strcspn(b, "\n") &&
	    strncmp(a, b, strcspn(a, "\n")) == 0 && b[strcspn(b, "\n")] ==
	    '\n'; line++) {
		a += strcspn(a, "\n") + 1;
		b += strcspn(b, "\n") + 1;
	}
	ok(*a == '\0' && *b == '\0', "PostgreSQL and SQLite agree on all %d "
	    "outcomes", line - 1);
	if (*a != '\0' || *b != '\0')
		printf("# line %d: pg \"%.*s\", sqlite \"%.*s\"\n", line,
		    (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
	mcp_buf_free(&pg.log);
	mcp_buf_free(&lite.log);

	audit_columns(pg.st);
	anon_bounds(pg.st);
	task_rows(pg.st);
	pg_exec("TRUNCATE tasks");
	concurrency(&pg, 1);
	concurrency(&lite, 0);

	pg.st->ops->close(pg.st);
	lite.st->ops->close(lite.st);
	unlink(path);
	snprintf(path, sizeof(path), "%s/mcp.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/mcp.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return done();
}
