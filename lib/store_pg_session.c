/*
 * store_pg_session.c: sessions on PostgreSQL, and what hangs off them:
 * answers to server-to-client requests, cancellations, subscriptions
 * and change notices.  The semantics are store_sqlite.c's, statement
 * for statement.  What SQLite gets from writers taking turns (an
 * owner's eviction, a session's subscription bound, a cancellation's
 * trims, a notice's events and their bounds) runs here in one pg_tx(),
 * so that it holds with writers on several hosts.  A session goes with
 * what hangs off it by the schema's ON DELETE CASCADE (its streams, and
 * their events with them), as on SQLite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg.h"

/* ord: the owner's sessions in the order they were made. */
static const char sess_put_sql[] =
    "INSERT INTO sessions (id, version, owner, log_level, caps, created, "
    "seen, ord, legacy) VALUES ($1, $2, $3, $4, $5, $6, $6, CASE WHEN "
    "$3 = '' THEN 0 ELSE (SELECT coalesce(max(ord), 0) + 1 FROM sessions "
    "WHERE owner = $3) END, $7)";
/*
 * Keeps the new session $2 and the owner's $3 - 1 most recently seen
 * (to within transport.c's TOUCH_EVERY; made later first).
 */
static const char sess_evict_sql[] =
    "DELETE FROM sessions WHERE owner = $1 AND id IN (SELECT id FROM "
    "sessions WHERE owner = $1 ORDER BY id = $2 DESC, seen DESC, "
    "ord DESC OFFSET $3)";
static const char sess_get_sql[] =
    "SELECT version, owner, log_level, caps, created, seen, "
    "(EXISTS (SELECT 1 FROM subscriptions WHERE session = $1))::int, "
    "(EXISTS (SELECT 1 FROM notices WHERE session = $1))::int, "
    "listener, listener_open, listener_seen, legacy "
    "FROM sessions WHERE id = $1 AND seen >= $2";
static const char sess_touch_sql[] =
    "UPDATE sessions SET seen = $2 WHERE id = $1";
static const char sess_level_sql[] =
    "UPDATE sessions SET log_level = $2 WHERE id = $1";
static const char sess_init_sql[] =
    "UPDATE sessions SET version = $2, caps = $3 WHERE id = $1";
static const char sess_del_sql[] =
    "DELETE FROM sessions WHERE id = $1";
static const char sess_expire_sql[] =
    "DELETE FROM sessions WHERE seen < $1";

static const char pend_add_sql[] =
    "INSERT INTO pending (session, rid, created, answer) VALUES ($1, $2, "
    "$3, NULL) ON CONFLICT (session, rid) DO UPDATE SET created = "
    "excluded.created, answer = NULL";
static const char pend_answer_sql[] =
    "UPDATE pending SET answer = $3 WHERE session = $1 AND rid = $2 AND "
    "answer IS NULL";
static const char pend_take_sql[] =
    "DELETE FROM pending WHERE session = $1 AND rid = $2 AND answer IS "
    "NOT NULL RETURNING answer";
static const char pend_drop_sql[] =
    "DELETE FROM pending WHERE session = $1 AND rid = $2";

static const char cancel_prune_sql[] =
    "DELETE FROM cancelled WHERE created < $1";
static const char cancel_add_sql[] =
    "INSERT INTO cancelled (session, rid, created) VALUES ($1, $2, $3) "
    "ON CONFLICT (session, rid) DO NOTHING";
/* seq grows with every insert: the lowest are the oldest. */
static const char cancel_trim_sql[] =
    "DELETE FROM cancelled WHERE session = $1 AND seq <= (SELECT seq "
    "FROM cancelled WHERE session = $1 ORDER BY seq DESC LIMIT 1 "
    "OFFSET $2)";
/*
 * Counted, where SQLite takes max(seq) - $1: an identity column skips
 * the numbers an ON CONFLICT DO NOTHING or a rolled-back transaction
 * drew, so the difference would keep fewer than MCP_CANCEL_ROWS.
 */
static const char cancel_trim_all_sql[] =
    "DELETE FROM cancelled WHERE seq <= (SELECT seq FROM cancelled "
    "ORDER BY seq DESC LIMIT 1 OFFSET $1)";
