/*
 * pg_session.c: the PostgreSQL store's sessions, pending answers,
 * cancellations, subscriptions and change notices (store_pg_session.c)
 * against a real PostgreSQL named by MCP_TEST_PG (a libpq URL of an
 * empty database; tests/pg.sh makes one).  Every check runs on
 * PostgreSQL and on an SQLite store in a temporary directory with the
 * same calls and the same expectations, and the two engines' answers
 * to every call must agree.  The bounds that must hold with writers on
 * several hosts are run from eight threads, each with its connection.
 * Without MCP_TEST_PG the test says it skips, and passes.
 */
#include <poll.h>
#include <pthread.h>

#include "pg_eng.h"

static void
mksess(struct mcp_session *s, const char *id, const char *owner, int64_t t)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->version, sizeof(s->version), "2025-11-25");
	snprintf(s->owner, sizeof(s->owner), "%s", owner);
	snprintf(s->caps, sizeof(s->caps), "{}");
	s->log_level = -1;
	s->created = s->seen = t;
}

static int
put(struct eng *e, const char *id, const char *owner, int64_t t, int max,
    int *ev)
{
	struct mcp_session	 s;
	int			 dummy;

	mksess(&s, id, owner, t);
	return R(e, e->st->ops->session_put(e->st, &s, max,
	    ev != NULL ? ev : &dummy));
}

static int
exists(struct eng *e, const char *id)
{
	struct mcp_session	 s;

	return R(e, e->st->ops->session_get(e->st, id, 0, &s)) == MCP_OK;
}

/* Rows hanging off session sid, in every table that holds them. */
static int64_t
hangers(struct eng *e, const char *sid)
{
	return QINT(e, "WITH k(s) AS (SELECT '%s') SELECT "
	    "(SELECT count(*) FROM pending, k WHERE session = k.s) + "
	    "(SELECT count(*) FROM cancelled, k WHERE session = k.s) + "
	    "(SELECT count(*) FROM subscriptions, k WHERE session = k.s) + "
	    "(SELECT count(*) FROM notices, k WHERE session = k.s) + "
	    "(SELECT count(*) FROM streams, k WHERE session = k.s) + "
	    "(SELECT count(*) FROM events, k WHERE session = k.s)", sid);
}

/* One row of each kind hanging off sid: 6. */
static void
attach(struct eng *e, const char *sid)
{
	char	 uri[128];

	snprintf(uri, sizeof(uri), "att://%s", sid);
	R(e, e->st->ops->pending_add(e->st, sid, "rq", NOW));
	R(e, e->st->ops->cancel_add(e->st, sid, "rc", NOW, NOW - 600));
	R(e, e->st->ops->subscribe(e->st, sid, uri, "", 1));
	R(e, e->st->ops->notice_add(e->st, "", uri, "{}", NOW));
	xsql(e, "INSERT INTO streams (id, session, hi, created, touched) "
	    "VALUES ('st-%s', '%s', 0, %lld, %lld); INSERT INTO events "
	    "(stream, session, seq, data, last, created) VALUES ('st-%s', "
	    "'%s', 0, NULL, 0, %lld)", sid, sid, NOW, NOW, sid, sid, NOW);
}

static void
basic(struct eng *e)
{
	struct mcp_session	 s, g;
	int			 ev = -1;

	mksess(&s, "basic", "", NOW);
	snprintf(s.caps, sizeof(s.caps), "{\"roots\":{}}");
	s.legacy = MCP_SESSION_LISTEN;
	OK(e, R(e, e->st->ops->session_put(e->st, &s, 4, &ev)) == MCP_OK &&
	    ev == 0, "session_put stores a session, nothing evicted");
	OK(e, R(e, e->st->ops->session_get(e->st, "basic", NOW, &g)) ==
	    MCP_OK, "session_get finds it");
	OK(e, strcmp(g.id, "basic") == 0 && strcmp(g.version,
	    "2025-11-25") == 0 && g.owner[0] == '\0' && g.log_level == -1 &&
	    strcmp(g.caps, "{\"roots\":{}}") == 0 && g.created == NOW &&
	    g.seen == NOW && g.subscribed == 0 && g.notices == 0 &&
	    g.listener[0] == '\0' && g.listener_open == 0 &&
	    g.listener_seen == 0 && g.legacy == MCP_SESSION_LISTEN,
	    "with every field as stored");
	OK(e, R(e, e->st->ops->session_get(e->st, "basic", NOW + 1, &g)) ==
	    MCP_ERR_SESSION, "idle since before the cut: MCP_ERR_SESSION");
	OK(e, R(e, e->st->ops->session_get(e->st, "none", 0, &g)) ==
	    MCP_ERR_SESSION, "unknown: MCP_ERR_SESSION");
	OK(e, R(e, e->st->ops->session_put(e->st, &s, 4, &ev)) ==
	    MCP_ERR_STORE && ev == 0, "a taken id: MCP_ERR_STORE");
	OK(e, R(e, e->st->ops->session_touch(e->st, "basic", NOW + 5)) ==
	    MCP_OK && R(e, e->st->ops->session_get(e->st, "basic", NOW + 5,
	    &g)) == MCP_OK && g.seen == NOW + 5, "session_touch moves seen");
	OK(e, R(e, e->st->ops->session_touch(e->st, "none", NOW)) == MCP_OK,
	    "touching an unknown session is no error");
	OK(e, R(e, e->st->ops->session_level(e->st, "basic", 6)) == MCP_OK &&
	    R(e, e->st->ops->session_get(e->st, "basic", 0, &g)) == MCP_OK &&
	    g.log_level == 6, "session_level sets the level");
	OK(e, R(e, e->st->ops->session_init(e->st, "basic", "2025-06-18",
	    "{\"x\":1}")) == MCP_OK && R(e, e->st->ops->session_get(e->st,
	    "basic", 0, &g)) == MCP_OK && strcmp(g.version, "2025-06-18") ==
	    0 && strcmp(g.caps, "{\"x\":1}") == 0 && g.log_level == 6,
	    "session_init sets version and capabilities");
	attach(e, "basic");
	OK(e, hangers(e, "basic") == 6, "a session with a row of each kind");
	OK(e, R(e, e->st->ops->session_get(e->st, "basic", 0, &g)) ==
	    MCP_OK && g.subscribed == 1 && g.notices == 1,
	    "session_get says it holds a subscription and a notice");
	OK(e, R(e, e->st->ops->session_delete(e->st, "basic")) == MCP_OK,
	    "session_delete");
	OK(e, hangers(e, "basic") == 0, "what hung off it went with it");
	OK(e, R(e, e->st->ops->session_delete(e->st, "basic")) ==
	    MCP_ERR_SESSION, "deleting it again: MCP_ERR_SESSION");
	OK(e, !exists(e, "basic"), "it is gone");
}

