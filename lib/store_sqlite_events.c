/*
 * store_sqlite_events.c: the embedded store's SSE streams, their events
 * and each session's listener (migration 9's tables).  Event numbers are
 * given under the write lock, so a stream's events commit in the order
 * of their numbers and the store-wide ids in the order of commits: a
 * reader that follows ids misses nothing that commits later.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_sqlite.h"

#define TEXT(st, i, v)	sqlite3_bind_text((st), (i), (v), -1, SQLITE_STATIC)

static const char stream_put_sql[] =
    "INSERT INTO streams (id, session, hi, created, touched) VALUES "
    "(?1, ?2, 0, ?3, ?3) ON CONFLICT (id) DO NOTHING";
static const char prime_sql[] =
    "INSERT OR IGNORE INTO events (stream, session, seq, data, last, "
    "created) VALUES (?1, ?3, 0, NULL, 0, ?2)";
/* The session's stale streams and its oldest past the bound, not its own
 * listener nor the one just made. */
static const char stream_trim_sql[] =
    "DELETE FROM streams WHERE session = ?1 AND id != ?2 AND id != "
    "(SELECT listener FROM sessions WHERE id = ?1) AND (touched < ?3 OR "
    "id IN (SELECT id FROM streams WHERE session = ?1 ORDER BY touched "
    "DESC, created DESC LIMIT -1 OFFSET " MCP_XSTR(MCP_STREAMS_PER_SESSION)
    "))";
static const char stream_next_sql[] =
    "UPDATE streams SET hi = hi + 1, touched = ?2 WHERE id = ?1 "
    "RETURNING hi";
static const char event_put_sql[] =
    "INSERT INTO events (stream, session, seq, data, last, created) "
    "SELECT ?1, session, ?2, ?3, ?4, ?5 FROM streams WHERE id = ?1";
static const char stream_get_sql[] =
    "SELECT s.session, s.hi, coalesce((SELECT min(seq) FROM events e "
    "WHERE e.stream = s.id), s.hi + 1), EXISTS (SELECT 1 FROM events e "
    "WHERE e.stream = s.id AND e.last = 1) FROM streams s WHERE s.id = ?1";
static const char replay_sql[] =
    "SELECT id, stream, seq, data, last FROM events WHERE stream = ?1 "
    "AND seq > ?2 ORDER BY seq LIMIT ?3";
static const char scan_sql[] =
    "SELECT id, stream, seq, data, last FROM events WHERE id > ?1 "
    "ORDER BY id LIMIT ?2";
static const char top_sql[] =
    "SELECT coalesce(max(id), 0) FROM events";
/* Another holder's open listener that beat lately blocks a new claim. */
static const char claim_sql[] =
    "UPDATE sessions SET listener = ?2, holder = ?3, listener_open = 1, "
    "listener_seen = ?4 WHERE id = ?1 AND (?6 OR listener_open = 0 OR "
    "listener_seen < ?5 OR holder = ?3)";
static const char sess_has_sql[] =
    "SELECT 1 FROM sessions WHERE id = ?1";
static const char beat_sql[] =
    "UPDATE sessions SET listener_seen = ?3, seen = max(seen, ?3) "
    "WHERE id = ?1 AND holder = ?2 AND listener_open = 1";
static const char close_sql[] =
    "UPDATE sessions SET listener_open = 0, listener_seen = ?3 "
    "WHERE id = ?1 AND holder = ?2";