static const char cancelled_sql[] =
    "SELECT 1 FROM cancelled WHERE session = $1 AND rid = $2";

static const char sub_on_sql[] =
    "INSERT INTO subscriptions (session, uri, workspace) SELECT $1::text, "
    "$2::text, $4::text WHERE (SELECT count(*) FROM subscriptions WHERE "
    "session = $1) < $3 ON CONFLICT (session, uri) DO NOTHING";
static const char sub_has_sql[] =
    "SELECT 1 FROM subscriptions WHERE session = $1 AND uri = $2";
static const char sub_any_sql[] =
    "SELECT 1 FROM subscriptions WHERE uri = $1 AND workspace = $2 LIMIT 1";
static const char sub_off_sql[] =
    "DELETE FROM subscriptions WHERE session = $1 AND uri = $2";

/*
 * A change notice ($1 uri, $2 workspace, $3 now, $4 message).  One
 * notice per subscriber and message: re-reading is enough.  A
 * subscriber whose listener is open or closed less than
 * MCP_LISTENER_GRACE ago gets an event there instead: each change is
 * one.  The listeners' high marks move first, which locks their rows
 * against a concurrent event_add(), and the events take the new marks
 * (SQLite inserts hi + 1, then moves hi: the same numbers).
 */
#define LIVE	"se.listener_seen >= $3::bigint - " \
	MCP_XSTR(MCP_LISTENER_GRACE)
/* The listener streams of the subscribers, as t. */
#define LISTENERS "subscriptions s JOIN sessions se ON se.id = s.session " \
	"JOIN streams t ON t.id = se.listener WHERE s.uri = $1 AND " \
	"s.workspace = $2 AND " LIVE
static const char notice_add_sql[] =
    "INSERT INTO notices (session, message, created) "
    "SELECT s.session, $4::text, $3::bigint FROM subscriptions s WHERE "
    "s.uri = $1 AND s.workspace = $2 AND NOT EXISTS (SELECT 1 FROM "
    "notices n WHERE n.session = s.session AND n.message = $4) AND NOT "
    "EXISTS (SELECT 1 FROM sessions se JOIN streams t ON t.id = "
    "se.listener WHERE se.id = s.session AND " LIVE ")";
static const char notice_hi_sql[] =
    "UPDATE streams SET hi = hi + 1, touched = $3 WHERE id IN (SELECT "
    "se.listener FROM subscriptions s JOIN sessions se ON se.id = "
    "s.session WHERE s.uri = $1 AND s.workspace = $2 AND " LIVE ")";
static const char notice_event_sql[] =
    "WITH ins AS (INSERT INTO events (stream, session, seq, data, last, "
    "created) SELECT t.id, t.session, t.hi, $4::text, 0, $3::bigint "
    "FROM " LISTENERS " RETURNING id) "
    "SELECT count(*), coalesce(max(id), 0) FROM ins";
/*
 * The bounds SQLite's events_bound trigger keeps, for the events just
 * added (each its stream's newest, seq = hi, one per session): their
 * streams' newest MCP_EVENTS_PER_STREAM, their sessions' newest
 * MCP_EVENTS_PER_SESSION, nothing older than MCP_EVENT_KEEP, nothing
 * MCP_EVENT_ROWS ids below the newest.
 */
static const char bound_stream_sql[] =
    "DELETE FROM events e USING " LISTENERS " AND e.stream = t.id AND "
    "e.seq <= t.hi - " MCP_XSTR(MCP_EVENTS_PER_STREAM);
static const char bound_session_sql[] =
    "DELETE FROM events e USING " LISTENERS " AND e.session = t.session "
    "AND e.id <= (SELECT x.id FROM events x WHERE x.session = t.session "
    "ORDER BY x.id DESC LIMIT 1 OFFSET "
    MCP_XSTR(MCP_EVENTS_PER_SESSION) ")";
static const char bound_age_sql[] =
    "DELETE FROM events WHERE created < $1::bigint - "
    MCP_XSTR(MCP_EVENT_KEEP);
