/*
 * stream.c: the held SSE streams of a FastCGI process.
 *
 * A worker checks and authenticates a GET, writes the headers (and the
 * priming event of a new stream), then hands the connection over
 * (mcp_streams_adopt()) and goes back to accepting.  One thread keeps
 * every held connection in one poll() set and writes the FastCGI records
 * itself, non-blocking, each stream's owed bytes in a bounded queue.
 *
 * Events come from the store: the thread follows the store-wide event
 * ids (event_scan) every stream_poll_ms while it holds a stream (at once
 * when a process's own event wakes it), and hands each event to the
 * streams it names.  A store that wakes its readers (events_fd():
 * PostgreSQL's NOTIFY, from any process of any host) is scanned when it
 * does (at most once per stream_poll_ms) and otherwise only every
 * WOKEN_POLL_MS, in case a wake-up was lost with its connection.  A
 * stream just adopted first replays its own events from the one after
 * the last the client had, a chunk at a time as its client takes them
 * (catch_up()).  Each stream remembers the next number it expects, so
 * an event seen twice (by the replay and the scan) goes out once, in
 * order.
 *
 * A stream ends when the client leaves (the web server closes the
 * connection or aborts the request), when a live event would make it
 * owe more than stream_queue_bytes or it took nothing for
 * write_timeout_seconds while owed (closed at once: the client resumes
 * with Last-Event-ID), when the token it was opened with expires, after
 * stream_max_seconds, after the event marked last (a resumed POST
 * stream's answer), or when its listener claim was taken by a resume
 * elsewhere or its session ended.  Sent bytes leave the queue as they
 * go, so it holds what is owed and no more.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

/* FastCGI 1.0 record types and the header (its §3.3, §8). */
#define FCGI_HEADER_LEN		8
#define FCGI_END_REQUEST	3
#define FCGI_ABORT_REQUEST	2
#define FCGI_STDOUT		6
#define FCGI_RECORD_MAX		32768	/* content bytes per record here */

#define SCAN_ROWS		512	/* events per store read */
#define REPLAY_ROWS		64	/* a stream's own, per read */
#define COMPACT_AT		16384	/* sent bytes dropped from the queue */
/* The beat of a store that wakes us (at least stream_poll_ms). */
#define WOKEN_POLL_MS		1000

struct held {
	struct mcp_stream_spec	 sp;
	int			 fd;
	unsigned		 reqid;
	int64_t			 next;		/* the seq the client needs */
	int			 behind;	/* its events come by replay */
	struct mcp_buf		 out;		/* records owed */
	size_t			 off;		/* of out, written */
	time_t			 opened, wrote, beat;
	time_t			 rchecked;	/* revocation, last looked */
	unsigned char		 hdr[FCGI_HEADER_LEN];
	size_t			 hlen;		/* header bytes read */
	size_t			 skip;		/* record bytes to skip */
	int			 ending;	/* end records queued */
	int			 dead;
};

struct subj {
	char	 name[256];
	int	 n;
};

static struct {
	pthread_mutex_t		 lock;
	int			 wake[2];
	struct mcp_server	*srv;
	struct held		**inbox;	/* adopted, not yet taken */
	size_t			 ninbox;
	int			 total;		/* held and reserved */
	int			 held;		/* in the poll set or inbox */
	struct subj		*subj;		/* max_streams of them */
} S = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 } };

/* --- Admission (any thread) --- */

static struct subj *
subj_find(const char *name, int make)
{
	int	 i, free_at = -1;

	for (i = 0; i < S.srv->cfg.max_streams; i++) {
		if (S.subj[i].n > 0 && strcmp(S.subj[i].name, name) == 0)
			return &S.subj[i];
		if (S.subj[i].n == 0 && free_at == -1)
			free_at = i;
	}
	if (!make || free_at == -1)
		return NULL;
	mcp_strlcpy(S.subj[free_at].name, name, sizeof(S.subj[0].name));
	return &S.subj[free_at];
}

