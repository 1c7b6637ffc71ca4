/*
 * transport.c: the front door of an MCP endpoint, Streamable HTTP for
 * 2025-03-26 through 2025-11-25 and the stateless 2026-07-28 binding.
 *
 * Untrusted input is checked here, once, in this order: HTTP method,
 * Origin, Content-Type, Accept, Content-Length and body, JSON, the
 * JSON-RPC envelope, then the protocol era: the 2026-07-28 request
 * envelope and headers, or the session and MCP-Protocol-Version.  Only a
 * message that passed all of it reaches protocol.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "extern.h"

#define META_VERSION	"io.modelcontextprotocol/protocolVersion"
#define META_CAPS	"io.modelcontextprotocol/clientCapabilities"
#define META_LEVEL	"io.modelcontextprotocol/logLevel"
#define TOUCH_EVERY	30	/* seconds between session "seen" updates */
#define READ_STEP	16384	/* bytes of body read at a time */

int
mcp_tx_json_ctype(const char *ct)
{
	size_t	 n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

enum mcp_err
mcp_tx_body(struct mcp_req *r, struct mcp_buf *b, char *why, size_t whysz)
{
	const char	*cl = mcp_http_param(r, "CONTENT_LENGTH");
	size_t		 want, i;
	long		 n;

	if (cl == NULL || *cl == '\0') {
		snprintf(why, whysz, "no Content-Length");
		return MCP_ERR_PARSE;
	}
	if (mcp_http_length(cl, &want) == -1) {
		snprintf(why, whysz, "invalid Content-Length");
		return MCP_ERR_INVALID;
	}
	if (want > r->srv->cfg.max_body) {
		snprintf(why, whysz, "Content-Length %zu > %zu", want,
		    r->srv->cfg.max_body);
		return MCP_ERR_TOOBIG;
	}
	/*
	 * Straight into the buffer, which grows by at most READ_STEP ahead
	 * of what arrived: a Content-Length alone reserves little.
	 */
	while (b->len < want) {
		i = want - b->len < READ_STEP ? want - b->len : READ_STEP;
		if (mcp_buf_room(b, i) == -1)
			return MCP_ERR_NOMEM;
		if ((n = r->io->read(r->io, b->p + b->len, i)) <= 0) {
			snprintf(why, whysz, "body ended after %zu of %zu "
			    "bytes", b->len, want);
			return MCP_ERR_TRUNCATED;
		}
		b->len += (size_t)n;
		b->p[b->len] = '\0';
	}
	if (want == 0) {
		snprintf(why, whysz, "empty body");
		return MCP_ERR_PARSE;
	}
	return MCP_OK;
}

/* Sends a response as the whole HTTP response, or as an SSE event. */
static void
answer(struct mcp_req *r, const struct mcp_reply *rp, enum mcp_err e)
{
	const struct mcp_errinfo	*ei = mcp_err_info(e);
	int				 status = 200;
	int				 none = rp->result == NULL &&
					    rp->error == NULL;

	if (r->answered)
		return;			/* a task: its answer went out */
	if (r->sse) {
		mcp_notices_send(r);
		if (!none)
			mcp_sse_reply(r, rp);
		return;
	}
	if (none) {
		/* A cancelled request: nothing to say, close the exchange. */
		mcp_http_json(r, 202, NULL);
		return;
	}
	if (e == MCP_ERR_METHOD && r->modern)
		status = 404;		/* 2026-07-28: unknown method */
	else if (e != MCP_OK && e != MCP_ERR_METHOD)
		status = ei->http;
	mcp_http_reply(r, status, rp);
}

int
mcp_tx_scoped(struct mcp_req *r, const struct mcp_msg *msg)
{
	struct mcp_need		 need;

	if (mcp_guard_need(r, msg, &need) == -1)
		return 0;
	if (strcmp(need.kind, "tool") == 0)
		mcp_strlcpy(r->tool, need.name, sizeof(r->tool));
	return mcp_guard_scopes(r, &need, msg->id);
}

static void
request(struct mcp_req *r, const struct mcp_msg *msg)
{
	struct mcp_reply	 rp;
	enum mcp_err		 e;

	/*
	 * Requests count against the caller's share of threads; its
	 * notifications and answers (to a waiting tool) never wait.
	 */
	if (mcp_tx_scoped(r, msg) == -1 ||
	    mcp_inflight_enter(r, msg->id) == -1)
		return;
	if (mcp_proto_wants_sse(r, msg) && mcp_sse_begin(r) == -1)
		return;
	mcp_proto_request(r, msg, &rp, &e);
	answer(r, &rp, e);
	mcp_reply_clear(&rp);
}

/* The Mcp-Name header mirrors params.name or params.uri (SEP-2243). */
static const char *
name_source(const char *method, const struct mcp_jv *p)
{
	if (strcmp(method, "tools/call") == 0 ||
	    strcmp(method, "prompts/get") == 0)
		return mcp_jv_str(p, "name");
	if (strcmp(method, "resources/read") == 0)
		return mcp_jv_str(p, "uri");
	/* The tasks extension routes its methods by task. */
	if (strcmp(method, "tasks/get") == 0 ||
	    strcmp(method, "tasks/update") == 0 ||
	    strcmp(method, "tasks/cancel") == 0)
		return mcp_jv_str(p, "taskId");
	return NULL;
}

/*
 * An Mcp-Name header names the body's name or URI, decoded when the
 * client sent it as "=?base64?...?=" (a name of characters no header may
 * hold).
 */
static int
same_name(const char *h, const char *body)
{
	char	 d[2048];
	long	 n;

	if ((n = mcp_hvalue_decode(h, d, sizeof(d))) < 0)
		return 0;
	return strlen(body) == (size_t)n && memcmp(body, d, (size_t)n) == 0;
}

/*
 * 2026-07-28: no session; each request carries its protocol version,
 * client capabilities and optional log level in params._meta, mirrored by
 * the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers.
 */
static void
modern(struct mcp_req *r, const struct mcp_msg *msg)
{
	struct json_object	*id = msg->id;
	struct mcp_jv		*meta = msg->meta;
	const struct mcp_tool_rt *t;
	const char		*mv, *hv, *hm, *hn, *src, *method;
	char			 why[160];

	if (msg->kind != MCP_MSG_REQUEST) {
		/* Nothing waits for a client response on a stateless server. */
		mcp_http_json(r, 202, NULL);
		return;
	}
	method = msg->method;
	mv = mcp_jv_str(meta, META_VERSION);
	/*
	 * "Mcp-Name" and "Mcp_Name" are one CGI variable: given both, a
	 * proxy and this server could each read another value.
	 */
	if (mcp_http_mcp_twice(r)) {
		mcp_http_error(r, MCP_ERR_HEADER, id, "an Mcp- header given "
		    "twice (names differing in '-' and '_'), or too many");
		return;
	}
	hv = mcp_http_param(r, "HTTP_MCP_PROTOCOL_VERSION");
	/*
	 * In the order of the revision's transport: the header, then the
	 * request's _meta (both members required: -32602), then the two
	 * agreeing, then the version itself.
	 */
	if (hv == NULL) {
		mcp_http_error(r, MCP_ERR_HEADER, id, "MCP-Protocol-Version "
		    "header missing");
		return;
	}
	if (mv == NULL || mcp_jv_obj(meta, META_CAPS) == NULL) {
		mcp_http_error(r, MCP_ERR_META, id, mv == NULL ?
		    "no protocolVersion string in params._meta" :
		    "no clientCapabilities object in params._meta");
		return;
	}
	if (strcmp(hv, mv) != 0) {
		mcp_http_error(r, MCP_ERR_HEADER, id, "MCP-Protocol-Version "
		    "header differs from the body");
		return;
	}
	if (!mcp_proto_supported(mv) || strcmp(mv, MCP_V20260728) < 0) {
		mcp_http_error(r, MCP_ERR_MODERNVER, id, mv);
		return;
	}
	hm = mcp_http_param(r, "HTTP_MCP_METHOD");
	if (hm == NULL || strcmp(hm, method) != 0) {
		mcp_http_error(r, MCP_ERR_HEADER, id, hm == NULL ?
		    "Mcp-Method header missing" :
		    "Mcp-Method header differs from the body");
		return;
	}
	hn = mcp_http_param(r, "HTTP_MCP_NAME");
	if ((src = name_source(method, msg->params)) != NULL &&
	    (hn == NULL || !same_name(hn, src))) {
		snprintf(why, sizeof(why), "Mcp-Name header %s",
		    hn == NULL ? "missing" : "differs from the body");
		mcp_http_error(r, MCP_ERR_HEADER, id, why);
		return;
	}
	/* The tool's Mcp-Param-* headers (SEP-2243) agree with the body. */
	if (strcmp(method, "tools/call") == 0 && src != NULL &&
	    (t = mcp_registry_tool(&r->srv->reg, src)) != NULL &&
	    t->nhparams > 0 && mcp_hparams_check(r, t,
	    mcp_jv_get(msg->params, "arguments"), why, sizeof(why)) == -1) {
		mcp_http_error(r, MCP_ERR_HEADER, id, why);
		return;
	}
	r->modern = 1;
	mcp_strlcpy(r->version, mv, sizeof(r->version));
	/*
	 * The client's capabilities (META_CAPS) stay in the document, read
	 * only when a handler asks the client for input (lib/input.c).
	 */
	r->log_level = mcp_level_parse(mcp_jv_str(meta, META_LEVEL));
	r->mcaps = mcp_jv_obj(meta, META_CAPS);
	if (strcmp(method, "subscriptions/listen") == 0)
		mcp_listen(r, msg);
	else
		request(r, msg);
}

/*
 * A session belongs to the subject whose token created it: presented by
 * anyone else it answers exactly like an unknown session (404), so ids
 * cannot be probed across subjects.
 */
enum mcp_err
mcp_tx_session(struct mcp_req *r, const char *sid, struct mcp_session *s)
{
	enum mcp_err	 e;
	char		 me[sizeof(s->owner)];

	e = r->store->ops->session_get(r->store, sid,
	    (int64_t)time(NULL) - r->srv->cfg.session_idle, s);
	if (e != MCP_OK)
		return e;
	mcp_guard_owner(r, me, sizeof(me));
	if (strcmp(me, s->owner) != 0) {
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "session presented by "
		    "a subject other than its owner");
		return MCP_ERR_SESSION;
	}
	return MCP_OK;
}

