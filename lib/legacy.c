/*
 * legacy.c: the HTTP+SSE transport of MCP 2024-11-05, served beside
 * Streamable HTTP by the same responder, on the siblings of its path
 * named "sse" and "messages" (/sse and /messages beside /mcp).
 *
 * GET sse opens a stream that is the session: a legacy session is made
 * with it, its first event ("endpoint") names the URI to POST to
 * (relative, "messages?sessionId=...", so it keeps the web server's
 * prefix and the client's origin), and it ends with the stream.  Each
 * POST there carries one client message; it is checked (token, scopes,
 * the caller's share of threads) and refused on the POST itself like on
 * /mcp, else answered 202 at once, and its answer and every message the
 * server sends go out on the stream as "message" events, through the
 * store, so that the POST may land in any process.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"

int
mcp_legacy_paths(struct mcp_server *srv)
{
	const char	*slash;
	size_t		 n;

	if (srv->own_path == NULL)
		return 0;
	slash = strrchr(srv->own_path, '/');
	n = slash != NULL ? (size_t)(slash - srv->own_path) : 0;
	if (asprintf(&srv->sse_path, "%.*s/sse", (int)n, srv->own_path) ==
	    -1 || asprintf(&srv->msg_path, "%.*s/messages", (int)n,
	    srv->own_path) == -1) {
		srv->sse_path = srv->msg_path = NULL;
		return -1;
	}
	return 0;
}

/* GET sse: a new legacy session, its stream held by the stream thread. */
static void
open_stream(struct mcp_req *r)
{
	struct mcp_stream_spec	 sp;
	const char		*uri;
	char			 ev[160];
	enum mcp_err		 e;
	int			 n;

	mcp_strlcpy(r->rpc, "(sse)", sizeof(r->rpc));
	if (!mcp_http_accepts(mcp_http_param(r, "HTTP_ACCEPT"),
	    "text/event-stream")) {
		mcp_http_error(r, MCP_ERR_ACCEPT, NULL, "a GET stream");
		return;
	}
	if (r->io->handoff == NULL) {
		mcp_http_error(r, MCP_ERR_NOSTREAM, NULL, "CGI");
		return;
	}
	memset(&sp, 0, sizeof(sp));
	mcp_guard_stream(r, &sp);
	if ((e = mcp_streams_admit(sp.subject)) != MCP_OK) {
		mcp_http_error(r, e, NULL, "sse");
		return;
	}
	/* The revision is the one initialize agrees on, later. */
	if ((e = mcp_stream_session(r, MCP_SESSION_SSE, MCP_V20250326,
	    &sp)) != MCP_OK)
		goto fail;
	uri = strrchr(r->srv->msg_path, '/') + 1;
	n = snprintf(ev, sizeof(ev), "event: endpoint\ndata: %s?sessionId=%s"
	    "\n\n", uri, sp.sid);
	mcp_buf_puts(&r->hdr, "Cache-Control: no-cache, no-transform\r\n"
	    "X-Accel-Buffering: no\r\n");
	if (mcp_http_begin(r, 200, "text/event-stream") == -1 ||
	    mcp_http_write(r, ev, (size_t)n) == -1 ||
	    r->io->handoff(r->io, &sp) == -1) {
		mcp_streams_release(sp.subject);
		r->store->ops->session_delete(r->store, sp.sid);
		r->gone = 1;
		return;
	}
	r->gone = 1;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "session created with stream %s "
	    "(HTTP+SSE)", sp.stream);
	return;
fail:
	mcp_streams_release(sp.subject);
	mcp_http_error(r, e, NULL, "sse");
}

/* The sessionId of the query string, 64 hex digits; NULL if none. */
static const char *
query_session(struct mcp_req *r, char out[MCP_SESSION_ID_LEN + 1])
{
	const char	*q = mcp_http_param(r, "QUERY_STRING"), *p;
	size_t		 n;

	for (p = q; p != NULL && *p != '\0'; p += strcspn(p, "&"),
	    p += *p == '&') {
		if (strncmp(p, "sessionId=", 10) != 0)
			continue;
		p += 10;
		n = strcspn(p, "&");
		if (n != MCP_SESSION_ID_LEN)
			return "";
		memcpy(out, p, n);
		out[n] = '\0';
		return out;
	}
	return NULL;
}

/* Where the session's messages go: its stream, through the store. */
static void
to_stream(struct mcp_req *r)
{
	r->sse = 1;
	r->keep = 1;
	r->gone = 1;
	mcp_strlcpy(r->stream, r->sess.listener, sizeof(r->stream));
}

