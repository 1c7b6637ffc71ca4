/*
 * pg_events.c: SSE streams, events and listeners on PostgreSQL
 * (lib/store_pg_events.c), in the database MCP_TEST_PG names (a libpq
 * URL of an empty database; without it the test is skipped).
 *
 * The same sequence of calls runs on PostgreSQL and on an SQLite store
 * in a temporary directory, and both must answer alike, call by call:
 * opening streams (again, for a gone session), adding events (to a gone
 * stream), a stream's bounds, replay and scan order, listener claims
 * (held, stale, taken over, the session gone), beats and closes, and
 * the bounds SQLite's trigger keeps (MCP_STREAMS_PER_SESSION,
 * MCP_EVENTS_PER_STREAM, MCP_EVENTS_PER_SESSION, MCP_EVENT_KEEP).  On
 * PostgreSQL alone: MCP_EVENT_ROWS; event ids that writers on 8
 * connections draw concurrently reach a reader that follows them with
 * event_scan() each exactly once (none committed behind its cursor);
 * and another connection's events_fd() becomes readable within a second
 * of an event_add() that commits, not for one that fails, and stays so
 * while that connection runs statements.
 */
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "extern.h"
#include "tap.h"

#define NOW		1700000000LL
#define WRITERS		8
#define PER_WRITER	200

struct eng {
	const char		*name;
	struct mcp_store	*st;
	PGconn			*pg;	/* PostgreSQL: the test's own */
	sqlite3			*db;	/* SQLite: the test's own */
	char			 trace[65536];	/* what each call answered */
	size_t			 len;
};

static const char	*url;