/*
 * 2025-03-26 .. 2025-11-25: initialize creates a session; every other
 * message names it in Mcp-Session-Id.
 */
static int
load_session(struct mcp_req *r, struct json_object *id)
{
	const char	*sid = mcp_http_param(r, "HTTP_MCP_SESSION_ID");
	enum mcp_err	 e;
	time_t		 now = time(NULL);

	if (sid == NULL || *sid == '\0') {
		mcp_http_error(r, MCP_ERR_NOSESSION, id, NULL);
		return -1;
	}
	if (strlen(sid) != MCP_SESSION_ID_LEN) {
		mcp_http_error(r, MCP_ERR_SESSION, id, "malformed session id");
		return -1;
	}
	if ((e = mcp_tx_session(r, sid, &r->sess)) == MCP_OK &&
	    r->sess.legacy != 0)
		e = MCP_ERR_SESSION;	/* an HTTP+SSE session, a listen */
	if (e != MCP_OK) {
		mcp_http_error(r, e, id, e == MCP_ERR_SESSION ?
		    "unknown, expired or another subject's session" :
		    "store");
		return -1;
	}
	r->has_sess = 1;
	r->log_level = r->sess.log_level;
	if (r->sess.seen + TOUCH_EVERY <= (int64_t)now)
		r->store->ops->session_touch(r->store, sid, (int64_t)now);
	return 0;
}

