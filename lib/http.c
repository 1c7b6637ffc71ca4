/*
 * http.c: writing CGI/FastCGI responses: the Status header, CORS on every
 * response (errors included), JSON bodies with a Content-Length, and
 * text/event-stream bodies flushed event by event.
 *
 * libfcgi's own formatter mishandles some conversions (SPEC-NOTES: %zu);
 * everything is formatted with snprintf into a buffer and written whole.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/*
 * The CGI variables lib/ reads are taken from the environment in one
 * pass: FCGX_GetParam() compares the name with every variable on each
 * call, and a request asks for a dozen (a tenth of a tools/call's
 * instructions behind lighttpd, which passes some 25 variables).
 */
enum var {
	V_REQUEST_URI, V_SCRIPT_NAME, V_HTTP_ACCEPT, V_HTTP_ORIGIN,
	V_QUERY_STRING, V_CONTENT_TYPE, V_HTTP_MCP_NAME, V_REQUEST_METHOD,
	V_CONTENT_LENGTH, V_HTTP_MCP_METHOD, V_HTTP_AUTHORIZATION,
	V_HTTP_MCP_SESSION_ID, V_HTTP_MCP_PROTOCOL_VERSION, V__MAX
};

static const char *const varnames[V__MAX] = {
	"REQUEST_URI", "SCRIPT_NAME", "HTTP_ACCEPT", "HTTP_ORIGIN",
	"QUERY_STRING", "CONTENT_TYPE", "HTTP_MCP_NAME", "REQUEST_METHOD",
	"CONTENT_LENGTH", "HTTP_MCP_METHOD", "HTTP_AUTHORIZATION",
	"HTTP_MCP_SESSION_ID", "HTTP_MCP_PROTOCOL_VERSION",
};

_Static_assert(V__MAX <= sizeof(((struct mcp_req *)0)->env) /
    sizeof(((struct mcp_req *)0)->env[0]), "mcp_req.env is too small");

/* The variable named by the len bytes at name, or V__MAX. */
static enum var
var(const char *name, size_t len)
{
	enum var	 v;

	switch (len) {
	case 11:
		v = name[0] == 'R' ? V_REQUEST_URI : name[0] == 'S' ?
		    V_SCRIPT_NAME : name[5] == 'A' ? V_HTTP_ACCEPT :
		    V_HTTP_ORIGIN;
		break;
	case 12:
		v = name[0] == 'Q' ? V_QUERY_STRING : V_CONTENT_TYPE;
		break;
	case 13:
		v = V_HTTP_MCP_NAME;
		break;
	case 14:
		v = name[0] == 'R' ? V_REQUEST_METHOD : V_CONTENT_LENGTH;
		break;
	case 15:
		v = V_HTTP_MCP_METHOD;
		break;
	case 18:
		v = V_HTTP_AUTHORIZATION;
		break;
	case 19:
		v = V_HTTP_MCP_SESSION_ID;
		break;
	case 25:
		v = V_HTTP_MCP_PROTOCOL_VERSION;
		break;
	default:
		return V__MAX;
	}
	return memcmp(varnames[v], name, len) == 0 ? v : V__MAX;
}

/*
 * 0 for a name none of ours can be, by its first bytes: lighttpd's
 * SERVER_*, REMOTE_*, REDIRECT_STATUS, GATEWAY_INTERFACE, DOCUMENT_ROOT
 * and PATH_INFO, about half of what it passes, are passed over here.
 */
static int
maybe(const char *e)
{
	switch (e[0]) {
	case 'C':
	case 'Q':
		return 1;
	case 'H':
		return e[1] == 'T';
	case 'R':
		return e[1] == 'E' && e[2] == 'Q';
	case 'S':
		return e[1] == 'C';
	default:
		return 0;
	}
}

/*
 * A header given twice reaches us joined ("a, b") from lighttpd and
 * Apache, but as two variables of one name from nginx.  Neither copy
 * alone may be believed (two Origins, the first ours; two Authorizations):
 * a variable given twice reads as ",", which every check refuses, as it
 * refuses most joined values.
 */
static const char twice[] = ",";

static void
read_env(struct mcp_req *r, const char *const *env)
{
	const char	*e, *eq;
	enum var	 v;

	for (; env != NULL && (e = *env) != NULL; env++)
		if (maybe(e) && (eq = strchr(e, '=')) != NULL &&
		    (v = var(e, (size_t)(eq - e))) != V__MAX)
			r->env[v] = r->env[v] == NULL ? eq + 1 : twice;
	r->env_read = 1;
}