enum mcp_err
sqlite_stream_open(struct mcp_store *p, const char *stream, const char *sid,
    int64_t now)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "stream_open begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, stream_put_sql)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	TEXT(st, 1, stream);
	TEXT(st, 2, sid);
	sqlite3_bind_int64(st, 3, now);
	if ((e = sqlite_exec(p, st)) != MCP_OK || sqlite_changes(p) == 0)
		goto out;
	if ((st = sqlite_prep(p, prime_sql)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	TEXT(st, 1, stream);
	sqlite3_bind_int64(st, 2, now);
	TEXT(st, 3, sid);
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		goto out;
	if ((st = sqlite_prep(p, stream_trim_sql)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	TEXT(st, 1, sid);
	TEXT(st, 2, stream);
	sqlite3_bind_int64(st, 3, now - MCP_EVENT_KEEP);
	e = sqlite_exec(p, st);
out:
	return sqlite_tx_end(p, e, "stream_open commit");
}

enum mcp_err
sqlite_event_add(struct mcp_store *p, const char *stream, const char *data,
    int last, int64_t now, int64_t *seq)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 rc;

	if ((e = sqlite_tx_begin(p, "event_add begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, stream_next_sql)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	TEXT(st, 1, stream);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	sqlite_done(st);
	if (rc != SQLITE_ROW) {
		e = rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
		    sqlite_error(p, "event_add");
		goto out;
	}
	if ((st = sqlite_prep(p, event_put_sql)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	TEXT(st, 1, stream);
	sqlite3_bind_int64(st, 2, *seq);
	TEXT(st, 3, data);
	sqlite3_bind_int(st, 4, last);
	sqlite3_bind_int64(st, 5, now);
	e = sqlite_exec(p, st);
out:
	return sqlite_tx_end(p, e, "event_add commit");
}

enum mcp_err
sqlite_stream_get(struct mcp_store *p, const char *stream,
    char sid[MCP_SESSION_ID_LEN + 1], int64_t *lo, int64_t *hi, int *done)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sqlite_prep(p, stream_get_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, stream);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_copy_col(st, 0, sid, MCP_SESSION_ID_LEN + 1);
		*hi = sqlite3_column_int64(st, 1);
		*lo = sqlite3_column_int64(st, 2);
		*done = sqlite3_column_int(st, 3);
	}
	sqlite_done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
	    sqlite_error(p, "stream_get");
}

/* Steps st, handing each row to cb. */
static enum mcp_err
each_event(struct mcp_store *p, sqlite3_stmt *st, mcp_event_cb cb, void *arg,
    const char *what)
{
	struct mcp_event	 ev;
	int			 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev.id = sqlite3_column_int64(st, 0);
		ev.stream = (const char *)sqlite3_column_text(st, 1);
		ev.seq = sqlite3_column_int64(st, 2);
		ev.data = (const char *)sqlite3_column_text(st, 3);
		ev.last = sqlite3_column_int(st, 4);
		if (ev.stream == NULL || cb(arg, &ev) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite_done(st);
	return rc == SQLITE_DONE ? MCP_OK : sqlite_error(p, what);
}

enum mcp_err
sqlite_event_replay(struct mcp_store *p, const char *stream, int64_t after,
    int limit, mcp_event_cb cb, void *arg)
{
	sqlite3_stmt	*st;

	if ((st = sqlite_prep(p, replay_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, stream);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	return each_event(p, st, cb, arg, "event_replay");
}

enum mcp_err
sqlite_event_scan(struct mcp_store *p, int64_t after, int limit,
    mcp_event_cb cb, void *arg)
{
	sqlite3_stmt	*st;

	if ((st = sqlite_prep(p, scan_sql)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	return each_event(p, st, cb, arg, "event_scan");
}

enum mcp_err
sqlite_event_top(struct mcp_store *p, int64_t *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sqlite_prep(p, top_sql)) == NULL)
		return MCP_ERR_STORE;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite_done(st);
	return rc == SQLITE_ROW ? MCP_OK : sqlite_error(p, "event_top");
}

enum mcp_err
sqlite_listener_claim(struct mcp_store *p, const char *sid,
    const char *stream, const char *holder, int64_t now,
    int64_t stale_before, int takeover)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 rc;

	if ((st = sqlite_prep(p, claim_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, sid);
	TEXT(st, 2, stream);
	TEXT(st, 3, holder);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, stale_before);
	sqlite3_bind_int(st, 6, takeover != 0);
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		return e;
	if (sqlite_changes(p) == 1)
		return MCP_OK;
	if ((st = sqlite_prep(p, sess_has_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, sid);
	rc = sqlite3_step(st);
	sqlite_done(st);
	if (rc == SQLITE_ROW)
		return MCP_ERR_CONFLICT;
	return rc == SQLITE_DONE ? MCP_ERR_SESSION :
	    sqlite_error(p, "listener_claim");
}

static enum mcp_err
listener_set(struct mcp_store *p, const char *sql, const char *sid,
    const char *holder, int64_t now)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((st = sqlite_prep(p, sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, sid);
	TEXT(st, 2, holder);
	sqlite3_bind_int64(st, 3, now);
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		return e;
	return sqlite_changes(p) == 1 ? MCP_OK : MCP_ERR_NOTFOUND;
}

enum mcp_err
sqlite_listener_beat(struct mcp_store *p, const char *sid,
    const char *holder, int64_t now)
{
	return listener_set(p, beat_sql, sid, holder, now);
}

enum mcp_err
sqlite_listener_close(struct mcp_store *p, const char *sid,
    const char *holder, int64_t now)
{
	return listener_set(p, close_sql, sid, holder, now);
}
