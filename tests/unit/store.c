/*
 * store.c: the SQLite store's audit rows.  audit_add() writes a batch
 * AUDIT_MANY rows to a statement and the rest one by one; every column
 * of every row must land where it belongs whatever the batch's size
 * (a parameter offset off by one would put one row's subject in the
 * next row's client id, which no aggregate query would notice).
 * The store's file and SQLite's -wal and -shm beside it are 0600 even
 * under a umask that would let others read them.  Refresh tokens are
 * taken once, with a reuse window.  The WAL is checkpointed whatever
 * writes fill it.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "extern.h"
#include "tap.h"

#define ROWS	37	/* two statements of 16, then 5 single rows */

struct fields {
	char	 rid[17], iss[32], sub[32], client[32], method[32];
	char	 tool[32], scopes[32], outcome[32], workspace[32];
};

static void
fill(struct fields *f, struct mcp_audit *a, int i)
{
	snprintf(f->rid, sizeof(f->rid), "%016d", i);
	snprintf(f->iss, sizeof(f->iss), "iss-%d", i);
	snprintf(f->sub, sizeof(f->sub), "sub-%d", i);
	snprintf(f->client, sizeof(f->client), "client-%d", i);
	snprintf(f->method, sizeof(f->method), "method-%d", i);
	snprintf(f->tool, sizeof(f->tool), "tool-%d", i);
	snprintf(f->scopes, sizeof(f->scopes), "scope:%d", i);
	snprintf(f->outcome, sizeof(f->outcome), "outcome-%d", i);
	snprintf(f->workspace, sizeof(f->workspace), "ws-%d", i);
	memset(a, 0, sizeof(*a));
	a->ts_ms = 1700000000000LL + i;
	a->rid = f->rid;
	a->iss = f->iss;
	a->sub = f->sub;
	a->client_id = f->client;
	a->method = f->method;
	a->tool = f->tool;
	a->scopes = f->scopes;
	a->outcome = f->outcome;
	a->status = 200 + i;
	a->latency_us = 1000 + i;
	a->workspace = f->workspace;
}