int
mcp_http_mcp_twice(struct mcp_req *r)
{
	const char *const	*env;
	const char		*seen[32], *e, *eq;
	size_t			 n = 0, i, len;

	if (r->io->envp == NULL)
		return 0;
	for (env = r->io->envp(r->io); env != NULL && (e = *env) != NULL;
	    env++) {
		if (strncmp(e, "HTTP_MCP_", 9) != 0 ||
		    (eq = strchr(e, '=')) == NULL)
			continue;
		len = (size_t)(eq - e) + 1;	/* with its '=' */
		for (i = 0; i < n; i++)
			if (strncmp(seen[i], e, len) == 0)
				return 1;
		if (n == sizeof(seen) / sizeof(seen[0]))
			return 1;	/* more than any request needs */
		seen[n++] = e;
	}
	return 0;
}

int
mcp_http_length(const char *s, size_t *len)
{
	size_t	 v = 0, i;

	if (s == NULL || *s == '\0')
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]) || i >= 12)
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*len = v;
	return 0;
}

const char *
mcp_http_param(struct mcp_req *r, const char *name)
{
	enum var	 v;

	if (r->io->envp == NULL ||
	    (v = var(name, strlen(name))) == V__MAX)
		return r->io->param(r->io, name);
	if (!r->env_read)
		read_env(r, r->io->envp(r->io));
	return r->env[v];
}

/* A write failed: the client has gone, or took nothing for too long. */
static int
lost(struct mcp_req *r)
{
	r->gone = 1;
	if (r->io->cut > 0)
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "the client took nothing "
		    "for %d s (write_timeout_seconds): answer dropped",
		    r->io->cut);
	return -1;
}

int
mcp_http_write(struct mcp_req *r, const char *p, size_t n)
{
	if (r->gone)
		return -1;
	if (n > 0 && r->io->write(r->io, p, n) == -1)
		return lost(r);
	return 0;
}

static int
flush(struct mcp_req *r)
{
	if (r->gone)
		return -1;
	if (r->io->flush(r->io) == -1)
		return lost(r);
	return 0;
}

/*
 * Writes the status line and headers, ending with the blank line.  CORS
 * (SPEC-NOTES, "Field pitfalls"): the allowed origin only, and the MCP
 * headers a browser client must be able to send and read.
 */
/* Appends s to the header block; 0, or -1 when it would not fit. */
static int
put(char *h, size_t *n, size_t cap, const char *s)
{
	size_t	 l = strlen(s);

	if (*n + l >= cap)
		return -1;
	memcpy(h + *n, s, l);
	*n += l;
	return 0;
}

/* v >= 0 in decimal, NUL-terminated, in buf (sz >= 21). */
static const char *
decimal(char *buf, size_t sz, long v)
{
	buf[sz - 1] = '\0';
	return mcp_digits(buf + sz - 1, (uint64_t)v);
}

static int
head(struct mcp_req *r, int status, const char *ctype, long clen)
{
	/* Sent on every response; see the comment above. */
	static const char cors[] = "Vary: Origin\r\n"
	    "Access-Control-Allow-Methods: GET, POST, DELETE, OPTIONS\r\n"
	    "Access-Control-Allow-Headers: Authorization, Content-Type, "
	    "Accept, Mcp-Session-Id, Mcp-Protocol-Version, Mcp-Method, "
	    "Mcp-Name, Last-Event-ID\r\n"
	    "Access-Control-Expose-Headers: Mcp-Session-Id, "
	    "WWW-Authenticate, X-Request-Id\r\n";
	char	 h[8192], num[48];	/* a Location may be long */
	size_t	 n = 0;
	int	 bad = 0;

	if (r->sent)
		return 0;
	r->sent = 1;
	r->status = status;
	bad |= put(h, &n, sizeof(h), "Status: ");
	bad |= put(h, &n, sizeof(h), decimal(num, sizeof(num), status));
	bad |= put(h, &n, sizeof(h), " ");
	bad |= put(h, &n, sizeof(h), reason(status));
	bad |= put(h, &n, sizeof(h), "\r\n");
	if (ctype != NULL) {
		bad |= put(h, &n, sizeof(h), "Content-Type: ");
		bad |= put(h, &n, sizeof(h), ctype);
		bad |= put(h, &n, sizeof(h), "\r\n");
	}
	if (clen >= 0) {
		bad |= put(h, &n, sizeof(h), "Content-Length: ");
		bad |= put(h, &n, sizeof(h), decimal(num, sizeof(num), clen));
		bad |= put(h, &n, sizeof(h), "\r\n");
	}
	if (r->origin != NULL) {
		bad |= put(h, &n, sizeof(h), "Access-Control-Allow-Origin: ");
		bad |= put(h, &n, sizeof(h), r->origin);
		bad |= put(h, &n, sizeof(h), "\r\n");
	}
	bad |= put(h, &n, sizeof(h), cors);
	bad |= put(h, &n, sizeof(h), "X-Request-Id: ");
	bad |= put(h, &n, sizeof(h), r->rid);
	bad |= put(h, &n, sizeof(h), "\r\n");
	if (r->hdr.len > 0)
		bad |= put(h, &n, sizeof(h), r->hdr.p);
	bad |= put(h, &n, sizeof(h), "\r\n");
	if (bad) {
		r->gone = 1;
		return -1;
	}
	return mcp_http_write(r, h, n);
}