static void
eviction(struct eng *e)
{
	char	 id[16], got[256];
	int	 i, ev, evs[5];

	put(e, "c1", "carol", NOW, 3, NULL);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "a%d", i + 1);
		put(e, id, "alice", NOW + i + 1, 3, &evs[i]);
		rec(e, evs[i]);
	}
	OK(e, evs[0] == 0 && evs[1] == 0 && evs[2] == 0 && evs[3] == 1 &&
	    evs[4] == 1, "past max_owned the owner's oldest is evicted "
	    "(%d %d %d %d %d)", evs[0], evs[1], evs[2], evs[3], evs[4]);
	qstr(e, got, sizeof(got), "SELECT id FROM sessions WHERE owner = "
	    "'alice' ORDER BY id");
	recs(e, got);
	OK(e, strcmp(got, "a3,a4,a5") == 0, "the newest three stay (%s)",
	    got);
	OK(e, exists(e, "c1"), "another owner's session stays");
	attach(e, "a4");
	R(e, e->st->ops->session_touch(e->st, "a3", NOW + 10));
	put(e, "a6", "alice", NOW + 6, 3, &ev);
	qstr(e, got, sizeof(got), "SELECT id FROM sessions WHERE owner = "
	    "'alice' ORDER BY id");
	recs(e, got);
	OK(e, ev == 1 && strcmp(got, "a3,a5,a6") == 0, "the least recently "
	    "seen goes, not the first made (%s)", got);
	OK(e, hangers(e, "a4") == 0, "what hung off it went with it");
	put(e, "a7", "alice", NOW, 3, &ev);
	qstr(e, got, sizeof(got), "SELECT id FROM sessions WHERE owner = "
	    "'alice' ORDER BY id");
	recs(e, got);
	OK(e, ev == 1 && strcmp(got, "a3,a6,a7") == 0, "the new session "
	    "stays, even when seen before the rest (%s)", got);
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "o%d", i + 1);
		put(e, id, "bob", NOW, 2, &ev);
	}
	qstr(e, got, sizeof(got), "SELECT id FROM sessions WHERE owner = "
	    "'bob' ORDER BY id");
	recs(e, got);
	OK(e, ev == 1 && strcmp(got, "o2,o3") == 0, "of sessions seen in "
	    "the same second, the first made goes (%s)", got);
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "e%d", i + 1);
		put(e, id, "", NOW, 1, &ev);
		rec(e, ev);
	}
	OK(e, QINT(e, "SELECT count(*) FROM sessions WHERE id LIKE 'e_'") ==
	    4 && ev == 0, "sessions without an owner are not capped");
}

static void
expiry(struct eng *e)
{
	put(e, "x1", "", NOW - 100, 4, NULL);
	put(e, "x2", "", NOW, 4, NULL);
	attach(e, "x1");
	OK(e, R(e, e->st->ops->session_expire(e->st, NOW - 50)) == MCP_OK,
	    "session_expire");
	OK(e, !exists(e, "x1") && exists(e, "x2"), "the session idle since "
	    "before the cut went, the other stays");
	OK(e, hangers(e, "x1") == 0, "with what hung off it");
}