/*
 * Everything a session-era message needs before dispatch: a supported
 * MCP-Protocol-Version if one is sent (400 otherwise), the session (400 /
 * 404), and the revision of this request: the header's, else the one
 * initialize negotiated (2025-06-18 transports, "Protocol Version
 * Header").  Returns 0, or -1 once the error has been answered.
 */
static int
session(struct mcp_req *r, struct json_object *id)
{
	const char	*hv = mcp_http_param(r, "HTTP_MCP_PROTOCOL_VERSION");

	if (hv != NULL && !mcp_proto_supported(hv)) {
		mcp_http_error(r, MCP_ERR_VERSION, id, hv);
		return -1;
	}
	if (load_session(r, id) == -1)
		return -1;
	mcp_strlcpy(r->version, hv != NULL ? hv : r->sess.version,
	    sizeof(r->version));
	return 0;
}

static void
legacy(struct mcp_req *r, const struct mcp_msg *msg)
{
	if (msg->kind == MCP_MSG_REQUEST &&
	    strcmp(msg->method, "initialize") == 0) {
		mcp_strlcpy(r->version, MCP_V20250326, sizeof(r->version));
		request(r, msg);
		return;
	}
	if (session(r, msg->id) == -1)
		return;
	switch (msg->kind) {
	case MCP_MSG_NOTIFICATION:
		mcp_proto_notification(r, msg);
		mcp_http_json(r, 202, NULL);
		break;
	case MCP_MSG_RESPONSE:
		mcp_proto_response(r, msg);
		mcp_http_json(r, 202, NULL);
		break;
	case MCP_MSG_REQUEST:
		request(r, msg);
		break;
	}
}