int
mcp_http_begin(struct mcp_req *r, int status, const char *ctype)
{
	return head(r, status, ctype, -1);
}

/* Headers, then body[n] (NULL: no body) as application/json. */
static int
json_body(struct mcp_req *r, int status, const char *body, size_t n)
{
	if (head(r, status, body != NULL ? "application/json" : NULL,
	    (long)n) == -1)
		return -1;
	return mcp_http_write(r, body, n);
}

int
mcp_http_json(struct mcp_req *r, int status, const char *body)
{
	return json_body(r, status, body, body != NULL ? strlen(body) : 0);
}

int
mcp_http_error(struct mcp_req *r, enum mcp_err e, struct json_object *id,
    const char *detail)
{
	return mcp_http_error_data(r, e, id, detail, NULL);
}

int
mcp_http_error_data(struct mcp_req *r, enum mcp_err e, struct json_object *id,
    const char *detail, struct json_object *data)
{
	const struct mcp_errinfo	*ei = mcp_err_info(e);
	struct json_object		*msg, *sup;
	size_t				 i;
	int				 rc;

	mcp_logx(ei->http >= 500 ? MCP_LEVEL_ERROR : MCP_LEVEL_INFO, r->rid,
	    "%s -> %d%s%s", ei->message, ei->http, detail ? ": " : "",
	    detail ? detail : "");
	if (e == MCP_ERR_HTTPMETHOD)
		mcp_buf_puts(&r->hdr, "Allow: GET, POST, DELETE, OPTIONS\r\n");
	else if (e == MCP_ERR_NOSTREAM)
		mcp_buf_puts(&r->hdr, "Allow: POST, DELETE, OPTIONS\r\n");
	else if (e == MCP_ERR_STREAMS || e == MCP_ERR_SUBSTREAMS ||
	    e == MCP_ERR_STORE)
		mcp_buf_puts(&r->hdr, "Retry-After: 5\r\n");
	if (e == MCP_ERR_MODERNVER && data == NULL) {
		/* 2026-07-28: the error lists what we support. */
		data = json_object_new_object();
		sup = json_object_new_array();
		for (i = 0; mcp_versions[i] != NULL; i++)
			mcp_json_append(sup,
			    json_object_new_string(mcp_versions[i]));
		mcp_json_set(data, "supported", sup);
		if (detail != NULL)
			mcp_json_set(data, "requested",
			    json_object_new_string(detail));
	}
	if ((msg = mcp_rpc_error(id, ei->code, ei->message, data)) == NULL)
		return mcp_http_json(r, 500, NULL);
	rc = mcp_http_value(r, ei->http, msg);
	json_object_put(msg);
	return rc;
}

/*
 * In place of rp's text, which was over room (got bytes written, or more
 * when over), the error that stands for it; 1, or -1 when out of memory.
 */
