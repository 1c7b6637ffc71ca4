/*
 * notice.c: change notifications for subscribed resources.
 *
 * A tool that changes what a resource shows calls
 * mcp_call_resource_updated(); the store queues one
 * notifications/resources/updated for every session subscribed to that
 * URI in the caller's workspace, in whichever process it lives (a URI
 * like mcp-fcgi://workspace names one resource per workspace).  The
 * queue is drained onto the session's next SSE response: a tools/call of
 * a session holding subscriptions is answered as SSE for that reason, and
 * so is any request of a session with notices waiting (lib/protocol.c,
 * mcp_proto_wants_sse()).  The standalone GET stream will drain the same
 * queue.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"

void
mcp_notices_free(struct mcp_notice *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].message);
	free(v);
}

int
mcp_call_resource_updated(struct mcp_call *c, const char *uri)
{
	struct mcp_req		*r = c->req;
	struct json_object	*msg, *params;
	enum mcp_err		 e;

	msg = json_object_new_object();
	params = json_object_new_object();
	mcp_json_set(params, "uri", json_object_new_string(uri));
	mcp_json_set(msg, "jsonrpc", json_object_new_string("2.0"));
	mcp_json_set(msg, "method",
	    json_object_new_string("notifications/resources/updated"));
	mcp_json_set(msg, "params", params);
	e = r->store->ops->notice_add(r->store, r->who.workspace, uri,
	    mcp_json_text(msg), (int64_t)time(NULL));
	json_object_put(msg);
	if (e == MCP_OK) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "%s changed: its subscribers "
		    "told", uri);
		mcp_streams_poke();	/* a listener here may have it */
	}
	if (e != MCP_OK) {
		/* The change itself stands; only the notice is lost. */
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "notice for %s not "
		    "queued: %s", uri, mcp_err_info(e)->message);
		return -1;
	}
	return 0;
}

void
mcp_notices_send(struct mcp_req *r)
{
	struct mcp_notice	*v;
	struct json_object	*msg;
	enum mcp_err		 e;
	size_t			 i, n;

	if (!r->has_sess || !r->sse ||
	    (!r->sess.notices && !r->sess.subscribed))
		return;
	if (r->store->ops->notice_take(r->store, r->sess.id, &v, &n) !=
	    MCP_OK)
		return;		/* logged by the store; they stay */
	for (i = 0; i < n; i++) {
		msg = mcp_json_parse(v[i].message, strlen(v[i].message),
		    r->srv->cfg.max_depth, &e);
		if (msg != NULL)
			mcp_sse_send(r, msg);
		json_object_put(msg);
	}
	mcp_notices_free(v, n);
}
