/*
 * store_sqlite_group.c: group commit of a process's writers.
 *
 * SQLite lets one writer at a time into a database.  When the threads of
 * a process each run their own write transaction, the write lock (the
 * turnstile, then SQLite's) passes from thread to thread once per write,
 * and each pass wakes a thread that must then wait for a core: on a
 * loaded machine the passes, not the writes, bound the rate.
 *
 * So a write transaction can be given to the process's group as a job:
 * a function and its argument.  The first thread that finds no one
 * leading leads: it takes the turnstile, begins one transaction on the
 * group's writer connection (whose cache stays warm with what writers
 * touch), runs every job queued by then (up to GROUP_MAX, its own among
 * them), each inside a savepoint of its own, commits, gives the
 * turnstile, and wakes the jobs' threads with their outcomes.  Then,
 * its own job done, it leaves the lead to a waiting thread.  A job that
 * fails is undone alone (ROLLBACK TO its savepoint).  No job is reported
 * done before the COMMIT that keeps it returned; if the COMMIT fails,
 * every job it held gets MCP_ERR_STORE.  Alone, a writer runs its job in
 * a transaction of its own, as before.
 *
 * A job runs on whichever thread leads, on the writer connection: it
 * must use nothing of its own thread's but its argument.
 *
 * Groups are per process: a child made by fork() makes its own, with a
 * writer connection of its own, provided that no other thread of the
 * parent held a group's lock at the fork (there is no pthread_atfork();
 * the responders never fork), and it must not close a store it
 * inherited.  A database in memory is one connection's alone, so its
 * group is too, and that is its writer.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_sqlite.h"

/*
 * Jobs in one transaction at most: bounds how long one group holds the
 * turnstile against the other processes.
 */
#define GROUP_MAX	32

struct job {
	struct job	*next;
	sqlite_job_fn	 fn;
	void		*arg;
	enum mcp_err	 e;
	int		 done;
	pthread_cond_t	 cv;	/* its thread waits here, with mu */
};

/* What the leader runs around the jobs, prepared once on the writer. */
enum tx { TX_BEGIN, TX_SAVE, TX_RELEASE, TX_UNDO, TX_COMMIT, TX__MAX };
static const char *const tx_sql[TX__MAX] = {
	"BEGIN IMMEDIATE", "SAVEPOINT job", "RELEASE job", "ROLLBACK TO job",
	"COMMIT",
};

struct sqlite_group {
	struct sqlite_group	*next;		/* in the process's list */
	char			*path;
	pid_t			 pid;		/* the process that made it */
	int			 refs;
	int			 shared;	/* in the process's list */
	struct sqlite_lead	 w;		/* the writer, once opened */
	sqlite3_stmt		*tx[TX__MAX];	/* on w.db, when shared */
	sqlite_writer_fn	 open;		/* opens it */
	void			(*close)(void *);	/* closes w.self */
	pthread_mutex_t		 mu;		/* guards what follows */
	struct job		*head, **tail;	/* queued, first in first */
	int			 leading;	/* a thread leads */
	uint64_t		 njobs;		/* jobs committed, in all */
	uint64_t		 ncommits;	/* COMMITs that kept them */
};

static pthread_mutex_t		 groups_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sqlite_group	*groups;

static int
in_memory(const char *path)
{
	return strcmp(path, ":memory:") == 0 ||
	    strncmp(path, "file::memory:", 13) == 0 ||
	    (strncmp(path, "file:", 5) == 0 &&
	    strstr(path, "mode=memory") != NULL);
}

static struct sqlite_group *
group_new(const char *path, char *err, size_t errsz)
{
	struct sqlite_group	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->path = strdup(path)) == NULL) {
		free(g);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	g->pid = getpid();
	g->refs = 1;
	g->tail = &g->head;
	pthread_mutex_init(&g->mu, NULL);
	return g;
}

static void
group_free(struct sqlite_group *g)
{
	size_t	 i;

	for (i = 0; i < TX__MAX; i++)
		sqlite3_finalize(g->tx[i]);
	if (g->close != NULL && g->w.self != NULL)
		g->close(g->w.self);
	pthread_mutex_destroy(&g->mu);
	free(g->path);
	free(g);
}

struct sqlite_group *
sqlite_group_get(const char *path, const struct sqlite_lead *own,
    sqlite_writer_fn open, void (*close)(void *), char *err, size_t errsz)
{
	struct sqlite_group	*g;
	pid_t			 pid = getpid();

	if (in_memory(path)) {
		if ((g = group_new(path, err, errsz)) != NULL)
			g->w = *own;
		return g;
	}
	pthread_mutex_lock(&groups_mu);
	for (g = groups; g != NULL; g = g->next)
		if (g->pid == pid && strcmp(g->path, path) == 0) {
			g->refs++;
			break;
		}
	if (g == NULL && (g = group_new(path, err, errsz)) != NULL) {
		g->open = open;
		g->close = close;
		g->shared = 1;
		g->next = groups;
		groups = g;
	}
	pthread_mutex_unlock(&groups_mu);
	return g;
}

void
sqlite_group_put(struct sqlite_group *g)
{
	struct sqlite_group	**pp;

	if (g == NULL)
		return;
	if (!g->shared) {
		group_free(g);
		return;
	}
	pthread_mutex_lock(&groups_mu);
	if (--g->refs == 0) {
		for (pp = &groups; *pp != NULL; pp = &(*pp)->next)
			if (*pp == g) {
				*pp = g->next;
				break;
			}
		group_free(g);
	}
	pthread_mutex_unlock(&groups_mu);
}

static void
logerr(sqlite3 *db, const char *what)
{
	mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite %s: %s", what,
	    sqlite3_errmsg(db));
}

