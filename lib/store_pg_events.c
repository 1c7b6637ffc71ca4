/*
 * store_pg_events.c: the shared store's SSE streams, their events and
 * each session's listener on PostgreSQL, as store_sqlite_events.c does
 * them on SQLite (same statements, bounds and errors).
 *
 * Event ids.  A reader (the streams thread of every process) follows
 * the store-wide ids with event_scan(after = the highest id it saw), so
 * ids must become visible in the order they are given.  An identity
 * column does not promise that: two transactions draw 10 and 11, the
 * one with 11 commits first, a reader sees 11 and moves past 10 for
 * good.  SQLite never had the problem (one writer at a time).  Here
 * every transaction that adds events first takes its turn
 * (pg_events_turn()): a transaction-level advisory lock, taken before
 * the id is drawn and released only once the commit is visible, so the
 * next writer draws a higher id after the previous one can be seen.
 * Writers of events thus take turns as on SQLite, and the transaction
 * runs at READ COMMITTED: each statement sees what the previous turns
 * committed, so the bounds below are kept as SQLite's trigger keeps
 * them, without the serialization failures that SERIALIZABLE snapshots
 * taken before the wait would bring.  The price is one event writer at
 * a time across the hosts, as SQLite has one per file.
 *
 * Bounds.  SQLite's migration 9 keeps them with a trigger (events_bound)
 * on every insert into events; PostgreSQL's schema has none, so
 * pg_event_bound() runs the same deletes, in the same order, after each
 * event added.
 *
 * Wake-ups.  event_add() ends with NOTIFY mcp_events, sent by
 * PostgreSQL when the transaction commits, to the connection each
 * process LISTENs on (store_pg.c: pg_events_fd()).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_pg.h"

/* pg_advisory_xact_lock() key of event writers: "mcp-evts" in ASCII. */
#define EVENTS_LOCK	"7882267113106601075"

static const char turn_rc_sql[] =
    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
static const char turn_lock_sql[] =
    "SELECT pg_advisory_xact_lock(" EVENTS_LOCK ")";
/* migration 9's events_bound, statement by statement, for NEW. */
static const char bound_stream_sql[] =
    "DELETE FROM events WHERE stream = $1 AND seq <= (SELECT max(seq) "
    "FROM events WHERE stream = $1) - " MCP_XSTR(MCP_EVENTS_PER_STREAM);
static const char bound_session_sql[] =
    "DELETE FROM events WHERE session = $1 AND id <= (SELECT id FROM "
    "events WHERE session = $1 ORDER BY id DESC LIMIT 1 OFFSET "
    MCP_XSTR(MCP_EVENTS_PER_SESSION) ")";
static const char bound_all_sql[] =
    "DELETE FROM events WHERE created < $1::bigint - "
    MCP_XSTR(MCP_EVENT_KEEP) " OR id <= (SELECT max(id) FROM events) - "
    MCP_XSTR(MCP_EVENT_ROWS);
static const char notify_sql[] =
    "SELECT pg_notify('mcp_events', '')";

static const char stream_put_sql[] =
    "INSERT INTO streams (id, session, hi, created, touched) VALUES "
    "($1, $2, 0, $3::bigint, $3::bigint) ON CONFLICT (id) DO NOTHING";
static const char prime_sql[] =
    "INSERT INTO events (stream, session, seq, data, last, created) "
    "VALUES ($1, $3, 0, NULL, 0, $2::bigint) ON CONFLICT DO NOTHING";
/* The session's stale streams and its oldest past the bound, not its own
 * listener nor the one just made. */
static const char stream_trim_sql[] =
    "DELETE FROM streams WHERE session = $1 AND id <> $2 AND id <> "
    "(SELECT listener FROM sessions WHERE id = $1) AND (touched < "
    "$3::bigint OR id IN (SELECT id FROM streams WHERE session = $1 "
    "ORDER BY touched DESC, created DESC OFFSET "
    MCP_XSTR(MCP_STREAMS_PER_SESSION) "))";
static const char stream_next_sql[] =
    "UPDATE streams SET hi = hi + 1, touched = $2::bigint WHERE id = $1 "
    "RETURNING hi, session";
static const char event_put_sql[] =
    "INSERT INTO events (stream, session, seq, data, last, created) "
    "VALUES ($1, $2, $3::bigint, $4, $5::bigint, $6::bigint)";
static const char stream_get_sql[] =
    "SELECT s.session, s.hi, coalesce((SELECT min(seq) FROM events e "
    "WHERE e.stream = s.id), s.hi + 1), EXISTS (SELECT 1 FROM events e "
    "WHERE e.stream = s.id AND e.last = 1)::int FROM streams s "
    "WHERE s.id = $1";
static const char replay_sql[] =
    "SELECT id, stream, seq, data, last FROM events WHERE stream = $1 "
    "AND seq > $2::bigint ORDER BY seq LIMIT $3::bigint";
static const char scan_sql[] =
    "SELECT id, stream, seq, data, last FROM events WHERE id > $1::bigint "
    "ORDER BY id LIMIT $2::bigint";