enum mcp_err
mcp_streams_admit(const char *subject)
{
	struct subj	*u;
	enum mcp_err	 e = MCP_OK;

	if (S.srv == NULL)
		return MCP_ERR_NOSTREAM;
	pthread_mutex_lock(&S.lock);
	if (S.total >= S.srv->cfg.max_streams)
		e = MCP_ERR_STREAMS;
	else if ((u = subj_find(subject, 1)) == NULL)
		e = MCP_ERR_STREAMS;
	/* Without tokens every caller is one: max_streams alone bounds it. */
	else if (subject[0] != '\0' &&
	    u->n >= S.srv->cfg.max_streams_subject)
		e = MCP_ERR_SUBSTREAMS;
	else {
		u->n++;
		S.total++;
	}
	pthread_mutex_unlock(&S.lock);
	return e;
}

void
mcp_streams_release(const char *subject)
{
	struct subj	*u;

	pthread_mutex_lock(&S.lock);
	if ((u = subj_find(subject, 0)) != NULL)
		u->n--;
	S.total--;
	pthread_mutex_unlock(&S.lock);
}

int
mcp_streams_adopt(int fd, unsigned reqid, const struct mcp_stream_spec *sp)
{
	struct held	*h, **v;
	int		 fl;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->sp = *sp;
	h->fd = fd;
	h->reqid = reqid;
	h->next = sp->after + 1;
	h->behind = 1;
	h->opened = h->wrote = h->beat = time(NULL);
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		free(h);
		return -1;
	}
	pthread_mutex_lock(&S.lock);
	if ((v = reallocarray(S.inbox, S.ninbox + 1, sizeof(*v))) == NULL) {
		pthread_mutex_unlock(&S.lock);
		/* The worker keeps the connection: blocking, as it was. */
		(void)fcntl(fd, F_SETFL, fl);
		free(h);
		return -1;
	}
	S.inbox = v;
	S.inbox[S.ninbox++] = h;
	S.held++;
	pthread_mutex_unlock(&S.lock);
	/* Full pipe: a wake is pending anyway. */
	if (write(S.wake[1], "", 1) == -1 && errno != EAGAIN)
		mcp_logx(MCP_LEVEL_ERROR, sp->rid, "streams: wake: %s",
		    strerror(errno));
	return 0;
}

void
mcp_streams_poke(void)
{
	int	 any;

	if (S.srv == NULL)
		return;
	pthread_mutex_lock(&S.lock);
	any = S.held > 0;
	pthread_mutex_unlock(&S.lock);
	/* Full pipe: a wake is pending anyway. */
	if (any && write(S.wake[1], "", 1) == -1 && errno != EAGAIN)
		mcp_logx(MCP_LEVEL_ERROR, NULL, "streams: wake: %s",
		    strerror(errno));
}

/* --- Records --- */

static void
header(unsigned char *p, int type, unsigned reqid, size_t len)
{
	p[0] = 1;
	p[1] = (unsigned char)type;
	p[2] = (unsigned char)(reqid >> 8);
	p[3] = (unsigned char)reqid;
	p[4] = (unsigned char)(len >> 8);
	p[5] = (unsigned char)len;
	p[6] = 0;
	p[7] = 0;
}

/*
 * Queues text as FCGI_STDOUT records.  Past the queue bound (one event
 * always fits an empty queue): -1, and with live set the stream is dead,
 * for its client stopped reading; a replay just stops there.
 */
static int
owe(struct held *h, const char *text, size_t len, int live)
{
	unsigned char	 hd[FCGI_HEADER_LEN];
	size_t		 k, owed = h->out.len - h->off;

	if (h->dead || h->ending)
		return 0;
	if (owed > 0 && owed + len > S.srv->cfg.stream_queue) {
		if (!live)
			return -1;
		mcp_logx(MCP_LEVEL_WARNING, h->sp.rid, "stream %s: the "
		    "client owes more than %zu bytes: closed", h->sp.stream,
		    S.srv->cfg.stream_queue);
		h->dead = 1;
		return -1;
	}
	do {
		k = len < FCGI_RECORD_MAX ? len : FCGI_RECORD_MAX;
		header(hd, FCGI_STDOUT, h->reqid, k);
		if (mcp_buf_add(&h->out, hd, sizeof(hd)) == -1 ||
		    mcp_buf_add(&h->out, text, k) == -1) {
			h->dead = 1;
			return -1;
		}
		text += k;
		len -= k;
	} while (len > 0);
	return 0;
}

static int	owe_event(struct held *, int64_t, const char *, int);

/*
 * The end of the stream's body and of its request (FastCGI §5.5); a
 * listen's result first (2026-07-28: a server ending a listen sends it).
 */