/* A batched message the token may not send: its error, else NULL. */
static struct json_object *
batch_denied(struct mcp_req *r, const struct mcp_msg *m)
{
	struct mcp_need		 need;

	if (mcp_guard_need(r, m, &need) == -1)
		return NULL;
	return mcp_guard_scopes_error(r, &need, m->id);
}

/*
 * More messages than max_batch_messages: the batch is refused whole,
 * before any of it runs, with one error (JSON-RPC 2.0 §6).
 */
static int
too_long(struct mcp_req *r, struct mcp_jv *arr)
{
	struct json_object	*data;
	struct mcp_jv		*m;
	char			 why[64];
	int			 n = 0;

	for (m = arr->first; m != NULL; m = m->next)
		n++;
	if (n <= r->srv->cfg.max_batch)
		return 0;
	snprintf(why, sizeof(why), "%d messages", n);
	if ((data = json_object_new_object()) != NULL) {
		mcp_json_set(data, "max_batch_messages",
		    json_object_new_int(r->srv->cfg.max_batch));
		mcp_json_set(data, "messages", json_object_new_int(n));
	}
	mcp_http_error_data(r, MCP_ERR_BATCHLEN, NULL, why, data);
	return 1;
}

/*
 * JSON-RPC batches: 2025-03-26 only; answered as one JSON array, written
 * as its messages are answered (lib/http.c, mcp_http_batch_reply()).
 */