static const char top_sql[] =
    "SELECT coalesce(max(id), 0) FROM events";
/* Another holder's open listener that beat lately blocks a new claim. */
static const char claim_sql[] =
    "UPDATE sessions SET listener = $2, holder = $3, listener_open = 1, "
    "listener_seen = $4::bigint WHERE id = $1 AND ($6::bigint <> 0 OR "
    "listener_open = 0 OR listener_seen < $5::bigint OR holder = $3)";
static const char sess_has_sql[] =
    "SELECT 1 FROM sessions WHERE id = $1";
static const char beat_sql[] =
    "UPDATE sessions SET listener_seen = $3::bigint, seen = "
    "greatest(seen, $3::bigint) WHERE id = $1 AND holder = $2 AND "
    "listener_open = 1";
static const char close_sql[] =
    "UPDATE sessions SET listener_open = 0, listener_seen = $3::bigint "
    "WHERE id = $1 AND holder = $2";

enum mcp_err
pg_events_turn(struct mcp_store *p)
{
	enum mcp_err	 e;

	/* Before any statement that takes a snapshot, so first. */
	if ((e = pg_run(p, turn_rc_sql, NULL, NULL, "events turn")) !=
	    MCP_OK)
		return e;
	return pg_run(p, turn_lock_sql, NULL, NULL, "events turn lock");
}

enum mcp_err
pg_event_bound(struct mcp_store *p, const char *stream, const char *sid,
    int64_t now)
{
	struct pg_args	 a;
	enum mcp_err	 e;

	a.n = 0;
	pg_text(&a, stream);
	if ((e = pg_run(p, bound_stream_sql, &a, NULL, "event bound "
	    "stream")) != MCP_OK)
		return e;
	a.n = 0;
	pg_text(&a, sid);
	if ((e = pg_run(p, bound_session_sql, &a, NULL, "event bound "
	    "session")) != MCP_OK)
		return e;
	a.n = 0;
	pg_int(&a, now);
	return pg_run(p, bound_all_sql, &a, NULL, "event bound all");
}

enum mcp_err
pg_events_notify(struct mcp_store *p)
{
	return pg_run(p, notify_sql, NULL, NULL, "events notify");
}

struct open_arg {
	const char	*stream, *sid;
	int64_t		 now;
};

static enum mcp_err
open_tx(struct mcp_store *p, void *arg)
{
	struct open_arg	*o = arg;
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;
	int64_t		 n;

	if ((e = pg_events_turn(p)) != MCP_OK)
		return e;
	a.n = 0;
	pg_text(&a, o->stream);
	pg_text(&a, o->sid);
	pg_int(&a, o->now);
	if ((e = pg_run(p, stream_put_sql, &a, &r, "stream_open")) !=
	    MCP_OK)
		return e;
	n = pg_changed(r);
	PQclear(r);
	if (n == 0)
		return MCP_OK;		/* known: nothing to do */
	a.n = 0;
	pg_text(&a, o->stream);
	pg_int(&a, o->now);
	pg_text(&a, o->sid);
	if ((e = pg_run(p, prime_sql, &a, NULL, "stream_open prime")) !=
	    MCP_OK ||
	    (e = pg_event_bound(p, o->stream, o->sid, o->now)) != MCP_OK)
		return e;
	a.n = 0;
	pg_text(&a, o->sid);
	pg_text(&a, o->stream);
	pg_int(&a, o->now - MCP_EVENT_KEEP);
	return pg_run(p, stream_trim_sql, &a, NULL, "stream_open trim");
}

/*
 * The priming event has no data: nothing to wake anyone for, so no
 * NOTIFY.
 */
enum mcp_err
pg_stream_open(struct mcp_store *p, const char *stream, const char *sid,
    int64_t now)
{
	struct open_arg	 o = { stream, sid, now };

	return pg_tx(p, open_tx, &o, "stream_open");
}

struct add_arg {
	const char	*stream, *data;
	int		 last;
	int64_t		 now;
	int64_t		 seq;		/* out */
};

static enum mcp_err
add_tx(struct mcp_store *p, void *arg)
{
	struct add_arg	*o = arg;
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;
	char		 sid[MCP_SESSION_ID_LEN + 1];

	o->seq = 0;
	if ((e = pg_events_turn(p)) != MCP_OK)
		return e;
	a.n = 0;
	pg_text(&a, o->stream);
	pg_int(&a, o->now);
	if ((e = pg_run(p, stream_next_sql, &a, &r, "event_add")) != MCP_OK)
		return e;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return MCP_ERR_NOTFOUND;
	}
	o->seq = pg_int_at(r, 0, 0);
	pg_copy(r, 0, 1, sid, sizeof(sid));
	PQclear(r);
	a.n = 0;
	pg_text(&a, o->stream);
	pg_text(&a, sid);
	pg_int(&a, o->seq);
	pg_text(&a, o->data);
	pg_int(&a, o->last);
	pg_int(&a, o->now);
	if ((e = pg_run(p, event_put_sql, &a, NULL, "event_add put")) !=
	    MCP_OK ||
	    (e = pg_event_bound(p, o->stream, sid, o->now)) != MCP_OK)
		return e;
	return pg_events_notify(p);
}