static void
finish(struct held *h)
{
	unsigned char	 rec[2 * FCGI_HEADER_LEN + 8];
	struct mcp_buf	 b = { 0 };

	if (h->dead || h->ending)
		return;
	if (h->sp.subid[0] != '\0') {
		if (mcp_buf_printf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%s,"
		    "\"result\":{\"resultType\":\"complete\",\"_meta\":{\""
		    MCP_SUBSCRIPTION_ID "\":%s}}}", h->sp.subid, h->sp.subid) == -1)
			h->dead = 1;
		else
			owe_event(h, 0, b.p, 1);
		mcp_buf_free(&b);
	}
	header(rec, FCGI_STDOUT, h->reqid, 0);
	header(rec + FCGI_HEADER_LEN, FCGI_END_REQUEST, h->reqid, 8);
	memset(rec + 2 * FCGI_HEADER_LEN, 0, 8);	/* status 0, complete */
	if (mcp_buf_add(&h->out, rec, sizeof(rec)) == -1)
		h->dead = 1;
	h->ending = 1;
}

/*
 * A listen's message carries its id in params._meta; a new string (or
 * NULL) the caller frees.
 */
static char *
tagged(const struct held *h, const char *data)
{
	struct json_object	*msg, *params, *meta, *id;
	char			*out = NULL;

	if ((msg = json_tokener_parse(data)) == NULL ||
	    (id = json_tokener_parse(h->sp.subid)) == NULL) {
		json_object_put(msg);
		return NULL;
	}
	if (!json_object_object_get_ex(msg, "params", &params) ||
	    !json_object_is_type(params, json_type_object)) {
		params = json_object_new_object();
		mcp_json_set(msg, "params", params);
	}
	if (!json_object_object_get_ex(params, "_meta", &meta) ||
	    !json_object_is_type(meta, json_type_object)) {
		meta = json_object_new_object();
		mcp_json_set(params, "_meta", meta);
	}
	mcp_json_set(meta, MCP_SUBSCRIPTION_ID, id);
	out = strdup(mcp_json_text(msg));
	json_object_put(msg);
	return out;
}

/* One SSE event of the held stream, numbered seq (unless noids). */
static int
owe_event(struct held *h, int64_t seq, const char *data, int live)
{
	struct mcp_buf	 b = { 0 };
	int		 rc;

	if (h->sp.noids)
		rc = mcp_buf_printf(&b, "event: message\ndata: %s\n\n",
		    data);
	else
		rc = mcp_buf_printf(&b, "event: message\nid: %s-%lld\n"
		    "data: %s\n\n", h->sp.stream, (long long)seq, data);
	if (rc == -1)
		h->dead = 1;
	else
		rc = owe(h, b.p, b.len, live);
	mcp_buf_free(&b);
	return rc;
}

/* 0 if the event is out (or was already), -1 if it did not fit. */
static int
send_event(struct held *h, const struct mcp_event *ev, int live)
{
	char	*t = NULL;
	int	 rc = 0;

	if (ev->seq < h->next)
		return 0;		/* out already */
	if (ev->data != NULL && h->sp.subid[0] != '\0') {
		if ((t = tagged(h, ev->data)) == NULL)
			h->dead = 1;
		else
			rc = owe_event(h, ev->seq, t, live);
		free(t);
	} else if (ev->data != NULL)
		rc = owe_event(h, ev->seq, ev->data, live);
	if (rc == -1)
		return -1;
	h->next = ev->seq + 1;
	if (ev->last)
		finish(h);
	return 0;
}

/* --- The thread --- */

struct set {
	struct held	**h;
	size_t		  n, cap;
	int64_t		  cursor;	/* store-wide event id followed */
	struct mcp_store *st;
};

struct pull {
	struct held	*h;
	int		 rows;		/* read */
	int		 full;		/* one did not fit */
};

static int
replayed(void *arg, const struct mcp_event *ev)
{
	struct pull	*p = arg;

	p->rows++;
	if (send_event(p->h, ev, 0) == -1) {
		p->full = 1;
		return -1;
	}
	return 0;
}