static const char bound_rows_sql[] =
    "DELETE FROM events WHERE id <= $1::bigint - "
    MCP_XSTR(MCP_EVENT_ROWS);
/* Delivered at commit: the streams of every host look (store_pg.c). */
static const char notify_sql[] =
    "SELECT pg_notify('mcp_events', '')";
static const char notice_take_sql[] =
    "WITH d AS (DELETE FROM notices WHERE session = $1 RETURNING seq, "
    "message) SELECT seq, message FROM d ORDER BY seq";

/* Runs sql with parameters a, b (NULL: left out) and then n. */
static enum mcp_err
run3(struct mcp_store *p, const char *sql, const char *a, const char *b,
    int64_t n, const char *what)
{
	struct pg_args	 args = { 0 };

	pg_text(&args, a);
	if (b != NULL)
		pg_text(&args, b);
	pg_int(&args, n);
	return pg_run(p, sql, &args, NULL, what);
}

/* Like pg_run(), and *n the rows changed. */
static enum mcp_err
run_count(struct mcp_store *p, const char *sql, const struct pg_args *a,
    int64_t *n, const char *what)
{
	PGresult	*r;
	enum mcp_err	 e;

	*n = 0;
	if ((e = pg_run(p, sql, a, &r, what)) != MCP_OK)
		return e;
	*n = pg_changed(r);
	PQclear(r);
	return MCP_OK;
}

struct sess_put {
	const struct mcp_session	*x;
	int				 max_owned;
	int				 evicted;
};

static enum mcp_err
sess_put_tx(struct mcp_store *p, void *arg)
{
	struct sess_put	*a = arg;
	struct pg_args	 args = { 0 };
	enum mcp_err	 e;
	int64_t		 n;

	a->evicted = 0;
	pg_text(&args, a->x->id);
	pg_text(&args, a->x->version);
	pg_text(&args, a->x->owner);
	pg_int(&args, a->x->log_level);
	pg_text(&args, a->x->caps);
	pg_int(&args, a->x->created);
	pg_int(&args, a->x->legacy);
	e = pg_run(p, sess_put_sql, &args, NULL, "session_put");
	/* A taken id (never, of 32 random bytes) is SQLite's error too. */
	if (e == MCP_ERR_CONFLICT)
		e = MCP_ERR_STORE;
	if (e != MCP_OK || a->x->owner[0] == '\0')
		return e;
	memset(&args, 0, sizeof(args));
	pg_text(&args, a->x->owner);
	pg_text(&args, a->x->id);
	/* SQLite reads a negative OFFSET as none. */
	pg_int(&args, a->max_owned > 0 ? a->max_owned : 0);
	if ((e = run_count(p, sess_evict_sql, &args, &n,
	    "session_put evict")) == MCP_OK)
		a->evicted = (int)n;
	return e;
}

/*
 * The insert and the eviction in one transaction, so that concurrent
 * initializes of one subject, on any host, never leave more than
 * max_owned.
 */
enum mcp_err
pg_session_put(struct mcp_store *p, const struct mcp_session *x,
    int max_owned, int *evicted)
{
	struct sess_put	 a;
	enum mcp_err	 e;

	a.x = x;
	a.max_owned = max_owned;
	a.evicted = 0;
	/* Without an owner there is nothing to evict: one statement. */
	if (x->owner[0] == '\0')
		e = sess_put_tx(p, &a);
	else
		e = pg_tx(p, sess_put_tx, &a, "session_put");
	*evicted = e == MCP_OK ? a.evicted : 0;
	return e;
}

enum mcp_err
pg_session_get(struct mcp_store *p, const char *id, int64_t idle_before,
    struct mcp_session *x)
{
	struct pg_args	 args = { 0 };
	PGresult	*r;
	enum mcp_err	 e;