static int
too_large(struct mcp_req *r, struct mcp_buf *b, size_t start,
    const struct mcp_reply *rp, size_t room, size_t got, int over)
{
	const struct mcp_errinfo	*ei = mcp_err_info(MCP_ERR_ANSWER);
	struct mcp_reply		 big = { .id = rp->id };
	struct json_object		*data;
	int				 rc;

	mcp_logx(MCP_LEVEL_WARNING, r->rid, "answer to request %s: %s%zu "
	    "bytes, over the %zu left of max_answer_bytes %zu -> %d",
	    mcp_rpc_idtext(rp->id), over ? "more than " : "", over ? room :
	    got, room, r->srv->cfg.max_answer, ei->code);
	b->len = start;
	if (b->cap > 0)
		b->p[start] = '\0';
	if ((data = json_object_new_object()) == NULL ||
	    mcp_json_set(data, "max_answer_bytes",
	    json_object_new_int64((int64_t)r->srv->cfg.max_answer)) == -1 ||
	    (big.error = mcp_rpc_error_object(ei->code, ei->message,
	    data)) == NULL)
		return -1;
	rc = mcp_reply_write(b, &big);
	mcp_reply_clear(&big);
	return rc == -1 ? -1 : 1;
}

/*
 * rp's text appended to b when it takes at most room bytes, and 0; else
 * the error that stands for it (MCP_ERR_ANSWER), and 1; -1 when out of
 * memory.  The one check of an answer's size, on its way out: b refuses
 * to grow past room while the text is written, and its length is
 * compared once; an answer that fits costs no more than that.
 */
static int
reply_text(struct mcp_req *r, struct mcp_buf *b, const struct mcp_reply *rp,
    size_t room)
{
	size_t	 start = b->len;
	int	 rc, over;

	if (room == 0)
		return too_large(r, b, start, rp, room, 0, 1);
	b->max = start + room;
	b->over = 0;
	rc = mcp_reply_write(b, rp);
	b->max = 0;
	over = b->over;
	if (rc == 0 && b->len - start <= room)
		return 0;
	if (rc == -1 && !over)
		return -1;
	b->over = 0;
	return too_large(r, b, start, rp, room, b->len - start, over);
}

/* v's text, or rp's when rp is not NULL, appended to b; 0 or -1. */
static int
message_text(struct mcp_req *r, struct mcp_buf *b, struct json_object *v,
    const struct mcp_reply *rp)
{
	if (rp == NULL)
		return mcp_json_write(b, v);
	return reply_text(r, b, rp, r->srv->cfg.max_answer) == -1 ? -1 : 0;
}

static int
message_body(struct mcp_req *r, int status, struct json_object *v,
    const struct mcp_reply *rp)
{
	struct mcp_buf	 b = { 0 };
	int		 rc;

	if (message_text(r, &b, v, rp) == -1) {
		mcp_buf_free(&b);
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "out of memory serializing "
		    "a response");
		return mcp_http_json(r, 500, NULL);
	}
	rc = json_body(r, status, b.p, b.len);
	mcp_buf_free(&b);
	return rc;
}

int
mcp_http_value(struct mcp_req *r, int status, struct json_object *v)
{
	return message_body(r, status, v, NULL);
}

int
mcp_http_reply(struct mcp_req *r, int status, const struct mcp_reply *rp)
{
	return message_body(r, status, NULL, rp);
}

/*
 * One message of a batch's array: "[" before the first, when the
 * headers go too (no Content-Length: the array is not known whole), ","
 * before the others.
 */
static int
batch_message(struct mcp_req *r, struct mcp_batch_out *o,
    struct json_object *v, const struct mcp_reply *rp)
{
	struct mcp_buf	*b = &o->b;
	size_t		 cap = r->srv->cfg.max_answer;
	int		 rc;

	mcp_buf_reset(b);
	if (mcp_buf_add(b, o->n == 0 ? "[" : ",", 1) == -1)
		return -1;
	if (rp == NULL)
		rc = v != NULL ? mcp_json_write(b, v) : -1;
	else if ((rc = reply_text(r, b, rp, o->full || o->bytes + 1 >= cap ?
	    0 : cap - o->bytes - 1)) == 1) {
		o->full = 1;
		rc = 0;
	}
	if (rc == -1) {
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "out of memory serializing "
		    "a batch's answer");
		o->failed = 1;
		r->gone |= r->sent;	/* an array cut short: end it there */
		return -1;
	}
	if (o->n++ == 0 && head(r, 200, "application/json", -1) == -1)
		return -1;
	o->bytes += b->len;
	return mcp_http_write(r, b->p, b->len);
}