static void
pending(struct eng *e)
{
	char	*json = NULL;

	put(e, "p", "", NOW, 4, NULL);
	OK(e, R(e, e->st->ops->pending_add(e->st, "p", "r1", NOW)) == MCP_OK,
	    "pending_add");
	OK(e, R(e, e->st->ops->pending_take(e->st, "p", "r1", &json)) ==
	    MCP_OK && json == NULL, "no answer yet: NULL");
	OK(e, R(e, e->st->ops->pending_answer(e->st, "p", "r1",
	    "{\"ok\":1}")) == MCP_OK, "pending_answer");
	OK(e, R(e, e->st->ops->pending_answer(e->st, "p", "r1", "{}")) ==
	    MCP_ERR_SESSION, "a second answer: MCP_ERR_SESSION");
	OK(e, R(e, e->st->ops->pending_answer(e->st, "p", "r9", "{}")) ==
	    MCP_ERR_SESSION, "an answer nobody waits for: MCP_ERR_SESSION");
	OK(e, R(e, e->st->ops->pending_take(e->st, "p", "r1", &json)) ==
	    MCP_OK && json != NULL && strcmp(json, "{\"ok\":1}") == 0,
	    "pending_take gives the first answer");
	free(json);
	json = NULL;
	OK(e, R(e, e->st->ops->pending_take(e->st, "p", "r1", &json)) ==
	    MCP_OK && json == NULL, "once");
	OK(e, R(e, e->st->ops->pending_answer(e->st, "p", "r1", "{}")) ==
	    MCP_ERR_SESSION, "then nothing waits");
	R(e, e->st->ops->pending_add(e->st, "p", "r2", NOW));
	R(e, e->st->ops->pending_answer(e->st, "p", "r2", "{}"));
	OK(e, R(e, e->st->ops->pending_add(e->st, "p", "r2", NOW + 1)) ==
	    MCP_OK && R(e, e->st->ops->pending_take(e->st, "p", "r2",
	    &json)) == MCP_OK && json == NULL, "adding a request again "
	    "forgets its answer");
	OK(e, QINT(e, "SELECT created FROM pending WHERE rid = 'r2'") ==
	    NOW + 1, "and takes the new time");
	OK(e, R(e, e->st->ops->pending_drop(e->st, "p", "r2")) == MCP_OK &&
	    R(e, e->st->ops->pending_answer(e->st, "p", "r2", "{}")) ==
	    MCP_ERR_SESSION, "pending_drop: nothing waits");
	OK(e, R(e, e->st->ops->pending_drop(e->st, "p", "r2")) == MCP_OK,
	    "dropping what is not there is no error");
	OK(e, R(e, e->st->ops->pending_add(e->st, "gone", "r1", NOW)) ==
	    MCP_ERR_STORE, "for a session that is gone: MCP_ERR_STORE");
}

static void
cancels(struct eng *e)
{
	char	 rid[16], got[64];
	int	 i, bad = 0;

	put(e, "c", "", NOW, 4, NULL);
	OK(e, R(e, e->st->ops->cancel_add(e->st, "c", "r0", NOW, NOW - 600))
	    == MCP_OK, "cancel_add");
	OK(e, R(e, e->st->ops->cancelled(e->st, "c", "r0")) == 1 &&
	    R(e, e->st->ops->cancelled(e->st, "c", "r1")) == 0 &&
	    R(e, e->st->ops->cancelled(e->st, "nope", "r0")) == 0,
	    "cancelled: 1 for it, 0 for others");
	OK(e, R(e, e->st->ops->cancel_add(e->st, "c", "r0", NOW, NOW - 600))
	    == MCP_OK && QINT(e, "SELECT count(*) FROM cancelled WHERE "
	    "session = 'c'") == 1, "the same twice: one row");
	for (i = 0; i < 70; i++) {
		snprintf(rid, sizeof(rid), "k%d", i);
		if (R(e, e->st->ops->cancel_add(e->st, "c", rid, NOW,
		    NOW - 600)) != MCP_OK)
			bad++;
	}
	OK(e, bad == 0 && QINT(e, "SELECT count(*) FROM cancelled WHERE "
	    "session = 'c'") == MCP_CANCEL_PER_SESSION, "at most "
	    "MCP_CANCEL_PER_SESSION per session");
	OK(e, R(e, e->st->ops->cancelled(e->st, "c", "r0")) == 0 &&
	    R(e, e->st->ops->cancelled(e->st, "c", "k5")) == 0 &&
	    R(e, e->st->ops->cancelled(e->st, "c", "k6")) == 1 &&
	    R(e, e->st->ops->cancelled(e->st, "c", "k69")) == 1,
	    "the oldest went");
	put(e, "c2", "", NOW, 4, NULL);
	R(e, e->st->ops->cancel_add(e->st, "c2", "r0", NOW - 10, NOW - 600));
	OK(e, R(e, e->st->ops->cancel_add(e->st, "c", "late", NOW + 601,
	    NOW)) == MCP_OK && QINT(e, "SELECT count(*) FROM cancelled WHERE "
	    "session IN ('c', 'c2')") == MCP_CANCEL_PER_SESSION &&
	    R(e, e->st->ops->cancelled(e->st, "c2", "r0")) == 0,
	    "those made before the cut went, of every session");
	OK(e, R(e, e->st->ops->cancel_add(e->st, "gone", "r0", NOW, NOW)) ==
	    MCP_ERR_STORE, "for a session that is gone: MCP_ERR_STORE");

	/* MCP_CANCEL_ROWS in all: the whole table, then one more. */
	xsql(e, "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 "
	    "FROM g WHERE i < %d) INSERT INTO sessions (id, version, created, "
	    "seen) SELECT 'cf' || CAST(i AS text), 'v', %lld, %lld FROM g",
	    MCP_CANCEL_ROWS / MCP_CANCEL_PER_SESSION - 1, NOW, NOW);
	xsql(e, "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 "
	    "FROM g WHERE i < %d) INSERT INTO cancelled (session, rid, "
	    "created) SELECT 'cf' || CAST(i / %d AS text), 'q' || "
	    "CAST(i %% %d AS text), %lld FROM g ORDER BY i",
	    MCP_CANCEL_ROWS - 1, MCP_CANCEL_PER_SESSION,
	    MCP_CANCEL_PER_SESSION, NOW + 700);
	OK(e, R(e, e->st->ops->cancel_add(e->st, "c2", "n1", NOW + 700,
	    NOW)) == MCP_OK && QINT(e, "SELECT count(*) FROM cancelled") ==
	    MCP_CANCEL_ROWS, "MCP_CANCEL_ROWS in all (%lld)",
	    (long long)QINT(e, "SELECT count(*) FROM cancelled"));
	OK(e, R(e, e->st->ops->cancelled(e->st, "cf0", "q0")) == 0 &&
	    R(e, e->st->ops->cancelled(e->st, "cf0", "q1")) == 1 &&
	    R(e, e->st->ops->cancelled(e->st, "c", "late")) == 0,
	    "the oldest went");
	/* A repeat draws a number on PostgreSQL and inserts nothing. */
	R(e, e->st->ops->cancel_add(e->st, "c2", "n1", NOW + 700, NOW));
	R(e, e->st->ops->cancel_add(e->st, "c2", "n2", NOW + 700, NOW));
	qstr(e, got, sizeof(got), "SELECT count(*) FROM cancelled");
	recs(e, got);
	OK(e, QINT(e, "SELECT count(*) FROM cancelled") == MCP_CANCEL_ROWS &&
	    R(e, e->st->ops->cancelled(e->st, "cf0", "q1")) == 0 &&
	    R(e, e->st->ops->cancelled(e->st, "cf0", "q2")) == 1,
	    "still exactly MCP_CANCEL_ROWS after a repeat (%s)", got);
	xsql(e, "DELETE FROM sessions WHERE id LIKE 'cf%%'");
}

