/*
 * listen.c: subscriptions/listen of 2026-07-28, a request whose answer
 * is a long-lived stream of the notifications the client opted in to.
 *
 * The worker checks the filter (lib/protocol.c, mcp_proto_listen()),
 * keeps the listen in the store as a session of its own kind (never
 * usable with Mcp-Session-Id) whose subscriptions and listener carry the
 * change notices exactly as for a 2025 session's GET stream, writes the
 * acknowledgement as the stream's first message, and hands the
 * connection to the stream thread, which tags every message with the
 * listen's id (_meta "io.modelcontextprotocol/subscriptionId") and, when
 * it ends the listen itself, sends the result first.  The client closing
 * the stream ends the listen (and its session) at once.  This revision
 * has no resumption: the stream's events carry no ids, and a client that
 * lost one issues the request again.
 */
#include <string.h>

#include "extern.h"

/* The acknowledgement: the first message of the stream. */
static int
acknowledge(struct mcp_req *r, struct json_object *ack,
    struct json_object *id)
{
	struct json_object	*msg, *params, *meta;
	struct mcp_buf		 b = { 0 };
	int			 rc;

	msg = json_object_new_object();
	params = json_object_new_object();
	meta = json_object_new_object();
	mcp_json_set(meta, MCP_SUBSCRIPTION_ID, json_object_get(id));
	mcp_json_set(params, "notifications", json_object_get(ack));
	mcp_json_set(params, "_meta", meta);
	mcp_json_set(msg, "jsonrpc", json_object_new_string("2.0"));
	mcp_json_set(msg, "method", json_object_new_string(
	    "notifications/subscriptions/acknowledged"));
	mcp_json_set(msg, "params", params);
	rc = mcp_buf_printf(&b, "event: message\ndata: %s\n\n",
	    mcp_json_text(msg));
	json_object_put(msg);
	if (rc != -1)
		rc = mcp_http_write(r, b.p, b.len);
	mcp_buf_free(&b);
	return rc;
}

/* -32602 with what was wrong, as the other methods answer it. */
static void
invalid(struct mcp_req *r, struct json_object *id, const char *why)
{
	struct json_object	*msg;

	mcp_logx(MCP_LEVEL_INFO, r->rid, "%s", why);
	if ((msg = mcp_rpc_error(id, -32602, why, NULL)) == NULL)
		mcp_http_json(r, 500, NULL);
	else
		mcp_http_value(r, 200, msg);
	json_object_put(msg);
}

/* taskIds from a client that did not declare the tasks extension. */
static void
no_extension(struct mcp_req *r, struct json_object *id)
{
	struct json_object	*msg, *data, *need, *ext;

	data = json_object_new_object();
	need = json_object_new_object();
	ext = json_object_new_object();
	json_object_object_add(ext, "io.modelcontextprotocol/tasks",
	    json_object_new_object());
	json_object_object_add(need, "extensions", ext);
	json_object_object_add(data, "requiredCapabilities", need);
	if ((msg = mcp_rpc_error(id, -32021, "Missing required client "
	    "capability: extensions.io.modelcontextprotocol/tasks",
	    data)) == NULL)
		mcp_http_json(r, 500, NULL);
	else
		mcp_http_value(r, 400, msg);
	json_object_put(msg);
}

void
mcp_listen(struct mcp_req *r, const struct mcp_msg *msg)
{
	struct mcp_stream_spec	 sp;
	struct json_object	*ack = NULL;
	const char		*idtext;
	char			 why[160];
	enum mcp_err		 e;

	if (r->io->handoff == NULL) {
		mcp_http_error(r, MCP_ERR_NOSTREAM, msg->id, "CGI");
		return;
	}
	idtext = mcp_rpc_idtext(msg->id);
	memset(&sp, 0, sizeof(sp));
	if (strlen(idtext) >= sizeof(sp.subid)) {
		mcp_http_error(r, MCP_ERR_INVALID, NULL, "id too long");
		return;
	}
	mcp_strlcpy(sp.subid, idtext, sizeof(sp.subid));
	mcp_guard_stream(r, &sp);
	if ((e = mcp_streams_admit(sp.subject)) != MCP_OK) {
		mcp_http_error(r, e, msg->id, "listen");
		return;
	}
	if ((e = mcp_stream_session(r, MCP_SESSION_LISTEN, r->version,
	    &sp)) != MCP_OK)
		goto fail;
	if ((ack = mcp_proto_listen(r, msg->params, sp.sid, why,
	    sizeof(why))) == NULL) {
		r->store->ops->session_delete(r->store, sp.sid);
		mcp_streams_release(sp.subject);
		if (strncmp(why, "store:", 6) == 0)
			mcp_http_error(r, MCP_ERR_STORE, msg->id, why);
		else if (strncmp(why, "extension:", 10) == 0)
			no_extension(r, msg->id);
		else
			invalid(r, msg->id, why);
		return;
	}
	sp.noids = 1;
	mcp_buf_puts(&r->hdr, "Cache-Control: no-cache, no-transform\r\n"
	    "X-Accel-Buffering: no\r\n");
	if (mcp_http_begin(r, 200, "text/event-stream") == -1 ||
	    acknowledge(r, ack, msg->id) == -1 ||
	    r->io->handoff(r->io, &sp) == -1) {
		r->store->ops->session_delete(r->store, sp.sid);
		mcp_streams_release(sp.subject);
		r->gone = 1;
		json_object_put(ack);
		return;
	}
	r->gone = 1;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "listening on stream %s: %s",
	    sp.stream, mcp_json_text(ack));
	json_object_put(ack);
	return;
fail:
	json_object_put(ack);
	mcp_streams_release(sp.subject);
	mcp_http_error(r, e, msg->id, "listen");
}
