/*
 * group.c: group commit of a process's writers (lib/store_sqlite_group.c).
 * Processes of threads adding to one counter through it lose no
 * acknowledged addition and keep none they did not acknowledge; under
 * contention jobs share COMMITs; a job that fails is undone alone; a
 * COMMIT that fails fails every job it held and keeps none of them; a
 * child made by fork() gets a group (and a writer) of its own; a
 * database in memory is its opener's alone.
 */
#include <sys/wait.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_sqlite.h"
#include "tap.h"

#define PROCS	3
#define THREADS	6
#define ROUNDS	400

static char	 store[256];

/* The writer the group opens: a connection and its turnstile. */
struct conn {
	sqlite3			*db;
	struct sqlite_wlock	 wl;
	int			 ckpt;
};

static int
conn_open(const char *path, struct conn *c)
{
	char	 err[256];

	memset(c, 0, sizeof(*c));
	return sqlite3_open(path, &c->db) == SQLITE_OK &&
	    sqlite3_exec(c->db, "PRAGMA journal_mode = WAL; PRAGMA "
	    "foreign_keys = ON", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite_wlock_open(&c->wl, path, 5000, err, sizeof(err)) == 0 ?
	    0 : -1;
}

static void
conn_close(void *self)
{
	struct conn	*c = self;

	sqlite3_close(c->db);
	sqlite_wlock_close(&c->wl);
	free(c);
}

static int writers;	/* writers opened in this process */

static int
writer_open(const char *path, struct sqlite_lead *w, char *err, size_t errsz)
{
	struct conn	*c;

	if ((c = malloc(sizeof(*c))) == NULL || conn_open(path, c) == -1) {
		snprintf(err, errsz, "cannot open %s", path);
		free(c);
		return -1;
	}
	writers++;
	*w = (struct sqlite_lead){ c->db, &c->wl, &c->ckpt, c };
	return 0;
}

static int
writer_fail(const char *path, struct sqlite_lead *w, char *err, size_t errsz)
{
	(void)path;
	(void)w;
	snprintf(err, errsz, "refused for the test");
	return -1;
}

static struct sqlite_group *
get(void)
{
	char	 err[256];

	return sqlite_group_get(store, NULL, writer_open, conn_close, err,
	    sizeof(err));
}

/* Runs sql (arg) on the leader's connection (self). */
static enum mcp_err
job_sql(void *self, void *arg)
{
	struct conn	*c = self;

	return sqlite3_exec(c->db, arg, NULL, NULL, NULL) == SQLITE_OK ?
	    MCP_OK : MCP_ERR_STORE;
}

/* Does sql, then fails: it must leave nothing behind. */
static enum mcp_err
job_fail(void *self, void *arg)
{
	(void)job_sql(self, arg);
	return MCP_ERR_PARAMS;
}

struct worker {
	struct sqlite_group	*g;
	int			 id;
	int			 acked;
	const char		*sql;	/* one job, or NULL: ROUNDS additions */
	enum mcp_err		 e;
	sqlite_job_fn		 fn;	/* for the one job: NULL, job_sql */
};

/* A read, then a write of the counter, and a row of its own. */
static void *
adder(void *arg)
{
	struct worker	*w = arg;
	char		 q[160];
	int		 i;

	if (w->sql != NULL) {
		w->e = sqlite_group_run(w->g, w->fn != NULL ? w->fn : job_sql,
		    (void *)w->sql, 5000, "one");
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++) {
		snprintf(q, sizeof(q), "UPDATE counter SET n = (SELECT n FROM "
		    "counter) + 1; INSERT INTO parts VALUES (%d, %d)", w->id,
		    i);
		if (sqlite_group_run(w->g, job_sql, q, 5000, "add") == MCP_OK)
			w->acked++;
	}
	return NULL;
}

/* THREADS adders on g; their acknowledged additions. */
static int
threads(struct sqlite_group *g, int base)
{
	struct worker	 w[THREADS];
	pthread_t	 t[THREADS];
	int		 i, acked = 0;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ g, base + i, 0, NULL, MCP_OK, NULL };
		pthread_create(&t[i], NULL, adder, &w[i]);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		acked += w[i].acked;
	}
	return acked;
}