static void
subs(struct eng *e)
{
	struct mcp_session	 g;
	char			 uri[32];
	int			 i, bad = 0;

	put(e, "u", "", NOW, 4, NULL);
	OK(e, R(e, e->st->ops->subscribe(e->st, "u", "file:///a", "w", 1)) ==
	    MCP_OK && R(e, e->st->ops->session_get(e->st, "u", 0, &g)) ==
	    MCP_OK && g.subscribed == 1, "subscribe");
	OK(e, R(e, e->st->ops->subscribe(e->st, "u", "file:///a", "v", 1)) ==
	    MCP_OK && QINT(e, "SELECT count(*) FROM subscriptions WHERE "
	    "session = 'u' AND workspace = 'w'") == 1, "again: one row, its "
	    "workspace kept");
	OK(e, R(e, e->st->ops->subscribe(e->st, "u", "file:///a", "w", 0)) ==
	    MCP_OK && R(e, e->st->ops->session_get(e->st, "u", 0, &g)) ==
	    MCP_OK && g.subscribed == 0, "unsubscribe");
	OK(e, R(e, e->st->ops->subscribe(e->st, "u", "file:///a", "w", 0)) ==
	    MCP_OK, "unsubscribing again is no error");
	for (i = 0; i < MCP_SUBS_MAX; i++) {
		snprintf(uri, sizeof(uri), "file:///%d", i);
		if (R(e, e->st->ops->subscribe(e->st, "u", uri, "", 1)) !=
		    MCP_OK)
			bad++;
	}
	OK(e, bad == 0, "MCP_SUBS_MAX subscriptions");
	OK(e, R(e, e->st->ops->subscribe(e->st, "u", "file:///more", "", 1))
	    == MCP_ERR_PARAMS, "one more: MCP_ERR_PARAMS");
	OK(e, R(e, e->st->ops->subscribe(e->st, "u", "file:///7", "", 1)) ==
	    MCP_OK, "one it holds again: MCP_OK");
	R(e, e->st->ops->subscribe(e->st, "u", "file:///7", "", 0));
	OK(e, R(e, e->st->ops->subscribe(e->st, "u", "file:///more", "", 1))
	    == MCP_OK, "after an unsubscribe there is room");
	OK(e, QINT(e, "SELECT count(*) FROM subscriptions WHERE session = "
	    "'u'") == MCP_SUBS_MAX, "MCP_SUBS_MAX rows");
	OK(e, R(e, e->st->ops->subscribe(e->st, "gone", "file:///a", "", 1))
	    == MCP_ERR_STORE, "for a session that is gone: MCP_ERR_STORE");
}

/* Makes stream the listener of sid, beating at seen. */
static void
listener(struct eng *e, const char *sid, const char *stream, int64_t seen,
    int mkstream)
{
	if (mkstream)
		xsql(e, "INSERT INTO streams (id, session, hi, created, "
		    "touched) VALUES ('%s', '%s', 0, %lld, %lld)", stream,
		    sid, NOW - 1000, NOW - 1000);
	xsql(e, "UPDATE sessions SET listener = '%s', holder = 'h', "
	    "listener_open = 1, listener_seen = %lld WHERE id = '%s'",
	    stream, (long long)seen, sid);
}

