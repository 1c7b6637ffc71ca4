/*
 * store_sqlite.h: what the embedded store's files share (private to
 * lib/store_sqlite*.c).  store_sqlite.c opens the database, migrates it
 * and holds the core operations; each store_sqlite_<area>.c holds one
 * area's operations and statements and is listed in the ops table of
 * store_sqlite.c.
 *
 * Statements of an area file are static strings prepared once per
 * connection by sqlite_prep(), which keys its cache on the string's
 * address; they are reset (and their bindings cleared) by sqlite_done().
 */
#ifndef MCP_STORE_SQLITE_H
#define MCP_STORE_SQLITE_H

#include <sqlite3.h>

#include "extern.h"

#define SQLITE_XSTMT_MAX	128	/* area statements per connection */

/*
 * The writers' turnstile (store_sqlite_wlock.c): one process-shared mutex
 * in STORE-wlock that every write transaction takes first, so that
 * writers wait in the kernel rather than in SQLite's busy sleeps.  Each
 * connection has its own; all but sh belong to its thread.
 */
struct sqlite_wlock {
	struct shared	*sh;		/* the mapped file; NULL: none */
	int		 held;		/* this connection holds it */
	int		 busy_ms;	/* the busy handler's budget */
	int64_t		 busy_since;	/* when the current wait began */
};
/*
 * Maps STORE-wlock (made 0600, laid out once); busy_ms bounds the busy
 * handler's waits.  0, or -1 with err.
 */
int		 sqlite_wlock_open(struct sqlite_wlock *, const char *store,
		    int busy_ms, char *err, size_t errsz);
void		 sqlite_wlock_close(struct sqlite_wlock *);
/* Takes it within ms; -1 when that passed (or it is held already). */
int		 sqlite_wlock_take(struct sqlite_wlock *, int ms);
void		 sqlite_wlock_give(struct sqlite_wlock *);
/* SQLite's busy handler (sqlite3_busy_handler's), arg the wlock. */
int		 sqlite_wlock_busy(void *, int);

/*
 * Group commit (store_sqlite_group.c): a write transaction given as a
 * job, run by whichever of the process's threads leads, in one
 * transaction with the other jobs queued by then, each in a savepoint
 * of its own.  A job is called with the leading thread's self (its
 * struct mcp_store) and its own arg, in the transaction; it returns
 * MCP_OK to keep what it did, anything else to undo it.
 *
 * sqlite_group_get() gives the process's group of path (NULL with err).
 * The first get of a process makes it; its writer connection is made
 * by open() when it first leads, and ended by close() with the group.
 * For a database in memory the group is the caller's own, and own its
 * writer.  sqlite_group_put() lets go of
 * it.  sqlite_group_run() queues the job and returns once it is
 * committed or undone: its result, or MCP_ERR_STORE when the
 * transaction could not be had within ms or not committed.
 */
typedef enum mcp_err	(*sqlite_job_fn)(void *self, void *arg);
struct sqlite_lead {
	sqlite3			*db;
	struct sqlite_wlock	*wl;
	int			*ckpt;	/* see sqlite_checkpoint() */
	void			*self;
};
typedef int		(*sqlite_writer_fn)(const char *path,
			    struct sqlite_lead *, char *err, size_t errsz);
struct sqlite_group;
struct sqlite_group	*sqlite_group_get(const char *path,
			    const struct sqlite_lead *own, sqlite_writer_fn open,
			    void (*close)(void *), char *err, size_t errsz);
void			 sqlite_group_put(struct sqlite_group *);
enum mcp_err		 sqlite_group_run(struct sqlite_group *, sqlite_job_fn,
			    void *arg, int ms, const char *what);
/* The jobs committed so far, and the COMMITs that kept them. */
void			 sqlite_group_stats(struct sqlite_group *,
			    uint64_t *jobs, uint64_t *commits);

/*
 * A passive checkpoint of the WAL when *due (set by the connection's WAL
 * hook when a commit left it long), run after the turnstile is given.
 */
void		 sqlite_checkpoint(sqlite3 *, int *due);

/* Prepared once per connection; NULL (logged) when it cannot be. */
sqlite3_stmt	*sqlite_prep(struct mcp_store *, const char *sql);
void		 sqlite_done(sqlite3_stmt *);
/* Steps a statement that returns no rows; MCP_OK or MCP_ERR_STORE. */
enum mcp_err	 sqlite_exec(struct mcp_store *, sqlite3_stmt *);
/* Logs the connection's last error with what; MCP_ERR_STORE. */
enum mcp_err	 sqlite_error(struct mcp_store *, const char *what);
/* BEGIN IMMEDIATE: the write lock now, not at the first write. */
enum mcp_err	 sqlite_tx_begin(struct mcp_store *, const char *what);
/* Commits when e is MCP_OK, else rolls back; returns the outcome. */
enum mcp_err	 sqlite_tx_end(struct mcp_store *, enum mcp_err e,
		    const char *what);