/*
 * Runs tx_sql[t] on the writer: an SQLite result code.  A group with a
 * writer of its own keeps the statements prepared (finalized before the
 * writer closes); one sharing its store's connection (in memory) runs
 * them as text, since that connection closes before the group goes.
 */
static int
tx(struct sqlite_group *g, enum tx t)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (!g->shared)
		return sqlite3_exec(g->w.db, tx_sql[t], NULL, NULL, NULL);
	if (g->tx[t] == NULL && (rc = sqlite3_prepare_v3(g->w.db, tx_sql[t],
	    -1, SQLITE_PREPARE_PERSISTENT, &g->tx[t], NULL)) != SQLITE_OK)
		return rc;
	st = g->tx[t];
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A batch that cannot run at all: every job a store error. */
static int
none(struct job *b)
{
	for (; b != NULL; b = b->next)
		b->e = MCP_ERR_STORE;
	return 0;
}

/*
 * Runs the batch in one transaction with the leader's means; sets each
 * job's outcome (not its done).  Returns the jobs committed.
 */
static int
batch(struct sqlite_group *g, struct job *b, int ms, const char *what)
{
	const struct sqlite_lead *me = &g->w;
	struct job	*j;
	int		 kept = 0, lost = 0;

	if (sqlite_wlock_take(me->wl, ms) == -1) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite %s: the writers' "
		    "turnstile stayed held for %d ms", what, ms);
		return none(b);
	}
	if (tx(g, TX_BEGIN) != SQLITE_OK) {
		logerr(me->db, what);
		lost = 1;
	}
	for (j = b; j != NULL; j = j->next) {
		if (lost || tx(g, TX_SAVE) != SQLITE_OK) {
			j->e = MCP_ERR_STORE;
			continue;
		}
		j->e = j->fn(me->self, j->arg);
		/*
		 * An error SQLite answers by rolling the whole transaction
		 * back (a full disk, an I/O error) took the others' with it.
		 */
		if (sqlite3_get_autocommit(me->db)) {
			mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite %s: the "
			    "transaction was rolled back (%s): its batch "
			    "fails", what, sqlite3_errmsg(me->db));
			lost = 1;
			j->e = MCP_ERR_STORE;
			continue;
		}
		if (j->e == MCP_OK && tx(g, TX_RELEASE) != SQLITE_OK) {
			logerr(me->db, what);
			j->e = MCP_ERR_STORE;
		}
		if (j->e != MCP_OK) {
			tx(g, TX_UNDO);
			tx(g, TX_RELEASE);
		} else
			kept++;
	}
	if (!lost && tx(g, TX_COMMIT) != SQLITE_OK) {
		logerr(me->db, what);
		lost = 1;
	}
	if (!sqlite3_get_autocommit(me->db))
		sqlite3_exec(me->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite_wlock_give(me->wl);
	if (lost)
		for (j = b; j != NULL; j = j->next)
			j->e = MCP_ERR_STORE;
	return lost ? 0 : kept;
}

/* Opens the writer on the first lead (a CGI request may write nothing). */
static int
writer(struct sqlite_group *g)
{
	char	 err[256];

	if (g->w.self != NULL)
		return 0;
	if (g->open(g->path, &g->w, err, sizeof(err)) == -1) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite writer: %s", err);
		return -1;
	}
	return 0;
}

enum mcp_err
sqlite_group_run(struct sqlite_group *g, sqlite_job_fn fn, void *arg, int ms,
    const char *what)
{
	const struct sqlite_lead *me = &g->w;
	struct job	 mine, *b, *j, **pp;
	int		 n, kept, opened;

	mine.next = NULL;
	mine.fn = fn;
	mine.arg = arg;
	mine.e = MCP_OK;
	mine.done = 0;
	pthread_cond_init(&mine.cv, NULL);
	pthread_mutex_lock(&g->mu);
	*g->tail = &mine;
	g->tail = &mine.next;
	while (!mine.done) {
		if (g->leading) {
			pthread_cond_wait(&mine.cv, &g->mu);
			continue;
		}
		/* Lead one batch: what is queued now, first in first. */
		g->leading = 1;
		b = g->head;
		for (n = 0, pp = &g->head; *pp != NULL && n < GROUP_MAX; n++)
			pp = &(*pp)->next;
		g->head = *pp;
		*pp = NULL;
		if (g->head == NULL)
			g->tail = &g->head;
		pthread_mutex_unlock(&g->mu);
		opened = writer(g) == 0;
		kept = opened ? batch(g, b, ms, what) : none(b);
		pthread_mutex_lock(&g->mu);
		if (kept > 0) {
			g->njobs += (uint64_t)kept;
			g->ncommits++;
		}
		/*
		 * The batch's threads told first, then the checkpoint; then
		 * the first queued job's thread leads.  Each is woken alone:
		 * on a busy machine a wake-up is a turn for a core.
		 */
		for (j = b; j != NULL; j = j->next) {
			j->done = 1;
			if (j != &mine)
				pthread_cond_signal(&j->cv);
		}
		if (opened) {
			/* Still leading: the writer connection is ours. */
			pthread_mutex_unlock(&g->mu);
			sqlite_checkpoint(me->db, me->ckpt);
			pthread_mutex_lock(&g->mu);
		}
		g->leading = 0;
		if (g->head != NULL)
			pthread_cond_signal(&g->head->cv);
	}
	pthread_mutex_unlock(&g->mu);
	pthread_cond_destroy(&mine.cv);
	return mine.e;
}

void
sqlite_group_stats(struct sqlite_group *g, uint64_t *jobs,
    uint64_t *commits)
{
	pthread_mutex_lock(&g->mu);
	*jobs = g->njobs;
	*commits = g->ncommits;
	pthread_mutex_unlock(&g->mu);
}
