/*
 * store_pg.h: what the PostgreSQL store's files share (private to
 * lib/store_pg*.c).  store_pg.c connects, migrates and holds the
 * helpers below; each store_pg_<area>.c holds one area's operations and
 * is listed in the ops table of store_pg.c.
 *
 * Statements are static strings with $1, $2, ... parameters, always
 * bound as text, never formatted into SQL.  pg_run() prepares each once
 * per connection, keyed on the string's address.
 *
 * Consistency: a single statement runs on its own (READ COMMITTED).
 * Anything that reads and then writes, or writes twice, runs in
 * pg_tx(), which is SERIALIZABLE and runs the function again when
 * PostgreSQL reports a serialization failure or a deadlock, so that
 * every bound and rule of store.h holds as it does on SQLite, where
 * writers take turns.
 *
 * Connection loss: pg_run() outside a transaction reconnects first when
 * the connection is known bad, and runs a statement that reads (begins
 * with SELECT) once more after a reconnect.  pg_tx() runs the whole
 * transaction again when the connection was lost before COMMIT was sent
 * (nothing of it was kept).  What is left is MCP_ERR_STORE: the caller
 * answers 503 with Retry-After, and nothing was half-written.
 */
#ifndef MCP_STORE_PG_H
#define MCP_STORE_PG_H

#include <libpq-fe.h>

#include "extern.h"

#define PG_ARGS_MAX	32
#define PG_STMT_MAX	256	/* statements prepared per connection */

/* The parameters of one statement; integers are kept as text here. */
struct pg_args {
	int		 n;
	const char	*v[PG_ARGS_MAX];
	char		 num[PG_ARGS_MAX][24];
};
/* Appends a text parameter; NULL is SQL NULL. */
void		 pg_text(struct pg_args *, const char *);
void		 pg_int(struct pg_args *, int64_t);
/* Appends raw bytes as a bytea parameter, hex encoded into hexbuf. */
void		 pg_bytes(struct pg_args *, const unsigned char *, size_t,
		    char *hexbuf, size_t hexsz);
/* The same text form of raw bytes, malloc'd (NULL: out of memory). */
char		*pg_bytea(const unsigned char *, size_t);

/*
 * Runs sql with a (NULL: no parameters).  With res, the result is the
 * caller's (PQclear()); without, it is dropped.  MCP_OK;
 * MCP_ERR_CONFLICT on a unique violation (SQLSTATE 23505), with
 * nothing changed; MCP_ERR_STORE otherwise, logged with what.  Inside
 * pg_tx(), a serialization failure or deadlock makes the transaction
 * run again (the caller only returns the error).
 */
enum mcp_err	 pg_run(struct mcp_store *, const char *sql,
		    const struct pg_args *, PGresult **res, const char *what);
/* Rows changed by the command of res (UPDATE, DELETE, INSERT). */
int64_t		 pg_changed(PGresult *);

/*
 * Runs fn(self, arg) in one SERIALIZABLE transaction: committed when fn
 * returns MCP_OK, else rolled back and fn's error returned.  fn may run
 * more than once (see above), so it must not keep state across runs
 * but in arg, reset at its start.  Not nested.
 */
typedef enum mcp_err	(*pg_tx_fn)(struct mcp_store *, void *);
enum mcp_err	 pg_tx(struct mcp_store *, pg_tx_fn, void *,
		    const char *what);
/*
 * The same in a READ COMMITTED transaction, for a writer that takes the
 * row locks its rule needs itself (SELECT ... FOR UPDATE): concurrent
 * writers then queue on the lock instead of failing and running again.
 * Each statement sees what was committed before it began; a row locked
 * FOR UPDATE is read as last committed.  A deadlock still makes fn run
 * again.
 */
enum mcp_err	 pg_tx_rc(struct mcp_store *, pg_tx_fn, void *,
		    const char *what);
/*
 * In a pg_tx_rc() transaction, as its first statement: waits for the
 * writers of name (a table whose rule counts the whole of it) to be
 * done, so that they take turns as on SQLite, without the retries of
 * SERIALIZABLE, whose reads of a whole table conflict with every
 * concurrent writer's.  Held until the transaction ends.
 */
enum mcp_err	 pg_turn(struct mcp_store *, const char *name);

/* Column col of row as text into dst ("" for NULL), cut to sz - 1. */
void		 pg_copy(PGresult *, int row, int col, char *dst, size_t sz);
/* Column col of row as an integer (0 for NULL). */
int64_t		 pg_int_at(PGresult *, int row, int col);
/* Column col of row, malloc'd (NULL for NULL; NULL with *oom set). */
char		*pg_dup(PGresult *, int row, int col, int *oom);

/* The connection, for LISTEN/NOTIFY (store_pg_events.c). */
PGconn		*pg_conn(struct mcp_store *);

/* Sessions, pending answers, cancellations, notices (store_pg_session.c). */
enum mcp_err	 pg_session_put(struct mcp_store *, const struct mcp_session *,
		    int, int *);
enum mcp_err	 pg_session_get(struct mcp_store *, const char *, int64_t,
		    struct mcp_session *);