static void
notices(struct eng *e)
{
	struct mcp_session	 g;
	struct mcp_notice	*v = NULL;
	char			 got[512];
	size_t			 n = 0;
	int			 rc;

	put(e, "n1", "", NOW, 4, NULL);		/* no listener */
	put(e, "n2", "", NOW, 4, NULL);		/* its listener open */
	put(e, "n3", "", NOW, 4, NULL);		/* closed 61 s ago */
	put(e, "n4", "", NOW, 4, NULL);		/* another workspace */
	put(e, "n5", "", NOW, 4, NULL);		/* its listener unknown */
	put(e, "n6", "", NOW, 4, NULL);		/* closed 60 s ago */
	put(e, "n7", "", NOW, 4, NULL);		/* not subscribed */
	put(e, "n8", "", NOW, 4, NULL);		/* no workspace */
	listener(e, "n2", "l-n2", NOW, 1);
	listener(e, "n3", "l-n3", NOW - MCP_LISTENER_GRACE - 1, 1);
	listener(e, "n5", "l-none", NOW, 0);
	listener(e, "n6", "l-n6", NOW - MCP_LISTENER_GRACE, 1);
	xsql(e, "UPDATE sessions SET listener_open = 0 WHERE id IN "
	    "('n3', 'n6')");
	listener(e, "n7", "l-n7", NOW, 1);
	R(e, e->st->ops->subscribe(e->st, "n1", "res://x", "W", 1));
	R(e, e->st->ops->subscribe(e->st, "n2", "res://x", "W", 1));
	R(e, e->st->ops->subscribe(e->st, "n3", "res://x", "W", 1));
	R(e, e->st->ops->subscribe(e->st, "n4", "res://x", "V", 1));
	R(e, e->st->ops->subscribe(e->st, "n5", "res://x", "W", 1));
	R(e, e->st->ops->subscribe(e->st, "n6", "res://x", "W", 1));
	R(e, e->st->ops->subscribe(e->st, "n7", "res://y", "W", 1));
	R(e, e->st->ops->subscribe(e->st, "n8", "res://x", "", 1));

	OK(e, R(e, e->st->ops->notice_add(e->st, "W", "res://x",
	    "{\"m\":1}", NOW)) == MCP_OK, "notice_add");
	qstr(e, got, sizeof(got), "SELECT session FROM notices WHERE "
	    "message = '{\"m\":1}' ORDER BY session");
	recs(e, got);
	OK(e, strcmp(got, "n1,n3,n5") == 0, "a notice for the subscribers "
	    "of the workspace without a live listener (%s)", got);
	qstr(e, got, sizeof(got), "SELECT stream || ':' || CAST(seq AS "
	    "text) || ':' || data || ':' || CAST(created AS text) FROM events "
	    "WHERE stream LIKE 'l-%%' ORDER BY stream");
	recs(e, got);
	OK(e, strcmp(got, "l-n2:1:{\"m\":1}:1700000000,"
	    "l-n6:1:{\"m\":1}:1700000000") == 0, "an event on each live "
	    "listener, open or closed less than MCP_LISTENER_GRACE ago (%s)",
	    got);
	qstr(e, got, sizeof(got), "SELECT id || ':' || CAST(hi AS text) || "
	    "':' || CAST(touched AS text) FROM streams WHERE id LIKE 'l-%%' "
	    "ORDER BY id");
	recs(e, got);
	OK(e, strcmp(got, "l-n2:1:1700000000,l-n3:0:1699999000,"
	    "l-n6:1:1700000000,l-n7:0:1699999000") == 0, "their streams' "
	    "high marks moved, and only theirs (%s)", got);
	OK(e, R(e, e->st->ops->session_get(e->st, "n1", 0, &g)) == MCP_OK &&
	    g.notices == 1 && R(e, e->st->ops->session_get(e->st, "n2", 0,
	    &g)) == MCP_OK && g.notices == 0, "session_get says who has "
	    "notices");
	R(e, e->st->ops->notice_add(e->st, "W", "res://x", "{\"m\":1}", NOW));
	OK(e, QINT(e, "SELECT count(*) FROM notices WHERE session = 'n1'") ==
	    1 && QINT(e, "SELECT hi FROM streams WHERE id = 'l-n2'") == 2,
	    "the same message again: still one notice, but another event");
	R(e, e->st->ops->notice_add(e->st, "W", "res://x", "{\"m\":2}",
	    NOW + 1));
	R(e, e->st->ops->notice_add(e->st, "", "res://x", "{\"m\":3}", NOW));
	OK(e, QINT(e, "SELECT count(*) FROM notices WHERE session = 'n1'") ==
	    2 && QINT(e, "SELECT count(*) FROM notices WHERE session = 'n8'")
	    == 1 && QINT(e, "SELECT count(*) FROM notices WHERE session = "
	    "'n4'") == 0, "another message is another notice; workspaces "
	    "stay apart");
	OK(e, R(e, e->st->ops->notice_add(e->st, "W", "res://nobody", "{}",
	    NOW)) == MCP_OK, "a change nobody subscribed to");
	rc = R(e, e->st->ops->notice_take(e->st, "n1", &v, &n));
	OK(e, rc == MCP_OK && n == 2 && v[0].seq < v[1].seq &&
	    strcmp(v[0].message, "{\"m\":1}") == 0 &&
	    strcmp(v[1].message, "{\"m\":2}") == 0, "notice_take gives them "
	    "oldest first");
	mcp_notices_free(v, n);
	rec(e, (int)n);
	OK(e, R(e, e->st->ops->notice_take(e->st, "n1", &v, &n)) == MCP_OK &&
	    n == 0 && v == NULL, "and takes them");
	OK(e, R(e, e->st->ops->notice_take(e->st, "n2", &v, &n)) == MCP_OK &&
	    n == 0, "a session with none: none");
	OK(e, R(e, e->st->ops->notice_take(e->st, "gone", &v, &n)) ==
	    MCP_OK && n == 0, "a session that is gone: none");
}