static void
batch(struct mcp_req *r, struct mcp_jdoc *d, struct mcp_jv *arr)
{
	struct mcp_batch_out	 out = { 0 };
	struct json_object	*resp;
	struct mcp_jv		*m;
	struct mcp_msg		 msg;
	struct mcp_reply	 rp;
	enum mcp_err		 e;
	const char		*method;

	if (arr->first == NULL) {
		mcp_http_error(r, MCP_ERR_INVALID, NULL, "empty batch");
		return;
	}
	if (too_long(r, arr))
		return;
	for (m = arr->first; m != NULL; m = m->next) {
		if ((method = mcp_jv_str(m, "method")) != NULL &&
		    strcmp(method, "initialize") == 0) {
			mcp_http_error(r, MCP_ERR_NOTINIT, NULL, NULL);
			return;
		}
	}
	if (session(r, NULL) == -1)
		return;
	if (strcmp(r->version, MCP_V20250326) != 0 ||
	    strcmp(r->sess.version, MCP_V20250326) != 0) {
		mcp_http_error(r, MCP_ERR_BATCH, NULL, NULL);
		return;
	}
	if (mcp_inflight_enter(r, NULL) == -1)
		return;
	for (m = arr->first; m != NULL && !out.failed; m = m->next) {
		if (mcp_rpc_check(d, m, &msg) != MCP_OK) {
			resp = mcp_rpc_error(NULL, -32600,
			    mcp_err_info(MCP_ERR_INVALID)->message, NULL);
			mcp_http_batch_value(r, &out, resp);
			json_object_put(resp);
			continue;
		}
		if (msg.kind == MCP_MSG_NOTIFICATION)
			mcp_proto_notification(r, &msg);
		else if (msg.kind == MCP_MSG_RESPONSE)
			mcp_proto_response(r, &msg);
		else if ((resp = batch_denied(r, &msg)) != NULL) {
			mcp_http_batch_value(r, &out, resp);
			json_object_put(resp);
		} else {
			mcp_proto_request(r, &msg, &rp, &e);
			if (rp.result != NULL || rp.error != NULL)
				mcp_http_batch_reply(r, &out, &rp);
			mcp_reply_clear(&rp);
		}
	}
	mcp_http_batch_end(r, &out);
}

static void
post(struct mcp_req *r)
{
	struct mcp_buf		 body = { 0 };
	struct mcp_jdoc		 doc;
	struct mcp_jv		*idv;
	struct json_object	*id = NULL;
	struct mcp_msg		 m;
	enum mcp_err		 e;
	const char		*accept, *hv;
	char			 why[128] = "";

	if (!mcp_tx_json_ctype(mcp_http_param(r, "CONTENT_TYPE"))) {
		mcp_http_error(r, MCP_ERR_CTYPE, NULL, NULL);
		goto out;
	}
	accept = mcp_http_param(r, "HTTP_ACCEPT");
	if (!mcp_http_accepts(accept, "application/json") ||
	    !mcp_http_accepts(accept, "text/event-stream")) {
		mcp_http_error(r, MCP_ERR_ACCEPT, NULL, accept);
		goto out;
	}
	if ((e = mcp_tx_body(r, &body, why, sizeof(why))) != MCP_OK) {
		mcp_http_error(r, e, NULL, why);
		goto out;
	}
	/* The strings are decoded in the body, which outlives doc. */
	e = mcp_jdoc_read_in(&doc, body.p, body.len, r->srv->cfg.max_depth);
	if (e == MCP_OK && doc.root->type == MCP_JNULL)
		e = MCP_ERR_INVALID;
	if (e != MCP_OK) {
		mcp_http_error(r, e, NULL, NULL);
		goto outdoc;
	}
	if (doc.root->type == MCP_JARRAY) {
		snprintf(r->rpc, sizeof(r->rpc), "(batch)");
		batch(r, &doc, doc.root);
		goto outdoc;
	}
	if ((e = mcp_rpc_check(&doc, doc.root, &m)) != MCP_OK) {
		/* The id, if it is one, even when the rest is not valid. */
		if (e == MCP_ERR_INVALID &&
		    mcp_jv_isid(idv = mcp_jv_get(doc.root, "id")))
			id = mcp_jdoc_json(&doc, idv, NULL);
		mcp_http_error(r, e, id, NULL);
		goto outdoc;
	}
	if (m.kind != MCP_MSG_RESPONSE)
		mcp_strlcpy(r->rpc, m.method, sizeof(r->rpc));
	/*
	 * Era: a request whose _meta carries a protocol version, or whose
	 * header names 2026-07-28 or later, is stateless; the rest use
	 * sessions.
	 */
	hv = mcp_http_param(r, "HTTP_MCP_PROTOCOL_VERSION");
	if (mcp_jv_get(m.meta, META_VERSION) != NULL ||
	    (hv != NULL && strcmp(hv, MCP_V20260728) >= 0 &&
	    mcp_proto_supported(hv)))
		modern(r, &m);
	else
		legacy(r, &m);
outdoc:
	mcp_jdoc_free(&doc);
out:
	mcp_buf_free(&body);
}