int
mcp_http_batch_reply(struct mcp_req *r, struct mcp_batch_out *o,
    const struct mcp_reply *rp)
{
	return batch_message(r, o, NULL, rp);
}

int
mcp_http_batch_value(struct mcp_req *r, struct mcp_batch_out *o,
    struct json_object *msg)
{
	return batch_message(r, o, msg, NULL);
}

int
mcp_http_batch_end(struct mcp_req *r, struct mcp_batch_out *o)
{
	int	 rc;

	if (o->failed && !r->sent)
		rc = mcp_http_json(r, 500, NULL);
	else if (o->n == 0)
		rc = mcp_http_json(r, 202, NULL);
	else
		rc = mcp_http_write(r, "]", 1);
	mcp_buf_free(&o->b);
	return rc;
}

/*
 * 2025-11-25, by the request or by what its session agreed (a client
 * that agreed to it may still send an older header); 2026-07-28 has no
 * resumption.
 */
static int
primes(const struct mcp_req *r)
{
	return !r->modern && (strcmp(r->version, MCP_V20251125) == 0 ||
	    (r->has_sess && strcmp(r->sess.version, MCP_V20251125) == 0));
}

int
mcp_sse_prime(struct mcp_req *r)
{
	char	 prime[96];
	int	 n;

	if (!primes(r))
		return 0;
	n = snprintf(prime, sizeof(prime), "id: %s-0\nretry: %d\n"
	    "data: \n\n", r->stream, r->srv->cfg.sse_retry_ms);
	return mcp_http_write(r, prime, (size_t)n);
}

int
mcp_sse_begin(struct mcp_req *r)
{
	enum mcp_err	 e;

	if (r->sse)
		return 0;
	r->sse = 1;
	if (mcp_rand_hex(r->stream, MCP_STREAM_ID_LEN / 2) == -1)
		return -1;
	/*
	 * A session's stream is kept in the store, event by event, so that
	 * a client that loses it can resume it (Last-Event-ID on a GET).
	 */
	if (r->has_sess) {
		e = r->store->ops->stream_open(r->store, r->stream,
		    r->sess.id, (int64_t)time(NULL));
		if (e == MCP_OK)
			r->keep = 1;
		else
			mcp_logx(MCP_LEVEL_WARNING, r->rid, "stream %s not "
			    "kept: %s", r->stream, mcp_err_info(e)->message);
	}
	mcp_buf_puts(&r->hdr, "Cache-Control: no-cache, no-transform\r\n"
	    "X-Accel-Buffering: no\r\n");
	if (head(r, 200, "text/event-stream", -1) == -1)
		return -1;
	/*
	 * 2025-11-25, "Sending Messages to the Server": a priming event of
	 * an id and empty data, so a client that loses the stream knows
	 * where it was, and retry to pace its reconnection.
	 */
	if (mcp_sse_prime(r) == -1)
		return -1;
	return flush(r);
}

int
mcp_sse_event(struct mcp_req *r, int64_t seq, const char *data, size_t len)
{
	struct mcp_buf	 b = { 0 };
	int		 rc;

	/* Compact JSON has no raw newlines, so one data line. */
	if (mcp_buf_printf(&b, "event: message\nid: %s-%lld\ndata: ",
	    r->stream, (long long)seq) == -1 || mcp_buf_add(&b, data, len) ==
	    -1 || mcp_buf_add(&b, "\n\n", 2) == -1) {
		mcp_buf_free(&b);
		return -1;
	}
	rc = mcp_http_write(r, b.p, b.len);
	mcp_buf_free(&b);
	return rc == -1 ? -1 : flush(r);
}

/*
 * Kept first (when the stream is), then sent: an answer (rp) ends the
 * stream, which a resumed stream learns from its last event.
 */
static int
sse_message(struct mcp_req *r, struct json_object *msg,
    const struct mcp_reply *rp)
{
	struct mcp_buf	 m = { 0 };
	int64_t		 seq;
	enum mcp_err	 e;
	int		 rc, last;

	if (message_text(r, &m, msg, rp) == -1) {
		mcp_buf_free(&m);
		return -1;
	}
	seq = (int64_t)r->seq + 1;
	/* An answer ends a POST's stream, not a session's listener. */
	last = rp != NULL && strcmp(r->stream, r->sess.listener) != 0;
	if (r->keep && (e = r->store->ops->event_add(r->store, r->stream,
	    m.p, last, (int64_t)time(NULL), &seq)) != MCP_OK) {
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "stream %s: event %lu "
		    "not kept: %s", r->stream, r->seq + 1,
		    mcp_err_info(e)->message);
		r->keep = 0;
	}
	r->seq = (unsigned long)seq;
	if (r->keep)
		mcp_streams_poke();
	rc = mcp_sse_event(r, seq, m.p, m.len);
	mcp_buf_free(&m);
	/* Kept: the client has it when it resumes the stream. */
	return r->keep && r->gone ? 0 : rc;
}