static void
dispatch(struct mcp_req *r, const struct mcp_msg *m)
{
	struct mcp_reply	 rp;
	enum mcp_err		 e;

	switch (m->kind) {
	case MCP_MSG_NOTIFICATION:
		mcp_proto_notification(r, m);
		break;
	case MCP_MSG_RESPONSE:
		mcp_proto_response(r, m);
		break;
	case MCP_MSG_REQUEST:
		mcp_proto_request(r, m, &rp, &e);
		if (rp.result != NULL || rp.error != NULL)
			mcp_sse_reply(r, &rp);
		mcp_reply_clear(&rp);
		break;
	}
}

/* POST messages?sessionId=: one message, answered on the stream. */
static void
message(struct mcp_req *r)
{
	struct mcp_buf		 body = { 0 };
	struct mcp_jdoc		 doc;
	struct mcp_msg		 m;
	enum mcp_err		 e = MCP_OK;
	const char		*sid;
	char			 sbuf[MCP_SESSION_ID_LEN + 1], why[128] = "";

	if ((sid = query_session(r, sbuf)) == NULL) {
		mcp_http_error(r, MCP_ERR_NOSESSION, NULL, "no sessionId");
		return;
	}
	if (*sid == '\0' || (e = mcp_tx_session(r, sid, &r->sess)) !=
	    MCP_OK || r->sess.legacy != MCP_SESSION_SSE ||
	    r->sess.listener[0] == '\0') {
		mcp_http_error(r, *sid == '\0' || e != MCP_ERR_STORE ?
		    MCP_ERR_SESSION : e, NULL, "unknown, ended or another "
		    "subject's HTTP+SSE session");
		return;
	}
	r->has_sess = 1;
	r->log_level = r->sess.log_level;
	mcp_strlcpy(r->version, r->sess.version, sizeof(r->version));
	if (!mcp_tx_json_ctype(mcp_http_param(r, "CONTENT_TYPE"))) {
		mcp_http_error(r, MCP_ERR_CTYPE, NULL, NULL);
		return;
	}
	if ((e = mcp_tx_body(r, &body, why, sizeof(why))) != MCP_OK) {
		mcp_http_error(r, e, NULL, why);
		goto out;
	}
	e = mcp_jdoc_read_in(&doc, body.p, body.len, r->srv->cfg.max_depth);
	if (e == MCP_OK && doc.root->type == MCP_JARRAY)
		e = MCP_ERR_BATCH;
	else if (e == MCP_OK)
		e = mcp_rpc_check(&doc, doc.root, &m);
	if (e != MCP_OK) {
		mcp_http_error(r, e, NULL, NULL);
		goto outdoc;
	}
	if (m.kind != MCP_MSG_RESPONSE)
		mcp_strlcpy(r->rpc, m.method, sizeof(r->rpc));
	/* Refused on the POST itself, as on /mcp: 403, 429. */
	if (m.kind == MCP_MSG_REQUEST && (mcp_tx_scoped(r, &m) == -1 ||
	    mcp_inflight_enter(r, m.id) == -1))
		goto outdoc;
	/* Accepted: the answer goes on the stream, the POST ends now. */
	if (mcp_http_begin(r, 202, NULL) == -1 || r->io->flush(r->io) ==
	    -1 || (r->io->end != NULL && r->io->end(r->io) == -1))
		mcp_logx(MCP_LEVEL_INFO, r->rid, "the POST's client left");
	to_stream(r);
	mcp_logx(MCP_LEVEL_INFO, r->rid, "answered on stream %s (HTTP+SSE)",
	    r->stream);
	dispatch(r, &m);
outdoc:
	mcp_jdoc_free(&doc);
out:
	mcp_buf_free(&body);
}

int
mcp_legacy_serve(struct mcp_req *r, const char *path, const char *method)
{
	if (r->srv->sse_path != NULL && strcmp(path, r->srv->sse_path) == 0) {
		if (strcmp(method, "GET") == 0)
			open_stream(r);
		else
			mcp_http_error(r, MCP_ERR_HTTPMETHOD, NULL, method);
		return 1;
	}
	if (r->srv->msg_path != NULL && strcmp(path, r->srv->msg_path) == 0) {
		if (strcmp(method, "POST") == 0)
			message(r);
		else
			mcp_http_error(r, MCP_ERR_HTTPMETHOD, NULL, method);
		return 1;
	}
	return 0;
}