static void
delete(struct mcp_req *r)
{
	const char	*sid = mcp_http_param(r, "HTTP_MCP_SESSION_ID");
	enum mcp_err	 e;

	if (sid == NULL || *sid == '\0') {
		mcp_http_error(r, MCP_ERR_NOSESSION, NULL, NULL);
		return;
	}
	if ((e = mcp_tx_session(r, sid, &r->sess)) != MCP_OK ||
	    (e = r->store->ops->session_delete(r->store, sid)) != MCP_OK) {
		mcp_http_error(r, e, NULL, "delete");
		return;
	}
	mcp_logx(MCP_LEVEL_INFO, r->rid, "session ended by client");
	mcp_http_begin(r, 204, NULL);
}

/*
 * Last-Event-ID: "<stream>-<seq>" as our events carry it; 0 and the
 * stream and seq, or -1.
 */
static int
event_id(const char *v, char stream[MCP_STREAM_ID_LEN + 1], int64_t *seq)
{
	size_t	 i;

	for (i = 0; i < MCP_STREAM_ID_LEN; i++)
		if (!isxdigit((unsigned char)v[i]) || isupper((unsigned char)v[i]))
			return -1;
	if (v[i++] != '-' || v[i] == '\0' || strlen(v + i) > 15)
		return -1;
	memcpy(stream, v, MCP_STREAM_ID_LEN);
	stream[MCP_STREAM_ID_LEN] = '\0';
	for (*seq = 0; v[i] != '\0'; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		*seq = *seq * 10 + (v[i] - '0');
	}
	return 0;
}

/*
 * Where a resumption starts: the stream must be this session's and its
 * events after `after` all still kept.  *listener: it is the session's
 * GET stream; *done: a POST stream whose answer the client has.
 */
static enum mcp_err
resumable(struct mcp_req *r, const char *last, struct mcp_stream_spec *sp,
    int *listener, int *done)
{
	char		 sid[MCP_SESSION_ID_LEN + 1];
	int64_t		 lo, hi;
	enum mcp_err	 e;

	if (event_id(last, sp->stream, &sp->after) == -1) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "Last-Event-ID malformed");
		return MCP_ERR_RESUME;
	}
	e = r->store->ops->stream_get(r->store, sp->stream, sid, &lo, &hi,
	    done);
	if (e == MCP_ERR_NOTFOUND || (e == MCP_OK &&
	    strcmp(sid, r->sess.id) != 0)) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "Last-Event-ID: stream %s "
		    "unknown or another session's", sp->stream);
		return MCP_ERR_RESUME;
	}
	if (e != MCP_OK)
		return e;
	if (sp->after > hi || sp->after < lo - 1) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "Last-Event-ID: %s-%lld "
		    "outside the kept %lld..%lld", sp->stream,
		    (long long)sp->after, (long long)lo, (long long)hi);
		return MCP_ERR_RESUME;
	}
	*listener = strcmp(sp->stream, r->sess.listener) == 0;
	*done = *done && sp->after >= hi;
	return MCP_OK;
}

/* Notices that waited for a stream become the new listener's events. */
static void
notices_to(struct mcp_req *r, const char *stream)
{
	struct mcp_notice	*v;
	size_t			 i, n;
	int64_t			 seq;

	if (r->store->ops->notice_take(r->store, r->sess.id, &v, &n) !=
	    MCP_OK)
		return;
	for (i = 0; i < n; i++)
		if (r->store->ops->event_add(r->store, stream, v[i].message, 0,
		    (int64_t)time(NULL), &seq) != MCP_OK)
			mcp_logx(MCP_LEVEL_WARNING, r->rid, "a notice for "
			    "stream %s lost", stream);
	mcp_notices_free(v, n);
}