/* Events 1 to n of stream (of sid), and its high mark n. */
static void
fill(struct eng *e, const char *sid, const char *stream, int n, int mk)
{
	if (mk)
		xsql(e, "INSERT INTO streams (id, session, hi, created, "
		    "touched) VALUES ('%s', '%s', 0, %lld, %lld)", stream, sid,
		    NOW, NOW);
	xsql(e, "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	    "FROM g WHERE i < %d) INSERT INTO events (stream, session, seq, "
	    "data, last, created) SELECT '%s', '%s', i, 'x', 0, %lld FROM g "
	    "ORDER BY i", n, stream, sid, NOW);
	xsql(e, "UPDATE streams SET hi = %d WHERE id = '%s'", n, stream);
}

/* The bounds of SQLite's events_bound trigger, on a notice's events. */
static void
bounds(struct eng *e)
{
	char	 got[128];

	put(e, "b1", "", NOW, 4, NULL);
	put(e, "b2", "", NOW, 4, NULL);
	put(e, "b3", "", NOW, 4, NULL);
	put(e, "b4", "", NOW, 4, NULL);
	fill(e, "b1", "lsb1", MCP_EVENTS_PER_STREAM, 1);
	fill(e, "b2", "osb2", MCP_EVENTS_PER_STREAM, 1);
	fill(e, "b2", "otb2", MCP_EVENTS_PER_SESSION - MCP_EVENTS_PER_STREAM -
	    10, 1);
	fill(e, "b2", "lsb2", 10, 1);
	listener(e, "b1", "lsb1", NOW, 0);
	listener(e, "b2", "lsb2", NOW, 0);
	R(e, e->st->ops->subscribe(e->st, "b1", "res://b", "B", 1));
	R(e, e->st->ops->subscribe(e->st, "b2", "res://b", "B", 1));
	R(e, e->st->ops->subscribe(e->st, "b4", "res://q", "B", 1));
	R(e, e->st->ops->notice_add(e->st, "B", "res://b", "{\"b\":1}", NOW));
	qstr(e, got, sizeof(got), "SELECT CAST(count(*) AS text) || ':' || "
	    "CAST(min(seq) AS text) || ':' || CAST(max(seq) AS text) FROM "
	    "events WHERE stream = 'lsb1'");
	recs(e, got);
	OK(e, strcmp(got, "1000:2:1001") == 0, "a stream keeps its newest "
	    "MCP_EVENTS_PER_STREAM (%s)", got);
	qstr(e, got, sizeof(got), "SELECT CAST(count(*) AS text) || ':' || "
	    "CAST(min(seq) AS text) || ':' || CAST(max(seq) AS text) FROM "
	    "events WHERE session = 'b2' GROUP BY stream ORDER BY stream");
	recs(e, got);
	OK(e, strcmp(got, "11:1:11,999:2:1000,990:1:990") == 0, "a session "
	    "keeps its newest MCP_EVENTS_PER_SESSION, of all its streams (%s)",
	    got);

	xsql(e, "INSERT INTO streams (id, session, hi, created, touched) "
	    "VALUES ('olds', 'b3', 2, %lld, %lld); INSERT INTO events "
	    "(stream, session, seq, data, last, created) VALUES ('olds', "
	    "'b3', 1, 'x', 0, %lld), ('olds', 'b3', 2, 'x', 0, %lld)",
	    NOW, NOW, NOW - MCP_EVENT_KEEP - 1, NOW - MCP_EVENT_KEEP);
	R(e, e->st->ops->notice_add(e->st, "B", "res://q", "{\"b\":1}", NOW));
	OK(e, QINT(e, "SELECT count(*) FROM events WHERE stream = 'olds'") ==
	    2, "a notice without events drops none");
	R(e, e->st->ops->notice_add(e->st, "B", "res://b", "{\"b\":2}", NOW));
	qstr(e, got, sizeof(got), "SELECT seq FROM events WHERE stream = "
	    "'olds' ORDER BY seq");
	recs(e, got);
	OK(e, strcmp(got, "2") == 0, "an event drops those older than "
	    "MCP_EVENT_KEEP, of every stream (%s)", got);

	/* MCP_EVENT_ROWS below the newest id go. */
	if (e->pg != NULL)
		xsql(e, "SELECT setval(pg_get_serial_sequence('events', "
		    "'id'), 3000000)");
	else
		xsql(e, "UPDATE sqlite_sequence SET seq = 3000000 WHERE "
		    "name = 'events'");
	xsql(e, "INSERT INTO events (id, stream, session, seq, data, last, "
	    "created) VALUES (2000002, 'olds', 'b3', 3, 'x', 0, %lld), "
	    "(2000003, 'olds', 'b3', 4, 'x', 0, %lld)", NOW, NOW);
	R(e, e->st->ops->notice_add(e->st, "B", "res://b", "{\"b\":3}", NOW));
	qstr(e, got, sizeof(got), "SELECT id FROM events WHERE id > 2000000 "
	    "ORDER BY id");
	recs(e, got);
	OK(e, strcmp(got, "2000003,3000001,3000002") == 0, "an event drops "
	    "those MCP_EVENT_ROWS ids below it (%s)", got);
	OK(e, QINT(e, "SELECT count(*) FROM events WHERE id < 2000000") == 0,
	    "and every older one");
}