/* Row i as the store holds it, "|"-joined, or "" when it is missing. */
static void
stored(sqlite3 *db, int i, char *out, size_t outsz)
{
	sqlite3_stmt	*st;
	char		 rid[17];

	out[0] = '\0';
	snprintf(rid, sizeof(rid), "%016d", i);
	if (sqlite3_prepare_v2(db, "SELECT ts_ms || '|' || iss || '|' || sub "
	    "|| '|' || client_id || '|' || method || '|' || tool || '|' || "
	    "scopes || '|' || outcome || '|' || status || '|' || latency_us "
	    "|| '|' || workspace FROM audit WHERE rid = ?1", -1, &st,
	    NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, rid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, outsz, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static int
count(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

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

static int
to_done(void *arg, struct mcp_task *t)
{
	(void)arg;
	snprintf(t->status, sizeof(t->status), "completed");
	return 1;
}

/* The bounds of store.h on tasks: per owner live and kept, none expired. */
static void
tasks(struct mcp_store *st)
{
	struct mcp_task	 t;
	int64_t		 now = 1700000000000LL;
	int		 i, n = 0, live = 0;
	char		 id[65];

	for (i = 0; i < MCP_TASKS_PER_OWNER; i++) {
		task_new(&t, "a", i, "working", now);
		live += st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) ==
		    MCP_OK;
	}
	ok(live == MCP_TASKS_PER_OWNER, "an owner's %d live tasks",
	    MCP_TASKS_PER_OWNER);
	task_new(&t, "a", 100, "working", now);
	ok(st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) == MCP_ERR_BUSY,
	    "one more live one is refused");
	task_new(&t, "b", 101, "working", now);
	ok(st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) == MCP_OK,
	    "another owner's is not");
	ok(st->ops->task_get(st, "e", "b", t.id, now + 200, &t) == MCP_OK,
	    "its owner reads it");
	mcp_task_clear(&t);
	snprintf(id, sizeof(id), "%064d", 101);
	ok(st->ops->task_get(st, "e", "a", id, now + 200, &t) ==
	    MCP_ERR_NOTFOUND, "another owner finds nothing");
	ok(st->ops->task_get(st, "x", "b", id, now + 200, &t) ==
	    MCP_ERR_NOTFOUND, "nor does another endpoint");
	ok(st->ops->task_get(st, "e", "b", id, now + 3600000 + 1000, &t) ==
	    MCP_ERR_NOTFOUND, "nor anyone past its ttl");
	/* Finished ones do not count as live; past 64 the oldest goes. */
	for (i = 0; i < MCP_TASKS_PER_OWNER; i++) {
		snprintf(id, sizeof(id), "%064d", i);
		st->ops->task_edit(st, "e", "a", id, now + 200, to_done, NULL);
	}
	for (i = 200; i < 200 + MCP_TASKS_KEPT_PER_OWNER + 10; i++) {
		task_new(&t, "a", i, "working", now);
		if (st->ops->task_put(st, &t, MCP_TASKS_PER_OWNER) != MCP_OK)
			break;
		snprintf(id, sizeof(id), "%064d", i);
		st->ops->task_edit(st, "e", "a", id, now + 500, to_done, NULL);
		n++;
	}
	ok(n == MCP_TASKS_KEPT_PER_OWNER + 10, "finished tasks do not count "
	    "as live (%d made)", n);
	snprintf(id, sizeof(id), "%064d", 0);
	ok(st->ops->task_get(st, "e", "a", id, now + 600, &t) ==
	    MCP_ERR_NOTFOUND, "the oldest finished one was dropped");
	snprintf(id, sizeof(id), "%064d", 101);
	ok(st->ops->task_get(st, "e", "b", id, now + 600, &t) == MCP_OK,
	    "another owner's live one stays");
	mcp_task_clear(&t);
}

/* A server key is made once and read the same by every connection. */
static void
secrets(struct mcp_store *st)
{
	unsigned char	 a[MCP_SECRET_LEN], b[MCP_SECRET_LEN], z[MCP_SECRET_LEN];

	memset(z, 0, sizeof(z));
	ok(st->ops->secret(st, "x", a) == MCP_OK &&
	    st->ops->secret(st, "x", b) == MCP_OK && memcmp(a, b,
	    sizeof(a)) == 0 && memcmp(a, z, sizeof(a)) != 0,
	    "a secret is made once, not zero");
	ok(st->ops->secret(st, "y", b) == MCP_OK && memcmp(a, b,
	    sizeof(a)) != 0, "each purpose has its own");
}

/*
 * A refresh token is taken once.  Taken again within reuse seconds of
 * its first use it is given again, once (the window from the first use,
 * never renewed; a clock gone back is outside it); after that, or with
 * reuse 0, it is a replay.  Another client's presentation is refused
 * and spends nothing.  Of the two pairs a token gave in its window, the
 * first use of one makes the other a replay.
 */
static void
refresh(struct mcp_store *st)
{
	struct mcp_family	 fam;
	char			 famid[40], sc[1024];
	const char		*h = "ab", *h2 = "cd";
	int64_t			 t = 1700000000;
	int			 again = -1;

#define TAKE(hash, cl, when, reuse) \
	st->ops->refresh_take(st, hash, cl, when, reuse, famid, sc, &again)
	memset(&fam, 0, sizeof(fam));
	snprintf(fam.id, sizeof(fam.id), "fam_1");
	snprintf(fam.client, sizeof(fam.client), "cli_1");
	snprintf(fam.user, sizeof(fam.user), "usr_1");
	snprintf(fam.scopes, sizeof(fam.scopes), "wks:read");
	fam.created = t;
	fam.expires = t + 86400;
	ok(st->ops->family_put(st, &fam, t, 60) == MCP_OK &&
	    st->ops->refresh_put(st, h, fam.id, "", "wks:read", t, t + 3600) ==
	    MCP_OK && st->ops->refresh_put(st, h2, fam.id, "", "wks:read", t,
	    t + 3600) == MCP_OK, "a family and two refresh tokens");
	ok(TAKE(h, "cli_2", t, 10) == MCP_ERR_PARAMS,
	    "another client's presentation: refused");
	ok(TAKE(h, "cli_1", t + 1, 10) == MCP_OK && again == 0 &&
	    strcmp(famid, "fam_1") == 0 && strcmp(sc, "wks:read") == 0,
	    "its client's first use (after another's refusal)");
	ok(TAKE(h, "cli_1", t + 11, 10) == MCP_OK && again == 1,
	    "again 10 s after the first use, within 10: given again");
	ok(TAKE(h, "cli_1", t + 11, 10) == MCP_ERR_CONFLICT &&
	    strcmp(famid, "fam_1") == 0, "a third time within the window: "
	    "a replay, its family named");
	ok(TAKE(h2, "cli_1", t, 0) == MCP_OK && TAKE(h2, "cli_1", t, 0) ==
	    MCP_ERR_CONFLICT, "with reuse 0, a second use in the same second "
	    "is a replay");
	ok(TAKE("ef", "cli_1", t, 10) == MCP_ERR_NOTFOUND,
	    "an unknown token: not found");

	/* Outside the window; a clock gone back. */
	ok(st->ops->refresh_put(st, "p1", fam.id, "", "wks:read", t, t +
	    3600) == MCP_OK && TAKE("p1", "cli_1", t + 100, 10) == MCP_OK &&
	    TAKE("p1", "cli_1", t + 111, 10) == MCP_ERR_CONFLICT,
	    "11 s after the first use: a replay");
	ok(st->ops->refresh_put(st, "p2", fam.id, "", "wks:read", t, t +
	    3600) == MCP_OK && TAKE("p2", "cli_1", t + 100, 10) == MCP_OK &&
	    TAKE("p2", "cli_1", t + 95, 10) == MCP_ERR_CONFLICT,
	    "presented with the clock 5 s behind its first use: a replay");

	/*
	 * A token taken twice in its window gave two pairs, c1 and c2 (as
	 * issue() stores them, with it as parent).  The client carries one
	 * on: its first use makes the other a replay.
	 */
	ok(st->ops->refresh_put(st, "c1", fam.id, "p3", "wks:read", t, t +
	    3600) == MCP_OK && st->ops->refresh_put(st, "c2", fam.id, "p3",
	    "wks:read", t, t + 3600) == MCP_OK && st->ops->refresh_put(st,
	    "x1", fam.id, "other", "wks:read", t, t + 3600) == MCP_OK,
	    "two pairs of one parent, and a token of another parent");
	ok(TAKE("c2", "cli_1", t + 50, 10) == MCP_OK && again == 0,
	    "the pair carried on: taken");
	ok(TAKE("c1", "cli_1", t + 51, 10) == MCP_ERR_CONFLICT,
	    "the other, presented after: a replay at once");
	ok(TAKE("x1", "cli_1", t + 52, 10) == MCP_OK,
	    "a token of another parent: untouched");
#undef TAKE
}

/* The size of path's WAL, in pages of 4096 bytes. */
static long
wal_pages(const char *path)
{
	struct stat	 sb;
	char		 wal[300];

	snprintf(wal, sizeof(wal), "%s-wal", path);
	return stat(wal, &sb) == 0 ? (long)(sb.st_size / 4096) : -1;
}

/*
 * The WAL is checkpointed whatever writes fill it: single statements
 * (an audit row alone), transactions of a thread's own, jobs of the
 * group commit.  Each commit adds a few pages; without checkpoints
 * these 6,000 commits would leave a WAL of many thousand pages.
 */
static struct mcp_store *
wal_store(const char *dir, const char *name, char *path, size_t pathsz)
{
	struct mcp_store	*st;
	char			 err[256];

	snprintf(path, pathsz, "%s/%s", dir, name);
	if ((st = mcp_store_open(path, err, sizeof(err))) == NULL)
		ok(0, "a store %s (%s)", name, err);
	return st;
}

static void
wal(const char *dir)
{
	struct mcp_store	*st;
	struct fields		 f;
	struct mcp_audit	 a;
	const struct mcp_audit	*pa = &a;
	struct mcp_family	 fam;
	struct mcp_workspace	 ws;
	struct mcp_environment	 env;
	struct mcp_org		 o;
	char			 path[160], h[32];
	int			 i, bad;

	if ((st = wal_store(dir, "wal1.db", path, sizeof(path))) == NULL)
		return;
	for (i = bad = 0; i < 2000; i++) {
		fill(&f, &a, i);
		bad += st->ops->audit_add(st, &pa, 1) != MCP_OK;
	}
	ok(bad == 0 && wal_pages(path) < 1500, "2,000 single-statement "
	    "writes: the WAL holds %ld pages", wal_pages(path));
	st->ops->close(st);

	if ((st = wal_store(dir, "wal2.db", path, sizeof(path))) == NULL)
		return;
	memset(&fam, 0, sizeof(fam));
	snprintf(fam.id, sizeof(fam.id), "fam_w");
	snprintf(fam.client, sizeof(fam.client), "cli_w");
	fam.expires = 1700000000 + 86400;
	bad = st->ops->family_put(st, &fam, 1700000000, 60) != MCP_OK;
	for (i = 0; i < 2000; i++) {
		snprintf(h, sizeof(h), "h%d", i);
		bad += st->ops->refresh_put(st, h, "fam_w", "", "", 1700000000,
		    1700003600) != MCP_OK;
	}
	ok(bad == 0 && wal_pages(path) < 1500, "2,000 transactions: the WAL "
	    "holds %ld pages", wal_pages(path));
	st->ops->close(st);

	if ((st = wal_store(dir, "wal3.db", path, sizeof(path))) == NULL)
		return;
	memset(&ws, 0, sizeof(ws));
	snprintf(ws.id, sizeof(ws.id), "wks_w");
	snprintf(ws.name, sizeof(ws.name), "w");
	memset(&env, 0, sizeof(env));
	snprintf(env.id, sizeof(env.id), "env_w");
	snprintf(env.workspace, sizeof(env.workspace), "wks_w");
	snprintf(env.name, sizeof(env.name), "w");
	snprintf(env.type, sizeof(env.type), "production");
	bad = st->ops->ws_put(st, &ws) != MCP_OK ||
	    st->ops->env_put(st, &env, 10) != MCP_OK;
	for (i = 0; i < 2000; i++) {
		memset(&o, 0, sizeof(o));
		snprintf(o.id, sizeof(o.id), "org_%d", i);
		snprintf(o.workspace, sizeof(o.workspace), "wks_w");
		snprintf(o.environment, sizeof(o.environment), "env_w");
		snprintf(o.name, sizeof(o.name), "o%d", i);
		snprintf(o.metadata, sizeof(o.metadata), "{}");
		bad += st->ops->org_put(st, &o, 100000) != MCP_OK;
	}
	ok(bad == 0 && wal_pages(path) < 1500, "2,000 group-commit jobs: the "
	    "WAL holds %ld pages", wal_pages(path));
	st->ops->close(st);
}

int
main(void)
{
	static struct fields	 f[ROWS];
	struct mcp_audit	 a[ROWS];
	const struct mcp_audit	*p[ROWS];
	struct mcp_store	*st;
	sqlite3			*db;
	char			 dir[] = "/tmp/mcp-unit-store.XXXXXX";
	char			 path[128], got[512], want[512], err[256];
	char			 side[160];
	struct stat		 sb;
	int			 i, bad = 0;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/mcp.db", dir);
	umask(022);
	st = mcp_store_open(path, err, sizeof(err));
	ok(st != NULL, "the store opens (%s)", st != NULL ? "" : err);
	if (st == NULL)
		return done();
	ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "the store file is 0600 under umask 022 (%o)",
	    (unsigned)(sb.st_mode & 07777));
	snprintf(side, sizeof(side), "%s-wal", path);
	ok(stat(side, &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "its -wal too (%o)", (unsigned)(sb.st_mode & 07777));
	snprintf(side, sizeof(side), "%s-shm", path);
	ok(stat(side, &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "its -shm too (%o)", (unsigned)(sb.st_mode & 07777));
	for (i = 0; i < ROWS; i++) {
		fill(&f[i], &a[i], i);
		p[i] = &a[i];
	}
	ok(st->ops->audit_add(st, p, ROWS) == MCP_OK,
	    "%d rows in one batch", ROWS);
	ok(st->ops->audit_add(st, p, 1) == MCP_OK, "one row alone");
	tasks(st);
	secrets(st);
	refresh(st);
	st->ops->close(st);
	wal(dir);

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	ok(count(db) == ROWS + 1, "every row is stored (%d)", count(db));
	for (i = 0; i < ROWS; i++) {
		stored(db, i, got, sizeof(got));
		snprintf(want, sizeof(want), "%lld|%s|%s|%s|%s|%s|%s|%s|%d|%lld"
		    "|%s", (long long)a[i].ts_ms, f[i].iss, f[i].sub,
		    f[i].client, f[i].method, f[i].tool, f[i].scopes,
		    f[i].outcome, a[i].status, (long long)a[i].latency_us,
		    f[i].workspace);
		if (strcmp(got, want) != 0 && bad++ == 0)
			printf("# row %d: got \"%s\", want \"%s\"\n", i, got,
			    want);
	}
	ok(bad == 0, "each row's columns are its own (%d rows differ)", bad);
	sqlite3_close(db);

	for (i = 0; i < 4; i++) {
		static const char *const names[] = { "mcp.db", "wal1.db",
		    "wal2.db", "wal3.db" };
		static const char *const sides[] = { "", "-wal", "-shm",
		    "-wlock" };
		size_t	 k;

		for (k = 0; k < 4; k++) {
			snprintf(path, sizeof(path), "%s/%s%s", dir, names[i],
			    sides[k]);
			unlink(path);
		}
	}
	ok(rmdir(dir) == 0, "nothing left behind");
	return done();
}