static void
say(struct eng *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends one line to the engine's trace. */
static void
say(struct eng *e, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (e->len >= sizeof(e->trace) - 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(e->trace + e->len, sizeof(e->trace) - e->len - 1, fmt,
	    ap);
	va_end(ap);
	if (n > 0)
		e->len += (size_t)n < sizeof(e->trace) - e->len - 1 ?
		    (size_t)n : sizeof(e->trace) - e->len - 2;
	e->trace[e->len++] = '\n';
	e->trace[e->len] = '\0';
}

/* A statement of the test's own on the engine; -1 on failure. */
static int
sql(struct eng *e, const char *q)
{
	PGresult	*r;
	int		 rc;

	if (e->pg != NULL) {
		r = PQexec(e->pg, q);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ||
		    PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
		if (rc == -1)
			printf("# %s: %s", q, PQresultErrorMessage(r));
		PQclear(r);
		return rc;
	}
	if (sqlite3_exec(e->db, q, NULL, NULL, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", q, sqlite3_errmsg(e->db));
		return -1;
	}
	return 0;
}

/* The one integer q gives; -1 on failure. */
static long long
scalar(struct eng *e, const char *q)
{
	PGresult	*r;
	sqlite3_stmt	*st;
	long long	 v = -1;

	if (e->pg != NULL) {
		r = PQexec(e->pg, q);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else
			printf("# %s: %s", q, PQresultErrorMessage(r));
		PQclear(r);
		return v;
	}
	if (sqlite3_prepare_v2(e->db, q, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A session the events may hang off (session_put is another area's). */
static void
mksess(struct eng *e, const char *id)
{
	char	 q[256];

	snprintf(q, sizeof(q), "INSERT INTO sessions (id, version, created, "
	    "seen) VALUES ('%s', '2025-11-25', %lld, %lld)", id, NOW, NOW);
	(void)sql(e, q);
}

static const char *
err(enum mcp_err e)
{
	switch (e) {
	case MCP_OK:
		return "OK";
	case MCP_ERR_NOTFOUND:
		return "NOTFOUND";
	case MCP_ERR_CONFLICT:
		return "CONFLICT";
	case MCP_ERR_SESSION:
		return "SESSION";
	case MCP_ERR_STORE:
		return "STORE";
	default:
		return "other";
	}
}

static enum mcp_err
sopen(struct eng *e, const char *stream, const char *sid, int64_t now)
{
	enum mcp_err	 r;

	r = e->st->ops->stream_open(e->st, stream, sid, now);
	say(e, "open %s %s: %s", stream, sid, err(r));
	return r;
}

static int64_t
add(struct eng *e, const char *stream, const char *data, int last,
    int64_t now)
{
	enum mcp_err	 r;
	int64_t		 seq = -1;

	r = e->st->ops->event_add(e->st, stream, data, last, now, &seq);
	say(e, "add %s: %s %lld", stream, err(r),
	    r == MCP_OK ? (long long)seq : -1LL);
	return r == MCP_OK ? seq : -1;
}

/* A stream as stream_get() has it: "sid lo hi done" or the error. */
static const char *
sget(struct eng *e, const char *stream, char *out, size_t outsz)
{
	char		 sid[MCP_SESSION_ID_LEN + 1];
	int64_t		 lo, hi;
	int		 done_;
	enum mcp_err	 r;

	r = e->st->ops->stream_get(e->st, stream, sid, &lo, &hi, &done_);
	if (r == MCP_OK)
		snprintf(out, outsz, "%s %lld %lld %d", sid, (long long)lo,
		    (long long)hi, done_);
	else
		snprintf(out, outsz, "%s", err(r));
	say(e, "get %s: %s", stream, out);
	return out;
}

struct list {
	char	 text[2048];
	size_t	 len;
	int	 n;
	int	 stop_at;	/* stop after this many (0: never) */
	int64_t	 last_id;
	int	 ordered;	/* ids came in rising order */
};

static int
listed(void *arg, const struct mcp_event *ev)
{
	struct list	*l = arg;
	int		 k;

	if (l->n > 0 && ev->id <= l->last_id)
		l->ordered = 0;
	l->last_id = ev->id;
	k = snprintf(l->text + l->len, sizeof(l->text) - l->len,
	    "%s%s/%lld=%s%s", l->n ? " " : "", ev->stream,
	    (long long)ev->seq, ev->data != NULL ? ev->data : "NULL",
	    ev->last ? "!" : "");
	if (k > 0 && (size_t)k < sizeof(l->text) - l->len)
		l->len += (size_t)k;
	l->n++;
	return l->stop_at > 0 && l->n >= l->stop_at ? -1 : 0;
}

static const char *
replay(struct eng *e, const char *stream, int64_t after, int limit,
    int stop_at, struct list *l)
{
	enum mcp_err	 r;

	memset(l, 0, sizeof(*l));
	l->ordered = 1;
	l->stop_at = stop_at;
	r = e->st->ops->event_replay(e->st, stream, after, limit, listed, l);
	say(e, "replay %s>%lld/%d: %s [%s]", stream, (long long)after, limit,
	    err(r), l->text);
	return l->text;
}

static const char *
scan(struct eng *e, int64_t after, int limit, struct list *l)
{
	enum mcp_err	 r;

	memset(l, 0, sizeof(*l));
	l->ordered = 1;
	r = e->st->ops->event_scan(e->st, after, limit, listed, l);
	say(e, "scan: %s [%s]", err(r), l->text);
	return l->text;
}

static enum mcp_err
claim(struct eng *e, const char *sid, const char *stream,
    const char *holder, int64_t now, int64_t stale, int takeover)
{
	enum mcp_err	 r;

	r = e->st->ops->listener_claim(e->st, sid, stream, holder, now,
	    stale, takeover);
	say(e, "claim %s %s %s: %s", sid, stream, holder, err(r));
	return r;
}

static enum mcp_err
beat(struct eng *e, const char *sid, const char *holder, int64_t now)
{
	enum mcp_err	 r;

	r = e->st->ops->listener_beat(e->st, sid, holder, now);
	say(e, "beat %s %s: %s", sid, holder, err(r));
	return r;
}

static enum mcp_err
lclose(struct eng *e, const char *sid, const char *holder, int64_t now)
{
	enum mcp_err	 r;

	r = e->st->ops->listener_close(e->st, sid, holder, now);
	say(e, "close %s %s: %s", sid, holder, err(r));
	return r;
}

/* What a stream holds and replays; every call of the area once. */
static void
basics(struct eng *e)
{
	struct list	 l;
	char		 b[256];
	int64_t		 top, top2;

	mksess(e, "sA");
	ok(sopen(e, "st1", "sA", NOW) == MCP_OK, "%s: stream_open", e->name);
	ok(sopen(e, "st1", "sA", NOW + 1) == MCP_OK &&
	    scalar(e, "SELECT created FROM streams WHERE id = 'st1'") == NOW,
	    "%s: opening a known stream again does nothing", e->name);
	ok(strcmp(sget(e, "st1", b, sizeof(b)), "sA 0 0 0") == 0,
	    "%s: a new stream: its priming event alone (%s)", e->name, b);
	ok(strcmp(replay(e, "st1", -1, 10, 0, &l), "st1/0=NULL") == 0,
	    "%s: the priming event has no data (%s)", e->name, l.text);
	ok(sopen(e, "st9", "gone", NOW) == MCP_ERR_STORE &&
	    strcmp(sget(e, "st9", b, sizeof(b)), "NOTFOUND") == 0,
	    "%s: no stream for a session that does not exist", e->name);
	ok(e->st->ops->event_top(e->st, &top) == MCP_OK && top > 0,
	    "%s: event_top counts the priming event", e->name);
	ok(add(e, "st1", "{\"a\":1}", 0, NOW) == 1 &&
	    add(e, "st1", "{\"a\":2}", 0, NOW) == 2,
	    "%s: event_add numbers a stream's events 1, 2", e->name);
	ok(add(e, "nope", "{}", 0, NOW) == -1 &&
	    strstr(e->trace, "add nope: NOTFOUND") != NULL,
	    "%s: event_add to a gone stream: NOTFOUND", e->name);
	ok(strcmp(sget(e, "st1", b, sizeof(b)), "sA 0 2 0") == 0,
	    "%s: stream_get: lo 0, hi 2, not done (%s)", e->name, b);
	ok(scalar(e, "SELECT touched FROM streams WHERE id = 'st1'") == NOW,
	    "%s: event_add touches the stream", e->name);
	mksess(e, "sB");
	sopen(e, "st2", "sB", NOW);
	add(e, "st2", "{\"b\":1}", 0, NOW);
	ok(add(e, "st1", "{\"a\":3}", 1, NOW) == 3 &&
	    strcmp(sget(e, "st1", b, sizeof(b)), "sA 0 3 1") == 0,
	    "%s: the last event makes the stream done (%s)", e->name, b);
	replay(e, "st1", 0, 10, 0, &l);
	ok(strcmp(l.text, "st1/1={\"a\":1} st1/2={\"a\":2} "
	    "st1/3={\"a\":3}!") == 0 && l.ordered,
	    "%s: event_replay: a stream's events after seq 0, in order (%s)",
	    e->name, l.text);
	ok(strcmp(replay(e, "st1", 1, 1, 0, &l), "st1/2={\"a\":2}") == 0,
	    "%s: event_replay: after 1, at most 1 (%s)", e->name, l.text);
	ok(strcmp(replay(e, "st1", 0, 10, 2, &l),
	    "st1/1={\"a\":1} st1/2={\"a\":2}") == 0,
	    "%s: event_replay stops when its callback says so", e->name);
	ok(strcmp(replay(e, "nope", 0, 10, 0, &l), "") == 0 &&
	    strstr(e->trace, "replay nope>0/10: OK []") != NULL,
	    "%s: event_replay of a gone stream: nothing", e->name);
	scan(e, top, 100, &l);
	ok(strcmp(l.text, "st1/1={\"a\":1} st1/2={\"a\":2} st2/0=NULL "
	    "st2/1={\"b\":1} st1/3={\"a\":3}!") == 0 && l.ordered,
	    "%s: event_scan: every stream's events in id order (%s)", e->name,
	    l.text);
	ok(e->st->ops->event_top(e->st, &top2) == MCP_OK && top2 == l.last_id,
	    "%s: event_top is the highest id given", e->name);
	ok(strcmp(scan(e, top, 2, &l), "st1/1={\"a\":1} st1/2={\"a\":2}") ==
	    0 && strcmp(scan(e, top2, 10, &l), "") == 0,
	    "%s: event_scan: at most limit; none past the top", e->name);
}

/* Claims, beats and closes of a session's listener. */
static void
listeners(struct eng *e)
{
	ok(claim(e, "sA", "st1", "h1", NOW, NOW - 15, 0) == MCP_OK,
	    "%s: listener_claim of a free listener", e->name);
	ok(claim(e, "sA", "st1", "h2", NOW + 1, NOW - 14, 0) ==
	    MCP_ERR_CONFLICT, "%s: listener_claim while another holder's is "
	    "open and fresh: CONFLICT", e->name);
	ok(claim(e, "sA", "st1", "h1", NOW + 1, NOW - 14, 0) == MCP_OK,
	    "%s: the holder may claim it again", e->name);
	ok(beat(e, "sA", "h1", NOW + 2) == MCP_OK &&
	    scalar(e, "SELECT listener_seen FROM sessions WHERE id = 'sA'") ==
	    NOW + 2 && scalar(e, "SELECT seen FROM sessions WHERE id = "
	    "'sA'") == NOW + 2, "%s: listener_beat: seen by its holder",
	    e->name);
	ok(beat(e, "sA", "h1", NOW + 1) == MCP_OK &&
	    scalar(e, "SELECT seen FROM sessions WHERE id = 'sA'") == NOW + 2,
	    "%s: a beat never moves the session's seen back", e->name);
	ok(beat(e, "sA", "h2", NOW + 2) == MCP_ERR_NOTFOUND,
	    "%s: listener_beat by another holder: NOTFOUND", e->name);
	ok(claim(e, "sA", "st1", "h2", NOW + 3, NOW - 12, 1) == MCP_OK,
	    "%s: takeover (the client resumes that stream)", e->name);
	ok(beat(e, "sA", "h1", NOW + 4) == MCP_ERR_NOTFOUND,
	    "%s: listener_beat after a takeover: NOTFOUND", e->name);
	ok(claim(e, "sA", "st1", "h3", NOW + 4, NOW + 3, 0) ==
	    MCP_ERR_CONFLICT, "%s: a beat at the stale bound still holds",
	    e->name);
	ok(claim(e, "sA", "st1", "h3", NOW + 20, NOW + 4, 0) == MCP_OK,
	    "%s: a stale listener may be claimed", e->name);
	ok(lclose(e, "sA", "h2", NOW + 21) == MCP_ERR_NOTFOUND,
	    "%s: listener_close by a former holder: NOTFOUND", e->name);
	ok(lclose(e, "sA", "h3", NOW + 21) == MCP_OK &&
	    scalar(e, "SELECT listener_open FROM sessions WHERE id = 'sA'") ==
	    0 && scalar(e, "SELECT listener_seen FROM sessions WHERE id = "
	    "'sA'") == NOW + 21, "%s: listener_close marks it closed at now",
	    e->name);
	ok(beat(e, "sA", "h3", NOW + 22) == MCP_ERR_NOTFOUND,
	    "%s: no beat on a closed listener", e->name);
	ok(claim(e, "sA", "st1", "h4", NOW + 22, NOW - 100, 0) == MCP_OK,
	    "%s: a closed listener may be claimed", e->name);
	ok(claim(e, "gone", "st1", "h1", NOW, NOW - 15, 1) == MCP_ERR_SESSION &&
	    claim(e, "gone", "st1", "h1", NOW, NOW - 15, 0) == MCP_ERR_SESSION,
	    "%s: listener_claim for a gone session: SESSION", e->name);
	ok(beat(e, "gone", "h1", NOW) == MCP_ERR_NOTFOUND &&
	    lclose(e, "gone", "h1", NOW) == MCP_ERR_NOTFOUND,
	    "%s: beat and close for a gone session: NOTFOUND", e->name);
}

/* MCP_STREAMS_PER_SESSION and MCP_EVENT_KEEP for a session's streams. */
static void
streams(struct eng *e)
{
	char	 id[32], b[128];
	int	 i;

	mksess(e, "sS");
	for (i = 0; i <= MCP_STREAMS_PER_SESSION; i++) {
		snprintf(id, sizeof(id), "b%d", i);
		sopen(e, id, "sS", NOW + i);
	}
	ok(scalar(e, "SELECT count(*) FROM streams WHERE session = 'sS'") ==
	    MCP_STREAMS_PER_SESSION && strcmp(sget(e, "b0", b, sizeof(b)),
	    "NOTFOUND") == 0, "%s: %d streams a session, the least recently "
	    "touched dropped", e->name, MCP_STREAMS_PER_SESSION);
	ok(scalar(e, "SELECT count(*) FROM events WHERE stream = 'b0'") == 0,
	    "%s: its events went with it", e->name);
	/*
	 * b1, the oldest, is the listener: kept past the bound.  b2 was
	 * touched by an event: b3 goes next.
	 */
	claim(e, "sS", "b1", "h", NOW + 100, 0, 0);
	add(e, "b2", "{}", 0, NOW + 101);
	snprintf(id, sizeof(id), "b%d", MCP_STREAMS_PER_SESSION + 1);
	sopen(e, id, "sS", NOW + 102);
	ok(scalar(e, "SELECT count(*) FROM streams WHERE session = 'sS'") ==
	    MCP_STREAMS_PER_SESSION + 1 && strcmp(sget(e, "b1", b, sizeof(b)),
	    "NOTFOUND") != 0, "%s: the session's listener is never dropped",
	    e->name);
	snprintf(id, sizeof(id), "b%d", MCP_STREAMS_PER_SESSION + 2);
	sopen(e, id, "sS", NOW + 103);
	ok(strcmp(sget(e, "b1", b, sizeof(b)), "NOTFOUND") != 0 &&
	    strcmp(sget(e, "b2", b, sizeof(b)), "NOTFOUND") != 0 &&
	    strcmp(sget(e, "b3", b, sizeof(b)), "NOTFOUND") == 0 &&
	    scalar(e, "SELECT count(*) FROM streams WHERE session = 'sS'") ==
	    MCP_STREAMS_PER_SESSION + 1, "%s: the next goes, not one an "
	    "event touched", e->name);
	sopen(e, "late", "sS", NOW + 103 + MCP_EVENT_KEEP + 1);
	ok(scalar(e, "SELECT count(*) FROM streams WHERE session = 'sS'") ==
	    2 && strcmp(sget(e, "b1", b, sizeof(b)), "NOTFOUND") != 0,
	    "%s: streams untouched for MCP_EVENT_KEEP dropped, not the "
	    "listener", e->name);
}

/* MCP_EVENTS_PER_STREAM, MCP_EVENTS_PER_SESSION, MCP_EVENT_KEEP. */
static void
bounds(struct eng *e)
{
	char	 b[128], q[128];
	int	 i;

	mksess(e, "sC");
	sopen(e, "c1", "sC", NOW + 200);
	sopen(e, "c2", "sC", NOW + 200);
	for (i = 0; i < MCP_EVENTS_PER_STREAM + 1; i++)
		if (e->st->ops->event_add(e->st, "c1", "{}", 0, NOW + 200,
		    &(int64_t){ 0 }) != MCP_OK)
			break;
	ok(i == MCP_EVENTS_PER_STREAM + 1 && strcmp(sget(e, "c1", b,
	    sizeof(b)), "sC 2 1001 0") == 0, "%s: a stream keeps its newest "
	    "%d events (%s)", e->name, MCP_EVENTS_PER_STREAM, b);
	for (i = 0; i < MCP_EVENTS_PER_STREAM; i++)
		if (e->st->ops->event_add(e->st, "c2", "{}", 0, NOW + 200,
		    &(int64_t){ 0 }) != MCP_OK)
			break;
	ok(strcmp(sget(e, "c2", b, sizeof(b)), "sC 1 1000 0") == 0 &&
	    strcmp(sget(e, "c1", b, sizeof(b)), "sC 2 1001 0") == 0 &&
	    scalar(e, "SELECT count(*) FROM events WHERE session = 'sC'") ==
	    MCP_EVENTS_PER_SESSION, "%s: at %d a session's events stay",
	    e->name, MCP_EVENTS_PER_SESSION);
	sopen(e, "c3", "sC", NOW + 200);
	ok(strcmp(sget(e, "c1", b, sizeof(b)), "sC 3 1001 0") == 0 &&
	    scalar(e, "SELECT count(*) FROM events WHERE session = 'sC'") ==
	    MCP_EVENTS_PER_SESSION, "%s: past %d (a priming event), the "
	    "session's oldest goes (%s)", e->name, MCP_EVENTS_PER_SESSION, b);
	add(e, "c3", "{}", 0, NOW + 200);
	ok(strcmp(sget(e, "c1", b, sizeof(b)), "sC 4 1001 0") == 0 &&
	    strcmp(sget(e, "c3", b, sizeof(b)), "sC 0 1 0") == 0 &&
	    scalar(e, "SELECT count(*) FROM events WHERE session = 'sC'") ==
	    MCP_EVENTS_PER_SESSION, "%s: and past it by an event (%s)",
	    e->name, b);
	/* Everything so far is older than NOW + 200 + KEEP + 1 - KEEP. */
	add(e, "st2", "{\"late\":1}", 0, NOW + 200 + MCP_EVENT_KEEP + 1);
	snprintf(q, sizeof(q), "SELECT count(*) FROM events WHERE created "
	    "<= %lld", NOW + 200);
	ok(strcmp(sget(e, "c1", b, sizeof(b)), "sC 1002 1001 0") == 0 &&
	    strcmp(sget(e, "st1", b, sizeof(b)), "sA 4 3 0") == 0 &&
	    scalar(e, q) == 0 && scalar(e, "SELECT count(*) FROM events") == 2,
	    "%s: events older than MCP_EVENT_KEEP go, whatever stream (%s)",
	    e->name, b);
}

/* MCP_EVENT_ROWS: ids a million apart (PostgreSQL: move the identity). */
static void
rows(struct eng *e)
{
	char	 q[160];
	long long top;

	sopen(e, "r1", "sC", NOW + 600);
	add(e, "r1", "{}", 0, NOW + 600);
	top = scalar(e, "SELECT max(id) FROM events");
	snprintf(q, sizeof(q), "ALTER TABLE events ALTER COLUMN id RESTART "
	    "WITH %lld", top + MCP_EVENT_ROWS);
	sql(e, q);
	add(e, "r1", "{}", 0, NOW + 600);
	ok(scalar(e, "SELECT count(*) FROM events") == 1 &&
	    scalar(e, "SELECT min(seq) FROM events WHERE stream = 'r1'") == 2,
	    "%s: ids %d below the newest go (MCP_EVENT_ROWS)", e->name,
	    MCP_EVENT_ROWS);
}

/* --- Concurrency: ids reach a reader in order --- */

struct writer {
	int		 i;
	int		 failed;
};

static struct {
	pthread_mutex_t	 lock;
	int		 writers_done;
} W = { PTHREAD_MUTEX_INITIALIZER, 0 };

static void *
write_events(void *arg)
{
	struct writer		*w = arg;
	struct mcp_store	*st;
	char			 stream[32], data[64], e_[256];
	int64_t			 seq;
	int			 k;

	if ((st = mcp_store_open(url, e_, sizeof(e_))) == NULL) {
		w->failed = PER_WRITER;
		goto out;
	}
	snprintf(stream, sizeof(stream), "w%d", w->i);
	for (k = 1; k <= PER_WRITER; k++) {
		snprintf(data, sizeof(data), "{\"w\":%d,\"k\":%d}", w->i, k);
		if (st->ops->event_add(st, stream, data, 0, NOW + 1000,
		    &seq) != MCP_OK || seq != k)
			w->failed++;
	}
	st->ops->close(st);
out:
	pthread_mutex_lock(&W.lock);
	W.writers_done++;
	pthread_mutex_unlock(&W.lock);
	return NULL;
}

struct reader {
	int64_t		 cursor;
	int		 seen[WRITERS][PER_WRITER + 1];
	int		 total, backwards, foreign, scans;
	int		 failed;
};

static int
read_one(void *arg, const struct mcp_event *ev)
{
	struct reader	*r = arg;
	int		 w;

	if (ev->id <= r->cursor)
		r->backwards++;
	r->cursor = ev->id;
	if (ev->data == NULL)
		return 0;
	if (sscanf(ev->stream, "w%d", &w) != 1 || w < 0 || w >= WRITERS ||
	    ev->seq < 1 || ev->seq > PER_WRITER) {
		r->foreign++;
		return 0;
	}
	r->seen[w][ev->seq]++;
	r->total++;
	return 0;
}

static void *
read_events(void *arg)
{
	struct reader		*r = arg;
	struct mcp_store	*st;
	char			 e_[256];
	int64_t			 before;
	int			 finished;
	time_t			 t0 = time(NULL);

	if ((st = mcp_store_open(url, e_, sizeof(e_))) == NULL) {
		r->failed = 1;
		return NULL;
	}
	/*
	 * Scans while the writers write, a page of 64 at a time, and stops
	 * after a scan that began once every writer had returned (so all
	 * their events had committed) and found nothing more.
	 */
	for (;;) {
		pthread_mutex_lock(&W.lock);
		finished = W.writers_done == WRITERS;
		pthread_mutex_unlock(&W.lock);
		before = r->cursor;
		if (st->ops->event_scan(st, r->cursor, 64, read_one, r) !=
		    MCP_OK)
			r->failed++;
		r->scans++;
		if ((finished && r->cursor == before) ||
		    time(NULL) - t0 > 120)
			break;
	}
	st->ops->close(st);
	return NULL;
}

static void
concurrency(struct eng *e)
{
	pthread_t	 tw[WRITERS], tr;
	struct writer	 w[WRITERS];
	struct reader	*r;
	char		 id[32], sid[32];
	int		 i, k, missing = 0, twice = 0, failed = 0;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return;
	/* A session and a stream each, ready before the reader starts. */
	for (i = 0; i < WRITERS; i++) {
		snprintf(sid, sizeof(sid), "sw%d", i);
		mksess(e, sid);
		snprintf(id, sizeof(id), "w%d", i);
		e->st->ops->stream_open(e->st, id, sid, NOW + 1000);
	}
	e->st->ops->event_top(e->st, &r->cursor);
	W.writers_done = 0;
	pthread_create(&tr, NULL, read_events, r);
	for (i = 0; i < WRITERS; i++) {
		w[i].i = i;
		w[i].failed = 0;
		pthread_create(&tw[i], NULL, write_events, &w[i]);
	}
	for (i = 0; i < WRITERS; i++) {
		pthread_join(tw[i], NULL);
		failed += w[i].failed;
	}
	pthread_join(tr, NULL);
	for (i = 0; i < WRITERS; i++)
		for (k = 1; k <= PER_WRITER; k++) {
			if (r->seen[i][k] == 0)
				missing++;
			else if (r->seen[i][k] > 1)
				twice++;
		}
	ok(failed == 0, "%s: %d writers on their own connections add %d "
	    "events each (%d failed)", e->name, WRITERS, PER_WRITER, failed);
	ok(r->failed == 0 && missing == 0 && twice == 0 && r->backwards == 0 &&
	    r->foreign == 0, "%s: a reader following ids with event_scan() "
	    "saw each exactly once meanwhile (%d scans, %d missing, %d "
	    "twice, %d out of order)", e->name, r->scans, missing, twice,
	    r->backwards);
	free(r);
}

/* --- Wake-ups --- */

static int
readable(int fd, int ms)
{
	struct pollfd	 pf = { .fd = fd, .events = POLLIN };

	return poll(&pf, 1, ms) == 1 && (pf.revents & POLLIN);
}

static void
wakeups(struct eng *e)
{
	struct mcp_store	*other;
	struct list		 l;
	char			 e_[256];
	int64_t			 seq, top;
	int			 fd;

	if ((other = mcp_store_open(url, e_, sizeof(e_))) == NULL) {
		ok(0, "%s: a second connection: %s", e->name, e_);
		return;
	}
	fd = other->ops->events_fd(other);
	ok(fd >= 0, "%s: events_fd() gives a descriptor", e->name);
	if (fd < 0) {
		other->ops->close(other);
		return;
	}
	other->ops->events_woken(other);
	ok(!readable(fd, 0), "%s: quiet while nothing was added", e->name);
	ok(e->st->ops->event_add(e->st, "st2", "{\"wake\":1}", 0,
	    NOW + 2000, &seq) == MCP_OK && readable(fd, 1000),
	    "%s: another connection's event_add() wakes it within 1 s",
	    e->name);
	/* Statements on the woken store's own connection leave it so. */
	other->ops->event_top(other, &top);
	scan(e, top - 1, 10, &l);
	other->ops->event_scan(other, top - 1, 10, listed, &l);
	ok(readable(fd, 0), "%s: still readable after that store ran "
	    "statements", e->name);
	other->ops->events_woken(other);
	ok(!readable(fd, 0), "%s: events_woken() reads the wake-up",
	    e->name);
	ok(e->st->ops->event_add(e->st, "nope", "{}", 0, NOW + 2000,
	    &seq) == MCP_ERR_NOTFOUND && !readable(fd, 300),
	    "%s: an event_add() that fails wakes nobody", e->name);
	ok(e->st->ops->stream_open(e->st, "quiet", "sB", NOW + 2000) ==
	    MCP_OK && !readable(fd, 300), "%s: a priming event wakes nobody",
	    e->name);
	ok(other->ops->events_fd(other) == fd, "%s: the same descriptor "
	    "while its connection lives", e->name);
	other->ops->close(other);
}

/* The first line where the traces differ, or NULL. */
static const char *
differs(const char *a, const char *b, char *out, size_t outsz)
{
	size_t	 i = 0, line = 0;

	while (a[i] != '\0' && a[i] == b[i]) {
		if (a[i] == '\n')
			line = i + 1;
		i++;
	}
	if (a[i] == b[i])
		return NULL;
	snprintf(out, outsz, "pg: %.*s | sqlite: %.*s",
	    (int)strcspn(a + line, "\n"), a + line,
	    (int)strcspn(b + line, "\n"), b + line);
	return out;
}

int
main(void)
{
	struct eng	*pg, *lite;
	char		 dir[] = "/tmp/pg_events.XXXXXX", path[160], e_[256];
	char		 d[1024];
	const char	*why;
	int		 fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((url = getenv("MCP_TEST_PG")) == NULL || *url == '\0') {
		/* The comment line shows in make unit's summary too. */
		printf("# pg_events skipped: MCP_TEST_PG (a libpq URL of an "
		    "empty database) is unset\n1..0 # SKIP MCP_TEST_PG "
		    "unset\n");
		return 0;
	}
	if ((pg = calloc(1, sizeof(*pg))) == NULL ||
	    (lite = calloc(1, sizeof(*lite))) == NULL ||
	    mkdtemp(dir) == NULL)
		return 1;
	pg->name = "pg";
	lite->name = "sqlite";
	if ((pg->st = mcp_store_open(url, e_, sizeof(e_))) == NULL) {
		ok(0, "the PostgreSQL store opens: %s", e_);
		return done();
	}
	if ((pg->pg = PQconnectdb(url)) == NULL ||
	    PQstatus(pg->pg) != CONNECTION_OK) {
		ok(0, "a connection of the test's own");
		return done();
	}
	/* Empty, as a run before may have left it. */
	sql(pg, "SET client_min_messages = warning");
	sql(pg, "TRUNCATE sessions, streams, events RESTART IDENTITY "
	    "CASCADE");
	snprintf(path, sizeof(path), "%s/x.db", dir);
	if ((lite->st = mcp_store_open(path, e_, sizeof(e_))) == NULL ||
	    sqlite3_open(path, &lite->db) != SQLITE_OK) {
		ok(0, "the SQLite store opens: %s", e_);
		return done();
	}
	sqlite3_busy_timeout(lite->db, 5000);
	ok((fd = lite->st->ops->events_fd(lite->st)) == -1,
	    "sqlite: no wake-ups (the streams thread polls)");

	basics(pg);
	basics(lite);
	listeners(pg);
	listeners(lite);
	streams(pg);
	streams(lite);
	bounds(pg);
	bounds(lite);
	why = differs(pg->trace, lite->trace, d, sizeof(d));
	ok(why == NULL, "PostgreSQL and SQLite answered every call alike%s%s",
	    why != NULL ? ": " : "", why != NULL ? why : "");

	rows(pg);
	concurrency(pg);
	wakeups(pg);

	pg->st->ops->close(pg->st);
	PQfinish(pg->pg);
	lite->st->ops->close(lite->st);
	sqlite3_close(lite->db);
	unlink(path);
	snprintf(path, sizeof(path), "%s/x.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/x.db-shm", dir);
	unlink(path);
	rmdir(dir);
	free(pg);
	free(lite);
	return done();
}