/*
 * GET (2025 revisions): with Last-Event-ID, the resumption of one of the
 * session's streams; without, its listener, one open at a time.  The
 * request is checked as a POST would be, the headers (and a new
 * stream's priming event) written, then the connection goes to the
 * stream thread (lib/stream.c) and this worker is free again.
 */
static void
get(struct mcp_req *r)
{
	struct mcp_stream_spec	 sp;
	const char		*last, *hv;
	enum mcp_err		 e;
	int			 listener = 1, done = 0, fresh;
	time_t			 now = time(NULL);

	mcp_strlcpy(r->rpc, "(stream)", sizeof(r->rpc));
	hv = mcp_http_param(r, "HTTP_MCP_PROTOCOL_VERSION");
	if (!mcp_http_accepts(mcp_http_param(r, "HTTP_ACCEPT"),
	    "text/event-stream")) {
		mcp_http_error(r, MCP_ERR_ACCEPT, NULL, "a GET stream");
		return;
	}
	if ((hv != NULL && strcmp(hv, MCP_V20260728) >= 0 &&
	    mcp_proto_supported(hv)) || r->io->handoff == NULL) {
		mcp_http_error(r, MCP_ERR_NOSTREAM, NULL, hv);
		return;
	}
	if (session(r, NULL) == -1)
		return;
	memset(&sp, 0, sizeof(sp));
	mcp_strlcpy(sp.sid, r->sess.id, sizeof(sp.sid));
	mcp_strlcpy(sp.rid, r->rid, sizeof(sp.rid));
	mcp_guard_stream(r, &sp);
	if ((last = mcp_http_param(r, "HTTP_LAST_EVENT_ID")) != NULL) {
		if ((e = resumable(r, last, &sp, &listener, &done)) !=
		    MCP_OK) {
			mcp_http_error(r, e, NULL, last);
			return;
		}
	} else if (mcp_rand_hex(sp.stream, MCP_STREAM_ID_LEN / 2) == -1) {
		mcp_http_error(r, MCP_ERR_INTERNAL, NULL, "randomness");
		return;
	}
	fresh = last == NULL;
	mcp_strlcpy(r->stream, sp.stream, sizeof(r->stream));
	mcp_buf_puts(&r->hdr, "Cache-Control: no-cache, no-transform\r\n"
	    "X-Accel-Buffering: no\r\n");
	if (done) {
		/* A POST stream that ended, all of it delivered. */
		mcp_http_begin(r, 200, "text/event-stream");
		return;
	}
	if ((e = mcp_streams_admit(sp.subject)) != MCP_OK) {
		mcp_http_error(r, e, NULL, sp.stream);
		return;
	}
	if (listener) {
		if (mcp_rand_hex(sp.holder, 8) == -1)
			e = MCP_ERR_INTERNAL;
		else
			e = r->store->ops->listener_claim(r->store, r->sess.id,
			    sp.stream, sp.holder, (int64_t)now, (int64_t)now -
			    3 * MCP_LISTENER_BEAT, !fresh);
		if (e == MCP_OK && fresh && (e = r->store->ops->stream_open(
		    r->store, sp.stream, r->sess.id, (int64_t)now)) !=
		    MCP_OK)
			r->store->ops->listener_close(r->store, r->sess.id,
			    sp.holder, (int64_t)now);
	}
	if (e != MCP_OK) {
		mcp_streams_release(sp.subject);
		mcp_http_error(r, e == MCP_ERR_CONFLICT ? MCP_ERR_LISTENING :
		    e, NULL, sp.stream);
		return;
	}
	if (mcp_http_begin(r, 200, "text/event-stream") == -1 ||
	    (fresh && mcp_sse_prime(r) == -1) ||
	    r->io->handoff(r->io, &sp) == -1) {
		mcp_streams_release(sp.subject);
		if (sp.holder[0] != '\0')
			r->store->ops->listener_close(r->store, r->sess.id,
			    sp.holder, (int64_t)now);
		r->gone = 1;
		return;
	}
	/* Nothing more is ours to write. */
	r->gone = 1;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "stream %s held from event %lld",
	    sp.stream, (long long)sp.after + 1);
	/* What waited for a stream: the stream thread finds it there. */
	if (listener && fresh)
		notices_to(r, sp.stream);
}