enum mcp_err	 pg_session_touch(struct mcp_store *, const char *, int64_t);
enum mcp_err	 pg_session_level(struct mcp_store *, const char *, int);
enum mcp_err	 pg_session_init(struct mcp_store *, const char *,
		    const char *, const char *);
enum mcp_err	 pg_session_delete(struct mcp_store *, const char *);
enum mcp_err	 pg_session_expire(struct mcp_store *, int64_t);
enum mcp_err	 pg_pending_add(struct mcp_store *, const char *,
		    const char *, int64_t);
enum mcp_err	 pg_pending_answer(struct mcp_store *, const char *,
		    const char *, const char *);
enum mcp_err	 pg_pending_take(struct mcp_store *, const char *,
		    const char *, char **);
enum mcp_err	 pg_pending_drop(struct mcp_store *, const char *,
		    const char *);
enum mcp_err	 pg_cancel_add(struct mcp_store *, const char *, const char *,
		    int64_t, int64_t);
int		 pg_cancelled(struct mcp_store *, const char *, const char *);
enum mcp_err	 pg_subscribe(struct mcp_store *, const char *, const char *,
		    const char *, int);
enum mcp_err	 pg_notice_add(struct mcp_store *, const char *, const char *,
		    const char *, int64_t);
enum mcp_err	 pg_notice_take(struct mcp_store *, const char *,
		    struct mcp_notice **, size_t *);

/* SSE streams, events and wake-ups (store_pg_events.c). */
enum mcp_err	 pg_stream_open(struct mcp_store *, const char *,
		    const char *, int64_t);
enum mcp_err	 pg_event_add(struct mcp_store *, const char *,
		    const char *, int, int64_t, int64_t *);
enum mcp_err	 pg_stream_get(struct mcp_store *, const char *,
		    char[MCP_SESSION_ID_LEN + 1], int64_t *, int64_t *, int *);
enum mcp_err	 pg_event_replay(struct mcp_store *, const char *,
		    int64_t, int, mcp_event_cb, void *);
enum mcp_err	 pg_event_scan(struct mcp_store *, int64_t, int,
		    mcp_event_cb, void *);
enum mcp_err	 pg_event_top(struct mcp_store *, int64_t *);
enum mcp_err	 pg_listener_claim(struct mcp_store *, const char *,
		    const char *, const char *, int64_t, int64_t, int);
enum mcp_err	 pg_listener_beat(struct mcp_store *, const char *,
		    const char *, int64_t);
enum mcp_err	 pg_listener_close(struct mcp_store *, const char *,
		    const char *, int64_t);
/*
 * What every transaction adding events (event_add, stream_open,
 * notice_add) does, inside pg_tx(): pg_events_turn() as its first
 * statement (one event writer at a time, at READ COMMITTED, so that ids
 * become visible in their order: store_pg_events.c says why), then
 * after each event it adds pg_event_bound() (the bounds SQLite's
 * trigger events_bound keeps), and pg_events_notify() when the events
 * should wake the streams of other processes (delivered at commit).
 */
enum mcp_err	 pg_events_turn(struct mcp_store *);
enum mcp_err	 pg_event_bound(struct mcp_store *, const char *stream,
		    const char *sid, int64_t now);
enum mcp_err	 pg_events_notify(struct mcp_store *);
/* LISTEN mcp_events (store_pg.c): event_add() must NOTIFY mcp_events. */
int		 pg_events_fd(struct mcp_store *);
void		 pg_events_woken(struct mcp_store *);

/* Revocations, operator's clients, failures, keys (store_pg_auth.c). */
enum mcp_err	 pg_revoked_clients(struct mcp_store *, char ***, size_t *);
enum mcp_err	 pg_client_put(struct mcp_store *, const struct mcp_client *);
enum mcp_err	 pg_client_get(struct mcp_store *, const char *,
		    struct mcp_client *);
enum mcp_err	 pg_client_list(struct mcp_store *, mcp_client_cb, void *);
enum mcp_err	 pg_fail_add(struct mcp_store *, const char *, const char *,
		    int64_t, int);
enum mcp_err	 pg_fail_count(struct mcp_store *, const char *, const char *,
		    int64_t, int, int *, int64_t *);
enum mcp_err	 pg_key_put(struct mcp_store *, const struct mcp_signkey *);
enum mcp_err	 pg_key_list(struct mcp_store *, mcp_signkey_cb, void *);
enum mcp_err	 pg_key_delete(struct mcp_store *, const char *);
enum mcp_err	 pg_secret(struct mcp_store *, const char *,
		    unsigned char[MCP_SECRET_LEN]);

/* The authorization server for people (store_pg_as.c). */
enum mcp_err	 pg_client_register(struct mcp_store *,
		    const struct mcp_client *, int64_t);
enum mcp_err	 pg_regtoken_put(struct mcp_store *, const char *,
		    const char *, int64_t, int64_t, int);
enum mcp_err	 pg_regtoken_use(struct mcp_store *, const char *, int64_t,
		    int);