	pg_text(&args, id);
	pg_int(&args, idle_before);
	if ((e = pg_run(p, sess_get_sql, &args, &r, "session_get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return MCP_ERR_SESSION;
	}
	memset(x, 0, sizeof(*x));
	snprintf(x->id, sizeof(x->id), "%s", id);
	pg_copy(r, 0, 0, x->version, sizeof(x->version));
	pg_copy(r, 0, 1, x->owner, sizeof(x->owner));
	x->log_level = (int)pg_int_at(r, 0, 2);
	pg_copy(r, 0, 3, x->caps, sizeof(x->caps));
	x->created = pg_int_at(r, 0, 4);
	x->seen = pg_int_at(r, 0, 5);
	x->subscribed = (int)pg_int_at(r, 0, 6);
	x->notices = (int)pg_int_at(r, 0, 7);
	pg_copy(r, 0, 8, x->listener, sizeof(x->listener));
	x->listener_open = (int)pg_int_at(r, 0, 9);
	x->listener_seen = pg_int_at(r, 0, 10);
	x->legacy = (int)pg_int_at(r, 0, 11);
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_session_touch(struct mcp_store *p, const char *id, int64_t now)
{
	return run3(p, sess_touch_sql, id, NULL, now, "session_touch");
}

enum mcp_err
pg_session_level(struct mcp_store *p, const char *id, int level)
{
	return run3(p, sess_level_sql, id, NULL, level, "session_level");
}

enum mcp_err
pg_session_init(struct mcp_store *p, const char *id, const char *version,
    const char *caps)
{
	struct pg_args	 args = { 0 };

	pg_text(&args, id);
	pg_text(&args, version);
	pg_text(&args, caps);
	return pg_run(p, sess_init_sql, &args, NULL, "session_init");
}

/* MCP_ERR_SESSION when there was no such session. */
enum mcp_err
pg_session_delete(struct mcp_store *p, const char *id)
{
	struct pg_args	 args = { 0 };
	enum mcp_err	 e;
	int64_t		 n;

	pg_text(&args, id);
	if ((e = run_count(p, sess_del_sql, &args, &n, "session_delete")) !=
	    MCP_OK)
		return e;
	return n > 0 ? MCP_OK : MCP_ERR_SESSION;
}

enum mcp_err
pg_session_expire(struct mcp_store *p, int64_t before)
{
	struct pg_args	 args = { 0 };

	pg_int(&args, before);
	return pg_run(p, sess_expire_sql, &args, NULL, "session_expire");
}

/* A session that is gone is MCP_ERR_STORE (its key), as on SQLite. */
enum mcp_err
pg_pending_add(struct mcp_store *p, const char *sid, const char *rid,
    int64_t now)
{
	return run3(p, pend_add_sql, sid, rid, now, "pending_add");
}

/* MCP_ERR_SESSION when nothing waits (or the answer came already). */
enum mcp_err
pg_pending_answer(struct mcp_store *p, const char *sid, const char *rid,
    const char *json)
{
	struct pg_args	 args = { 0 };
	enum mcp_err	 e;
	int64_t		 n;

	pg_text(&args, sid);
	pg_text(&args, rid);
	pg_text(&args, json);
	if ((e = run_count(p, pend_answer_sql, &args, &n,
	    "pending_answer")) != MCP_OK)
		return e;
	return n > 0 ? MCP_OK : MCP_ERR_SESSION;
}

/* The answer and its row go in one statement; *json NULL: none yet. */
enum mcp_err
pg_pending_take(struct mcp_store *p, const char *sid, const char *rid,
    char **json)
{
	struct pg_args	 args = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int		 oom = 0;

	*json = NULL;
	pg_text(&args, sid);
	pg_text(&args, rid);
	if ((e = pg_run(p, pend_take_sql, &args, &r, "pending_take")) !=
	    MCP_OK)
		return e;
	if (PQntuples(r) > 0)
		*json = pg_dup(r, 0, 0, &oom);
	PQclear(r);
	/* The row is gone either way, as SQLite's step to completion. */
	return oom ? MCP_ERR_NOMEM : MCP_OK;
}

enum mcp_err
pg_pending_drop(struct mcp_store *p, const char *sid, const char *rid)
{
	struct pg_args	 args = { 0 };

	pg_text(&args, sid);
	pg_text(&args, rid);
	return pg_run(p, pend_drop_sql, &args, NULL, "pending_drop");
}

struct cancel {
	const char	*sid, *rid;
	int64_t		 now, before;
};

static enum mcp_err
cancel_tx(struct mcp_store *p, void *arg)
{
	struct cancel	*a = arg;
	struct pg_args	 args = { 0 };
	enum mcp_err	 e;

	pg_int(&args, a->before);
	if ((e = pg_run(p, cancel_prune_sql, &args, NULL,
	    "cancel_add prune")) != MCP_OK ||
	    (e = run3(p, cancel_add_sql, a->sid, a->rid, a->now,
	    "cancel_add")) != MCP_OK ||
	    (e = run3(p, cancel_trim_sql, a->sid, NULL,
	    MCP_CANCEL_PER_SESSION, "cancel_add trim")) != MCP_OK)
		return e;
	memset(&args, 0, sizeof(args));
	pg_int(&args, MCP_CANCEL_ROWS);
	return pg_run(p, cancel_trim_all_sql, &args, NULL,
	    "cancel_add trim all");
}

/*
 * A cancellation matters only while its request can still be running
 * (the caller says since when); past that, and past the per-session and
 * total counts of store.h, the oldest are dropped, so that a client
 * sending many cannot grow the store.
 */
enum mcp_err
pg_cancel_add(struct mcp_store *p, const char *sid, const char *rid,
    int64_t now, int64_t before)
{
	struct cancel	 a;

	a.sid = sid;
	a.rid = rid;
	a.now = now;
	a.before = before;
	return pg_tx(p, cancel_tx, &a, "cancel_add");
}

/* 1 if cancelled, 0 if not, -1 on error. */
int
pg_cancelled(struct mcp_store *p, const char *sid, const char *rid)
{
	struct pg_args	 args = { 0 };
	PGresult	*r;
	int		 n;

	pg_text(&args, sid);
	pg_text(&args, rid);
	if (pg_run(p, cancelled_sql, &args, &r, "cancelled") != MCP_OK)
		return -1;
	n = PQntuples(r) > 0;
	PQclear(r);
	return n;
}

struct sub {
	const char	*sid, *uri, *workspace;
};

static enum mcp_err
sub_tx(struct mcp_store *p, void *arg)
{
	struct sub	*a = arg;
	struct pg_args	 args = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int64_t		 n;
	int		 has;

	pg_text(&args, a->sid);
	pg_text(&args, a->uri);
	pg_int(&args, MCP_SUBS_MAX);
	pg_text(&args, a->workspace);
	if ((e = run_count(p, sub_on_sql, &args, &n, "subscribe")) !=
	    MCP_OK || n > 0)
		return e;
	/* Nothing inserted: already there, or the session is at its limit. */
	memset(&args, 0, sizeof(args));
	pg_text(&args, a->sid);
	pg_text(&args, a->uri);
	if ((e = pg_run(p, sub_has_sql, &args, &r, "subscribe")) != MCP_OK)
		return e;
	has = PQntuples(r) > 0;
	PQclear(r);
	return has ? MCP_OK : MCP_ERR_PARAMS;
}

/*
 * The count and the insert in one transaction, so that concurrent
 * subscribes of one session never pass MCP_SUBS_MAX.  A session that is
 * gone is MCP_ERR_STORE (its key), as on SQLite.
 */
enum mcp_err
pg_subscribe(struct mcp_store *p, const char *sid, const char *uri,
    const char *workspace, int on)
{
	struct pg_args	 args = { 0 };
	struct sub	 a;

	if (!on) {
		pg_text(&args, sid);
		pg_text(&args, uri);
		return pg_run(p, sub_off_sql, &args, NULL, "unsubscribe");
	}
	a.sid = sid;
	a.uri = uri;
	a.workspace = workspace;
	return pg_tx(p, sub_tx, &a, "subscribe");
}

struct notice {
	const char	*workspace, *uri, *message;
	int64_t		 now;
};

static enum mcp_err
notice_tx(struct mcp_store *p, void *arg)
{
	static const char *const	 bounds[] = { bound_stream_sql,
					    bound_session_sql };
	struct notice			*a = arg;
	struct pg_args			 args = { 0 };
	PGresult			*r;
	enum mcp_err			 e;
	int64_t				 added, top;
	size_t				 i;

	/* Events are added in their turn (store_pg_events.c says why). */
	if ((e = pg_events_turn(p)) != MCP_OK)
		return e;
	/* $1 to $3 for the listeners' statements, $4 too for the others. */
	pg_text(&args, a->uri);
	pg_text(&args, a->workspace);
	pg_int(&args, a->now);
	pg_text(&args, a->message);
	if ((e = pg_run(p, notice_add_sql, &args, NULL, "notice_add")) !=
	    MCP_OK)
		return e;
	args.n = 3;
	if ((e = pg_run(p, notice_hi_sql, &args, NULL, "notice_add hi")) !=
	    MCP_OK)
		return e;
	args.n = 4;
	if ((e = pg_run(p, notice_event_sql, &args, &r,
	    "notice_add event")) != MCP_OK)
		return e;
	added = PQntuples(r) > 0 ? pg_int_at(r, 0, 0) : 0;
	top = PQntuples(r) > 0 ? pg_int_at(r, 0, 1) : 0;
	PQclear(r);
	/* SQLite's trigger runs for an inserted event only. */
	if (added == 0)
		return MCP_OK;
	args.n = 3;
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
		if ((e = pg_run(p, bounds[i], &args, NULL,
		    "notice_add bound")) != MCP_OK)
			return e;
	memset(&args, 0, sizeof(args));
	pg_int(&args, a->now);
	if ((e = pg_run(p, bound_age_sql, &args, NULL,
	    "notice_add bound")) != MCP_OK)
		return e;
	memset(&args, 0, sizeof(args));
	pg_int(&args, top);
	if ((e = pg_run(p, bound_rows_sql, &args, NULL,
	    "notice_add bound")) != MCP_OK)
		return e;
	return pg_run(p, notify_sql, NULL, NULL, "notice_add notify");
}

/*
 * Notices, events, their bounds and the wake-up in one transaction:
 * either every subscriber is told or none.
 */
enum mcp_err
pg_notice_add(struct mcp_store *p, const char *workspace, const char *uri,
    const char *message, int64_t now)
{
	struct notice	 a;
	struct pg_args	 args = { 0 };
	PGresult	*r;
	enum mcp_err	 e;
	int		 any;

	/*
	 * Most changes have no subscriber: they are told so without taking
	 * the event writers' turn.  One subscribing meanwhile is no worse
	 * off than one subscribing just after the change.
	 */
	pg_text(&args, uri);
	pg_text(&args, workspace);
	if ((e = pg_run(p, sub_any_sql, &args, &r, "notice_add")) != MCP_OK)
		return e;
	any = PQntuples(r) > 0;
	PQclear(r);
	if (!any)
		return MCP_OK;
	a.workspace = workspace;
	a.uri = uri;
	a.message = message;
	a.now = now;
	return pg_tx(p, notice_tx, &a, "notice_add");
}

/* Taken in one statement, oldest first; *out freed by the caller. */
enum mcp_err
pg_notice_take(struct mcp_store *p, const char *sid,
    struct mcp_notice **out, size_t *n)
{
	struct pg_args		 args = { 0 };
	struct mcp_notice	*v;
	PGresult		*r;
	enum mcp_err		 e;
	size_t			 len;
	int			 i, rows, oom = 0;

	*out = NULL;
	*n = 0;
	pg_text(&args, sid);
	if ((e = pg_run(p, notice_take_sql, &args, &r, "notice_take")) !=
	    MCP_OK)
		return e;
	if ((rows = PQntuples(r)) == 0) {
		PQclear(r);
		return MCP_OK;
	}
	if ((v = calloc(rows, sizeof(*v))) == NULL) {
		PQclear(r);
		return MCP_ERR_NOMEM;
	}
	for (i = 0, len = 0; i < rows && !oom; i++, len++) {
		v[i].seq = pg_int_at(r, i, 0);
		if ((v[i].message = pg_dup(r, i, 1, &oom)) == NULL)
			oom = 1;
	}
	PQclear(r);
	if (oom) {
		mcp_notices_free(v, len);
		return MCP_ERR_NOMEM;
	}
	*out = v;
	*n = len;
	return MCP_OK;
}