/* The request path without its query string, in buf. */
static const char *
req_path(struct mcp_req *r, char *buf, size_t bufsz)
{
	const char	*u = mcp_http_param(r, "REQUEST_URI");
	size_t		 n;

	if (u == NULL)
		u = mcp_http_param(r, "SCRIPT_NAME");
	if (u == NULL)
		return "";
	n = strcspn(u, "?");
	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, u, n);
	buf[n] = '\0';
	return buf;
}

void
mcp_serve(struct mcp_server *srv, struct mcp_io *io, struct mcp_store *st)
{
	struct mcp_req	 r;
	const char	*method, *origin, *path;
	char		 pbuf[512];

	memset(&r, 0, sizeof(r));
	r.srv = srv;
	r.io = io;
	r.store = st;
	r.log_level = -1;
	clock_gettime(CLOCK_REALTIME, &r.t0);
	mcp_rand_rid(r.rid);
	method = mcp_http_param(&r, "REQUEST_METHOD");
	if (method == NULL)
		method = "";
	/* RFC 9728 metadata: public, readable from any origin. */
	path = req_path(&r, pbuf, sizeof(pbuf));
	if (strncmp(path, "/.well-known/", 13) == 0) {
		r.origin = "*";
		mcp_guard_wellknown(&r, path);
		goto out;
	}
	/*
	 * Only the endpoint's own path: the web server's prefix match also
	 * hands over /mcpfoo, /mcp/ and /mcp/x.  (A CGI run without a
	 * request URI gives no path to compare.)
	 */
	if (srv->own_path != NULL && *path != '\0' &&
	    strcmp(path, srv->own_path) != 0 &&
	    (srv->sse_path == NULL || strcmp(path, srv->sse_path) != 0) &&
	    (srv->msg_path == NULL || strcmp(path, srv->msg_path) != 0)) {
		r.outcome = "not_found";
		mcp_http_error(&r, MCP_ERR_NOTFOUND, NULL, path);
		goto audit;
	}
	/* Streamable HTTP, "Security Warning": validate Origin (403). */
	if ((origin = mcp_http_param(&r, "HTTP_ORIGIN")) != NULL) {
		if (!mcp_config_origin_ok(&srv->cfg, origin)) {
			r.outcome = "bad_origin";
			mcp_http_error(&r, MCP_ERR_ORIGIN, NULL, origin);
			goto audit;
		}
		r.origin = origin;
	}
	/* A preflight carries no credentials (Fetch standard). */
	if (strcmp(method, "OPTIONS") == 0) {
		mcp_buf_puts(&r.hdr, "Access-Control-Max-Age: 86400\r\n");
		mcp_http_begin(&r, 204, NULL);
		goto out;
	}
	if (mcp_guard_request(&r) == 0) {
		if (mcp_legacy_serve(&r, path, method))
			;	/* the 2024-11-05 transport's paths */
		else if (strcmp(method, "POST") == 0)
			post(&r);
		else if (strcmp(method, "DELETE") == 0)
			delete(&r);
		else if (strcmp(method, "GET") == 0)
			get(&r);
		else
			mcp_http_error(&r, MCP_ERR_HTTPMETHOD, NULL, method);
		mcp_inflight_leave(&r);		/* whatever took the slot */
	}
audit:
	if (srv->auth != NULL)
		mcp_audit_request(&r);
out:
	json_object_put(r.caps);
	mcp_buf_free(&r.hdr);
}