/* PostgreSQL: a notice's event wakes the listeners of every host. */
static void
wakeups(struct eng *e, const char *url)
{
	struct pollfd	 pfd;
	PGnotify	*nt;
	PGresult	*r;
	PGconn		*c;
	int		 got = 0, i;

	put(e, "w1", "", NOW, 4, NULL);
	put(e, "w2", "", NOW, 4, NULL);
	listener(e, "w1", "l-w1", NOW, 1);
	R(e, e->st->ops->subscribe(e->st, "w1", "res://w1", "N", 1));
	R(e, e->st->ops->subscribe(e->st, "w2", "res://w2", "N", 1));
	c = PQconnectdb(url);
	r = PQexec(c, "LISTEN mcp_events");
	ok(PQresultStatus(r) == PGRES_COMMAND_OK, "[pg] LISTEN mcp_events");
	PQclear(r);
	pfd.fd = PQsocket(c);
	pfd.events = POLLIN;
	e->st->ops->notice_add(e->st, "N", "res://w2", "{}", NOW);
	for (i = 0; i < 2 && !got; i++) {
		if (poll(&pfd, 1, 150) == 1)
			PQconsumeInput(c);
		while ((nt = PQnotifies(c)) != NULL) {
			got++;
			PQfreemem(nt);
		}
	}
	ok(got == 0, "[pg] a notice with no event wakes nobody");
	e->st->ops->notice_add(e->st, "N", "res://w1", "{}", NOW);
	for (i = 0; i < 30 && !got; i++) {
		if (poll(&pfd, 1, 100) == 1)
			PQconsumeInput(c);
		while ((nt = PQnotifies(c)) != NULL) {
			if (strcmp(nt->relname, "mcp_events") == 0)
				got++;
			PQfreemem(nt);
		}
	}
	ok(got == 1, "[pg] an event NOTIFYs mcp_events (%d)", got);
	PQfinish(c);
}

/* --- Eight writers at once, each with its connection. --- */

struct worker {
	const char		*path;
	pthread_barrier_t	*bar;
	int			 n;
	int			 fail;
	int			 evicted;
	int			 okays, params, sessions, others;
	int			 answered, taken;
};

static void *
work(void *arg)
{
	struct worker		*w = arg;
	struct mcp_store	*st;
	struct mcp_session	 s;
	char			 err[256], id[32], *json;
	int			 i, ev;
	enum mcp_err		 e;

	st = mcp_store_open(w->path, err, sizeof(err));
	pthread_barrier_wait(w->bar);
	if (st == NULL) {
		w->fail++;
		for (i = 0; i < 6; i++)
			pthread_barrier_wait(w->bar);
		return NULL;
	}
	/* One owner's sessions: never more than max_owned. */
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "cr-%d-%d", w->n, i);
		mksess(&s, id, "crowd", NOW + i);
		if (st->ops->session_put(st, &s, 5, &ev) != MCP_OK)
			w->fail++;
		else
			w->evicted += ev;
	}
	pthread_barrier_wait(w->bar);
	/* One session's subscriptions: never more than MCP_SUBS_MAX. */
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "sub://%d/%d", w->n, i);
		e = st->ops->subscribe(st, "sbc", id, "", 1);
		if (e == MCP_OK)
			w->okays++;
		else if (e == MCP_ERR_PARAMS)
			w->params++;
		else
			w->others++;
	}
	pthread_barrier_wait(w->bar);
	/* One session's cancellations. */
	for (i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "cc-%d-%d", w->n, i);
		if (st->ops->cancel_add(st, "cc", id, NOW, NOW - 600) !=
		    MCP_OK)
			w->fail++;
	}
	pthread_barrier_wait(w->bar);
	/* The same notice from everyone; distinct events on a listener. */
	if (st->ops->notice_add(st, "C", "res://c", "{\"same\":1}", NOW) !=
	    MCP_OK)
		w->fail++;
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "{\"n\":\"%d-%d\"}", w->n, i);
		if (st->ops->notice_add(st, "C", "res://l", id, NOW) != MCP_OK)
			w->fail++;
	}
	pthread_barrier_wait(w->bar);
	/* One answer: one answers it, one takes it. */
	e = st->ops->pending_answer(st, "pc", "r", "{\"a\":1}");
	if (e == MCP_OK)
		w->answered++;
	else if (e == MCP_ERR_SESSION)
		w->sessions++;
	else
		w->others++;
	pthread_barrier_wait(w->bar);
	json = NULL;
	if (st->ops->pending_take(st, "pc", "r", &json) != MCP_OK)
		w->fail++;
	else if (json != NULL)
		w->taken++;
	free(json);
	pthread_barrier_wait(w->bar);
	st->ops->close(st);
	return NULL;
}

