/*
 * audit.c: the trail of every request to a protected endpoint: when, the
 * request id, who (issuer, subject, client, workspace), what (JSON-RPC
 * method, tool, the scopes it required), the outcome, the HTTP status and
 * the latency.  Never the token.
 *
 * Two sinks: one JSON line per request in audit_log, and one row per
 * request in the store, so that "who called what, how often, and what
 * failed" is one query (`mcpctl audit`, the get_usage tool).  A request
 * refused before authentication (401, a bad Origin, a client that failed
 * to authenticate at the token endpoint) can be sent by anyone, as fast
 * as they like: it keeps its JSON line (the operator's file, to rotate),
 * but in the store it only adds to a count per minute, source address,
 * method, outcome and status (audit_anon, bounded in store.h).  A persistent
 * process queues the records and a flusher thread writes them every
 * FLUSH_MS (or when QUEUE_MAX are waiting): the lines with one write(2) on
 * an O_APPEND descriptor (whole lines, so processes do not interleave),
 * the rows in one transaction (one SQLite write per request would
 * serialize every process on the store's write lock).  A stopping process
 * flushes what is queued; a killed one loses at most FLUSH_MS of records.
 * Plain CGI writes its one record directly.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define QUEUE_MAX	512
#define FLUSH_MS	200

/* A queued row owns copies of its strings. */
struct row {
	struct mcp_audit	 a;
	char			 rid[17];
	char			 iss[256];
	char			 sub[256];
	char			 client[256];
	char			 workspace[128];
	char			 addr[64];
	char			 method[48];
	char			 tool[64];
	char			 scopes[256];
	char			 outcome[32];
};

static struct {
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	struct row		*rows;
	struct row		*batch;		/* the rows being written */
	size_t			 n;
	int			 running;
	int			 stop;
	pthread_t		 thread;
	struct mcp_store	*st;
	int			 fd;		/* audit_log or -1 */
	int			 days;		/* audit_retention_days */
} q = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0,
    0, 0, 0, NULL, -1, 90 };

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* Copies s (NULL: empty) into dst[sz], truncated. */
static void
copy(char *dst, size_t sz, const char *s)
{
	mcp_strlcpy(dst, or_empty(s), sz);
}

/* Points a row's strings at its own copies of them. */
static void
own(struct row *w)
{
	w->a.rid = w->rid;
	w->a.iss = w->iss;
	w->a.sub = w->sub;
	w->a.client_id = w->client;
	w->a.workspace = w->workspace;
	w->a.addr = w->addr;
	w->a.method = w->method;
	w->a.tool = w->tool;
	w->a.scopes = w->scopes;
	w->a.outcome = w->outcome;
}

/* Appends ,"key":"s" (s is UTF-8: it came through our parser). */
static void
jstr(struct mcp_buf *b, const char *key, const char *s)
{
	mcp_buf_add(b, ",\"", 2);
	mcp_buf_puts(b, key);
	mcp_buf_add(b, "\":", 2);
	mcp_json_write_string(b, s, strlen(s));
}

/* Appends ,"key":v, or the line's opening {"key":v when first. */
static void
jint(struct mcp_buf *b, const char *key, int64_t v, int first)
{
	mcp_buf_add(b, first ? "{\"" : ",\"", 2);
	mcp_buf_puts(b, key);
	mcp_buf_add(b, "\":", 2);
	mcp_json_write_int(b, v);
}

/* Appends one JSON line for a to b. */
static void
json_line(struct mcp_buf *b, const struct mcp_audit *a)
{
	jint(b, "ts_ms", a->ts_ms, 1);
	jint(b, "status", a->status, 0);
	jint(b, "latency_us", a->latency_us, 0);
	jstr(b, "rid", a->rid);
	jstr(b, "iss", a->iss);
	jstr(b, "sub", a->sub);
	jstr(b, "client_id", a->client_id);
	jstr(b, "workspace", a->workspace);
	jstr(b, "method", a->method);
	jstr(b, "tool", a->tool);
	jstr(b, "scopes", a->scopes);
	jstr(b, "outcome", a->outcome);
	jstr(b, "addr", a->addr);
	mcp_buf_add(b, "}\n", 2);
}