static int
scanned(void *arg, const struct mcp_event *ev)
{
	struct set	*s = arg;
	size_t		 i;

	s->cursor = ev->id;
	for (i = 0; i < s->n; i++)
		if (!s->h[i]->behind &&
		    strcmp(s->h[i]->sp.stream, ev->stream) == 0)
			send_event(s->h[i], ev, 1);
	return 0;
}

static void
take_inbox(struct set *s)
{
	struct held	**v;
	size_t		  i;

	pthread_mutex_lock(&S.lock);
	if (s->n + S.ninbox > s->cap) {
		if ((v = reallocarray(s->h, s->n + S.ninbox,
		    sizeof(*v))) == NULL) {
			pthread_mutex_unlock(&S.lock);
			return;		/* taken at the next wake */
		}
		s->h = v;
		s->cap = s->n + S.ninbox;
	}
	/* The first stream: follow events from now on. */
	if (s->n == 0 && S.ninbox > 0 &&
	    s->st->ops->event_top(s->st, &s->cursor) != MCP_OK)
		s->cursor = 0;
	for (i = 0; i < S.ninbox; i++)
		s->h[s->n++] = S.inbox[i];
	S.ninbox = 0;
	pthread_mutex_unlock(&S.lock);
}

static void
drop(struct set *s, size_t i)
{
	struct held	*h = s->h[i];

	close(h->fd);
	if (h->sp.holder[0] != '\0')
		s->st->ops->listener_close(s->st, h->sp.sid, h->sp.holder,
		    (int64_t)time(NULL));
	mcp_logx(MCP_LEVEL_INFO, h->sp.rid, "stream %s closed after %lld "
	    "s", h->sp.stream, (long long)(time(NULL) - h->opened));
	/* 2024-11-05: the session lives as long as its stream. */
	if (h->sp.ends_session &&
	    s->st->ops->session_delete(s->st, h->sp.sid) == MCP_OK)
		mcp_logx(MCP_LEVEL_INFO, h->sp.rid, "session ended with its "
		    "stream");
	mcp_streams_release(h->sp.subject);
	pthread_mutex_lock(&S.lock);
	S.held--;
	pthread_mutex_unlock(&S.lock);
	mcp_buf_free(&h->out);
	free(h);
	s->h[i] = s->h[--s->n];
}

/* Reads what the web server sends: only an abort or the end matter. */
static void
readable(struct held *h)
{
	unsigned char	 buf[4096];
	ssize_t		 n, i = 0;
	size_t		 k;

	if ((n = read(h->fd, buf, sizeof(buf))) == 0 ||
	    (n == -1 && errno != EAGAIN && errno != EINTR)) {
		h->dead = 1;
		return;
	}
	while (i < n) {
		if (h->skip > 0) {
			k = (size_t)(n - i) < h->skip ? (size_t)(n - i) :
			    h->skip;
			h->skip -= k;
			i += (ssize_t)k;
			continue;
		}
		h->hdr[h->hlen++] = buf[i++];
		if (h->hlen < FCGI_HEADER_LEN)
			continue;
		h->hlen = 0;
		if (h->hdr[1] == FCGI_ABORT_REQUEST &&
		    ((unsigned)h->hdr[2] << 8 | h->hdr[3]) == h->reqid) {
			h->dead = 1;
			return;
		}
		h->skip = ((size_t)h->hdr[4] << 8 | h->hdr[5]) + h->hdr[6];
	}
}

static void
writable(struct held *h)
{
	ssize_t	 n;

	while (h->off < h->out.len) {
		n = write(h->fd, h->out.p + h->off, h->out.len - h->off);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				h->dead = 1;
			return;
		}
		h->off += (size_t)n;
		h->wrote = time(NULL);
		/*
		 * What was sent goes: the buffer holds the bytes owed (at
		 * most the queue bound and one event), however long a
		 * client that never quite catches up keeps it from emptying.
		 */
		if (h->off >= COMPACT_AT && h->off < h->out.len) {
			memmove(h->out.p, h->out.p + h->off,
			    h->out.len - h->off);
			h->out.len -= h->off;
			h->out.p[h->out.len] = '\0';
			h->off = 0;
		}
	}
	mcp_buf_free(&h->out);		/* all sent: its memory back too */
	h->off = 0;
}

/*
 * A stream behind the store (just adopted, or catching up on a long
 * replay) reads its own events, REPLAY_ROWS at a time while its queue is
 * below half its bound; once a read comes back short, it takes new
 * events as they are scanned.  Nothing is lost between the two: the
 * replay runs before the next scan, and what commits after it has a
 * higher store-wide id than the scan has reached.
 */