static long
query(struct conn *c, const char *sql)
{
	sqlite3_stmt	*st;
	long		 v = -1;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Four jobs in one batch: the first leads, waiting on the turnstile the
 * test holds, the other three queue behind it and run as the next batch
 * (led by the second).  Checks each outcome and what the store kept.
 */
static void
batch_of(struct conn *c, struct sqlite_group *g, const char *name,
    const char *sql[4], sqlite_job_fn fn[4], enum mcp_err want[4],
    const char *q, const char *kept)
{
	struct worker	 w[4];
	pthread_t	 t[4];
	sqlite3_stmt	*st;
	char		 got[64] = "";
	int		 i, bad = 0;

	if (sqlite_wlock_take(&c->wl, 1000) == -1) {
		ok(0, "%s: the turnstile", name);
		return;
	}
	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ g, 0, 0, sql[i], MCP_OK, fn[i] };
		pthread_create(&t[i], NULL, adder, &w[i]);
		usleep(100000);		/* queued in this order */
	}
	sqlite_wlock_give(&c->wl);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += w[i].e != want[i];
	}
	if (sqlite3_prepare_v2(c->db, q, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0) != NULL)
			snprintf(got, sizeof(got), "%s",
			    sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	ok(bad == 0 && strcmp(got, kept) == 0, "%s: outcomes %d %d %d %d, "
	    "kept %s", name, w[0].e, w[1].e, w[2].e, w[3].e, got);
}