enum mcp_err	 pg_client_used(struct mcp_store *, const char *, int64_t);
enum mcp_err	 pg_code_put(struct mcp_store *, const struct mcp_code *);
enum mcp_err	 pg_code_take(struct mcp_store *, const char *, const char *,
		    int64_t, struct mcp_code *);
enum mcp_err	 pg_family_put(struct mcp_store *, const struct mcp_family *,
		    int64_t, int);
enum mcp_err	 pg_family_get(struct mcp_store *, const char *,
		    struct mcp_family *);
enum mcp_err	 pg_family_revoke(struct mcp_store *, const char *,
		    const char *, const char *, int64_t);
enum mcp_err	 pg_refresh_put(struct mcp_store *, const char *,
		    const char *, const char *, const char *, int64_t,
		    int64_t);
enum mcp_err	 pg_refresh_take(struct mcp_store *, const char *,
		    const char *, int64_t, int64_t, char[40], char[1024],
		    int *);
enum mcp_err	 pg_user_put(struct mcp_store *, const struct mcp_user *);
enum mcp_err	 pg_user_get(struct mcp_store *, const char *, int,
		    struct mcp_user *);
enum mcp_err	 pg_user_list(struct mcp_store *, mcp_user_cb, void *);
enum mcp_err	 pg_websess_put(struct mcp_store *, const char *,
		    const char *, int64_t, int64_t);
enum mcp_err	 pg_websess_get(struct mcp_store *, const char *, int64_t,
		    char[24]);
enum mcp_err	 pg_grant_put(struct mcp_store *, const char *, const char *,
		    const char *, int64_t);
enum mcp_err	 pg_grant_list(struct mcp_store *, const char *,
		    mcp_grant_cb, void *);
enum mcp_err	 pg_grant_revoke(struct mcp_store *, const char *,
		    const char *, int64_t);

/* Audit, the reference application's objects, tasks (store_pg_data.c). */
enum mcp_err	 pg_audit_add(struct mcp_store *,
		    const struct mcp_audit *const *, size_t);
enum mcp_err	 pg_audit_anon_add(struct mcp_store *,
		    const struct mcp_audit *const *, size_t);
enum mcp_err	 pg_audit_summary(struct mcp_store *, int64_t, mcp_audit_cb,
		    void *);
enum mcp_err	 pg_audit_refused(struct mcp_store *, int64_t, mcp_audit_cb,
		    void *);
enum mcp_err	 pg_audit_prune(struct mcp_store *, int64_t, int64_t *);
enum mcp_err	 pg_audit_usage(struct mcp_store *,
		    const struct mcp_usage_query *, mcp_usage_cb, void *);
enum mcp_err	 pg_ws_put(struct mcp_store *, const struct mcp_workspace *);
enum mcp_err	 pg_ws_get(struct mcp_store *, const char *,
		    struct mcp_workspace *);
enum mcp_err	 pg_ws_rename(struct mcp_store *, const char *, const char *,
		    int64_t);
enum mcp_err	 pg_env_list(struct mcp_store *, const char *,
		    const struct mcp_page *, mcp_env_cb, void *);
enum mcp_err	 pg_env_get(struct mcp_store *, const char *, const char *,
		    struct mcp_environment *);
enum mcp_err	 pg_env_put(struct mcp_store *, const struct mcp_environment *,
		    int64_t);
enum mcp_err	 pg_env_update(struct mcp_store *,
		    const struct mcp_environment *);
enum mcp_err	 pg_env_delete(struct mcp_store *, const char *, const char *,
		    int, int64_t *);
enum mcp_err	 pg_org_list(struct mcp_store *, const char *,
		    const struct mcp_org_query *, mcp_org_cb, void *);
enum mcp_err	 pg_org_get(struct mcp_store *, const char *, const char *,
		    struct mcp_org *);
enum mcp_err	 pg_org_put(struct mcp_store *, const struct mcp_org *,
		    int64_t);
enum mcp_err	 pg_org_put_many(struct mcp_store *, const struct mcp_org *,
		    size_t, int64_t, enum mcp_err *);
enum mcp_err	 pg_org_update(struct mcp_store *, const struct mcp_org *);
enum mcp_err	 pg_org_delete(struct mcp_store *, const char *,
		    const char *);
enum mcp_err	 pg_tpl_list(struct mcp_store *, const char *,
		    const struct mcp_page *, mcp_tpl_cb, void *);
enum mcp_err	 pg_tpl_get(struct mcp_store *, const char *, const char *,
		    struct mcp_template *);
enum mcp_err	 pg_tpl_put(struct mcp_store *, const struct mcp_template *,
		    int64_t);
enum mcp_err	 pg_task_put(struct mcp_store *, const struct mcp_task *, int);
enum mcp_err	 pg_task_get(struct mcp_store *, const char *, const char *,
		    const char *, int64_t, struct mcp_task *);
enum mcp_err	 pg_task_edit(struct mcp_store *, const char *, const char *,
		    const char *, int64_t, mcp_task_fn, void *);

#endif /* MCP_STORE_PG_H */