static void
catch_up(struct set *s)
{
	struct held	*h;
	struct pull	 p;
	size_t		 i;

	for (i = 0; i < s->n; i++) {
		h = s->h[i];
		if (!h->behind || h->dead || h->ending || h->out.len - h->off >
		    S.srv->cfg.stream_queue / 2)
			continue;
		p.h = h;
		p.rows = p.full = 0;
		if (s->st->ops->event_replay(s->st, h->sp.stream, h->next - 1,
		    REPLAY_ROWS, replayed, &p) != MCP_OK)
			h->dead = 1;
		else if (!p.full && p.rows < REPLAY_ROWS)
			h->behind = 0;
	}
}

/* What each stream needs once per poll interval. */
static void
tick(struct set *s, time_t now)
{
	struct mcp_server	*srv = S.srv;
	struct held		*h;
	size_t			 i;
	int			 rv;
	int64_t			 before;

	catch_up(s);
	do {
		before = s->cursor;
		if (s->n == 0 || s->st->ops->event_scan(s->st, s->cursor,
		    SCAN_ROWS, scanned, s) != MCP_OK)
			break;
	} while (s->cursor >= before + SCAN_ROWS);
	for (i = 0; i < s->n; i++) {
		h = s->h[i];
		if (h->ending || h->dead)
			continue;
		/* A client that takes nothing while owed: gone for us. */
		if (h->off < h->out.len &&
		    now - h->wrote >= srv->cfg.write_timeout) {
			mcp_logx(MCP_LEVEL_WARNING, h->sp.rid, "stream %s: the "
			    "client took nothing for %d s: closed",
			    h->sp.stream, srv->cfg.write_timeout);
			h->dead = 1;
			continue;
		}
		/* The token it was opened with has expired: re-authorise. */
		if (h->sp.expires > 0 && (int64_t)now >= h->sp.expires) {
			mcp_logx(MCP_LEVEL_INFO, h->sp.rid, "stream %s: its "
			    "access token expired", h->sp.stream);
			finish(h);
			continue;
		}
		/*
		 * Its client or sign-in revoked (mcpctl, /oauth/revoke, a
		 * replayed refresh token): ended as a request would be
		 * refused, once a second; the list is as fresh as
		 * revocation_cache_seconds.  Unknown (the store failing):
		 * ended too, as a request would get 503.
		 */
		if (h->sp.client[0] != '\0' && now != h->rchecked) {
			h->rchecked = now;
			if ((rv = mcp_auth_revoked(srv->auth, s->st,
			    h->sp.client, h->sp.family)) != 0) {
				mcp_logx(MCP_LEVEL_NOTICE, h->sp.rid, "stream "
				    "%s: %s", h->sp.stream, rv == 1 ? "its "
				    "client or sign-in was revoked" : "the "
				    "revocation list is unavailable");
				finish(h);
				continue;
			}
		}
		if (h->sp.holder[0] != '\0' && now - h->beat >= MCP_LISTENER_BEAT) {
			h->beat = now;
			if (s->st->ops->listener_beat(s->st, h->sp.sid,
			    h->sp.holder, (int64_t)now) == MCP_ERR_NOTFOUND) {
				mcp_logx(MCP_LEVEL_INFO, h->sp.rid, "stream "
				    "%s: resumed elsewhere or its session "
				    "ended", h->sp.stream);
				finish(h);
			}
		}
		if (now - h->opened >= srv->cfg.stream_max_seconds)
			finish(h);
		else if (now - h->wrote >= srv->cfg.keepalive &&
		    h->out.len == h->off) {
			owe(h, ": keep-alive\n\n", 14, 1);
			h->wrote = now;
		}
	}
}