int
main(void)
{
	struct conn		 c, m;
	struct sqlite_group	*g, *g2;
	struct sqlite_lead	 own;
	struct worker		 w[2];
	pthread_t		 t[2];
	uint64_t		 jobs, commits;
	char			 dir[] = "/tmp/mcp-group.XXXXXX", err[256];
	int			 fds[2], i, acked, total = 0, bad = 0, st;
	pid_t			 pid[PROCS];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(store, sizeof(store), "%s/g.db", dir);
	ok(conn_open(store, &c) == 0 && sqlite3_exec(c.db,
	    "CREATE TABLE counter (n INTEGER);"
	    "INSERT INTO counter VALUES (0);"
	    "CREATE TABLE parts (w INTEGER, i INTEGER, PRIMARY KEY (w, i));"
	    "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
	    "CREATE TABLE child (id INTEGER, p INTEGER REFERENCES parent (id)"
	    "  DEFERRABLE INITIALLY DEFERRED)", NULL, NULL, NULL) == SQLITE_OK,
	    "a store");

	/* Processes of threads, each acknowledged job counted. */
	if (pipe(fds) == -1)
		return 1;
	for (i = 0; i < PROCS; i++)
		if ((pid[i] = fork()) == 0) {
			g = get();
			acked = g != NULL ? threads(g, i * THREADS) : 0;
			sqlite_group_put(g);
			_exit(write(fds[1], &acked, sizeof(acked)) ==
			    sizeof(acked) ? 0 : 1);
		}
	close(fds[1]);
	for (i = 0; i < PROCS; i++) {
		if (read(fds[0], &acked, sizeof(acked)) == sizeof(acked))
			total += acked;
		waitpid(pid[i], &st, 0);
		bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	close(fds[0]);
	ok(bad == 0 && total == PROCS * THREADS * ROUNDS, "%d processes of %d "
	    "threads: every job acknowledged (%d of %d)", PROCS, THREADS,
	    total, PROCS * THREADS * ROUNDS);
	ok(query(&c, "SELECT n FROM counter") == total &&
	    query(&c, "SELECT count(*) FROM parts") == total,
	    "the counter holds every acknowledged addition and no other "
	    "(%ld, %ld rows)", query(&c, "SELECT n FROM counter"),
	    query(&c, "SELECT count(*) FROM parts"));

	/* In one process: jobs share COMMITs under contention. */
	ok((g = get()) != NULL && writers == 0, "this process's group, its "
	    "writer not yet opened");
	acked = threads(g, 100);
	sqlite_group_stats(g, &jobs, &commits);
	ok(acked == THREADS * ROUNDS && jobs == (uint64_t)acked &&
	    commits < jobs && writers == 1, "%d threads: %llu jobs in %llu "
	    "COMMITs, on one writer", THREADS, (unsigned long long)jobs,
	    (unsigned long long)commits);
	ok(get() == g, "a second store of the file shares the group");
	sqlite_group_put(g);

	/* A job that fails is undone alone. */
	ok(sqlite_group_run(g, job_fail, (char *)"INSERT INTO parts VALUES (-1, 1)",
	    5000, "undo") == MCP_ERR_PARAMS && query(&c, "SELECT count(*) "
	    "FROM parts WHERE w = -1") == 0, "a failed job: its error, "
	    "nothing of it kept");

	/*
	 * A COMMIT that fails (a deferred rule broken): every job in it
	 * fails, none is kept.  The two jobs are queued while the test
	 * holds the turnstile, so that one leader takes both.
	 */
	ok(sqlite_wlock_take(&c.wl, 1000) == 0, "the turnstile held");
	w[0] = (struct worker){ g, 0, 0, "INSERT INTO parts VALUES (-2, 1)",
	    MCP_OK, NULL };
	w[1] = (struct worker){ g, 0, 0, "INSERT INTO child VALUES (1, 99)",
	    MCP_OK, NULL };
	pthread_create(&t[0], NULL, adder, &w[0]);
	usleep(100000);		/* the first leads, waiting on the turnstile */
	pthread_create(&t[1], NULL, adder, &w[1]);
	usleep(100000);		/* the second is queued behind it */
	sqlite_wlock_give(&c.wl);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	/* The first led alone (its batch was taken before the second came). */
	ok(w[0].e == MCP_OK && w[1].e == MCP_ERR_STORE &&
	    query(&c, "SELECT count(*) FROM child") == 0,
	    "a job whose COMMIT fails: a store error, nothing kept");
	ok(sqlite_wlock_take(&c.wl, 1000) == 0, "the turnstile held again");
	w[0].sql = "INSERT INTO parts VALUES (-3, 1)";
	w[1].sql = "INSERT INTO child VALUES (2, 99)";
	{
		struct worker	 lead = { g, 0, 0,
		    "INSERT INTO parts VALUES (-3, 0)", MCP_OK, NULL };
		pthread_t	 lt;

		pthread_create(&lt, NULL, adder, &lead);
		usleep(100000);	/* leading, waiting on the turnstile */
		pthread_create(&t[0], NULL, adder, &w[0]);
		pthread_create(&t[1], NULL, adder, &w[1]);
		usleep(100000);	/* both queued for the next batch */
		sqlite_wlock_give(&c.wl);
		pthread_join(lt, NULL);
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		ok(lead.e == MCP_OK && w[0].e == MCP_ERR_STORE &&
		    w[1].e == MCP_ERR_STORE, "two jobs in one batch whose "
		    "COMMIT fails: both a store error");
	}
	ok(query(&c, "SELECT count(*) FROM parts WHERE w = -3 AND i = 1") ==
	    0 && query(&c, "SELECT count(*) FROM parts WHERE w = -3 AND "
	    "i = 0") == 1 && query(&c, "SELECT count(*) FROM child") == 0,
	    "the batch before it kept; neither of the failed batch's jobs");
	ok(sqlite_group_run(g, job_sql, (char *)"INSERT INTO parts VALUES (-4, 1)",
	    5000, "after") == MCP_OK && query(&c, "SELECT count(*) FROM parts "
	    "WHERE w = -4") == 1, "the next job commits");

	/*
	 * Batches of several: a job that fails is undone alone (the jobs
	 * before and after it kept); one that ends the whole transaction
	 * (SQLite's answer to a full disk, here a ROLLBACK) fails its
	 * batch, nothing of it kept.
	 */
	batch_of(&c, g, "a failing job among three good ones",
	    (const char *[]){ "INSERT INTO parts VALUES (-6, 1)",
	    "INSERT INTO parts VALUES (-6, 2)", "INSERT INTO parts VALUES "
	    "(-6, 3)", "INSERT INTO parts VALUES (-6, 4)" },
	    (sqlite_job_fn[]){ job_sql, job_sql, job_fail, job_sql },
	    (enum mcp_err[]){ MCP_OK, MCP_OK, MCP_ERR_PARAMS, MCP_OK },
	    "SELECT group_concat(i) FROM (SELECT i FROM parts WHERE w = -6 "
	    "ORDER BY i)", "1,2,4");
	batch_of(&c, g, "a job that ends the transaction",
	    (const char *[]){ "INSERT INTO parts VALUES (-7, 1)",
	    "INSERT INTO parts VALUES (-7, 2)", "ROLLBACK",
	    "INSERT INTO parts VALUES (-7, 4)" },
	    (sqlite_job_fn[]){ job_sql, job_sql, job_sql, job_sql },
	    (enum mcp_err[]){ MCP_OK, MCP_ERR_STORE, MCP_ERR_STORE,
	    MCP_ERR_STORE },
	    "SELECT count(*) || '' FROM parts WHERE w = -7 AND i > 1", "0");

	/* A writer that cannot be opened: a store error, no crash. */
	g2 = sqlite_group_get(store, NULL, writer_fail, conn_close, err,
	    sizeof(err));
	ok(g2 != NULL && g2 == g, "the process's group");
	{
		char	 path2[300];

		snprintf(path2, sizeof(path2), "%s/other.db", dir);
		g2 = sqlite_group_get(path2, NULL, writer_fail, conn_close,
		    err, sizeof(err));
		ok(g2 != NULL && sqlite_group_run(g2, job_sql, (char *)"SELECT 1",
		    5000, "nowriter") == MCP_ERR_STORE && sqlite_group_run(g2,
		    job_sql, (char *)"SELECT 1", 5000, "nowriter") ==
		    MCP_ERR_STORE, "a writer that cannot be opened: each job "
		    "a store error, and the next tries again");
		sqlite_group_put(g2);
	}
	sqlite_group_put(g);

	/* A child of fork() makes its own group and writer. */
	if ((pid[0] = fork()) == 0) {
		writers = 0;
		g2 = get();
		_exit(g2 != NULL && g2 != g && sqlite_group_run(g2, job_sql, (char *)
		    "INSERT INTO parts VALUES (-5, 1)", 5000, "child") ==
		    MCP_OK && writers == 1 ? 0 : 1);
	}
	waitpid(pid[0], &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && query(&c, "SELECT "
	    "count(*) FROM parts WHERE w = -5") == 1, "a child of fork() "
	    "writes through a group and writer of its own");
	sqlite_group_put(g);

	/* In memory: the opener's own connection is the writer. */
	ok(sqlite3_open(":memory:", &m.db) == SQLITE_OK && sqlite3_exec(m.db,
	    "CREATE TABLE x (v)", NULL, NULL, NULL) == SQLITE_OK,
	    "a database in memory");
	memset(&m.wl, 0, sizeof(m.wl));
	m.ckpt = 0;
	own = (struct sqlite_lead){ m.db, &m.wl, &m.ckpt, &m };
	g = sqlite_group_get(":memory:", &own, writer_open, conn_close, err,
	    sizeof(err));
	g2 = sqlite_group_get(":memory:", &own, writer_open, conn_close, err,
	    sizeof(err));
	ok(g != NULL && g2 != NULL && g != g2 && sqlite_group_run(g,
	    job_sql, (char *)"INSERT INTO x VALUES (1)", 5000, "mem") ==
	    MCP_OK && query(&m, "SELECT count(*) FROM x") == 1,
	    "each opener its own "
	    "group, on its own connection");
	sqlite_group_put(g);
	sqlite_group_put(g2);
	sqlite3_close(m.db);
	sqlite3_close(c.db);
	sqlite_wlock_close(&c.wl);
	{
		static const char *const sides[] = { "", "-wal", "-shm",
		    "-wlock" };
		char	 f[300];

		for (i = 0; i < 4; i++) {
			snprintf(f, sizeof(f), "%s%s", store, sides[i]);
			unlink(f);
		}
	}
	ok(rmdir(dir) == 0, "nothing left behind");
	return done();
}