static void
concurrent(struct eng *e)
{
	pthread_barrier_t	 bar;
	pthread_t		 t[THREADS];
	struct worker		 w[THREADS];
	char			 uri[32];
	int			 i, fail = 0, ev = 0, okays = 0, params = 0;
	int			 others = 0, answered = 0, taken = 0;

	put(e, "sbc", "", NOW, 4, NULL);
	for (i = 0; i < MCP_SUBS_MAX - 6; i++) {
		snprintf(uri, sizeof(uri), "pre://%d", i);
		e->st->ops->subscribe(e->st, "sbc", uri, "", 1);
	}
	put(e, "cc", "", NOW, 4, NULL);
	put(e, "nc", "", NOW, 4, NULL);
	put(e, "nl", "", NOW, 4, NULL);
	listener(e, "nl", "l-nl", NOW, 1);
	R(e, e->st->ops->subscribe(e->st, "nc", "res://c", "C", 1));
	R(e, e->st->ops->subscribe(e->st, "nl", "res://l", "C", 1));
	put(e, "pc", "", NOW, 4, NULL);
	R(e, e->st->ops->pending_add(e->st, "pc", "r", NOW));

	pthread_barrier_init(&bar, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].path = e->path;
		w[i].bar = &bar;
		w[i].n = i;
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		fail += w[i].fail;
		ev += w[i].evicted;
		okays += w[i].okays;
		params += w[i].params;
		others += w[i].others;
		answered += w[i].answered;
		taken += w[i].taken;
	}
	pthread_barrier_destroy(&bar);
	OK(e, fail == 0 && others == 0, "%d writers at once: no call failed "
	    "(%d, %d)", THREADS, fail, others);
	OK(e, QINT(e, "SELECT count(*) FROM sessions WHERE owner = 'crowd'") ==
	    5 && ev == THREADS * 10 - 5, "one owner's sessions: max_owned "
	    "left, every other evicted and counted (%d)", ev);
	OK(e, QINT(e, "SELECT count(*) FROM subscriptions WHERE session = "
	    "'sbc'") == MCP_SUBS_MAX && okays == 6 && params == THREADS * 4 -
	    6, "one session's subscriptions: exactly MCP_SUBS_MAX (%d taken, "
	    "%d refused)", okays, params);
	OK(e, QINT(e, "SELECT count(*) FROM cancelled WHERE session = 'cc'") ==
	    MCP_CANCEL_PER_SESSION, "one session's cancellations: "
	    "MCP_CANCEL_PER_SESSION");
	OK(e, QINT(e, "SELECT count(*) FROM notices WHERE session = 'nc'") ==
	    1, "the same notice from everyone: one");
	OK(e, QINT(e, "SELECT count(DISTINCT seq) FROM events WHERE stream = "
	    "'l-nl'") == THREADS * 5 && QINT(e, "SELECT max(seq) FROM events "
	    "WHERE stream = 'l-nl'") == THREADS * 5 && QINT(e, "SELECT hi "
	    "FROM streams WHERE id = 'l-nl'") == THREADS * 5,
	    "events on one listener: numbered 1 to %d, none lost", THREADS * 5);
	OK(e, answered == 1 && taken == 1, "one answer: answered once (%d), "
	    "taken once (%d)", answered, taken);
}

int
main(void)
{
	static struct eng	 eng[2];
	const char		*url = getenv("MCP_TEST_PG");
	char			 dir[] = "/tmp/pg_session.XXXXXX", path[128];
	size_t			 i;

	if (url == NULL || *url == '\0') {
		printf("# pg_session: MCP_TEST_PG unset: no PostgreSQL to "
		    "test against, skipped\n");
		printf("1..0 # SKIP MCP_TEST_PG unset\n");
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/mcp.db", dir);
	if (eng_open(&eng[0], "pg", url) == -1 ||
	    eng_open(&eng[1], "sqlite", path) == -1) {
		ok(0, "both stores open");
		return done();
	}
	if (QINT(&eng[0], "SELECT count(*) FROM sessions") != 0) {
		printf("Bail out! MCP_TEST_PG names a database that is not "
		    "empty\n");
		return 1;
	}
	for (i = 0; i < 2; i++) {
		basic(&eng[i]);
		eviction(&eng[i]);
		expiry(&eng[i]);
		pending(&eng[i]);
		cancels(&eng[i]);
		subs(&eng[i]);
		notices(&eng[i]);
		bounds(&eng[i]);
		concurrent(&eng[i]);
	}
	eng_compare(&eng[0], &eng[1]);
	wakeups(&eng[0], url);
	eng_close(&eng[0]);
	eng_close(&eng[1]);
	eng_rmdir(dir);
	return done();
}