/* One write(2) of whole lines: O_APPEND keeps processes' lines apart. */
static void
write_lines(int fd, struct mcp_buf *b)
{
	if (fd != -1 && b->len > 0 && write(fd, b->p, b->len) !=
	    (ssize_t)b->len)
		mcp_logx(MCP_LEVEL_ERROR, NULL, "audit_log: %s",
		    strerror(errno));
	mcp_buf_reset(b);
}

/*
 * Writes the authenticated requests' rows in one transaction and counts
 * the others in another; called without the queue lock.
 */
static void
write_rows(struct mcp_store *st, const struct row *rows, size_t n)
{
	const struct mcp_audit	*a[QUEUE_MAX], *anon[QUEUE_MAX];
	size_t			 i, na = 0, nn = 0;

	for (i = 0; i < n && i < QUEUE_MAX; i++) {
		if (rows[i].a.anon)
			anon[nn++] = &rows[i].a;
		else
			a[na++] = &rows[i].a;
	}
	if (na > 0 && st->ops->audit_add(st, a, na) != MCP_OK)
		mcp_logx(MCP_LEVEL_ERROR, NULL, "audit: %zu store rows lost "
		    "(the audit_log lines have them)", na);
	if (nn > 0 && st->ops->audit_anon_add(st, anon, nn) != MCP_OK)
		mcp_logx(MCP_LEVEL_ERROR, NULL, "audit: %zu refused requests "
		    "not counted (the audit_log lines have them)", nn);
}

/* Drops store rows past audit_retention_days, at most once an hour. */
static void
prune(int64_t now_ms)
{
	static int64_t	 last;
	int64_t		 n = 0;

	if (now_ms - last < 3600 * 1000)
		return;
	last = now_ms;
	if (q.st->ops->audit_prune(q.st, now_ms - (int64_t)q.days * 86400 *
	    1000, &n) != MCP_OK)
		mcp_logx(MCP_LEVEL_ERROR, NULL, "audit: pruning failed");
	else if (n > 0)
		mcp_logx(MCP_LEVEL_INFO, NULL, "audit: %lld rows older than "
		    "%d days pruned", (long long)n, q.days);
}

/* FLUSH_MS from now, for pthread_cond_timedwait(). */
static void
deadline(struct timespec *until)
{
	clock_gettime(CLOCK_REALTIME, until);
	until->tv_nsec += FLUSH_MS * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
}

static void *
flusher(void *arg)
{
	struct row	*batch;
	struct mcp_buf	 lines = { 0 };
	struct timespec	 until;
	size_t		 n, i;

	(void)arg;
	pthread_mutex_lock(&q.lock);
	for (;;) {
		while (q.n == 0 && !q.stop) {
			deadline(&until);
			pthread_cond_timedwait(&q.wake, &q.lock, &until);
		}
		if (q.n == 0 && q.stop)
			break;
		/*
		 * Take the queued rows by swapping the two buffers: the
		 * requests waiting on the lock go on at once, and the rows
		 * do not move (their strings point into themselves).
		 */
		n = q.n;
		batch = q.rows;
		q.rows = q.batch;
		q.batch = batch;
		q.n = 0;
		pthread_mutex_unlock(&q.lock);
		for (i = 0; i < n; i++)
			json_line(&lines, &batch[i].a);
		write_lines(q.fd, &lines);
		write_rows(q.st, batch, n);
		prune(batch[n - 1].a.ts_ms);
		pthread_mutex_lock(&q.lock);
		if (!q.stop) {
			/* Let a few requests gather before the next write. */
			deadline(&until);
			while (q.n < QUEUE_MAX / 2 && !q.stop &&
			    pthread_cond_timedwait(&q.wake, &q.lock,
			    &until) == 0)
				;
		}
	}
	pthread_mutex_unlock(&q.lock);
	mcp_buf_free(&lines);
	return NULL;
}