/* Column col as text into dst ("" for NULL), cut to sz - 1 bytes. */
void		 sqlite_copy_col(sqlite3_stmt *, int col, char *dst,
		    size_t sz);
/* Rows changed by the connection's last statement. */
int		 sqlite_changes(struct mcp_store *);

/* The authorization server's people (store_sqlite_as.c); see store.h. */
enum mcp_err	 sqlite_client_register(struct mcp_store *,
		    const struct mcp_client *, int64_t);
enum mcp_err	 sqlite_code_put(struct mcp_store *, const struct mcp_code *);
enum mcp_err	 sqlite_code_take(struct mcp_store *, const char *,
		    const char *, int64_t, struct mcp_code *);
enum mcp_err	 sqlite_client_used(struct mcp_store *, const char *, int64_t);
enum mcp_err	 sqlite_regtoken_put(struct mcp_store *, const char *,
		    const char *, int64_t, int64_t, int);
enum mcp_err	 sqlite_regtoken_use(struct mcp_store *, const char *, int64_t,
		    int);
enum mcp_err	 sqlite_family_put(struct mcp_store *,
		    const struct mcp_family *, int64_t, int);
enum mcp_err	 sqlite_family_get(struct mcp_store *, const char *,
		    struct mcp_family *);
enum mcp_err	 sqlite_family_revoke(struct mcp_store *, const char *,
		    const char *, const char *, int64_t);
enum mcp_err	 sqlite_refresh_put(struct mcp_store *, const char *,
		    const char *, const char *, const char *, int64_t,
		    int64_t);
enum mcp_err	 sqlite_refresh_take(struct mcp_store *, const char *,
		    const char *, int64_t, int64_t, char[40], char[1024],
		    int *);
enum mcp_err	 sqlite_user_put(struct mcp_store *, const struct mcp_user *);
enum mcp_err	 sqlite_user_get(struct mcp_store *, const char *, int,
		    struct mcp_user *);
enum mcp_err	 sqlite_user_list(struct mcp_store *, mcp_user_cb, void *);
enum mcp_err	 sqlite_websess_put(struct mcp_store *, const char *,
		    const char *, int64_t, int64_t);
enum mcp_err	 sqlite_websess_get(struct mcp_store *, const char *,
		    int64_t, char[24]);
enum mcp_err	 sqlite_grant_put(struct mcp_store *, const char *,
		    const char *, const char *, int64_t);
enum mcp_err	 sqlite_grant_list(struct mcp_store *, const char *,
		    mcp_grant_cb, void *);
enum mcp_err	 sqlite_grant_revoke(struct mcp_store *, const char *,
		    const char *, int64_t);

/* Tasks (store_sqlite_tasks.c); see store.h. */
enum mcp_err	 sqlite_task_put(struct mcp_store *, const struct mcp_task *,
		    int);
enum mcp_err	 sqlite_task_get(struct mcp_store *, const char *,
		    const char *, const char *, int64_t, struct mcp_task *);
enum mcp_err	 sqlite_task_edit(struct mcp_store *, const char *,
		    const char *, const char *, int64_t, mcp_task_fn, void *);

/* The server's own keys (store_sqlite_secret.c); see store.h. */
enum mcp_err	 sqlite_secret(struct mcp_store *, const char *,
		    unsigned char[MCP_SECRET_LEN]);

/* SSE streams and events (store_sqlite_events.c); see store.h. */
enum mcp_err	 sqlite_stream_open(struct mcp_store *, const char *,
		    const char *, int64_t);
enum mcp_err	 sqlite_event_add(struct mcp_store *, const char *,
		    const char *, int, int64_t, int64_t *);
enum mcp_err	 sqlite_stream_get(struct mcp_store *, const char *,
		    char[MCP_SESSION_ID_LEN + 1], int64_t *, int64_t *, int *);
enum mcp_err	 sqlite_event_replay(struct mcp_store *, const char *,
		    int64_t, int, mcp_event_cb, void *);
enum mcp_err	 sqlite_event_scan(struct mcp_store *, int64_t, int,
		    mcp_event_cb, void *);
enum mcp_err	 sqlite_event_top(struct mcp_store *, int64_t *);
enum mcp_err	 sqlite_listener_claim(struct mcp_store *, const char *,
		    const char *, const char *, int64_t, int64_t, int);
enum mcp_err	 sqlite_listener_beat(struct mcp_store *, const char *,
		    const char *, int64_t);
enum mcp_err	 sqlite_listener_close(struct mcp_store *, const char *,
		    const char *, int64_t);

#endif /* MCP_STORE_SQLITE_H */