static void *
streams_main(void *arg)
{
	struct set	 s = { 0 };
	struct pollfd	*pf = NULL, *npf;
	struct timespec	 t0, t1;
	size_t		 i, cap = 0, nfd;
	char		 junk[64], err[256];
	long		 since;
	int		 timeout, wait, efd, woken, due = 0;

	(void)arg;
	if ((s.st = mcp_store_open(S.srv->cfg.store_path, err,
	    sizeof(err))) == NULL) {
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "streams: store: %s", err);
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (cap < s.n + 2) {
			if ((npf = reallocarray(pf, s.n + 2,
			    sizeof(*pf))) == NULL) {
				sleep(1);
				continue;
			}
			pf = npf;
			cap = s.n + 2;
		}
		/*
		 * The store's wake-up, asked each time (a reconnect makes it
		 * new), polled even while no stream is held so that what it
		 * is sent is read.  Without one (SQLite, or the database out
		 * of reach) the scan runs every stream_poll_ms.
		 */
		timeout = S.srv->cfg.stream_poll_ms;
		if ((efd = s.st->ops->events_fd(s.st)) >= 0 &&
		    timeout < WOKEN_POLL_MS)
			timeout = WOKEN_POLL_MS;
		wait = s.n > 0 ? timeout : -1;
		if (due) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			since = (t1.tv_sec - t0.tv_sec) * 1000L +
			    (t1.tv_nsec - t0.tv_nsec) / 1000000L;
			wait = since < S.srv->cfg.stream_poll_ms ?
			    S.srv->cfg.stream_poll_ms - (int)since : 0;
		}
		nfd = s.n + 1;
		if (efd >= 0) {
			pf[nfd].fd = efd;
			pf[nfd].events = POLLIN;
			pf[nfd].revents = 0;
			nfd++;
		}
		pf[0].fd = S.wake[0];
		pf[0].events = POLLIN;
		for (i = 0; i < s.n; i++) {
			pf[i + 1].fd = s.h[i]->fd;
			pf[i + 1].events = POLLIN | (s.h[i]->off <
			    s.h[i]->out.len ? POLLOUT : 0);
			pf[i + 1].revents = 0;
		}
		pf[0].revents = 0;
		if (poll(pf, nfd, wait) == -1 && errno != EINTR) {
			mcp_logx(MCP_LEVEL_ERROR, NULL, "streams: poll: %s",
			    strerror(errno));
			sleep(1);
		}
		woken = efd >= 0 && (pf[nfd - 1].revents &
		    (POLLIN | POLLHUP | POLLERR));
		for (i = 0; i < s.n; i++) {
			if (pf[i + 1].revents & (POLLIN | POLLHUP | POLLERR))
				readable(s.h[i]);
			if (pf[i + 1].revents & POLLOUT)
				writable(s.h[i]);
		}
		if (pf[0].revents & POLLIN) {
			while (read(S.wake[0], junk, sizeof(junk)) > 0)
				;
			take_inbox(&s);
		}
		/* Read before the scan: what comes after wakes us again. */
		if (woken) {
			s.st->ops->events_woken(s.st);
			due = s.n > 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		since = (t1.tv_sec - t0.tv_sec) * 1000L +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000L;
		/*
		 * A new stream is served at once, the others on the beat;
		 * an event that woke us as soon as stream_poll_ms has passed
		 * since the last scan (no more scans than SQLite's polling
		 * makes, however many events wake us).
		 */
		if (since >= timeout || (pf[0].revents & POLLIN) ||
		    (due && since >= S.srv->cfg.stream_poll_ms)) {
			t0 = t1;
			due = 0;
			tick(&s, time(NULL));
		}
		for (i = 0; i < s.n; i++)
			if (s.h[i]->off < s.h[i]->out.len && !s.h[i]->dead)
				writable(s.h[i]);
		/* A long replay goes on as fast as its client reads. */
		catch_up(&s);
		for (i = s.n; i-- > 0;)
			if (s.h[i]->dead || (s.h[i]->ending &&
			    s.h[i]->off == s.h[i]->out.len))
				drop(&s, i);
	}
	return NULL;
}

int
mcp_streams_start(struct mcp_server *srv, char *err, size_t errsz)
{
	pthread_t	 t;

	if ((S.subj = calloc((size_t)srv->cfg.max_streams,
	    sizeof(*S.subj))) == NULL ||
	    pipe2(S.wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errsz, "streams: %s", strerror(errno));
		return -1;
	}
	S.srv = srv;
	if ((errno = pthread_create(&t, NULL, streams_main, NULL)) != 0) {
		snprintf(err, errsz, "streams: pthread_create: %s",
		    strerror(errno));
		S.srv = NULL;
		return -1;
	}
	pthread_detach(t);
	return 0;
}