int
mcp_audit_start(struct mcp_server *srv, char *err, size_t errsz)
{
	if (srv->auth == NULL && srv->serve == mcp_serve)
		return 0;
	/* Both buffers now: a flusher that could not start would never drain. */
	if ((q.rows = calloc(QUEUE_MAX, sizeof(*q.rows))) == NULL ||
	    (q.batch = calloc(QUEUE_MAX, sizeof(*q.batch))) == NULL ||
	    (q.st = mcp_store_open(srv->cfg.store_path, err, errsz)) == NULL) {
		if (q.batch == NULL)
			snprintf(err, errsz, "audit queue: out of memory");
		free(q.rows);
		free(q.batch);
		q.rows = q.batch = NULL;
		return -1;
	}
	q.fd = srv->audit_fd;
	q.days = srv->cfg.auth.audit_days;
	q.running = 1;
	if ((errno = pthread_create(&q.thread, NULL, flusher, NULL)) != 0) {
		snprintf(err, errsz, "pthread_create: %s", strerror(errno));
		q.running = 0;
		q.st->ops->close(q.st);
		q.st = NULL;
		free(q.rows);
		free(q.batch);
		q.rows = q.batch = NULL;
		return -1;
	}
	return 0;
}

void
mcp_audit_stop(void)
{
	if (!q.running)
		return;
	pthread_mutex_lock(&q.lock);
	q.stop = 1;
	pthread_cond_signal(&q.wake);
	pthread_mutex_unlock(&q.lock);
	pthread_join(q.thread, NULL);
	q.running = 0;
	q.st->ops->close(q.st);
	free(q.rows);
	free(q.batch);
	q.rows = q.batch = NULL;
}

void
mcp_audit_request(struct mcp_req *r)
{
	const struct mcp_audit	*one;
	struct mcp_audit	 a;
	struct mcp_buf		 lb = { 0 };
	struct timespec		 t1;
	struct row		*w;

	clock_gettime(CLOCK_REALTIME, &t1);
	memset(&a, 0, sizeof(a));
	a.ts_ms = (int64_t)r->t0.tv_sec * 1000 + r->t0.tv_nsec / 1000000;
	a.rid = r->rid;
	a.iss = r->authed ? r->who.iss : "";
	a.sub = r->authed ? r->who.sub : "";
	a.client_id = r->authed ? r->who.client_id : "";
	a.workspace = r->authed ? r->who.workspace : "";
	a.addr = or_empty(mcp_http_param(r, "REMOTE_ADDR"));
	a.anon = !r->authed;
	a.method = r->rpc[0] != '\0' ? r->rpc :
	    or_empty(mcp_http_param(r, "REQUEST_METHOD"));
	a.tool = r->tool;
	a.scopes = or_empty(r->need);
	a.status = r->status;
	a.outcome = r->outcome != NULL ? r->outcome :
	    r->status < 400 ? "ok" : "error";
	a.latency_us = ((int64_t)t1.tv_sec - r->t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - r->t0.tv_nsec) / 1000;
	if (!q.running) {
		if (r->srv->audit_fd != -1) {
			json_line(&lb, &a);
			write_lines(r->srv->audit_fd, &lb);
			mcp_buf_free(&lb);
		}
		one = &a;
		if ((a.anon ? r->store->ops->audit_anon_add(r->store, &one,
		    1) : r->store->ops->audit_add(r->store, &one, 1)) !=
		    MCP_OK)
			mcp_logx(MCP_LEVEL_ERROR, r->rid, "audit row lost");
		return;
	}
	pthread_mutex_lock(&q.lock);
	while (q.n == QUEUE_MAX && !q.stop) {
		/* The store is behind: wait for the flusher, do not drop. */
		pthread_cond_signal(&q.wake);
		pthread_mutex_unlock(&q.lock);
		usleep(1000);
		pthread_mutex_lock(&q.lock);
	}
	w = &q.rows[q.n++];
	w->a = a;
	copy(w->rid, sizeof(w->rid), a.rid);
	copy(w->iss, sizeof(w->iss), a.iss);
	copy(w->sub, sizeof(w->sub), a.sub);
	copy(w->client, sizeof(w->client), a.client_id);
	copy(w->workspace, sizeof(w->workspace), a.workspace);
	copy(w->addr, sizeof(w->addr), a.addr);
	copy(w->method, sizeof(w->method), a.method);
	copy(w->tool, sizeof(w->tool), a.tool);
	copy(w->scopes, sizeof(w->scopes), a.scopes);
	copy(w->outcome, sizeof(w->outcome), a.outcome);
	own(w);
	if (q.n >= QUEUE_MAX / 2)
		pthread_cond_signal(&q.wake);
	pthread_mutex_unlock(&q.lock);
}