int
mcp_sse_send(struct mcp_req *r, struct json_object *msg)
{
	return sse_message(r, msg, NULL);
}

int
mcp_sse_reply(struct mcp_req *r, const struct mcp_reply *rp)
{
	return sse_message(r, NULL, rp);
}

int
mcp_sse_comment(struct mcp_req *r, const char *text)
{
	char	 line[128];
	int	 n;

	n = snprintf(line, sizeof(line), ": %s\n\n", text);
	if (mcp_http_write(r, line, (size_t)n) == -1)
		return -1;
	return flush(r);
}

/*
 * 1 if the first media range of accept is exactly type (not excluded
 * with q=0), and no other range outranks it by a higher q.
 */
int
mcp_http_first(const char *accept, const char *type)
{
	const char	*e, *semi, *q;
	size_t		 n = strlen(type);

	if (accept == NULL)
		return 0;
	while (*accept == ' ' || *accept == '\t')
		accept++;
	if (strncasecmp(accept, type, n) != 0)
		return 0;
	e = accept + strcspn(accept, ",");
	semi = accept + n;
	while (*semi == ' ' || *semi == '\t')
		semi++;
	if (semi != e && *semi != ';')
		return 0;
	/* Any q below 1 anywhere: leave it to the ordinary choice. */
	for (q = accept; (q = strchr(q, ';')) != NULL; q++)
		if (strstr(q, "q=") != NULL || strstr(q, "Q=") != NULL)
			return 0;
	return 1;
}

/* 1 if the parameters between p and e carry q=0 (RFC 9110 §12.4.2). */
static int
excluded(const char *p, const char *e)
{
	char	 params[128], *q;
	size_t	 n = (size_t)(e - p);

	if (n >= sizeof(params))
		return 0;
	/* Parameter names are case-insensitive (RFC 9110 §5.6.6): Q=0 too. */
	for (q = params; n-- > 0; p++)
		*q++ = (char)tolower((unsigned char)*p);
	*q = '\0';
	for (q = params; (q = strstr(q, "q=")) != NULL; q += 2)
		if ((q[-1] == ';' || q[-1] == ' ') && strtod(q + 2, NULL) == 0)
			return 1;
	return 0;
}

/*
 * RFC 9110 §12.5.1: a comma-separated list of media ranges with
 * parameters; "*" wildcards match, q=0 excludes.  The most specific range
 * that matches decides (the type itself, then its type's wildcard, then
 * the full wildcard), so a JSON range with q=0 refuses JSON even when the
 * full wildcard follows; among equally specific ranges, the first.
 */
int
mcp_http_accepts(const char *accept, const char *type)
{
	const char	*p, *e, *semi, *slash;
	size_t		 tl = strlen(type), rl, ml;
	char		 range[128];
	int		 level, best = 0, ok = 0;

	if (accept == NULL)
		return 0;
	slash = strchr(type, '/');
	ml = slash != NULL ? (size_t)(slash - type) : tl;
	for (p = accept; *p != '\0'; p = *e ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		while (p < e && isspace((unsigned char)*p))
			p++;
		semi = memchr(p, ';', (size_t)(e - p));
		rl = (size_t)((semi != NULL ? semi : e) - p);
		while (rl > 0 && isspace((unsigned char)p[rl - 1]))
			rl--;
		if (rl == 0 || rl >= sizeof(range))
			continue;
		memcpy(range, p, rl);
		range[rl] = '\0';
		if (strcasecmp(range, type) == 0)
			level = 3;
		else if (rl == ml + 2 && strncasecmp(range, type, ml) == 0 &&
		    strcmp(range + ml, "/*") == 0)
			level = 2;
		else if (strcmp(range, "*/*") == 0)
			level = 1;
		else
			continue;
		if (level > best) {
			best = level;
			ok = semi == NULL || !excluded(semi, e);
		}
	}
	return ok;
}