enum mcp_err
pg_event_add(struct mcp_store *p, const char *stream, const char *data,
    int last, int64_t now, int64_t *seq)
{
	struct add_arg	 o = { stream, data, last, now, 0 };
	enum mcp_err	 e;

	if ((e = pg_tx(p, add_tx, &o, "event_add")) == MCP_OK)
		*seq = o.seq;
	return e;
}

enum mcp_err
pg_stream_get(struct mcp_store *p, const char *stream,
    char sid[MCP_SESSION_ID_LEN + 1], int64_t *lo, int64_t *hi, int *done)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;

	a.n = 0;
	pg_text(&a, stream);
	if ((e = pg_run(p, stream_get_sql, &a, &r, "stream_get")) != MCP_OK)
		return e;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return MCP_ERR_NOTFOUND;
	}
	pg_copy(r, 0, 0, sid, MCP_SESSION_ID_LEN + 1);
	*hi = pg_int_at(r, 0, 1);
	*lo = pg_int_at(r, 0, 2);
	*done = (int)pg_int_at(r, 0, 3);
	PQclear(r);
	return MCP_OK;
}

/* Hands each row of r to cb, until it says stop. */
static void
each_event(PGresult *r, mcp_event_cb cb, void *arg)
{
	struct mcp_event	 ev;
	int			 i, n = PQntuples(r);

	for (i = 0; i < n; i++) {
		ev.id = pg_int_at(r, i, 0);
		ev.stream = PQgetvalue(r, i, 1);
		ev.seq = pg_int_at(r, i, 2);
		ev.data = PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3);
		ev.last = (int)pg_int_at(r, i, 4);
		if (cb(arg, &ev) == -1)
			break;
	}
}

enum mcp_err
pg_event_replay(struct mcp_store *p, const char *stream, int64_t after,
    int limit, mcp_event_cb cb, void *arg)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;

	a.n = 0;
	pg_text(&a, stream);
	pg_int(&a, after);
	pg_int(&a, limit);
	if ((e = pg_run(p, replay_sql, &a, &r, "event_replay")) != MCP_OK)
		return e;
	each_event(r, cb, arg);
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_event_scan(struct mcp_store *p, int64_t after, int limit,
    mcp_event_cb cb, void *arg)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;

	a.n = 0;
	pg_int(&a, after);
	pg_int(&a, limit);
	if ((e = pg_run(p, scan_sql, &a, &r, "event_scan")) != MCP_OK)
		return e;
	each_event(r, cb, arg);
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_event_top(struct mcp_store *p, int64_t *id)
{
	PGresult	*r;
	enum mcp_err	 e;

	if ((e = pg_run(p, top_sql, NULL, &r, "event_top")) != MCP_OK)
		return e;
	*id = PQntuples(r) == 1 ? pg_int_at(r, 0, 0) : 0;
	PQclear(r);
	return MCP_OK;
}

enum mcp_err
pg_listener_claim(struct mcp_store *p, const char *sid, const char *stream,
    const char *holder, int64_t now, int64_t stale_before, int takeover)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;
	int64_t		 n;

	a.n = 0;
	pg_text(&a, sid);
	pg_text(&a, stream);
	pg_text(&a, holder);
	pg_int(&a, now);
	pg_int(&a, stale_before);
	pg_int(&a, takeover != 0);
	if ((e = pg_run(p, claim_sql, &a, &r, "listener_claim")) != MCP_OK)
		return e;
	n = pg_changed(r);
	PQclear(r);
	if (n == 1)
		return MCP_OK;
	a.n = 0;
	pg_text(&a, sid);
	if ((e = pg_run(p, sess_has_sql, &a, &r, "listener_claim")) !=
	    MCP_OK)
		return e;
	n = PQntuples(r);
	PQclear(r);
	return n > 0 ? MCP_ERR_CONFLICT : MCP_ERR_SESSION;
}

static enum mcp_err
listener_set(struct mcp_store *p, const char *sql, const char *sid,
    const char *holder, int64_t now, const char *what)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;
	int64_t		 n;

	a.n = 0;
	pg_text(&a, sid);
	pg_text(&a, holder);
	pg_int(&a, now);
	if ((e = pg_run(p, sql, &a, &r, what)) != MCP_OK)
		return e;
	n = pg_changed(r);
	PQclear(r);
	return n == 1 ? MCP_OK : MCP_ERR_NOTFOUND;
}

enum mcp_err
pg_listener_beat(struct mcp_store *p, const char *sid, const char *holder,
    int64_t now)
{
	return listener_set(p, beat_sql, sid, holder, now, "listener_beat");
}

enum mcp_err
pg_listener_close(struct mcp_store *p, const char *sid, const char *holder,
    int64_t now)
{
	return listener_set(p, close_sql, sid, holder, now,
	    "listener_close");
}
